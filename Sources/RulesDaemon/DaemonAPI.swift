// What the HTTP layer (RulesServer) asks of the daemon, and the values it
// gets back. The server depends on this protocol only, so routes, auth and
// error rendering never reach into the daemon's state, and the daemon never
// knows about HTTP. `Daemon` is the implementation.

import RulesCompiler
import RulesEngine
import RulesStore

/// Why a daemon call failed. The server maps each case to an HTTP status.
public enum DaemonError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The store failed (503: the request may be retried; nothing was acknowledged).
    case store(StoreError)
    /// The daemon is starting (recovery) or stopping (503).
    case unavailable(String)
    /// The request asked for something impossible (400), with an operator-readable message.
    case invalid(String)

    public var description: String {
        switch self {
        case .store(let error): "store: \(error)"
        case .unavailable(let why): "unavailable: \(why)"
        case .invalid(let why): why
        }
    }
}

/// What `ingest` did with a batch of already-validated events.
public struct IngestResult: Sendable, Hashable {
    /// Ids stored and applied by this call, in input order.
    public var accepted: [String]
    /// Ids already stored before (idempotent re-send): nothing was done for them.
    public var duplicates: [String]
    public init(accepted: [String], duplicates: [String]) {
        self.accepted = accepted
        self.duplicates = duplicates
    }
}

/// Everything `GET /v1/leads/{id}` shows.
public struct LeadView: Sendable {
    public var lead: StoredLead
    /// Pending timers, by due time.
    public var timers: [TimerFiring]
    /// The lead's tasks in the outbox, any state, by due time.
    public var tasks: [StoredTask]
    /// Oldest first.
    public var history: [HistoryEntry]
    public init(lead: StoredLead, timers: [TimerFiring], tasks: [StoredTask], history: [HistoryEntry]) {
        self.lead = lead
        self.timers = timers
        self.tasks = tasks
        self.history = history
    }
}

/// Which tasks a claimant wants: a dialer names its queue, a mailer or SMS
/// gateway the task kind (emails and SMS have no queue). At least one is set.
public struct ClaimRequest: Sendable, Hashable {
    public var queue: String?
    public var kind: TaskKind?
    public var limit: Int
    public var leaseMilliseconds: Int64
    public init(queue: String?, kind: TaskKind?, limit: Int, leaseMilliseconds: Int64) {
        self.queue = queue
        self.kind = kind
        self.limit = limit
        self.leaseMilliseconds = leaseMilliseconds
    }
}

/// How a reload was asked for.
public enum ReloadTrigger: String, Sendable, Hashable, Codable {
    case startup, inotify, sighup, api
}

/// What a reload did.
public struct ReloadOutcome: Sendable, Hashable {
    public var attempt: ReloadAttempt
    /// True when the files were the same as the version in force: nothing swapped.
    public var unchanged: Bool
    /// Open leads re-evaluated under the new version (0 when refused or unchanged).
    public var reevaluated: Int
    public init(attempt: ReloadAttempt, unchanged: Bool, reevaluated: Int) {
        self.attempt = attempt
        self.unchanged = unchanged
        self.reevaluated = reevaluated
    }
}

/// The rules in force and the last reload, for `GET /v1/rules`.
public struct RulesStatus: Sendable {
    public var version: RulesVersionRecord
    /// The program in force: the server validates events against it.
    public var program: Program
    /// Newest first.
    public var lastAttempts: [ReloadAttempt]
    public init(version: RulesVersionRecord, program: Program, lastAttempts: [ReloadAttempt]) {
        self.version = version
        self.program = program
        self.lastAttempts = lastAttempts
    }
}

/// `GET /readyz`: ready once recovery is done and the store answers.
public struct Readiness: Sendable, Hashable {
    public var ready: Bool
    /// Why not, when not ready.
    public var reason: String?
    public init(ready: Bool, reason: String? = nil) {
        self.ready = ready
        self.reason = reason
    }
}

/// The daemon as the HTTP layer sees it. Every call is safe from any task.
public protocol DaemonAPI: Sendable {
    /// Stores the events durably and applies them, in one atomic write per
    /// group commit; returns only once they are on disk, with their tasks
    /// in the outbox (a hot lead's dial is claimable when this returns).
    /// The events were validated by the caller against `rules().program`.
    func ingest(_ events: [Event]) async throws(DaemonError) -> IngestResult
    /// nil for a lead never seen.
    func lead(_ id: String) async throws(DaemonError) -> LeadView?
    /// The lead's current evaluation under the rules in force, explained
    /// (the `rules eval` report); nil for a lead never seen or not captured.
    func explain(_ id: String) async throws(DaemonError) -> LeadReport?
    func claim(_ request: ClaimRequest) async throws(DaemonError) -> [ClaimedTask]
    func ack(taskID: String, leaseToken: String) async throws(DaemonError) -> LeaseOutcome
    func release(taskID: String, leaseToken: String) async throws(DaemonError) -> LeaseOutcome
    /// Tasks the webhook gave up on, newest first.
    func deadLetters(limit: Int) async throws(DaemonError) -> [StoredTask]
    func rules() async -> RulesStatus
    /// Loads and checks the rules directory; swaps and re-evaluates when good.
    func reload(_ trigger: ReloadTrigger, by: String?) async -> ReloadOutcome
    func readiness() async -> Readiness
}
