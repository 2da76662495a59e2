// SQLiteStore against the Store promises: idempotency, round trips, the
// lease life cycle on an injected clock (no sleeps), schema refusal, reopen.

import Foundation
import GRDB
import RulesEngine
import Testing
@testable import RulesStore

/// A fresh database file in the temp directory, removed afterwards.
final class TempDatabase {
    let directory: URL
    var path: String { directory.appendingPathComponent("rulesd.sqlite").path }
    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("rulesstore-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: directory) }
}

private func event(_ id: String, lead: String = "L1", type: String = "lead_created", at: Int64 = 1_000,
                   data: [String: Value] = [:]) -> Event {
    Event(id: id, leadID: lead, type: type, at: at, data: data)
}

private func task(_ id: String, lead: String = "L1", kind: TaskKind = .dial, queue: String? = "hot",
                  priority: String? = "IMMEDIATE", due: Int64 = 0) -> LeadTask {
    LeadTask(id: id, leadID: lead, kind: kind, queue: queue, priority: priority, dialMode: "power_dialer",
             attempt: 1, due: due, deadline: due + 60_000, rule: "routing.rules:3", reason: "hot lead")
}

@Suite struct SQLiteStoreTests {
    @Test func eventsAreIdempotentByID() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        let data: [String: Value] = ["country": .string("GB"), "deposit": .number(250), "seen": .time(5)]
        let first = try await store.appendEvents([event("e1", data: data), event("e2", at: 2_000)], receivedAt: 10)
        #expect(first == ["e1", "e2"])
        // Again, plus one new one and a duplicate inside the batch.
        let second = try await store.appendEvents([event("e2"), event("e3", at: 3_000), event("e3")], receivedAt: 11)
        #expect(second == ["e3"])
        #expect(try await store.eventCount() == 3)
        #expect(try await store.containsEvent(id: "e1"))
        #expect(!(try await store.containsEvent(id: "nope")))
        let stored = try await store.events(ofLead: "L1")
        #expect(stored.map(\.id) == ["e1", "e2", "e3"])
        #expect(stored[0].data == data)
        #expect(try await store.appendEvents([], receivedAt: 0) == [])
    }

    @Test func groupCommitOfManyEvents() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path, synchronousFull: false)
        let batch = (0..<5_000).map { event("e\($0)", lead: "L\($0 % 50)", at: Int64($0)) }
        #expect(try await store.appendEvents(batch, receivedAt: 1).count == 5_000)
        #expect(try await store.eventCount() == 5_000)
        #expect(try await store.events(ofLead: "L7").count == 100)
    }

    @Test func leadStateRoundTrip() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        var state = LeadState(id: "L1")
        state.captured = true
        state.fields = ["country": .string("DE"), "score": .number(72.5), "born": .time(123)]
        state.optedOut = [.sms]
        state.blockedChannels = [.email: "bounced"]
        state.tier = "hot"
        state.attempts = 2
        state.flags = ["verify_data"]
        #expect(try await store.loadLead("L1") == nil)
        try await store.saveLead(StoredLead(state: state, rulesVersion: "abc", updatedAt: 5))
        #expect(try await store.loadLead("L1") == StoredLead(state: state, rulesVersion: "abc", updatedAt: 5))
        state.attempts = 3
        try await store.saveLead(StoredLead(state: state, rulesVersion: "def", updatedAt: 6))
        let loaded = try await store.loadLead("L1")
        #expect(loaded?.state.attempts == 3 && loaded?.rulesVersion == "def")
        try await store.saveLead(StoredLead(state: LeadState(id: "A0"), rulesVersion: "def", updatedAt: 6))
        #expect(try await store.leadIDs() == ["A0", "L1"])
    }

    @Test func timers() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        try await store.setTimer(TimerFiring(id: "t2", leadID: "L1", purpose: "cadence", due: 200))
        try await store.setTimer(TimerFiring(id: "t1", leadID: "L1", purpose: "quarantine", due: 100))
        try await store.setTimer(TimerFiring(id: "t3", leadID: "L2", purpose: "cadence", due: 300))
        #expect(try await store.timers(dueAtOrBefore: 200, limit: nil).map(\.id) == ["t1", "t2"])
        #expect(try await store.timers(dueAtOrBefore: .max, limit: 1).map(\.id) == ["t1"])
        // Re-setting moves it.
        try await store.setTimer(TimerFiring(id: "t1", leadID: "L1", purpose: "quarantine", due: 250))
        #expect(try await store.timers(dueAtOrBefore: 200, limit: nil).map(\.id) == ["t2"])
        #expect(try await store.cancelTimer(id: "t2"))
        #expect(!(try await store.cancelTimer(id: "t2")))
        #expect(try await store.timers(ofLead: "L1") == [TimerFiring(id: "t1", leadID: "L1", purpose: "quarantine", due: 250)])
    }

    @Test func tasksAreIdempotentByID() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        #expect(try await store.insertTasks([task("a"), task("b")], rulesVersion: "v1", createdAt: 1) == ["a", "b"])
        #expect(try await store.insertTasks([task("b"), task("c"), task("c")], rulesVersion: "v2", createdAt: 2) == ["c"])
        let b = try #require(try await store.task(id: "b"))
        #expect(b.rulesVersion == "v1" && b.state == .pending && b.task == task("b"))
        #expect(try await store.tasks(ofLead: "L1").count == 3)
    }

    @Test func claimInPriorityThenDueOrderOnlyWhenDue() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        _ = try await store.insertTasks([
            task("normal-early", priority: "NORMAL", due: 10),
            task("within2h", priority: "WITHIN_2_HOURS", due: 20),
            task("within15m", priority: "WITHIN_15_MINUTES", due: 30),
            task("imm-late", priority: "IMMEDIATE", due: 50),
            task("imm-early", priority: "IMMEDIATE", due: 40),
            task("future", priority: "IMMEDIATE", due: 10_000),
            task("other-queue", queue: "warm", priority: "IMMEDIATE", due: 0),
            task("none", priority: nil, due: 0),
        ], rulesVersion: "v1", createdAt: 0)
        let claimed = try await store.claimTasks(queue: "hot", limit: 10, leaseMilliseconds: 100_000, now: 100)
        #expect(claimed.map(\.task.id) == ["imm-early", "imm-late", "within15m", "within2h", "normal-early", "none"])
        #expect(claimed.allSatisfy { $0.leaseExpiresAt == 100_100 && $0.claims == 1 })
        // Claimed ones are not handed out again while leased; the future one is not due.
        #expect(try await store.claimTasks(queue: "hot", limit: 10, leaseMilliseconds: 1_000, now: 200).isEmpty)
        #expect(try await store.claimTasks(queue: "hot", limit: 10, leaseMilliseconds: 1_000, now: 10_000).map(\.task.id) == ["future"])
        #expect(try await store.claimTasks(queue: "warm", limit: 0, leaseMilliseconds: 1_000, now: 10_000).isEmpty)
    }

    @Test func leaseAckReleaseAndExpiry() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        _ = try await store.insertTasks([task("a", due: 0), task("b", due: 1)], rulesVersion: "v1", createdAt: 0)
        let first = try await store.claimTasks(queue: "hot", limit: 2, leaseMilliseconds: 30_000, now: 1_000)
        let a = try #require(first.first { $0.task.id == "a" })
        let b = try #require(first.first { $0.task.id == "b" })

        // Ack with the wrong token is refused; with the right one it is done, once.
        #expect(try await store.ackTask(id: "a", leaseToken: "wrong", now: 2_000) == .leaseLost)
        #expect(try await store.ackTask(id: "a", leaseToken: a.leaseToken, now: 2_000) == .done)
        #expect(try await store.ackTask(id: "a", leaseToken: a.leaseToken, now: 2_001) == .alreadyFinished)
        #expect(try await store.ackTask(id: "zzz", leaseToken: "x", now: 2_001) == .notFound)
        let acked = try #require(try await store.task(id: "a"))
        #expect(acked.state == .acked && acked.ackedAt == 2_000)

        // b's lease expires at 31_000: not claimable at 30_999, claimable at 31_000.
        #expect(try await store.claimTasks(queue: "hot", limit: 5, leaseMilliseconds: 30_000, now: 30_999).isEmpty)
        let again = try await store.claimTasks(queue: "hot", limit: 5, leaseMilliseconds: 30_000, now: 31_000)
        #expect(again.map(\.task.id) == ["b"])
        #expect(again[0].claims == 2 && again[0].leaseToken != b.leaseToken)
        // The old claimant lost it.
        #expect(try await store.ackTask(id: "b", leaseToken: b.leaseToken, now: 31_001) == .leaseLost)
        #expect(try await store.releaseTask(id: "b", leaseToken: b.leaseToken) == .leaseLost)
        // Release makes it claimable at once.
        #expect(try await store.releaseTask(id: "b", leaseToken: again[0].leaseToken) == .done)
        #expect(try await store.task(id: "b")?.state == .pending)
        let third = try await store.claimTasks(queue: "hot", limit: 5, leaseMilliseconds: 30_000, now: 31_002)
        #expect(third.map(\.task.id) == ["b"] && third[0].claims == 3)
        #expect(try await store.releaseTask(id: "a", leaseToken: a.leaseToken) == .alreadyFinished)
    }

    @Test func cancellingTasks() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        _ = try await store.insertTasks([task("d1"), task("s1", kind: .sms), task("d2", due: 5), task("x", lead: "L2")],
                                        rulesVersion: "v1", createdAt: 0)
        #expect(try await store.cancelTask(id: "d2", reason: "replanned"))
        #expect(!(try await store.cancelTask(id: "d2", reason: "again")))
        let claimed = try await store.claimTasks(queue: "hot", limit: 1, leaseMilliseconds: 1_000, now: 0)
        #expect(claimed.map(\.task.id) == ["d1"])
        #expect(try await store.cancelTasks(leadID: "L1", kinds: [.dial, .email], reason: "opt-out") == ["d1"])
        #expect(try await store.task(id: "d1")?.cancelReason == "opt-out")
        #expect(try await store.ackTask(id: "d1", leaseToken: claimed[0].leaseToken, now: 1) == .alreadyFinished)
        #expect(try await store.task(id: "s1")?.state == .pending)
        #expect(try await store.task(id: "x")?.state == .pending)
    }

    @Test func rulesVersionsAndReloadAttempts() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        #expect(try await store.currentRulesVersion() == nil)
        let v1 = RulesVersionRecord(hash: "h1", files: [RulesFile(path: "routing.rules", sha256: "aa")], loadedAt: 1, how: "startup")
        let v2 = RulesVersionRecord(hash: "h2", files: [RulesFile(path: "routing.rules", sha256: "bb"),
                                                        RulesFile(path: "holidays.txt", sha256: "cc")],
                                    loadedAt: 2, how: "api", by: "admin")
        try await store.recordRulesVersion(v1)
        try await store.recordRulesVersion(v2)
        #expect(try await store.currentRulesVersion() == v2)
        try await store.recordReloadAttempt(ReloadAttempt(at: 2, how: "api", succeeded: true, rulesVersion: "h2"))
        let bad = ReloadAttempt(at: 3, how: "inotify", succeeded: false,
                                diagnostics: "routing.rules:4:7: error: unknown field 'scroe'")
        try await store.recordReloadAttempt(bad)
        #expect(try await store.reloadAttempts(limit: 1) == [bad])
        #expect(try await store.reloadAttempts(limit: 10).count == 2)
    }

    @Test func reopeningKeepsEverything() async throws {
        let db = try TempDatabase()
        do {
            let store = try SQLiteStore(path: db.path)
            _ = try await store.appendEvents([event("e1")], receivedAt: 1)
            try await store.saveLead(StoredLead(state: LeadState(id: "L1"), rulesVersion: "h1", updatedAt: 1))
            try await store.setTimer(TimerFiring(id: "t1", leadID: "L1", purpose: "cadence", due: 9))
            _ = try await store.insertTasks([task("a")], rulesVersion: "h1", createdAt: 1)
            _ = try await store.claimTasks(queue: "hot", limit: 1, leaseMilliseconds: 100, now: 1)
            try await store.recordRulesVersion(RulesVersionRecord(hash: "h1", files: [], loadedAt: 1, how: "startup"))
            try await store.recordReloadAttempt(ReloadAttempt(at: 1, how: "startup", succeeded: true, rulesVersion: "h1"))
        }
        let store = try SQLiteStore(path: db.path)
        #expect(try await store.containsEvent(id: "e1"))
        #expect(try await store.appendEvents([event("e1")], receivedAt: 2) == [])
        #expect(try await store.loadLead("L1")?.rulesVersion == "h1")
        #expect(try await store.timers(dueAtOrBefore: .max, limit: nil).map(\.id) == ["t1"])
        let a = try #require(try await store.task(id: "a"))
        #expect(a.state == .leased && a.leaseExpiresAt == 101)
        #expect(try await store.currentRulesVersion()?.hash == "h1")
        #expect(try await store.reloadAttempts(limit: 5).count == 1)
    }

    @Test func refusesADatabaseFromANewerRulesd() async throws {
        let db = try TempDatabase()
        _ = try SQLiteStore(path: db.path)
        // A future rulesd ran a migration this binary does not know.
        let queue = try DatabaseQueue(path: db.path)
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
        }
        try queue.close()
        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: db.path) }
        #expect(error == .newerSchema(unknown: ["v9-from-the-future"]))
        #expect(error?.description.contains("database schema is newer than this rulesd") == true)
    }

    @Test func aLockedDatabaseIsAClearError() async throws {
        let db = try TempDatabase()
        _ = try SQLiteStore(path: db.path)
        // Another process holding the write lock (here another connection).
        var config = Configuration()
        config.allowsUnsafeTransactions = true   // the lock is held across accesses on purpose
        let other = try DatabaseQueue(path: db.path, configuration: config)
        try other.inDatabase { db in try db.execute(sql: "BEGIN EXCLUSIVE") }
        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: db.path, busyTimeout: 0.05) }
        if case .locked = error {} else { Issue.record("expected .locked, got \(String(describing: error))") }
        #expect(error?.description.contains("locked") == true)
        try other.inDatabase { db in try db.execute(sql: "ROLLBACK") }
    }

    @Test func aFileThatIsNotADatabaseIsCorrupt() async throws {
        let db = try TempDatabase()
        try Data(repeating: 0x41, count: 8_192).write(to: URL(fileURLWithPath: db.path))
        let error = #expect(throws: StoreError.self) { try SQLiteStore(path: db.path) }
        if case .corrupt = error {} else { Issue.record("expected .corrupt, got \(String(describing: error))") }
    }

    @Test func priorityRanks() {
        let order = ["IMMEDIATE", "URGENT", "HIGH", "WITHIN_15_MINUTES", "WITHIN_2_HOURS", "WITHIN_1_DAYS",
                     "NORMAL", "LOW", "AUTOMATED"].map { TaskPriority.rank($0) }
        #expect(order == order.sorted() && Set(order).count == order.count)
        #expect(TaskPriority.rank(nil) > TaskPriority.rank("AUTOMATED"))
        #expect(TaskPriority.rank("immediate") == 0)
    }
}
