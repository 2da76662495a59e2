import Foundation
import Testing
@testable import RulesLanguage

func fixtureURL(_ name: String) -> URL {
    Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!
}

func parse(_ text: String, path: String = "test.rules") -> Parser.Result {
    Parser.parse(SourceFile(path: path, text: text))
}

func messages(_ r: Parser.Result) -> [String] {
    r.diagnostics.sorted().map { "\($0.location) \($0.code) \($0.message)" }
}

@Test func seedRoutingBlocksParseWithoutDiagnostics() throws {
    let data = try Data(contentsOf: fixtureURL("seed-routing.rules"))
    let result = Parser.parse(SourceFile(path: "seed-routing.rules", bytes: Array(data)))
    #expect(messages(result) == [])
    let routes = result.rulesFile.decls.compactMap { d -> RouteDecl? in
        if case .route(let r) = d { return r } else { return nil }
    }
    #expect(routes.count == 4)
    #expect(routes.map(\.statements.count) == [3, 3, 3, 3])
    guard case .range(_, let low, let high, .dash) = routes[2].condition.kind else {
        Issue.record("third route should be the range form lead_score 40-69")
        return
    }
    #expect(low.kind == .number(40))
    #expect(high.kind == .number(69))
    #expect(result.rulesFile.comments.map(\.text) == [" (email/SMS only initially)"])
}

@Test func oneErrorPerBadLineAndParsingResumes() {
    let r = parse("""
    TIER hot WHEN lead_score >= 70 CALL WITHIN 60s
    TIER warm WHEN lead_score 40-69: CALL WITHIN 2h
    IF lead_score < 40:
        ASSIGN nurture
        PRIORITY = AUTOMATED
    FOO bar
    """)
    #expect(messages(r) == [
        "1:32 E100 expected ':' after the tier condition, found 'CALL'",
        "4:12 E100 expected 'TO' after ASSIGN, found 'nurture'",
        "6:1 E104 unknown declaration 'FOO'",
    ])
    #expect(r.rulesFile.decls.count == 2)
}

/// A source text and the expected `shape` of each declaration it parses to;
/// the parse must report no diagnostic.
struct ShapeCase: CustomTestStringConvertible, Sendable {
    var source: String
    var decls: [String]
    init(_ source: String, _ decls: String...) {
        self.source = source
        self.decls = decls
    }
    var testDescription: String { source.debugDescription }
}

let declarationShapes: [ShapeCase] = [
    ShapeCase("EVENT lead_created", "EVENT lead_created"),
    ShapeCase("EVENT webinar_attended(ends_at: TIME, topic: STRING?)",
              "EVENT webinar_attended(ends_at: TIME, topic: STRING?)"),
    ShapeCase("FIELD affiliate_id: STRING?", "FIELD affiliate_id: STRING?"),
    ShapeCase("LIST eu = [\"DE\", \"AT\",\n    \"FR\",]\nLIST none = []",
              "LIST eu [\"DE\", \"AT\", \"FR\"]", "LIST none []"),
    ShapeCase("TABLE country_points BY country DEFAULT 0:\n    \"DE\" => 10\n    \"GB\" => 8 + 1\n",
              "TABLE country_points BY country DEFAULT 0 {\"DE\" => 10; \"GB\" => (+ 8 1)}"),
    ShapeCase("QUEUE german_hot \"German desk\"\nQUEUE plain", "QUEUE german_hot \"German desk\"", "QUEUE plain"),
    ShapeCase("TEMPLATE welcome EMAIL \"Welcome\"\nTEMPLATE nudge SMS",
              "TEMPLATE welcome EMAIL \"Welcome\"", "TEMPLATE nudge SMS"),
    ShapeCase("""
        SCORE engagement MAX 40:
            seen(demo_account_created) => 10
            count(email_open) >= 3 => 5

            email_click => count(email_click) + 2
        """,
              "SCORE engagement MAX 40 {seen(demo_account_created) => 10; (>= count(email_open) 3) => 5; "
              + "email_click => (+ count(email_click) 2)}"),
    ShapeCase("TIER hot WHEN lead_score >= 70: CALL WITHIN 60s\nTIER warm WHEN lead_score 40-69: CALL WITHIN 2h",
              "TIER hot WHEN (>= lead_score 70): CALL WITHIN 60000ms",
              "TIER warm WHEN (RANGE lead_score 40 69): CALL WITHIN 7200000ms"),
    ShapeCase("TIER cold WHEN lead_score < 40: NURTURE\nTIER x WHEN TRUE: NURTURE early",
              "TIER cold WHEN (< lead_score 40): NURTURE", "TIER x WHEN TRUE: NURTURE early"),
    ShapeCase("IF lead_score >= 70 AND language = \"German\":\n    ASSIGN TO german\n    PRIORITY = IMMEDIATE\n"
              + "    DIAL_MODE = power_dialer",
              "IF (AND (>= lead_score 70) (= language \"German\")) "
              + "{ASSIGN TO german; PRIORITY = IMMEDIATE; DIAL_MODE = power_dialer}"),
    ShapeCase("""
        ON webinar_attended WHERE event.ends_at > now: CALLBACK AT event.ends_at + 30m
        ON email_click:
            CALLBACK IN 15m; FLAG engaged

            # a comment inside the block
            EMAIL follow_up, second EVERY 2d NEXT BUSINESS DAY
        """,
              "ON webinar_attended WHERE (> event.ends_at now) {CALLBACK AT (+ event.ends_at 1800000ms)}",
              "ON email_click {CALLBACK IN 900000ms; FLAG engaged; EMAIL follow_up,second EVERY 172800000ms NEXT BUSINESS DAY}"),
    ShapeCase("""
        CADENCE early DAYS 1-14 WHEN lead_tier = "warm":
            CALL 2-3 PER WEEK
            CALL 1 PER WEEK
            CALL EVERY 2w
            EMAIL edu1, edu2 EVERY 3d
            SMS nudge EVERY 7d
            ON deposit_page_visit WHERE count(deposit_page_visit) >= 2: ESCALATE TO hot
            ON demo_trade:
                FLAG trader
            EXIT WHEN seen(first_deposit)
        CADENCE late DAYS 15-90:
            CALL EVERY 2w
        """,
              "CADENCE early DAYS 1-14 WHEN (= lead_tier \"warm\") {CALL 2-3 PER WEEK; CALL 1 PER WEEK; "
              + "CALL EVERY 1209600000ms; EMAIL edu1,edu2 EVERY 259200000ms; SMS nudge EVERY 604800000ms; "
              + "ON deposit_page_visit WHERE (>= count(deposit_page_visit) 2) {ESCALATE TO hot}; "
              + "ON demo_trade {FLAG trader}; EXIT WHEN seen(first_deposit)}",
              "CADENCE late DAYS 15-90 {CALL EVERY 1209600000ms}"),
    ShapeCase("DISPOSITION V01 \"Voicemail left\": RETRY IN 4h; SMS missed_you NOW\n"
              + "DISPOSITION C01 \"Converted\":\n    CONVERT\n    HANDOFF TO retention WITHIN 48h",
              "DISPOSITION V01 \"Voicemail left\" {RETRY IN 14400000ms; SMS missed_you NOW}",
              "DISPOSITION C01 \"Converted\" {CONVERT; HANDOFF TO retention WITHIN 172800000ms}"),
    ShapeCase("CALLING HOURS MON-FRI 09:00-20:00, SAT 10:00-14:00\nBUSINESS DAYS MON, WED-FRI\nHOLIDAYS \"uk.txt\"",
              "CALLING HOURS MON-FRI t540-t1200, SAT t600-t840", "BUSINESS DAYS MON, WED-FRI", "HOLIDAYS \"uk.txt\""),
    ShapeCase("""
        QUARANTINE affiliate WHEN source = "affiliate" FOR 30m:
            RELEASE WHEN seen(demo_account_created)
            EMAIL aff_welcome, aff_edu EVERY 2d FOR 7d
            EMAIL aff_last FOR 1d
            GRADUATE ON email_click, live_chat_started
        QUARANTINE WHEN ip_country != country FOR 1h:
            RELEASE WHEN TRUE
        """,
              "QUARANTINE affiliate WHEN (= source \"affiliate\") FOR 1800000ms {RELEASE WHEN seen(demo_account_created); "
              + "EMAIL aff_welcome,aff_edu EVERY 172800000ms FOR 604800000ms; EMAIL aff_last FOR 86400000ms; "
              + "GRADUATE ON email_click,live_chat_started}",
              "QUARANTINE WHEN (!= ip_country country) FOR 3600000ms {RELEASE WHEN TRUE}"),
    // Keywords in any letter case; names keep theirs.
    ShapeCase("tier Hot when Lead_Score >= 70: call within 60s\nif x and not y:\n    assign to Q\n    priority = p",
              "TIER Hot WHEN (>= Lead_Score 70): CALL WITHIN 60000ms", "IF (AND x (NOT y)) {ASSIGN TO Q; PRIORITY = p}"),
]

/// Each action after `ON e:` and its shape.
let actionShapes: [(String, String)] = [
    ("CALLBACK NOW", "CALLBACK NOW"),
    ("CALLBACK IN 2h TO hot_queue PRIORITY high", "CALLBACK IN 7200000ms TO hot_queue PRIORITY high"),
    ("CALLBACK AT 09:00", "CALLBACK AT t540"),
    ("CALLBACK NEXT AVAILABLE", "CALLBACK NEXT AVAILABLE"),
    ("callback next business day", "CALLBACK NEXT BUSINESS DAY"),
    ("RETRY IN 4h", "RETRY IN 14400000ms"),
    ("RETRY PER CADENCE", "RETRY PER CADENCE"),
    ("EMAIL welcome", "EMAIL welcome"),
    ("EMAIL a, b EVERY 3d IN 1h", "EMAIL a,b EVERY 259200000ms IN 3600000ms"),
    ("SMS reminder", "SMS reminder"),
    ("SMS reminder AT 10:00", "SMS reminder AT t600"),
    ("HANDOFF TO retention WITHIN 48h", "HANDOFF TO retention WITHIN 172800000ms"),
    ("HANDOFF TO retention", "HANDOFF TO retention"),
    ("CLOSE", "CLOSE"),
    ("CLOSE \"not interested\"", "CLOSE \"not interested\""),
    ("CONVERT", "CONVERT"),
    ("BLOCK PHONE", "BLOCK PHONE"),
    ("BLOCK EMAIL \"bounced\"", "BLOCK EMAIL \"bounced\""),
    ("BLOCK SMS", "BLOCK SMS"),
    ("BLOCK ALL \"opt-out\"", "BLOCK ALL \"opt-out\""),
    ("BLOCK event.channel", "BLOCK event.channel"),
    ("NURTURE", "NURTURE"),
    ("NURTURE late_nurture", "NURTURE late_nurture"),
    ("REMOVE FROM QUEUE", "REMOVE FROM QUEUE"),
    ("FLAG vip", "FLAG vip"),
    ("ESCALATE TO hot", "ESCALATE TO hot"),
    ("RELEASE", "RELEASE"),
    ("CONVERT; CLOSE;", "CONVERT; CLOSE"),
]

/// Conditions (after `TIER t WHEN`) and their trees: precedence, associativity
/// and every operator.
let expressionShapes: [(String, String)] = [
    ("a OR b AND c", "(OR a (AND b c))"),
    ("a AND b OR c", "(OR (AND a b) c)"),
    ("a OR b OR c", "(OR (OR a b) c)"),
    ("NOT a AND b", "(AND (NOT a) b)"),
    ("NOT NOT a", "(NOT (NOT a))"),
    ("(a OR b) AND c", "(AND (OR a b) c)"),
    ("a and b or not c", "(OR (AND a b) (NOT c))"),
    ("x = 1", "(= x 1)"), ("x != 1", "(!= x 1)"), ("x <> 1", "(!= x 1)"), ("x < 1", "(< x 1)"),
    ("x <= 1", "(<= x 1)"), ("x > 1.5", "(> x 1.5)"), ("x >= 1", "(>= x 1)"),
    ("country IN eu", "(IN country eu)"),
    ("country NOT IN [\"DE\", \"AT\"]", "(NOT IN country [\"DE\", \"AT\"])"),
    ("NOT country IN eu", "(NOT (IN country eu))"),
    ("lead_score BETWEEN 40 AND 69", "(BETWEEN lead_score 40 69)"),
    ("lead_score BETWEEN 40 AND 69 AND x", "(AND (BETWEEN lead_score 40 69) x)"),
    ("lead_score 40-69", "(RANGE lead_score 40 69)"),
    ("lead_age > 7d", "(> lead_age 604800000ms)"),
    ("now >= 09:00", "(>= now t540)"),
    ("event.ends_at + 30m - 5m > now", "(> (- (+ event.ends_at 1800000ms) 300000ms) now)"),
    ("-1 + 2 = x", "(= (+ (neg 1) 2) x)"),
    ("- -x", "(neg (neg x))"),
    ("count(email_open) >= 3 AND seen(demo_trade)", "(AND (>= count(email_open) 3) seen(demo_trade))"),
    ("f() OR g(a, b,)", "(OR f() g(a, b))"),
    ("TRUE OR false", "(OR TRUE FALSE)"),
    ("domain(email) IN [\"gmail.com\"]", "(IN domain(email) [\"gmail.com\"])"),
    ("name = \"a\\\"b\"", "(= name \"a\\\"b\")"),
]

@Suite struct ParserShapeTests {
    @Test(arguments: declarationShapes)
    func declarationParsesToExpectedShape(_ c: ShapeCase) {
        let r = parse(c.source)
        #expect(messages(r) == [])
        #expect(r.rulesFile.decls.map(shape) == c.decls)
    }

    @Test(arguments: actionShapes)
    func actionParsesToExpectedShape(_ source: String, _ expected: String) {
        let r = parse("ON e: \(source)")
        #expect(messages(r) == [])
        #expect(r.rulesFile.decls.map(shape) == ["ON e {\(expected)}"])
    }

    @Test(arguments: expressionShapes)
    func conditionParsesWithPrecedenceAndAssociativity(_ source: String, _ expected: String) {
        let r = parse("TIER t WHEN \(source): NURTURE")
        #expect(messages(r) == [])
        guard case .tier(let tier)? = r.rulesFile.decls.first else {
            Issue.record("expected a TIER")
            return
        }
        #expect(shape(tier.condition) == expected)
    }

    @Test func nodeIDsAreUniqueAndStartAtFirstID() {
        let file = SourceFile(path: "ids.rules", text: "QUEUE a\nTIER t WHEN x > 1 AND y: NURTURE\nON e: CONVERT; CLOSE\n")
        let r = Parser.parse(file, firstID: 100)
        let ids = r.rulesFile.decls.map(\.id)
        #expect(ids.allSatisfy { $0 >= 100 && $0 < r.nextID })
        #expect(Set(ids).count == ids.count)
        guard case .trigger(let t) = r.rulesFile.decls[2] else {
            Issue.record("expected a trigger")
            return
        }
        #expect(Set(t.actions.map(\.id) + ids).count == ids.count + 2)
    }

    @Test func declarationRangesSpanTheirTextWithoutTheLineEnd() {
        let file = SourceFile(path: "r.rules", text: "QUEUE a \"x\"  # note\nIF x:\n    ASSIGN TO q\n\n# about b\nQUEUE b\nON e: CONVERT\n")
        let r = Parser.parse(file)
        #expect(r.rulesFile.decls.map { file.text($0.range) } == [
            "QUEUE a \"x\"", "IF x:\n    ASSIGN TO q", "QUEUE b", "ON e: CONVERT",
        ])
        guard case .route(let route) = r.rulesFile.decls[1] else {
            Issue.record("expected a route")
            return
        }
        #expect(file.text(route.header) == "IF x:")
        #expect(file.text(route.condition.range) == "x")
    }
}

@Test func fixtureWithEveryConstructParsesWithoutDiagnostics() throws {
    let data = try Data(contentsOf: fixtureURL("all-constructs.rules"))
    let result = Parser.parse(SourceFile(path: "all-constructs.rules", bytes: Array(data)))
    #expect(messages(result) == [])
    #expect(result.rulesFile.decls.count == 34)
    #expect(result.rulesFile.comments.count == 3)
}
