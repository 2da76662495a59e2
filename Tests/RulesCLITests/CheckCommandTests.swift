// `rules check` end to end: the built binary, its whole output and exit status.

import Foundation
import Testing

@Suite struct CheckCommandTests {
    @Test func cleanFileExitsZeroAndPrintsNothing() throws {
        try CLI.expectGolden("check-clean", ["check", "clean.rules"])
    }

    @Test(arguments: ["text", "json", "github"])
    func multiErrorFileRendersEveryDiagnostic(format: String) throws {
        try CLI.expectGolden("check-multi-error-\(format)", ["check", "--format", format, "multi-error.rules"])
    }

    @Test func checkerFindingsCarryTheirSuggestions() throws {
        try CLI.expectGolden("check-names", ["check", "names.rules"])
    }

    @Test func maxErrorsCapsPrintingAndCountsTheRest() throws {
        try CLI.expectGolden("check-max-errors", ["check", "--max-errors", "2", "multi-error.rules"])
    }

    @Test func warningsArePrintedButPassWithoutStrict() throws {
        try CLI.expectGolden("check-warnings", ["check", "warnings.rules"])
        let run = try CLI.run(["check", "warnings.rules"])
        #expect(run.status == 0)
        #expect(run.stdout.contains(": warning: "))
    }

    @Test func strictMakesWarningsFail() throws {
        try CLI.expectGolden("check-warnings-strict", ["check", "--strict", "warnings.rules"])
        #expect(try CLI.run(["check", "--strict", "warnings.rules"]).status == 1)
    }

    @Test func directoryContributesItsRulesFilesSortedByPath() throws {
        try CLI.expectGolden("check-directory", ["check", "playbook"])
    }

    @Test func invalidUTF8IsReportedAsDiagnosticsNotALoadFailure() throws {
        try CLI.expectGolden("check-invalid-utf8", ["check", "invalid-utf8.rules"])
    }

    @Test func missingPathExitsTwoNamingThePath() throws {
        try CLI.expectGolden("check-missing-path", ["check", "clean.rules", "no-such.rules"])
    }

    @Test func noArgumentsWithoutRulesDirectoryIsAUsageError() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try CLI.expectGolden("check-no-rules-directory", ["check"], in: dir)
    }

    @Test func noArgumentsChecksTheRulesDirectory() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rules = dir.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLI.fixtures.appendingPathComponent("multi-error.rules"),
                                         to: rules.appendingPathComponent("a.rules"))
        let run = try CLI.run(["check", "--max-errors", "1"], in: dir)
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("rules/a.rules:4:45: error: "))
    }

    @Test func directoryWithoutRulesFilesIsAUsageError() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try Data("QUEUE a\n".utf8).write(to: empty.appendingPathComponent("notes.txt"))
        try CLI.expectGolden("check-empty-directory", ["check", "empty"], in: dir)
    }

    @Test(arguments: [["check", "--bogus"], ["check", "--format", "xml", "clean.rules"],
                      ["check", "--max-errors", "-1", "clean.rules"], ["frobnicate"]])
    func badArgumentsExitTwoWithUsageOnStderr(arguments: [String]) throws {
        let run = try CLI.run(arguments)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("Usage: rules"))
    }

    @Test func helpGoesToStdoutAndExitsZero() throws {
        let run = try CLI.run(["check", "--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("--format <format>"))
        #expect(run.stderr.isEmpty)
    }

    @Test func verbosePrintsFilesLinesAndTimeToStderrOnly() throws {
        let run = try CLI.run(["check", "--verbose", "clean.rules"])
        #expect(run.status == 0)
        #expect(run.stdout.isEmpty)
        let text = try String(contentsOf: CLI.fixtures.appendingPathComponent("clean.rules"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
        #expect(run.stderr.wholeMatch(of: /checked 1 file \((\d+) lines\) in \d+(\.\d+)? ms\n/)?.1 == "\(lines)")
    }

    @Test func sameFileNamedTwiceIsCheckedOnce() throws {
        let once = try CLI.run(["check", "playbook"])
        let twice = try CLI.run(["check", "playbook", "playbook/queues.rules", "./playbook/cold.rules"])
        #expect(once == twice)
    }
}
