// One group commit in the making: engine steps (events, timer firings,
// re-evaluations) turned into the ordered `StoreOperation`s of a single
// `Store.commit`, the way `Simulation.step` applies them in memory:
//
//   per step: its timer requests (set, cancel, cancelTasks, cancelTask)
//             before anything else, then its history entry (rules version,
//             explanation lines, task ids), then its tasks;
//   per lead: the state after its last step, saved once at the end.
//
// A fired timer's own deletion comes first in its step, so a step that sets
// the same timer id again keeps the new one. Nothing here touches the store
// or the wheel: the plan also lists the wheel changes and the task facts the
// daemon applies and counts once the commit is durable.

import RulesEngine
import RulesStore

/// A change to make to the in-memory wheel after the commit.
enum TimerChange {
    case set(TimerFiring)
    case cancel(id: String)
}

/// What the history entry of a step says about its input.
struct StepInput {
    var at: Int64
    var kind: String
    var id: String
    var what: String

    static func event(_ event: Event, at time: Int64) -> StepInput {
        StepInput(at: time, kind: "event", id: event.id, what: event.type)
    }

    static func timer(_ timer: TimerFiring, at time: Int64) -> StepInput {
        StepInput(at: time, kind: "timer", id: timer.id, what: timer.purpose)
    }

    static func reevaluation(version: String, at time: Int64) -> StepInput {
        StepInput(at: time, kind: "reevaluation", id: version, what: "reload")
    }
}

struct DaemonCommitPlan {
    let rulesVersion: String
    private(set) var steps: [StepOperations] = []
    /// Each lead's state after its last step in the plan.
    private(set) var leads: [String: StoredLead] = [:]
    private var leadOrder: [String] = []
    private(set) var timerChanges: [TimerChange] = []
    /// Tasks issued by the plan's steps, by id, with the lead's tier then.
    private(set) var issued: [String: (task: LeadTask, tier: String?, capturedAt: Int64?)] = [:]
    /// Kinds of tasks the plan's leads had pending, for counting withdrawals.
    private(set) var pendingKinds: [String: TaskKind] = [:]
    private(set) var captures = 0

    struct StepOperations {
        var operations: [StoreOperation]
    }

    init(rulesVersion: String) {
        self.rulesVersion = rulesVersion
    }

    var isEmpty: Bool { steps.isEmpty }

    /// The lead as this plan left it, if a step of the plan touched it.
    func lead(_ id: String) -> StoredLead? { leads[id] }

    /// Adds one step. `before`: the lead's state the step started from;
    /// `firedTimer`: the timer the step fires (deleted first).
    mutating func add(_ result: StepResult, before: LeadState?, input: StepInput, firedTimer: String? = nil) {
        var operations: [StoreOperation] = []
        operations.reserveCapacity(result.timers.count + 3)
        if let firedTimer {
            operations.append(.cancelTimer(id: firedTimer))
            timerChanges.append(.cancel(id: firedTimer))
        }
        if let before {
            for pending in before.pendingTasks where pendingKinds[pending.id] == nil {
                pendingKinds[pending.id] = pending.kind
            }
        }
        for request in result.timers {
            switch request {
            case .set(let timer):
                operations.append(.setTimer(timer))
                timerChanges.append(.set(timer))
            case .cancel(let id):
                operations.append(.cancelTimer(id: id))
                timerChanges.append(.cancel(id: id))
            case .cancelTasks(let leadID, let kinds, let reason):
                operations.append(.cancelTasks(leadID: leadID, kinds: kinds, reason: reason))
            case .cancelTask(let id, let reason):
                operations.append(.cancelTask(id: id, reason: reason))
            }
        }
        let state = result.state
        operations.append(.appendHistory(leadID: state.id, HistoryEntry(
            at: input.at, input: input.kind, inputID: input.id, what: input.what, rulesVersion: rulesVersion,
            lines: result.explanation, tasks: result.tasks.map(\.id))))
        if !result.tasks.isEmpty {
            operations.append(.insertTasks(result.tasks, rulesVersion: rulesVersion))
            let capturedAt = state.events[LeadHistory.creation]?.first
            for task in result.tasks {
                issued[task.id] = (task, state.tier, capturedAt)
                pendingKinds[task.id] = task.kind
            }
        }
        steps.append(StepOperations(operations: operations))
        if leads[state.id] == nil { leadOrder.append(state.id) }
        leads[state.id] = StoredLead(state: state, rulesVersion: rulesVersion, updatedAt: input.at)
    }

    /// Counts a `lead_created` registered in the duplicate index by this plan.
    mutating func noteCapture() { captures += 1 }

    /// Ids of the single tasks the plan's steps withdraw (`cancelTask`).
    var withdrawnTaskIDs: [String] {
        steps.flatMap { step in
            step.operations.compactMap { operation -> String? in
                if case .cancelTask(let id, _) = operation { return id }
                return nil
            }
        }
    }

    /// Every operation, in order: the steps', then one saveLead per lead.
    /// `keeping`: tasks whose `cancelTask` is left out (already delivered).
    func operations(keeping: Set<String> = []) -> [StoreOperation] {
        var all: [StoreOperation] = []
        all.reserveCapacity(steps.reduce(0) { $0 + $1.operations.count } + leadOrder.count)
        for step in steps {
            if keeping.isEmpty {
                all += step.operations
                continue
            }
            for operation in step.operations {
                if case .cancelTask(let id, _) = operation, keeping.contains(id) { continue }
                all.append(operation)
            }
        }
        for id in leadOrder {
            if let lead = leads[id] { all.append(.saveLead(lead)) }
        }
        return all
    }
}

extension DaemonCommitPlan {
    /// Deletes a fired timer that had nothing to step (its lead is unknown).
    mutating func dropTimer(_ id: String) {
        steps.append(StepOperations(operations: [.cancelTimer(id: id)]))
        timerChanges.append(.cancel(id: id))
    }
}
