// rulesd without HTTP: the actor that owns the rules in force, the
// near-future timer wheel, the duplicate index and a cache of hot leads,
// and turns events, timer firings and reloads into engine steps committed
// to the store. The server (RulesServer) talks to it through `DaemonAPI`.
//
// Every change goes through one write gate (`withWriteGate`): read the
// lead's state, step the engine, commit the ordered operations, then update
// the cache and the wheel. Between those the actor may suspend (store
// calls are async), so without the gate a timer firing could step a lead
// from a state an in-flight event commit is about to replace. Reads
// (`lead`, `explain`, claims) do not take the gate: the store answers them.
//
// Files: Daemon.swift (state, start, status), DaemonIngest.swift (events and
// group commit), DaemonTimers.swift (runDue, nextWake, refills),
// DaemonReload.swift (apply, reload, re-evaluation), DaemonQueries.swift
// (lead view, explain, claims), DaemonCommitPlan.swift (steps into store
// operations), DaemonTimerCache.swift, DaemonLeadCache.swift, DaemonMetrics.swift.

import CoreMetrics
import Logging
import RulesCompiler
import RulesEngine
import RulesStore
import Scheduler

/// The rules in force: what steps leads now.
struct ActiveRules: Sendable {
    let snapshot: RulesSnapshot
    let engine: Engine
    let record: RulesVersionRecord
    var hash: String { record.hash }
}

/// The daemon: ingest, timers, recovery, reload and re-evaluation, lead views.
public actor Daemon: DaemonAPI {
    let store: any Store
    let options: DaemonOptions
    let clock: any Scheduler.Clock
    let metrics: DaemonMetrics
    let logger: Logger

    /// nil only when the snapshot given at init was refused (start throws).
    var active: ActiveRules?
    /// The startup snapshot when it was refused, for the error and `rules()`.
    let refusedAtInit: RulesSnapshot?
    /// Newest first, at most `attemptsKept`.
    var attempts: [ReloadAttempt] = []
    static let attemptsKept = 10

    var started = false
    var stopping = false
    var duplicates = DuplicateIndex()
    /// Set when a failed commit may have left captures in the index that the
    /// store does not have: rebuilt before the next step.
    var duplicatesStale = false
    var cache: DaemonLeadCache
    var timers: DaemonTimerCache
    var catchUp: CatchUpLimiter
    /// The wake time last reported by `nextWake`, to signal earlier timers.
    var reportedWake: Int64?
    /// When `rulesd_timers_pending` was last counted.
    var lastTimerCount: Int64?

    // The write gate (see the file comment).
    var gateBusy = false
    var gateWaiters: [CheckedContinuation<Void, Never>] = []
    // Reloads run one at a time (each takes the write gate per page).
    var reloadBusy = false
    var reloadWaiters: [CheckedContinuation<Void, Never>] = []

    // Group commit of ingest calls (DaemonIngest.swift).
    var ingestQueue: [IngestWaiter] = []
    var draining = false

    /// Yields when a timer due earlier than the last `nextWake()` answer was
    /// scheduled: the server's timer loop sleeps until `nextWake()` or this.
    public nonisolated let wakeups: AsyncStream<Void>
    let wakeupContinuation: AsyncStream<Void>.Continuation

    public init(store: any Store, snapshot: RulesSnapshot, options: DaemonOptions, clock: any Scheduler.Clock,
                metrics: DaemonMetrics = DaemonMetrics(factory: NOOPMetricsHandler.instance), logger: Logger) {
        self.store = store
        self.options = options
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        let now = clock.now()
        if let program = snapshot.playbook.program {
            let record = RulesVersionRecord(hash: snapshot.hash, files: snapshot.files, loadedAt: now,
                                            how: ReloadTrigger.startup.rawValue)
            active = ActiveRules(snapshot: snapshot, engine: Engine(program: program, holidays: snapshot.playbook.holidays),
                                 record: record)
            refusedAtInit = nil
        } else {
            active = nil
            refusedAtInit = snapshot
        }
        cache = DaemonLeadCache(capacity: options.leadCacheCapacity)
        timers = DaemonTimerCache(start: now, horizon: options.timerHorizonMilliseconds)
        catchUp = CatchUpLimiter(cutoff: now, rate: options.catchUpPerSecond)
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeups = stream
        wakeupContinuation = continuation
    }

    /// Recovery, then ready: records the rules version in force (how =
    /// startup) and the attempt, rebuilds the duplicate index from the stored
    /// captures, and loads the timers due within the horizon into the wheel.
    /// Timers that came due while the daemon was down are then fired by
    /// `runDue`, in due order, at `catchUpPerSecond`.
    /// - Throws: `.invalid` with the diagnostics when the startup rules were
    ///   refused; `.store` when the store fails (the daemon stays not ready).
    public func start() async throws(DaemonError) {
        guard !started else { return }
        guard let active else {
            let diagnostics = refusedAtInit?.diagnosticsText ?? ""
            throw .invalid("the rules in \(options.rulesDirectory) have errors; rulesd cannot start:\n\(diagnostics)")
        }
        let now = clock.now()
        do {
            try await store.recordRulesVersion(active.record)
            let attempt = ReloadAttempt(at: now, how: ReloadTrigger.startup.rawValue, succeeded: true,
                                        rulesVersion: active.hash, diagnostics: active.snapshot.diagnosticsText)
            try await store.recordReloadAttempt(attempt)
            attempts = try await store.reloadAttempts(limit: Self.attemptsKept)
            try await rebuildDuplicates()
            catchUp = CatchUpLimiter(cutoff: now, rate: options.catchUpPerSecond)
            timers = DaemonTimerCache(start: now, horizon: options.timerHorizonMilliseconds)
            try await refillTimers(at: now)
        } catch {
            throw .store(error)
        }
        await refreshPendingTimers(force: true)
        metrics.reload(succeeded: true)
        started = true
        logger.info("rulesd started", metadata: [
            "rules_version": "\(active.hash)", "timers_in_wheel": "\(timers.count)",
            "duplicate_index": "\(duplicates.count)",
        ])
    }

    /// Refuses new work (ingest, timers, reloads) from now on; what is
    /// committing finishes. The server calls it on SIGTERM before draining.
    public func stop() {
        stopping = true
        wakeupContinuation.finish()
    }

    public func readiness() async -> Readiness {
        if stopping { return Readiness(ready: false, reason: "stopping") }
        guard started else { return Readiness(ready: false, reason: "starting: recovery not done") }
        do {
            _ = try await store.currentRulesVersion()
            return Readiness(ready: true)
        } catch {
            return Readiness(ready: false, reason: "store: \(error)")
        }
    }

    public func rules() async -> RulesStatus {
        if let active {
            return RulesStatus(version: active.record, program: active.engine.program, lastAttempts: attempts)
        }
        // Refused at start: there is no program in force; the server never
        // serves before `start` succeeds, but the answer stays well-formed.
        let snapshot = refusedAtInit
        let empty = Self.emptyProgram
        return RulesStatus(version: RulesVersionRecord(hash: snapshot?.hash ?? "", files: snapshot?.files ?? [],
                                                       loadedAt: 0, how: ReloadTrigger.startup.rawValue),
                           program: empty, lastAttempts: attempts)
    }

    /// What `rules()` shows while no rules are in force (refused at start).
    static let emptyProgram: Program = {
        guard let program = Compiler.compile([]).program else { preconditionFailure("an empty playbook compiles") }
        return program
    }()

    // MARK: - Shared machinery

    /// Throws unless the daemon takes work.
    func requireRunning() throws(DaemonError) {
        if stopping { throw .unavailable("rulesd is stopping") }
        if !started { throw .unavailable("rulesd is starting (recovery not done)") }
    }

    /// Runs `body` holding the write gate (see the file comment).
    func withWriteGate<T>(_ body: () async throws(DaemonError) -> T) async throws(DaemonError) -> T {
        await enterGate()
        defer { leaveGate() }
        return try await body()
    }

    func enterGate() async {
        guard gateBusy else {
            gateBusy = true
            return
        }
        await withCheckedContinuation { gateWaiters.append($0) }
    }

    func leaveGate() {
        if gateWaiters.isEmpty { gateBusy = false } else { gateWaiters.removeFirst().resume() }
    }

    /// The lead's latest committed state: the plan's, the cache's, or the
    /// store's (`absent`: ids `preload` found not stored).
    func currentLead(_ id: String, plan: DaemonCommitPlan, absent: Set<String> = []) async throws(StoreError) -> StoredLead? {
        if let lead = plan.lead(id) { return lead }
        if let lead = cache.lead(id) { return lead }
        if absent.contains(id) { return nil }
        guard let lead = try await store.loadLead(id) else { return nil }
        cache.insert(lead)
        return lead
    }

    /// Reads the leads of `ids` the cache lacks, a few readers at once
    /// (the store serves concurrent reads), into the cache.
    /// - Returns: the ids not stored at all (new leads).
    func preload(_ ids: [String]) async throws(StoreError) -> Set<String> {
        var wanted: [String] = []
        var seen = Set<String>()
        for id in ids where seen.insert(id).inserted && cache.lead(id) == nil { wanted.append(id) }
        if wanted.isEmpty { return [] }
        let store = self.store
        let readers = min(4, wanted.count)
        let chunk = (wanted.count + readers - 1) / readers
        let found: [(String, StoredLead?)]
        do {
            found = try await withThrowingTaskGroup(of: [(String, StoredLead?)].self) { group in
                for start in stride(from: 0, to: wanted.count, by: chunk) {
                    let part = Array(wanted[start..<min(start + chunk, wanted.count)])
                    group.addTask {
                        var out: [(String, StoredLead?)] = []
                        out.reserveCapacity(part.count)
                        for id in part { out.append((id, try await store.loadLead(id))) }
                        return out
                    }
                }
                var all: [(String, StoredLead?)] = []
                for try await part in group { all += part }
                return all
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .io("\(error)")
        }
        var absent = Set<String>()
        for (id, lead) in found {
            if let lead { cache.insert(lead) } else { absent.insert(id) }
        }
        return absent
    }

    /// Rebuilds the duplicate index from every stored capture, in store
    /// order (the order they were ingested: the first capture wins).
    func rebuildDuplicates() async throws(StoreError) {
        var index = DuplicateIndex()
        var after: Int64 = 0
        while true {
            let page = try await store.captureEvents(afterSequence: after, limit: 10_000)
            for (sequence, event) in page {
                after = max(after, sequence)
                if index.primary(of: event.leadID) == nil { _ = index.register(capture: event) }
            }
            if page.count < 10_000 { break }
        }
        duplicates = index
        duplicatesStale = false
    }

    /// After a commit is durable: the cache gets the new states, the wheel
    /// the timer changes, the metrics the tasks.
    func applyCommitted(_ plan: DaemonCommitPlan, _ result: CommitResult) {
        for (_, lead) in plan.leads { cache.insert(lead) }
        let wakeBefore = reportedWake
        var earlier = false
        for change in plan.timerChanges {
            switch change {
            case .set(let timer):
                timers.set(timer)
                if let wake = wakeBefore, timer.due < wake, timers.contains(id: timer.id) { earlier = true }
            case .cancel(let id):
                timers.cancel(id: id)
            }
        }
        if earlier { wakeupContinuation.yield() }
        for id in result.insertedTaskIDs {
            guard let issued = plan.issued[id] else { continue }
            metrics.taskIssued(issued.task)
            if let breach = issued.task.slaBreach { metrics.slaBreach(tier: issued.tier, reason: breach) }
            if issued.task.kind == .dial, issued.task.attempt == 1, let captured = issued.capturedAt {
                metrics.speedToLead(seconds: Double(issued.task.due - captured) / 1000, tier: issued.tier)
            }
        }
        for id in result.cancelledTaskIDs {
            metrics.taskWithdrawn(kind: plan.pendingKinds[id])
        }
    }

    /// After a failed commit nothing in memory changed but the duplicate
    /// index, which may hold captures the store does not have.
    func discardFailed(_ plan: DaemonCommitPlan) {
        if plan.captures > 0 { duplicatesStale = true }
    }
}
