import ArgumentParser
import RulesCompiler
import RulesEngine
import RulesLanguage
import Scheduler

extension RulesCommand {
    /// `rules simulate`: replay an event stream through the playbook on a
    /// virtual clock and print the task timeline, with a summary on stderr.
    struct Simulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "simulate",
            abstract: "Replay events through the playbook in virtual time and print the task timeline.",
            discussion: """
                EVENTS is a JSON Lines file (docs/EVENTS.md) in time order; - reads stdin. Each task is \
                printed as one JSON line when it comes due, in due order; a summary (tasks per kind and \
                per queue per day, speed-to-lead per tier, SLA breaches) goes to stderr. The run ends at \
                --until, by default 90 days after the last event (or sooner, once nothing is pending). \
                With --outcomes, every dial is answered with a simulated call outcome. \
                Exits 0 after a run, 2 when the rules do not compile or the input has an error \
                (events out of order, times outside 2000-2099, --until before the first event, a bad \
                outcome model); docs/SIMULATE.md.
                """)

        @Option(name: .customLong("rules"),
                help: ArgumentHelp("The playbook: a directory searched for *.rules files, or one file.",
                                   valueName: "dir"))
        var rules = "rules"

        @Option(name: .customLong("events"), help: ArgumentHelp("The events file (JSON Lines).", valueName: "file"))
        var eventsOption: String?

        @Argument(help: ArgumentHelp("The events file, when --events is not given.", valueName: "events"))
        var eventsArgument: String?

        @Option(help: ArgumentHelp("""
            Stop at this RFC 3339 time: later events are left out, tasks due later not issued. \
            Default: 90 days after the last event.
            """, valueName: "time"))
        var until: String?

        @Option(help: ArgumentHelp("""
            Answer dials with simulated call outcomes: `default` (the seed's rates) or a YAML model \
            file (examples/outcomes.yaml).
            """, valueName: "model"))
        var outcomes: String?

        @Option(help: ArgumentHelp("Seed of the outcome draws (with --outcomes).", valueName: "n"))
        var seed: UInt64?

        @Flag(help: "Draw a progress bar on stderr (events consumed, virtual time).")
        var progress = false

        @Option(help: ArgumentHelp("Write the timeline to this file instead of stdout.", valueName: "file"))
        var output: String?

        /// How long after the last event the run goes on by default: the
        /// longest nurture window of the playbook (days 31-90).
        static let playOut: Int64 = 90 * 86_400_000

        /// Errors printed before "N more"; every one is counted.

        var events: String { eventsOption ?? eventsArgument ?? "" }

        func validate() throws {
            switch (eventsOption, eventsArgument) {
            case (nil, nil): throw ValidationError("no events file: give it as --events FILE or as an argument")
            case (let a?, let b?) where a != b:
                throw ValidationError("two events files given (--events \(a) and \(b)); give one")
            default: break
            }
            if let until {
                do {
                    _ = try Timestamp.parse(until)
                } catch {
                    throw ValidationError("--until: time \"\(until)\" \(error)")
                }
            }
            if seed != nil && outcomes == nil {
                throw ValidationError("--seed draws call outcomes: give --outcomes too (e.g. --outcomes default)")
            }
        }

        mutating func run() async throws {
            let (compiled, holidays) = try CommandInput.playbook(rules, nothing: "simulated")
            let model = try outcomes.map { name throws(CommandFailure) in
                try OutcomeModelFile.load(name, program: compiled.program)
            }
            var input = try readEvents(compiled.program)
            let answered = model == nil ? 0 : input.dropCallOutcomes()
            guard let first = input.events.first?.event.at else {
                Console.err("simulated nothing: \(input.path) has no events\n")
                return
            }
            let last = input.events.last?.event.at ?? first
            let end = try stopTime(first: first, firstLine: input.events.first?.line ?? 1, last: last)
            let simulation = Simulation(engine: Engine(compiled: compiled, holidays: holidays), start: first, outcomes: model, seed: seed ?? 0)
            simulation.keepsHistory = false
            let sink = try output.map { path throws(CommandFailure) in try TimelineSink(path: path) } ?? TimelineSink()
            var summary = SimulationSummary()
            simulation.onIssue = { [unowned simulation] issued in
                sink.write(TimelineLine.render(issued))
                summary.record(issued, in: simulation)
            }
            do {
                try play(input, until: end, on: simulation)
                try sink.finish()
            } catch {
                sink.abandon()
                throw error
            }
            if answered > 0 {
                Console.err("\(CommandInput.count(answered, "call_outcome event")) of the input left out: "
                            + "the outcome model answers every dial\n")
            }
            Console.err(summary.render(simulation))
        }

        /// Feeds the events up to `end`, then runs on to `end`.
        private func play(_ input: EventInput, until end: Int64, on simulation: Simulation) throws(CommandFailure) {
            var bar = progress ? ProgressBar(totalEvents: input.events.count, start: simulation.now, until: end) : nil
            var consumed = 0
            for decoded in input.events where decoded.event.at <= end {
                do {
                    try simulation.ingest(decoded.event)
                } catch {
                    throw CommandFailure(message: "\(input.path):\(decoded.line): \(error)")
                }
                consumed += 1
                bar?.update(events: consumed, now: simulation.now, tasks: simulation.statistics.issuedTotal)
            }
            // In steps of a day when drawing progress, so the bar moves through the play-out.
            var t = simulation.now
            while t < end && simulation.pendingCount > 0 {
                t = bar == nil ? end : min(end, t + 86_400_000)
                simulation.run(until: t)
                bar?.update(events: consumed, now: t, tasks: simulation.statistics.issuedTotal, force: true)
            }
            bar?.finish(events: consumed, now: simulation.now, tasks: simulation.statistics.issuedTotal)
            if let fault = simulation.faults.first {
                throw CommandFailure(message: "\(fault)")
            }
        }

        /// `--until`, or the last event plus the play-out; refused before the first event.
        private func stopTime(first: Int64, firstLine: Int, last: Int64) throws(CommandFailure) -> Int64 {
            guard let until, let time = try? Timestamp.parse(until) else {
                return min(last + Self.playOut, Simulation.window.upperBound - 1)
            }
            guard time >= first else {
                throw CommandFailure(message: "--until \(Timestamp.format(time)) is before the first event "
                                     + "(\(Timestamp.format(first)), line \(firstLine)): nothing to simulate")
            }
            guard Simulation.window.contains(time) else {
                throw CommandFailure(message: "--until \(Timestamp.format(time)) is outside the years the "
                                     + "simulation accepts (2000-01-01T00:00:00Z up to 2100-01-01T00:00:00Z)")
            }
            return time
        }
    }
}
