// The closures that conditions are made of. Every comparison with a
// constant becomes an inclusive interval test (`x > 3` is `x in [3⁺, +∞]`,
// `x != 3` is "not in [3, 3]"), with NOT folded in as a flag, so one
// closure serves =, !=, <, <=, >, >=, BETWEEN, ranges and their negations.

import RulesLanguage

extension Truth {
    /// `inside` XOR `negated`, for a value that is known.
    @inline(__always) static func test(_ inside: Bool, _ negated: Bool) -> Truth { Truth(inside != negated) }
}

enum Leaf {
    static func constant(_ t: Truth) -> TruthCode { { _, _ in t } }

    // MARK: - Intervals

    /// `lo <= x <= hi` (XOR negated); unknown when x is missing.
    static func number(_ o: NumberOperand, in lo: Double, _ hi: Double, negated: Bool) -> TruthCode {
        switch o {
        case .constant(let x):
            return constant(x.isNaN ? .unknown : .test(lo <= x && x <= hi, negated))
        case .word(let w):
            return { f, _ in
                let x = Double(bitPattern: UInt64(bitPattern: f.words[w]))
                return x.isNaN ? .unknown : .test(lo <= x && x <= hi, negated)
            }
        case .count(let w):
            // Counts are whole numbers: test them as integers.
            let a = wholeBound(lo.rounded(.up)), b = wholeBound(hi.rounded(.down))
            return { f, _ in
                let x = f.words[w]
                return .test(a <= x && x <= b, negated)
            }
        case .score:
            return { _, e in
                let x = e.score
                return x.isNaN ? .unknown : .test(lo <= x && x <= hi, negated)
            }
        default:
            let c = o.code
            return { f, e in
                let x = c(f, e)
                return x.isNaN ? .unknown : .test(lo <= x && x <= hi, negated)
            }
        }
    }

    /// A count bound as Int64, saturating.
    private static func wholeBound(_ d: Double) -> Int64 {
        if d >= 9.2e18 { return Int64.max }
        if d <= -9.2e18 { return Int64.min }
        return Int64(d)
    }

    /// `lo <= x <= hi` (XOR negated) for TIME and DURATION.
    static func instant(_ o: InstantOperand, in lo: Int64, _ hi: Int64, negated: Bool) -> TruthCode {
        let missing = LeadFacts.missingInstant
        switch o {
        case .constant(let x):
            return constant(x == missing ? .unknown : .test(lo <= x && x <= hi, negated))
        case .word(let w):
            return { f, _ in
                let x = f.words[w]
                return x == missing ? .unknown : .test(lo <= x && x <= hi, negated)
            }
        default:
            let c = o.code
            return { f, e in
                let x = c(f, e)
                return x == missing ? .unknown : .test(lo <= x && x <= hi, negated)
            }
        }
    }

    /// The interval of `x op c`, as (lo, hi) for doubles.
    static func interval(_ op: ComparisonOperator, _ c: Double) -> (Double, Double, negated: Bool) {
        switch op {
        case .equal: (c, c, false)
        case .notEqual: (c, c, true)
        case .less: (-.infinity, c.nextDown, false)
        case .lessEqual: (-.infinity, c, false)
        case .greater: (c.nextUp, .infinity, false)
        case .greaterEqual: (c, .infinity, false)
        }
    }

    /// The interval of `x op c` for Int64 values; an empty one is (1, 0).
    static func interval(_ op: ComparisonOperator, _ c: Int64) -> (Int64, Int64, negated: Bool) {
        switch op {
        case .equal: (c, c, false)
        case .notEqual: (c, c, true)
        case .less: c == Int64.min ? (1, 0, false) : (Int64.min, c - 1, false)
        case .lessEqual: (Int64.min, c, false)
        case .greater: c == Int64.max ? (1, 0, false) : (c + 1, Int64.max, false)
        case .greaterEqual: (c, Int64.max, false)
        }
    }

    // MARK: - Symbols

    /// `x = c` (XOR negated) for a listed literal's symbol `c`.
    static func symbol(_ o: SymbolOperand, equals c: Int64, negated: Bool, _ lowering: Lowering) -> TruthCode {
        switch o {
        case .word(let slot):
            let w = slot.word
            return { f, _ in
                let x = f.words[w]
                return x == LeadFacts.missingSymbol ? .unknown : .test(x == c, negated)
            }
        default:
            let s = lowering.symbolCode(o)
            return { f, e in
                let x = s(f, e)
                return x == LeadFacts.missingSymbol ? .unknown : .test(x == c, negated)
            }
        }
    }

    /// `x IN set` (XOR negated), the set a bitmap over symbols.
    static func symbol(_ o: SymbolOperand, in set: ContiguousArray<Bool>, negated: Bool,
                       _ lowering: Lowering) -> TruthCode {
        switch o {
        case .word(let slot):
            let w = slot.word
            return { f, _ in
                let x = f.words[w]
                if x == LeadFacts.missingSymbol { return .unknown }
                return .test(x >= 0 && set[Int(x)], negated)
            }
        default:
            let s = lowering.symbolCode(o)
            return { f, e in
                let x = s(f, e)
                if x == LeadFacts.missingSymbol { return .unknown }
                return .test(x >= 0 && set[Int(x)], negated)
            }
        }
    }

    /// `a = b` (XOR negated) for two strings that are not both literals:
    /// symbols decide unless both are unlisted, then the texts do.
    static func symbols(_ a: (SymbolCode, TextCode), _ b: (SymbolCode, TextCode), negated: Bool) -> TruthCode {
        let (sa, ta) = a, (sb, tb) = b
        return { f, e in
            let x = sa(f, e), y = sb(f, e)
            if x == LeadFacts.missingSymbol || y == LeadFacts.missingSymbol { return .unknown }
            if x >= 0 || y >= 0 { return .test(x == y, negated) }
            guard let p = ta(f, e), let q = tb(f, e) else { return .unknown }
            return .test(p == q, negated)
        }
    }

    // MARK: - Logic

    static func and(_ l: @escaping TruthCode, _ r: @escaping TruthCode) -> TruthCode {
        { f, e in
            let a = l(f, e)
            if a == .fails { return .fails }
            let b = r(f, e)
            return a.rawValue < b.rawValue ? a : b
        }
    }

    static func or(_ l: @escaping TruthCode, _ r: @escaping TruthCode) -> TruthCode {
        { f, e in
            let a = l(f, e)
            if a == .holds { return .holds }
            let b = r(f, e)
            return a.rawValue > b.rawValue ? a : b
        }
    }

    static func not(_ c: @escaping TruthCode) -> TruthCode { { f, e in c(f, e).negated } }

    /// A truth slot (a BOOL field or parameter).
    static func truth(word w: Int, negated: Bool) -> TruthCode {
        if negated {
            return { f, _ in (Truth(rawValue: UInt8(truncatingIfNeeded: f.words[w])) ?? .unknown).negated }
        }
        return { f, _ in Truth(rawValue: UInt8(truncatingIfNeeded: f.words[w])) ?? .unknown }
    }

    /// `present(x)`: the slot's word is not its kind's "missing".
    static func present(_ slot: FactSlot, negated: Bool) -> TruthCode {
        let w = slot.word
        switch slot.kind {
        case .number:
            return { f, _ in .test(!Double(bitPattern: UInt64(bitPattern: f.words[w])).isNaN, negated) }
        default:
            let missing = FactLayout.missingWord(slot.kind)
            return { f, _ in .test(f.words[w] != missing, negated) }
        }
    }
}

/// The six comparison operators, with the operand order flipped when the
/// constant is on the left (`70 <= lead_score` is `lead_score >= 70`).
enum ComparisonOperator {
    case equal, notEqual, less, lessEqual, greater, greaterEqual

    init?(_ op: BinaryOperator) {
        switch op {
        case .equal: self = .equal
        case .notEqual: self = .notEqual
        case .less: self = .less
        case .lessEqual: self = .lessEqual
        case .greater: self = .greater
        case .greaterEqual: self = .greaterEqual
        default: return nil
        }
    }

    var flipped: ComparisonOperator {
        switch self {
        case .equal, .notEqual: self
        case .less: .greater
        case .lessEqual: .greaterEqual
        case .greater: .less
        case .greaterEqual: .lessEqual
        }
    }

    func holds<T: Comparable>(_ a: T, _ b: T) -> Bool {
        switch self {
        case .equal: a == b
        case .notEqual: a != b
        case .less: a < b
        case .lessEqual: a <= b
        case .greater: a > b
        case .greaterEqual: a >= b
        }
    }
}
