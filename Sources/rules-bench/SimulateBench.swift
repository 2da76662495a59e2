// `rules-bench simulate`: a whole campaign played forward, as `rules
// simulate --outcomes default` would run it, against the target of issue 4:
// 1M synthetic leads over 90 days in under 60 s wall on a 2-core machine,
// with peak memory under 2 GB. Run it from a release build:
//     swift build -c release --product rules-bench
//     .build/release/rules-bench simulate [--leads N]
//
// The leads come from the seeded SyntheticLeads generator (attributes of a
// CFD signup stream), captured evenly over the first `--capture-days`; each
// lead's funnel activity from the generator (demo account and trades,
// downloads, deposit-page visits, chats, webinars, email engagement, a few
// opt-outs) follows its capture within two hours. Events are made on the
// fly and merged in time order through a small heap, so the input never
// sits in memory. Dials are answered by the default outcome model; tasks
// are counted and summarised (as `rules simulate` does on stderr), not
// serialised. History is off.

import ArgumentParser
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HeapModule
import RulesCompiler
import RulesEngine
import RulesLanguage
import Scheduler

extension RulesBench {
    struct Simulate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Play a synthetic campaign forward through the scheduler with the outcome model.")

        static let targetSeconds = 60.0
        static let targetBytes = 2.0 * 1024 * 1024 * 1024

        @Option(help: "Synthetic leads.")
        var leads = 1_000_000

        @Option(help: "Days over which the leads are captured.")
        var captureDays = 3

        @Option(help: "Days simulated from the first capture.")
        var days = 90

        @Option(help: "Seed of the lead generator and of the outcome draws.")
        var seed: UInt64 = 2026

        @Option(help: "Playbook directory.")
        var playbook = "rules/"

        @Option(help: "Simulations run side by side, one per core; leads are split between them by id.")
        var shards = 2

        @Flag(help: "After the play-out, re-evaluate every lead under the same rules (a reload that changed nothing) and time it.")
        var reevaluate = false

        @Option(help: "With --reevaluate, re-evaluate every lead under this playbook too (a reload that changed the rules).")
        var reevaluateRules: String?

        /// Monday 2026-03-02T00:00:00Z.
        static let start: Int64 = 1_772_409_600_000

        func validate() throws {
            guard leads > 0 else { throw ValidationError("--leads must be at least 1") }
            guard (1...64).contains(shards) else { throw ValidationError("--shards must be 1 to 64") }
            guard captureDays > 0, days >= captureDays else {
                throw ValidationError("--capture-days must be at least 1 and at most --days")
            }
        }

        func run() throws {
            let loaded = try LoadedPlaybook.load(directory: playbook)
            guard let program = loaded.program else {
                print(DiagnosticRenderer(maxDiagnostics: 5).render(loaded.diagnostics, dropped: loaded.dropped))
                throw ExitCode.failure
            }
            let engine = Engine(compiled: CompiledProgram(program: program), holidays: loaded.holidays)
            print("rules-bench simulate: \(leads) leads captured over \(captureDays) days, \(days) days simulated, "
                  + "\(playbook), default outcome model, seed \(seed), \(shards) shard\(shards == 1 ? "" : "s")")
            let clock = ContinuousClock()
            let begin = clock.now
            let results = ShardResults(count: shards)
            let shards = self.shards
            DispatchQueue.concurrentPerform(iterations: shards) { shard in
                results.set(shard, runShard(shard, of: shards, engine: engine, program: program, clock: clock))
            }
            let finished = clock.now
            var shardResults: [ShardResult] = []
            for result in results.all {
                switch result {
                case .success(let r)?: shardResults.append(r)
                case .failure(let error)?: throw error
                case nil: throw ValidationError("a shard did not finish")
                }
            }
            report(shardResults, wall: begin.duration(to: finished))
            if reevaluate { try reevaluateAll(shardResults, engine: engine) }
        }

        /// Every lead's final state re-evaluated at the end of the run, as
        /// `rulesd` does after a reload: under the same rules (nothing may
        /// change) and, with `--reevaluate-rules`, under other rules.
        private func reevaluateAll(_ shards: [ShardResult], engine: Engine) throws {
            var states: [LeadState] = []
            for shard in shards { shard.simulation.forEachLead { states.append($0) } }
            var engines = [("same rules", engine)]
            if let dir = reevaluateRules {
                let loaded = try LoadedPlaybook.load(directory: dir)
                guard let program = loaded.program else {
                    print(DiagnosticRenderer(maxDiagnostics: 5).render(loaded.diagnostics, dropped: loaded.dropped))
                    throw ExitCode.failure
                }
                engines.append((dir, Engine(compiled: CompiledProgram(program: program), holidays: loaded.holidays)))
            }
            let now = Self.start + Int64(days) * 86_400_000
            for (name, e) in engines {
                let (user0, system0) = Self.cpuSeconds()
                let clock = ContinuousClock()
                let begin = clock.now
                var changed = 0, tasks = 0, timers = 0
                for state in states {
                    let r = e.reevaluate(state, at: now, context: StepContext(explains: false))
                    if !r.tasks.isEmpty || !r.timers.isEmpty { changed += 1 }
                    tasks += r.tasks.count
                    timers += r.timers.count
                }
                let wall = begin.duration(to: clock.now).seconds
                let (user1, system1) = Self.cpuSeconds()
                let cpu = user1 + system1 - user0 - system0
                print("  reevaluate (\(name)): \(states.count) leads in \(fixed(wall, 2)) s wall, "
                      + "\(fixed(cpu * 1e6 / Double(max(1, states.count)), 2)) µs of CPU per lead (one thread); "
                      + "\(changed) leads changed: \(tasks) tasks, \(timers) timer requests")
            }
        }

        /// What one shard of the campaign gives back.
        struct ShardResult {
            var simulation: Simulation
            var summary: SimulationSummary
            var fed: Int
            var ingest: Duration
            var playOut: Duration
        }

        /// The shard a lead belongs to: its id hashed (FNV-1a, stable).
        static func shard(of leadID: String, among shards: Int) -> Int {
            Int(FNV1a.hash([leadID]) % UInt64(shards))
        }

        /// Plays the leads of one shard: every shard reads the whole stream
        /// (cheap next to the engine), steps its own leads and registers the
        /// others' captures, so duplicates across shards are linked as in one
        /// simulation (`Simulation.registerCapture(elsewhere:)`).
        private func runShard(_ shard: Int, of shards: Int, engine: Engine, program: Program,
                              clock: ContinuousClock) -> Result<ShardResult, any Error> {
            let simulation = Simulation(engine: engine, start: Self.start, outcomes: .standard, seed: seed)
            simulation.keepsHistory = false
            var summary = SimulationSummary()
            simulation.onIssue = { [unowned simulation] issued in summary.record(issued, in: simulation) }
            let begin = clock.now
            var stream = CampaignStream(program: program, seed: seed, leads: leads, start: Self.start,
                                        span: Int64(captureDays) * 86_400_000)
            var fed = 0
            do {
                while let event = stream.next() {
                    if shards == 1 || Self.shard(of: event.leadID, among: shards) == shard {
                        try simulation.ingest(event)
                        fed += 1
                    } else {
                        simulation.registerCapture(elsewhere: event)
                    }
                }
            } catch {
                return .failure(error)
            }
            let ingested = clock.now
            simulation.run(until: Self.start + Int64(days) * 86_400_000)
            return .success(ShardResult(simulation: simulation, summary: summary, fed: fed,
                                        ingest: begin.duration(to: ingested), playOut: ingested.duration(to: clock.now)))
        }

        private func report(_ shards: [ShardResult], wall: Duration) {
            var s = SimulationStatistics()
            var summary = SimulationSummary()
            var fed = 0, pending = 0, leadCount = 0, faults = 0
            for shard in shards {
                let t = shard.simulation.statistics
                s.events += t.events
                s.generatedEvents += t.generatedEvents
                s.timersFired += t.timersFired
                for (kind, n) in t.issued { s.issued[kind, default: 0] += n }
                s.withdrawn += t.withdrawn
                s.replaced += t.replaced
                s.peakPending += t.peakPending
                summary.merge(shard.summary)
                fed += shard.fed
                pending += shard.simulation.pendingCount
                leadCount += shard.simulation.leadCount
                faults += shard.simulation.faults.count
            }
            let steps = fed + s.generatedEvents + s.timersFired
            print("  events: \(fed) from the stream, \(s.generatedEvents) from the outcome model; "
                  + "\(s.timersFired) timers fired; \(steps) engine steps")
            let kinds = TaskKind.allCases.map { "\($0.rawValue) \(s.issued[$0] ?? 0)" }.joined(separator: ", ")
            print("  tasks issued: \(s.issuedTotal) (\(kinds)); \(s.withdrawn) withdrawn, \(s.replaced) replaced, "
                  + "\(pending) pending at the end, at most \(s.peakPending) pending at once"
                  + (shards.count > 1 ? " (sum of the shards' peaks)" : ""))
            print("  SLA breaches: \(summary.breachCount); faults: \(faults)")
            let phases = shards.map { "capture \(fixed($0.ingest.seconds, 1)) s + play-out \(fixed($0.playOut.seconds, 1)) s" }
            print("  wall: \(fixed(wall.seconds, 1)) s (\(phases.joined(separator: "; "))); "
                  + "\(humanRate(Double(steps) / wall.seconds))steps/s")
            let (user, system) = Self.cpuSeconds()
            print("  cpu: \(fixed(user + system, 1)) s (user \(fixed(user, 1)) s, system \(fixed(system, 1)) s) "
                  + "for \(fixed(wall.seconds, 1)) s wall; \(fixed((user + system) * 1e6 / Double(steps), 1)) µs of CPU per step")
            let peak = Self.peakResidentBytes()
            print("  peak memory (ru_maxrss): \(fixed(peak / 1024 / 1024, 0)) MB, "
                  + "\(fixed(peak / Double(leadCount), 0)) bytes per lead")
            let seconds = wall.seconds * 1_000_000 / Double(leads)
            let bytes = peak * 1_000_000 / Double(leads)
            print("target: 1M leads in < \(fixed(Self.targetSeconds, 0)) s and < 2 GB → "
                  + "\(fixed(seconds, 1)) s (\(seconds < Self.targetSeconds ? "meets" : "MISSES")), "
                  + "\(fixed(bytes / 1024 / 1024, 0)) MB (\(bytes < Self.targetBytes ? "meets" : "MISSES"))"
                  + (leads == 1_000_000 ? "" : " — scaled linearly from \(leads) leads"))
        }

        /// User and system CPU time of the process so far, in seconds: on a
        /// shared machine the wall time depends on the neighbours, this does not.
        static func cpuSeconds() -> (Double, Double) {
            var usage = rusage()
            #if os(macOS)
            getrusage(RUSAGE_SELF, &usage)
            #else
            getrusage(RUSAGE_SELF.rawValue, &usage)
            #endif
            func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
            return (seconds(usage.ru_utime), seconds(usage.ru_stime))
        }

        /// The process's peak resident set, in bytes (ru_maxrss is in KB on Linux, bytes on macOS).
        static func peakResidentBytes() -> Double {
            var usage = rusage()
            #if os(macOS)
            getrusage(RUSAGE_SELF, &usage)
            return Double(usage.ru_maxrss)
            #else
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return Double(usage.ru_maxrss) * 1024
            #endif
        }
    }
}

/// Captures spread evenly over a span, each followed by the lead's funnel
/// activity, merged in time order.
struct CampaignStream {
    private struct Pending: Comparable {
        var at: Int64
        var serial: Int
        var event: Event
        static func < (a: Pending, b: Pending) -> Bool { (a.at, a.serial) < (b.at, b.serial) }
        static func == (a: Pending, b: Pending) -> Bool { (a.at, a.serial) == (b.at, b.serial) }
    }

    /// Activity events taken from the generator's funnel counts (at most two of each).
    static let activity = ["demo_account_created", "demo_trade", "platform_download", "deposit_page_visit",
                           "live_chat_started", "webinar_attended", "email_open", "email_click", "site_visit",
                           "platform_login", "opt_out"]

    private var generator: SyntheticLeads
    private var random: SplitMix64
    private var heap = Heap<Pending>()
    private let leads: Int
    private let start: Int64
    private let span: Int64
    private var made = 0
    private var serial = 0

    init(program: Program, seed: UInt64, leads: Int, start: Int64, span: Int64) {
        generator = SyntheticLeads(program: program, seed: seed, now: start)
        random = SplitMix64(seed: seed &+ 1)
        self.leads = leads
        self.start = start
        self.span = span
    }

    mutating func next() -> Event? {
        let captureAt = made < leads ? start + span * Int64(made) / Int64(leads) : Int64.max
        if let top = heap.min, top.at <= captureAt {
            return heap.removeMin().event
        }
        guard made < leads else { return nil }
        made += 1
        return capture(at: captureAt)
    }

    private mutating func capture(at: Int64) -> Event {
        let lead = generator.next()
        let id = "L\(made)"
        var fields = lead.fields
        fields["registered_at"] = nil
        for name in Self.activity {
            guard let stats = lead.events[name] else { continue }
            for _ in 0..<min(stats.count, 2) {
                let when = at + Int64(random.int(1...120)) * 60_000
                serial += 1
                heap.insert(Pending(at: when, serial: serial,
                                    event: Event(id: "\(id)-\(serial)", leadID: id, type: name, at: when,
                                                 data: payload(name, at: when))))
            }
        }
        return Event(id: "\(id)-created", leadID: id, type: LeadHistory.creation, at: at, data: fields)
    }

    private mutating func payload(_ name: String, at: Int64) -> [String: Value] {
        switch name {
        case "webinar_attended": ["ends_at": .time(at - 5 * 60_000)]
        case "email_click": ["cta": .string(random.chance(0.3) ? "book_call" : "learn_more")]
        case "opt_out": ["channel": .string(random.pick(["phone", "email", "sms", "all"]))]
        default: [:]
        }
    }
}

/// The shards' results, each written once by its own thread.
final class ShardResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<RulesBench.Simulate.ShardResult, any Error>?]

    init(count: Int) {
        results = Array(repeating: nil, count: count)
    }

    func set(_ shard: Int, _ result: Result<RulesBench.Simulate.ShardResult, any Error>) {
        lock.lock()
        results[shard] = result
        lock.unlock()
    }

    var all: [Result<RulesBench.Simulate.ShardResult, any Error>?] {
        lock.lock()
        defer { lock.unlock() }
        return results
    }
}
