// What the webhook tests share: a real Hummingbird receiver on 127.0.0.1
// (port 0) that answers as each test scripts it, per idempotency key; a
// temporary SQLiteStore on a virtual clock; a metrics factory that counts.

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore
import RulesDaemon
import RulesEngine
import RulesLanguage
import RulesStore
import Scheduler
import ServiceLifecycle
import Testing

/// One request the receiver got.
struct ReceivedWebhook: Sendable {
    var idempotencyKey: String?
    var authorization: String?
    var signature: String?
    var contentType: String?
    var body: [UInt8]

    /// The body's JSON members by key (the payload is one flat object).
    func members() throws -> [String: JSONValue] {
        guard case .object(let members) = try JSON.parse(body[...]) else {
            Issue.record("the body is not a JSON object: \(String(decoding: body, as: UTF8.self))")
            return [:]
        }
        return Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}

/// Answers webhook POSTs as scripted, per idempotency key; 200 when the
/// script for a key is used up or absent.
actor ScriptedReceiver {
    enum Reply: Sendable {
        case status(Int, body: String = "")
        /// Answers 200 only after `releaseAll()` (the sender may time out first).
        case hang
    }

    private var scripts: [String: [Reply]] = [:]
    private(set) var received: [ReceivedWebhook] = []
    private var hung: [CheckedContinuation<Void, Never>] = []
    private var released = false
    private var countWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    func script(_ key: String, _ replies: [Reply]) {
        scripts[key] = replies
    }

    func requests(forKey key: String) -> [ReceivedWebhook] {
        received.filter { $0.idempotencyKey == key }
    }

    /// Returns once `count` requests have arrived.
    func waitForRequests(_ count: Int) async {
        if received.count >= count { return }
        await withCheckedContinuation { countWaiters.append((count, $0)) }
    }

    fileprivate func receive(_ request: ReceivedWebhook) -> Reply {
        received.append(request)
        let ready = countWaiters.filter { $0.count <= received.count }
        countWaiters.removeAll { $0.count <= received.count }
        for waiter in ready { waiter.continuation.resume() }
        guard let key = request.idempotencyKey, var script = scripts[key], !script.isEmpty else {
            return .status(200)
        }
        let reply = script.removeFirst()
        scripts[key] = script
        return reply
    }

    fileprivate func hang() async {
        if released { return }
        await withCheckedContinuation { hung.append($0) }
    }

    /// Lets every hanging request finish (before the server stops).
    func releaseAll() {
        released = true
        for continuation in hung { continuation.resume() }
        hung.removeAll()
    }
}

/// Runs a Hummingbird receiver on 127.0.0.1, port 0, for the duration of
/// `body`, which gets the receiver's URL.
func withReceiver<T: Sendable>(_ receiver: ScriptedReceiver,
                               _ body: @Sendable (String) async throws -> T) async throws -> T {
    let router = Router()
    router.post("/hook") { request, _ -> Response in
        let buffer = try await request.body.collect(upTo: 1 << 20)
        func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { request.headers[$0] } }
        let received = ReceivedWebhook(idempotencyKey: header("Idempotency-Key"),
                                       authorization: header("Authorization"),
                                       signature: header("X-Rulesd-Signature"),
                                       contentType: header("Content-Type"),
                                       body: Array(buffer.readableBytesView))
        switch await receiver.receive(received) {
        case .status(let code, let text):
            return Response(status: HTTPResponse.Status(code: code),
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        case .hang:
            await receiver.hang()
            return Response(status: .ok)
        }
    }
    let port = PortPromise()
    var logger = Logger(label: "webhook-receiver")
    logger.logLevel = .critical
    let app = Application(router: router,
                          configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                          onServerRunning: { channel in await port.fulfil(channel.localAddress?.port ?? -1) },
                          logger: logger)
    let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await services.run() }
        let bound = await port.value()
        try #require(bound > 0, "the receiver did not bind a port")
        let result: Result<T, any Error>
        do {
            result = .success(try await body("http://127.0.0.1:\(bound)/hook"))
        } catch {
            result = .failure(error)
        }
        await receiver.releaseAll()
        await services.triggerGracefulShutdown()
        try await group.waitForAll()
        return try result.get()
    }
}

actor PortPromise {
    private var port: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    func fulfil(_ value: Int) {
        port = value
        for waiter in waiters { waiter.resume(returning: value) }
        waiters.removeAll()
    }

    func value() async -> Int {
        if let port { return port }
        return await withCheckedContinuation { waiters.append($0) }
    }
}

/// A temporary SQLiteStore and a virtual clock; the directory goes with `remove()`.
struct WebhookFixture {
    static let start: Int64 = 1_774_260_000_000   // 2026-03-23T10:00:00Z
    static let rulesVersion = "3f9a1c0d5e7b"

    let directory: URL
    let store: SQLiteStore
    let clock = VirtualClock(start: WebhookFixture.start)
    let metrics = CountingMetrics()

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("webhook-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("rulesd.sqlite").path, synchronousFull: false)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A dial task of `lead` due `dueIn` ms after the start.
    static func dial(_ id: String, lead: String = "L1", dueIn: Int64 = 0, queue: String = "hot_leads") -> LeadTask {
        LeadTask(id: id, leadID: lead, kind: .dial, queue: queue, priority: "IMMEDIATE", dialMode: "power_dialer",
                 attempt: 1, due: start + dueIn, deadline: start + dueIn + 60_000, rule: "routing.rules:12",
                 reason: "hot lead: call within 60s")
    }

    func insert(_ tasks: [LeadTask]) async throws {
        _ = try await store.insertTasks(tasks, rulesVersion: Self.rulesVersion, createdAt: Self.start)
    }

    func sink(url: String, seed: UInt64 = 42, configure: (inout WebhookConfig) -> Void = { _ in }) -> WebhookSink {
        var config = WebhookConfig(url: url, timeoutMilliseconds: 2_000, maxAttempts: 4,
                                   backoffInitialMilliseconds: 1_000, backoffMaxMilliseconds: 3_000)
        configure(&config)
        var logger = Logger(label: "webhook-test")
        logger.logLevel = .critical
        return WebhookSink(config: config, store: store, clock: clock, random: SplitMix64(seed: seed),
                           metrics: WebhookMetrics(factory: metrics), logger: logger)
    }
}

/// Counts increments per (label, dimensions); recorders and timers keep their values.
final class CountingMetrics: MetricsFactory, @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int64] = [:]

    static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        label + "{" + dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ",") + "}"
    }

    func value(_ label: String, _ dimensions: [(String, String)]) -> Int64 {
        lock.withLock { counts[Self.key(label, dimensions)] ?? 0 }
    }

    fileprivate func add(_ amount: Int64, to key: String) {
        lock.withLock { counts[key, default: 0] += amount }
    }

    fileprivate func reset(_ key: String) {
        lock.withLock { counts[key] = 0 }
    }

    final class Handler: CounterHandler, RecorderHandler, TimerHandler, @unchecked Sendable {
        let key: String
        unowned let owner: CountingMetrics
        init(key: String, owner: CountingMetrics) {
            self.key = key
            self.owner = owner
        }
        func increment(by amount: Int64) { owner.add(amount, to: key) }
        func reset() { owner.reset(key) }
        func record(_ value: Int64) { owner.add(value, to: key) }
        func record(_ value: Double) { owner.add(Int64(value), to: key) }
        func recordNanoseconds(_ duration: Int64) { owner.add(duration, to: key) }
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Handler(key: Self.key(label, dimensions), owner: self)
    }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        Handler(key: Self.key(label, dimensions), owner: self)
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        Handler(key: Self.key(label, dimensions), owner: self)
    }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
}

extension CountingMetrics {
    func deliveries(_ result: String) -> Int64 {
        value(WebhookMetrics.deliveriesName, [("result", result)])
    }
}
