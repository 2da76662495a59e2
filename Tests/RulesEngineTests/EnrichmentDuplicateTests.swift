// Duplicate detection at capture: same E.164 phone or same email address
// (case-insensitive) as an earlier lead links to that lead.

import Testing
import RulesLanguage
@testable import RulesEngine

struct EnrichmentDuplicateTests {
    typealias Match = DuplicateIndex.Match

    struct Lead: Sendable {
        let id: String
        let email: String?
        let phone: String?
    }

    struct Scenario: Sendable, CustomTestStringConvertible {
        let name: String
        let leads: [Lead]
        /// The answer for each lead, in registration order.
        let expected: [Match?]
        var testDescription: String { name }
    }

    static let scenarios: [Scenario] = [
        .init(name: "same phone",
              leads: [.init(id: "A", email: "a@example.com", phone: "+447700900123"),
                      .init(id: "B", email: "b@example.org", phone: "+447700900123")],
              expected: [nil, Match(primaryLeadID: "A", keys: [.phone])]),
        .init(name: "same email in another case, with blanks",
              leads: [.init(id: "A", email: "Jane.Doe@Example.com", phone: nil),
                      .init(id: "B", email: "  jane.doe@EXAMPLE.COM ", phone: "+12125550100")],
              expected: [nil, Match(primaryLeadID: "A", keys: [.email])]),
        .init(name: "both keys",
              leads: [.init(id: "A", email: "x@example.com", phone: "+12125550100"),
                      .init(id: "B", email: "X@example.com", phone: "+12125550100")],
              expected: [nil, Match(primaryLeadID: "A", keys: [.phone, .email])]),
        .init(name: "no false positives",
              leads: [.init(id: "A", email: "jane@example.com", phone: "+12125550100"),
                      .init(id: "B", email: "jane@example.org", phone: "+12125550101"),
                      .init(id: "C", email: "jane.x@example.com", phone: "+112125550100"),
                      .init(id: "D", email: nil, phone: nil),
                      .init(id: "E", email: nil, phone: nil)],
              expected: [nil, nil, nil, nil, nil]),
        .init(name: "placeholders and non-E.164 numbers are not keys",
              leads: [.init(id: "A", email: "n/a", phone: "07700 900123"),
                      .init(id: "B", email: "n/a", phone: "07700 900123"),
                      .init(id: "C", email: "", phone: ""),
                      .init(id: "D", email: "", phone: ""),
                      .init(id: "E", email: "@", phone: "+12"),
                      .init(id: "F", email: "@", phone: "+12")],
              expected: [nil, nil, nil, nil, nil, nil]),
        .init(name: "gmail dots and tags are different addresses by default",
              leads: [.init(id: "A", email: "j.doe@gmail.com", phone: nil),
                      .init(id: "B", email: "jdoe@gmail.com", phone: nil),
                      .init(id: "C", email: "jdoe+fx@gmail.com", phone: nil)],
              expected: [nil, nil, nil]),
        .init(name: "a duplicate's new key links later leads to the first primary",
              leads: [.init(id: "A", email: "a@example.com", phone: "+447700900123"),
                      .init(id: "B", email: "b@example.com", phone: "+447700900123"),
                      .init(id: "C", email: "B@example.com", phone: nil)],
              expected: [nil, Match(primaryLeadID: "A", keys: [.phone]), Match(primaryLeadID: "A", keys: [.email])]),
        .init(name: "touching two groups links to the older primary",
              leads: [.init(id: "A", email: "a@example.com", phone: "+447700900111"),
                      .init(id: "B", email: "b@example.com", phone: "+447700900222"),
                      .init(id: "C", email: "b@example.com", phone: "+447700900111"),
                      .init(id: "D", email: "b@example.com", phone: nil)],
              expected: [nil, nil, Match(primaryLeadID: "A", keys: [.phone]),
                         Match(primaryLeadID: "B", keys: [.email])]),
        .init(name: "phone written with blanks is the same key",
              leads: [.init(id: "A", email: nil, phone: "+44 7700 900123"),
                      .init(id: "B", email: nil, phone: "+447700900123")],
              expected: [nil, Match(primaryLeadID: "A", keys: [.phone])]),
    ]

    @Test(arguments: scenarios)
    func registersLeadsInOrder(_ s: Scenario) {
        var index = DuplicateIndex()
        let answers = s.leads.map { index.register(leadID: $0.id, email: $0.email, phoneE164: $0.phone) }
        #expect(answers == s.expected)
        #expect(index.count == s.leads.count)
    }

    @Test func normalisedNumbersMatchHoweverTheLeadsTypedThem() throws {
        var index = DuplicateIndex()
        let typed = try PhoneNumber.normalize(raw: "07700 900123", country: "GB").get()
        let international = try PhoneNumber.normalize(raw: "+44 (0)7700 900123", country: nil).get()
        #expect(index.register(leadID: "A", email: nil, phone: typed) == nil)
        #expect(index.register(leadID: "B", email: nil, phone: international)
            == Match(primaryLeadID: "A", keys: [.phone]))
    }

    @Test func gmailCanonicalMatchingIgnoresDotsTagsAndGooglemail() {
        var index = DuplicateIndex(emailMatching: .gmailCanonical)
        #expect(index.register(leadID: "A", email: "J.Doe@gmail.com", phoneE164: nil) == nil)
        let expected = Match(primaryLeadID: "A", keys: [.email])
        #expect(index.register(leadID: "B", email: "jdoe@gmail.com", phoneE164: nil) == expected)
        #expect(index.register(leadID: "C", email: "j.d.o.e+forex@googlemail.com", phoneE164: nil) == expected)
        // Other domains keep their dots and tags.
        #expect(index.register(leadID: "D", email: "j.doe@example.com", phoneE164: nil) == nil)
        #expect(index.register(leadID: "E", email: "jdoe@example.com", phoneE164: nil) == nil)
        #expect(index.register(leadID: "F", email: "j.doe+x@example.com", phoneE164: nil) == nil)
    }

    @Test func registeringALeadAgainGivesItsFirstAnswerAndChangesNothing() {
        var index = DuplicateIndex()
        #expect(index.register(leadID: "A", email: "a@example.com", phoneE164: "+12125550100") == nil)
        let duplicate = index.register(leadID: "B", email: "b@example.com", phoneE164: "+12125550100")
        let before = index
        #expect(index.register(leadID: "A", email: "a@example.com", phoneE164: "+12125550100") == nil)
        #expect(index.register(leadID: "B", email: "b@example.com", phoneE164: "+12125550100") == duplicate)
        #expect(index == before)
        #expect(index.count == 2)
    }

    @Test func primaryStaysFirstWhenItIsRegisteredAgainAfterItsDuplicates() {
        var index = DuplicateIndex()
        _ = index.register(leadID: "A", email: "a@example.com", phoneE164: nil)
        _ = index.register(leadID: "B", email: "a@example.com", phoneE164: nil)
        #expect(index.register(leadID: "A", email: "a@example.com", phoneE164: nil) == nil)
        #expect(index.primary(of: "A") == "A")
        #expect(index.primary(of: "B") == "A")
        #expect(index.primary(of: "Z") == nil)
    }

    @Test func aLeadRegisteredAgainWithANewKeyBringsItIntoItsGroup() {
        var index = DuplicateIndex()
        _ = index.register(leadID: "A", email: "a@example.com", phoneE164: nil)
        _ = index.register(leadID: "B", email: "a@example.com", phoneE164: nil)
        #expect(index.register(leadID: "B", email: "a@example.com", phoneE164: "+33123456789")
            == Match(primaryLeadID: "A", keys: [.email]))
        #expect(index.register(leadID: "C", email: nil, phoneE164: "+33123456789")
            == Match(primaryLeadID: "A", keys: [.phone]))
    }

    /// Random captures from small pools of emails and phones, lead ids
    /// repeating, checked against a plain model: each key belongs to the
    /// group that saw it first, a new lead links to the oldest group owning
    /// one of its keys, and a lead seen before gets its first answer again.
    @Test(arguments: [1, 2, 3, 42] as [UInt64])
    func randomCapturesAgreeWithTheModelAndRepeatExactly(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let leads = (0..<2000).map { _ -> Lead in
            let email = Int.random(in: 0..<10, using: &random) < 7
                ? "user\(Int.random(in: 0..<600, using: &random))@Example.com" : nil
            let phone = Int.random(in: 0..<10, using: &random) < 7
                ? "+4477009\(Int.random(in: 10000..<10600, using: &random))" : nil
            return Lead(id: "L\(Int.random(in: 0..<1500, using: &random))", email: email, phone: phone)
        }
        var index = DuplicateIndex()
        var replay = DuplicateIndex()
        var owner: [String: String] = [:]        // key → primary of the group that saw it first
        var age: [String: Int] = [:]             // primary → registration order
        var answered: [String: Match?] = [:]
        var linked = 0
        for lead in leads {
            let answer = index.register(leadID: lead.id, email: lead.email, phoneE164: lead.phone)
            let replayed = replay.register(leadID: lead.id, email: lead.email, phoneE164: lead.phone)
            let keys: [(DuplicateIndex.Key, String)] = [(.phone, lead.phone), (.email, lead.email?.lowercased())]
                .compactMap { key, value in value.map { (key, "\(key):\($0)") } }
            let group: String
            let expected: Match?
            if let first = answered[lead.id] {
                expected = first
                group = first?.primaryLeadID ?? lead.id
            } else {
                let oldest = keys.compactMap { owner[$0.1] }.min { age[$0, default: 0] < age[$1, default: 0] }
                expected = oldest.map { id in
                    Match(primaryLeadID: id, keys: keys.filter { owner[$0.1] == id }.map(\.0))
                }
                answered[lead.id] = expected
                if oldest == nil { age[lead.id] = age.count } else { linked += 1 }
                group = oldest ?? lead.id
            }
            for (_, key) in keys where owner[key] == nil { owner[key] = group }
            // One report per seed: stop at the first disagreement.
            guard answer == expected, replayed == answer, index.primary(of: lead.id) == group else {
                let got = "got \(String(describing: answer)), replay \(String(describing: replayed))"
                Issue.record("\(lead): \(got), expected \(String(describing: expected)) in group \(group)")
                return
            }
        }
        #expect(index == replay)
        #expect(index.count == answered.count)
        #expect(linked > 100)
    }
}
