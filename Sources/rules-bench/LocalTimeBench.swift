// `rules-bench localtime`: what local time costs the engine per call, for
// the budget of `rules simulate` on 1M leads over 90 days (under 60 s on
// 2 cores, a few tens of engine steps per lead: a few µs per step in all).
// Times, in CPU time of one thread, per call:
//
// - the zone pieces: `TimeZone(identifier:)` and `secondsFromGMT(for:)`;
// - `CallingCalendar.nextOpening`, `nextBusinessDayOpening` and
//   `adding(7d)` in a zone already built;
// - whole engine steps of the shipped playbook whose work is a cadence
//   slot placement: a cold lead's capture (enters its cadence: first slot,
//   first email, window end) and its `cadence_call` timer (a dial, then the
//   next slot placed).
//
// Leads live in London, Berlin, Vienna, Sydney and Paris with their
// countries' holidays (rules/holidays.txt), at random times of 2026.
// Run it from a release build:
//     swift build -c release --product rules-bench && .build/release/rules-bench localtime

import ArgumentParser
import Foundation
import RulesCompiler
import RulesEngine
import RulesLanguage

extension RulesBench {
    struct LocalTime: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "localtime",
            abstract: "Time calling windows, business days and cadence slot placement per call.")

        @Option(help: "Calls per timed pass of each calendar function.")
        var calls = 200_000

        @Option(help: "Leads whose capture and cadence call are stepped per timed pass.")
        var leads = 20_000

        @Option(help: "Timed passes per measurement (the median is reported).")
        var repetitions = 5

        @Option(help: "Playbook directory.")
        var playbook = "rules/"

        static let places: [(zone: String, country: String)] = [
            ("Europe/London", "GB"), ("Europe/Berlin", "DE"), ("Europe/Vienna", "AT"),
            ("Australia/Sydney", "AU"), ("Europe/Paris", "FR"),
        ]

        func validate() throws {
            guard calls > 0, leads > 0, repetitions > 0 else {
                throw ValidationError("--calls, --leads and --repetitions must be at least 1")
            }
        }

        func run() throws {
            let loaded = try LoadedPlaybook.load(directory: playbook)
            guard let program = loaded.program else {
                print(DiagnosticRenderer(maxDiagnostics: 5).render(loaded.diagnostics, dropped: loaded.dropped))
                throw ExitCode.failure
            }
            let engine = Engine(program: program, holidays: loaded.holidays)
            print("rules-bench localtime: \(playbook), \(Self.places.count) zones, "
                  + "median of \(repetitions) passes, CPU time of one thread per call")
            calendarCalls(engine.calendar)
            try engineSteps(engine)
        }

        /// Instants spread over 2026 (ms), seeded.
        func times(_ n: Int) -> [Int64] {
            var rng = SplitMix64(seed: 2026)
            let start: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z
            return (0..<n).map { _ in start + Int64(rng.next() % UInt64(365 * 86_400_000)) }
        }

        private func calendarCalls(_ calendar: CallingCalendar) {
            let ts = times(calls)
            let zones = Self.places.compactMap { TimeZone(identifier: $0.zone) }
            let countries = Self.places.map(\.country)
            let ids = Self.places.map(\.zone)
            let week = CalendarSpan(days: 7, milliseconds: 0)
            time("TimeZone(identifier:)") { i in Int64(TimeZone(identifier: ids[i % ids.count])?.identifier.count ?? 0) }
            time("secondsFromGMT(for:)") { i in
                Int64(zones[i % zones.count].secondsFromGMT(for: Date(timeIntervalSince1970: Double(ts[i]) / 1000)))
            }
            time("nextOpening") { i in calendar.nextOpening(atOrAfter: ts[i], in: zones[i % zones.count]) ?? 0 }
            time("nextBusinessDayOpening") { i in
                calendar.nextBusinessDayOpening(after: ts[i], in: zones[i % zones.count],
                                                country: countries[i % countries.count]) ?? 0
            }
            time("adding 7d (local days)") { i in CallingCalendar.adding(week, to: ts[i], in: zones[i % zones.count]) }
        }

        /// Times `work(i)` for i in 0..<calls and prints ns per call.
        private func time(_ name: String, _ work: (Int) -> Int64) {
            let n = calls
            let t = CPUTimings.run(repetitions) {
                var sink: Int64 = 0
                for i in 0..<n { sink &+= work(i) }
                return sink
            }
            report(name, t, n)
        }

        private func report(_ name: String, _ t: CPUTimings, _ n: Int) {
            let ns = { (d: Duration) in d.seconds * 1e9 / Double(n) }
            print("  \(name.padding(42))\(fixed(ns(t.cpu.median), 0).leftPadding(8)) ns/call "
                  + "(\(fixed(ns(t.cpu.min), 0)) … \(fixed(ns(t.cpu.max), 0)))")
        }

        private func engineSteps(_ engine: Engine) throws {
            let registered = times(leads)
            var captures: [Event] = []
            var states: [LeadState] = []
            var calls: [TimerFiring] = []
            for i in 0..<leads {
                let place = Self.places[i % Self.places.count]
                let event = Event(id: "e\(i)", leadID: "L\(i)", type: "lead_created", at: registered[i], data: [
                    "email": .string("lead\(i)@gmail.com"), "country": .string(place.country),
                    "language": .string("English"), "source": .string("social"), "timezone": .string(place.zone),
                    "age": .number(34), "phone": .string("+44 7700 900\(String(100 + i % 900))"),
                ])
                let r = engine.step(nil, .event(event))
                captures.append(event)
                guard r.state.status == .nurturing else { continue }
                for case .set(let timer) in r.timers where timer.purpose == TimerPurpose.cadenceCall {
                    states.append(r.state)
                    calls.append(timer)
                }
            }
            guard !calls.isEmpty else {
                print("  no lead of the sample nurtures with a cadence call: nothing to time")
                throw ExitCode.failure
            }
            let captured = CPUTimings.run(repetitions) {
                captures.reduce(0) { $0 &+ engine.step(nil, .event($1)).timers.count }
            }
            report("step: capture, enters cadence (slot 1)", captured, captures.count)
            let fired = CPUTimings.run(repetitions) {
                var sink = 0
                for i in calls.indices { sink &+= engine.step(states[i], .timer(calls[i])).timers.count }
                return sink
            }
            report("step: cadence_call timer (dial, next slot)", fired, calls.count)
            let quiet = StepContext(explains: false)
            let silent = CPUTimings.run(repetitions) {
                var sink = 0
                for i in calls.indices { sink &+= engine.step(states[i], .timer(calls[i]), context: quiet).timers.count }
                return sink
            }
            report("  the same, explains: false (simulate)", silent, calls.count)
            print("  (\(calls.count) of \(leads) leads nurture with a cadence call)")
        }
    }
}
