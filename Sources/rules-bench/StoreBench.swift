// `rules-bench store`: what the durable store costs rulesd per engine step,
// against the daemon's targets (≥ 20,000 events/s ingested durably on 2
// cores; 1M stored leads re-evaluated in < 5 s). Run it from a release build:
//     swift build -c release --product rules-bench
//     .build/release/rules-bench store [--leads N] [--group 1000]
//
// A synthetic campaign (the `simulate` bench's CampaignStream: captures and
// funnel activity of the shipped playbook's leads) is stepped through the
// Engine as the daemon does, with explanations on; each group of `--group`
// events becomes one `Store.commit`: the events, then per step its timer
// requests, the lead's state, its tasks and its history entry. Engine time
// and commit time are measured apart. Then the final lead states are encoded
// and decoded with Foundation's JSONEncoder/JSONDecoder and with the store's
// own coder, and the stored leads are read back page by page as a reload's
// re-evaluation reads them.

import ArgumentParser
import Foundation
import RulesCompiler
import RulesEngine
import RulesLanguage
import RulesStore

extension RulesBench {
    struct StoreBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "store",
            abstract: "Time the store's group commit, lead-state JSON and paging on a synthetic campaign.")

        @Option(help: "Synthetic leads captured (each brings its funnel events).")
        var leads = 20_000

        @Option(help: "Events (engine steps) per group commit.")
        var group = 1_000

        @Option(help: "Seed of the lead generator.")
        var seed: UInt64 = 2026

        @Option(help: "Playbook directory.")
        var playbook = "rules/"

        @Option(help: "Database file (default: a new file in the temp directory, removed afterwards).")
        var db: String?

        @Flag(help: "synchronous = NORMAL instead of FULL: no fsync of the WAL at each commit (not power-loss safe).")
        var noFsync = false

        @Option(help: "Lead states sampled for the JSON timings.")
        var sample = 5_000

        @Flag(help: "Only step the campaign in memory and time the JSON coders (no database).")
        var jsonOnly = false

        func validate() throws {
            guard leads > 0, group > 0, sample > 0 else {
                throw ValidationError("--leads, --group and --sample must be at least 1")
            }
        }

        func run() throws {
            let options = Options(leads: leads, group: group, seed: seed, playbook: playbook, db: db,
                                  synchronousFull: !noFsync, sample: sample, jsonOnly: jsonOnly)
            let outcome = Outcome()
            let done = DispatchSemaphore(value: 0)
            Task {
                do { try await StoreBenchRun(options).run() } catch { outcome.error = error }
                done.signal()
            }
            done.wait()
            if let error = outcome.error { throw error }
        }
    }
}

private final class Outcome: @unchecked Sendable {
    var error: (any Error)?
}

private struct Options: Sendable {
    var leads: Int
    var group: Int
    var seed: UInt64
    var playbook: String
    var db: String?
    var synchronousFull: Bool
    var sample: Int
    var jsonOnly: Bool
}

/// User and system CPU time of the process so far.
private func userSystem() -> (user: Duration, system: Duration) {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func duration(_ t: timeval) -> Duration { .seconds(t.tv_sec) + .microseconds(t.tv_usec) }
    return (duration(usage.ru_utime), duration(usage.ru_stime))
}

/// CPU time of the whole process (all threads): on a shared machine the
/// wall time depends on the neighbours, this does not.
private func processCPU() -> Duration {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
}

private struct StoreBenchRun {
    let options: Options
    init(_ options: Options) { self.options = options }

    func run() async throws {
        let loaded = try LoadedPlaybook.load(directory: options.playbook)
        guard let program = loaded.program else {
            print(DiagnosticRenderer(maxDiagnostics: 5).render(loaded.diagnostics, dropped: loaded.dropped))
            throw ExitCode.failure
        }
        let engine = Engine(compiled: CompiledProgram(program: program), holidays: loaded.holidays)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = options.db ?? directory.appendingPathComponent("bench.sqlite").path
        let store = try SQLiteStore(path: path, synchronousFull: options.synchronousFull)
        print("rules-bench store: \(options.leads) leads of \(options.playbook), seed \(options.seed), "
              + "groups of \(options.group) steps, synchronous \(options.synchronousFull ? "FULL" : "NORMAL"), \(path)")

        let states = try await commitCampaign(engine: engine, program: program, store: options.jsonOnly ? nil : store)
        try timeJSON(states.keys.sorted().prefix(options.sample).map { states[$0]! })
        if !options.jsonOnly { try await timePaging(store) }
    }

    /// Steps the campaign group by group and commits each group; prints the timings.
    private func commitCampaign(engine: Engine, program: Program, store: SQLiteStore?) async throws -> [String: LeadState] {
        let clock = ContinuousClock()
        var stream = CampaignStream(program: program, seed: options.seed, leads: options.leads,
                                    start: RulesBench.Simulate.start, span: 3 * 86_400_000)
        var states: [String: LeadState] = [:]
        var engineTime = Duration.zero
        var commits: [Duration] = []
        var commitCPU = Duration.zero
        var commitSystem = Duration.zero
        var engineCPU = Duration.zero
        var totals = (steps: 0, operations: 0, tasks: 0, stateBytes: 0)
        let version = "bench"
        var events: [Event] = []
        while true {
            events.removeAll(keepingCapacity: true)
            while events.count < options.group, let event = stream.next() { events.append(event) }
            if events.isEmpty { break }
            let begin = clock.now
            let engineCPUStart = processCPU()
            var operations: [StoreOperation] = []
            operations.reserveCapacity(events.count * 5)
            for event in events {
                let result = engine.step(states[event.leadID], .event(event))
                states[event.leadID] = result.state
                for request in result.timers {
                    switch request {
                    case .set(let timer): operations.append(.setTimer(timer))
                    case .cancel(let id): operations.append(.cancelTimer(id: id))
                    case .cancelTasks(let leadID, let kinds, let reason):
                        operations.append(.cancelTasks(leadID: leadID, kinds: kinds, reason: reason))
                    case .cancelTask(let id, let reason): operations.append(.cancelTask(id: id, reason: reason))
                    }
                }
                operations.append(.saveLead(StoredLead(state: result.state, rulesVersion: version, updatedAt: event.at)))
                if !result.tasks.isEmpty { operations.append(.insertTasks(result.tasks, rulesVersion: version)) }
                operations.append(.appendHistory(leadID: event.leadID, HistoryEntry(
                    at: event.at, input: "event", inputID: event.id, what: event.type, rulesVersion: version,
                    lines: result.explanation, tasks: result.tasks.map(\.id))))
                totals.tasks += result.tasks.count
            }
            let stepped = clock.now
            let cpuBefore = processCPU()
            let systemBefore = userSystem().system
            _ = try await store?.commit(events: events, receivedAt: events[events.count - 1].at,
                                        operations: operations, now: events[events.count - 1].at)
            commitCPU += (processCPU() - cpuBefore)
            commitSystem += userSystem().system - systemBefore
            engineCPU += (cpuBefore - engineCPUStart)
            let committed = clock.now
            engineTime += begin.duration(to: stepped)
            commits.append(stepped.duration(to: committed))
            totals.steps += events.count
            totals.operations += operations.count
        }
        let full = commits.count > 1 ? Array(commits.dropLast()) : commits   // the last group may be short
        let timings = Timings(samples: full)
        let perStep = timings.median.seconds / Double(options.group)
        let total = commits.reduce(Duration.zero, +)
        print("campaign: \(totals.steps) events stepped (\(states.count) leads), \(totals.operations) store operations "
              + "(\(fixed(Double(totals.operations) / Double(totals.steps), 1)) per step), \(totals.tasks) tasks, "
              + "\(commits.count) commits")
        print("  engine steps           \(fixed(engineCPU.seconds * 1e6 / Double(totals.steps), 1).leftPadding(8)) µs CPU per step "
              + "(\(fixed(engineTime.seconds * 1e6 / Double(totals.steps), 1)) µs wall)")
        guard let store else { return states }
        print("  commit of \(options.group) steps    \(fixed(timings.median.milliseconds, 1).leftPadding(8)) ms median wall "
              + "(\(fixed(timings.min.milliseconds, 1)) … \(fixed(timings.max.milliseconds, 1))), "
              + "\(fixed(perStep * 1e6, 1)) µs per step, \(humanRate(1 / perStep))steps/s; "
              + "all commits \(fixed(total.seconds, 2)) s wall, \(fixed(commitCPU.seconds, 2)) s CPU "
              + "(\(fixed(commitCPU.seconds * 1e6 / Double(totals.steps), 1)) µs CPU per step, of which "
              + "\(fixed(commitSystem.seconds * 1e6 / Double(totals.steps), 1)) µs in the kernel)")
        let both = (commitCPU.seconds + engineCPU.seconds) / Double(totals.steps)
        print("  engine + commit        \(fixed(both * 1e6, 1).leftPadding(8)) µs CPU per step → \(humanRate(1 / both))events/s "
              + "per core of CPU (target ≥ 20 k/s durable on 2 cores)")
        let size = try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int ?? 0
        print("  database file          \(fixed(Double(size) / 1_048_576, 1).leftPadding(8)) MB (WAL not counted)")
        return states
    }

    /// Encode and decode cost of real lead states, Foundation's coder against the store's.
    private func timeJSON(_ states: [LeadState]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let decoder = JSONDecoder()
        let foundationEncoded = try states.map { try encoder.encode($0) }
        let storeEncoded = try states.map { try StoreJSON.encode($0) }
        // The two forms read back the same states, each by the other's decoder too.
        for (index, state) in states.enumerated() {
            guard try decoder.decode(LeadState.self, from: Data(storeEncoded[index].utf8)) == state,
                  try StoreJSON.decode(LeadState.self, String(decoding: foundationEncoded[index], as: UTF8.self)) == state else {
                throw ValidationError("lead \(state.id): the store's JSON does not round-trip")
            }
        }
        let n = Double(states.count)
        let fEncode = cpuMedian { try? states.map { try encoder.encode($0) } }
        let sEncode = cpuMedian { try? states.map { try StoreJSON.encode($0) } }
        let fDecode = cpuMedian { try? foundationEncoded.map { try decoder.decode(LeadState.self, from: $0) } }
        let sDecode = cpuMedian { try? storeEncoded.map { try StoreJSON.decode(LeadState.self, $0) } }
        let fBytes = Double(foundationEncoded.reduce(0) { $0 + $1.count }) / n
        let sBytes = Double(storeEncoded.reduce(0) { $0 + $1.utf8.count }) / n
        print("LeadState JSON, \(states.count) final states (CPU time, median of 5 runs, one thread):")
        print("  JSONEncoder (sorted keys)  \(fixed(fEncode.seconds * 1e6 / n, 2).leftPadding(7)) µs encode, "
              + "JSONDecoder \(fixed(fDecode.seconds * 1e6 / n, 2).leftPadding(7)) µs decode, \(fixed(fBytes, 0)) bytes")
        print("  store coder (StoreJSON)    \(fixed(sEncode.seconds * 1e6 / n, 2).leftPadding(7)) µs encode, "
              + "            \(fixed(sDecode.seconds * 1e6 / n, 2).leftPadding(7)) µs decode, \(fixed(sBytes, 0)) bytes")
    }

    /// Median CPU time of 5 runs after one warm-up.
    private func cpuMedian<T>(_ work: () -> T) -> Duration {
        Measure.blackHole(work())
        var samples: [Duration] = []
        for _ in 0..<5 {
            let start = processCPU()
            Measure.blackHole(work())
            samples.append((processCPU() - start))
        }
        return Timings(samples: samples).median
    }

    /// Reads every stored lead page by page, as re-evaluation after a reload does.
    private func timePaging(_ store: SQLiteStore) async throws {
        let clock = ContinuousClock()
        let count = try await store.leadCount()
        var samples: [Duration] = []
        var cpu: [Duration] = []
        for _ in 0..<3 {
            let begin = clock.now
            let cpuBegin = processCPU()
            var after: String? = nil
            var read = 0
            while true {
                let page = try await store.leads(afterID: after, limit: 1_000)
                guard let last = page.last else { break }
                read += page.count
                after = last.state.id
            }
            guard read == count else { throw ValidationError("paged \(read) leads of \(count)") }
            samples.append(begin.duration(to: clock.now))
            cpu.append((processCPU() - cpuBegin))
        }
        let t = Timings(samples: samples)
        let perLead = Timings(samples: cpu).median.seconds / Double(count)
        print("paging: leads(afterID:limit: 1000) over \(count) leads: \(fixed(t.median.milliseconds, 1)) ms wall median of 3, "
              + "\(fixed(perLead * 1e6, 2)) µs CPU per lead read and decoded → 1M leads in \(fixed(perLead * 1e6, 1)) s of CPU")
    }
}
