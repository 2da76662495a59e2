// Ingest: durable and applied when it returns, idempotent, late events,
// group commit, duplicates, history with the rules version.

import Foundation
import RulesEngine
import RulesStore
import Scheduler
import Testing
@testable import RulesDaemon

@Suite struct DaemonIngestTests {
    @Test func hotLeadsDialIsClaimableWhenIngestReturns() async throws {
        let box = try DaemonSandbox()
        let clock = VirtualClock(start: mondayMorning + 2 * minute)
        let metrics = RecordingMetrics()
        let daemon = try box.daemon(store: try box.store(), clock: clock, metrics: metrics)
        try await daemon.start()
        let result = try await daemon.ingest(hotLead("L1", at: mondayMorning, phone: "+447700900123"))
        #expect(result.accepted == ["L1-c", "L1-d", "L1-t"])
        #expect(result.duplicates.isEmpty)

        let claimed = try await daemon.claim(ClaimRequest(queue: "english_hot_lead_queue", kind: .dial, limit: 10,
                                                          leaseMilliseconds: 60_000))
        #expect(claimed.map(\.task.leadID) == ["L1"])
        #expect(claimed.first?.task.priority == "IMMEDIATE")
        // The capture's warm dial was due at once: issued then, still claimable.
        let warm = try await daemon.claim(ClaimRequest(queue: "warm_lead_queue", kind: nil, limit: 10,
                                                       leaseMilliseconds: 60_000))
        #expect(warm.map(\.task.attempt) == [1])
        #expect(metrics.counter("rulesd_events_ingested_total", [("type", "lead_created")]) == 1)
        #expect(metrics.counter("rulesd_tasks_issued_total", [("kind", "dial"), ("queue", "english_hot_lead_queue")]) == 1)
        #expect(metrics.counter("rulesd_tasks_claimed_total", [("kind", "dial"), ("queue", "english_hot_lead_queue")]) == 1)
        #expect(metrics.recorded("rulesd_ingest_commit_seconds").count == 1)
        #expect(!metrics.recorded("rulesd_speed_to_lead_seconds", [("tier", "warm")]).isEmpty)

        let token = try #require(claimed.first?.leaseToken)
        #expect(try await daemon.ack(taskID: claimed[0].task.id, leaseToken: token) == .done)
        #expect(metrics.counter("rulesd_tasks_acked_total", [("kind", "dial"), ("queue", "english_hot_lead_queue")]) == 1)
    }

    @Test func resendingTheSameEventsDoesNothing() async throws {
        let box = try DaemonSandbox()
        let store = try box.store()
        let clock = VirtualClock(start: mondayMorning + 2 * minute)
        let metrics = RecordingMetrics()
        let daemon = try box.daemon(store: store, clock: clock, metrics: metrics)
        try await daemon.start()
        let events = hotLead("L1", at: mondayMorning, phone: "+447700900123")
        _ = try await daemon.ingest(events)
        let tasks = try await store.tasks(ofLead: "L1")
        let history = try #require(try await daemon.lead("L1")).history

        let again = try await daemon.ingest(events + [events[0]])
        #expect(again.accepted.isEmpty)
        #expect(again.duplicates == ["L1-c", "L1-d", "L1-t", "L1-c"])
        #expect(try await store.tasks(ofLead: "L1") == tasks)
        #expect(try #require(try await daemon.lead("L1")).history == history)
        #expect(try await store.eventCount() == 3)
        #expect(metrics.counter("rulesd_events_duplicate_total") == 4)

        // A batch repeating an id: the first is applied, the second is a duplicate.
        let twice = try await daemon.ingest([event("x1", lead: "L1", "site_visit", at: mondayMorning + 2 * minute),
                                             event("x1", lead: "L1", "site_visit", at: mondayMorning + 2 * minute)])
        #expect(twice.accepted == ["x1"])
        #expect(twice.duplicates == ["x1"])
        #expect(try await store.loadLead("L1")?.state.events["site_visit"]?.count == 1)
    }

    @Test func aLateEventIsAppliedAtTheLeadsTime() async throws {
        let box = try DaemonSandbox()
        let store = try box.store()
        let clock = VirtualClock(start: mondayMorning + 10 * minute)
        let daemon = try box.daemon(store: store, clock: clock)
        try await daemon.start()
        _ = try await daemon.ingest([capture("c", lead: "L1", at: mondayMorning + 10 * minute)])
        // Posted after the capture but dated before it: applied, not refused.
        let late = try await daemon.ingest([event("late", lead: "L1", "demo_account_created", at: mondayMorning)])
        #expect(late.accepted == ["late"])
        let view = try #require(try await daemon.lead("L1"))
        #expect(view.history.map(\.inputID) == ["c", "late"])
        #expect(view.history.map(\.at) == [mondayMorning + 10 * minute, mondayMorning + 10 * minute])
        #expect(view.lead.state.events["demo_account_created"]?.count == 1)
        #expect(view.lead.updatedAt == mondayMorning + 10 * minute)
        // Stored as received.
        #expect(try await store.events(ofLead: "L1").first?.at == mondayMorning)
    }

    @Test func eventsFarInTheFutureAreRefusedWhole() async throws {
        let box = try DaemonSandbox()
        let store = try box.store()
        let clock = VirtualClock(start: mondayMorning)
        let daemon = try box.daemon(store: store, clock: clock) { $0.maxClockSkewMilliseconds = 5 * minute }
        try await daemon.start()
        await #expect(throws: DaemonError.self) {
            try await daemon.ingest([capture("ok", lead: "L1", at: mondayMorning),
                                     capture("future", lead: "L2", at: mondayMorning + 6 * minute)])
        }
        #expect(try await store.eventCount() == 0)
        #expect(try await daemon.ingest([capture("ok", lead: "L1", at: mondayMorning + 5 * minute)]).accepted == ["ok"])
    }

    @Test func concurrentIngestsShareOneCommit() async throws {
        let box = try DaemonSandbox()
        let store = try box.store()
        let clock = VirtualClock(start: mondayMorning)
        let metrics = RecordingMetrics()
        let daemon = try box.daemon(store: store, clock: clock, metrics: metrics)
        try await daemon.start()
        // Hold the write gate (as a commit in flight would) while 20 callers queue up.
        await daemon.enterGate()
        let results = try await withThrowingTaskGroup(of: IngestResult.self) { group in
            for n in 0..<20 {
                group.addTask {
                    try await daemon.ingest([capture("c\(n)", lead: "L\(n)", at: mondayMorning,
                                                     phone: "+4477009001\(10 + n)")])
                }
            }
            var waited = 0
            while await daemon.ingestQueue.count < 20, waited < 1_000_000 {
                await Task.yield()
                waited += 1
            }
            #expect(await daemon.ingestQueue.count == 20)
            await daemon.leaveGate()
            var results: [IngestResult] = []
            for try await result in group { results.append(result) }
            return results
        }
        #expect(results.flatMap(\.accepted).sorted() == (0..<20).map { "c\($0)" }.sorted())
        #expect(metrics.recorded("rulesd_ingest_commit_seconds").count == 1)
        #expect(try await store.leadIDs().count == 20)
    }

    @Test func groupsAreCutAtMaxBatch() async throws {
        let box = try DaemonSandbox()
        let store = try box.store()
        let clock = VirtualClock(start: mondayMorning)
        let metrics = RecordingMetrics()
        let daemon = try box.daemon(store: store, clock: clock, metrics: metrics) { $0.maxBatch = 4 }
        try await daemon.start()
        await daemon.enterGate()
        try await withThrowingTaskGroup(of: IngestResult.self) { group in
            for n in 0..<6 {
                group.addTask {
                    try await daemon.ingest([capture("a\(n)", lead: "A\(n)", at: mondayMorning, phone: nil),
                                             event("b\(n)", lead: "A\(n)", "site_visit", at: mondayMorning)])
                }
            }
            var waited = 0
            while await daemon.ingestQueue.count < 6, waited < 1_000_000 {
                await Task.yield()
                waited += 1
            }
            await daemon.leaveGate()
            for try await result in group { #expect(result.accepted.count == 2) }
        }
        // Six batches of two events, at most four events a commit: three commits.
        #expect(metrics.recorded("rulesd_ingest_commit_seconds").count == 3)
    }

    @Test func historyRecordsTheRulesVersion() async throws {
        let box = try DaemonSandbox()
        let store = try box.store()
        let clock = VirtualClock(start: mondayMorning + 2 * minute)
        let daemon = try box.daemon(store: store, clock: clock)
        try await daemon.start()
        _ = try await daemon.ingest(hotLead("L1", at: mondayMorning, phone: "+447700900123"))
        let version = try box.snapshot().hash
        let view = try #require(try await daemon.lead("L1"))
        #expect(view.lead.rulesVersion == version)
        #expect(view.history.count == 3)
        #expect(view.history.allSatisfy { $0.rulesVersion == version && $0.input == "event" })
        #expect(view.history.map(\.what) == ["lead_created", "demo_account_created", "demo_trade"])
        // The rule behind each step, file:line.
        #expect(view.history[0].lines.contains { $0.rule?.contains("tiers.rules:") ?? false })
        #expect(view.history[2].tasks == view.tasks.filter { $0.task.queue == "english_hot_lead_queue" }.map(\.task.id))
        #expect(!view.tasks.isEmpty && view.tasks.allSatisfy { $0.rulesVersion == version })
        #expect(try await store.currentRulesVersion()?.hash == version)
        #expect(await daemon.rules().version.how == "startup")
    }

    @Test func duplicatesAreLinkedAlsoAfterARestart() async throws {
        let box = try DaemonSandbox()
        let clock = VirtualClock(start: mondayMorning)
        do {
            let daemon = try box.daemon(store: try box.store(), clock: clock)
            try await daemon.start()
            _ = try await daemon.ingest([capture("c1", lead: "L1", at: mondayMorning, phone: "+447700900123"),
                                         capture("c2", lead: "L2", at: mondayMorning, phone: "+44 7700 900123")])
            #expect(try await daemon.lead("L2")?.lead.state.duplicateOf == "L1")
            #expect(try await daemon.lead("L1")?.lead.state.duplicateOf == nil)
        }
        let store = try box.store()
        let daemon = try box.daemon(store: store, clock: clock)
        try await daemon.start()
        _ = try await daemon.ingest([capture("c3", lead: "L3", at: mondayMorning, phone: "07700 900123")])
        #expect(try await daemon.lead("L3")?.lead.state.duplicateOf == "L1")
        let explained = try #require(try await daemon.explain("L1"))
        #expect(explained.tier == "warm")
        #expect(try await daemon.explain("nobody") == nil)
        #expect(try await daemon.lead("nobody") == nil)
    }

    @Test func notStartedRefusesWork() async throws {
        let box = try DaemonSandbox()
        let daemon = try box.daemon(store: try box.store(), clock: VirtualClock(start: mondayMorning))
        #expect(await daemon.readiness().ready == false)
        await #expect(throws: DaemonError.unavailable("rulesd is starting (recovery not done)")) {
            try await daemon.ingest([capture("c1", lead: "L1", at: mondayMorning)])
        }
        try await daemon.start()
        #expect(await daemon.readiness().ready)
        await #expect(throws: DaemonError.self) {
            try await daemon.claim(ClaimRequest(queue: nil, kind: nil, limit: 1, leaseMilliseconds: 1000))
        }
    }
}
