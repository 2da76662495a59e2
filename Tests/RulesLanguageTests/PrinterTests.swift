// Unit tests of the canonical layout rules. The golden tests in
// PrinterGoldenTests.swift cover whole files; these pin one rule each.

import Testing
@testable import RulesLanguage

/// Formats text that must parse without errors.
private func fmt(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
    let result = Parser.parse(SourceFile(path: "test.rules", text: text))
    let errors = result.diagnostics.items.map { "\($0.location) \($0.code) \($0.message)" }
    #expect(errors == [], sourceLocation: sourceLocation)
    return Printer.format(result.rulesFile)
}

/// The printed condition of `IF <condition>:`.
private func condition(_ text: String) -> String {
    let out = fmt("IF \(text):\n    ASSIGN TO q\n")
    return String(out.split(separator: "\n")[0].dropFirst(3).dropLast())
}

@Test func keywordsAreUpperCasedAndNamesKeptAsWritten() {
    #expect(fmt("if lead_score>=70 and LANGUAGE=\"German\":\n  assign to Hot_Q\n  priority=immediate\n") == """
    IF lead_score >= 70 AND LANGUAGE = "German":
        ASSIGN TO Hot_Q
        PRIORITY = immediate

    """)
    #expect(fmt("field age: number?\ncalling hours mon-fri 9:00-17:00\n") == """
    FIELD age: NUMBER?

    CALLING HOURS MON-FRI 09:00-17:00

    """)
}

@Test(arguments: [
    ("(a OR b) AND c", "(a OR b) AND c"),
    ("a OR (b AND c)", "a OR b AND c"),
    ("((a))", "a"),
    ("a OR (b OR c)", "a OR (b OR c)"),
    ("(a OR b) OR c", "a OR b OR c"),
    ("NOT (a AND b)", "NOT (a AND b)"),
    ("NOT (x = 1)", "NOT x = 1"),
    ("(NOT a) AND b", "NOT a AND b"),
    ("x - (y - z) > 0", "x - (y - z) > 0"),
    ("(x - y) - z > 0", "x - y - z > 0"),
    ("-(x + y) < 0", "-(x + y) < 0"),
    ("-(-x) < 0", "- -x < 0"),
    ("(a = b) = c", "(a = b) = c"),
    ("(x IN codes) = TRUE", "(x IN codes) = TRUE"),
    ("f((a AND b), (c)) AND [(1 + 2)] = codes", "f(a AND b, c) AND [1 + 2] = codes"),
    ("x>=1 and(y<2 or z!=3)", "x >= 1 AND (y < 2 OR z != 3)"),
])
func parenthesesOnlyWherePrecedenceNeedsThem(_ input: String, _ expected: String) {
    #expect(condition(input) == expected)
}

@Test(arguments: [
    ("x IN [1, 2.50, 3.0, 007]", "x IN [1, 2.5, 3, 7]"),
    ("lead_age > 1.5h", "lead_age > 90m"),
    ("lead_age < 60s", "lead_age < 60s"),
    ("lead_age < 48h", "lead_age < 48h"),
    ("lead_age < 14d", "lead_age < 14d"),
    ("lead_age < 1000ms", "lead_age < 1000ms"),
    ("lead_age < 1500ms", "lead_age < 1500ms"),
    ("now >= 9:05", "now >= 09:05"),
    ("name = \"a\\\"b\\\\c\\td\"", "name = \"a\\\"b\\\\c\\td\""),
    ("flag = true OR flag = False", "flag = TRUE OR flag = FALSE"),
    ("lead_score 40-69", "lead_score 40-69"),
    ("lead_score between 40 and 69", "lead_score BETWEEN 40 AND 69"),
    ("x NOT IN codes AND NOT x IN codes", "x NOT IN codes AND NOT x IN codes"),
    ("event.amount >= 1000", "event.amount >= 1000"),
])
func literalsAndRangesPrintCanonically(_ input: String, _ expected: String) {
    #expect(condition(input) == expected)
}

@Test(arguments: [
    (Int64(0), "0s"), (250, "250ms"), (1_500, "1500ms"), (60_000, "1m"), (5_400_000, "90m"),
    (7_200_000, "2h"), (172_800_000, "2d"), (604_800_000, "1w"), (1_209_600_000, "2w"), (-60_000, "-1m"),
])
func durationsWithoutAWrittenUnitPrintInTheLargestExactUnit(_ milliseconds: Int64, _ expected: String) {
    #expect(ExprPrinter.duration(milliseconds) == expected)
}

@Test(arguments: [
    ("60s", "60s"), ("48h", "48h"), ("7d", "7d"), ("2w", "2w"), ("1.5h", "90m"), ("0.5s", "500ms"), ("0m", "0m"),
])
func durationsKeepTheUnitTheAuthorWrote(_ input: String, _ expected: String) {
    #expect(condition("x < \(input)") == "x < \(expected)")
}

@Test(arguments: [
    (10.0, "10"), (3.5, "3.5"), (0.125, "0.125"), (1e20, "100000000000000000000"),
    (1.5e-7, "0.00000015"), (123456789.25, "123456789.25"), (2.5e16, "25000000000000000"),
])
func numbersPrintWithoutTrailingZeroOrExponent(_ value: Double, _ expected: String) {
    let text = ExprPrinter.number(value)
    #expect(text == expected)
    #expect(Double(text) == value)
}

@Test func stringsAreReEscapedToTheSameValue() {
    let value = "say \"hi\"\t\\ done\n"
    let literal = ExprPrinter.string(value)
    #expect(literal == #""say \"hi\"\t\\ done\n""#)
    #expect(Lexer.stringValue(literal) == value)
    #expect(fmt(#"QUEUE q "dou\"ble\\""# + "\n") == #"QUEUE q "dou\"ble\\""# + "\n")
}

@Test func shortActionBlockIsPrintedInline() {
    #expect(fmt("ON a:\n    CALLBACK NOW\n    SMS t\n") == "ON a: CALLBACK NOW; SMS t\n")
    #expect(fmt("DISPOSITION V01 \"Voicemail\":\n    RETRY IN 1h\n") == "DISPOSITION V01 \"Voicemail\": RETRY IN 1h\n")
}

@Test func inlineActionsBecomeABlockPastOneHundredColumns() {
    let long = "ON lead_created WHERE country IN restricted_jurisdictions: BLOCK ALL \"jurisdiction not onboarded\"; CLOSE \"restricted\"\n"
    #expect(fmt(long) == """
    ON lead_created WHERE country IN restricted_jurisdictions:
        BLOCK ALL "jurisdiction not onboarded"
        CLOSE "restricted"

    """)
}

@Test func aCommentBetweenActionsKeepsTheBlock() {
    let text = "ON a:\n    CALLBACK NOW  # at once\n    SMS t\n"
    #expect(fmt(text) == text)
}

@Test func oneLineDeclarationsOfOneKindStayTogetherAndKindsAreSetApart() {
    #expect(fmt("EVENT a\nEVENT b\nFIELD f: STRING\nQUEUE q\nCALLING HOURS MON-FRI 09:00-17:00\nBUSINESS DAYS MON-FRI\n") == """
    EVENT a
    EVENT b

    FIELD f: STRING

    QUEUE q

    CALLING HOURS MON-FRI 09:00-17:00
    BUSINESS DAYS MON-FRI

    """)
}

@Test func blockDeclarationsAreSeparatedByOneBlankLine() {
    #expect(fmt("IF a:\n    ASSIGN TO q\nIF b:\n    ASSIGN TO r\nON x: CONVERT\n") == """
    IF a:
        ASSIGN TO q

    IF b:
        ASSIGN TO r

    ON x: CONVERT

    """)
}

@Test func authorBlankLinesAreKeptAsAtMostOne() {
    #expect(fmt("\n\nEVENT a\n\n\n\nEVENT b\nIF x:\n\n    ASSIGN TO q\n\n\n    PRIORITY = P\n\n\n") == """
    EVENT a

    EVENT b

    IF x:
        ASSIGN TO q

        PRIORITY = P

    """)
}

@Test func scoreArrowsAlignOnTheLongestCondition() {
    #expect(fmt("SCORE s MAX 50:\n    a => 10\n    count(demo_trade) > 0 => 15\n  \n    b=>5\n") == """
    SCORE s MAX 50:
        a                     => 10
        count(demo_trade) > 0 => 15

        b                     => 5

    """)
}

@Test func longConditionWrapsBeforeItsTopLevelOperator() {
    let text = "IF lead_score >= 70 AND language = \"German\" AND country IN tier1_countries AND source != \"affiliate\":\n    ASSIGN TO q\n"
    #expect(fmt(text) == """
    IF (lead_score >= 70 AND language = "German" AND country IN tier1_countries
            AND source != "affiliate"):
        ASSIGN TO q

    """)
}

@Test func longListFillsLinesAndShortListStaysOnOne() {
    let items = (1...30).map { "\"item\($0)\"" }.joined(separator: ",")
    let out = fmt("LIST long = [\(items)]\nLIST short = [\n  \"a\",\n  \"b\"\n]\n")
    let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.first == "LIST long = [")
    #expect(lines.allSatisfy { $0.count <= Printer.width })
    #expect(out.hasSuffix(" \"item30\",\n]\n\nLIST short = [\"a\", \"b\"]\n"))
}

@Test func longEventParametersGoOnePerLine() {
    let params = (1...8).map { "parameter_\($0): STRING" }.joined(separator: ", ")
    let out = fmt("EVENT e(\(params))\n")
    #expect(out == "EVENT e(\n" + (1...8).map { "    parameter_\($0): STRING,\n" }.joined() + ")\n")
}

// MARK: - Comments

@Test func ownLineCommentGoesBeforeTheNextItemAtItsIndentation() {
    #expect(fmt("IF a:\n# about the assignment\n      ASSIGN TO q\n") == """
    IF a:
        # about the assignment
        ASSIGN TO q

    """)
}

@Test func indentedCommentAfterTheLastStatementStaysAtTheEndOfTheBlock() {
    #expect(fmt("IF a:\n    ASSIGN TO q\n    # still in the IF\n# about b\nIF b:\n    ASSIGN TO r\n") == """
    IF a:
        ASSIGN TO q
        # still in the IF

    # about b
    IF b:
        ASSIGN TO r

    """)
}

@Test func trailingCommentStaysOnTheLineOfItsItem() {
    #expect(fmt("IF a:   # header\n    ASSIGN TO q # statement\nEVENT e#tight\n") == """
    IF a:  # header
        ASSIGN TO q  # statement

    EVENT e  #tight

    """)
}

@Test func commentInsideAConditionMovesBeforeItsItem() {
    #expect(fmt("SCORE s MAX 5:\n    (a  # why a\n      AND b) => 5\n") == """
    SCORE s MAX 5:
        # why a
        a AND b => 5

    """)
}

@Test func commentsInsideAListStayBesideTheirItems() {
    // The own-line comment ends the run of aligned trailing comments.
    #expect(fmt("LIST xs = [\n    \"US\", # first\n    # own line\n    \"CA\", \"JP\",   # second\n]\n") == """
    LIST xs = [
        "US",  # first
        # own line
        "CA", "JP",  # second
    ]

    """)
}

@Test func trailingCommentsOfConsecutiveLinesAreAligned() {
    #expect(fmt("EVENT a # one\nEVENT longer # two\n\nEVENT c # alone\n") == """
    EVENT a       # one
    EVENT longer  # two

    EVENT c  # alone

    """)
}

@Test func emptyAndCommentOnlyFiles() {
    #expect(fmt("") == "")
    #expect(fmt("\n\n") == "")
    #expect(fmt("# only\n\n\n# comments") == "# only\n\n# comments\n")
}

@Test func crlfTabsAndMissingFinalNewlineGiveCanonicalOutput() {
    #expect(fmt("IF a:\r\n\tASSIGN TO q\r\n\tPRIORITY = P # p\r\n\r\nEVENT e") == """
    IF a:
        ASSIGN TO q
        PRIORITY = P  # p

    EVENT e

    """)
}
