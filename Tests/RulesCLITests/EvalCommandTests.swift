// `rules eval` end to end: the built binary on the default playbook and the
// example leads, run from the package root the way the README shows it.

import Foundation
import RulesCompiler
import RulesLanguage
import Testing

@Suite struct EvalCommandTests {
    /// The package root: `rules/` and `examples/` are here.
    static let root = CLI.fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let examples = "examples/leads.jsonl"
    static let fixtures = "Tests/RulesCLITests/Fixtures/eval"

    @Test func examplesPrintOneJSONObjectPerLead() throws {
        try CLI.expectGolden("eval-leads-json", ["eval", "--rules", "rules", Self.examples], in: Self.root)
    }

    @Test func textFormatIsATableOfTheSameFacts() throws {
        try CLI.expectGolden("eval-leads-text", ["eval", "--rules", "rules", "--format", "text", Self.examples],
                             in: Self.root)
    }

    @Test func explainListsTheRulesUnderEachRow() throws {
        try CLI.expectGolden("eval-leads-explain", ["eval", "--rules", "rules", "--format", "text", "--explain",
                                                    "--at", "2026-03-24T07:50:00Z", Self.examples], in: Self.root)
    }

    @Test func examplesCoverEveryTierAndEveryRoute() throws {
        let run = try CLI.run(["eval", "--rules", "rules", Self.examples], in: Self.root)
        let leads = try Self.objects(run.stdout)
        #expect(leads.count >= 20)
        let prefix = Self.root.path + "/"
        let program = try #require(Compiler.compile(try SourceLoader.load([prefix + "rules"])).program)
        let tiers = Set(leads.compactMap { $0["tier"] as? String })
        let routes = Set(leads.compactMap { ($0["route"] as? [String: Any])?["rule"] as? String })
        #expect(tiers == Set(program.tiers.map(\.name)))
        #expect(routes == Set(program.routes.map { String($0.source.description.dropFirst(prefix.count)) }))
        #expect(routes.count == 6)
    }

    @Test func quarantinedAndNurturingLeadsShowTheirStatus() throws {
        try CLI.expectGolden("eval-at-quarantine", ["eval", "--rules", "rules", "--at", "2026-03-28T16:00:00Z",
                                                    Self.examples], in: Self.root)
        let run = try CLI.run(["eval", "--rules", "rules", "--at", "2026-03-28T16:00:00Z", Self.examples],
                              in: Self.root)
        let statuses = Set(try Self.objects(run.stdout).compactMap { $0["status"] as? String })
        #expect(statuses == ["open", "quarantined", "nurturing", "closed"])
    }

    @Test func atLeavesOutLaterEventsAndLeadsNotYetCreated() throws {
        try CLI.expectGolden("eval-at", ["eval", "--rules", "rules", "--at", "2026-03-23T10:10:00+00:00",
                                         Self.examples], in: Self.root)
        let run = try CLI.run(["eval", "--rules", "rules", "--at", "2026-03-23T10:10:00Z", Self.examples],
                              in: Self.root)
        let leads = try Self.objects(run.stdout).map { $0["lead_id"] as? String }
        // L2 was created at 08:15, L1 at 10:00; L4 not until 13:30.
        #expect(leads == ["L1", "L2"])
    }

    @Test func fileOrderDoesNotMatterOnlyTime() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOf: Self.root.appendingPathComponent(Self.examples), encoding: .utf8)
        let lines = text.split(separator: "\n")
        var rng = SplitMix64(seed: 7)
        let shuffled = dir.appendingPathComponent("shuffled.jsonl")
        try (lines.shuffled(using: &rng).joined(separator: "\n") + "\n").write(to: shuffled, atomically: true,
                                                                                 encoding: .utf8)
        let inOrder = try CLI.run(["eval", "--rules", "rules", Self.examples], in: Self.root)
        let anyOrder = try CLI.run(["eval", "--rules", "rules", shuffled.path], in: Self.root)
        #expect(inOrder.status == 0)
        #expect(anyOrder == inOrder)
    }

    @Test func noLeadsYetPrintsNothingAndSucceeds() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = dir.appendingPathComponent("empty.jsonl")
        try Data("\n\n".utf8).write(to: empty)
        for arguments in [["eval", "--rules", "rules", empty.path],
                          ["eval", "--rules", "rules", "--at", "2026-01-01T00:00:00Z", Self.examples]] {
            #expect(try CLI.run(arguments, in: Self.root) == CLI.Run(status: 0, stdout: "", stderr: ""))
        }
    }

    @Test func standardInputIsReadForADash() throws {
        let file = try CLI.run(["eval", "--rules", "rules", Self.examples], in: Self.root)
        let piped = try Self.run(["eval", "--rules", "rules", "-"],
                                 stdin: Self.root.appendingPathComponent(Self.examples))
        #expect(file.status == 0)
        #expect(piped.status == 0)
        #expect(piped.stdout == file.stdout)
    }

    @Test func badEventsExitTwoWithEveryErrorAndItsLine() throws {
        try CLI.expectGolden("eval-bad-events", ["eval", "--rules", "rules", "\(Self.fixtures)/bad-events.jsonl"],
                             in: Self.root)
        let run = try CLI.run(["eval", "--rules", "rules", "\(Self.fixtures)/bad-events.jsonl"], in: Self.root)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
    }

    @Test func warningsArePrintedAndTheLeadsStillEvaluated() throws {
        try CLI.expectGolden("eval-warnings", ["eval", "--rules", "rules", "\(Self.fixtures)/warnings.jsonl"],
                             in: Self.root)
        let run = try CLI.run(["eval", "--rules", "rules", "\(Self.fixtures)/warnings.jsonl"], in: Self.root)
        #expect(run.status == 0)
        // "UK" was read as GB: a tier-1 country.
        let lead = try #require(try Self.objects(run.stdout).first)
        let categories = try #require(lead["categories"] as? [String: [String: Double]])
        #expect(categories["demographic"]?["points"] == 30)
    }

    @Test func rulesThatDoNotCompileAreUnusableInput() throws {
        try CLI.expectGolden("eval-broken-rules", ["eval", "--rules", "multi-error.rules", "eval/warnings.jsonl"])
    }

    @Test func missingEventsFileExitsTwoNamingIt() throws {
        let run = try CLI.run(["eval", "--rules", "rules", "no-such.jsonl"], in: Self.root)
        #expect(run == CLI.Run(status: 2, stdout: "",
                               stderr: "rules: error: cannot read 'no-such.jsonl': No such file or directory\n"))
    }

    @Test(arguments: [["eval", "--at", "2026-03-23 10:00", "examples/leads.jsonl"],
                      ["eval", "--format", "xml", "examples/leads.jsonl"], ["eval"]])
    func badArgumentsExitTwoWithUsage(arguments: [String]) throws {
        let run = try CLI.run(arguments, in: Self.root)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("Usage: rules eval"))
    }

    @Test func atWithoutZoneSaysWhatIsMissing() throws {
        let run = try CLI.run(["eval", "--at", "2026-03-23 10:00", Self.examples], in: Self.root)
        #expect(run.stderr.hasPrefix(#"Error: --at: time "2026-03-23 10:00" has no zone (add Z or an offset like +01:00)"#))
    }

    /// Runs `rules ARGS` in the package root with stdin read from a file;
    /// status and stdout (small outputs only: stdout is a pipe).
    static func run(_ arguments: [String], stdin: URL) throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        process.standardInput = try FileHandle(forReadingFrom: stdin)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self))
    }

    /// The JSON objects of JSON Lines output.
    static func objects(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }
}

