// Every parser error code with its exact position, message and notes, and
// recovery: one error per bad line, good declarations around it still parsed.
import Testing
@testable import RulesLanguage

/// A bad source and the exact diagnostics, each `line:col CODE message`
/// followed by its notes as ` | note` suffixes.
struct ErrorCase: CustomTestStringConvertible, Sendable {
    var source: String
    var errors: [String]
    /// How many declarations still parse.
    var decls: Int
    init(_ source: String, _ errors: [String], decls: Int = 0) {
        self.source = source
        self.errors = errors
        self.decls = decls
    }
    var testDescription: String { source.debugDescription }
}

func messagesWithNotes(_ r: Parser.Result) -> [String] {
    r.diagnostics.sorted().map { d in
        (["\(d.location) \(d.code) \(d.message)"] + d.notes).joined(separator: " | ")
    }
}

let expectedFoundCases: [ErrorCase] = [
    ErrorCase("TIER hot WHEN lead_score >= 70 CALL WITHIN 60s",
              ["1:32 E100 expected ':' after the tier condition, found 'CALL'"]),
    ErrorCase("FIELD x STRING", ["1:9 E100 expected ':' after field name 'x', found 'STRING'"]),
    ErrorCase("EVENT", ["1:6 E100 expected an event name after EVENT, found end of line"]),
    ErrorCase("EVENT e(a STRING)", ["1:11 E100 expected ':' after parameter name 'a', found 'STRING'"]),
    ErrorCase("EVENT e(a: STRING", ["1:18 E100 expected ')' to close the parameter list, found end of line"]),
    ErrorCase("QUEUE q \"a\" extra", ["1:13 E100 expected end of line after the queue declaration, found 'extra'"]),
    ErrorCase("QUEUE \"q\"", ["1:7 E100 expected a queue name after QUEUE, found string \"q\""]),
    ErrorCase("QUEUE \"a description that is far too long\"",
              ["1:7 E100 expected a queue name after QUEUE, found string \"a description that is far ...\""]),
    ErrorCase("LIST a = [1, 2", ["1:15 E100 expected ']' to close the list, found end of line"]),
    ErrorCase("LIST a [1]", ["1:8 E100 expected '=' after list name 'a', found '['"]),
    ErrorCase("LIST a = 1", ["1:10 E100 expected '[' to start the list, found '1'"]),
    ErrorCase("TABLE t country:", ["1:9 E100 expected 'BY' and the field the table is keyed by, found 'country'"]),
    ErrorCase("TEMPLATE t LETTER", ["1:12 E100 expected 'EMAIL' or 'SMS' after the template name, found 'LETTER'"]),
    ErrorCase("SCORE s 10:", ["1:9 E100 expected 'MAX' and the category's cap, found '10'"]),
    ErrorCase("SCORE s MAX 10:\n    seen(x) : 5",
              ["2:13 E100 expected '=>' and the points after the condition, found ':'"], decls: 1),
    ErrorCase("TIER t WHEN (a: NURTURE", ["1:15 E100 expected ')' to close '(', found ':'"]),
    ErrorCase("TIER t WHEN x: CALL 60s",
              ["1:21 E100 expected 'WITHIN' and the speed-to-lead time (as in CALL WITHIN 60s), found '60s'"]),
    ErrorCase("TIER t WHEN x: CALL WITHIN", ["1:27 E100 expected an expression, found end of line"]),
    ErrorCase("TIER t WHEN x: WAIT", ["1:16 E100 expected 'CALL WITHIN' or 'NURTURE', found 'WAIT'"]),
    ErrorCase("TIER t WHEN AND: NURTURE", ["1:13 E100 expected an expression, found 'AND'"]),
    ErrorCase("TIER t WHEN lead_score 40 69: NURTURE", ["1:27 E100 expected '-' in range (as in 40-69), found '69'"]),
    ErrorCase("TIER t WHEN x BETWEEN 1 OR 2: NURTURE",
              ["1:25 E100 expected 'AND' between the bounds of BETWEEN, found 'OR'"]),
    ErrorCase("TIER t WHEN event.: NURTURE", ["1:19 E100 expected a field name after 'event.', found ':'"]),
    ErrorCase("TIER t WHEN f(a: NURTURE", ["1:16 E100 expected ')' to close the argument list of 'f', found ':'"]),
    ErrorCase("ON e: CALLBACK", ["1:15 E100 expected when to callback: NOW, IN <duration>, AT <time>, "
                                 + "NEXT AVAILABLE or NEXT BUSINESS DAY, found end of line"]),
    ErrorCase("ON e: RETRY SOON", ["1:13 E100 expected when to retry: NOW, IN <duration>, AT <time>, "
                                   + "NEXT AVAILABLE or NEXT BUSINESS DAY or PER CADENCE, found 'SOON'"]),
    ErrorCase("ON e: CALLBACK NEXT WEEK", ["1:21 E100 expected 'AVAILABLE' or 'BUSINESS DAY' after NEXT, found 'WEEK'"]),
    ErrorCase("ON e: BLOCK 5", ["1:13 E100 expected PHONE, EMAIL, SMS, ALL or a channel expression after BLOCK, found '5'"]),
    ErrorCase("ON e: CONVERT CLOSE", ["1:15 E100 expected end of line after the actions, found 'CLOSE'"]),
    ErrorCase("ON e CONVERT", ["1:6 E100 expected ':' after the trigger's event, found 'CONVERT'"]),
    ErrorCase("ON e WHERE x CONVERT", ["1:14 E100 expected ':' after the trigger's event condition, found 'CONVERT'"]),
    ErrorCase("ON e: 5", ["1:7 E100 expected an action (CALLBACK, RETRY, EMAIL, SMS, HANDOFF, CLOSE, CONVERT, BLOCK, "
                          + "NURTURE, REMOVE, FLAG, ESCALATE, RELEASE), found '5'"]),
    ErrorCase("CADENCE c DAYS 1:", ["1:17 E100 expected '-' between the first and last day, found ':'"]),
    ErrorCase("CADENCE c DAYS 1-14:\n    CALL 3 WEEK", ["2:12 E100 expected 'PER WEEK' after the number of calls, found 'WEEK'"],
              decls: 1),
    ErrorCase("DISPOSITION V01: CONVERT",
              ["1:16 E100 expected a quoted label after the code (as in \"Voicemail left\"), found ':'"]),
    ErrorCase("CALLING HOURS MON 9-17", ["1:19 E100 expected a start time (as in 09:00), found '9'"]),
    ErrorCase("CALLING HOURS MON 09:00 20:00", ["1:25 E100 expected '-' between start and end time, found '20:00'"]),
    ErrorCase("CALLING MON", ["1:9 E100 expected 'HOURS' after CALLING, found 'MON'"]),
    ErrorCase("BUSINESS DAYS", ["1:14 E100 expected a day (MON, TUE, ...), found end of line"]),
    ErrorCase("HOLIDAYS uk", ["1:10 E100 expected a quoted file name after HOLIDAYS, found 'uk'"]),
    ErrorCase("QUARANTINE WHEN x 30m:", ["1:19 E100 expected 'FOR' and how long the lead is held (as in FOR 30m), found '30m'"]),
    ErrorCase("5 + 5", ["1:1 E100 expected a declaration (EVENT, SCORE, TIER, IF, ON, ...), found '5'"]),
    // Statements inside blocks, with "did you mean".
    ErrorCase("IF x:\n    ASSIGN nurture", ["2:12 E100 expected 'TO' after ASSIGN, found 'nurture'"], decls: 1),
    ErrorCase("IF x:\n    ASIGN TO q", ["2:5 E100 expected ASSIGN TO, PRIORITY = or DIAL_MODE =, found 'ASIGN' | did you mean 'ASSIGN'?"],
              decls: 1),
    ErrorCase("CADENCE c DAYS 1-14:\n    CAL EVERY 2d",
              ["2:5 E100 expected CALL, EMAIL, SMS, ON or EXIT WHEN in the cadence, found 'CAL' | did you mean 'CALL'?"], decls: 1),
    ErrorCase("QUARANTINE WHEN x FOR 30m:\n    RELEASED WHEN y",
              ["2:5 E100 expected RELEASE WHEN, EMAIL ... FOR or GRADUATE ON in the quarantine, found 'RELEASED' "
               + "| did you mean 'RELEASE'?"], decls: 1),
]

let otherCodeCases: [ErrorCase] = [
    ErrorCase("QUEUE when", ["1:7 E101 'when' is a keyword and cannot be used as a name | choose another name, such as 'when_name'"],
              decls: 1),
    ErrorCase("EVENT IF(AND: STRING)", [
        "1:7 E101 'IF' is a keyword and cannot be used as a name | choose another name, such as 'if_name'",
        "1:10 E101 'AND' is a keyword and cannot be used as a name | choose another name, such as 'and_name'",
    ], decls: 1),
    ErrorCase("IF x:\n    ASSIGN TO Table", [
        "2:15 E101 'Table' is a keyword and cannot be used as a name | choose another name, such as 'table_name'",
    ], decls: 1),
    ErrorCase("QUEUE a\n    QUEUE b\nQUEUE c", [
        "2:5 E102 unexpected indentation | only statements inside a block (after a line ending in ':') are indented",
    ], decls: 2),
    ErrorCase("IF x:\n    ASSIGN TO q\n        PRIORITY = p\n    DIAL_MODE = d", ["3:9 E102 unexpected indentation"], decls: 1),
    ErrorCase("IF x:\nQUEUE q", ["1:6 E103 expected an indented block after 'IF:'"], decls: 2),
    ErrorCase("TABLE t BY k:", ["1:14 E103 expected an indented block after 'TABLE t:'"], decls: 1),
    ErrorCase("ON e:\n\n# nothing here\nQUEUE q", ["1:6 E103 expected an indented block after 'ON e:'"], decls: 2),
    ErrorCase("FOO bar", ["1:1 E104 unknown declaration 'FOO'"]),
    ErrorCase("TEIR hot WHEN x: NURTURE", ["1:1 E104 unknown declaration 'TEIR' | did you mean 'TIER'?"]),
    ErrorCase("ASSIGN TO q", ["1:1 E104 unknown declaration 'ASSIGN' | ASSIGN belongs inside an 'IF condition:' block, indented"]),
    ErrorCase("ON e: CALLBAK NOW", ["1:7 E106 unknown action 'CALLBAK' | did you mean 'CALLBACK'?"]),
    ErrorCase("ON e:\n    CONVERT\n    DANCE", ["3:5 E106 unknown action 'DANCE'"], decls: 1),
    ErrorCase("TIER t WHEN x == 1: NURTURE", ["1:15 E108 use '=' to compare, not '=='"], decls: 1),
    ErrorCase("IF lead_score == 70 AND language == \"German\":\n    ASSIGN TO q",
              ["1:15 E108 use '=' to compare, not '=='", "1:34 E108 use '=' to compare, not '=='"], decls: 1),
]

/// Deep input of each kind stops at the limit with one E107, never a crash.
let nestingCases: [(String, String)] = [
    ("parentheses", String(repeating: "(", count: 10_000) + "x" + String(repeating: ")", count: 10_000)),
    ("NOT", String(repeating: "NOT ", count: 10_000) + "x"),
    ("unary minus", String(repeating: "-", count: 100_000) + "x"),
    ("lists", String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)),
    ("calls", String(repeating: "f(", count: 10_000) + String(repeating: ")", count: 10_000)),
    ("OR chain", Array(repeating: "x", count: 100_000).joined(separator: " OR ")),
    ("AND chain", Array(repeating: "x", count: 100_000).joined(separator: " AND ")),
    ("sum chain", Array(repeating: "1", count: 100_000).joined(separator: "+")),
    ("mixed", String(repeating: "(1 + 2 - ", count: 5_000) + "3" + String(repeating: ")", count: 5_000)),
]

@Suite struct ParserErrorTests {
    @Test(arguments: expectedFoundCases + otherCodeCases)
    func errorIsReportedOnceAtItsPosition(_ c: ErrorCase) {
        let r = parse(c.source)
        #expect(messagesWithNotes(r) == c.errors)
        #expect(r.rulesFile.decls.count == c.decls)
    }

    @Test(arguments: nestingCases)
    func deepExpressionStopsAtTheNestingLimit(_ kind: String, _ condition: String) {
        let r = parse("TIER t WHEN \(condition): NURTURE\nQUEUE after\n")
        let codes = r.diagnostics.sorted().map(\.code)
        #expect(codes == ["E107"], "\(kind)")
        #expect(r.rulesFile.decls.map(shape) == ["QUEUE after"], "\(kind)")
    }

    @Test func nestingLimitMessageAndPosition() {
        let r = parse("TIER t WHEN " + String(repeating: "(", count: 100) + "x" + String(repeating: ")", count: 100) + ": NURTURE")
        #expect(messagesWithNotes(r) == [
            "1:77 E107 expression is nested too deeply (more than 64 levels) | split the condition into a LIST or several rules",
        ])
        let chain = parse("TIER t WHEN " + Array(repeating: "x", count: 100).joined(separator: " OR ") + ": NURTURE")
        #expect(messagesWithNotes(chain) == [
            "1:330 E107 expression is nested too deeply (more than 64 levels) | each operator of a chain such as "
                + "'a OR b OR c' is one level; split the condition into a LIST or several rules",
        ])
    }

    @Test func expressionsJustUnderTheLimitParse() {
        let parens = String(repeating: "(", count: 60) + "x" + String(repeating: ")", count: 60)
        let chain = Array(repeating: "x", count: 60).joined(separator: " OR ")
        #expect(messages(parse("TIER t WHEN \(parens): NURTURE\nTIER u WHEN \(chain): NURTURE")) == [])
    }

    @Test func severalBadLinesAreEachReportedOnceAndGoodDeclarationsSurvive() {
        let r = parse("""
        QUEUE first
        TIER hot WHEN lead_score >= 70 CALL WITHIN 60s
        FIELD x STRING
        QUEUE second
        IF lead_score < 40:
            ASSIGN nurture
            PRIORITY = AUTOMATED
            FLY away
            DIAL_MODE = none
        ON e: CALLBAK NOW; CONVERT
        TEIR warm WHEN x: NURTURE
        LIST l = [1, 2
        QUEUE third
            QUEUE indented
        QUEUE $ fourth
        QUEUE fifth
        """)
        #expect(messages(r) == [
            "2:32 E100 expected ':' after the tier condition, found 'CALL'",
            "3:9 E100 expected ':' after field name 'x', found 'STRING'",
            "6:12 E100 expected 'TO' after ASSIGN, found 'nurture'",
            "8:5 E100 expected ASSIGN TO, PRIORITY = or DIAL_MODE =, found 'FLY'",
            "10:7 E106 unknown action 'CALLBAK'",
            "11:1 E104 unknown declaration 'TEIR'",
            "12:15 E100 expected ']' to close the list, found end of line",
            "14:5 E102 unexpected indentation",
            "15:7 E001 unexpected character '$'",
        ])
        #expect(r.rulesFile.decls.map(shape) == [
            "QUEUE first", "QUEUE second", "IF (< lead_score 40) {PRIORITY = AUTOMATED; DIAL_MODE = none}",
            "QUEUE third", "QUEUE fifth",
        ])
    }

    @Test func unclosedBracketBeforeAColumnZeroLineCostsOneError() {
        let r = parse("LIST eu = [\"DE\", \"AT\"\nQUEUE q\nIF country IN eu:\n    ASSIGN TO q\n")
        #expect(messages(r) == ["1:22 E100 expected ']' to close the list, found end of line"])
        #expect(r.rulesFile.decls.map(shape) == ["QUEUE q", "IF (IN country eu) {ASSIGN TO q}"])
    }

    @Test func misalignedDedentIsOneErrorAndTheLineStaysInItsBlock() {
        let r = parse("IF a:\n    ASSIGN TO x\n  PRIORITY = y\nIF b:\n    ASSIGN TO z\n")
        #expect(messages(r) == ["3:1 E007 unindent does not match any outer indentation level"])
        #expect(r.rulesFile.decls.map(shape) == ["IF a {ASSIGN TO x; PRIORITY = y}", "IF b {ASSIGN TO z}"])
    }

    @Test func errorInsideANestedTriggerBlockKeepsTheCadence() {
        let r = parse("""
        CADENCE c DAYS 1-14:
            ON demo_trade:
                FLAG trader
                JUMP high
                CONVERT
            EXIT WHEN seen(first_deposit)
        QUEUE q
        """)
        #expect(messages(r) == ["4:9 E106 unknown action 'JUMP'"])
        #expect(r.rulesFile.decls.map(shape) == [
            "CADENCE c DAYS 1-14 {ON demo_trade {FLAG trader; CONVERT}; EXIT WHEN seen(first_deposit)}", "QUEUE q",
        ])
    }

    @Test func badHeaderSkipsItsWholeBlock() {
        let r = parse("IF x ASSIGN:\n    ASSIGN TO q\n    PRIORITY = p\nQUEUE after")
        #expect(messages(r) == ["1:6 E100 expected ':' after the IF condition, found 'ASSIGN'"])
        #expect(r.rulesFile.decls.map(shape) == ["QUEUE after"])
    }
}
