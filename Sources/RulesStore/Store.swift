// The durable side of rulesd: events, lead states, timers, the task outbox
// and rules versions. `Store` is the only thing the server and drivers see;
// SQLite (SQLiteStore) is the embedded default and a PostgreSQL store comes
// later, so nothing here mentions SQL, files or connections. Methods are
// async so a networked store fits the same protocol. See docs/STORE.md.

import RulesCompiler
import RulesEngine

/// Why a store operation failed. Messages are meant for an operator.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process holds the database (another rulesd on the same file).
    case locked(String)
    /// The database was migrated by a newer rulesd; `unknown` lists the
    /// migrations this binary does not know.
    case newerSchema(unknown: [String])
    /// The database is damaged or not a database at all.
    case corrupt(String)
    /// Disk full, permission denied, unreadable file...
    case io(String)
    /// A stored row could not be decoded (JSON of a lead state, an unknown task kind).
    case invalidRecord(String)

    public var description: String {
        switch self {
        case .locked(let detail):
            return "the database is locked by another process (is another rulesd running on it?): \(detail)"
        case .newerSchema(let unknown):
            return "database schema is newer than this rulesd: unknown migrations \(unknown.joined(separator: ", ")); upgrade rulesd"
        case .corrupt(let detail):
            return "the database is corrupt or not a rulesd database: \(detail)"
        case .io(let detail):
            return "database I/O error: \(detail)"
        case .invalidRecord(let detail):
            return "a stored record could not be read: \(detail)"
        }
    }
}

/// A lead's state as stored, with the rules version that produced it.
public struct StoredLead: Sendable, Hashable {
    public var state: LeadState
    /// Content hash of the rules version that computed `state`.
    public var rulesVersion: String
    /// When it was saved, ms since the epoch.
    public var updatedAt: Int64
    public init(state: LeadState, rulesVersion: String, updatedAt: Int64) {
        self.state = state
        self.rulesVersion = rulesVersion
        self.updatedAt = updatedAt
    }
}

/// Where a task is in the outbox.
public enum TaskState: String, Sendable, Hashable, CaseIterable {
    /// Waiting to come due, or due and not claimed.
    case pending
    /// Claimed under a lease; claimable again once the lease expires.
    case leased
    /// Done: the claimant acknowledged it.
    case acked
    /// Withdrawn before delivery (re-planning, opt-out, DNC).
    case cancelled
    /// The webhook gave up on it (`DeliveryResult.deadLettered`): never claimed or pushed again.
    case deadLettered = "dead_lettered"
}

/// A task in the outbox with its delivery state.
public struct StoredTask: Sendable, Hashable {
    public var task: LeadTask
    public var state: TaskState
    public var rulesVersion: String
    public var createdAt: Int64
    public var leaseToken: String?
    public var leaseExpiresAt: Int64?
    /// How many times it was claimed (a retry after an expired lease counts).
    public var claims: Int
    public var ackedAt: Int64?
    public var cancelReason: String?
    /// Webhook pushes that failed so far (a dead-lettering one included).
    public var deliveryAttempts: Int
    /// When the webhook may push it again after a failure.
    public var nextDeliveryAt: Int64?
    /// The last failed push's error, for operators.
    public var lastDeliveryError: String?
    /// When the webhook gave up on it (state `.deadLettered`).
    public var deadLetteredAt: Int64?

    public init(task: LeadTask, state: TaskState, rulesVersion: String, createdAt: Int64,
                leaseToken: String? = nil, leaseExpiresAt: Int64? = nil, claims: Int = 0,
                ackedAt: Int64? = nil, cancelReason: String? = nil, deliveryAttempts: Int = 0,
                nextDeliveryAt: Int64? = nil, lastDeliveryError: String? = nil, deadLetteredAt: Int64? = nil) {
        self.task = task
        self.state = state
        self.rulesVersion = rulesVersion
        self.createdAt = createdAt
        self.leaseToken = leaseToken
        self.leaseExpiresAt = leaseExpiresAt
        self.claims = claims
        self.ackedAt = ackedAt
        self.cancelReason = cancelReason
        self.deliveryAttempts = deliveryAttempts
        self.nextDeliveryAt = nextDeliveryAt
        self.lastDeliveryError = lastDeliveryError
        self.deadLetteredAt = deadLetteredAt
    }
}

/// A task handed to a claimant: ack or release it with `leaseToken`.
public struct ClaimedTask: Sendable, Hashable {
    public var task: LeadTask
    public var leaseToken: String
    public var leaseExpiresAt: Int64
    /// 1 on the first claim, more after expired leases or releases.
    public var claims: Int
}

/// What ack or release found.
public enum LeaseOutcome: Sendable, Hashable {
    case done
    case notFound
    /// The lease expired and someone else claimed the task, or the token is wrong.
    case leaseLost
    /// Already acked (or cancelled): nothing to do.
    case alreadyFinished
}

/// One rules file of a version.
public struct RulesFile: Sendable, Hashable, Codable {
    public var path: String
    public var sha256: String
    public init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }
}

/// A rules version that was put in force.
public struct RulesVersionRecord: Sendable, Hashable {
    /// Content hash of the whole rule set: the version's name.
    public var hash: String
    public var files: [RulesFile]
    public var loadedAt: Int64
    /// How it was loaded: `startup`, `inotify`, `sighup`, `api`.
    public var how: String
    /// Who asked, when known (an API token's name, a user).
    public var by: String?
    public init(hash: String, files: [RulesFile], loadedAt: Int64, how: String, by: String? = nil) {
        self.hash = hash
        self.files = files
        self.loadedAt = loadedAt
        self.how = how
        self.by = by
    }
}

/// A reload attempt, good or bad, with its diagnostics as rendered text.
public struct ReloadAttempt: Sendable, Hashable {
    public var at: Int64
    public var how: String
    public var succeeded: Bool
    /// The version put in force when it succeeded.
    public var rulesVersion: String?
    /// Rendered diagnostics (errors when it failed, warnings otherwise); empty when clean.
    public var diagnostics: String
    public init(at: Int64, how: String, succeeded: Bool, rulesVersion: String? = nil, diagnostics: String = "") {
        self.at = at
        self.how = how
        self.succeeded = succeeded
        self.rulesVersion = rulesVersion
        self.diagnostics = diagnostics
    }
}

/// The durable store behind rulesd.
///
/// Promises, whatever the backend:
/// - a call that returns has made its writes durable (an acknowledged event is on disk);
/// - each call is atomic: all of its writes or none;
/// - events and tasks are idempotent by id: storing one again is a no-op;
/// - claims never hand the same task to two claimants under live leases.
public protocol Store: AnyObject, Sendable {
    // MARK: Events

    /// Appends events in one atomic, durable write (group commit). Events
    /// whose id is already stored (or repeated in the batch) are skipped.
    /// - Returns: the ids that were new, in input order.
    func appendEvents(_ events: [Event], receivedAt: Int64) async throws(StoreError) -> [String]
    /// A lead's events in time order (then arrival order).
    func events(ofLead leadID: String) async throws(StoreError) -> [Event]
    func containsEvent(id: String) async throws(StoreError) -> Bool
    func eventCount() async throws(StoreError) -> Int
    /// The ids among `ids` that are not stored yet (a pre-check before
    /// stepping a batch; `commit` stays the authority on what is new).
    func newEventIDs(among ids: [String]) async throws(StoreError) -> Set<String>

    // MARK: Group commit

    /// One atomic, durable write for a group of engine steps: appends the
    /// events idempotently (as `appendEvents`), then applies `operations`
    /// in the order given, so a later operation sees the earlier ones (a task
    /// inserted and then cancelled in the same commit ends cancelled). When
    /// any part fails nothing is written, the events included.
    /// - Parameter now: the time tasks are created at.
    func commit(events: [Event], receivedAt: Int64, operations: [StoreOperation],
                now: Int64) async throws(StoreError) -> CommitResult

    // MARK: History

    /// The lead's last `limit` history entries, oldest first.
    func history(ofLead leadID: String, limit: Int) async throws(StoreError) -> [HistoryEntry]

    // MARK: Leads

    func loadLead(_ leadID: String) async throws(StoreError) -> StoredLead?
    /// Inserts or replaces the lead's state.
    func saveLead(_ lead: StoredLead) async throws(StoreError)
    /// Every stored lead id, sorted.
    func leadIDs() async throws(StoreError) -> [String]

    // MARK: Timers

    /// Sets a timer; a timer with the same id is replaced.
    func setTimer(_ timer: TimerFiring) async throws(StoreError)
    /// - Returns: false when there was no such timer.
    @discardableResult
    func cancelTimer(id: String) async throws(StoreError) -> Bool
    /// Timers with `due <= time`, in (due, id) order; `Int64.max` lists them all.
    func timers(dueAtOrBefore time: Int64, limit: Int?) async throws(StoreError) -> [TimerFiring]
    func timers(ofLead leadID: String) async throws(StoreError) -> [TimerFiring]

    // MARK: Task outbox

    /// Inserts tasks as pending; a task id already stored is left as it is.
    /// - Returns: the ids that were new, in input order.
    func insertTasks(_ tasks: [LeadTask], rulesVersion: String, createdAt: Int64) async throws(StoreError) -> [String]
    /// Claims up to `limit` tasks due at `now` (pending, or leased with an
    /// expired lease) of `queue` and/or of `kind`, in priority then due order,
    /// leasing them until `now + leaseMilliseconds`. A dialer names its queue;
    /// a mailer or SMS gateway names the kind (emails and SMS have no queue).
    /// A nil filter does not filter: with both nil any due task is claimed.
    /// Dead-lettered tasks are never claimed.
    func claimTasks(queue: String?, kind: TaskKind?, limit: Int, leaseMilliseconds: Int64,
                    now: Int64) async throws(StoreError) -> [ClaimedTask]
    /// Marks a claimed task done. An expired lease still acks if nobody claimed the task since.
    func ackTask(id: String, leaseToken: String, now: Int64) async throws(StoreError) -> LeaseOutcome
    /// Gives a claimed task back: claimable again at once.
    func releaseTask(id: String, leaseToken: String) async throws(StoreError) -> LeaseOutcome
    /// Withdraws a task not yet acked. - Returns: false when there is no such task or it was acked.
    @discardableResult
    func cancelTask(id: String, reason: String) async throws(StoreError) -> Bool
    /// Withdraws every pending or leased task of the lead whose kind is in `kinds`.
    /// - Returns: the ids withdrawn.
    @discardableResult
    func cancelTasks(leadID: String, kinds: Set<TaskKind>, reason: String) async throws(StoreError) -> [String]
    func task(id: String) async throws(StoreError) -> StoredTask?
    /// A lead's tasks in (due, id) order, any state.
    func tasks(ofLead leadID: String) async throws(StoreError) -> [StoredTask]

    // MARK: Webhook delivery

    /// Tasks for the webhook to push at `now`: pending, due, past their retry
    /// time (`nextDeliveryAt`), in priority then due order. Dead-lettered,
    /// leased, acked and cancelled tasks are not among them.
    func tasksForDelivery(now: Int64, limit: Int) async throws(StoreError) -> [StoredTask]
    /// Records what came of pushing a pending task. `.delivered` acks it;
    /// `.failed` counts the attempt and sets its retry time; `.deadLettered`
    /// counts the attempt and gives up on it for good.
    /// - Returns: false when there is no such task or it is no longer pending
    ///   (cancelled or acked meanwhile): nothing was changed.
    @discardableResult
    func recordDelivery(id: String, _ result: DeliveryResult, now: Int64) async throws(StoreError) -> Bool
    /// Dead-lettered tasks, newest first.
    func deadLetters(limit: Int) async throws(StoreError) -> [StoredTask]

    // MARK: Paging

    /// Up to `limit` leads with an id after `afterID` (nil: from the first), in
    /// id order, whatever their status. Pass the last id of a page to get the next.
    func leads(afterID: String?, limit: Int) async throws(StoreError) -> [StoredLead]
    /// Up to `limit` `lead_created` events stored after sequence number
    /// `afterSequence` (0: from the first), in store order, with their
    /// sequence numbers (for rebuilding the duplicate index at start).
    func captureEvents(afterSequence: Int64, limit: Int) async throws(StoreError) -> [(sequence: Int64, event: Event)]
    func pendingTimerCount() async throws(StoreError) -> Int
    func leadCount() async throws(StoreError) -> Int

    // MARK: Rules versions and reloads

    func recordRulesVersion(_ version: RulesVersionRecord) async throws(StoreError)
    /// The version recorded last.
    func currentRulesVersion() async throws(StoreError) -> RulesVersionRecord?
    func recordReloadAttempt(_ attempt: ReloadAttempt) async throws(StoreError)
    /// The latest attempts, newest first.
    func reloadAttempts(limit: Int) async throws(StoreError) -> [ReloadAttempt]
}

extension Store {
    /// Claims by queue only (a dialer): `claimTasks(queue:kind:...)` with no kind.
    public func claimTasks(queue: String, limit: Int, leaseMilliseconds: Int64,
                           now: Int64) async throws(StoreError) -> [ClaimedTask] {
        try await claimTasks(queue: queue, kind: nil, limit: limit, leaseMilliseconds: leaseMilliseconds, now: now)
    }
}

/// What came of one webhook push of a task.
public enum DeliveryResult: Sendable, Hashable {
    /// The receiver acknowledged it: the task is acked.
    case delivered
    /// It failed (`error` says how); push again at `retryAt`.
    case failed(error: String, retryAt: Int64)
    /// It failed for the last time: the task is dead-lettered.
    case deadLettered(error: String)
}

/// The order tasks are claimed in: a smaller rank first.
///
/// IMMEDIATE, URGENT, HIGH, then `WITHIN_<n>_<unit>` by window (shorter
/// first), then NORMAL, LOW, AUTOMATED, then tasks with no priority.
/// Unknown words rank with NORMAL.
public enum TaskPriority {
    public static func rank(_ name: String?) -> Int64 {
        guard let name else { return 4_000_000_000_000 }
        // The language's own reading of the word (RulesCompiler), so the
        // store ranks exactly the priorities a playbook can write.
        switch Priority(word: name) {
        case .immediate: return 0
        case .urgent: return 1
        case .high: return 2
        case .within(let milliseconds): return 10 + milliseconds
        case .normal, nil: return 3_000_000_000_000
        case .low: return 3_000_000_000_001
        case .automated: return 3_000_000_000_002
        }
    }
}
