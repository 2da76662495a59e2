// In-process tests of DiagnosticRenderer: where the caret lands and how each
// format spells a diagnostic.

import Foundation
import RulesLanguage
import Testing

private func diagnostic(_ file: SourceFile, _ start: Int, _ end: Int, _ severity: Severity = .error,
                        code: String = "E100", message: String = "expected ':', found 'ASSIGN'",
                        notes: [String] = []) -> Diagnostic {
    Diagnostic(file: file, range: SourceRange(start: start, end: end), severity: severity,
               code: code, message: message, notes: notes)
}

/// The byte offset of the last "x" in `text`.
private func lastX(_ text: String) -> Int {
    Array(text.utf8).lastIndex(of: UInt8(ascii: "x")) ?? -1
}

/// The text rendering of one error over bytes `start..<end` of `text`.
private func render(_ text: String, _ start: Int, _ end: Int) -> String {
    let file = SourceFile(path: "f.rules", text: text)
    return DiagnosticRenderer().render([diagnostic(file, start, end)])
}

/// The source line and caret line of a one-error rendering.
private func snippet(_ text: String, _ start: Int, _ end: Int) -> [String] {
    Array(render(text, start, end).split(separator: "\n", omittingEmptySubsequences: false)[1...2].map(String.init))
}

@Suite struct TextRenderingTests {
    @Test func caretUnderlinesTheWholeSpanOnItsLine() {
        #expect(render("QUEUE a\nIF x ASSIGN\n", 13, 19) == """
            f.rules:2:6: error: expected ':', found 'ASSIGN' [E100]
            IF x ASSIGN
                 ^~~~~~
            1 error

            """)
    }

    @Test func caretCountsCharactersNotBytesUnderNonASCII() {
        let text = "LIST x = [\"Zürich\", 3x]\n"
        let xSuffix = lastX(text)
        // 21 characters (23 bytes) precede the suffix.
        #expect(snippet(text, xSuffix, xSuffix + 1) == [String(text.dropLast()), String(repeating: " ", count: 21) + "^"])
    }

    @Test func caretMovesTwoColumnsPastEachWideCharacter() {
        let text = "LIST x = [\"東京\", 3x]\n"
        let at = lastX(text)
        // 11 narrow, 2 wide (4 columns), then `", 3` before the x.
        #expect(snippet(text, at, at + 1)[1] == String(repeating: " ", count: 19) + "^")
    }

    @Test func combiningMarkTakesNoColumn() {
        let text = "QUEUE cafe\u{301} x\n"
        let at = lastX(text)
        #expect(snippet(text, at, at + 1)[1] == String(repeating: " ", count: 11) + "^")
    }

    @Test func tabsInTheSourceLineAreKeptInTheCaretLine() {
        #expect(snippet("\tIF x\t== 3:\n", 6, 8) == ["\tIF x\t== 3:", "\t    \t^~"])
    }

    @Test func crlfLineEndsAreNotPrintedAndDoNotShiftTheCaret() {
        let out = render("QUEUE a\r\nIF x\r\n    ASSIGN TO a\r\n", 13, 13)
        #expect(out == """
            f.rules:2:5: error: expected ':', found 'ASSIGN' [E100]
            IF x
                ^
            1 error

            """)
        #expect(!out.contains("\r"))
    }

    @Test func diagnosticAtEndOfFileWithoutFinalNewlinePointsPastTheLastCharacter() {
        #expect(render("QUEUE a\nQUEUE", 13, 13).hasPrefix("""
            f.rules:2:6: error: expected ':', found 'ASSIGN' [E100]
            QUEUE
                 ^

            """))
    }

    @Test func diagnosticAtEndOfFileAfterFinalNewlineShowsTheEmptyLastLine() {
        #expect(render("IF x:\n", 6, 6).hasPrefix("f.rules:2:1: error: expected ':', found 'ASSIGN' [E100]\n\n^\n"))
    }

    @Test func spanOverSeveralLinesIsUnderlinedToTheEndOfItsFirstLine() {
        #expect(snippet("LIST a = [1,\n  2]\n", 9, 17) == ["LIST a = [1,", "         ^~~"])
    }

    @Test func emptyFileStillGetsALocationAndCaret() {
        #expect(render("", 0, 0).hasPrefix("f.rules:1:1: error: expected ':', found 'ASSIGN' [E100]\n\n^\n"))
    }

    @Test func controlBytesAndInvalidUTF8AreShownAsVisibleSymbols() {
        let file = SourceFile(path: "f.rules", bytes: [0x51, 0x1B, 0x5B, 0x32, 0x4A, 0xFF, 0x7F, 0x78, 0x0A])
        let out = DiagnosticRenderer().render([diagnostic(file, 7, 8)])
        #expect(!out.contains("\u{1B}"))
        #expect(out.contains("Q\u{241B}[2J\u{FFFD}\u{2421}x\n       ^\n"))
    }

    @Test func veryLongLineIsShownAsAWindowAroundTheCaret() {
        let text = String(repeating: "a", count: 50_000) + "!" + String(repeating: "b", count: 50_000) + "\n"
        let lines = snippet(text, 50_000, 50_001)
        #expect(lines[0].count <= DiagnosticRenderer.maxLineWidth + 6)
        #expect(lines[0].hasPrefix("...") && lines[0].hasSuffix("..."))
        let caretColumn = lines[1].count - 1
        #expect(Array(lines[0])[caretColumn] == "!")
    }

    @Test func notesFollowTheCaretAndTheSummaryCountsBySeverity() {
        let file = SourceFile(path: "f.rules", text: "IF country = \"UK\":\n")
        let diagnostics = [
            diagnostic(file, 13, 17, .warning, code: "W305", message: "'UK' is not an ISO 3166 code",
                       notes: ["did you mean 'GB'?"]),
            diagnostic(file, 13, 17, .warning, code: "W306", message: "second"),
            diagnostic(file, 18, 18, .error, message: "third"),
        ]
        let out = DiagnosticRenderer().render(diagnostics)
        #expect(out.hasPrefix("""
            f.rules:1:14: warning: 'UK' is not an ISO 3166 code [W305]
            IF country = "UK":
                         ^~~~
              note: did you mean 'GB'?
            f.rules:1:14: warning: second [W306]

            """))
        #expect(out.hasSuffix("\n1 error, 2 warnings\n"))
    }

    @Test func noDiagnosticsRenderAsNothing() {
        #expect(DiagnosticRenderer().render([]) == "")
        #expect(DiagnosticRenderer(format: .github).render([]) == "")
    }

    @Test func capAndDroppedDiagnosticsAreCountedInsteadOfPrinted() {
        let file = SourceFile(path: "f.rules", text: "a b c d\n")
        let diagnostics = [diagnostic(file, 0, 1), diagnostic(file, 2, 3, .warning),
                           diagnostic(file, 4, 5), diagnostic(file, 6, 7, .warning)]
        let out = DiagnosticRenderer(maxDiagnostics: 1).render(diagnostics, dropped: 5)
        #expect(out.components(separatedBy: "\n^").count == 2)
        #expect(out.hasSuffix("\n6 more errors and 2 more warnings not shown\n7 errors, 2 warnings\n"))
        #expect(DiagnosticRenderer(maxDiagnostics: 0).render(diagnostics).components(separatedBy: "^").count == 5)
    }

    @Test func colorIsOnlyAddedWhenAsked() {
        let file = SourceFile(path: "f.rules", text: "x\n")
        #expect(!DiagnosticRenderer().render([diagnostic(file, 0, 1)]).contains("\u{1B}["))
        #expect(DiagnosticRenderer(color: true).render([diagnostic(file, 0, 1)])
            .contains("\u{1B}[1;31merror:\u{1B}[0m"))
    }
}

@Suite struct MachineFormatTests {
    @Test func jsonListsEveryFieldAndCountsDroppedAsErrors() throws {
        let file = SourceFile(path: "dir/f.rules", text: "IF a \"b\"\nx\n")
        let diagnostics = [diagnostic(file, 5, 8, message: "found \"b\"", notes: ["n1"]),
                           diagnostic(file, 9, 10, .warning, code: "W300", message: "w")]
        let out = DiagnosticRenderer(format: .json, maxDiagnostics: 1).render(diagnostics, dropped: 2)
        #expect(out.hasSuffix("}\n"))
        #expect(out.hasPrefix(#"{"diagnostics":[{"code":"E100","column":6,"end_column":9,"end_line":1,"file":"dir/f.rules","line":1,"message":"found \"b\"","notes":["n1"],"severity":"error"}"#))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        #expect(document["errors"] as? Int == 3)
        #expect(document["warnings"] as? Int == 1)
        #expect((document["diagnostics"] as? [Any])?.count == 2)
    }

    @Test func jsonOfNoDiagnosticsIsStillADocument() {
        #expect(DiagnosticRenderer(format: .json).render([]) == #"{"diagnostics":[],"errors":0,"warnings":0}"# + "\n")
    }

    @Test func githubEscapesMessageAndPropertiesPerWorkflowCommandRules() {
        let file = SourceFile(path: "a,b:c%.rules", text: "x y\n")
        let diagnostics = [diagnostic(file, 0, 1, message: "100% wrong\r\nreally", notes: ["try: y, z"]),
                           diagnostic(file, 2, 3, .warning, code: "W301", message: "w"),
                           diagnostic(file, 2, 3, .note, code: "N1", message: "n")]
        #expect(DiagnosticRenderer(format: .github).render(diagnostics) == """
            ::error file=a%2Cb%3Ac%25.rules,line=1,col=1,endLine=1,endColumn=2,title=E100::100%25 wrong%0D%0Areally%0Anote: try: y, z
            ::warning file=a%2Cb%3Ac%25.rules,line=1,col=3,endLine=1,endColumn=4,title=W301::w
            ::notice file=a%2Cb%3Ac%25.rules,line=1,col=3,endLine=1,endColumn=4,title=N1::n

            """)
    }
}
