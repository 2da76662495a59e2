// The daemon's tunables. The server fills them from rulesd.yaml and flags
// (docs/RULESD.md); tests set them directly.

/// How a `Daemon` runs. Defaults suit a single sales floor on one machine.
public struct DaemonOptions: Sendable, Hashable {
    /// The rules directory `reload` loads.
    public var rulesDirectory: String
    /// Timers that came due while the daemon was down, fired per second of
    /// clock time after a restart (a full second's worth may fire at once).
    public var catchUpPerSecond: Int = 1000
    /// Timers due within this of now sit in the in-memory wheel; later ones
    /// stay in the store until time brings them near.
    public var timerHorizonMilliseconds: Int64 = 3_600_000
    /// Events per group commit (a single larger `ingest` call is committed alone).
    public var maxBatch: Int = 5000
    /// Events dated later than now plus this are refused (a clock or unit mistake).
    public var maxClockSkewMilliseconds: Int64 = 300_000
    /// History entries `lead(_:)` returns, the most recent ones.
    public var historyLimit: Int = 200
    /// Lead states kept in memory between steps (hot leads are not re-read).
    public var leadCacheCapacity: Int = 100_000
    /// Leads read and re-evaluated per commit after a reload.
    public var reevaluationPageSize: Int = 2000

    public init(rulesDirectory: String, catchUpPerSecond: Int = 1000, timerHorizonMilliseconds: Int64 = 3_600_000,
                maxBatch: Int = 5000, maxClockSkewMilliseconds: Int64 = 300_000, historyLimit: Int = 200,
                leadCacheCapacity: Int = 100_000, reevaluationPageSize: Int = 2000) {
        self.rulesDirectory = rulesDirectory
        self.catchUpPerSecond = catchUpPerSecond
        self.timerHorizonMilliseconds = timerHorizonMilliseconds
        self.maxBatch = maxBatch
        self.maxClockSkewMilliseconds = maxClockSkewMilliseconds
        self.historyLimit = historyLimit
        self.leadCacheCapacity = leadCacheCapacity
        self.reevaluationPageSize = reevaluationPageSize
    }
}
