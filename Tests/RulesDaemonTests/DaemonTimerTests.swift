// Timers: the store holds them all, the wheel the near ones; they fire at
// their due time, in due order, across refills of the horizon; after a
// restart the overdue ones fire once, in order, at the catch-up rate.

import Foundation
import RulesEngine
import RulesStore
import Scheduler
import Testing
@testable import RulesDaemon

/// Affiliate leads wait in a 30-minute quarantine hold (rules/quarantine.rules):
/// each capture sets a `quarantine_end` timer.
private func affiliate(_ n: Int, at: Int64) -> Event {
    capture("a\(n)", lead: "A\(n)", at: at, source: "affiliate", phone: "+4477009002\(10 + n)")
}

/// Drives the daemon from wake to wake up to `end`; returns each run's
/// (time, timers fired, as (id, due)) as seen in the store.
private func runWakes(_ daemon: Daemon, store: SQLiteStore, clock: VirtualClock,
                      until end: Int64) async throws -> [(at: Int64, fired: [TimerFiring])] {
    var runs: [(at: Int64, fired: [TimerFiring])] = []
    var guardCount = 0
    while let wake = await daemon.nextWake(), wake <= end, guardCount < 10_000 {
        guardCount += 1
        #expect(wake >= clock.now())
        clock.advance(to: wake)
        let before = try await store.timers(dueAtOrBefore: .max, limit: nil)
        let count = await daemon.runDue()
        let after = Set(try await store.timers(dueAtOrBefore: .max, limit: nil))
        let fired = before.filter { !after.contains($0) }
        #expect(fired.count == count)
        if count > 0 { runs.append((wake, fired)) }
    }
    return runs
}

@Suite struct DaemonTimerTests {
    @Test func timersFireAtTheirDueTimeAcrossTheHorizon() async throws {
        let box = try DaemonSandbox()
        let store = try box.store()
        let clock = VirtualClock(start: mondayMorning)
        let metrics = RecordingMetrics()
        // A 10-minute horizon: the 30-minute holds start out in the store only.
        let daemon = try box.daemon(store: store, clock: clock, metrics: metrics) {
            $0.timerHorizonMilliseconds = 10 * minute
        }
        try await daemon.start()
        var captures: [Int64] = []
        for (n, offset) in [0, 5, 20, 21].enumerated() {
            let at = mondayMorning + Int64(offset) * minute
            clock.advance(to: at)
            _ = await daemon.runDue()
            _ = try await daemon.ingest([affiliate(n, at: at)])
            captures.append(at)
        }
        let holds = try await store.timers(dueAtOrBefore: .max, limit: nil).filter { $0.purpose == "quarantine_end" }
        #expect(holds.map(\.due) == captures.map { $0 + 30 * minute })

        let runs = try await runWakes(daemon, store: store, clock: clock, until: mondayMorning + 2 * 60 * minute)
        let fired = runs.flatMap { run in run.fired.map { (run.at, $0) } }
        // Each fired exactly at its due time (never early, never late), in due order.
        #expect(fired.allSatisfy { $0.0 == $0.1.due })
        #expect(fired.map(\.1.due) == fired.map(\.1.due).sorted())
        #expect(fired.filter { $0.1.purpose == "quarantine_end" }.map(\.1.leadID) == ["A0", "A1", "A2", "A3"])
        #expect(metrics.counter("rulesd_timers_fired_total") == Int64(fired.count))
        // The firing is a step of the lead, committed with the timer's deletion.
        let view = try #require(try await daemon.lead("A0"))
        #expect(view.history.map(\.input) == ["event", "timer"])
        #expect(view.history[1].what == "quarantine_end")
        #expect(view.history[1].at == captures[0] + 30 * minute)
        #expect(!view.timers.contains { $0.purpose == "quarantine_end" })
    }

    @Test func aRestartFiresOverdueTimersOnceInOrderAtTheCatchUpRate() async throws {
        let box = try DaemonSandbox()
        let clock = VirtualClock(start: mondayMorning)
        do {
            let store = try box.store()
            let first = try box.daemon(store: store, clock: clock)
            try await first.start()
            for n in 0..<5 {
                let at = mondayMorning + Int64(n) * minute
                clock.advance(to: at)
                _ = try await first.ingest([affiliate(n, at: at)])
            }
            await first.stop()
        }
        // Down for three hours: every hold came due meanwhile.
        clock.advance(to: mondayMorning + 3 * 60 * minute)
        let restartedAt = clock.now()
        let store = try box.store()
        let tasksBefore = try await allTaskIDs(store, leads: 5)
        let second = try box.daemon(store: store, clock: clock) { $0.catchUpPerSecond = 2 }
        try await second.start()
        var order: [[String]] = []
        var times: [Int64] = []
        for _ in 0..<20 {
            guard let wake = await second.nextWake(), wake <= restartedAt + 10_000 else { break }
            clock.advance(to: wake)
            let before = try await store.timers(dueAtOrBefore: restartedAt, limit: nil)
            let count = await second.runDue()
            let after = Set(try await store.timers(dueAtOrBefore: .max, limit: nil).map(\.id))
            let fired = before.filter { !after.contains($0.id) }
            #expect(fired.count == count)
            if count > 0 {
                order.append(fired.map(\.leadID))
                times.append(clock.now() - restartedAt)
            }
        }
        // A second's worth at once, then one every half second: in due order, each once.
        #expect(order == [["A0", "A1"], ["A2"], ["A3"], ["A4"]])
        #expect(times == [0, 500, 1000, 1500])
        #expect(try await store.timers(dueAtOrBefore: restartedAt, limit: nil).isEmpty)
        let fired = try await allTaskIDs(store, leads: 5)
        #expect(fired.count >= tasksBefore.count)

        // A third start on the same file: nothing overdue is left, nothing
        // fires again, re-sent events change nothing.
        await second.stop()
        let third = try box.daemon(store: store, clock: clock)
        try await third.start()
        #expect(await third.runDue() == 0)
        let resent = try await third.ingest((0..<5).map { affiliate($0, at: mondayMorning + Int64($0) * minute) })
        #expect(resent.accepted.isEmpty)
        #expect(try await allTaskIDs(store, leads: 5) == fired)
        for n in 0..<5 {
            let history = try #require(try await third.lead("A\(n)")).history
            #expect(history.filter { $0.what == "quarantine_end" }.count == 1)
        }
    }

    @Test func timersOfALeadFollowItsSteps() async throws {
        let box = try DaemonSandbox()
        let store = try box.store()
        let clock = VirtualClock(start: mondayMorning)
        let daemon = try box.daemon(store: store, clock: clock)
        try await daemon.start()
        _ = try await daemon.ingest([affiliate(0, at: mondayMorning)])
        let hold = try #require(try await store.timers(ofLead: "A0").first { $0.purpose == "quarantine_end" })
        #expect(await daemon.nextWake() == hold.due)
        // Nothing is due before the hold ends.
        clock.advance(to: hold.due - 1)
        #expect(await daemon.runDue() == 0)
        clock.advance(to: hold.due)
        #expect(await daemon.runDue() >= 1)
        #expect(try await store.timers(ofLead: "A0").allSatisfy { $0.id != hold.id })
        // What the firing set in its place is in the store; the wheel wakes for it.
        if let next = try await store.timers(ofLead: "A0").first {
            let wake = try #require(await daemon.nextWake())
            #expect(wake <= next.due)
        }
    }
}

private func allTaskIDs(_ store: SQLiteStore, leads: Int) async throws -> [String] {
    var ids: [String] = []
    for n in 0..<leads { ids += try await store.tasks(ofLead: "A\(n)").map(\.task.id) }
    return ids.sorted()
}
