// The checker's types. COUNTRY is a STRING subtype (a two-letter ISO code),
// so the two mix in comparisons; `error` stands for an expression that was
// already reported and silences every message that would follow from it.

import RulesLanguage

/// The type of an expression or a declared value.
public indirect enum RuleType: Sendable, Hashable, CustomStringConvertible {
    case string, number, bool, time, duration, country
    /// A time of day such as `09:00`. Only CALLING HOURS windows use one;
    /// it is not a TIME (an instant).
    case timeOfDay
    case list(RuleType)
    /// The item type of the empty list `[]`: fits any list.
    case nothing
    /// An expression that already produced a diagnostic.
    case error

    public var description: String {
        switch self {
        case .string: "STRING"
        case .number: "NUMBER"
        case .bool: "BOOL"
        case .time: "TIME"
        case .duration: "DURATION"
        case .country: "COUNTRY"
        case .timeOfDay: "a time of day"
        case .list(let item): "LIST<\(item)>"
        case .nothing: "nothing"
        case .error: "<error>"
        }
    }

    /// Parses a type name as written after ':' (case-insensitive, like every keyword).
    public init?(typeName: String) {
        switch typeName.uppercased() {
        case "STRING": self = .string
        case "NUMBER": self = .number
        case "BOOL": self = .bool
        case "TIME": self = .time
        case "DURATION": self = .duration
        case "COUNTRY": self = .country
        default: return nil
        }
    }

    var isError: Bool {
        switch self {
        case .error: true
        case .list(let item): item.isError
        default: false
        }
    }

    var isStringLike: Bool { self == .string || self == .country }

    var isList: Bool {
        if case .list = self { return true }
        return false
    }

    /// True when a value of this type may stand where `expected` is asked
    /// for. COUNTRY is a STRING; an error fits anywhere (already reported).
    func fits(_ expected: RuleType) -> Bool {
        if self == expected || isError || expected.isError { return true }
        switch (self, expected) {
        case (.country, .string): return true
        case (.nothing, _): return true
        case (.list(let a), .list(let b)): return a.fits(b)
        default: return false
        }
    }

    /// True when `=` and `!=` may compare the two: the same type, or STRING with COUNTRY.
    func comparable(with other: RuleType) -> Bool {
        if isError || other.isError { return true }
        if isStringLike && other.isStringLike { return true }
        if case .list = self { return false }
        return self == other
    }

    /// The common type of two list items, or nil when they do not mix.
    func unified(with other: RuleType) -> RuleType? {
        if self == other { return self }
        if isError { return other }
        if other.isError { return self }
        if isStringLike && other.isStringLike { return .string }
        if self == .nothing { return other }
        if other == .nothing { return self }
        return nil
    }

    /// True for the types `<`, `>`, ranges and BETWEEN order.
    var isOrdered: Bool { self == .number || self == .duration || self == .time || isError }
}

/// A declared type: the type plus whether the value may be missing (`T?`).
public struct DeclaredType: Sendable, Hashable, CustomStringConvertible {
    public let type: RuleType
    public let optional: Bool
    public init(_ type: RuleType, optional: Bool = false) {
        self.type = type
        self.optional = optional
    }
    public var description: String { optional ? "\(type)?" : "\(type)" }
}
