// WebhookSink against a real receiver (Hummingbird on 127.0.0.1) and a real
// temporary SQLiteStore, on a virtual clock with a seeded jitter: what is
// delivered, when it is retried, when it is given up, and what the store
// and the metrics say afterwards.

import Foundation
import Logging
import RulesDaemon
import RulesEngine
import RulesLanguage
import RulesStore
import Scheduler
import ServiceLifecycle
import Testing

@Suite("Webhook sink", .serialized, .timeLimit(.minutes(2)))
struct WebhookSinkTests {
    @Test func deliversDueTasksOnceWithTheirIdempotencyKey() async throws {
        let fixture = try WebhookFixture()
        defer { fixture.remove() }
        let receiver = ScriptedReceiver()
        try await fixture.insert([WebhookFixture.dial("t1", lead: "L1"),
                                  WebhookFixture.dial("t2", lead: "L2", dueIn: -5_000),
                                  WebhookFixture.dial("t3", lead: "L3", dueIn: 60_000)])
        try await withReceiver(receiver) { url in
            let sink = fixture.sink(url: url) { $0.bearerToken = "crm-token"; $0.signingSecret = "shh" }
            let first = await sink.deliverDue()
            #expect(first.storeError == nil)
            #expect(Set(first.delivered) == ["t1", "t2"])
            #expect(first.failed.isEmpty && first.deadLettered.isEmpty)

            let requests = await receiver.received
            #expect(requests.compactMap(\.idempotencyKey).sorted() == ["t1", "t2"])
            for request in requests {
                #expect(request.authorization == "Bearer crm-token")
                #expect(request.contentType == "application/json")
                #expect(request.signature == "sha256=" + WebhookPayload.signature(of: request.body, secret: "shh"))
                let body = try request.members()
                #expect(body["id"] == .string(request.idempotencyKey ?? ""))
                #expect(body["kind"] == .string("dial"))
                #expect(body["queue"] == .string("hot_leads"))
                #expect(body["rule"] == .string("routing.rules:12"))
                #expect(body["rules_version"] == .string(WebhookFixture.rulesVersion))
                #expect(body["delivery_attempt"] == .number(1))
            }
            let t1 = try #require(try await receiver.requests(forKey: "t1").first?.members())
            #expect(t1["lead_id"] == .string("L1"))
            #expect(t1["due"] == .string("2026-03-23T10:00:00Z"))
            #expect(t1["deadline"] == .string("2026-03-23T10:01:00Z"))

            // Delivered means acked: never sent again, not claimable.
            let t1State = try await fixture.store.task(id: "t1")?.state
            #expect(t1State == .acked)
            let t2State = try await fixture.store.task(id: "t2")?.state
            #expect(t2State == .acked)
            let again = await sink.deliverDue()
            #expect(again.fetched == 0 && again.delivered.isEmpty)
            let claimed = try await fixture.store.claimTasks(queue: "hot_leads", limit: 10, leaseMilliseconds: 60_000,
                                                             now: fixture.clock.now())
            #expect(claimed.isEmpty)

            // t3 goes when it comes due, and only t3.
            fixture.clock.advance(by: 60_000)
            let later = await sink.deliverDue()
            #expect(later.delivered == ["t3"])
            fixture.clock.advance(by: 3_600_000)
            #expect(await sink.deliverDue().fetched == 0)
            #expect(await receiver.received.count == 3)
            #expect(fixture.metrics.deliveries("delivered") == 3)
            #expect(fixture.metrics.deliveries("failed") == 0)
        }
    }

    @Test func failuresAreRetriedWithGrowingBackoffWithinTheJitterBounds() async throws {
        let fixture = try WebhookFixture()
        defer { fixture.remove() }
        let receiver = ScriptedReceiver()
        await receiver.script("t1", [.status(500, body: "database down"), .status(503), .status(502)])
        try await fixture.insert([WebhookFixture.dial("t1")])
        try await withReceiver(receiver) { url in
            let sink = fixture.sink(url: url, seed: 2026)   // maxAttempts 4, initial 1 s, max 3 s
            let policy = WebhookRetryPolicy(maxAttempts: 4, initialMilliseconds: 1_000, maxMilliseconds: 3_000)
            var replica = SplitMix64(seed: 2026)
            var ceilings: [Int64] = []
            for attempt in 1...3 {
                let started = fixture.clock.now()
                let report = await sink.deliverDue()
                let failure = try #require(report.failed.first, "attempt \(attempt) should have failed")
                #expect(report.failed.count == 1 && report.delivered.isEmpty)
                #expect(failure.attempt == attempt)
                let delay = failure.retryAt - started
                let ceiling = policy.ceiling(afterAttempt: attempt)
                ceilings.append(ceiling)
                #expect((0...ceiling).contains(delay), "attempt \(attempt): delay \(delay) outside 0...\(ceiling)")
                #expect(delay == policy.delay(afterAttempt: attempt, using: &replica), "the seeded jitter is reproducible")

                let stored = try #require(try await fixture.store.task(id: "t1"))
                #expect(stored.state == .pending)
                #expect(stored.deliveryAttempts == attempt)
                #expect(stored.nextDeliveryAt == failure.retryAt)
                #expect(stored.lastDeliveryError == failure.error)
                #expect(stored.deadLetteredAt == nil)
                if attempt == 1 { #expect(failure.error == "HTTP 500: database down") }

                // Not before its time.
                if failure.retryAt > started {
                    fixture.clock.advance(to: failure.retryAt - 1)
                    #expect(await sink.deliverDue().fetched == 0)
                }
                fixture.clock.advance(to: failure.retryAt)
            }
            #expect(ceilings == [1_000, 2_000, 3_000])

            let last = await sink.deliverDue()
            #expect(last.delivered == ["t1"])
            let finalState = try await fixture.store.task(id: "t1")?.state
            #expect(finalState == .acked)
            let attempts = try await receiver.requests(forKey: "t1").map { try $0.members()["delivery_attempt"] }
            #expect(attempts == [.number(1), .number(2), .number(3), .number(4)])
            #expect(fixture.metrics.deliveries("failed") == 3)
            #expect(fixture.metrics.deliveries("delivered") == 1)
            #expect(fixture.metrics.deliveries("dead_letter") == 0)
        }
    }

    @Test func deadLettersAfterMaxAttemptsAndListsThemNewestFirst() async throws {
        let fixture = try WebhookFixture()
        defer { fixture.remove() }
        let receiver = ScriptedReceiver()
        await receiver.script("t1", Array(repeating: .status(500), count: 10))
        await receiver.script("t2", Array(repeating: .status(429), count: 10))
        try await fixture.insert([WebhookFixture.dial("t1", lead: "L1"), WebhookFixture.dial("t2", lead: "L2")])
        try await withReceiver(receiver) { url in
            let sink = fixture.sink(url: url) { $0.maxAttempts = 3 }
            for step in 1...3 {
                let report = await sink.deliverDue()
                if step < 3 {
                    #expect(report.failed.count == 2 && report.deadLettered.isEmpty, "step \(step)")
                } else {
                    #expect(report.failed.isEmpty)
                    #expect(report.deadLettered.map(\.attempt) == [3, 3])
                }
                // Every retry of this step is due within the 2 s ceiling; go past all of them.
                fixture.clock.advance(by: 2_000)
            }
            let letters = try await fixture.store.deadLetters(limit: 10)
            #expect(Set(letters.map(\.task.id)) == ["t1", "t2"])
            for letter in letters {
                #expect(letter.deliveryAttempts == 3)
                #expect(letter.state == .deadLettered)
                #expect(letter.deadLetteredAt != nil)
                #expect(letter.lastDeliveryError?.hasPrefix("HTTP ") == true)
                #expect(letter.lastDeliveryError?.contains("attempt 3 of 3") == true)
            }

            // Given up means given up: no more POSTs, not claimable.
            fixture.clock.advance(by: 86_400_000)
            #expect(await sink.deliverDue().fetched == 0)
            #expect(await receiver.received.count == 6)
            let claimed = try await fixture.store.claimTasks(queue: "hot_leads", limit: 10, leaseMilliseconds: 60_000,
                                                             now: fixture.clock.now())
            #expect(claimed.isEmpty)
            #expect(fixture.metrics.deliveries("failed") == 4)
            #expect(fixture.metrics.deliveries("dead_letter") == 2)

            // A later dead letter comes first.
            try await fixture.insert([WebhookFixture.dial("t9", lead: "L9", dueIn: 86_400_000)])
            await receiver.script("t9", [.status(422, body: "unknown queue hot_leads")])
            let rejected = await sink.deliverDue()
            #expect(rejected.deadLettered.map(\.taskID) == ["t9"])
            let newest = try await fixture.store.deadLetters(limit: 10)
            #expect(newest.map(\.task.id).first == "t9")
            #expect(newest.count == 3)
            let newestOnly = try await fixture.store.deadLetters(limit: 1).map(\.task.id)
            #expect(newestOnly == ["t9"])
        }
    }

    @Test func aPayloadRejectionIsDeadLetteredAtOnce() async throws {
        let fixture = try WebhookFixture()
        defer { fixture.remove() }
        let receiver = ScriptedReceiver()
        await receiver.script("t1", [.status(422, body: "queue hot_leads unknown")])
        await receiver.script("t2", [.status(404, body: "no such hook")])
        try await fixture.insert([WebhookFixture.dial("t1", lead: "L1"), WebhookFixture.dial("t2", lead: "L2")])
        try await withReceiver(receiver) { url in
            let sink = fixture.sink(url: url) { $0.maxAttempts = 5 }
            let report = await sink.deliverDue()
            #expect(report.deadLettered.map(\.taskID) == ["t1"])
            #expect(report.deadLettered.first?.attempt == 1)
            #expect(report.deadLettered.first?.error.hasPrefix("HTTP 422: queue hot_leads unknown") == true)
            // A 404 is a wrong URL an operator can fix: retried.
            #expect(report.failed.map(\.taskID) == ["t2"])
            let letters = try await fixture.store.deadLetters(limit: 10).map(\.task.id)
            #expect(letters == ["t1"])
        }
    }

    @Test func aTimeoutIsAFailureAndTheRetryCarriesTheSameKey() async throws {
        let fixture = try WebhookFixture()
        defer { fixture.remove() }
        let receiver = ScriptedReceiver()
        await receiver.script("t1", [.hang])
        try await fixture.insert([WebhookFixture.dial("t1")])
        try await withReceiver(receiver) { url in
            let sink = fixture.sink(url: url) { $0.timeoutMilliseconds = 300 }
            let report = await sink.deliverDue()
            let failure = try #require(report.failed.first)
            #expect(failure.error == "no answer within 300 ms")
            let stateAfterTimeout = try await fixture.store.task(id: "t1")?.state
            #expect(stateAfterTimeout == .pending)

            fixture.clock.advance(to: failure.retryAt)
            let retry = await sink.deliverDue()
            #expect(retry.delivered == ["t1"])
            let keys = await receiver.received.map(\.idempotencyKey)
            #expect(keys == ["t1", "t1"])
        }
    }

    @Test func aRefusedConnectionIsRetried() async throws {
        let fixture = try WebhookFixture()
        defer { fixture.remove() }
        try await fixture.insert([WebhookFixture.dial("t1")])
        // Nothing listens on port 1 of the loopback.
        let sink = fixture.sink(url: "http://127.0.0.1:1/hook")
        let report = await sink.deliverDue()
        let failure = try #require(report.failed.first)
        #expect(failure.attempt == 1)
        #expect(!failure.error.isEmpty)
        let stored = try #require(try await fixture.store.task(id: "t1"))
        #expect(stored.deliveryAttempts == 1)
        #expect(stored.nextDeliveryAt == failure.retryAt)
    }

    @Test func cancelledAndAckedTasksAreNotDelivered() async throws {
        let fixture = try WebhookFixture()
        defer { fixture.remove() }
        let receiver = ScriptedReceiver()
        try await fixture.insert([WebhookFixture.dial("cancelled", lead: "L1"),
                                  WebhookFixture.dial("acked", lead: "L2", queue: "warm_leads"),
                                  WebhookFixture.dial("leased", lead: "L3", queue: "cold_leads"),
                                  WebhookFixture.dial("open", lead: "L4")])
        _ = try await fixture.store.cancelTask(id: "cancelled", reason: "opt-out")
        let now = fixture.clock.now()
        let acked = try await fixture.store.claimTasks(queue: "warm_leads", limit: 1, leaseMilliseconds: 60_000, now: now)
        let token = try #require(acked.first?.leaseToken)
        let ack = try await fixture.store.ackTask(id: "acked", leaseToken: token, now: now)
        #expect(ack == .done)
        let leased = try await fixture.store.claimTasks(queue: "cold_leads", limit: 1, leaseMilliseconds: 60_000, now: now)
        #expect(leased.map(\.task.id) == ["leased"])
        try await withReceiver(receiver) { url in
            let sink = fixture.sink(url: url)
            let report = await sink.deliverDue()
            #expect(report.delivered == ["open"])
            #expect(await receiver.received.map(\.idempotencyKey) == ["open"])
            let cancelledState = try await fixture.store.task(id: "cancelled")?.state
            #expect(cancelledState == .cancelled)
            let ackedState = try await fixture.store.task(id: "acked")?.state
            #expect(ackedState == .acked)
        }
    }

    @Test func aTaskCancelledWhilePushedIsNotRecordedAsDelivered() async throws {
        let fixture = try WebhookFixture()
        defer { fixture.remove() }
        let receiver = ScriptedReceiver()
        await receiver.script("t1", [.hang])
        try await fixture.insert([WebhookFixture.dial("t1")])
        try await withReceiver(receiver) { url in
            let sink = fixture.sink(url: url)
            async let step = sink.deliverDue()
            await receiver.waitForRequests(1)
            // An opt-out withdraws the task while the receiver holds the request.
            let withdrawn = try await fixture.store.cancelTask(id: "t1", reason: "opt-out")
            #expect(withdrawn)
            await receiver.releaseAll()
            let report = await step
            #expect(report.superseded == ["t1"])
            #expect(report.delivered.isEmpty && report.failed.isEmpty)
            let stored = try #require(try await fixture.store.task(id: "t1"))
            #expect(stored.state == .cancelled)
            #expect(stored.deliveryAttempts == 0)
            #expect(fixture.metrics.deliveries("delivered") == 0)
            fixture.clock.advance(by: 3_600_000)
            #expect(await sink.deliverDue().fetched == 0)
        }
    }

    @Test func aBatchAtATimeEachTaskOnce() async throws {
        let fixture = try WebhookFixture()
        defer { fixture.remove() }
        let receiver = ScriptedReceiver()
        let ids = (1...10).map { "t\($0)" }
        try await fixture.insert(ids.enumerated().map { WebhookFixture.dial($1, lead: "L\($0)", dueIn: -Int64($0)) })
        try await withReceiver(receiver) { url in
            let sink = fixture.sink(url: url) { $0.batch = 4; $0.concurrency = 3 }
            var delivered: [String] = []
            var fetched: [Int] = []
            for _ in 1...4 {
                let report = await sink.deliverDue()
                fetched.append(report.fetched)
                delivered += report.delivered
            }
            #expect(fetched == [4, 4, 2, 0])
            #expect(delivered.sorted() == ids.sorted())
            #expect(await receiver.received.map { $0.idempotencyKey ?? "" }.sorted() == ids.sorted())
        }
    }

    @Test func theServiceDeliversAndStopsOnGracefulShutdown() async throws {
        let fixture = try WebhookFixture()
        defer { fixture.remove() }
        let receiver = ScriptedReceiver()
        // Real time here: the service waits on the system clock.
        let clock = SystemClock()
        let due = clock.now() - 1_000
        _ = try await fixture.store.insertTasks([LeadTask(id: "s1", leadID: "L1", kind: .email, template: "welcome",
                                                      due: due, rule: "onboarding.rules:3", reason: "welcome email")],
                                            rulesVersion: WebhookFixture.rulesVersion, createdAt: due)
        try await withReceiver(receiver) { url in
            var logger = Logger(label: "webhook-service-test")
            logger.logLevel = .critical
            let sink = WebhookSink(config: WebhookConfig(url: url, pollMilliseconds: 50), store: fixture.store,
                                   clock: clock, random: SplitMix64(seed: 1),
                                   metrics: WebhookMetrics(factory: fixture.metrics), logger: logger)
            let service = WebhookService(sink: sink, clock: clock)
            let group = ServiceGroup(configuration: .init(services: [service], gracefulShutdownSignals: [], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                await receiver.waitForRequests(1)
                // A task that comes due later is picked up by a wake-up or the poll.
                _ = try await fixture.store.insertTasks([LeadTask(id: "s2", leadID: "L2", kind: .sms, template: "book_callback",
                                                              due: clock.now(), rule: "dispositions.rules:8",
                                                              reason: "disposition V01")],
                                                    rulesVersion: WebhookFixture.rulesVersion, createdAt: clock.now())
                service.wake()
                await receiver.waitForRequests(2)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(await receiver.received.map(\.idempotencyKey) == ["s1", "s2"])
            // The step under way at shutdown finished and recorded its outcome.
            let s1State = try await fixture.store.task(id: "s1")?.state
            #expect(s1State == .acked)
            let s2State = try await fixture.store.task(id: "s2")?.state
            #expect(s2State == .acked)
        }
    }
}
