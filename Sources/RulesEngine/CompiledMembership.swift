// `x IN list` and `x NOT IN list`. A LIST (or a list literal of constants)
// becomes a prebuilt set: a bitmap over symbols for strings, a Set for
// numbers and durations. A list literal with non-constant items, such as
// `[source, campaign]`, is the OR of `x = item` for each item, which is
// also how missing values behave: a missing `x` is unknown; a match holds
// whatever the other items are; no match with a missing item is unknown.

import RulesCompiler
import RulesLanguage

extension Lowering {
    func membership(_ value: Expr, _ list: Expr, negated: Bool) -> TruthCode {
        if let items = constantItems(list) {
            return constantMembership(value, items, negated: negated)
        }
        guard case .list(let items) = list.kind, let first = items.first else { return Leaf.constant(.unknown) }
        var any = comparison(.equal, value, first, negated: false)
        for item in items.dropFirst() { any = Leaf.or(any, comparison(.equal, value, item, negated: false)) }
        return negated ? Leaf.not(any) : any
    }

    /// The items of a LIST, or of a list literal whose items are all literals.
    private func constantItems(_ list: Expr) -> [LiteralValue]? {
        switch list.kind {
        case .name:
            guard case .list(let listName)? = program.names[list.id] else { return nil }
            return program.lists[listName]?.values
        case .list(let items):
            var values: [LiteralValue] = []
            for item in items {
                guard let v = Literals.value(item) else { return nil }
                values.append(v)
            }
            return values
        default:
            return nil
        }
    }

    private func constantMembership(_ value: Expr, _ items: [LiteralValue], negated: Bool) -> TruthCode {
        switch representation(value) {
        case .symbol:
            var set = ContiguousArray(repeating: false, count: layout.symbolTexts.count)
            for case .string(let s) in items {
                // Every literal of the program was interned before lowering.
                if let id = layout.symbols[s] { set[Int(id)] = true }
            }
            return Leaf.symbol(symbol(value), in: set, negated: negated, self)
        case .number:
            let set = Set(items.compactMap(Self.number)), c = number(value).code
            return { f, e in
                let x = c(f, e)
                return x.isNaN ? .unknown : .test(set.contains(x), negated)
            }
        case .instant:
            let set = Set(items.compactMap(Self.instant)), c = instant(value).code
            return { f, e in
                let x = c(f, e)
                return x == LeadFacts.missingInstant ? .unknown : .test(set.contains(x), negated)
            }
        case .truth:
            let set = Set(items.compactMap { if case .bool(let b) = $0 { Truth(b) } else { nil } })
            let c = truth(value, negated: false)
            return { f, e in
                let x = c(f, e)
                return x == .unknown ? .unknown : .test(set.contains(x), negated)
            }
        case .list:
            return Leaf.constant(.unknown)
        }
    }
}

/// The string literals of a program, interned before lowering so that the
/// symbol sets and tables can be sized once.
enum Literals {
    /// A literal expression's value (a negated number or duration included).
    static func value(_ e: Expr) -> LiteralValue? {
        switch e.kind {
        case .string(let s): .string(s)
        case .number(let n): .number(n)
        case .bool(let b): .bool(b)
        case .duration(let ms, _): .duration(ms)
        case .negate(let inner):
            switch value(inner) {
            case .number(let n)?: .number(-n)
            case .duration(let d)?: .duration(-d)
            default: nil
            }
        default: nil
        }
    }

    /// Every string the program can compare a lead's value with, in a
    /// deterministic order: lists, tables, then expressions in program order.
    static func strings(of program: Program) -> [String] {
        var out: [String] = []
        for name in program.lists.keys.sorted() {
            for case .string(let s) in program.lists[name]?.values ?? [] { out.append(s) }
        }
        for name in program.tables.keys.sorted() {
            for row in program.tables[name]?.rows ?? [] {
                if case .string(let s) = row.key { out.append(s) }
                if case .string(let s) = row.value { out.append(s) }
            }
            if case .string(let s)? = program.tables[name]?.defaultValue { out.append(s) }
        }
        out += program.dispositions.keys.sorted()
        for (e, _) in ProgramExpressions.all(program) { collect(e, into: &out) }
        return out
    }

    private static func collect(_ e: Expr, into out: inout [String]) {
        switch e.kind {
        case .string(let s): out.append(s)
        case .call(let f, let args):
            if f.name == "domain", args.count == 1, case .string(let s) = args[0].kind, let d = Domain.of(s) {
                out.append(d)
            }
            for a in args { collect(a, into: &out) }
        case .list(let items): for i in items { collect(i, into: &out) }
        case .not(let x), .negate(let x): collect(x, into: &out)
        case .binary(_, let l, let r), .membership(let l, let r, _):
            collect(l, into: &out)
            collect(r, into: &out)
        case .range(let v, let lo, let hi, _):
            collect(v, into: &out)
            collect(lo, into: &out)
            collect(hi, into: &out)
        default: break
        }
    }
}

/// Every top-level expression a program holds, with the event that
/// `event.x` refers to in it, for walks over the whole playbook.
enum ProgramExpressions {
    static func all(_ p: Program) -> [(Expr, event: String?)] {
        var out: [(Expr, event: String?)] = []
        for c in p.categories {
            for row in c.rows {
                out.append((row.condition, nil))
                if case .expression(let e) = row.points { out.append((e, nil)) }
            }
        }
        out += (p.tiers.map(\.condition) + p.routes.map(\.condition)).map { ($0, nil) }
        for t in p.triggers { out += trigger(t) }
        for c in p.cadences {
            out += ((c.condition.map { [$0] } ?? []) + c.exitConditions).map { ($0, nil) }
            out += c.triggers.flatMap(trigger)
        }
        for q in p.quarantines { out += ([q.condition] + q.releaseConditions).map { ($0, nil) } }
        for code in p.dispositions.keys.sorted() {
            out += (p.dispositions[code]?.actions.flatMap(action) ?? []).map { ($0, "call_outcome") }
        }
        return out
    }

    static func trigger(_ t: TriggerDefinition) -> [(Expr, event: String?)] {
        ((t.condition.map { [$0] } ?? []) + t.actions.flatMap(action)).map { ($0, t.event) }
    }

    /// The expressions inside an action: its timing, EVERY, WITHIN, BLOCK channel.
    static func action(_ a: ActionDefinition) -> [Expr] {
        switch a.action.kind {
        case .callback(let timing, _, _): timingExpr(timing)
        case .retry(let timing?): timingExpr(timing)
        case .email(_, let every, let timing): (every.map { [$0] } ?? []) + (timing.map(timingExpr) ?? [])
        case .sms(_, let timing?): timingExpr(timing)
        case .handoff(_, let within?): [within]
        case .block(.expr(let e), _): [e]
        default: []
        }
    }

    static func timingExpr(_ t: Timing) -> [Expr] {
        switch t.kind {
        case .after(let e), .at(let e): [e]
        default: []
        }
    }
}
