// Reload (Prometheus `rules/manager.go` `Update`): the whole new set is
// loaded and checked first (RulesSnapshot); a refused set leaves the rules
// in force untouched, records the attempt with its diagnostics and counts
// it. A good set is swapped in atomically under the write gate, so the next
// step (event, timer or re-evaluation) runs on it; then every open lead is
// re-evaluated under it with `Engine.reevaluate`, a page of leads per
// commit, each page under the write gate so events keep flowing between
// pages. Tasks already delivered (a dialer holds the lease, or acked) are
// not withdrawn by a re-plan; pending timers are re-planned by the
// re-evaluation's timer requests like any step's.
//
// A lead whose re-evaluation changes nothing (same state, no task, no timer)
// is not rewritten: a million leads under a rules change that only moves a
// few of them cost a read each, not a write each.

import RulesEngine
import RulesStore

extension Daemon {
    /// Loads and checks the rules directory, then `apply`.
    public func reload(_ trigger: ReloadTrigger, by: String?) async -> ReloadOutcome {
        let snapshot: RulesSnapshot
        do {
            snapshot = try RulesSnapshot.load(directory: options.rulesDirectory)
        } catch {
            return await refuse(diagnostics: "\(error)", trigger: trigger)
        }
        return await apply(snapshot, trigger: trigger, by: by)
    }

    /// Puts `snapshot` in force when it is good and differs from the rules
    /// in force, and re-evaluates every open lead under it.
    public func apply(_ snapshot: RulesSnapshot, trigger: ReloadTrigger, by: String?) async -> ReloadOutcome {
        await enterReload()
        defer { leaveReload() }
        guard let program = snapshot.playbook.program else {
            return await refuse(diagnostics: snapshot.diagnosticsText, trigger: trigger)
        }
        let now = clock.now()
        if let active, active.hash == snapshot.hash {
            metrics.reload(succeeded: true)
            let attempt = ReloadAttempt(at: now, how: trigger.rawValue, succeeded: true, rulesVersion: snapshot.hash,
                                        diagnostics: snapshot.diagnosticsText)
            return ReloadOutcome(attempt: attempt, unchanged: true, reevaluated: 0)
        }
        let record = RulesVersionRecord(hash: snapshot.hash, files: snapshot.files, loadedAt: now,
                                        how: trigger.rawValue, by: by)
        let attempt = ReloadAttempt(at: now, how: trigger.rawValue, succeeded: true, rulesVersion: snapshot.hash,
                                    diagnostics: snapshot.diagnosticsText)
        let rules = ActiveRules(snapshot: snapshot, engine: Engine(program: program, holidays: snapshot.playbook.holidays),
                                record: record)
        do {
            try await withWriteGate { () async throws(DaemonError) in
                do throws(StoreError) {
                    try await store.recordRulesVersion(record)
                    try await store.recordReloadAttempt(attempt)
                } catch {
                    throw .store(error)
                }
                active = rules
            }
        } catch {
            // The version could not be recorded: the old rules stay in force.
            logger.error("reload could not be recorded; the old rules stay in force", metadata: ["error": "\(error)"])
            return await refuse(diagnostics: "the new rules version could not be recorded: \(error)", trigger: trigger,
                                record: false)
        }
        remember(attempt)
        metrics.reload(succeeded: true)
        logger.info("rules reloaded", metadata: ["rules_version": "\(snapshot.hash)", "how": "\(trigger.rawValue)"])
        let count = await reevaluateOpenLeads(under: rules, at: now)
        return ReloadOutcome(attempt: attempt, unchanged: false, reevaluated: count)
    }

    /// Every open (not closed, not converted) lead through `reevaluate`,
    /// page by page; stops early when a newer version replaced `rules` or
    /// the store fails (logged; the leads not reached keep their state).
    func reevaluateOpenLeads(under rules: ActiveRules, at now: Int64) async -> Int {
        var after: String?
        var total = 0
        while true {
            do {
                let (count, last) = try await withWriteGate { () async throws(DaemonError) -> (Int, String?) in
                    guard !stopping, active?.hash == rules.hash else { return (0, nil) }
                    return try await reevaluatePage(after: after, rules: rules, at: now)
                }
                total += count
                guard let last else { break }
                after = last
            } catch {
                logger.error("re-evaluation stopped", metadata: ["after": "\(after ?? "")", "error": "\(error)"])
                break
            }
        }
        metrics.leadsReevaluated(total)
        await refreshPendingTimers(force: true)
        return total
    }

    /// One page: (leads re-evaluated, the page's last id or nil at the end).
    private func reevaluatePage(after: String?, rules: ActiveRules,
                                at now: Int64) async throws(DaemonError) -> (Int, String?) {
        let size = max(1, options.reevaluationPageSize)
        var plan = DaemonCommitPlan(rulesVersion: rules.hash)
        let page: [StoredLead]
        do { page = try await store.leads(afterID: after, limit: size) } catch { throw .store(error) }
        var count = 0
        for stored in page {
            // The cache is never older than the store (it is written after commits).
            let lead = cache.lead(stored.state.id) ?? stored
            let state = lead.state
            guard state.captured, state.status != .closed, state.status != .converted else { continue }
            let time = max(now, lead.updatedAt)
            let result = rules.engine.reevaluate(state, at: time)
            count += 1
            if result.state == state, result.tasks.isEmpty, result.timers.isEmpty { continue }
            plan.add(result, before: state, input: .reevaluation(version: rules.hash, at: time))
        }
        if !plan.isEmpty {
            do {
                // A re-planned task a dialer already holds (leased) or did is left alone.
                var delivered = Set<String>()
                for id in plan.withdrawnTaskIDs {
                    if let task = try await store.task(id: id), task.state == .leased || task.state == .acked {
                        delivered.insert(id)
                    }
                }
                let operations = plan.operations(keeping: delivered)
                let committed = try await store.commit(events: [], receivedAt: now, operations: operations, now: now)
                applyCommitted(plan, committed)
            } catch {
                throw .store(error)
            }
        }
        return (count, page.count < size ? nil : page.last?.state.id)
    }

    /// A refused reload: the old rules stay; the attempt is recorded and counted.
    private func refuse(diagnostics: String, trigger: ReloadTrigger, record: Bool = true) async -> ReloadOutcome {
        let attempt = ReloadAttempt(at: clock.now(), how: trigger.rawValue, succeeded: false, diagnostics: diagnostics)
        if record {
            do { try await store.recordReloadAttempt(attempt) } catch {
                logger.error("the refused reload could not be recorded", metadata: ["error": "\(error)"])
            }
        }
        remember(attempt)
        metrics.reload(succeeded: false)
        logger.error("rules refused; the rules in force stay", metadata: [
            "how": "\(trigger.rawValue)", "rules_version": "\(active?.hash ?? "none")", "diagnostics": "\(diagnostics)",
        ])
        return ReloadOutcome(attempt: attempt, unchanged: false, reevaluated: 0)
    }

    private func remember(_ attempt: ReloadAttempt) {
        attempts.insert(attempt, at: 0)
        if attempts.count > Self.attemptsKept { attempts.removeLast(attempts.count - Self.attemptsKept) }
    }

    private func enterReload() async {
        guard reloadBusy else {
            reloadBusy = true
            return
        }
        await withCheckedContinuation { reloadWaiters.append($0) }
    }

    private func leaveReload() {
        if reloadWaiters.isEmpty { reloadBusy = false } else { reloadWaiters.removeFirst().resume() }
    }
}
