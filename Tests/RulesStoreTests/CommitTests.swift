// Group commit and history: operations applied in order inside one
// transaction, idempotency of events and tasks, all-or-nothing on failure,
// and the upgrade of a database written by the v1 schema.

import Foundation
import GRDB
import RulesEngine
import Testing
@testable import RulesStore

func storeEvent(_ id: String, lead: String = "L1", type: String = "lead_created", at: Int64 = 1_000) -> Event {
    Event(id: id, leadID: lead, type: type, at: at, data: ["country": .string("GB")])
}

func storeTask(_ id: String, lead: String = "L1", kind: TaskKind = .dial, queue: String? = "hot",
               priority: String? = "IMMEDIATE", due: Int64 = 0) -> LeadTask {
    LeadTask(id: id, leadID: lead, kind: kind, queue: queue, priority: priority, dialMode: queue == nil ? nil : "power_dialer",
             template: queue == nil ? "welcome" : nil, attempt: 1, due: due, deadline: due + 60_000,
             rule: "routing.rules:3", reason: "hot lead")
}

func historyEntry(_ inputID: String, at: Int64, tasks: [String] = []) -> HistoryEntry {
    HistoryEntry(at: at, input: "event", inputID: inputID, what: "lead_created", rulesVersion: "v1",
                 lines: [ExplanationLine(rule: "scoring.rules:4", text: "country GB +10"),
                         ExplanationLine(rule: nil, text: "tier \"hot\" (score 80)")],
                 tasks: tasks)
}

@Suite struct CommitTests {
    @Test func operationsApplyInOrderInsideOneCommit() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        var state = LeadState(id: "L1")
        state.tier = "hot"
        let result = try await store.commit(
            events: [storeEvent("e1"), storeEvent("e2", type: "call_outcome", at: 2_000)], receivedAt: 5,
            operations: [
                .saveLead(StoredLead(state: LeadState(id: "L1"), rulesVersion: "v1", updatedAt: 1_000)),
                .setTimer(TimerFiring(id: "t1", leadID: "L1", purpose: "cadence", due: 9_000)),
                .setTimer(TimerFiring(id: "t2", leadID: "L1", purpose: "quarantine", due: 8_000)),
                .insertTasks([storeTask("d1"), storeTask("s1", kind: .sms, queue: nil)], rulesVersion: "v1"),
                .appendHistory(leadID: "L1", historyEntry("e1", at: 1_000, tasks: ["d1", "s1"])),
                // The second step withdraws the first step's dial and re-plans the timer.
                .cancelTasks(leadID: "L1", kinds: [.dial], reason: "superseded"),
                .cancelTimer(id: "t1"),
                .setTimer(TimerFiring(id: "t2", leadID: "L1", purpose: "quarantine", due: 7_000)),
                .insertTasks([storeTask("d2", due: 2_000)], rulesVersion: "v2"),
                .cancelTask(id: "s1", reason: "opt-out"),
                .cancelTask(id: "nope", reason: "unknown id"),
                .saveLead(StoredLead(state: state, rulesVersion: "v2", updatedAt: 2_000)),
                .appendHistory(leadID: "L1", historyEntry("e2", at: 2_000, tasks: ["d2"])),
            ], now: 77)
        #expect(result.newEventIDs == ["e1", "e2"])
        #expect(result.insertedTaskIDs == ["d1", "s1", "d2"])
        #expect(result.cancelledTaskIDs == ["d1", "s1"])

        let d1 = try #require(try await store.task(id: "d1"))
        #expect(d1.state == .cancelled && d1.cancelReason == "superseded" && d1.createdAt == 77)
        #expect(try await store.task(id: "s1")?.state == .cancelled)
        let d2 = try #require(try await store.task(id: "d2"))
        #expect(d2.state == .pending && d2.rulesVersion == "v2")
        #expect(try await store.timers(ofLead: "L1") == [TimerFiring(id: "t2", leadID: "L1", purpose: "quarantine", due: 7_000)])
        #expect(try await store.loadLead("L1") == StoredLead(state: state, rulesVersion: "v2", updatedAt: 2_000))
        #expect(try await store.history(ofLead: "L1", limit: 10).map(\.inputID) == ["e1", "e2"])
        // Only the pending dial is claimable.
        #expect(try await store.claimTasks(queue: "hot", limit: 10, leaseMilliseconds: 1_000, now: 5_000).map(\.task.id) == ["d2"])
    }

    @Test func aTaskInsertedThenCancelledInOneCommitStaysCancelled() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        let result = try await store.commit(events: [], receivedAt: 0, operations: [
            .insertTasks([storeTask("d1")], rulesVersion: "v1"),
            .cancelTask(id: "d1", reason: "withdrawn"),
            // Re-inserting the same id later in the batch does not revive it.
            .insertTasks([storeTask("d1")], rulesVersion: "v1"),
        ], now: 1)
        #expect(result.insertedTaskIDs == ["d1"] && result.cancelledTaskIDs == ["d1"])
        #expect(try await store.task(id: "d1")?.state == .cancelled)
        #expect(try await store.claimTasks(queue: "hot", limit: 10, leaseMilliseconds: 1_000, now: 10).isEmpty)
    }

    /// A group large enough to be encoded on several threads keeps its order.
    @Test func aLargeGroupKeepsItsOrder() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path, synchronousFull: false)
        var operations: [StoreOperation] = []
        for n in 0..<400 {
            var state = LeadState(id: "L\(n % 50)")
            state.attempts = n
            operations.append(.saveLead(StoredLead(state: state, rulesVersion: "v1", updatedAt: Int64(n))))
            operations.append(.insertTasks([storeTask("d\(n)", lead: "L\(n % 50)")], rulesVersion: "v1"))
            if n % 2 == 1 { operations.append(.cancelTask(id: "d\(n - 1)", reason: "next step")) }
            operations.append(.appendHistory(leadID: "L\(n % 50)", historyEntry("e\(n)", at: Int64(n))))
        }
        #expect(operations.count >= ParallelMap.minimum)
        let result = try await store.commit(events: [], receivedAt: 0, operations: operations, now: 1)
        #expect(result.insertedTaskIDs == (0..<400).map { "d\($0)" })
        #expect(result.cancelledTaskIDs == stride(from: 0, to: 400, by: 2).map { "d\($0)" })
        #expect(try await store.loadLead("L7")?.state.attempts == 357)
        #expect(try await store.history(ofLead: "L7", limit: 100).map(\.inputID) == stride(from: 7, to: 400, by: 50).map { "e\($0)" })
        #expect(try await store.task(id: "d398")?.state == .cancelled)
        #expect(try await store.task(id: "d399")?.state == .pending)
    }

    @Test func commitIsIdempotentForEventsAndTasks() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        let operations: [StoreOperation] = [.insertTasks([storeTask("d1"), storeTask("d2")], rulesVersion: "v1")]
        let first = try await store.commit(events: [storeEvent("e1"), storeEvent("e1")], receivedAt: 1,
                                           operations: operations, now: 1)
        #expect(first.newEventIDs == ["e1"] && first.insertedTaskIDs == ["d1", "d2"])
        _ = try await store.cancelTask(id: "d2", reason: "replanned")
        // The same batch again (a sender's retry): nothing new, nothing revived, the first insert's version kept.
        let again = try await store.commit(events: [storeEvent("e1"), storeEvent("e3")], receivedAt: 2,
                                           operations: [.insertTasks([storeTask("d1"), storeTask("d2")], rulesVersion: "v9")],
                                           now: 2)
        #expect(again.newEventIDs == ["e3"] && again.insertedTaskIDs.isEmpty)
        #expect(try await store.task(id: "d1")?.rulesVersion == "v1")
        #expect(try await store.task(id: "d1")?.createdAt == 1)
        #expect(try await store.task(id: "d2")?.state == .cancelled)
        #expect(try await store.eventCount() == 2)
        #expect(try await store.commit(events: [], receivedAt: 0, operations: [], now: 0) == CommitResult())
    }

    @Test func newEventIDsAmongABatch() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        _ = try await store.appendEvents((0..<600).map { storeEvent("e\($0)") }, receivedAt: 1)
        let asked = (590..<1_300).map { "e\($0)" } + ["e1", "e1"]
        #expect(try await store.newEventIDs(among: asked) == Set((600..<1_300).map { "e\($0)" }))
        #expect(try await store.newEventIDs(among: []) == [])
    }

    @Test func aValueThatCannotBeEncodedFailsTheWholeCommit() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        var state = LeadState(id: "L1")
        state.fields["deposit"] = .number(.nan)
        let error = await #expect(throws: StoreError.self) {
            try await store.commit(events: [storeEvent("e1")], receivedAt: 1, operations: [
                .insertTasks([storeTask("d1")], rulesVersion: "v1"),
                .saveLead(StoredLead(state: state, rulesVersion: "v1", updatedAt: 1)),
            ], now: 1)
        }
        if case .invalidRecord = error {} else { Issue.record("expected .invalidRecord, got \(String(describing: error))") }
        #expect(try await store.eventCount() == 0)
        #expect(try await store.task(id: "d1") == nil)
        #expect(try await store.loadLead("L1") == nil)
    }

    @Test func aFailingOperationRollsBackTheEventsAndEarlierOperations() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        _ = try await store.commit(events: [storeEvent("e0")], receivedAt: 1, operations: [
            .insertTasks([storeTask("d0")], rulesVersion: "v1"),
            .setTimer(TimerFiring(id: "t0", leadID: "L1", purpose: "cadence", due: 5)),
        ], now: 1)
        // The disk refuses the last write of the batch (here a trigger standing in for it).
        let queue = try DatabaseQueue(path: db.path)
        try await queue.write { db in
            try db.execute(sql: """
                CREATE TRIGGER refuse BEFORE INSERT ON history WHEN NEW.lead_id = 'L2'
                BEGIN SELECT RAISE(ABORT, 'disk says no'); END
                """)
        }
        try queue.close()
        await #expect(throws: StoreError.self) {
            try await store.commit(events: [storeEvent("e1", lead: "L2"), storeEvent("e2", lead: "L2")], receivedAt: 2,
                                   operations: [
                                       .saveLead(StoredLead(state: LeadState(id: "L2"), rulesVersion: "v1", updatedAt: 2)),
                                       .cancelTask(id: "d0", reason: "replanned"),
                                       .cancelTimer(id: "t0"),
                                       .insertTasks([storeTask("d1", lead: "L2")], rulesVersion: "v1"),
                                       .appendHistory(leadID: "L1", historyEntry("e1", at: 2)),
                                       .appendHistory(leadID: "L2", historyEntry("e1", at: 2)),
                                   ], now: 2)
        }
        #expect(try await store.eventCount() == 1)
        #expect(!(try await store.containsEvent(id: "e1")))
        #expect(try await store.loadLead("L2") == nil)
        #expect(try await store.task(id: "d0")?.state == .pending)
        #expect(try await store.task(id: "d1") == nil)
        #expect(try await store.timers(ofLead: "L1").map(\.id) == ["t0"])
        #expect(try await store.history(ofLead: "L1", limit: 10).isEmpty)
        // The store is still usable, and the same events go in once the fault is gone.
        let retry = try await store.commit(events: [storeEvent("e1", lead: "L2")], receivedAt: 3,
                                           operations: [.appendHistory(leadID: "L1", historyEntry("e1", at: 2))], now: 3)
        #expect(retry.newEventIDs == ["e1"])
    }

    @Test func historyKeepsTheLastEntriesOldestFirst() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        for step in 0..<5 {
            _ = try await store.commit(events: [], receivedAt: 0, operations: [
                .appendHistory(leadID: "L1", historyEntry("e\(step)", at: Int64(step), tasks: ["t\(step)"])),
                .appendHistory(leadID: "L2", historyEntry("x\(step)", at: Int64(step))),
            ], now: 0)
        }
        let last3 = try await store.history(ofLead: "L1", limit: 3)
        #expect(last3.map(\.inputID) == ["e2", "e3", "e4"])
        #expect(last3[0] == historyEntry("e2", at: 2, tasks: ["t2"]))
        #expect(last3[0].lines[1].rule == nil)
        #expect(try await store.history(ofLead: "L2", limit: 100).count == 5)
        #expect(try await store.history(ofLead: "L1", limit: 0).isEmpty)
        #expect(try await store.history(ofLead: "nobody", limit: 5).isEmpty)
    }

    @Test func aVersion1DatabaseIsUpgradedInPlace() async throws {
        let db = try TempDatabase()
        // A database as the first rulesd left it: only the v1 migration, with rows in it.
        let queue = try DatabaseQueue(path: db.path)
        try Migrations.migrator.migrate(queue, upTo: "v1-events-leads-timers-tasks-rules")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO events (id, lead_id, type, at, data, received_at) VALUES ('e1', 'L1', 'lead_created', 1, '{}', 1);
                INSERT INTO tasks (id, lead_id, kind, queue, priority, priority_rank, due, rule, reason, rules_version,
                                   created_at, state, claims)
                VALUES ('d1', 'L1', 'dial', 'hot', 'IMMEDIATE', 0, 0, 'routing.rules:3', 'hot lead', 'v1', 1, 'pending', 0);
                """)
        }
        #expect(try await queue.read { db in try db.tableExists("history") } == false)
        try queue.close()

        let store = try SQLiteStore(path: db.path)
        let d1 = try #require(try await store.task(id: "d1"))
        #expect(d1.state == .pending && d1.deliveryAttempts == 0 && d1.nextDeliveryAt == nil && d1.deadLetteredAt == nil)
        #expect(try await store.newEventIDs(among: ["e1", "e2"]) == ["e2"])
        _ = try await store.commit(events: [], receivedAt: 0,
                                   operations: [.appendHistory(leadID: "L1", historyEntry("e1", at: 1))], now: 2)
        #expect(try await store.history(ofLead: "L1", limit: 5).count == 1)
        #expect(try await store.claimTasks(queue: "hot", limit: 5, leaseMilliseconds: 10, now: 5).map(\.task.id) == ["d1"])
        let applied = try await store.pool.read { db in try Migrations.migrator.appliedIdentifiers(db) }
        #expect(applied == ["v1-events-leads-timers-tasks-rules", "v2-history-delivery"])
    }
}
