// `rules-bench eval`: how fast the engine evaluates a lead (score, tier and
// route, explanation off) with the default playbook, compiled against the
// naive reference evaluator, side by side in one run. Targets of issue 3:
// at least 2M evaluations per second on one core (under 0.5 µs each), and the
// compiled form at least 5x the reference. Run it from a release build:
//     swift run -c release rules-bench eval [--leads N]
//
// The leads come from a seeded generator with a realistic attribute mix
// (SyntheticLeads); their facts are built before the clock starts. The
// reference evaluator reads name-keyed snapshots, which take several times
// the memory of `LeadFacts`, so it runs on the first `--reference-leads` of
// them; both report time per evaluation.

import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RulesCompiler
import RulesEngine
import RulesLanguage

extension RulesBench {
    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time score + tier + route of synthetic leads, compiled vs reference evaluator.")

        static let targetPerSecond = 2_000_000.0
        static let targetRatio = 5.0

        @Option(help: "Synthetic leads evaluated by the compiled evaluator.")
        var leads = 1_000_000

        @Option(help: "Leads (the first of the same stream) evaluated by the reference evaluator.")
        var referenceLeads = 200_000

        @Option(help: "Timed passes over the leads per evaluator (the median is reported).")
        var repetitions = 5

        @Option(help: "Seed of the lead generator.")
        var seed: UInt64 = 2026

        @Option(help: "Playbook directory.")
        var playbook = "rules/"

        func validate() throws {
            guard leads > 0 else { throw ValidationError("--leads must be at least 1") }
            guard referenceLeads > 0 else { throw ValidationError("--reference-leads must be at least 1") }
            guard repetitions > 0 else { throw ValidationError("--repetitions must be at least 1") }
        }

        func run() throws {
            let result = Compiler.compile(try SourceLoader.load([playbook]))
            guard let program = result.program else {
                print(DiagnosticRenderer(maxDiagnostics: 5).render(result.diagnostics, dropped: result.dropped))
                throw ExitCode.failure
            }
            let compiled = CompiledProgram(program: program)
            let reference = ReferenceEvaluator(program: program)
            let referenceCount = min(referenceLeads, leads)
            let clock = ContinuousClock()
            let start = clock.now
            var generator = SyntheticLeads(program: program, seed: seed)
            var facts: [LeadFacts] = []
            facts.reserveCapacity(leads)
            var snapshots: [LeadSnapshot] = []
            for i in 0..<leads {
                let lead = generator.next()
                facts.append(try LeadFacts(lead, for: compiled))
                if i < referenceCount { snapshots.append(lead) }
            }
            let built = start.duration(to: clock.now)
            print("rules-bench eval: \(playbook) (\(program.categories.reduce(0) { $0 + $1.rows.count }) score rows, "
                  + "\(program.tiers.count) tiers, \(program.routes.count) routes), seed \(seed)")
            print("  facts of \(leads) leads built in \(fixed(built.milliseconds, 0)) ms "
                  + "(\(humanRate(Double(leads) / built.seconds))leads/s, not timed below)")
            try agree(compiled, reference, facts, snapshots)

            let fast = CPUTimings.run(repetitions) { Self.compiledPass(compiled, facts) }
            let slow = CPUTimings.run(repetitions) { Self.referencePass(reference, snapshots) }
            report(fast: fast, slow: slow, referenceCount: referenceCount)
            print("  tiers: " + distribution(compiled, facts))
        }

        /// One pass of the compiled evaluator over every lead, reusing one `Evaluation`.
        static func compiledPass(_ program: CompiledProgram, _ facts: [LeadFacts]) -> Double {
            var evaluation = Evaluation()
            var checksum = 0.0
            // Through a buffer pointer: reading an element of the array would
            // copy the facts (two retains and releases) before every call.
            facts.withUnsafeBufferPointer { leads in
                for i in leads.indices {
                    program.evaluate(leads[i], into: &evaluation)
                    checksum += evaluation.score + Double(evaluation.routeIndex ?? -1)
                }
            }
            return checksum
        }

        static func referencePass(_ reference: ReferenceEvaluator, _ leads: [LeadSnapshot]) -> Double {
            var checksum = 0.0
            for i in leads.indices {
                let e = reference.evaluate(leads[i])
                checksum += e.score + Double(e.routeIndex ?? -1)
            }
            return checksum
        }

        /// The two evaluators must agree before their speeds mean anything.
        private func agree(_ compiled: CompiledProgram, _ reference: ReferenceEvaluator, _ facts: [LeadFacts],
                           _ snapshots: [LeadSnapshot]) throws {
            let n = min(snapshots.count, 20_000)
            for i in 0..<n where compiled.evaluate(facts[i]) != reference.evaluate(snapshots[i]) {
                print("compiled and reference evaluators disagree on lead \(i): \(snapshots[i])")
                throw ExitCode.failure
            }
            print("  compiled and reference agree on the first \(n) leads")
        }

        private func report(fast: CPUTimings, slow: CPUTimings, referenceCount: Int) {
            print("median of \(repetitions) passes, one thread; ns per evaluation in CPU time (min … max), wall time:")
            for (name, t, n) in [("compiled", fast, leads), ("reference", slow, referenceCount)] {
                let ns = { (d: Duration) in d.seconds * 1e9 / Double(n) }
                let cpu = ns(t.cpu.median), wall = ns(t.wall.median)
                print("  \(name.padding(10))\(humanRate(1e9 / cpu).leftPadding(10))evals/s  "
                      + "\(fixed(cpu, 1).leftPadding(7)) ns/eval (\(fixed(ns(t.cpu.min), 1)) … \(fixed(ns(t.cpu.max), 1)))  "
                      + "wall \(fixed(wall, 1)) ns  over \(n) leads")
            }
            let fastNs = fast.cpu.median.seconds * 1e9 / Double(leads)
            let slowNs = slow.cpu.median.seconds * 1e9 / Double(referenceCount)
            let rate = 1e9 / fastNs, ratio = slowNs / fastNs
            print("  compiled / reference: \(fixed(ratio, 1))x")
            print("target: ≥ \(humanRate(Self.targetPerSecond))evals/s → \(rate >= Self.targetPerSecond ? "meets" : "MISSES"); "
                  + "≥ \(fixed(Self.targetRatio, 0))x the reference → \(ratio >= Self.targetRatio ? "meets" : "MISSES")")
        }

        private func distribution(_ compiled: CompiledProgram, _ facts: [LeadFacts]) -> String {
            var counts = Array(repeating: 0, count: compiled.tiers.count + 1)
            var evaluation = Evaluation()
            for f in facts {
                compiled.evaluate(f, into: &evaluation)
                counts[evaluation.tierIndex ?? compiled.tiers.count] += 1
            }
            let names = compiled.tiers.map(\.name) + ["none"]
            return zip(names, counts).filter { $0.1 > 0 }
                .map { "\($0.0) \(fixed(100 * Double($0.1) / Double(facts.count), 1))%" }.joined(separator: ", ")
        }
    }
}

/// Wall and CPU time of repeated passes. On a shared machine the thread's
/// CPU time is what "evaluations per second on one core" means: time the
/// scheduler gave to other processes is not the evaluator's.
struct CPUTimings {
    var wall = Timings(samples: [])
    var cpu = Timings(samples: [])

    static func run<T>(_ iterations: Int, _ work: () -> T) -> CPUTimings {
        var t = CPUTimings()
        Measure.blackHole(work())
        let clock = ContinuousClock()
        for _ in 0..<iterations {
            let (start, cpuStart) = (clock.now, threadCPUTime())
            Measure.blackHole(work())
            t.cpu.samples.append(threadCPUTime() - cpuStart)
            t.wall.samples.append(start.duration(to: clock.now))
        }
        return t
    }

    static func threadCPUTime() -> Duration {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return .seconds(ts.tv_sec) + .nanoseconds(ts.tv_nsec)
    }
}
