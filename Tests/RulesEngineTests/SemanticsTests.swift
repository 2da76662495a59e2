// The rules of docs/LANGUAGE.md that evaluation must follow, each pinned
// down on a small playbook and checked through both evaluators: missing
// values, three-valued AND/OR/NOT, counts of events never seen, lead_age,
// TIME ± DURATION, inclusive ranges, domain(), present(), points(c),
// tables with and without DEFAULT, and list literals with field items.

import Testing
@testable import RulesEngine

/// One score category whose rows have the points 1, 2, 4, 8, …: the score
/// says exactly which rows held.
func rowsHeld(_ rows: [String], declarations: String = "", lead: LeadSnapshot) throws -> [Int] {
    var text = declarations + "\nSCORE s MAX 100000:\n"
    for (i, row) in rows.enumerated() { text += "    \(row) => \(1 << i)\n" }
    let e = try #require(engines(text))
    let score = Int(try e.evaluate(lead).score)
    return rows.indices.filter { score & (1 << $0) != 0 }
}

let declarations = """
EVENT demo_trade
EVENT webinar_attended(ends_at: TIME)
FIELD age: NUMBER?
FIELD vip: BOOL?
FIELD referrer: STRING?
LIST free = ["gmail.com"]
"""

func bare(_ fields: [String: Value] = [:], events: [String: EventStats] = [:]) -> LeadSnapshot {
    LeadSnapshot(fields: fields, events: events, now: now)
}

@Test func conditionsOnAMissingValueDoNotHold() throws {
    let held = try rowsHeld([
        "age > 30", "NOT age > 30", "age <= 30", "age = 30", "age != 30", "age BETWEEN 0 AND 200", "age 0-200",
        "age IN [30, 31]", "age NOT IN [30, 31]", "vip", "NOT vip", "vip = FALSE",
    ], declarations: declarations, lead: bare())
    #expect(held == [])
}

@Test func threeValuedLogicDecidesWhenItCan() throws {
    let held = try rowsHeld([
        "age > 30 OR TRUE",            // TRUE OR unknown is TRUE
        "age > 30 AND FALSE",          // FALSE AND unknown is FALSE
        "NOT (age > 30 AND FALSE)",    // so its negation holds
        "age > 30 OR FALSE",           // unknown
        "NOT (age > 30 OR FALSE)",     // NOT unknown is unknown
        "age > 30 AND TRUE",           // unknown
    ], declarations: declarations, lead: bare())
    #expect(held == [0, 2])
}

@Test func anEventNeverSeenHasCountZero() throws {
    let held = try rowsHeld(["count(demo_trade) = 0", "seen(demo_trade)", "NOT seen(demo_trade)", "demo_trade",
                             "NOT demo_trade", "count(demo_trade) < 1"],
                            declarations: declarations, lead: bare())
    #expect(held == [0, 2, 4, 5])
    let zero = try rowsHeld(["count(demo_trade) = 0", "seen(demo_trade)"], declarations: declarations,
                            lead: bare(events: ["demo_trade": EventStats(count: 0, first: now, last: now)]))
    #expect(zero == [0])
}

@Test func firstAndLastOfAnEventNeverSeenAreMissing() throws {
    let held = try rowsHeld(["first(demo_trade) < now", "NOT last(demo_trade) < now", "present(registered_at)"],
                            declarations: declarations, lead: bare())
    #expect(held == [])
}

@Test func leadAgeIsNowMinusRegisteredAt() throws {
    let rows = ["lead_age BETWEEN 2h AND 2h", "lead_age > 2h", "lead_age < 1d", "registered_at + 2h = now",
                "now - registered_at = 120m", "now - 2h = registered_at"]
    #expect(try rowsHeld(rows, declarations: declarations, lead: bare(["registered_at": .time(now - 2 * hour)]))
        == [0, 2, 3, 4, 5])
    #expect(try rowsHeld(rows, declarations: declarations, lead: bare()) == [])
}

@Test func timePlusDurationComparesWithTimes() throws {
    let lead = bare(events: ["demo_trade": EventStats(count: 2, first: now - 3 * day, last: now - hour)])
    let held = try rowsHeld(["last(demo_trade) + 1h >= now", "last(demo_trade) + 59m >= now",
                             "last(demo_trade) - first(demo_trade) > 2d", "first(demo_trade) + 3d = now",
                             "30m + last(demo_trade) < now"],
                            declarations: declarations, lead: lead)
    #expect(held == [0, 2, 3, 4])
}

@Test func rangesAndBetweenIncludeBothBounds() throws {
    for (age, expected) in [(24.0, [Int]()), (25, [0, 1]), (40, [0, 1]), (55, [0, 1]), (55.5, []), (56, [])] {
        let held = try rowsHeld(["age 25-55", "age BETWEEN 25 AND 55"], declarations: declarations,
                                lead: bare(["age": .number(age)]))
        #expect(held == expected, "age \(age)")
    }
}

@Test func domainIsTheLowerCasedPartAfterTheAt() throws {
    let rows = ["domain(email) = \"gmail.com\"", "domain(email) IN free", "NOT domain(email) IN free",
                "present(email)", "domain(\"A@B.Example\") = \"b.example\"", "domain(email) = domain(referrer)"]
    #expect(try rowsHeld(rows, declarations: declarations,
                         lead: bare(["email": .string("Ann@GMail.COM"), "referrer": .string("x@gmail.com")]))
        == [0, 1, 3, 4, 5])
    // An address without '@' has no domain: unknown, so NOT … IN holds neither.
    #expect(try rowsHeld(rows, declarations: declarations, lead: bare(["email": .string("ann")])) == [3, 4])
    #expect(try rowsHeld(rows, declarations: declarations, lead: bare()) == [4])
}

@Test func twoStringFieldsCompareByText() throws {
    let rows = ["referrer = email", "referrer != email", "referrer IN [email, \"x\"]"]
    let same = bare(["email": .string("a@acme.io"), "referrer": .string("a@acme.io")])
    #expect(try rowsHeld(rows, declarations: declarations, lead: same) == [0, 2])
    let different = bare(["email": .string("a@acme.io"), "referrer": .string("b@acme.io")])
    #expect(try rowsHeld(rows, declarations: declarations, lead: different) == [1])
    let listed = bare(["email": .string("a@acme.io"), "referrer": .string("x")])
    #expect(try rowsHeld(rows, declarations: declarations, lead: listed) == [1, 2])
}

@Test func listLiteralWithAMissingItemIsUnknownUnlessAnItemMatches() throws {
    let rows = ["referrer IN [email, \"x\"]", "referrer NOT IN [email, \"x\"]"]
    #expect(try rowsHeld(rows, declarations: declarations, lead: bare(["referrer": .string("x")])) == [0])
    #expect(try rowsHeld(rows, declarations: declarations, lead: bare(["referrer": .string("y")])) == [])
}

@Test func tablesGiveTheRowOfTheKeyThenTheDefaultThenMissing() throws {
    let text = """
    FIELD partner: STRING?
    FIELD code: NUMBER?
    TABLE quality BY partner DEFAULT 5:
        "p1" => 10
        "p2" => 8
    TABLE bonus BY code:
        1 => 7
    SCORE q MAX 100:
        TRUE => quality
    SCORE b MAX 100:
        TRUE => bonus
    """
    let e = try #require(engines(text))
    for (fields, q, b) in [(["partner": Value.string("p1"), "code": .number(1)], 10.0, 7.0),
                           (["partner": .string("p2"), "code": .number(2)], 8, 0),
                           ([:], 5, 0)] {
        let evaluation = try e.evaluate(bare(fields))
        #expect(Array(evaluation.points) == [q, b], "\(fields)")
        // A table without DEFAULT and without a row gives no points: no contribution either.
        #expect(evaluation.explanation?.contributions.count == (b == 0 ? 1 : 2))
    }
}

@Test func pointsReadsAnotherCategoryWhereverItIsDeclared() throws {
    let text = """
    EVENT demo_trade
    SCORE bonus MAX 10:
        points(activity) >= 20 => 10
        points(bonus) > 0      => 1
        lead_score > 0         => 1
    SCORE activity MAX 30:
        demo_trade => 25
    """
    let e = try #require(engines(text))
    let evaluation = try e.evaluate(bare(events: ["demo_trade": EventStats(count: 1, first: now, last: now)]))
    // activity is computed first; a category's own points and lead_score are missing while scoring.
    #expect(Array(evaluation.points) == [10, 25])
    #expect(evaluation.score == 35)
}

@Test func tierConditionsSeeTheScoreAndRoutesSeeTheTier() throws {
    let text = """
    EVENT demo_trade
    QUEUE a
    QUEUE b
    SCORE s MAX 10:
        demo_trade => 10
    TIER hot WHEN lead_score >= 10: CALL WITHIN 60s
    TIER cold WHEN lead_score < 10: NURTURE
    IF lead_tier = "hot":
        ASSIGN TO a
    IF lead_tier = "cold":
        ASSIGN TO b
    """
    let e = try #require(engines(text))
    let hot = try e.evaluate(bare(events: ["demo_trade": EventStats(count: 1, first: now, last: now)]))
    #expect(e.tier(hot) == "hot")
    #expect(e.queue(hot) == "a")
    let cold = try e.evaluate(bare())
    #expect(e.queue(cold) == "b")
}

@Test func leadStatusAndAttemptsAreReadFromTheFacts() throws {
    let rows = ["lead_status = \"nurturing\"", "lead_status != \"open\"", "attempts >= 2"]
    var lead = bare()
    lead.status = .nurturing
    lead.attempts = 2
    #expect(try rowsHeld(rows, lead: lead) == [0, 1, 2])
    #expect(try rowsHeld(rows, lead: bare()) == [])
}
