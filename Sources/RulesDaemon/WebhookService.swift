// The loop around WebhookSink, as a swift-service-lifecycle Service for
// rulesd's ServiceGroup: run a step; when the batch came back full, run the
// next one at once; otherwise wait until the earliest retry the step
// planned, a wake-up (`wake()`, e.g. after an ingest issued tasks) or
// `poll_ms`, whichever comes first. On graceful shutdown the step under
// way finishes (its outcomes are recorded) and the loop ends; cancellation
// ends it too. The waiting is real time: tests drive `WebhookSink`
// directly on a virtual clock and run this loop only to see it deliver
// and stop.

import Foundation
import Logging
import Scheduler
import ServiceLifecycle

/// Runs webhook delivery steps until shutdown.
public struct WebhookService: Service {
    public let sink: WebhookSink
    private let clock: any Clock
    private let wakeup = WebhookWakeup()
    private let pollMilliseconds: Int64
    private let batch: Int

    public init(sink: WebhookSink, clock: any Clock) {
        self.sink = sink
        self.clock = clock
        self.pollMilliseconds = sink.config.pollMilliseconds
        self.batch = sink.config.batch
    }

    /// Ends the current wait: new tasks may be due.
    public func wake() {
        wakeup.wake()
    }

    public func run() async {
        let wakeup = wakeup
        await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let report = await sink.deliverDue()
                if report.storeError == nil && report.fetched >= batch { continue }
                var wait = pollMilliseconds
                if let retry = report.nextRetryAt { wait = min(wait, max(0, retry - clock.now())) }
                if wait > 0 { await wakeup.wait(milliseconds: wait) }
            }
        } onGracefulShutdown: {
            wakeup.wake()
        }
    }
}

/// A wake-up call that is never lost: `wake()` before `wait` makes the
/// next `wait` return at once. One waiter at a time (the service loop).
final class WebhookWakeup: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?

    func wake() {
        let resumed: CheckedContinuation<Void, Never>? = lock.withLock {
            guard let waiter else {
                pending = true
                return nil
            }
            self.waiter = nil
            return waiter
        }
        resumed?.resume()
    }

    /// Returns after `milliseconds`, on `wake()` or on cancellation.
    func wait(milliseconds: Int64) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: .milliseconds(milliseconds)) }
            group.addTask { await self.woken() }
            await group.next()
            group.cancelAll()
        }
    }

    private func woken() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now: Bool = lock.withLock {
                    if pending {
                        pending = false
                        return true
                    }
                    if Task.isCancelled { return true }
                    waiter = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let resumed: CheckedContinuation<Void, Never>? = lock.withLock {
                defer { waiter = nil }
                return waiter
            }
            resumed?.resume()
        }
    }
}
