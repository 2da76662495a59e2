// Tiers and routes of the default playbook at the score thresholds
// (rules/tiers.rules, rules/routing.rules), and the explanation of each:
// contributing rows by file:line, the tier rule, the route rule and why
// every earlier route did not match.

import Testing
@testable import RulesEngine

/// A lead of the default playbook with exactly `score` points for the
/// scores used here, from behavioral events, a phone and an affiliate.
func lead(score: Int, language: String) -> LeadSnapshot {
    let maxed = blankLead().with("deposit_page_visit").with("demo_trade").with("platform_download")
    let base: LeadSnapshot = switch score {
    case 70: affiliate("aff_1042").with("deposit_page_visit").with("demo_trade").with("platform_download")  // 50 + 10
    case 69: affiliate("aff_1077").with("deposit_page_visit").with("demo_trade").with("platform_download")  // 50 + 9
    case 40: blankLead().with("demo_account_created").with("email_open", count: 3)
        .with("country", .string("GB"))  // 15 + 15 (+ phone)
    case 39: affiliate("aff_1077").with("deposit_page_visit")  // 20 + 9 (+ phone)
    case 0: blankLead().with("phone", .missing)
    default: maxed
    }
    var lead = base.with("language", .string(language))
    if score > 0 { lead = lead.with("phone", .string("+4930123456")) }
    return lead
}

struct Placement: Sendable, CustomTestStringConvertible {
    let score: Int
    let language: String
    let tier: String
    let queue: String
    var testDescription: String { "\(score) \(language) → \(tier), \(queue)" }
}

let placements: [Placement] = [
    Placement(score: 70, language: "German", tier: "hot", queue: "german_hot_lead_queue"),
    Placement(score: 70, language: "English", tier: "hot", queue: "english_hot_lead_queue"),
    Placement(score: 70, language: "French", tier: "hot", queue: "international_hot_lead_queue"),
    Placement(score: 69, language: "German", tier: "warm", queue: "warm_lead_queue"),
    Placement(score: 40, language: "English", tier: "warm", queue: "warm_lead_queue"),
    Placement(score: 39, language: "German", tier: "cold", queue: "nurture_sequence"),
    Placement(score: 0, language: "French", tier: "cold", queue: "nurture_sequence"),
]

@Test(arguments: placements)
func scoreAndLanguagePickTierAndRoute(_ p: Placement) throws {
    let e = try playbook.evaluate(lead(score: p.score, language: p.language))
    #expect(e.score == Double(p.score))
    #expect(playbook.tier(e) == p.tier)
    #expect(playbook.queue(e) == p.queue)
}

@Test func hotRouteCarriesPriorityDialModeAndSource() throws {
    let e = try playbook.evaluate(lead(score: 70, language: "German"))
    let route = try #require(e.routeIndex.map { playbook.compiled.routes[$0].definition })
    #expect(route.priorityName == "IMMEDIATE")
    #expect(route.dialMode == "power_dialer")
    #expect(route.source.description == (try playbookLine("language = \"German\"", in: "routing.rules")))
}

@Test func escalatedColdLeadIsWarmAndTakesTheWarmDesk() throws {
    var cold = lead(score: 39, language: "German")
    cold.escalatedTier = "warm"
    let e = try playbook.evaluate(cold)
    #expect(playbook.tier(e) == "warm")
    #expect(playbook.queue(e) == "warm_lead_queue")
    #expect(e.explanation?.tier?.escalated == true)
    #expect(e.explanation?.route?.source.description == (try playbookLine("IF lead_tier = \"warm\"", in: "routing.rules")))
    // The warm route by score did not match: its condition failed.
    #expect(e.explanation?.routesNotTaken.last?.failed == "lead_score 40-69")
}

@Test func escalationNeverLowersTheTier() throws {
    var hot = lead(score: 70, language: "German")
    hot.escalatedTier = "warm"
    let e = try playbook.evaluate(hot)
    #expect(playbook.tier(e) == "hot")
    #expect(e.explanation?.tier?.escalated == false)
}

@Test func explanationNamesEveryContributingRowByFileAndLine() throws {
    let e = try playbook.evaluate(lead(score: 70, language: "German"))
    let explanation = try #require(e.explanation)
    let expected = [
        ("behavioral", try playbookLine("count(demo_trade) > 0", in: "scoring.rules"), 15.0),
        ("behavioral", try playbookLine("deposit_page_visit     =>", in: "scoring.rules"), 20),
        ("behavioral", try playbookLine("platform_download      =>", in: "scoring.rules"), 15),
        ("demographic", try playbookLine("present(phone)", in: "scoring.rules"), 10),
        ("source", try playbookLine("source = \"affiliate\"", in: "scoring.rules"), 10),
    ]
    #expect(explanation.contributions.map { $0.category } == expected.map(\.0))
    #expect(explanation.contributions.map { $0.source.description } == expected.map(\.1))
    #expect(explanation.contributions.map { $0.points } == expected.map(\.2))
    #expect(explanation.contributions.allSatisfy { !$0.capped })
    #expect(explanation.tier?.tier == "hot")
    #expect(explanation.tier?.source.description == (try playbookLine("TIER hot", in: "tiers.rules")))
    #expect(explanation.tier?.condition == "lead_score >= 70")
    #expect(explanation.route?.queue == "german_hot_lead_queue")
    #expect(explanation.routesNotTaken.isEmpty)
}

@Test func whyNotNamesTheFirstFailingConjunctOfEachEarlierRoute() throws {
    let english = try playbook.evaluate(lead(score: 70, language: "English"))
    #expect(english.explanation?.routesNotTaken.map { $0.failed } == ["language = \"German\""])
    #expect(english.explanation?.routesNotTaken.map { $0.outcome } == [.fails])
    #expect(english.explanation?.routesNotTaken.first?.source.description
        == (try playbookLine("language = \"German\"", in: "routing.rules")))

    let warm = try playbook.evaluate(lead(score: 40, language: "English"))
    #expect(warm.explanation?.routesNotTaken.map { $0.failed } == ["lead_score >= 70", "lead_score >= 70", "lead_score >= 70"])
    #expect(warm.explanation?.routesNotTaken.map { $0.queue }
        == ["german_hot_lead_queue", "english_hot_lead_queue", "international_hot_lead_queue"])
}

@Test func whyNotSaysUnknownWhenTheValueIsMissing() throws {
    let hot = lead(score: 70, language: "German").with("language", .missing)
    let e = try playbook.evaluate(hot)
    #expect(playbook.queue(e) == "international_hot_lead_queue")
    #expect(e.explanation?.routesNotTaken.map { $0.outcome } == [.unknown, .unknown])
    #expect(e.explanation?.routesNotTaken.map { $0.failed } == ["language = \"German\"", "language = \"English\""])
}

@Test func explainOffRecordsNothing() throws {
    let facts = try LeadFacts(lead(score: 70, language: "German"), for: playbook.compiled)
    var e = Evaluation()
    playbook.compiled.evaluate(facts, into: &e, explain: true)
    #expect(e.explanation != nil)
    playbook.compiled.evaluate(facts, into: &e)
    #expect(e.explanation == nil)
    #expect(playbook.queue(e) == "german_hot_lead_queue")
}
