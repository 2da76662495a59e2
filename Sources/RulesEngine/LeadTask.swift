// The engine's outputs: tasks to issue and timers to set or cancel.
// Delivery is at least once, so every task carries a deterministic id
// derived from (lead, rule, due): replaying the same inputs yields the same
// ids and consumers deduplicate on them.

/// What a task asks the floor (or the CRM) to do.
public enum TaskKind: String, Sendable, Hashable, CaseIterable {
    case dial, email, sms, handoff, close, block
}

/// One task for a dialer, a mailer or the CRM.
public struct LeadTask: Sendable, Hashable {
    /// Deterministic: the same lead, rule and due time give the same id.
    public var id: String
    public var leadID: String
    public var kind: TaskKind
    public var queue: String?
    /// Canonical priority name, e.g. `IMMEDIATE`, `WITHIN_2_HOURS`.
    public var priority: String?
    public var dialMode: String?
    public var template: String?
    /// For `block` tasks: the channel blocked, `phone`, `email`, `sms` or `all`.
    public var channel: String?
    /// 1 for the first dial of a lead, then 2, 3, ...
    public var attempt: Int?
    /// When the task should be carried out, ms since the epoch (already
    /// moved into the lead's calling hours for dial and sms).
    public var due: Int64
    /// The latest acceptable time (the tier's speed-to-lead SLA), if any.
    public var deadline: Int64?
    /// The rule that produced the task, `file:line`.
    public var rule: String
    /// Why, in words: "hot lead: call within 60s", "disposition V01".
    public var reason: String
    /// Set when the due time had to move past the deadline, with the cause
    /// (e.g. "outside calling hours"): breaches are reported, never hidden.
    public var slaBreach: String?

    public init(id: String, leadID: String, kind: TaskKind, queue: String? = nil, priority: String? = nil,
                dialMode: String? = nil, template: String? = nil, attempt: Int? = nil, due: Int64,
                deadline: Int64? = nil, rule: String, reason: String, slaBreach: String? = nil,
                channel: String? = nil) {
        self.id = id
        self.leadID = leadID
        self.kind = kind
        self.queue = queue
        self.priority = priority
        self.dialMode = dialMode
        self.template = template
        self.attempt = attempt
        self.due = due
        self.deadline = deadline
        self.rule = rule
        self.reason = reason
        self.slaBreach = slaBreach
        self.channel = channel
    }
}

/// A timer the scheduler should set or cancel for the engine.
public enum TimerRequest: Sendable, Hashable {
    case set(TimerFiring)
    case cancel(id: String)
    /// Withdraw every task of the lead not yet delivered whose kind is in
    /// `kinds` (an opt-out or DNC takes effect for tasks already scheduled).
    case cancelTasks(leadID: String, kinds: Set<TaskKind>, reason: String)
    /// Withdraw one task not yet delivered, by id: re-planning (a lead that
    /// turns hot no longer needs its pending warm dial; a disposition
    /// replaces the next cadence call).
    case cancelTask(id: String, reason: String)
}

extension LeadTask {
    /// The task as a JSON object's members, in the order rulesd's API and
    /// webhook bodies give them (the simulate timeline has its own order, a
    /// contract of its own): id, lead, kind, queue, priority, dial mode,
    /// template, attempt, due, deadline, rule, reason, then `sla_breach` and
    /// `channel` when set. Times are RFC 3339 UTC.
    public var jsonMembers: [JSONMember] {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func time(_ ms: Int64?) -> JSONValue { ms.map { .string(Timestamp.format($0)) } ?? .null }
        var members: [JSONMember] = [
            JSONMember("id", .string(id)),
            JSONMember("lead_id", .string(leadID)),
            JSONMember("kind", .string(kind.rawValue)),
            JSONMember("queue", text(queue)),
            JSONMember("priority", text(priority)),
            JSONMember("dial_mode", text(dialMode)),
            JSONMember("template", text(template)),
            JSONMember("attempt", attempt.map { .number(Double($0)) } ?? .null),
            JSONMember("due", time(due)),
            JSONMember("deadline", time(deadline)),
            JSONMember("rule", .string(rule)),
            JSONMember("reason", .string(reason)),
        ]
        if let breach = slaBreach { members.append(JSONMember("sla_breach", .string(breach))) }
        if let channel { members.append(JSONMember("channel", .string(channel))) }
        return members
    }
}
