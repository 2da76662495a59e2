// Where every fact of a lead lives in `LeadFacts.words`, decided once per
// compiled program: the slot table that turns names into indexes so that
// evaluation never sees a name. It also interns the program's string
// literals: a lead's string value is stored as the id of the equal literal,
// so `source = "affiliate"` and `country IN tier1_countries` compare small
// integers (equal texts, equal ids; a text equal to no literal can equal no
// literal either).

import RulesCompiler

/// The kind of value a slot holds, which decides how its word is encoded.
enum SlotKind: Sendable {
    case number, instant, symbol, truth
}

/// A field, event parameter or derived value of `LeadFacts`.
public struct FactSlot: Sendable, Hashable {
    public let name: String
    let type: RuleType
    let kind: SlotKind
    let word: Int
    /// Index into `LeadFacts.texts`, -1 when the text is not kept.
    let text: Int
    /// Index into `FactLayout.derived` of the `domain(...)` slot that reads this one.
    let derivedDomain: Int?
}

/// A declared event type, for `LeadFacts.record(_:at:)`.
public struct EventSlot: Sendable, Hashable {
    let index: Int32
}

/// The slot table of one compiled program (see the file comment).
public final class FactLayout: Sendable {
    /// Capture fields and declared FIELDs.
    public let fields: [String: FactSlot]
    /// The field slots sorted by name.
    let fieldOrder: [FactSlot]
    let events: [String: Int]
    public let eventNames: [String]
    /// Parameter slots by event index, then parameter name.
    let params: [[String: FactSlot]]
    /// Derived `domain(...)` slots, computed when their source is set.
    let derived: [FactSlot]
    let symbols: [String: Int64]
    let symbolTexts: [String]
    public let tierNames: [String]
    /// The symbol of each tier's name, by tier index.
    let tierSymbols: ContiguousArray<Int64>
    /// The symbol of each status, by `LeadStatus.allCases` index.
    let statusSymbols: ContiguousArray<Int64>
    /// A lead with no facts at all: every slot missing, every count zero.
    let emptyWords: ContiguousArray<Int64>
    let textCount: Int
    /// `file:line` of each tier's rule and of each route, and each route's
    /// dial target, by index: made once, so that a million leads' last
    /// evaluations share these strings instead of formatting their own.
    let tierRules: [String]
    let routeRules: [String]
    let routeTargets: [DialTarget]

    fileprivate init(_ b: LayoutBuilder) {
        tierRules = b.tierRules
        routeRules = b.routeRules
        routeTargets = b.routeTargets
        fields = b.fields
        fieldOrder = b.fields.keys.sorted().compactMap { b.fields[$0] }
        events = b.events
        eventNames = b.eventNames
        params = b.params
        derived = b.derived
        symbols = b.symbols
        symbolTexts = b.symbolTexts
        tierNames = b.tierNames
        tierSymbols = ContiguousArray(b.tierNames.map { b.symbols[$0] ?? LeadFacts.unlistedSymbol })
        statusSymbols = ContiguousArray(LeadStatus.allCases.map { b.symbols[$0.rawValue] ?? LeadFacts.unlistedSymbol })
        var words = ContiguousArray<Int64>(repeating: 0, count: b.wordCount)
        for e in 0..<b.eventNames.count {
            words[Self.firstWord(e)] = LeadFacts.missingInstant
            words[Self.lastWord(e)] = LeadFacts.missingInstant
        }
        for slot in b.fields.values { words[slot.word] = Self.missingWord(slot.kind) }
        for slot in b.params.flatMap(\.values) { words[slot.word] = Self.missingWord(slot.kind) }
        for slot in b.derived { words[slot.word] = Self.missingWord(slot.kind) }
        emptyWords = words
        textCount = b.textCount
    }

    /// The slot of a field, nil when the playbook has no such field.
    public func field(_ name: String) -> FactSlot? { fields[name] }
    /// The slot of a declared event type.
    public func event(_ name: String) -> EventSlot? { events[name].map { EventSlot(index: Int32($0)) } }

    static func countWord(_ event: Int) -> Int { 3 * event }
    static func firstWord(_ event: Int) -> Int { 3 * event + 1 }
    static func lastWord(_ event: Int) -> Int { 3 * event + 2 }

    static func missingWord(_ kind: SlotKind) -> Int64 {
        switch kind {
        case .number: LeadFacts.missingNumber
        case .instant: LeadFacts.missingInstant
        case .symbol: LeadFacts.missingSymbol
        case .truth: Int64(Truth.unknown.rawValue)
        }
    }

    /// The symbol of a text: the id of the equal literal, or "unlisted".
    func symbol(_ text: String) -> Int64 { symbols[text] ?? LeadFacts.unlistedSymbol }

    func tierIndex(_ name: String?) throws(FactsError) -> Int32 {
        guard let name else { return -1 }
        guard let i = tierNames.firstIndex(of: name) else { throw .unknownTier(name) }
        return Int32(i)
    }

    /// The word that stores `value` in `slot`.
    func encode(_ value: Value, _ slot: FactSlot) throws(FactsError) -> Int64 {
        switch (value, slot.type) {
        case (.missing, _):
            return Self.missingWord(slot.kind)
        case (.number(let n), .number):
            guard n.isFinite else { throw .outOfRange(name: slot.name) }
            return Int64(bitPattern: n.bitPattern)
        case (.time(let t), .time), (.duration(let t), .duration):
            guard t != LeadFacts.missingInstant else { throw .outOfRange(name: slot.name) }
            return t
        case (.string(let s), .string), (.string(let s), .country):
            return symbol(s)
        case (.bool(let b), .bool):
            return Int64((b ? Truth.holds : Truth.fails).rawValue)
        default:
            throw .wrongType(name: slot.name, expected: "\(slot.type)", found: value.typeName)
        }
    }
}

/// The mutable table while a program is being compiled: fields and events
/// first, then whatever lowering asks for (kept texts, derived slots).
struct LayoutBuilder {
    var fields: [String: FactSlot] = [:]
    var events: [String: Int] = [:]
    var eventNames: [String] = []
    var params: [[String: FactSlot]] = []
    var derived: [FactSlot] = []
    var symbols: [String: Int64] = [:]
    var symbolTexts: [String] = []
    var tierNames: [String] = []
    var tierRules: [String] = []
    var routeRules: [String] = []
    var routeTargets: [DialTarget] = []
    var wordCount = 0
    var textCount = 0

    /// Events (sorted by name, so the layout does not depend on hashing),
    /// fields, event parameters; every string of `literals` interned.
    init(program: Program, literals: [String]) {
        eventNames = program.events.keys.sorted()
        for (i, name) in eventNames.enumerated() { events[name] = i }
        wordCount = 3 * eventNames.count
        for name in program.fields.keys.sorted() {
            if let type = program.fields[name]?.type.type { fields[name] = newSlot(name, type) }
        }
        for name in eventNames {
            var slots: [String: FactSlot] = [:]
            for param in program.events[name]?.params ?? [] {
                slots[param.name] = newSlot("event.\(param.name)", param.type.type)
            }
            params.append(slots)
        }
        tierNames = program.tiers.map(\.name)
        tierRules = program.tiers.map(\.source.description)
        routeRules = program.routes.map(\.source.description)
        routeTargets = program.routes.map(DialTarget.init(route:))
        for text in literals + tierNames + LeadStatus.allCases.map(\.rawValue) where symbols[text] == nil {
            symbols[text] = Int64(symbolTexts.count)
            symbolTexts.append(text)
        }
    }

    private mutating func newSlot(_ name: String, _ type: RuleType) -> FactSlot {
        let kind: SlotKind = switch type {
        case .number: .number
        case .time, .duration: .instant
        case .bool: .truth
        default: .symbol
        }
        defer { wordCount += 1 }
        return FactSlot(name: name, type: type, kind: kind, word: wordCount, text: -1, derivedDomain: nil)
    }

    /// The slot of a field or of a parameter of `event`.
    func slot(field: String) -> FactSlot? { fields[field] }
    func slot(param: String, of event: String) -> FactSlot? { events[event].flatMap { params[$0][param] } }

    /// Keeps the text of a symbol slot, for comparisons of two non-literal strings.
    mutating func keepText(_ slot: FactSlot) -> FactSlot {
        if let i = derived.firstIndex(where: { $0.word == slot.word }) {
            if derived[i].text < 0 {
                derived[i] = FactSlot(name: slot.name, type: slot.type, kind: slot.kind, word: slot.word,
                                      text: textCount, derivedDomain: nil)
                textCount += 1
            }
            return derived[i]
        }
        let current = find(slot) ?? slot
        guard current.text < 0 else { return current }
        let kept = FactSlot(name: current.name, type: current.type, kind: current.kind, word: current.word,
                            text: textCount, derivedDomain: current.derivedDomain)
        textCount += 1
        replace(current, with: kept)
        return kept
    }

    /// The derived slot holding `domain(slot)`, made on first use.
    mutating func domainSlot(of slot: FactSlot) -> FactSlot {
        let current = find(slot) ?? slot
        if let d = current.derivedDomain { return derived[d] }
        let target = newSlot("domain(\(slot.name))", .string)
        derived.append(target)
        replace(current, with: FactSlot(name: current.name, type: current.type, kind: current.kind, word: current.word,
                                        text: current.text, derivedDomain: derived.count - 1))
        return target
    }

    private func find(_ slot: FactSlot) -> FactSlot? {
        if let f = fields.values.first(where: { $0.word == slot.word }) { return f }
        return params.lazy.flatMap(\.values).first { $0.word == slot.word }
    }

    private mutating func replace(_ old: FactSlot, with new: FactSlot) {
        for (name, slot) in fields where slot.word == old.word { fields[name] = new }
        for i in params.indices {
            for (name, slot) in params[i] where slot.word == old.word { params[i][name] = new }
        }
    }

    func freeze() -> FactLayout { FactLayout(self) }
}

extension Value {
    /// The language's name for the value's type, for messages.
    var typeName: String {
        switch self {
        case .string: "STRING"
        case .number: "NUMBER"
        case .bool: "BOOL"
        case .time: "TIME"
        case .duration: "DURATION"
        case .list: "a list"
        case .missing: "missing"
        }
    }
}
