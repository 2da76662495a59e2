// What one evaluation reads about a lead. Two forms of the same facts:
//
// - `LeadSnapshot`, keyed by name: what drivers, tests and the reference
//   evaluator speak (a `lead_created` payload, event counters by event name).
// - `LeadFacts`, keyed by slot: what compiled code reads. Every fact lives in
//   one flat `ContiguousArray<Int64>` at an index fixed when the program was
//   compiled (`FactLayout`), so a compiled condition reads `words[17]` and
//   never hashes a name. One allocation per lead keeps a million leads
//   compact and each lead's facts on a few adjacent cache lines.
//
// A word holds one value, encoded by the slot's kind:
//
//   number   Double bit pattern; a NaN is missing
//   instant  TIME (ms since the epoch) or DURATION (ms); Int64.min is missing
//   symbol   a string as the id of the equal program literal (`FactLayout`
//            interns every string literal of the playbook), -1 missing,
//            -2 a text equal to no literal (kept in `texts` when some
//            condition compares it with another non-literal string)
//   truth    Truth raw value (0 fails, 1 unknown = missing, 2 holds)
//
// Event counters come first, three words per declared event: count, first
// time, last time.
// Building `LeadFacts` from a snapshot costs a few dictionary lookups per
// field; it is done once per lead (and per input in the engine), never in
// the evaluation loop.

/// The lifecycle status of a lead (`lead_status`).
public enum LeadStatus: String, Sendable, Hashable, CaseIterable {
    case open, quarantined, nurturing, converted, closed
}

/// How often an event type happened to a lead, and when first and last.
public struct EventStats: Sendable, Hashable {
    public var count: Int
    /// Milliseconds since the epoch.
    public var first: Int64
    public var last: Int64
    public init(count: Int, first: Int64, last: Int64) {
        self.count = count
        self.first = first
        self.last = last
    }
}

/// The event being handled, for `event.<param>` in triggers and dispositions.
public struct HandledEvent: Sendable, Hashable {
    public var type: String
    public var payload: [String: Value]
    public init(type: String, payload: [String: Value] = [:]) {
        self.type = type
        self.payload = payload
    }
}

/// A lead's facts keyed by name: the input of `LeadFacts.init` and of the
/// `ReferenceEvaluator`.
public struct LeadSnapshot: Sendable, Hashable {
    /// Capture fields (`email`, `registered_at`, …) and declared FIELDs.
    /// An absent key is a missing value; names the playbook does not
    /// declare are ignored.
    public var fields: [String: Value]
    /// Per declared event type; an absent key means never seen.
    public var events: [String: EventStats]
    public var status: LeadStatus
    /// The tier the lead is in as its state knows it (after escalation):
    /// what `lead_tier` reads in score rows and tier conditions.
    public var tier: String?
    /// The tier an `ESCALATE TO` put the lead in: the evaluated tier is never
    /// colder than this (tiers declared earlier are hotter).
    public var escalatedTier: String?
    /// Dial attempts made so far.
    public var attempts: Int
    /// The time of the input being evaluated, ms since the epoch.
    public var now: Int64
    public var event: HandledEvent?

    public init(fields: [String: Value] = [:], events: [String: EventStats] = [:], status: LeadStatus = .open,
                tier: String? = nil, escalatedTier: String? = nil, attempts: Int = 0, now: Int64,
                event: HandledEvent? = nil) {
        self.fields = fields
        self.events = events
        self.status = status
        self.tier = tier
        self.escalatedTier = escalatedTier
        self.attempts = attempts
        self.now = now
        self.event = event
    }
}

/// Why a snapshot could not become `LeadFacts`.
public enum FactsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A field or event parameter holds a value of another type than declared.
    case wrongType(name: String, expected: String, found: String)
    /// A number that is infinite or NaN, or a time at the edge of Int64.
    case outOfRange(name: String)
    /// The handled event's type is not a declared EVENT.
    case unknownEvent(String)
    /// A tier name that the playbook does not declare.
    case unknownTier(String)
    /// Negative count, or a seen event whose first time is after its last.
    case badEventStats(event: String)

    public var description: String {
        switch self {
        case .wrongType(let name, let expected, let found): "'\(name)' must be \(expected), found \(found)"
        case .outOfRange(let name): "'\(name)' is out of range"
        case .unknownEvent(let type): "unknown event type '\(type)'"
        case .unknownTier(let tier): "unknown tier '\(tier)'"
        case .badEventStats(let event): "bad counters for event '\(event)'"
        }
    }
}

/// A lead's facts by slot, laid out for one `CompiledProgram` (see the file
/// comment). Build it with `init(_:for:)`; evaluate it with
/// `CompiledProgram.evaluate`.
public struct LeadFacts: Sendable {
    /// The layout that placed the words: facts only fit the program they were built for.
    let layout: ObjectIdentifier
    var words: ContiguousArray<Int64>
    /// Texts of symbol slots that compiled code may compare as text.
    var texts: ContiguousArray<String?>
    public var now: Int64
    public var status: LeadStatus
    public var attempts: Int
    /// Tier indexes, -1 for none.
    var tier: Int32
    var escalatedTier: Int32
    /// Event index of the handled event, -1 for none.
    var handledEvent: Int32

    static let missingInstant = Int64.min
    static let missingSymbol: Int64 = -1
    static let unlistedSymbol: Int64 = -2
    static let missingNumber = Int64(bitPattern: Double.nan.bitPattern)

    /// The facts of `snapshot`, laid out for `program`.
    public init(_ snapshot: LeadSnapshot, for program: CompiledProgram) throws(FactsError) {
        let layout = program.layout
        // Tiers first: an unknown tier is reported before a bad field.
        let tier = try layout.tierIndex(snapshot.tier)
        let escalatedTier = try layout.tierIndex(snapshot.escalatedTier)
        try self.init(fields: snapshot.fields, events: snapshot.events, layout: layout)
        try update(status: snapshot.status, tier: tier, escalatedTier: escalatedTier, attempts: snapshot.attempts,
                   now: snapshot.now, event: snapshot.event, layout: layout)
    }

    /// The facts of a lead's fields and event counters only (open, no tier,
    /// no attempts, no handled event): the part of `init(_:for:)` that
    /// hashes names, which the engine builds once per step and completes
    /// with `update` for each evaluation.
    init(fields: [String: Value], events: [String: EventStats], layout: FactLayout) throws(FactsError) {
        self.init(empty: layout)
        // Walk whichever side is smaller (a lead has a handful of the
        // playbook's events): one name hashed per entry walked.
        if fields.count < layout.fieldOrder.count {
            for (name, value) in fields {
                guard let slot = layout.fields[name] else { continue }
                do throws(FactsError) { try set(slot, value, layout: layout) } catch { try Self.firstBadField(fields, layout); throw error }
            }
        } else {
            try setFields(fields, layout: layout)
        }
        if events.count < layout.eventNames.count {
            for (name, stats) in events {
                guard let event = layout.events[name] else { continue }
                do throws(FactsError) { try record(event, stats, name: name) } catch { try Self.firstBadEvent(events, layout); throw error }
            }
        } else {
            try recordEvents(events, layout: layout)
        }
    }

    // In the layout's order, so that a bad value is reported the same way
    // in every run (a dictionary's own order changes from run to run).
    private mutating func setFields(_ fields: [String: Value], layout: FactLayout) throws(FactsError) {
        for slot in layout.fieldOrder {
            guard let value = fields[slot.name] else { continue }
            try set(slot, value, layout: layout)
        }
    }

    private mutating func recordEvents(_ events: [String: EventStats], layout: FactLayout) throws(FactsError) {
        for (event, name) in layout.eventNames.enumerated() {
            guard let stats = events[name] else { continue }
            try record(event, stats, name: name)
        }
    }

    /// Throws the error the layout's order meets first (see `setFields`).
    private static func firstBadField(_ fields: [String: Value], _ layout: FactLayout) throws(FactsError) {
        var scratch = LeadFacts(empty: layout)
        try scratch.setFields(fields, layout: layout)
    }

    private static func firstBadEvent(_ events: [String: EventStats], _ layout: FactLayout) throws(FactsError) {
        var scratch = LeadFacts(empty: layout)
        try scratch.recordEvents(events, layout: layout)
    }

    private init(empty layout: FactLayout) {
        self.layout = ObjectIdentifier(layout)
        words = layout.emptyWords
        texts = ContiguousArray(repeating: nil, count: layout.textCount)
        now = 0
        status = .open
        attempts = 0
        tier = -1
        escalatedTier = -1
        handledEvent = -1
    }

    /// Sets the facts that change within a step (status, tiers, attempts,
    /// time) and makes `event` the handled one, or none.
    mutating func update(status: LeadStatus, tier: Int32, escalatedTier: Int32, attempts: Int, now: Int64,
                         event: HandledEvent?, layout: FactLayout) throws(FactsError) {
        self.now = now
        self.status = status
        self.attempts = attempts
        self.tier = tier
        self.escalatedTier = escalatedTier
        if let event { try handle(event, layout: layout) } else { clearHandledEvent(layout: layout) }
    }

    /// Sets a field (or event parameter) slot from a value, and the derived
    /// `domain(...)` slot that reads it.
    mutating func set(_ slot: FactSlot, _ value: Value, layout: FactLayout) throws(FactsError) {
        let word = try layout.encode(value, slot)
        words[slot.word] = word
        var text: String?
        if case .string(let s) = value { text = s }
        if slot.text >= 0 { texts[slot.text] = word == Self.unlistedSymbol ? text : nil }
        guard let derived = slot.derivedDomain else { return }
        let derivedSlot = layout.derived[derived]
        let domainText = text.flatMap(Domain.of)
        let symbol = domainText.map(layout.symbol) ?? Self.missingSymbol
        words[derivedSlot.word] = symbol
        if derivedSlot.text >= 0 { texts[derivedSlot.text] = symbol == Self.unlistedSymbol ? domainText : nil }
    }

    /// Replaces the counters of one event type.
    mutating func record(_ event: Int, _ stats: EventStats, name: String) throws(FactsError) {
        guard stats.count >= 0, stats.count == 0 || stats.first <= stats.last,
              stats.count == 0 || (stats.first != Self.missingInstant) else {
            throw .badEventStats(event: name)
        }
        let seen = stats.count > 0
        words[FactLayout.countWord(event)] = Int64(stats.count)
        words[FactLayout.firstWord(event)] = seen ? stats.first : Self.missingInstant
        words[FactLayout.lastWord(event)] = seen ? stats.last : Self.missingInstant
    }

    /// Counts one more event of a type at `time` (the engine's step 1, "Record").
    public mutating func record(_ event: EventSlot, at time: Int64) {
        let i = Int(event.index)
        let count = words[FactLayout.countWord(i)]
        words[FactLayout.countWord(i)] = count + 1
        if count == 0 || time < words[FactLayout.firstWord(i)] { words[FactLayout.firstWord(i)] = time }
        if count == 0 || time > words[FactLayout.lastWord(i)] { words[FactLayout.lastWord(i)] = time }
    }

    /// Makes `event` the handled one: its payload fills the parameter slots
    /// of its type, and every other parameter slot becomes missing.
    mutating func handle(_ event: HandledEvent, layout: FactLayout) throws(FactsError) {
        guard let index = layout.events[event.type] else { throw .unknownEvent(event.type) }
        clearHandledEvent(layout: layout)
        handledEvent = Int32(index)
        let params = layout.params[index]
        for (name, value) in event.payload {
            guard let slot = params[name] else { continue }
            try set(slot, value, layout: layout)
        }
    }

    mutating func clearHandledEvent(layout: FactLayout) {
        guard handledEvent >= 0 else { return }
        for slot in layout.params[Int(handledEvent)].values {
            // Setting `.missing` cannot fail.
            try? set(slot, .missing, layout: layout)
        }
        handledEvent = -1
    }
}

/// `domain(x)`: the part of an address after its last '@', lower-cased;
/// missing when there is no '@'.
enum Domain {
    static func of(_ address: String) -> String? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        return address[address.index(after: at)...].lowercased()
    }
}
