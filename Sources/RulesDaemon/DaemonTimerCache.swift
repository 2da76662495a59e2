// The store is the truth and the wheel is a cache of the near future
// (STYLE.md): every pending timer is a row in the store; the wheel holds
// those due at or before `loadedThrough`, which the daemon keeps about one
// horizon ahead of the clock. A 90-day nurture step stays in SQLite until
// it comes within the horizon; a timer set for the next minute goes into
// the wheel at once, after the commit that stored it.
//
// Invariant: a stored timer due at or before `loadedThrough` is in the
// wheel (or being fired under the daemon's write gate). Refills read the
// store up to the new limit and add the timers not already held, so a
// refill never duplicates and never loses one.
//
// Catch-up: timers that came due while the daemon was down (due at or
// before its start) fire in due order at `catchUpPerSecond` of clock time,
// a token bucket holding one second's worth, so a restart after a night
// down does not fire a night of dials in one burst. Timers due after the
// start fire as they come due.

import RulesEngine
import Scheduler

struct DaemonTimerCache {
    let horizon: Int64
    private var wheel: TimingWheel<String>
    private var entries: [String: (timer: TimerFiring, handle: TimerHandle)] = [:]
    /// Every stored timer due at or before this is in the wheel.
    private(set) var loadedThrough: Int64

    init(start: Int64, horizon: Int64) {
        self.horizon = max(2, horizon)
        wheel = TimingWheel(start: start)
        loadedThrough = Int64.min
    }

    var count: Int { entries.count }

    /// True when the clock has come within half a horizon of what is loaded.
    func needsRefill(at now: Int64) -> Bool {
        loadedThrough == .min || now >= loadedThrough - horizon / 2
    }

    /// How far the next refill reads: one horizon past `now`.
    func refillLimit(at now: Int64) -> Int64 {
        let (sum, overflow) = now.addingReportingOverflow(horizon)
        return overflow ? .max : sum
    }

    /// When the daemon must refill to keep the invariant comfortably.
    var refillDue: Int64 { loadedThrough == .min ? .min : loadedThrough - horizon / 2 }

    /// Adds stored timers due at or before `limit` (in the store's due order)
    /// that are not held yet, and moves `loadedThrough` there.
    mutating func load(_ timers: [TimerFiring], through limit: Int64) {
        for timer in timers where entries[timer.id] == nil && timer.due <= limit {
            schedule(timer)
        }
        loadedThrough = max(loadedThrough, limit)
    }

    /// A timer was stored (set or replaced): held when it is near.
    mutating func set(_ timer: TimerFiring) {
        cancel(id: timer.id)
        if timer.due <= loadedThrough { schedule(timer) }
    }

    mutating func cancel(id: String) {
        guard let entry = entries.removeValue(forKey: id) else { return }
        wheel.cancel(entry.handle)
    }

    func contains(id: String) -> Bool { entries[id] != nil }

    /// The earliest due time held.
    mutating func nextDue() -> Int64? { wheel.nextDue() }

    /// Removes and returns the earliest timer due at or before `time`.
    mutating func popDue(upTo time: Int64) -> TimerFiring? {
        while let (_, id, _) = wheel.popNext(upTo: time) {
            if let entry = entries.removeValue(forKey: id) { return entry.timer }
        }
        return nil
    }

    private mutating func schedule(_ timer: TimerFiring) {
        let handle = wheel.schedule(timer.id, at: timer.due)
        entries[timer.id] = (timer, handle)
    }
}

/// The catch-up rate after a restart (see the file comment).
struct CatchUpLimiter {
    /// Timers due at or before this came due while the daemon was down.
    let cutoff: Int64
    /// Per second; 0 means no limit.
    let rate: Int
    private var tokens: Double
    private var last: Int64

    init(cutoff: Int64, rate: Int) {
        self.cutoff = cutoff
        self.rate = max(0, rate)
        tokens = Double(max(0, rate))
        last = cutoff
    }

    func limits(due: Int64) -> Bool { rate > 0 && due <= cutoff }

    /// Takes a token for a catch-up timer at `now`; false when none is left.
    mutating func take(at now: Int64) -> Bool {
        refill(at: now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// When the next token is available, at or after `now`.
    mutating func nextToken(at now: Int64) -> Int64 {
        refill(at: now)
        if tokens >= 1 { return now }
        let milliseconds = ((1 - tokens) * 1000 / Double(rate)).rounded(.up)
        return now + max(1, Int64(milliseconds))
    }

    private mutating func refill(at now: Int64) {
        guard now > last else { return }
        tokens = min(Double(rate), tokens + Double(now - last) * Double(rate) / 1000)
        last = now
    }
}
