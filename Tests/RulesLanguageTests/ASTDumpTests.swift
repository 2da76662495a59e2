// The AST dump: what it shows, what it ignores, and golden dumps of the
// seed's routing blocks and of a fixture with every declaration and action.

import Testing
@testable import RulesLanguage

private func dump(_ text: String, firstID: Int = 0) -> String {
    let result = Parser.parse(SourceFile(path: "test.rules", text: text), firstID: firstID)
    #expect(result.diagnostics.items.map(\.message) == [])
    return ASTDump.dump(result.rulesFile)
}

@Test func dumpShowsTheTreeAsIndentedSExpressions() {
    #expect(dump("IF lead_score >= 70 AND language = \"German\":\n    ASSIGN TO q\n    PRIORITY = IMMEDIATE\n") == """
    (file
      (route
        (when
          (AND
            (>= (name lead_score) (number 70))
            (= (name language) (string "German"))))
        (assign q)
        (priority IMMEDIATE)))

    """)
    #expect(dump("") == "(file)\n")
}

@Test func dumpIgnoresLayoutLetterCaseOfKeywordsAndRedundantParentheses() {
    let canonical = """
    EVENT e(at: TIME?)
    TIER hot WHEN lead_score >= 70 AND (a OR b): CALL WITHIN 60s
    CALLING HOURS MON-FRI 09:00-20:00
    ON e WHERE event.at > 9:30: CALLBACK NOW; SMS t
    """
    let messy = """
    event e( at:time? )   # a comment is not in the tree
    tier hot when ((lead_score>=70)) and (a or b) : call within 1m
    calling hours Mon-fri 9:00-20:00
    on e where (event.at>09:30):
        callback now
        sms t
    """
    #expect(dump(messy) == dump(canonical))
}

@Test func dumpIgnoresNodeIDs() {
    let text = "SCORE s MAX 10:\n    a => 1\n"
    #expect(dump(text, firstID: 0) == dump(text, firstID: 5_000))
}

@Test(arguments: [
    ("a OR b AND c", "(a OR b) AND c"),
    ("x 40-69", "x BETWEEN 40 AND 69"),
    ("x NOT IN codes", "NOT x IN codes"),
    ("a - b - c > 0", "a - (b - c) > 0"),
    ("lead_age < 60s", "lead_age < 61s"),
])
func dumpTellsDifferentTreesApart(_ a: String, _ b: String) {
    #expect(dump("IF \(a):\n    ASSIGN TO q\n") != dump("IF \(b):\n    ASSIGN TO q\n"))
}

@Test(arguments: ["seed-routing", "every-decl"])
func astDumpMatchesGolden(_ name: String) throws {
    let input = name == "seed-routing"
        ? PrinterFixtures.fixtures.appendingPathComponent("seed-routing.rules")
        : PrinterFixtures.fmt.appendingPathComponent("\(name).input.rules")
    let file = PrinterFixtures.parseClean(try PrinterFixtures.read(input), name)
    try PrinterFixtures.checkGolden(ASTDump.dump(file), PrinterFixtures.fmt.appendingPathComponent("\(name).ast"))
}
