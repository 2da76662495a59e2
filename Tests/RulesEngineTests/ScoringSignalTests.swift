// Every scoring signal of the default playbook (rules/scoring.rules), at and
// around its threshold, through both evaluators. Each case starts from a
// lead with no points at all and adds one signal.

import Testing
@testable import RulesEngine

struct Signal: Sendable, CustomTestStringConvertible {
    let name: String
    let lead: LeadSnapshot
    let category: String
    let points: Double
    var testDescription: String { "\(name) → \(category) \(points)" }

    init(_ name: String, _ category: String, _ points: Double, _ lead: LeadSnapshot) {
        self.name = name
        self.lead = lead
        self.category = category
        self.points = points
    }
}

let behavioralSignals: [Signal] = [
    Signal("no activity", "behavioral", 0, blankLead()),
    Signal("demo account created", "behavioral", 10, blankLead().with("demo_account_created")),
    Signal("0 demo trades", "behavioral", 0, blankLead().with("demo_trade", count: 0)),
    Signal("1 demo trade", "behavioral", 15, blankLead().with("demo_trade")),
    Signal("25 demo trades", "behavioral", 15, blankLead().with("demo_trade", count: 25)),
    Signal("deposit page visit", "behavioral", 20, blankLead().with("deposit_page_visit")),
    Signal("webinar attended", "behavioral", 10, blankLead().with("webinar_attended")),
    Signal("platform download", "behavioral", 15, blankLead().with("platform_download")),
    Signal("2 email opens", "behavioral", 0, blankLead().with("email_open", count: 2)),
    Signal("3 email opens", "behavioral", 5, blankLead().with("email_open", count: 3)),
    Signal("4 email opens", "behavioral", 5, blankLead().with("email_open", count: 4)),
    Signal("site visits score nothing", "behavioral", 0, blankLead().with("site_visit", count: 9)),
]

let demographicSignals: [Signal] = [
    Signal("country GB (tier 1)", "demographic", 15, blankLead().with("country", .string("GB"))),
    Signal("country AU (tier 1)", "demographic", 15, blankLead().with("country", .string("AU"))),
    Signal("country DE (tier 1)", "demographic", 15, blankLead().with("country", .string("DE"))),
    Signal("country FR", "demographic", 0, blankLead()),
    Signal("country UK is not GB", "demographic", 0, blankLead().with("country", .string("UK"))),
    Signal("country missing", "demographic", 0, blankLead().with("country", .missing)),
    Signal("professional email", "demographic", 5, blankLead().with("email", .string("anna@mueller-partner.de"))),
    Signal("free-mail email", "demographic", 0, blankLead().with("email", .string("anna@gmail.com"))),
    Signal("free-mail email in capitals", "demographic", 0, blankLead().with("email", .string("ANNA@GMail.COM"))),
    Signal("disposable email", "demographic", 0, blankLead().with("email", .string("x@mailinator.com"))),
    Signal("no email", "demographic", 0, blankLead()),
    Signal("email without @", "demographic", 0, blankLead().with("email", .string("anna.mueller"))),
    Signal("phone present", "demographic", 10, blankLead().with("phone", .string("+4915112345678"))),
    Signal("phone absent", "demographic", 0, blankLead()),
    Signal("age 24", "demographic", 0, blankLead().with("age", .number(24))),
    Signal("age 25", "demographic", 5, blankLead().with("age", .number(25))),
    Signal("age 55", "demographic", 5, blankLead().with("age", .number(55))),
    Signal("age 56", "demographic", 0, blankLead().with("age", .number(56))),
    Signal("age 24.5", "demographic", 0, blankLead().with("age", .number(24.5))),
    Signal("age unknown", "demographic", 0, blankLead()),
]

func affiliate(_ id: String?) -> LeadSnapshot {
    let lead = blankLead().with("source", .string("affiliate"))
    return id.map { lead.with("affiliate_id", .string($0)) } ?? lead
}

let sourceSignals: [Signal] = [
    Signal("organic search", "source", 15, blankLead().with("source", .string("organic_search"))),
    Signal("branded search ads", "source", 15, blankLead().with("source", .string("google_ads_branded"))),
    Signal("generic search ads", "source", 10, blankLead().with("source", .string("google_ads_generic"))),
    Signal("social", "source", 5, blankLead().with("source", .string("social"))),
    Signal("unscored source", "source", 0, blankLead().with("source", .string("referral"))),
    Signal("no source", "source", 0, blankLead()),
    Signal("affiliate aff_1042", "source", 10, affiliate("aff_1042")),
    Signal("affiliate aff_1077", "source", 9, affiliate("aff_1077")),
    Signal("affiliate aff_2003", "source", 8, affiliate("aff_2003")),
    Signal("affiliate aff_2150", "source", 6, affiliate("aff_2150")),
    Signal("affiliate aff_3301", "source", 5, affiliate("aff_3301")),
    Signal("unlisted affiliate takes the DEFAULT", "source", 5, affiliate("aff_9999")),
    Signal("affiliate without id takes the DEFAULT", "source", 5, affiliate(nil)),
    Signal("affiliate id without affiliate source", "source", 0,
           blankLead().with("affiliate_id", .string("aff_1042"))),
]

@Test(arguments: behavioralSignals + demographicSignals + sourceSignals)
func scoringSignalGivesItsPoints(_ signal: Signal) throws {
    let e = try playbook.evaluate(signal.lead)
    #expect(playbook.points(e, signal.category) == signal.points)
    // One signal at a time: the other categories stay at zero.
    #expect(e.score == signal.points)
}

@Test func behavioralNeverExceedsItsCapOf50() throws {
    var lead = blankLead()
    for event in ["demo_account_created", "demo_trade", "deposit_page_visit", "webinar_attended", "platform_download"] {
        lead = lead.with(event)
    }
    let e = try playbook.evaluate(lead.with("email_open", count: 3))
    #expect(playbook.points(e, "behavioral") == 50)
    let counted = e.explanation?.contributions.filter { $0.category == "behavioral" }.map { $0.counted }
    #expect(counted == [10, 15, 20, 5, 0, 0])
    #expect(e.explanation?.contributions.map { $0.capped } == [false, false, false, true, true, true])
}

@Test func demographicCapsAt30() throws {
    let lead = blankLead().with("country", .string("GB")).with("email", .string("a@acme.co.uk"))
        .with("phone", .string("+441234")).with("age", .number(30))
    let e = try playbook.evaluate(lead)
    #expect(playbook.points(e, "demographic") == 30)
    #expect(e.score == 30)
}

@Test func scoreIsTheSumOfTheCappedCategories() throws {
    let lead = blankLead().with("deposit_page_visit").with("country", .string("DE")).with("source", .string("social"))
    let e = try playbook.evaluate(lead)
    #expect(Array(e.points) == [20, 15, 5])
    #expect(e.score == 40)
}
