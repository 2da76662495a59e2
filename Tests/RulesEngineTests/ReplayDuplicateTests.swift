// Duplicate leads in a replay: the first lead captured with a phone number or
// email address stays primary; later leads with the same normalised phone or
// the same address (any case) are linked to it, whatever the file order.

import Testing
@testable import RulesEngine

struct ReplayDuplicateTests {
    typealias F = EventFixtures

    static func capture(_ id: String, _ lead: String, _ at: String, phone: String? = nil, email: String? = nil,
                        country: String = "GB") -> String {
        var data = [#""desk":"d""#, #""country":"\#(country)""#]
        if let phone { data.append(#""phone":"\#(phone)""#) }
        if let email { data.append(#""email":"\#(email)""#) }
        return #"{"id":"\#(id)","lead_id":"\#(lead)","type":"lead_created","at":"\#(at)","data":{\#(data.joined(separator: ","))}}"#
    }

    static func links(_ lines: [String]) throws -> [String: String] {
        let log = try F.decode(lines.joined(separator: "\n"))
        let (histories, issues) = LeadHistory.histories(of: log, path: "events.jsonl")
        #expect(issues.isEmpty)
        return Replay.duplicateLinks(histories)
    }

    @Test func samePhoneInAnotherFormatLinksToTheLeadCapturedFirst() throws {
        let found = try Self.links([
            Self.capture("e2", "L2", "2026-03-21T11:00:00Z", phone: "07700 900123"),
            Self.capture("e1", "L1", "2026-03-21T10:00:00Z", phone: "+44 7700 900123"),
            Self.capture("e3", "L3", "2026-03-21T12:00:00Z", phone: "+44 7700 900999"),
        ])
        #expect(found == ["L2": "L1"])
    }

    @Test func sameEmailInAnyCaseLinksAndChainsKeepTheFirstPrimary() throws {
        let found = try Self.links([
            Self.capture("e1", "L1", "2026-03-21T10:00:00Z", phone: "+447700900123", email: "a@x.com"),
            Self.capture("e2", "L2", "2026-03-21T10:30:00Z", phone: "+447700900555", email: "A@X.COM"),
            Self.capture("e3", "L3", "2026-03-21T11:00:00Z", phone: "07700 900555", email: "c@x.com"),
        ])
        #expect(found == ["L2": "L1", "L3": "L1"])
    }

    @Test func leadsWithNothingInCommonOrAnUnusablePhoneAreNotLinked() throws {
        let found = try Self.links([
            Self.capture("e1", "L1", "2026-03-21T10:00:00Z", phone: "n/a", email: "a@x.com"),
            Self.capture("e2", "L2", "2026-03-21T10:30:00Z", phone: "n/a", email: "b@x.com"),
        ])
        #expect(found.isEmpty)
    }
}
