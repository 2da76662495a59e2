// The writes of one group of engine steps, applied by `Store.commit` in one
// atomic, durable transaction. Order matters: a step's timer requests are
// applied before its tasks (the engine's contract), and a later step of the
// same group may cancel a task an earlier step inserted, so the store applies
// the operations exactly in the order given.

import RulesEngine

/// One write of a group commit (see `Store.commit`).
public enum StoreOperation: Sendable, Hashable {
    /// Inserts or replaces the lead's state.
    case saveLead(StoredLead)
    /// Sets a timer; a timer with the same id is replaced.
    case setTimer(TimerFiring)
    /// Deletes the timer if there is one.
    case cancelTimer(id: String)
    /// Inserts tasks as pending, created at the commit's `now`; a task id
    /// already stored (or inserted earlier in the same commit) is left as it is.
    case insertTasks([LeadTask], rulesVersion: String)
    /// Withdraws the task when it is pending or leased.
    case cancelTask(id: String, reason: String)
    /// Withdraws every pending or leased task of the lead whose kind is in `kinds`.
    case cancelTasks(leadID: String, kinds: Set<TaskKind>, reason: String)
    /// Appends an entry to the lead's history.
    case appendHistory(leadID: String, HistoryEntry)
}

/// What a commit changed.
public struct CommitResult: Sendable, Hashable {
    /// Event ids that were not stored before, in input order (the others were duplicates).
    public var newEventIDs: [String]
    /// Task ids inserted by `insertTasks` operations, in operation order (ids already stored are left out).
    public var insertedTaskIDs: [String]
    /// Task ids withdrawn by `cancelTask`/`cancelTasks` operations, in operation order.
    /// A task inserted and cancelled in the same commit is in both lists.
    public var cancelledTaskIDs: [String]

    public init(newEventIDs: [String] = [], insertedTaskIDs: [String] = [], cancelledTaskIDs: [String] = []) {
        self.newEventIDs = newEventIDs
        self.insertedTaskIDs = insertedTaskIDs
        self.cancelledTaskIDs = cancelledTaskIDs
    }
}
