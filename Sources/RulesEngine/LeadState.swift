// Everything the engine knows about one lead between two inputs. The engine
// is a function of (LeadState?, Input) to a new LeadState, so this value is
// the whole memory of the system for a lead: a store saves it after every
// step and hands it back for the next one. Plain data only (no classes, no
// closures), Hashable so tests can compare whole states, Codable so a store
// can keep it as one JSON document.

/// A contact channel a lead can withdraw consent for, or that a rule blocks.
public enum ContactChannel: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case phone, email, sms

    /// The channel of the `BLOCK` word or `opt_out` value: `"all"` is every channel.
    public static func parse(_ text: String) -> [ContactChannel]? {
        let word = text.lowercased()
        if word == "all" { return allCases }
        return ContactChannel(rawValue: word).map { [$0] }
    }

    /// The task kind this channel carries: phone consent governs dials.
    public var taskKind: TaskKind {
        switch self {
        case .phone: .dial
        case .email: .email
        case .sms: .sms
        }
    }

    public static func < (a: ContactChannel, b: ContactChannel) -> Bool { a.order < b.order }

    private var order: Int {
        switch self {
        case .phone: 0
        case .email: 1
        case .sms: 2
        }
    }
}

/// Where a lead is in its affiliate quarantine (docs/LANGUAGE.md, QUARANTINE).
public struct QuarantineState: Sendable, Hashable, Codable {
    public enum Phase: String, Sendable, Hashable, Codable {
        /// Held: no dial and no SMS until `heldUntil`.
        case holding
        /// Not released at the end of the hold: email only until `emailOnlyUntil`.
        case emailOnly
        /// `RELEASE WHEN` held at the end of the hold, or a `RELEASE` action ran.
        case released
        /// A `GRADUATE ON` event arrived during the email-only nurture.
        case graduated
        /// The email-only period ended without graduation.
        case completed
    }

    /// Index of the quarantine in the program (declaration order).
    public var index: Int
    /// Its name, when it has one.
    public var name: String?
    public var phase: Phase
    /// End of the hold, ms since the epoch.
    public var heldUntil: Int64
    /// End of the email-only nurture, once the lead is in it.
    public var emailOnlyUntil: Int64?

    public init(index: Int, name: String?, phase: Phase, heldUntil: Int64, emailOnlyUntil: Int64? = nil) {
        self.index = index
        self.name = name
        self.phase = phase
        self.heldUntil = heldUntil
        self.emailOnlyUntil = emailOnlyUntil
    }

    /// True while the quarantine keeps dials and SMS away from the lead.
    public var restrictsCalls: Bool { phase == .holding || phase == .emailOnly }
}

/// What the last evaluation of the lead found: its score, points per
/// category, tier and route.
public struct EvaluationSummary: Sendable, Hashable, Codable {
    public var score: Double
    /// Capped points by category name.
    public var points: [String: Double]
    public var tier: String?
    /// `file:line` of the tier's rule.
    public var tierRule: String?
    public var route: DialTarget?
    /// `file:line` of the route taken.
    public var routeRule: String?

    public init(score: Double, points: [String: Double], tier: String?, tierRule: String?,
                route: DialTarget?, routeRule: String?) {
        self.score = score
        self.points = points
        self.tier = tier
        self.tierRule = tierRule
        self.route = route
        self.routeRule = routeRule
    }
}

/// A queue with the priority and dial mode its dials get.
public struct DialTarget: Sendable, Hashable, Codable {
    public var queue: String
    /// Canonical priority name (`IMMEDIATE`, `WITHIN_2_HOURS`).
    public var priority: String?
    /// `power_dialer`, …; `none` means the route does not dial.
    public var dialMode: String?

    public init(queue: String, priority: String?, dialMode: String?) {
        self.queue = queue
        self.priority = priority
        self.dialMode = dialMode
    }

    /// False for `DIAL_MODE = none`.
    public var dials: Bool { dialMode != "none" }
}

/// A task the engine issued whose delivery it has not seen: what an opt-out
/// or a CLOSE must withdraw. Tasks whose due time has passed by the next
/// input are taken as delivered and forgotten.
public struct PendingTask: Sendable, Hashable, Codable {
    /// What a pending task stands for when a later input re-plans the lead.
    public enum Role: String, Sendable, Hashable, Codable {
        /// A tier's speed-to-lead dial (or the trigger dial that covered
        /// it): a hotter tier's dial supersedes it.
        case tierDial
        /// A call or message of the lead's cadence: withdrawn when the lead
        /// leaves the cadence.
        case cadence
    }

    public var id: String
    public var kind: TaskKind
    public var due: Int64
    public var role: Role?
    /// The task's deadline, if any: a tier dial issued again in another
    /// route by a re-evaluation keeps it.
    public var deadline: Int64?
    public init(id: String, kind: TaskKind, due: Int64, role: Role? = nil, deadline: Int64? = nil) {
        self.id = id
        self.kind = kind
        self.due = due
        self.role = role
        self.deadline = deadline
    }
}

/// One lead's state between inputs.
public struct LeadState: Sendable, Hashable, Codable {
    public var id: String
    /// False until `lead_created` arrives. Events before it are counted but
    /// run no rules (see `Engine.step`).
    public var captured: Bool = false
    /// Capture fields and declared FIELDs by name, as `lead_created` gave them
    /// (values of the wrong type are dropped at capture, with an explanation).
    public var fields: [String: Value] = [:]
    /// The phone number in E.164 form (`+447700900123`), when it could be normalised.
    public var phoneE164: String?
    /// The IANA time zone calling hours are counted in; nil when nothing told it.
    public var timeZone: String?
    /// Where the zone came from: `timezone`, `ip_country`, `country` or `phone`.
    public var timeZoneSource: String?
    /// Per declared event type: count, first and last time.
    public var events: [String: EventStats] = [:]
    /// Channels the lead withdrew consent for (an `opt_out` event).
    public var optedOut: Set<ContactChannel> = []
    /// Channels a `BLOCK` action closed, with the reason.
    public var blockedChannels: [ContactChannel: String] = [:]
    /// Do not call: the phone channel is blocked or opted out, permanently.
    public var doNotCall: Bool = false
    /// Set by `BLOCK ALL`: the lead may not be contacted at all.
    public var blockedReason: String?
    public var status: LeadStatus = .open
    /// True once `CONVERT` ran (the status may have moved on to closed).
    public var converted: Bool = false
    /// Why the lead was closed (`CLOSE "reason"`).
    public var closedReason: String?
    /// The tier the lead is in (after escalation); nil before its first evaluation.
    public var tier: String?
    /// The tier an `ESCALATE TO` put the lead in: it is never evaluated colder.
    public var escalatedTier: String?
    /// The nurture cadence the lead is in.
    public var cadence: String?
    /// The cadence's pending timers and call plan, while the lead nurtures.
    public var cadenceSchedule: CadenceSchedule?
    /// Progress through each cadence sequence, by `SequenceProgress.key`.
    public var cadenceSequences: [String: SequenceProgress] = [:]
    /// Dial attempts made so far (one per `call_outcome`).
    public var attempts: Int = 0
    /// Labels set by `FLAG` (`verify_data`).
    public var flags: Set<String> = []
    /// Set by `REMOVE FROM QUEUE`: no dial until the lead's data is captured
    /// again (a later `lead_created`).
    public var removedFromQueue: Bool = false
    /// The lead this one duplicates (same phone or email): it is linked, not dialled.
    public var duplicateOf: String?
    public var quarantine: QuarantineState?
    /// The queue of the last dial issued: `RETRY` dials there again.
    public var lastDial: DialTarget?
    public var lastEvaluation: EvaluationSummary?
    /// Tasks issued and not yet due, in issue order.
    public var pendingTasks: [PendingTask] = []

    public init(id: String) {
        self.id = id
    }

    /// True when the lead may not be phoned whatever the rules say.
    public var phoneBlocked: Bool {
        doNotCall || blockedReason != nil || optedOut.contains(.phone) || blockedChannels[.phone] != nil
    }

    /// True when `channel` is closed to this lead by consent or a block.
    public func isBlocked(_ channel: ContactChannel) -> Bool {
        if channel == .phone { return phoneBlocked }
        return blockedReason != nil || optedOut.contains(channel) || blockedChannels[channel] != nil
    }
}

extension LeadStatus: Codable {}
extension TaskKind: Codable {}
extension EventStats: Codable {
    private enum Key: String, CodingKey { case count, first, last }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        self.init(count: try c.decode(Int.self, forKey: .count), first: try c.decode(Int64.self, forKey: .first),
                  last: try c.decode(Int64.self, forKey: .last))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(count, forKey: .count)
        try c.encode(first, forKey: .first)
        try c.encode(last, forKey: .last)
    }
}
