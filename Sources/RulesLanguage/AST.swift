// The syntax tree. Immutable values; every node carries a unique `id` (so
// later stages can keep side tables keyed by node) and its source range.
// Comments are not in the tree: `RulesFile.comments` keeps them by position
// and the printer puts them back.

public typealias NodeID = Int

/// A parsed file: its declarations in source order, and its comments.
public struct RulesFile: Sendable {
    public let file: SourceFile
    public let decls: [Decl]
    public let comments: [Comment]
    public init(file: SourceFile, decls: [Decl], comments: [Comment]) {
        self.file = file
        self.decls = decls
        self.comments = comments
    }
}

/// A name as written, with where it was written.
public struct Identifier: Sendable, Hashable {
    public let name: String
    public let range: SourceRange
    public init(name: String, range: SourceRange) {
        self.name = name
        self.range = range
    }
}

/// A string literal used as a label or description (not an expression).
public struct StringLiteral: Sendable, Hashable {
    public let value: String
    public let range: SourceRange
    public init(value: String, range: SourceRange) {
        self.value = value
        self.range = range
    }
}

// MARK: - Expressions

public enum BinaryOperator: String, Sendable, Hashable {
    case and = "AND", or = "OR"
    case add = "+", subtract = "-"
    case equal = "=", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="

    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: true
        default: false
        }
    }
}

/// How an inclusive range test was written: `x 40-69` or `x BETWEEN 40 AND 69`.
public enum RangeStyle: String, Sendable, Hashable {
    case dash, between
}

public struct Expr: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let kind: Kind

    public init(id: NodeID, range: SourceRange, kind: Kind) {
        self.id = id
        self.range = range
        self.kind = kind
    }

    public indirect enum Kind: Sendable, Hashable {
        case number(Double)
        /// Milliseconds, and the unit the author wrote (`s` in `60s`), which
        /// `rules fmt` keeps.
        case duration(Int64, unit: String)
        /// Minutes after midnight.
        case time(Int)
        case string(String)
        case bool(Bool)
        /// A bare name: a field, list, table, builtin, or an event (meaning seen(event)).
        case name(String)
        /// `event.<field>`: a field of the event that fired the trigger.
        case eventField(Identifier)
        case call(Identifier, [Expr])
        case list([Expr])
        case not(Expr)
        case negate(Expr)
        case binary(BinaryOperator, Expr, Expr)
        /// `value IN list` / `value NOT IN list`.
        case membership(Expr, Expr, negated: Bool)
        /// Inclusive range test: `value low-high` or `value BETWEEN low AND high`.
        case range(Expr, low: Expr, high: Expr, style: RangeStyle)
        /// Stands in for an expression that failed to parse (already reported).
        case invalid
    }
}

// MARK: - Actions (what triggers, dispositions and conversion do)

/// When a scheduled action happens.
public struct Timing: Sendable, Hashable {
    public let range: SourceRange
    public let kind: Kind
    public init(range: SourceRange, kind: Kind) {
        self.range = range
        self.kind = kind
    }
    public enum Kind: Sendable, Hashable {
        case now
        /// `IN 15m` — a delay (a duration expression).
        case after(Expr)
        /// `AT event.ends_at + 30m` — an absolute time expression.
        case at(Expr)
        /// `NEXT AVAILABLE` — as soon as an agent of the queue is free.
        case nextAvailable
        /// `NEXT BUSINESS DAY` — the start of the next business day's calling window.
        case nextBusinessDay
    }
}

/// The channel named by `BLOCK`.
public enum Channel: Sendable, Hashable {
    case phone, email, sms, all
    /// A channel computed at run time, e.g. `event.channel`.
    case expr(Expr)
}

public struct Action: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let kind: Kind
    public init(id: NodeID, range: SourceRange, kind: Kind) {
        self.id = id
        self.range = range
        self.kind = kind
    }

    public enum Kind: Sendable, Hashable {
        /// `CALLBACK timing [TO queue] [PRIORITY p]` — a dial task.
        case callback(Timing, queue: Identifier?, priority: Identifier?)
        /// `RETRY timing` or `RETRY PER CADENCE` (timing nil) — redial the lead.
        case retry(Timing?)
        /// `EMAIL t1, t2 [EVERY d] [timing]` — one email, or a sequence spaced by `every`.
        case email([Identifier], every: Expr?, timing: Timing?)
        /// `SMS template [timing]`.
        case sms(Identifier, timing: Timing?)
        /// `HANDOFF TO team [WITHIN d]` — pass the lead to another team.
        case handoff(Identifier, within: Expr?)
        /// `CLOSE ["reason"]` — close the lead; no further tasks.
        case close(StringLiteral?)
        /// `CONVERT` — mark the lead converted (a client record is created).
        case convert
        /// `BLOCK channel ["reason"]` — stop all contact on a channel.
        case block(Channel, reason: StringLiteral?)
        /// `NURTURE [cadence]` — move the lead to automated nurture.
        case nurture(Identifier?)
        /// `REMOVE FROM QUEUE` — cancel pending dials.
        case removeFromQueue
        /// `FLAG name` — mark the lead for manual work (e.g. verify_data).
        case flag(Identifier)
        /// `ESCALATE TO tier` — treat the lead as being in a hotter tier now.
        case escalate(Identifier)
        /// `RELEASE` — end a quarantine hold early.
        case release
    }
}

// MARK: - Declarations

public enum Decl: Sendable, Hashable {
    case event(EventDecl)
    case field(FieldDecl)
    case list(ListDecl)
    case table(TableDecl)
    case queue(QueueDecl)
    case template(TemplateDecl)
    case score(ScoreDecl)
    case tier(TierDecl)
    case route(RouteDecl)
    case trigger(TriggerDecl)
    case cadence(CadenceDecl)
    case disposition(DispositionDecl)
    case callingHours(CallingHoursDecl)
    case businessDays(BusinessDaysDecl)
    case holidays(HolidaysDecl)
    case quarantine(QuarantineDecl)

    public var id: NodeID {
        switch self {
        case .event(let d): d.id
        case .field(let d): d.id
        case .list(let d): d.id
        case .table(let d): d.id
        case .queue(let d): d.id
        case .template(let d): d.id
        case .score(let d): d.id
        case .tier(let d): d.id
        case .route(let d): d.id
        case .trigger(let d): d.id
        case .cadence(let d): d.id
        case .disposition(let d): d.id
        case .callingHours(let d): d.id
        case .businessDays(let d): d.id
        case .holidays(let d): d.id
        case .quarantine(let d): d.id
        }
    }

    public var range: SourceRange {
        switch self {
        case .event(let d): d.range
        case .field(let d): d.range
        case .list(let d): d.range
        case .table(let d): d.range
        case .queue(let d): d.range
        case .template(let d): d.range
        case .score(let d): d.range
        case .tier(let d): d.range
        case .route(let d): d.range
        case .trigger(let d): d.range
        case .cadence(let d): d.range
        case .disposition(let d): d.range
        case .callingHours(let d): d.range
        case .businessDays(let d): d.range
        case .holidays(let d): d.range
        case .quarantine(let d): d.range
        }
    }
}

/// `STRING`, `NUMBER`, `BOOL`, `TIME`, `DURATION` or `COUNTRY`, as written.
public struct TypeRef: Sendable, Hashable {
    public let name: Identifier
    public let optional: Bool
    public init(name: Identifier, optional: Bool) {
        self.name = name
        self.optional = optional
    }
}

/// `EVENT webinar_attended(ends_at: TIME)`
public struct EventDecl: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let name: Identifier
    public let params: [Param]
    public init(id: NodeID, range: SourceRange, name: Identifier, params: [Param]) {
        self.id = id; self.range = range; self.name = name; self.params = params
    }
}

public struct Param: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let name: Identifier
    public let type: TypeRef
    public init(id: NodeID, range: SourceRange, name: Identifier, type: TypeRef) {
        self.id = id; self.range = range; self.name = name; self.type = type
    }
}

/// `FIELD affiliate_id: STRING?`
public struct FieldDecl: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let name: Identifier
    public let type: TypeRef
    public init(id: NodeID, range: SourceRange, name: Identifier, type: TypeRef) {
        self.id = id; self.range = range; self.name = name; self.type = type
    }
}

/// `LIST tier1_countries = ["GB", "AU", "DE"]`
public struct ListDecl: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let name: Identifier
    public let items: [Expr]
    public init(id: NodeID, range: SourceRange, name: Identifier, items: [Expr]) {
        self.id = id; self.range = range; self.name = name; self.items = items
    }
}

/// A lookup table: `TABLE affiliate_quality BY affiliate_id DEFAULT 5:` then
/// rows `"aff_1" => 10`. Used as a value, it is the row for the lead's key.
public struct TableDecl: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let header: SourceRange
    public let name: Identifier
    public let key: Identifier
    public let defaultValue: Expr?
    public let rows: [TableRow]
    public init(id: NodeID, range: SourceRange, header: SourceRange, name: Identifier, key: Identifier,
                defaultValue: Expr?, rows: [TableRow]) {
        self.id = id; self.range = range; self.header = header; self.name = name; self.key = key
        self.defaultValue = defaultValue; self.rows = rows
    }
}

public struct TableRow: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let key: Expr
    public let value: Expr
    public init(id: NodeID, range: SourceRange, key: Expr, value: Expr) {
        self.id = id; self.range = range; self.key = key; self.value = value
    }
}

/// `QUEUE german_hot_lead_queue "German desk, hot leads"`
public struct QueueDecl: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let name: Identifier
    public let description: StringLiteral?
    public init(id: NodeID, range: SourceRange, name: Identifier, description: StringLiteral?) {
        self.id = id; self.range = range; self.name = name; self.description = description
    }
}

public enum TemplateChannel: String, Sendable, Hashable {
    case email = "EMAIL", sms = "SMS"
}

/// `TEMPLATE book_callback SMS "Book a call back"`
public struct TemplateDecl: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let name: Identifier
    public let channel: TemplateChannel
    public let description: StringLiteral?
    public init(id: NodeID, range: SourceRange, name: Identifier, channel: TemplateChannel,
                description: StringLiteral?) {
        self.id = id; self.range = range; self.name = name; self.channel = channel
        self.description = description
    }
}

/// A points table with a cap: `SCORE behavioral MAX 50:` then `condition => points` rows.
public struct ScoreDecl: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let header: SourceRange
    public let name: Identifier
    public let max: Expr
    public let rows: [ScoreRow]
    public init(id: NodeID, range: SourceRange, header: SourceRange, name: Identifier, max: Expr,
                rows: [ScoreRow]) {
        self.id = id; self.range = range; self.header = header; self.name = name; self.max = max
        self.rows = rows
    }
}

public struct ScoreRow: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let condition: Expr
    public let points: Expr
    public init(id: NodeID, range: SourceRange, condition: Expr, points: Expr) {
        self.id = id; self.range = range; self.condition = condition; self.points = points
    }
}

/// `TIER hot WHEN lead_score >= 70: CALL WITHIN 60s`
public struct TierDecl: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let name: Identifier
    public let condition: Expr
    public let action: TierAction
    public init(id: NodeID, range: SourceRange, name: Identifier, condition: Expr, action: TierAction) {
        self.id = id; self.range = range; self.name = name; self.condition = condition; self.action = action
    }
}

public enum TierAction: Sendable, Hashable {
    /// `CALL WITHIN 60s` — the speed-to-lead SLA.
    case callWithin(Expr)
    /// `NURTURE [cadence]` — no call; automated nurture.
    case nurture(Identifier?)
}

/// `IF condition:` with ASSIGN TO / PRIORITY / DIAL_MODE lines. First match wins.
public struct RouteDecl: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let header: SourceRange
    public let condition: Expr
    public let statements: [RouteStatement]
    public init(id: NodeID, range: SourceRange, header: SourceRange, condition: Expr,
                statements: [RouteStatement]) {
        self.id = id; self.range = range; self.header = header; self.condition = condition
        self.statements = statements
    }
}

public struct RouteStatement: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let kind: Kind
    public init(id: NodeID, range: SourceRange, kind: Kind) {
        self.id = id; self.range = range; self.kind = kind
    }
    public enum Kind: Sendable, Hashable {
        case assign(Identifier)
        case priority(Identifier)
        case dialMode(Identifier)
    }
}

/// `ON event [WHERE condition]: actions` — inline (`;`-separated) or as a block.
public struct TriggerDecl: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let header: SourceRange
    public let event: Identifier
    public let condition: Expr?
    public let actions: [Action]
    public init(id: NodeID, range: SourceRange, header: SourceRange, event: Identifier,
                condition: Expr?, actions: [Action]) {
        self.id = id; self.range = range; self.header = header; self.event = event
        self.condition = condition; self.actions = actions
    }
}

/// `CADENCE name DAYS 1-14 [WHEN condition]:` — nurture by lead age window.
public struct CadenceDecl: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let header: SourceRange
    public let name: Identifier
    public let firstDay: Expr
    public let lastDay: Expr
    public let condition: Expr?
    public let statements: [CadenceStatement]
    public init(id: NodeID, range: SourceRange, header: SourceRange, name: Identifier, firstDay: Expr,
                lastDay: Expr, condition: Expr?, statements: [CadenceStatement]) {
        self.id = id; self.range = range; self.header = header; self.name = name
        self.firstDay = firstDay; self.lastDay = lastDay; self.condition = condition
        self.statements = statements
    }
}

public struct CadenceStatement: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let kind: Kind
    public init(id: NodeID, range: SourceRange, kind: Kind) {
        self.id = id; self.range = range; self.kind = kind
    }
    public enum Kind: Sendable, Hashable {
        /// `CALL 3 PER WEEK` or `CALL 2-3 PER WEEK` (max nil when a single number).
        case callsPerWeek(min: Expr, max: Expr?)
        /// `CALL EVERY 2w`.
        case callEvery(Expr)
        /// `EMAIL a, b, c EVERY 3d` — a sequence, one every interval.
        case email([Identifier], every: Expr)
        /// `SMS t EVERY 7d`.
        case sms(Identifier, every: Expr)
        /// An escalation trigger that applies while the lead is in this cadence.
        case trigger(TriggerDecl)
        /// `EXIT WHEN condition` — leave the cadence early.
        case exit(Expr)
    }
}

/// `DISPOSITION V01 "Voicemail left": RETRY NEXT BUSINESS DAY; SMS book_callback`
public struct DispositionDecl: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let header: SourceRange
    public let code: Identifier
    public let label: StringLiteral
    public let actions: [Action]
    public init(id: NodeID, range: SourceRange, header: SourceRange, code: Identifier,
                label: StringLiteral, actions: [Action]) {
        self.id = id; self.range = range; self.header = header; self.code = code; self.label = label
        self.actions = actions
    }
}

/// `MON-FRI` or `SAT`.
public struct DaySpan: Sendable, Hashable {
    public let range: SourceRange
    public let first: Identifier
    public let last: Identifier?
    public init(range: SourceRange, first: Identifier, last: Identifier?) {
        self.range = range; self.first = first; self.last = last
    }
}

/// `MON-FRI 09:00-20:00`
public struct DayWindow: Sendable, Hashable {
    public let range: SourceRange
    public let days: DaySpan
    public let start: Expr
    public let end: Expr
    public init(range: SourceRange, days: DaySpan, start: Expr, end: Expr) {
        self.range = range; self.days = days; self.start = start; self.end = end
    }
}

/// `CALLING HOURS MON-FRI 09:00-20:00, SAT 10:00-14:00` — in the lead's local time.
public struct CallingHoursDecl: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let windows: [DayWindow]
    public init(id: NodeID, range: SourceRange, windows: [DayWindow]) {
        self.id = id; self.range = range; self.windows = windows
    }
}

/// `BUSINESS DAYS MON-FRI`
public struct BusinessDaysDecl: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let days: [DaySpan]
    public init(id: NodeID, range: SourceRange, days: [DaySpan]) {
        self.id = id; self.range = range; self.days = days
    }
}

/// `HOLIDAYS "holidays.txt"` — a holiday calendar file beside the rules.
public struct HolidaysDecl: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let path: StringLiteral
    public init(id: NodeID, range: SourceRange, path: StringLiteral) {
        self.id = id; self.range = range; self.path = path
    }
}

/// `QUARANTINE [name] WHEN condition FOR 30m:` with RELEASE WHEN / EMAIL ... FOR / GRADUATE ON.
public struct QuarantineDecl: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let header: SourceRange
    public let name: Identifier?
    public let condition: Expr
    public let hold: Expr
    public let statements: [QuarantineStatement]
    public init(id: NodeID, range: SourceRange, header: SourceRange, name: Identifier?, condition: Expr,
                hold: Expr, statements: [QuarantineStatement]) {
        self.id = id; self.range = range; self.header = header; self.name = name
        self.condition = condition; self.hold = hold; self.statements = statements
    }
}

public struct QuarantineStatement: Sendable, Hashable {
    public let id: NodeID
    public let range: SourceRange
    public let kind: Kind
    public init(id: NodeID, range: SourceRange, kind: Kind) {
        self.id = id; self.range = range; self.kind = kind
    }
    public enum Kind: Sendable, Hashable {
        /// `RELEASE WHEN lead_score >= 40` — after the hold, leads meeting this enter normal calling.
        case release(Expr)
        /// `EMAIL a, b EVERY 2d FOR 7d` — email-only nurture for those not released.
        case email([Identifier], every: Expr?, duration: Expr)
        /// `GRADUATE ON email_open, site_visit` — engagement that moves the lead to calling.
        case graduate([Identifier])
    }
}
