// Claiming by kind (mailers, SMS gateways) and the webhook's delivery state:
// retry times, acks by delivery, dead letters that nobody claims again.

import Foundation
import RulesEngine
import Testing
@testable import RulesStore

@Suite struct ClaimByKindTests {
    @Test func aMailerClaimsEmailsByKindAcrossQueues() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        _ = try await store.insertTasks([
            storeTask("mail-late", kind: .email, queue: nil, priority: "NORMAL", due: 30),
            storeTask("mail-early", kind: .email, queue: nil, priority: "NORMAL", due: 10),
            storeTask("mail-urgent", kind: .email, queue: nil, priority: "URGENT", due: 20),
            storeTask("mail-future", kind: .email, queue: nil, priority: "NORMAL", due: 5_000),
            storeTask("sms", kind: .sms, queue: nil, priority: "NORMAL", due: 0),
            storeTask("dial", kind: .dial, queue: "hot", priority: "IMMEDIATE", due: 0),
        ], rulesVersion: "v1", createdAt: 0)
        // By queue, queue-less tasks never come.
        #expect(try await store.claimTasks(queue: "hot", limit: 10, leaseMilliseconds: 1_000, now: 100).map(\.task.id) == ["dial"])
        let mails = try await store.claimTasks(queue: nil, kind: .email, limit: 10, leaseMilliseconds: 1_000, now: 100)
        #expect(mails.map(\.task.id) == ["mail-urgent", "mail-early", "mail-late"])
        #expect(mails.allSatisfy { $0.claims == 1 && $0.leaseExpiresAt == 1_100 && !$0.leaseToken.isEmpty })
        #expect(Set(mails.map(\.leaseToken)).count == 3)
        #expect(try await store.claimTasks(queue: nil, kind: .email, limit: 10, leaseMilliseconds: 1_000, now: 200).isEmpty)
        // Expired leases come back by kind too.
        #expect(try await store.claimTasks(queue: nil, kind: .email, limit: 1, leaseMilliseconds: 1_000,
                                           now: 1_100).map(\.task.id) == ["mail-urgent"])
        #expect(try await store.claimTasks(queue: nil, kind: .sms, limit: 10, leaseMilliseconds: 1_000, now: 100).map(\.task.id) == ["sms"])
        let leased = try #require(try await store.task(id: "mail-early"))
        #expect(leased.state == .leased && leased.claims == 1 && leased.leaseToken == mails[1].leaseToken)
        #expect(try await store.ackTask(id: "mail-early", leaseToken: mails[1].leaseToken, now: 150) == .done)
    }

    @Test func queueAndKindTogetherAndNeither() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        _ = try await store.insertTasks([
            storeTask("dial-hot", kind: .dial, queue: "hot", due: 0),
            storeTask("handoff-hot", kind: .handoff, queue: "hot", due: 1),
            storeTask("dial-warm", kind: .dial, queue: "warm", due: 2),
            storeTask("mail", kind: .email, queue: nil, priority: nil, due: 3),
        ], rulesVersion: "v1", createdAt: 0)
        #expect(try await store.claimTasks(queue: "hot", kind: .handoff, limit: 10, leaseMilliseconds: 10,
                                           now: 10).map(\.task.id) == ["handoff-hot"])
        #expect(try await store.claimTasks(queue: nil, kind: nil, limit: 10, leaseMilliseconds: 10,
                                           now: 10).map(\.task.id) == ["dial-hot", "dial-warm", "mail"])
    }
}

@Suite struct DeliveryTests {
    @Test func dueTasksInPriorityThenDueOrderUntilDelivered() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        _ = try await store.insertTasks([
            storeTask("normal", priority: "NORMAL", due: 10),
            storeTask("imm", priority: "IMMEDIATE", due: 50),
            storeTask("mail", kind: .email, queue: nil, priority: nil, due: 0),
            storeTask("future", priority: "IMMEDIATE", due: 10_000),
            storeTask("leased", queue: "warm", priority: "IMMEDIATE", due: 0),
            storeTask("cancelled", priority: "IMMEDIATE", due: 0),
        ], rulesVersion: "v1", createdAt: 0)
        _ = try await store.claimTasks(queue: "warm", limit: 1, leaseMilliseconds: 100_000, now: 0)
        _ = try await store.cancelTask(id: "cancelled", reason: "opt-out")
        #expect(try await store.tasksForDelivery(now: 100, limit: 10).map(\.task.id) == ["imm", "normal", "mail"])
        #expect(try await store.tasksForDelivery(now: 100, limit: 2).map(\.task.id) == ["imm", "normal"])
        #expect(try await store.tasksForDelivery(now: 100, limit: 0).isEmpty)

        #expect(try await store.recordDelivery(id: "imm", .delivered, now: 120))
        let imm = try #require(try await store.task(id: "imm"))
        #expect(imm.state == .acked && imm.ackedAt == 120 && imm.deliveryAttempts == 0)
        #expect(try await store.tasksForDelivery(now: 200, limit: 10).map(\.task.id) == ["normal", "mail"])
        // Only a pending task takes a delivery result.
        #expect(!(try await store.recordDelivery(id: "imm", .failed(error: "late", retryAt: 999), now: 130)))
        #expect(!(try await store.recordDelivery(id: "cancelled", .delivered, now: 130)))
        #expect(!(try await store.recordDelivery(id: "leased", .delivered, now: 130)))
        #expect(!(try await store.recordDelivery(id: "nope", .delivered, now: 130)))
        #expect(try await store.task(id: "cancelled")?.state == .cancelled)
    }

    @Test func aFailedPushWaitsForItsRetryTime() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        _ = try await store.insertTasks([storeTask("a", due: 0), storeTask("b", due: 1)], rulesVersion: "v1", createdAt: 0)
        #expect(try await store.recordDelivery(id: "a", .failed(error: "HTTP 503", retryAt: 1_000), now: 10))
        let a = try #require(try await store.task(id: "a"))
        #expect(a.state == .pending && a.deliveryAttempts == 1 && a.nextDeliveryAt == 1_000 && a.lastDeliveryError == "HTTP 503")
        #expect(try await store.tasksForDelivery(now: 999, limit: 10).map(\.task.id) == ["b"])
        #expect(try await store.tasksForDelivery(now: 1_000, limit: 10).map(\.task.id) == ["a", "b"])
        #expect(try await store.recordDelivery(id: "a", .failed(error: "timeout", retryAt: 3_000), now: 1_010))
        let again = try #require(try await store.task(id: "a"))
        #expect(again.deliveryAttempts == 2 && again.nextDeliveryAt == 3_000 && again.lastDeliveryError == "timeout")
        #expect(try await store.recordDelivery(id: "a", .delivered, now: 3_010))
        let done = try #require(try await store.task(id: "a"))
        #expect(done.state == .acked && done.nextDeliveryAt == nil && done.deliveryAttempts == 2)
    }

    @Test func deadLetteredTasksAreListedNewestFirstAndNeverClaimedOrPushed() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        _ = try await store.insertTasks([storeTask("a", due: 0), storeTask("b", due: 0), storeTask("c", due: 0)],
                                        rulesVersion: "v1", createdAt: 0)
        #expect(try await store.recordDelivery(id: "a", .failed(error: "HTTP 500", retryAt: 50), now: 10))
        #expect(try await store.recordDelivery(id: "a", .deadLettered(error: "HTTP 500 (attempt 2 of 2)"), now: 60))
        #expect(try await store.recordDelivery(id: "b", .deadLettered(error: "HTTP 400"), now: 70))
        let a = try #require(try await store.task(id: "a"))
        #expect(a.state == .deadLettered && a.deadLetteredAt == 60 && a.deliveryAttempts == 2
                && a.lastDeliveryError == "HTTP 500 (attempt 2 of 2)" && a.nextDeliveryAt == nil)
        #expect(try await store.deadLetters(limit: 10).map(\.task.id) == ["b", "a"])
        #expect(try await store.deadLetters(limit: 1).map(\.task.id) == ["b"])
        #expect(try await store.tasksForDelivery(now: 1_000, limit: 10).map(\.task.id) == ["c"])
        #expect(try await store.claimTasks(queue: "hot", limit: 10, leaseMilliseconds: 10, now: 1_000).map(\.task.id) == ["c"])
        // Finished for good: no cancel, no second result, ack says so.
        #expect(!(try await store.cancelTask(id: "a", reason: "opt-out")))
        #expect(try await store.cancelTasks(leadID: "L1", kinds: [.dial], reason: "opt-out") == ["c"])
        #expect(!(try await store.recordDelivery(id: "a", .delivered, now: 2_000)))
        #expect(try await store.ackTask(id: "a", leaseToken: "x", now: 2_000) == .alreadyFinished)
        #expect(try await store.task(id: "a")?.state == .deadLettered)
    }
}
