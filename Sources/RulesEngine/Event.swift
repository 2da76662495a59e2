// The engine's inputs. An event is what a sender posts (DESIGN.md, "Command
// contracts"): `{"id","lead_id","type","at","data"}`; a timer firing is a
// wake-up the engine itself asked for earlier (a quarantine hold ending, a
// cadence step). Times are milliseconds since the epoch, UTC.

/// One lead event, validated against the playbook's EVENT declarations.
public struct Event: Sendable, Hashable {
    /// The sender's id; ingesting the same id twice is a no-op.
    public var id: String
    public var leadID: String
    /// A declared event name, e.g. `lead_created`, `call_outcome`.
    public var type: String
    /// When it happened, ms since the epoch.
    public var at: Int64
    /// The payload, typed per the event's declared parameters (and, for
    /// `lead_created`, the capture fields).
    public var data: [String: Value]

    public init(id: String, leadID: String, type: String, at: Int64, data: [String: Value] = [:]) {
        self.id = id
        self.leadID = leadID
        self.type = type
        self.at = at
        self.data = data
    }
}

/// A wake-up the engine requested with `TimerRequest.set`.
public struct TimerFiring: Sendable, Hashable {
    public var id: String
    public var leadID: String
    /// What the timer is for, e.g. `quarantine_end`, `cadence_step`.
    public var purpose: String
    public var due: Int64
    public init(id: String, leadID: String, purpose: String, due: Int64) {
        self.id = id
        self.leadID = leadID
        self.purpose = purpose
        self.due = due
    }
}

/// What drives one engine step.
public enum Input: Sendable, Hashable {
    case event(Event)
    case timer(TimerFiring)
}
