// Push delivery: the alternative to claiming. One step (`deliverDue`) takes
// the due, undelivered tasks from the store, POSTs each to the configured
// URL as JSON (one task per request, `Idempotency-Key: <task id>`) and
// records the outcome in the store:
//
//   2xx                                  -> .delivered (the task is acked)
//   400/410/413/415/422                  -> .deadLettered at once
//   any other status, timeout, no answer -> .failed(error, retryAt), or
//                                           .deadLettered on the last attempt
//
// retryAt = the attempt's end + a full-jitter delay (WebhookRetryPolicy).
// Delivery is at least once: a crash between a receiver's 2xx and the
// store write sends the task again, with the same idempotency key.
//
// Time comes from the injected Clock and randomness from the injected
// generator, so tests drive the step on a VirtualClock with a fixed seed;
// only the HTTP exchange itself is real. WebhookService loops the step.
//
// The webhook and the claim API are alternatives: a task is acked by
// whichever delivers it first. Run dialers against queues the webhook's
// receiver does not also work, or use one of the two.

import AsyncHTTPClient
import Logging
import NIOCore
import RulesEngine
import RulesLanguage
import RulesStore
import Scheduler

/// What one delivery step did.
public struct DeliveryReport: Sendable, Equatable {
    /// A failed attempt that will be tried again at `retryAt`.
    public struct Failure: Sendable, Hashable {
        public var taskID: String
        /// 1 for the first attempt.
        public var attempt: Int
        public var error: String
        public var retryAt: Int64
    }

    /// A task given up on (moved to the dead letters).
    public struct DeadLetter: Sendable, Hashable {
        public var taskID: String
        public var attempt: Int
        public var error: String
    }

    /// How many tasks the store handed out (`batch` means more may be waiting).
    public var fetched = 0
    /// Ids answered with 2xx, in store order.
    public var delivered: [String] = []
    public var failed: [Failure] = []
    public var deadLettered: [DeadLetter] = []
    /// Tasks pushed while they stopped being pending (cancelled, or claimed
    /// and acked, meanwhile): their outcome was not recorded or counted.
    public var superseded: [String] = []
    /// Set when the store could not be read or written; the step stopped there.
    public var storeError: StoreError?

    public init() {}

    /// The earliest retry planned by this step.
    public var nextRetryAt: Int64? { failed.map(\.retryAt).min() }
}

/// Delivers due tasks to the webhook receiver. Safe to call from any task:
/// a task already being delivered by a concurrent step is skipped.
public actor WebhookSink {
    public let config: WebhookConfig
    private let store: any Store
    private let clock: any Clock
    private let client: HTTPClient
    private var random: any RandomNumberGenerator & Sendable
    private let metrics: WebhookMetrics
    private let logger: Logger
    private let policy: WebhookRetryPolicy
    /// Ids of tasks whose POST is under way.
    private var inFlight: Set<String> = []

    /// - Parameters:
    ///   - client: a long-lived client shared by the process (`HTTPClient.shared` by default).
    ///   - random: the jitter's source; tests pass a seeded `SplitMix64`.
    public init(config: WebhookConfig,
                store: any Store,
                clock: any Clock,
                client: HTTPClient = .shared,
                random: any RandomNumberGenerator & Sendable = SplitMix64(seed: UInt64.random(in: .min ... .max)),
                metrics: WebhookMetrics,
                logger: Logger) {
        self.config = config
        self.store = store
        self.clock = clock
        self.client = client
        self.random = random
        self.metrics = metrics
        self.logger = logger
        self.policy = config.retryPolicy
    }

    /// One step at the clock's current time.
    public func deliverDue() async -> DeliveryReport {
        await deliverDue(now: clock.now())
    }

    /// Takes up to `batch` tasks due at `now` from the store, POSTs them
    /// (up to `concurrency` at once) and records each outcome. Outcomes
    /// are recorded in store order at the clock's time when the POSTs
    /// ended, so the jitter drawn for a seed does not depend on which
    /// answer arrived first.
    public func deliverDue(now: Int64) async -> DeliveryReport {
        var report = DeliveryReport()
        let due: [StoredTask]
        do {
            due = try await store.tasksForDelivery(now: now, limit: config.batch)
        } catch {
            logger.error("webhook: cannot read the tasks due for delivery: \(error)")
            report.storeError = error
            return report
        }
        let tasks = due.filter { !inFlight.contains($0.task.id) }
        report.fetched = due.count
        guard !tasks.isEmpty else { return report }
        inFlight.formUnion(tasks.map(\.task.id))
        defer { inFlight.subtract(tasks.map(\.task.id)) }

        let outcomes = await post(tasks)
        let ended = max(now, clock.now())
        for (stored, outcome) in zip(tasks, outcomes) {
            let attempt = stored.deliveryAttempts + 1
            let result = decide(outcome, attempt: attempt, at: ended)
            do {
                guard try await store.recordDelivery(id: stored.task.id, result, now: ended) else {
                    logger.info("webhook: task \(stored.task.id) stopped being pending while it was pushed (\(outcome))")
                    report.superseded.append(stored.task.id)
                    continue
                }
            } catch {
                // The attempt happened but is not on record: the task stays
                // due and is sent again (same idempotency key).
                logger.error("webhook: cannot record the delivery of task \(stored.task.id): \(error)")
                report.storeError = error
                return report
            }
            switch result {
            case .delivered:
                metrics.delivered.increment()
                report.delivered.append(stored.task.id)
            case .failed(let error, let retryAt):
                metrics.failed.increment()
                report.failed.append(.init(taskID: stored.task.id, attempt: attempt, error: error, retryAt: retryAt))
                logger.warning("webhook: task \(stored.task.id) attempt \(attempt) failed (\(error)); retry at \(Timestamp.format(retryAt))")
            case .deadLettered(let error):
                metrics.deadLettered.increment()
                report.deadLettered.append(.init(taskID: stored.task.id, attempt: attempt, error: error))
                logger.error("webhook: task \(stored.task.id) dead-lettered after attempt \(attempt): \(error)")
            }
        }
        return report
    }

    /// What the store should record for the `attempt`-th try that ended at `ended`.
    private func decide(_ outcome: WebhookAttempt, attempt: Int, at ended: Int64) -> DeliveryResult {
        switch outcome {
        case .accepted:
            return .delivered
        case .rejected(let status, _) where WebhookRetryPolicy.isPermanentRejection(status: status):
            return .deadLettered(error: outcome.description + " (not retried: the receiver refuses this payload)")
        case .rejected, .unreachable:
            if policy.isExhausted(afterAttempt: attempt) {
                return .deadLettered(error: outcome.description + " (attempt \(attempt) of \(policy.maxAttempts))")
            }
            let delay = policy.delay(afterAttempt: attempt, using: &random)
            return .failed(error: outcome.description, retryAt: ended + delay)
        }
    }

    /// POSTs every task, at most `concurrency` at once; outcomes in input order.
    private func post(_ tasks: [StoredTask]) async -> [WebhookAttempt] {
        let config = config
        let client = client
        var outcomes = [WebhookAttempt?](repeating: nil, count: tasks.count)
        await withTaskGroup(of: (Int, WebhookAttempt).self) { group in
            var next = 0
            func start() {
                let index = next
                let stored = tasks[index]
                next += 1
                group.addTask {
                    let body = WebhookPayload.body(stored, deliveryAttempt: stored.deliveryAttempts + 1)
                    let headers = WebhookPayload.headers(taskID: stored.task.id, body: body, config: config)
                    return (index, await WebhookAttempt.post(body, headers: headers, config: config, client: client))
                }
            }
            while next < min(config.concurrency, tasks.count) { start() }
            while let (index, outcome) = await group.next() {
                outcomes[index] = outcome
                if next < tasks.count { start() }
            }
        }
        return outcomes.map { $0 ?? .unreachable("no outcome") }
    }
}

/// How one POST ended.
enum WebhookAttempt: Sendable, CustomStringConvertible {
    /// A 2xx answer.
    case accepted(status: Int)
    /// Any other answer, with the start of its body.
    case rejected(status: Int, body: String)
    /// No answer: timeout, connection refused or reset, DNS...
    case unreachable(String)

    var description: String {
        switch self {
        case .accepted(let status): "HTTP \(status)"
        case .rejected(let status, let body): body.isEmpty ? "HTTP \(status)" : "HTTP \(status): \(body)"
        case .unreachable(let why): why
        }
    }

    /// The start of a refusal's body kept for the dead-letter record.
    static let bodyPrefixBytes = 200

    static func post(_ body: [UInt8], headers: [(String, String)], config: WebhookConfig,
                     client: HTTPClient) async -> WebhookAttempt {
        var request = HTTPClientRequest(url: config.url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(body)
        let deadline = NIODeadline.now() + .milliseconds(config.timeoutMilliseconds)
        do {
            let response = try await client.execute(request, deadline: deadline)
            let status = Int(response.status.code)
            // Read (and so release) the answer; keep the start of a refusal.
            var kept: [UInt8] = []
            do {
                for try await chunk in response.body where kept.count < bodyPrefixBytes {
                    kept += chunk.readableBytesView.prefix(bodyPrefixBytes - kept.count)
                }
            } catch {
                // A body cut short does not change what the status said.
            }
            if (200..<300).contains(status) { return .accepted(status: status) }
            let text = String(decoding: kept, as: UTF8.self)
                .split(whereSeparator: \.isNewline).joined(separator: " ")
            return .rejected(status: status, body: text)
        } catch let error as HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout:
                return .unreachable("no answer within \(config.timeoutMilliseconds) ms")
            default:
                return .unreachable("\(error)")
            }
        } catch {
            return .unreachable("\(error)")
        }
    }
}
