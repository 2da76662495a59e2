// When a burst of file events has settled. An editor's save is several
// events (vim: write a temp file, rename it over the old one, chmod), a
// Kubernetes ConfigMap update a dozen; reloading on the first one would check
// a half-done change. The watcher reloads once the directory has been quiet
// for `quiet`, and at the latest `maxDelay` after the burst began, so that a
// file written to without pause cannot hold reloads back forever.
//
// Pure arithmetic on monotonic nanoseconds so that it is tested without a clock.

/// The debounce of `RulesWatcher`.
struct RulesWatcherDebounce: Sendable, Equatable {
    /// Quiet time after the last event, in nanoseconds.
    let quiet: Int64
    /// Longest time from the first event of a burst to its reload, in nanoseconds.
    let maxDelay: Int64
    /// First and last event of the burst under way; nil when settled.
    private(set) var first: Int64?
    private(set) var last: Int64?

    init(quiet: Int64, maxDelay: Int64) {
        self.quiet = max(0, quiet)
        self.maxDelay = max(self.quiet, maxDelay)
    }

    /// An event that may change the rules came in at `now`.
    mutating func note(at now: Int64) {
        if first == nil { first = now }
        last = now
    }

    /// When the burst under way is settled; nil when there is none.
    var deadline: Int64? {
        guard let first, let last else { return nil }
        return min(last + quiet, first + maxDelay)
    }

    /// True (and the burst forgotten) when the burst under way has settled by `now`.
    mutating func fire(at now: Int64) -> Bool {
        guard let deadline, now >= deadline else { return false }
        first = nil
        last = nil
        return true
    }
}
