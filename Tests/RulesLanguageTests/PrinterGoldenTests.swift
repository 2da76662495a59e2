// Golden tests of `Printer.format` (Fixtures/fmt/NAME.input.rules is
// formatted and compared with NAME.golden.rules), and the properties every
// formatted file must have: formatting again changes nothing, the output
// parses to the same tree, and every comment survives. The properties are
// checked on every fixture and on the default playbook in rules/.
//
// Re-record the goldens with `RECORD_GOLDEN=1 swift test --filter PrinterGolden`.

import Foundation
import Testing
@testable import RulesLanguage

enum PrinterFixtures {
    /// The test sources' Fixtures directory (goldens are recorded there, not
    /// in the copy inside the test bundle).
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let fmt = fixtures.appendingPathComponent("fmt")
    static let playbook = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("rules")

    static var recording: Bool { ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" }

    /// A formatting case: its name, and its input file.
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let input: URL
        var testDescription: String { name }
        var golden: URL { fmt.appendingPathComponent("\(name).golden.rules") }
    }

    /// Every `fmt/*.input.rules`, plus the seed's routing blocks.
    static func cases() -> [Case] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fmt.path)) ?? []
        let inputs = names.filter { $0.hasSuffix(".input.rules") }.sorted().map {
            Case(name: String($0.dropLast(".input.rules".count)), input: fmt.appendingPathComponent($0))
        }
        return inputs + [Case(name: "seed-routing", input: fixtures.appendingPathComponent("seed-routing.rules"))]
    }

    /// The default playbook's files; every file of the playbook and every
    /// fixture is also a property case.
    static func allInputs() -> [Case] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: playbook.path)) ?? []
        let rules = names.filter { $0.hasSuffix(".rules") }.sorted().map {
            Case(name: "rules/\($0)", input: playbook.appendingPathComponent($0))
        }
        return cases() + rules
    }

    static func read(_ url: URL) throws -> String {
        String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    /// Parses text that must have no syntax errors.
    static func parseClean(_ text: String, _ name: String) -> RulesFile {
        let result = Parser.parse(SourceFile(path: name, text: text))
        let errors = result.diagnostics.items.map { "\($0.location) \($0.code) \($0.message)" }
        #expect(errors == [], "\(name) must parse without errors")
        return result.rulesFile
    }

    /// Compares `actual` with a golden file, or records it when RECORD_GOLDEN=1.
    static func checkGolden(_ actual: String, _ golden: URL) throws {
        if recording {
            try Data(actual.utf8).write(to: golden)
            return
        }
        guard let expected = try? read(golden) else {
            Issue.record("missing golden \(golden.lastPathComponent); run with RECORD_GOLDEN=1")
            return
        }
        if actual != expected {
            Issue.record("\(golden.lastPathComponent) differs (- golden, + actual):\n\(lineDiff(expected, actual))")
        }
    }

    /// A line diff (longest common subsequence) showing only changed lines
    /// with their line numbers in the golden (-) and the actual text (+).
    static func lineDiff(_ old: String, _ new: String) -> String {
        let a = old.components(separatedBy: "\n"), b = new.components(separatedBy: "\n")
        var lcs = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [String] = []
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                i += 1; j += 1
            } else if j < b.count, i == a.count || lcs[i][j + 1] >= lcs[i + 1][j] {
                out.append("+\(j + 1): \(b[j])"); j += 1
            } else {
                out.append("-\(i + 1): \(a[i])"); i += 1
            }
        }
        return out.joined(separator: "\n")
    }
}

@Test(arguments: PrinterFixtures.cases())
func formattedFixtureMatchesGolden(_ c: PrinterFixtures.Case) throws {
    let file = PrinterFixtures.parseClean(try PrinterFixtures.read(c.input), c.name)
    try PrinterFixtures.checkGolden(Printer.format(file), c.golden)
}

@Test(arguments: PrinterFixtures.allInputs())
func formattingTwiceChangesNothing(_ c: PrinterFixtures.Case) throws {
    let once = Printer.format(PrinterFixtures.parseClean(try PrinterFixtures.read(c.input), c.name))
    let twice = Printer.format(PrinterFixtures.parseClean(once, c.name + " (formatted)"))
    #expect(twice == once, "not idempotent:\n\(PrinterFixtures.lineDiff(once, twice))")
}

@Test(arguments: PrinterFixtures.allInputs())
func formattedOutputParsesToTheSameTree(_ c: PrinterFixtures.Case) throws {
    let original = PrinterFixtures.parseClean(try PrinterFixtures.read(c.input), c.name)
    let formatted = PrinterFixtures.parseClean(Printer.format(original), c.name + " (formatted)")
    let before = ASTDump.dump(original), after = ASTDump.dump(formatted)
    #expect(after == before, "tree changed:\n\(PrinterFixtures.lineDiff(before, after))")
}

@Test(arguments: PrinterFixtures.allInputs())
func formattingKeepsEveryCommentInOrder(_ c: PrinterFixtures.Case) throws {
    let original = PrinterFixtures.parseClean(try PrinterFixtures.read(c.input), c.name)
    let formatted = PrinterFixtures.parseClean(Printer.format(original), c.name + " (formatted)")
    #expect(formatted.comments.count == original.comments.count)
    #expect(formatted.comments.map(\.text) == original.comments.map(\.text))
}

@Test func playbookAndFixturesArePresent() {
    // Guards the argument lists above against silently testing nothing.
    let names = PrinterFixtures.allInputs().map(\.name)
    #expect(names.filter { $0.hasPrefix("rules/") }.count >= 5, "the default playbook rules/ was not found")
    for required in ["comments", "crlf", "every-decl", "messy", "no-final-newline", "seed-routing", "tabs"] {
        #expect(names.contains(required), "missing fmt fixture \(required)")
    }
}
