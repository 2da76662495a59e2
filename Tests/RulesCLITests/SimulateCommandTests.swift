// `rules simulate` end to end: the built binary on the default playbook and
// examples/events.jsonl, run from the package root the way the README shows
// it, with golden timelines and summaries; and every kind of bad input,
// each a clear message and exit 2. Goldens live in Fixtures/simulate and
// are re-recorded with RECORD_GOLDEN=1.

import Foundation
import Testing

@Suite struct SimulateCommandTests {
    static let root = EvalCommandTests.root
    static let examples = "examples/events.jsonl"
    static let fixtures = "Tests/RulesCLITests/Fixtures/simulate"
    static let goldens = CLI.fixtures.appendingPathComponent("simulate")

    /// Runs `rules ARGS` from the package root and compares the whole
    /// transcript (status, stdout, stderr) with `Fixtures/simulate/<name>.txt`.
    static func expectGolden(_ name: String, _ arguments: [String],
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        let run = try CLI.run(arguments, in: root)
        let actual = CLI.transcript(arguments, run)
        let url = goldens.appendingPathComponent(name + ".txt")
        if CLI.recording {
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("no golden file simulate/\(name).txt; record it with RECORD_GOLDEN=1",
                         sourceLocation: sourceLocation)
            return
        }
        #expect(actual == expected, "golden simulate/\(name).txt differs (RECORD_GOLDEN=1 re-records)",
                sourceLocation: sourceLocation)
    }

    static func lines(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    // MARK: - Golden timelines

    @Test func theExamplesTimelineAndSummary() throws {
        try Self.expectGolden("events", ["simulate", Self.examples])
    }

    @Test func theExamplesPlayedForwardWithTheDefaultOutcomeModel() throws {
        try Self.expectGolden("events-outcomes", ["simulate", "--outcomes", "default", "--seed", "1", Self.examples])
    }

    @Test func untilCutsTheTimelineAndLeavesLaterEventsOut() throws {
        try Self.expectGolden("events-until", ["simulate", "--until", "2026-03-19T12:00:00Z", Self.examples])
    }

    @Test func aModelFileDrivesTheOutcomes() throws {
        try Self.expectGolden("events-fast-answers", ["simulate", "--outcomes", "\(Self.fixtures)/fast-answers.yaml",
                                                      "--until", "2026-03-20T00:00:00Z", Self.examples])
    }

    // MARK: - The timeline's contract

    @Test func everyLineHasTheContractFieldsInDueOrder() throws {
        let run = try CLI.run(["simulate", "--outcomes", "default", Self.examples], in: Self.root)
        #expect(run.status == 0)
        let lines = try Self.lines(run.stdout)
        #expect(lines.count > 100)
        let contract = ["at", "lead_id", "kind", "queue", "priority", "dial_mode", "template", "attempt", "deadline",
                        "rule", "reason", "id"]
        let allowed = Set(contract + ["sla_breach", "channel"])
        for line in lines {
            #expect(contract.allSatisfy { line.keys.contains($0) })
            #expect(Set(line.keys).isSubset(of: allowed))
        }
        let times = lines.compactMap { $0["at"] as? String }
        #expect(times == times.sorted(), "RFC 3339 UTC times sort as text")
        #expect(Set(lines.compactMap { $0["id"] as? String }).count == lines.count, "no task issued twice")
    }

    @Test func theEventsFileMayBeGivenWithEventsAndTheOutputWrittenToAFile() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("timeline.jsonl").path
        let plain = try CLI.run(["simulate", Self.examples], in: Self.root)
        let flagged = try CLI.run(["simulate", "--rules", "rules", "--events", Self.examples, "--output", file],
                                  in: Self.root)
        #expect(flagged.status == 0 && flagged.stdout.isEmpty)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == plain.stdout)
        #expect(flagged.stderr == plain.stderr)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["timeline.jsonl"],
                "no temporary file left behind")
    }

    @Test func theSameSeedGivesTheSameCampaignAndTheDefaultModelFileEqualsDefault() throws {
        let a = try CLI.run(["simulate", "--outcomes", "default", "--seed", "3", Self.examples], in: Self.root)
        let b = try CLI.run(["simulate", "--outcomes", "examples/outcomes.yaml", "--seed", "3", Self.examples],
                            in: Self.root)
        let c = try CLI.run(["simulate", "--outcomes", "default", "--seed", "4", Self.examples], in: Self.root)
        #expect(a == b)
        #expect(a.stdout != c.stdout)
    }

    @Test func progressDrawsABarOnStderrOnlyWhenAsked() throws {
        let run = try CLI.run(["simulate", "--progress", Self.examples], in: Self.root)
        #expect(run.status == 0)
        #expect(run.stderr.hasPrefix("\r["))
        #expect(run.stderr.contains("100% events 68/68"))
        let plain = try CLI.run(["simulate", Self.examples], in: Self.root)
        #expect(!plain.stderr.contains("\r"))
        #expect(run.stdout == plain.stdout)
    }

    // MARK: - Bad input: exit 2, a message naming the file and line

    @Test func eventsOutOfOrderAreEachReportedWithBothLines() throws {
        try Self.expectGolden("bad-out-of-order", ["simulate", "\(Self.fixtures)/out-of-order.jsonl"])
    }

    @Test func eventsFarInThePastOrFutureAreRefused() throws {
        try Self.expectGolden("bad-outside-years", ["simulate", "\(Self.fixtures)/outside-years.jsonl"])
    }

    @Test func untilBeforeTheFirstEventIsRefused() throws {
        try Self.expectGolden("bad-until-before-first", ["simulate", "--until", "2026-03-01T00:00:00Z", Self.examples])
    }

    @Test(arguments: ["malformed", "unknown-code", "rates-not-one", "misspelled-key", "bad-range"])
    func aBadOutcomeModelIsRefusedWithItsLine(_ name: String) throws {
        try Self.expectGolden("bad-model-\(name)", ["simulate", "--outcomes", "\(Self.fixtures)/\(name).yaml",
                                                    Self.examples])
    }

    @Test func missingFilesAndMisusedOptionsExit2() throws {
        let cases: [([String], String)] = [
            (["simulate", "no-such-events.jsonl"], "no-such-events.jsonl"),
            (["simulate", "--outcomes", "no-such-model.yaml", Self.examples], "no-such-model.yaml"),
            (["simulate"], "no events file"),
            (["simulate", "--events", Self.examples, "other.jsonl"], "two events files"),
            (["simulate", "--seed", "1", Self.examples], "--seed draws call outcomes"),
            (["simulate", "--until", "2026-03-20 10:00", Self.examples], "--until"),
            (["simulate", "--rules", "no-such-rules", Self.examples], "no-such-rules"),
        ]
        for (arguments, message) in cases {
            let run = try CLI.run(arguments, in: Self.root)
            #expect(run.status == 2, "\(arguments)")
            #expect(run.stdout.isEmpty, "\(arguments)")
            #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
    }
}
