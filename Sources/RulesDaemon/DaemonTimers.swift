// Timer firing. `runDue` fires, in due order, what the wheel holds due at
// `clock.now()`: each firing is an engine step committed like an event,
// with the timer's row deleted in the same commit, so a crash either fires
// it (and deletes it) or leaves it to fire after the restart; never both.
// Timers that came due while the daemon was down go at the catch-up rate
// (DaemonTimerCache.swift). Before firing, the wheel is refilled from the
// store when the clock has come within half a horizon of what it holds.
//
// The engine runs a timer at `max(due, the lead's last input time)`, as it
// runs events: a timer fired late by the catch-up after a newer event of
// its lead does not move the lead's time backwards. Firings of one commit
// are applied in order; a firing whose timer an earlier firing of the same
// batch cancelled or re-set is dropped (the re-set one is in the wheel).

import RulesEngine
import RulesStore

extension Daemon {
    /// Most firings per `runDue` call: a playbook whose timers keep setting
    /// each other at the same instant cannot hold the actor forever.
    static let firingsPerCall = 100_000

    /// Fires what is due at `clock.now()` (catch-up timers within the rate).
    /// - Returns: how many timers fired. A store failure fires nothing more
    ///   and leaves the timers to the next call (they are still stored).
    public func runDue() async -> Int {
        guard started, !stopping else { return 0 }
        var fired = 0
        while fired < Self.firingsPerCall {
            let now = clock.now()
            let batch: Int
            do {
                batch = try await withWriteGate { () async throws(DaemonError) -> Int in
                    try await fireBatch(at: now, limit: min(options.maxBatch, Self.firingsPerCall - fired))
                }
            } catch {
                logger.error("firing timers failed; they stay stored and fire at the next run",
                             metadata: ["error": "\(error)"])
                break
            }
            if batch == 0 { break }
            fired += batch
        }
        if fired > 0 {
            metrics.timersFired(fired)
            await refreshPendingTimers(force: false)
        }
        return fired
    }

    /// Sets `rulesd_timers_pending` from the store's count: at start, after
    /// reloads, and after firings at most every `timerCountInterval` of
    /// clock time (a count reads the whole timer table).
    func refreshPendingTimers(force: Bool) async {
        let now = clock.now()
        if !force, let last = lastTimerCount, now - last < Self.timerCountInterval { return }
        lastTimerCount = now
        if let count = try? await store.pendingTimerCount() { metrics.timersPending(count) }
    }

    static let timerCountInterval: Int64 = 10_000

    /// When `runDue` should next run: the earliest timer held (or when the
    /// catch-up rate allows it), or the next refill from the store; nil
    /// before `start`.
    public func nextWake() async -> Int64? {
        guard started, !stopping else { return nil }
        let now = clock.now()
        var wake = timers.refillDue
        if let due = timers.nextDue() {
            var next = due
            if catchUp.limits(due: due) { next = max(due, catchUp.nextToken(at: now)) }
            wake = min(wake, next)
        }
        reportedWake = wake
        return wake
    }

    /// Reads the store's timers up to one horizon past `now` into the wheel.
    func refillTimers(at now: Int64) async throws(StoreError) {
        let limit = timers.refillLimit(at: now)
        let stored = try await store.timers(dueAtOrBefore: limit, limit: nil)
        timers.load(stored, through: limit)
    }

    /// Under the write gate: pops up to `limit` due timers, steps them, and
    /// commits. Returns how many fired (0: nothing due, or the rate is spent).
    private func fireBatch(at now: Int64, limit: Int) async throws(DaemonError) -> Int {
        guard let active else { return 0 }
        if timers.needsRefill(at: now) {
            do { try await refillTimers(at: now) } catch { throw .store(error) }
        }
        var popped: [TimerFiring] = []
        while popped.count < limit, let due = timers.nextDue(), due <= now {
            if catchUp.limits(due: due), !catchUp.take(at: now) { break }
            guard let timer = timers.popDue(upTo: now) else { break }
            popped.append(timer)
        }
        if popped.isEmpty { return 0 }
        var plan = DaemonCommitPlan(rulesVersion: active.hash)
        var touched = Set<String>()
        var fired = 0
        do {
            for timer in popped {
                // An earlier firing of this batch cancelled or re-set it.
                if touched.contains(timer.id) { continue }
                let lead = try await currentLead(timer.leadID, plan: plan)
                var input = timer
                if let last = lead?.updatedAt, last > input.due { input.due = last }
                let result = active.engine.step(lead?.state, .timer(input))
                if lead == nil {
                    // A timer of a lead never stored: deleted, nothing stepped.
                    plan.dropTimer(timer.id)
                } else {
                    plan.add(result, before: lead?.state, input: .timer(timer, at: input.due), firedTimer: timer.id)
                }
                for case .set(let set) in result.timers { touched.insert(set.id) }
                for case .cancel(let id) in result.timers { touched.insert(id) }
                fired += 1
            }
            let committed = try await store.commit(events: [], receivedAt: now, operations: plan.operations(), now: now)
            applyCommitted(plan, committed)
        } catch {
            // Still stored: back into the wheel for the next run.
            for timer in popped { timers.set(timer) }
            discardFailed(plan)
            throw .store(error)
        }
        return fired
    }
}
