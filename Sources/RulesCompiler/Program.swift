// The checked, immutable form of a playbook that the engine runs. Every name
// in it is resolved and every declaration checked; expressions stay as AST
// nodes (the engine compiles them) with their types in `types`, keyed by
// `Expr.id` like go/types' side tables. Each rule keeps its `SourceRef` so
// the engine can explain what it did as "file:line".

import RulesLanguage

/// Where a declaration or statement was written.
public struct SourceRef: Sendable, Hashable, CustomStringConvertible {
    public let file: SourceFile
    public let range: SourceRange
    public init(file: SourceFile, range: SourceRange) {
        self.file = file
        self.range = range
    }
    public var line: Int { file.line(of: range.start) }
    /// `path:line`, the form used in explanations and notes.
    public var description: String { "\(file.path):\(line)" }

    public static func == (a: SourceRef, b: SourceRef) -> Bool { a.file === b.file && a.range == b.range }
    public func hash(into h: inout Hasher) {
        h.combine(ObjectIdentifier(file))
        h.combine(range)
    }
}

/// A literal value in a LIST or TABLE.
public enum LiteralValue: Sendable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
    /// Milliseconds.
    case duration(Int64)
}

/// What a bare name (or a function's name argument) in an expression refers to.
public enum ResolvedName: Sendable, Hashable {
    /// `lead_score`, `lead_age`, `lead_tier`, `lead_status`, `attempts`, `now`.
    case builtin(String)
    /// A built-in capture field or a declared FIELD.
    case field(String)
    case list(String)
    /// The table's value for the lead's key.
    case table(String)
    /// An event: as a condition `seen(event)`, or the argument of count/seen/first/last.
    case event(String)
    /// The argument of `points(...)`.
    case category(String)
}

public struct EventDefinition: Sendable {
    public struct Param: Sendable, Hashable {
        public let name: String
        public let type: DeclaredType
    }
    public let name: String
    public let params: [Param]
    public let source: SourceRef
}

public struct FieldDefinition: Sendable {
    public let name: String
    public let type: DeclaredType
    /// Nil for the built-in capture fields.
    public let source: SourceRef?
}

public struct ListDefinition: Sendable {
    public let name: String
    public let itemType: RuleType
    public let values: [LiteralValue]
    public let source: SourceRef
}

public struct TableDefinition: Sendable {
    public struct Row: Sendable, Hashable {
        public let key: LiteralValue
        public let value: LiteralValue
    }
    public let name: String
    /// The field whose value selects the row.
    public let keyField: String
    public let valueType: RuleType
    public let rows: [Row]
    public let defaultValue: LiteralValue?
    public let source: SourceRef
}

public struct QueueDefinition: Sendable {
    public let name: String
    public let description: String?
    /// True when no QUEUE is declared and `ASSIGN TO` introduced the queue.
    public let implicit: Bool
    public let source: SourceRef
}

public struct TemplateDefinition: Sendable {
    public let name: String
    public let channel: TemplateChannel
    public let description: String?
    public let source: SourceRef
}

public struct ScoreCategory: Sendable {
    public enum Points: Sendable, Hashable {
        case constant(Double)
        /// The value of a TABLE for the lead's key.
        case table(String)
        /// Any other NUMBER expression.
        case expression(Expr)
    }
    public struct Row: Sendable {
        public let condition: Expr
        public let points: Points
        public let source: SourceRef
    }
    public let name: String
    public let max: Double
    public let rows: [Row]
    public let source: SourceRef
}

public struct TierDefinition: Sendable {
    public enum Action: Sendable, Hashable {
        /// Speed-to-lead: the first dial is due within this many milliseconds.
        case call(slaMilliseconds: Int64)
        /// No call: automated nurture, in the named cadence or the one of the lead's age.
        case nurture(cadence: String?)
    }
    public let name: String
    public let condition: Expr
    public let action: Action
    public let source: SourceRef
}

/// A routing priority, canonical spelling in `name`.
public enum Priority: Sendable, Hashable {
    case immediate, urgent, high, normal, low, automated
    /// `WITHIN_2_HOURS`: due within this many milliseconds.
    case within(milliseconds: Int64)

    /// A priority word as the language reads it (`IMMEDIATE`, `within_2_hours`,
    /// any letter case); nil for anything else.
    public init?(word: String) {
        guard let p = Builtins.priority(word) else { return nil }
        self = p
    }
}

public struct RouteDefinition: Sendable {
    public let condition: Expr
    public let queue: String
    public let priority: Priority?
    /// The priority as written, e.g. `WITHIN_2_HOURS`.
    public let priorityName: String?
    /// One of power_dialer, predictive_dialer, progressive_dialer, preview_dialer, manual, none.
    public let dialMode: String?
    public let source: SourceRef
}

public struct TriggerDefinition: Sendable {
    public let event: String
    public let condition: Expr?
    public let actions: [ActionDefinition]
    /// The cadence this trigger belongs to, nil for a top-level ON.
    public let cadence: String?
    public let source: SourceRef
}

/// An action with its source and, for CALLBACK, its resolved priority.
public struct ActionDefinition: Sendable {
    public let action: Action
    public let priority: Priority?
    public let source: SourceRef
}

public struct CadenceDefinition: Sendable {
    public struct Sequence: Sendable, Hashable {
        public let channel: TemplateChannel
        public let templates: [String]
        public let everyMilliseconds: Int64
        /// `everyMilliseconds` as written: `EVERY 2w` is 14 local days, kept
        /// at the lead's wall-clock time across DST (docs/LOCAL-TIME.md).
        public var every: CalendarSpan? = nil
    }
    public enum Calls: Sendable, Hashable {
        case perWeek(min: Int, max: Int)
        case every(milliseconds: Int64)
    }
    public let name: String
    /// Lead-age window in days, both inclusive (day 1 is the first 24 hours).
    public let firstDay: Int
    public let lastDay: Int
    public let condition: Expr?
    public let calls: [Calls]
    public let sequences: [Sequence]
    /// The line of each `CALL` statement, parallel to `calls`: the rule a
    /// cadence dial names.
    public let callSources: [SourceRef]
    /// The line of each `EMAIL`/`SMS` statement, parallel to `sequences`.
    public let sequenceSources: [SourceRef]
    public let triggers: [TriggerDefinition]
    public let exitConditions: [Expr]
    public let source: SourceRef
    /// The `CALL EVERY` spacing as written (`CALL EVERY 2w`: 14 local days).
    public var callEvery: CalendarSpan? = nil
}

public struct DispositionDefinition: Sendable {
    public let code: String
    public let label: String
    public let actions: [ActionDefinition]
    public let source: SourceRef
}

public enum Weekday: Int, Sendable, Hashable, CaseIterable {
    case monday = 0, tuesday, wednesday, thursday, friday, saturday, sunday
}

/// When the lead may be phoned or texted, in the lead's local time.
public struct CallingHours: Sendable {
    /// Minute-of-day windows (start inclusive, end exclusive) per weekday, Monday first.
    public let windows: [Weekday: [Range<Int>]]
    public let source: SourceRef
}

public struct QuarantineDefinition: Sendable {
    public struct EmailNurture: Sendable, Hashable {
        public let templates: [String]
        public let everyMilliseconds: Int64?
        public let forMilliseconds: Int64
    }
    public let name: String?
    public let condition: Expr
    public let holdMilliseconds: Int64
    public let releaseConditions: [Expr]
    public let emailNurture: [EmailNurture]
    public let graduateOn: [String]
    public let source: SourceRef
    /// `holdMilliseconds` as written: `FOR 2d` is 2 local days, kept at the
    /// lead's wall-clock time across DST (docs/LOCAL-TIME.md).
    public var hold: CalendarSpan? = nil
    /// The `EVERY` and `FOR` of each `EMAIL` line as written, parallel to `emailNurture`.
    public var emailSpans: [EmailSpans] = []

    /// One `EMAIL … [EVERY d] FOR p` line's durations as written.
    public struct EmailSpans: Sendable, Hashable {
        public let every: CalendarSpan?
        public let period: CalendarSpan?
        public init(every: CalendarSpan?, period: CalendarSpan?) {
            self.every = every
            self.period = period
        }
    }
}

/// The checked, immutable form of a playbook that the engine runs.
public struct Program: Sendable {
    /// The parsed files, in the order they were given.
    public let files: [RulesFile]
    public let events: [String: EventDefinition]
    /// Built-in capture fields and declared FIELDs.
    public let fields: [String: FieldDefinition]
    public let lists: [String: ListDefinition]
    public let tables: [String: TableDefinition]
    public let queues: [String: QueueDefinition]
    public let templates: [String: TemplateDefinition]
    /// In declaration order; `lead_score` is the sum of the capped categories.
    public let categories: [ScoreCategory]
    public let tiers: [TierDefinition]
    /// In order: the first matching route wins.
    public let routes: [RouteDefinition]
    /// Top-level ON triggers in order (cadence triggers live in their cadence).
    public let triggers: [TriggerDefinition]
    public let cadences: [CadenceDefinition]
    public let dispositions: [String: DispositionDefinition]
    public let callingHours: CallingHours?
    public let businessDays: Set<Weekday>
    public let holidaysPath: String?
    public let quarantines: [QuarantineDefinition]
    /// The type of every checked expression, by `Expr.id`.
    public let types: NodeTable<RuleType>
    /// What every name in an expression refers to, by `Expr.id`.
    public let names: NodeTable<ResolvedName>
    /// Where every node was written, by node id.
    let sources: SourceTable

    /// `file:line` of a node (a declaration, statement, action or expression).
    public func sourceLocation(of node: NodeID) -> String? {
        sources[node]?.description
    }

    /// `file:line` of a range in a file.
    public func sourceLocation(of range: SourceRange, in file: SourceFile) -> String {
        SourceRef(file: file, range: range).description
    }
}
