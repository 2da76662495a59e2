// When a failed webhook delivery is tried again, and when it is given up.
//
// Exponential backoff with FULL jitter (Brooker, "Exponential Backoff And
// Jitter", AWS Architecture Blog, 2015): after the n-th failed attempt the
// next one waits a uniformly random delay in [0, ceiling(n)], with
//
//     ceiling(n) = min(backoff_max, backoff_initial * 2^(n-1))
//
// e.g. initial 1 s, max 300 s: ceilings 1, 2, 4, 8, ... 256, 300, 300 s.
// Full jitter spreads the retries of many tasks that failed together (a
// receiver outage) over the whole window instead of bunching them at the
// same instants, which is what lets a recovering receiver catch up.
// The random numbers come from an injected generator (SplitMix64 seeded at
// start in rulesd, a fixed seed in tests), so a test knows every delay.
//
// Which answers end the retries at once: see `isPermanentRejection`.

/// The retry schedule and give-up rules of the webhook sink.
public struct WebhookRetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    public var initialMilliseconds: Int64
    public var maxMilliseconds: Int64

    public init(maxAttempts: Int, initialMilliseconds: Int64, maxMilliseconds: Int64) {
        self.maxAttempts = maxAttempts
        self.initialMilliseconds = initialMilliseconds
        self.maxMilliseconds = maxMilliseconds
    }

    /// The longest delay after the `attempt`-th failure (1-based):
    /// `min(max, initial * 2^(attempt-1))`, without overflowing.
    public func ceiling(afterAttempt attempt: Int) -> Int64 {
        let doublings = max(0, attempt - 1)
        var value = max(0, initialMilliseconds)
        for _ in 0..<min(doublings, 63) {
            if value >= maxMilliseconds { break }
            let (doubled, overflow) = value.multipliedReportingOverflow(by: 2)
            value = overflow ? .max : doubled
        }
        return min(value, maxMilliseconds)
    }

    /// A delay drawn uniformly from `0...ceiling(afterAttempt:)` (full jitter).
    ///
    /// Exactly one 64-bit draw per delay, scaled by a full-width multiply
    /// (the high word of `draw * (ceiling + 1)`): no rejection loop, so a
    /// delay always costs one number of the seeded sequence, whatever the
    /// generator returns; the bias is below (ceiling + 1) / 2^64.
    public func delay<R: RandomNumberGenerator>(afterAttempt attempt: Int, using random: inout R) -> Int64 {
        let top = ceiling(afterAttempt: attempt)
        guard top > 0 else { return 0 }
        let draw = random.next()
        let span = UInt64(top) + 1   // at most 2^63: no overflow
        return Int64(span.multipliedFullWidth(by: draw).high)
    }

    /// True when the `attempt`-th failure is the last one allowed.
    public func isExhausted(afterAttempt attempt: Int) -> Bool {
        attempt >= maxAttempts
    }

    /// HTTP statuses that say "this body will never be accepted": the task
    /// is dead-lettered at once instead of being retried. 400 Bad Request,
    /// 410 Gone, 413 Content Too Large, 415 Unsupported Media Type and 422
    /// Unprocessable Content judge the payload itself, so sending the same
    /// bytes again cannot succeed.
    ///
    /// Every other failure is retried: 5xx, 408 and 429 (the receiver asks
    /// for time), and also 401, 403, 404 and other 4xx, which in practice
    /// mean a wrong token or URL in the configuration: an operator fixes
    /// that, and the tasks should still be there when they have.
    public static func isPermanentRejection(status: Int) -> Bool {
        switch status {
        case 400, 410, 413, 415, 422: true
        default: false
        }
    }
}
