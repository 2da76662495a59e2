// `rules-bench daemon`: events per second through `Daemon.ingest` on a real
// SQLite file (synchronous = FULL: every acknowledged commit is fsynced),
// for batches of 1, 100 and 1000 events from one caller, and for many
// concurrent one-event callers (group commit); then a reload that changes
// the tiers and re-evaluates every stored lead. Run it from a release build:
//     swift build -c release --product rules-bench
//     .build/release/rules-bench daemon [--events N] [--leads N]
//
// Events are synthetic CFD signups (distinct phones and emails, a GB/DE/FR
// mix, a quarter of them from affiliates) followed by demo activity for
// some; times are spread over the morning before the bench's virtual now.

import ArgumentParser
import Foundation
import Logging
import RulesCompiler
import RulesDaemon
import RulesEngine
import RulesLanguage
import RulesStore
import Scheduler

extension RulesBench {
    struct DaemonIngest: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "daemon",
            abstract: "Durable ingest through Daemon.ingest on SQLite, and re-evaluation after a reload.")

        @Option(help: "Events per measurement.")
        var events = 20_000

        @Option(help: "Batch sizes, comma-separated (one caller, one call per batch).")
        var batches = "1,100,1000"

        @Option(help: "Events of the one-event, one-caller run (one fsync each).")
        var singleEvents = 2_000

        @Option(help: "Concurrent one-event callers for the group-commit measurement (0: skip).")
        var callers = 64

        @Option(help: "Leads stored before the reload whose re-evaluation is timed (0: skip).")
        var leads = 100_000

        @Option(help: "Playbook directory.")
        var playbook = "rules/"

        @Option(help: "Directory for the temporary database files.")
        var scratch = NSTemporaryDirectory()

        func validate() throws {
            guard events > 0 else { throw ValidationError("--events must be at least 1") }
            guard batchSizes.allSatisfy({ $0 > 0 }), !batchSizes.isEmpty else {
                throw ValidationError("--batches must list positive sizes")
            }
        }

        var batchSizes: [Int] { batches.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

        func run() throws {
            let done = DispatchSemaphore(value: 0)
            let failure = FailureBox()
            let command = self
            Task {
                do { try await command.measure() } catch { failure.error = error }
                done.signal()
            }
            done.wait()
            if let error = failure.error { throw error }
        }

        private func measure() async throws {
            let snapshot = try RulesSnapshot.load(directory: playbook)
            guard snapshot.isGood else {
                print(snapshot.diagnosticsText)
                throw ExitCode.failure
            }
            print("rules-bench daemon: \(events) events per run (\(singleEvents) one at a time), SQLite synchronous=FULL, rules \(snapshot.hash.prefix(12))")
            for size in batchSizes {
                try await timeIngest(snapshot, batch: size, callers: 1)
            }
            if callers > 0 { try await timeIngest(snapshot, batch: 1, callers: callers) }
            if leads > 0 { try await timeReevaluation(snapshot) }
        }

        /// A started daemon on the fresh database `file`, on a virtual clock.
        private func startDaemon(_ snapshot: RulesSnapshot, on file: Scratch) async throws
            -> (SQLiteStore, VirtualClock, Daemon) {
            let store = try SQLiteStore(path: file.path)
            let clock = VirtualClock(start: BenchEvents.now)
            let daemon = Daemon(store: store, snapshot: snapshot, options: DaemonOptions(rulesDirectory: playbook),
                                clock: clock, logger: Logger(label: "bench"))
            try await daemon.start()
            return (store, clock, daemon)
        }

        /// One fresh database; `events` events in calls of `batch` from `callers` concurrent callers.
        private func timeIngest(_ snapshot: RulesSnapshot, batch: Int, callers: Int) async throws {
            let file = Scratch(directory: scratch)
            defer { file.remove() }
            let (store, _, daemon) = try await startDaemon(snapshot, on: file)
            // One fsync per event: a smaller run says as much in less time.
            let all = BenchEvents.make(count: batch == 1 && callers == 1 ? min(events, singleEvents) : events, seed: 7)
            let calls = stride(from: 0, to: all.count, by: batch).map { Array(all[$0..<min($0 + batch, all.count)]) }
            let start = ContinuousClock.now
            if callers == 1 {
                for call in calls { _ = try await daemon.ingest(call) }
            } else {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    // `callers` workers, each taking the next call in turn.
                    let queue = CallQueue(calls)
                    for _ in 0..<callers {
                        group.addTask {
                            while let call = queue.next() { _ = try await daemon.ingest(call) }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let seconds = start.duration(to: .now).seconds
            let stored = try await store.eventCount()
            print("  ingest batch \(String(batch).leftPadding(5)) x \(callers) caller\(callers == 1 ? " " : "s")"
                  + "  \(fixed(seconds, 2).leftPadding(7)) s  \(humanRate(Double(all.count) / seconds))events/s"
                  + "  (\(fixed(seconds * 1e6 / Double(all.count), 1)) µs/event, \(stored) stored)")
        }

        /// `leads` leads stored (captures in batches of 1000), then a reload
        /// moving the hot threshold; the apply, re-evaluation included, is timed.
        private func timeReevaluation(_ snapshot: RulesSnapshot) async throws {
            let file = Scratch(directory: scratch)
            defer { file.remove() }
            let (_, clock, daemon) = try await startDaemon(snapshot, on: file)
            let loadStart = ContinuousClock.now
            var made = 0
            while made < leads {
                let count = min(1000, leads - made)
                _ = try await daemon.ingest(BenchEvents.captures(from: made, count: count))
                made += count
            }
            let loadSeconds = loadStart.duration(to: .now).seconds
            let changed = try Scratch.copy(directory: playbook, into: scratch) { name, text in
                guard name == "tiers.rules" || name == "routing.rules" else { return text }
                return text.replacingOccurrences(of: "lead_score >= 70", with: "lead_score >= 45")
                    .replacingOccurrences(of: "lead_score 40-69", with: "lead_score 30-44")
                    .replacingOccurrences(of: "lead_score < 40", with: "lead_score < 30")
            }
            defer { try? FileManager.default.removeItem(atPath: changed) }
            let next = try RulesSnapshot.load(directory: changed)
            clock.advance(by: 60_000)
            let start = ContinuousClock.now
            let outcome = await daemon.apply(next, trigger: .api, by: "bench")
            let seconds = start.duration(to: .now).seconds
            print("  \(leads) leads stored in \(fixed(loadSeconds, 1)) s; reload + re-evaluation: \(outcome.reevaluated) leads"
                  + " in \(fixed(seconds, 2)) s (\(humanRate(Double(outcome.reevaluated) / seconds))leads/s)"
                  + (outcome.attempt.succeeded ? "" : " REFUSED: \(outcome.attempt.diagnostics)"))
        }
    }
}

/// Synthetic events for the daemon bench.
enum BenchEvents {
    /// The bench's virtual now: Monday 2026-03-16 12:00 UTC.
    static let now: Int64 = 1_773_662_400_000

    /// `count` events: captures, each followed by 0-3 funnel events of its lead.
    static func make(count: Int, seed: UInt64) -> [Event] {
        var random = SplitMix64(seed: seed)
        var events: [Event] = []
        events.reserveCapacity(count)
        var lead = 0
        while events.count < count {
            let at = now - 3 * 3_600_000 + Int64(lead % 10_000) * 1_000
            events.append(capture(lead, at: at, random: &random))
            let funnel = ["demo_account_created", "demo_trade", "platform_download"]
            for (n, type) in funnel.prefix(random.int(0...3)).enumerated() where events.count < count {
                events.append(Event(id: "b\(lead)-\(n)", leadID: "B\(lead)", type: type, at: at + Int64(n + 1) * 60_000))
            }
            lead += 1
        }
        return events
    }

    /// Captures of leads `from..<from+count`.
    static func captures(from: Int, count: Int) -> [Event] {
        var random = SplitMix64(seed: UInt64(from))
        return (from..<(from + count)).map { capture($0, at: now - 3 * 3_600_000, random: &random) }
    }

    private static func capture(_ n: Int, at: Int64, random: inout SplitMix64) -> Event {
        let (country, language, zone) = random.pick([("GB", "English", "Europe/London"), ("DE", "German", "Europe/Berlin"),
                                                     ("FR", "French", "Europe/Paris")])
        let source = random.weighted([("organic_search", 3), ("google_ads_branded", 2), ("affiliate", 2), ("social", 1)])
        var data: [String: Value] = [
            "name": .string("Lead \(n)"), "email": .string("lead\(n)@firm\(n % 997).example"),
            "phone": .string("+4477\(String(10_000_000 + n))"), "country": .string(country),
            "language": .string(language), "source": .string(source), "timezone": .string(zone),
            "age": .number(Double(random.int(21...70))),
        ]
        if source == "affiliate" { data["affiliate_id"] = .string("aff_10\(random.int(40...80))") }
        return Event(id: "c\(n)", leadID: "B\(n)", type: "lead_created", at: at, data: data)
    }
}

/// A database file in a fresh directory, removed afterwards.
private struct Scratch {
    let directory: String
    var path: String { directory + "/rulesd.sqlite" }

    init(directory parent: String) {
        directory = parent + "/rules-bench-daemon-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// A copy of a rules directory with `edit` applied to each file's text.
    static func copy(directory: String, into parent: String, edit: (String, String) -> String) throws -> String {
        let target = parent + "/rules-bench-rules-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory)
        where name.hasSuffix(".rules") || name.hasSuffix(".txt") {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            try edit(name, text).write(toFile: target + "/" + name, atomically: true, encoding: .utf8)
        }
        return target
    }
}

/// Hands out the next call to concurrent workers.
private final class CallQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var calls: [[Event]]
    private var index = 0
    init(_ calls: [[Event]]) { self.calls = calls }
    func next() -> [Event]? {
        lock.withLock {
            guard index < calls.count else { return nil }
            defer { index += 1 }
            return calls[index]
        }
    }
}

private final class FailureBox: @unchecked Sendable {
    var error: (any Error)?
}
