// The executable form of expressions: typed Swift closures over resolved
// slots, built once per program by `Lowering`.
//
// Why closures and not bytecode. The checker has typed every expression, so
// each node compiles to a closure that returns an unboxed Double, Int64 or
// Truth: no value stack, no `Value` enum, no type test at run time. A
// bytecode interpreter needs a tagged value stack (or one per type) and pays
// a dispatch branch per instruction; closures pay one indirect call per node
// instead, and the nodes are kept few by fusing the leaves playbooks are made
// of: `count(demo_trade) > 0`, `age BETWEEN 25 AND 55` and `lead_score >= 70`
// each become one interval test on one word of `LeadFacts`,
// `source = "affiliate"` one compare of interned symbols, `country IN
// tier1_countries` one bitmap lookup, and NOT disappears into the leaves (De
// Morgan's laws hold in three-valued logic). The default playbook's score,
// tier and route take a few dozen calls.
//
// Measured with `rules-bench eval` (docs/BENCHMARKS.md): about 2,000
// instructions and 250-300 ns per lead, some 30 times faster than the naive
// AST walk of ReferenceEvaluator. What cost time was not the nodes but ARC
// around them, found with perf and callgrind: a closure loaded from an array
// was retained and released around every call (tier and route conditions
// are chained instead, CompiledChains.swift); a bare closure in a generic
// container is called through reabstraction thunks (closures live in
// structs); and handing the whole `Evaluation` to every closure copied it
// (closures get the small `Registers`).
//
// Missing values (docs/LANGUAGE.md "Missing values"): a number is NaN, an
// instant Int64.min, a symbol -1, a truth `.unknown`. Comparisons and sums
// with a missing operand give missing; AND and OR follow Kleene's logic.

import RulesCompiler
import RulesLanguage

/// The truth of a condition: holds, fails, or unknown (a value it needs is
/// missing). Ordered fails < unknown < holds, so AND is the minimum, OR the
/// maximum and NOT the mirror image. A condition that is unknown does not hold.
public enum Truth: UInt8, Sendable, Hashable {
    case fails = 0, unknown = 1, holds = 2

    @inline(__always) init(_ b: Bool) { self = b ? .holds : .fails }

    /// True only for `.holds`.
    public var isHeld: Bool { self == .holds }

    /// NOT: holds and fails swap, unknown stays unknown.
    public var negated: Truth {
        switch self {
        case .fails: .holds
        case .unknown: .unknown
        case .holds: .fails
        }
    }
}

/// What conditions read besides the lead's facts while a lead is being
/// evaluated: `points(c)`, `lead_score` and `lead_tier`. Small and separate
/// from `Evaluation` so that passing it to every closure copies two words,
/// not the evaluation with its explanation.
struct Registers: Sendable {
    /// Capped points per category index; NaN until computed.
    var points: ContiguousArray<Double>
    /// NaN while scoring.
    var score: Double
    /// Tier index, -1 none: the lead's current tier until the tier step.
    var tier: Int32
}

typealias TruthCode = @Sendable (LeadFacts, Registers) -> Truth
/// NaN when missing.
typealias NumberCode = @Sendable (LeadFacts, Registers) -> Double
/// A TIME or DURATION in milliseconds; Int64.min when missing.
typealias InstantCode = @Sendable (LeadFacts, Registers) -> Int64
/// A string as a symbol: the id of the equal literal, -1 missing, -2 unlisted.
typealias SymbolCode = @Sendable (LeadFacts, Registers) -> Int64
/// A string as text, nil when missing.
typealias TextCode = @Sendable (LeadFacts, Registers) -> String?

/// A compiled condition: the closure, the expression it came from and its
/// canonical text (for explanations).
public struct CompiledCondition: Sendable {
    let code: TruthCode
    public let expr: Expr
    /// The condition as `rules fmt` prints it.
    public let text: String

    /// The condition's truth for a lead, after `evaluation` (which supplies
    /// `lead_score`, `points(c)` and `lead_tier`).
    public func truth(_ facts: LeadFacts, _ evaluation: Evaluation) -> Truth { code(facts, evaluation.registers) }
}

/// A compiled expression of any type, read back as a `Value` (tests,
/// explanations, the values of action timings).
public struct CompiledExpression: Sendable {
    enum Code: Sendable {
        case truth(TruthCode)
        case number(NumberCode)
        case instant(InstantCode, isTime: Bool)
        case symbol(SymbolCode, TextCode)
        case list(@Sendable (LeadFacts, Registers) -> [Value])
    }
    let code: Code
    public let expr: Expr

    /// The value for a lead after `evaluation`; `.missing` when unknown.
    public func value(_ facts: LeadFacts, _ evaluation: Evaluation) -> Value {
        value(facts, evaluation.registers)
    }

    func value(_ facts: LeadFacts, _ evaluation: Registers) -> Value {
        switch code {
        case .truth(let c):
            let t = c(facts, evaluation)
            return t == .unknown ? .missing : .bool(t == .holds)
        case .number(let c):
            let n = c(facts, evaluation)
            return n.isNaN ? .missing : .number(n)
        case .instant(let c, let isTime):
            let i = c(facts, evaluation)
            return i == LeadFacts.missingInstant ? .missing : (isTime ? .time(i) : .duration(i))
        case .symbol(_, let text):
            return text(facts, evaluation).map(Value.string) ?? .missing
        case .list(let items):
            return .list(items(facts, evaluation))
        }
    }
}

// MARK: - Operands: what a leaf reads, before it becomes a closure

/// A NUMBER operand. Leaves specialise on the plain cases so that a
/// comparison with a constant is one closure, not three.
enum NumberOperand {
    case constant(Double)
    /// A NUMBER slot of `LeadFacts.words`.
    case word(Int)
    /// An event's count word.
    case count(Int)
    case score
    case attempts
    /// A category's capped points (missing until computed).
    case points(Int)
    case code(NumberCode)

    var code: NumberCode {
        switch self {
        case .constant(let c): { _, _ in c }
        case .word(let w): { f, _ in Double(bitPattern: UInt64(bitPattern: f.words[w])) }
        case .count(let w): { f, _ in Double(f.words[w]) }
        case .score: { _, e in e.score }
        case .attempts: { f, _ in Double(f.attempts) }
        case .points(let c): { _, e in e.points[c] }
        case .code(let c): c
        }
    }
}

/// A TIME or DURATION operand.
enum InstantOperand {
    case constant(Int64)
    /// A TIME or DURATION slot (fields, parameters, first/last of an event).
    case word(Int)
    case now
    /// `lead_age`: now minus the TIME in this word.
    case age(Int)
    case code(InstantCode)

    var code: InstantCode {
        switch self {
        case .constant(let c): { _, _ in c }
        case .word(let w): { f, _ in f.words[w] }
        case .now: { f, _ in f.now }
        case .age(let w):
            { f, _ in
                let registered = f.words[w]
                return registered == LeadFacts.missingInstant ? registered : f.now &- registered
            }
        case .code(let c): c
        }
    }
}

/// A STRING or COUNTRY operand, as a symbol (see `FactLayout`).
enum SymbolOperand {
    /// A literal's symbol, and its text.
    case constant(Int64, String)
    /// A symbol slot (a field, a parameter or a derived `domain(...)`).
    case word(FactSlot)
    case tier
    case status
    case code(SymbolCode, TextCode)
}
