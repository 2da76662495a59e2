// What the API reads and the dialers do: the lead view, the explanation
// under the rules in force, claims, acks and releases, dead letters. The
// store answers all of them; none takes the write gate.

import RulesEngine
import RulesStore

extension Daemon {
    public func lead(_ id: String) async throws(DaemonError) -> LeadView? {
        do {
            guard let lead = try await store.loadLead(id) else { return nil }
            async let timers = store.timers(ofLead: id)
            async let tasks = store.tasks(ofLead: id)
            async let history = store.history(ofLead: id, limit: options.historyLimit)
            return LeadView(lead: lead, timers: try await timers, tasks: try await tasks, history: try await history)
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .store(.io("\(error)"))
        }
    }

    /// The lead as `rules eval` reports it, evaluated under the rules in
    /// force at now (or at its last input, when that is later).
    public func explain(_ id: String) async throws(DaemonError) -> LeadReport? {
        guard let active else { throw .unavailable("no rules in force") }
        let stored: StoredLead?
        do { stored = try await store.loadLead(id) } catch { throw .store(error) }
        guard let stored, stored.state.captured else { return nil }
        let state = stored.state
        do {
            let evaluation = try active.engine.evaluate(state, at: max(clock.now(), stored.updatedAt), explain: true)
            return LeadReport(leadID: id, evaluation: evaluation, status: state.status, duplicateOf: state.duplicateOf,
                              program: active.engine.compiled)
        } catch {
            throw .invalid("lead \(id) cannot be evaluated under rules \(active.hash): \(error.description)")
        }
    }

    public func claim(_ request: ClaimRequest) async throws(DaemonError) -> [ClaimedTask] {
        try requireRunning()
        guard request.queue != nil || request.kind != nil else { throw .invalid("claim needs a queue or a task kind") }
        guard request.limit > 0 else { throw .invalid("claim limit must be at least 1") }
        guard request.leaseMilliseconds > 0 else { throw .invalid("lease must be longer than 0 seconds") }
        let claimed: [ClaimedTask]
        do {
            claimed = try await store.claimTasks(queue: request.queue, kind: request.kind, limit: request.limit,
                                                 leaseMilliseconds: request.leaseMilliseconds, now: clock.now())
        } catch {
            throw .store(error)
        }
        for task in claimed { metrics.taskClaimed(task.task) }
        return claimed
    }

    public func ack(taskID: String, leaseToken: String) async throws(DaemonError) -> LeaseOutcome {
        try requireRunning()
        do {
            let outcome = try await store.ackTask(id: taskID, leaseToken: leaseToken, now: clock.now())
            if outcome == .done, let task = try await store.task(id: taskID) { metrics.taskAcked(task.task) }
            return outcome
        } catch {
            throw .store(error)
        }
    }

    public func release(taskID: String, leaseToken: String) async throws(DaemonError) -> LeaseOutcome {
        try requireRunning()
        do { return try await store.releaseTask(id: taskID, leaseToken: leaseToken) } catch { throw .store(error) }
    }

    public func deadLetters(limit: Int) async throws(DaemonError) -> [StoredTask] {
        guard limit > 0 else { throw .invalid("limit must be at least 1") }
        do { return try await store.deadLetters(limit: limit) } catch { throw .store(error) }
    }
}
