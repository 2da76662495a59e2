// Where the scheduler's "now" comes from. The engine never reads a clock
// (time arrives with each input); the drivers that feed it do, through this
// protocol, so `rulesd` runs on the system clock while `rules simulate` and
// `rules test` run the same code on a virtual clock that jumps straight to
// the next thing due: 90 simulated days take as long as the work in them.
//
// Times are milliseconds since the Unix epoch, UTC, like everywhere else in
// the engine.

import Foundation

/// A source of the current time, in ms since the epoch.
///
/// Named after the idea, not Swift's `_Concurrency.Clock`: write
/// `Scheduler.Clock` where both are in scope.
public protocol Clock: Sendable {
    /// The current instant, ms since the epoch.
    func now() -> Int64
}

/// The machine's wall clock.
public struct SystemClock: Clock {
    public init() {}

    public func now() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}

/// A clock that moves only when told to, and never backwards.
///
/// Thread-safe: reads and advances take a lock, so a test may hand the same
/// clock to several components.
public final class VirtualClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Int64

    public init(start: Int64) {
        current = start
    }

    public func now() -> Int64 {
        lock.withLock { current }
    }

    /// Moves the clock to `time`; a time before the current one leaves it
    /// where it is (time does not run backwards). Returns the new time.
    @discardableResult
    public func advance(to time: Int64) -> Int64 {
        lock.withLock {
            current = max(current, time)
            return current
        }
    }

    /// Moves the clock forward by `milliseconds` (negative amounts are ignored).
    @discardableResult
    public func advance(by milliseconds: Int64) -> Int64 {
        lock.withLock {
            let (sum, overflow) = current.addingReportingOverflow(max(0, milliseconds))
            current = overflow ? .max : sum
            return current
        }
    }
}
