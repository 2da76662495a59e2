// The loop that fires timers in rulesd: run what is due, then sleep until
// the daemon's next wake-up — or until something may have set an earlier
// timer (an ingest, a reload), which pokes the loop awake to ask again.
//
// The daemon itself never sleeps: `runDue` fires what is due at its clock's
// now, so tests drive it on a VirtualClock while this loop drives it on the
// system clock. A graceful shutdown lets a `runDue` in progress finish (its
// commit is not cut short) and then ends the loop.

import Foundation
import Logging
import ServiceLifecycle

/// What the timer loop drives (the `Daemon`).
public protocol TimerDriven: Sendable {
    /// Fires what is due now; returns how many fired.
    func runDue() async -> Int
    /// When `runDue` should next run, ms since the epoch; nil when nothing is pending.
    func nextWake() async -> Int64?
}

/// Wakes a sleeping loop early. A poke while nobody waits is remembered,
/// so a timer set between `nextWake` and the sleep is not missed.
public final class WakeSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?

    public init() {}

    public func poke() {
        lock.lock()
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume()
        } else {
            pending = true
            lock.unlock()
        }
    }

    /// Returns after `milliseconds`, or at once on a poke (one made since the
    /// last wait included). - Returns: true when a poke ended the wait.
    @discardableResult
    public func wait(milliseconds: Int64) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.waitForPoke(); return !Task.isCancelled }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(max(0, milliseconds)) * 1_000_000)
                return false
            }
            let poked = await group.next() ?? false
            group.cancelAll()
            return poked
        }
    }

    private func waitForPoke() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                lock.lock()
                if pending || Task.isCancelled {
                    pending = false
                    lock.unlock()
                    continuation.resume()
                    return
                }
                waiter = continuation
                lock.unlock()
            }
        } onCancel: {
            lock.lock()
            let waiter = self.waiter
            self.waiter = nil
            lock.unlock()
            waiter?.resume()
        }
    }
}

/// The timer loop as a service of rulesd's ServiceGroup.
public struct TimerLoop: Service {
    let target: any TimerDriven
    let signal: WakeSignal
    let now: @Sendable () -> Int64
    /// The daemon's "a timer earlier than your last nextWake was set" signal.
    let wakeups: AsyncStream<Void>?
    let logger: Logger
    /// Longest sleep: the loop asks again at least this often (a wall-clock
    /// jump must not leave timers waiting).
    static let maxSleepMilliseconds: Int64 = 30_000
    /// Shortest pause when the daemon says "now" but fired nothing (catch-up
    /// rate limit reached): never spin.
    static let idleMilliseconds: Int64 = 5

    public init(target: any TimerDriven, signal: WakeSignal = WakeSignal(), wakeups: AsyncStream<Void>? = nil,
                now: @escaping @Sendable () -> Int64, logger: Logger) {
        self.target = target
        self.signal = signal
        self.wakeups = wakeups
        self.now = now
        self.logger = logger
    }

    public func run() async throws {
        let stopping = StopFlag()
        let signal = signal
        await withTaskGroup(of: Void.self) { group in
            if let wakeups {
                group.addTask {
                    for await _ in wakeups { signal.poke() }
                }
            }
            await withGracefulShutdownHandler {
                // Cancelled (another service failed): stop too, or the
                // cancelled waits below would return at once, forever.
                while !stopping.isSet && !Task.isCancelled {
                    let fired = await target.runDue()
                    if fired > 0 { logger.debug("timers fired", metadata: ["count": "\(fired)"]) }
                    guard !stopping.isSet && !Task.isCancelled else { break }
                    let delay = Self.delay(until: await target.nextWake(), now: now(), fired: fired)
                    await signal.wait(milliseconds: delay)
                }
            } onGracefulShutdown: {
                stopping.set()
                signal.poke()
            }
            // The wake-up stream never ends while the daemon lives.
            group.cancelAll()
        }
    }

    /// How long to sleep before the next `runDue`.
    static func delay(until wake: Int64?, now: Int64, fired: Int) -> Int64 {
        guard let wake else { return maxSleepMilliseconds }
        let delay = min(maxSleepMilliseconds, wake - now)
        if delay > 0 { return delay }
        return fired > 0 ? 0 : idleMilliseconds
    }
}

final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
