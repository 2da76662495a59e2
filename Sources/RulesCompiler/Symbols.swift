// The symbol table of a playbook. Names are global across files. Fields,
// lists, tables and events share the namespace of expression names (with the
// built-ins); queues, templates, categories, tiers, cadences, disposition
// codes and quarantines each have their own.

import RulesLanguage

/// A declaration and where it was written.
struct Declared<Node> {
    let node: Node
    let ref: SourceRef
    var file: SourceFile { ref.file }
}

/// What a name in an expression can be.
enum ValueSymbol {
    case builtin(RuleType)
    case captureField(RuleType)
    case field(Declared<FieldDecl>, DeclaredType)
    /// A LIST and the type of its items.
    case list(Declared<ListDecl>, RuleType)
    /// A TABLE and the type of its values.
    case table(Declared<TableDecl>, RuleType)
    case event(Declared<EventDecl>)

    var kindName: String {
        switch self {
        case .builtin: "built-in value"
        case .captureField: "built-in capture field"
        case .field: "FIELD"
        case .list: "LIST"
        case .table: "TABLE"
        case .event: "EVENT"
        }
    }

    var ref: SourceRef? {
        switch self {
        case .builtin, .captureField: nil
        case .field(let d, _): d.ref
        case .list(let d, _): d.ref
        case .table(let d, _): d.ref
        case .event(let d): d.ref
        }
    }

    /// The type of the name used as a value.
    var type: RuleType {
        switch self {
        case .builtin(let t), .captureField(let t): t
        case .field(_, let t): t.type
        case .list(_, let item): .list(item)
        case .table(_, let value): value
        case .event: .bool
        }
    }

    var isField: Bool {
        switch self {
        case .captureField, .field: true
        default: false
        }
    }
}

/// A queue, declared or (when the playbook declares none) introduced by ASSIGN TO.
struct QueueSymbol {
    let ref: SourceRef
    let description: String?
    let implicit: Bool
}

struct SymbolTable {
    var values: [String: ValueSymbol] = [:]
    var events: [String: Declared<EventDecl>] = [:]
    /// Parameter types per event, in declaration order.
    var eventParams: [String: [(name: String, type: DeclaredType)]] = [:]
    var queues: [String: QueueSymbol] = [:]
    var templates: [String: Declared<TemplateDecl>] = [:]
    var categories: [String: Declared<ScoreDecl>] = [:]
    var tiers: [String: Declared<TierDecl>] = [:]
    var cadences: [String: Declared<CadenceDecl>] = [:]
    var dispositions: [String: Declared<DispositionDecl>] = [:]
    var quarantines: [String: Declared<QuarantineDecl>] = [:]
    var callingHours: Declared<CallingHoursDecl>?
    var businessDays: Declared<BusinessDaysDecl>?
    var holidays: Declared<HolidaysDecl>?

    init() {
        for (name, type) in Builtins.values { values[name] = .builtin(type) }
        for (name, type) in Builtins.captureFields { values[name] = .captureField(type) }
    }

    func param(_ name: String, of event: String) -> DeclaredType? {
        eventParams[event]?.first { $0.name == name }?.type
    }

    /// Every field name (capture fields and declared FIELDs), for "did you mean".
    var fieldNames: [String] {
        values.compactMap { $0.value.isField ? $0.key : nil }
    }

    /// The kind of a name that is not an expression name but is declared as
    /// something else, for a hint on an undefined name.
    func otherKind(of name: String) -> String? {
        if categories[name] != nil { return "category" }
        if tiers[name] != nil { return "tier" }
        if queues[name] != nil { return "queue" }
        if templates[name] != nil { return "template" }
        if cadences[name] != nil { return "cadence" }
        return nil
    }
}
