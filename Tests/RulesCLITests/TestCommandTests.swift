// `rules test` end to end: the built binary on fixture test files (golden
// transcripts of passing, failing and bad input), and on the playbook's own
// tests in rules/tests, which must pass.

import Foundation
import Testing

@Suite struct TestCommandTests {
    static let root = CLI.fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func passingTestsExitZeroWithTheTotals() throws {
        try CLI.expectGolden("test-pass", ["test", "test/good/tests/pass.yaml"])
        #expect(try CLI.run(["test", "test/good/tests/pass.yaml"]).status == 0)
    }

    @Test func verboseListsPassingTests() throws {
        try CLI.expectGolden("test-pass-verbose", ["test", "--verbose", "test/good/tests/pass.yaml"])
    }

    @Test func failuresShowExpectedGotAndTheRuleAndExitOne() throws {
        try CLI.expectGolden("test-fail", ["test", "test/good/tests/fail.yaml"])
        #expect(try CLI.run(["test", "test/good/tests/fail.yaml"]).status == 1)
    }

    @Test func jsonOutputHasEveryTestAndFailure() throws {
        try CLI.expectGolden("test-fail-json", ["test", "--format", "json", "test/good/tests/fail.yaml"])
        let run = try CLI.run(["test", "--format", "json", "test/good/tests/fail.yaml"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["passed"] as? Int == 1 && object["failed"] as? Int == 1 && object["skipped"] as? Int == 1)
    }

    @Test func theFilterRunsTestsByName() throws {
        try CLI.expectGolden("test-filter", ["test", "--filter", "PASSES", "test/good/tests/fail.yaml"])
        #expect(try CLI.run(["test", "--filter", "passes", "test/good/tests/fail.yaml"]).status == 0)
    }

    @Test func badInputIsEveryErrorAtItsLineAndExitTwo() throws {
        try CLI.expectGolden("test-bad-input", ["test", "test/good/tests/bad-input.yaml"])
        #expect(try CLI.run(["test", "test/good/tests/bad-input.yaml"]).status == 2)
    }

    @Test func malformedYAMLIsReportedAtTheParsersLineAndColumn() throws {
        try CLI.expectGolden("test-malformed", ["test", "test/good/tests/malformed.yaml"])
        #expect(try CLI.run(["test", "test/good/tests/malformed.yaml"]).status == 2)
    }

    @Test func rulesWithErrorsPrintTheirDiagnosticsAndExitTwo() throws {
        try CLI.expectGolden("test-broken-rules", ["test", "test/broken/tests"])
        #expect(try CLI.run(["test", "test/broken/tests"]).status == 2)
    }

    @Test func badInputInOneFileStillRunsTheOthersAndExitsTwo() throws {
        let run = try CLI.run(["test", "test/good/tests/pass.yaml", "test/good/tests/malformed.yaml"])
        #expect(run.status == 2)
        #expect(run.stdout.hasSuffix("2 passed, 0 failed; 1 test file with errors (1 error)\n"))
    }

    @Test func aMissingPathIsAUsageError() throws {
        try CLI.expectGolden("test-missing-path", ["test", "test/nowhere"])
        #expect(try CLI.run(["test", "test/nowhere"]).status == 2)
    }

    @Test func aBadFormatIsAUsageError() throws {
        #expect(try CLI.run(["test", "--format", "xml", "test/good/tests/pass.yaml"]).status == 2)
    }

    @Test func thePlaybooksOwnTestsPass() throws {
        let run = try CLI.run(["test", "rules/tests"], in: Self.root)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.isEmpty)
        let defaults = try CLI.run(["test"], in: Self.root)
        #expect(defaults.status == 0)
        #expect(defaults.stdout == run.stdout)
    }
}
