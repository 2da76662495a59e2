// Lowering of checked expressions into closures (see CompiledCode.swift).
// Every name was resolved by the checker (`Program.names`) and every
// expression typed (`Program.types`); lowering turns each resolution into a
// slot index once, so the closures it returns never look a name up. It runs
// only on a program that checked clean: a shape the checker would have
// rejected cannot occur, and lowers to "unknown" rather than trapping.

import RulesCompiler
import RulesLanguage

/// The kinds of run-time representation, by checker type.
enum Representation {
    case truth, number, instant, symbol, list
}

final class Lowering {
    let program: Program
    var layout: LayoutBuilder
    /// The event whose parameters `event.x` reads, while lowering a trigger
    /// or disposition.
    var event: String?
    let categoryIndex: [String: Int]

    init(program: Program) {
        self.program = program
        layout = LayoutBuilder(program: program, literals: Literals.strings(of: program))
        categoryIndex = Dictionary(program.categories.enumerated().map { ($1.name, $0) }) { first, _ in first }
    }

    // MARK: - Entry points

    func condition(_ e: Expr, event: String?) -> CompiledCondition {
        self.event = event
        return CompiledCondition(code: truth(e, negated: false), expr: e, text: Printer.expression(e))
    }

    func expression(_ e: Expr, event: String?) -> CompiledExpression {
        self.event = event
        return CompiledExpression(code: code(e), expr: e)
    }

    private func code(_ e: Expr) -> CompiledExpression.Code {
        switch representation(e) {
        case .truth: return .truth(truth(e, negated: false))
        case .number: return .number(number(e).code)
        case .instant: return .instant(instant(e).code, isTime: type(e) == .time)
        case .symbol:
            let o = symbol(e)
            return .symbol(symbolCode(o), textCode(o))
        case .list: return .list(list(e))
        }
    }

    /// A list value: a LIST's literals, or the items of a list literal.
    private func list(_ e: Expr) -> @Sendable (LeadFacts, Registers) -> [Value] {
        if case .list(let listName)? = program.names[e.id] {
            let values = (program.lists[listName]?.values ?? []).map(ReferenceEvaluator.literal)
            return { _, _ in values }
        }
        guard case .list(let items) = e.kind else { return { _, _ in [] } }
        let compiled = items.map { CompiledExpression(code: code($0), expr: $0) }
        return { f, r in compiled.map { $0.value(f, r) } }
    }

    func type(_ e: Expr) -> RuleType { program.types[e.id] ?? .error }

    func representation(_ e: Expr) -> Representation { Self.representation(type(e)) }

    static func representation(_ t: RuleType) -> Representation {
        switch t {
        case .bool: .truth
        case .number: .number
        case .time, .duration, .timeOfDay: .instant
        case .list: .list
        default: .symbol
        }
    }

    // MARK: - Conditions

    /// The truth of `e`, XOR `negated`: NOT is pushed down to the leaves.
    func truth(_ e: Expr, negated: Bool) -> TruthCode {
        switch e.kind {
        case .bool(let b):
            return Leaf.constant(Truth(b != negated))
        case .not(let operand):
            return truth(operand, negated: !negated)
        case .binary(.and, let l, let r):
            let a = truth(l, negated: negated), b = truth(r, negated: negated)
            return negated ? Leaf.or(a, b) : Leaf.and(a, b)
        case .binary(.or, let l, let r):
            let a = truth(l, negated: negated), b = truth(r, negated: negated)
            return negated ? Leaf.and(a, b) : Leaf.or(a, b)
        case .binary(let op, let l, let r):
            guard let cop = ComparisonOperator(op) else { return Leaf.constant(.unknown) }
            return comparison(cop, l, r, negated: negated)
        case .membership(let value, let list, let isNot):
            return membership(value, list, negated: negated != isNot)
        case .range(let value, let low, let high, _):
            return range(value, low, high, negated: negated)
        case .name, .eventField, .call:
            return truthLeaf(e, negated: negated)
        default:
            return Leaf.constant(.unknown)
        }
    }

    /// A BOOL name, parameter or call: `seen`, an event alone, `present`, a
    /// BOOL field or table.
    private func truthLeaf(_ e: Expr, negated: Bool) -> TruthCode {
        switch e.kind {
        case .name:
            switch program.names[e.id] {
            case .event(let name)?: return seen(name, negated: negated)
            case .field(let name)?:
                guard let slot = layout.slot(field: name), slot.kind == .truth else { break }
                return Leaf.truth(word: slot.word, negated: negated)
            case .table(let name)?:
                guard let lookup = truthTable(name) else { break }
                if negated { return { f, _ in lookup(f).negated } }
                return { f, _ in lookup(f) }
            default: break
            }
        case .eventField(let param):
            guard let slot = paramSlot(param.name), slot.kind == .truth else { break }
            return Leaf.truth(word: slot.word, negated: negated)
        case .call(let function, let args) where args.count == 1:
            let arg = args[0]
            switch function.name {
            case "seen":
                guard case .event(let name)? = program.names[arg.id] else { break }
                return seen(name, negated: negated)
            case "present":
                guard let slot = slot(of: arg) else { break }
                return Leaf.present(slot, negated: negated)
            default: break
            }
        default: break
        }
        return Leaf.constant(.unknown)
    }

    /// `seen(e)` is `count(e) >= 1`.
    private func seen(_ event: String, negated: Bool) -> TruthCode {
        guard let index = layout.events[event] else { return Leaf.constant(.unknown) }
        return Leaf.number(.count(FactLayout.countWord(index)), in: 1, .infinity, negated: negated)
    }

    /// The slot behind a field name or `event.x`, for `present` and `domain`.
    func slot(of e: Expr) -> FactSlot? {
        switch e.kind {
        case .name(let name):
            guard case .field? = program.names[e.id] else { return nil }
            return layout.slot(field: name)
        case .eventField(let param):
            return paramSlot(param.name)
        default:
            return nil
        }
    }

    func paramSlot(_ name: String) -> FactSlot? {
        guard let event else { return nil }
        return layout.slot(param: name, of: event)
    }

    // MARK: - Comparisons

    func comparison(_ op: ComparisonOperator, _ l: Expr, _ r: Expr, negated: Bool) -> TruthCode {
        let t = type(l)
        switch Self.representation(t == .nothing || t == .error ? type(r) : t) {
        case .number:
            let a = number(l), b = number(r)
            if case .constant(let c) = b { return numberTest(a, op, c, negated) }
            if case .constant(let c) = a { return numberTest(b, op.flipped, c, negated) }
            let ca = a.code, cb = b.code
            return { f, e in
                let x = ca(f, e), y = cb(f, e)
                return x.isNaN || y.isNaN ? .unknown : .test(op.holds(x, y), negated)
            }
        case .instant:
            let a = instant(l), b = instant(r)
            if case .constant(let c) = b { return instantTest(a, op, c, negated) }
            if case .constant(let c) = a { return instantTest(b, op.flipped, c, negated) }
            let ca = a.code, cb = b.code, missing = LeadFacts.missingInstant
            return { f, e in
                let x = ca(f, e), y = cb(f, e)
                return x == missing || y == missing ? .unknown : .test(op.holds(x, y), negated)
            }
        case .symbol:
            let negate = negated != (op == .notEqual)
            let a = symbol(l), b = symbol(r)
            if case .constant(let c, _) = b, c >= 0 { return Leaf.symbol(a, equals: c, negated: negate, self) }
            if case .constant(let c, _) = a, c >= 0 { return Leaf.symbol(b, equals: c, negated: negate, self) }
            return Leaf.symbols((symbolCode(a), textCode(a)), (symbolCode(b), textCode(b)), negated: negate)
        case .truth:
            let negate = negated != (op == .notEqual)
            // x = TRUE is x; x = FALSE is NOT x.
            if case .bool(let b) = r.kind { return truth(l, negated: negate != !b) }
            if case .bool(let b) = l.kind { return truth(r, negated: negate != !b) }
            let a = truth(l, negated: false), b = truth(r, negated: false)
            return { f, e in
                let x = a(f, e), y = b(f, e)
                return x == .unknown || y == .unknown ? .unknown : .test(x == y, negate)
            }
        case .list:
            return Leaf.constant(.unknown)
        }
    }

    private func numberTest(_ o: NumberOperand, _ op: ComparisonOperator, _ c: Double, _ negated: Bool) -> TruthCode {
        guard !c.isNaN else { return Leaf.constant(.unknown) }
        let (lo, hi, negate) = Leaf.interval(op, c)
        return Leaf.number(o, in: lo, hi, negated: negate != negated)
    }

    private func instantTest(_ o: InstantOperand, _ op: ComparisonOperator, _ c: Int64, _ negated: Bool) -> TruthCode {
        guard c != LeadFacts.missingInstant else { return Leaf.constant(.unknown) }
        let (lo, hi, negate) = Leaf.interval(op, c)
        return Leaf.instant(o, in: lo, hi, negated: negate != negated)
    }

    private func range(_ value: Expr, _ low: Expr, _ high: Expr, negated: Bool) -> TruthCode {
        switch representation(value) {
        case .number:
            let v = number(value), a = number(low), b = number(high)
            if case .constant(let lo) = a, case .constant(let hi) = b {
                guard !lo.isNaN, !hi.isNaN else { return Leaf.constant(.unknown) }
                return Leaf.number(v, in: lo, hi, negated: negated)
            }
            let cv = v.code, ca = a.code, cb = b.code
            return { f, e in
                let x = cv(f, e), lo = ca(f, e), hi = cb(f, e)
                return x.isNaN || lo.isNaN || hi.isNaN ? .unknown : .test(lo <= x && x <= hi, negated)
            }
        case .instant:
            let v = instant(value), a = instant(low), b = instant(high), missing = LeadFacts.missingInstant
            if case .constant(let lo) = a, case .constant(let hi) = b, lo != missing, hi != missing {
                return Leaf.instant(v, in: lo, hi, negated: negated)
            }
            let cv = v.code, ca = a.code, cb = b.code
            return { f, e in
                let x = cv(f, e), lo = ca(f, e), hi = cb(f, e)
                return x == missing || lo == missing || hi == missing ? .unknown : .test(lo <= x && x <= hi, negated)
            }
        default:
            return Leaf.constant(.unknown)
        }
    }
}
