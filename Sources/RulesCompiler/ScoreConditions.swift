// What a condition says about lead_score. A *pure* score condition tests
// lead_score alone against number literals (comparisons, ranges, BETWEEN,
// combined with AND, OR, NOT); it denotes an exact ScoreSet. Any condition
// splits into a conjunction of its score part and its other conjuncts,
// which the route lints compare syntactically (by `structuralKey`).

import RulesLanguage

extension Checker {
    /// The scores for which a pure lead_score condition holds; nil when the
    /// condition tests anything else.
    func scoreSet(_ e: Expr) -> ScoreSet? {
        switch e.kind {
        case .bool(let b):
            return b ? .all : .empty
        case .binary(.and, let a, let b):
            guard let x = scoreSet(a), let y = scoreSet(b) else { return nil }
            return x.intersection(y)
        case .binary(.or, let a, let b):
            guard let x = scoreSet(a), let y = scoreSet(b) else { return nil }
            return x.union(y)
        case .not(let inner):
            return scoreSet(inner)?.complement
        case .binary(let op, let l, let r) where op.isComparison:
            if isLeadScore(l), let n = numberLiteral(r) { return comparison(op, n) }
            if isLeadScore(r), let n = numberLiteral(l) { return comparison(op.flipped, n) }
            return nil
        case .range(let v, let low, let high, _):
            guard isLeadScore(v), let lo = numberLiteral(low), let hi = numberLiteral(high) else { return nil }
            return .between(ceilInt(lo), floorInt(hi))
        default:
            return nil
        }
    }

    /// A condition as (score part AND other conjuncts). The score part is
    /// `.all` when the condition does not test lead_score.
    func decompose(_ e: Expr) -> (scores: ScoreSet, others: Set<String>) {
        var scores = ScoreSet.all
        var others: Set<String> = []
        for conjunct in conjuncts(e) {
            if let s = scoreSet(conjunct) {
                scores = scores.intersection(s)
            } else {
                others.insert(structuralKey(conjunct))
            }
        }
        return (scores, others)
    }

    private func conjuncts(_ e: Expr) -> [Expr] {
        if case .binary(.and, let a, let b) = e.kind { return conjuncts(a) + conjuncts(b) }
        return [e]
    }

    private func isLeadScore(_ e: Expr) -> Bool {
        if case .name("lead_score") = e.kind { return names[e.id] == .builtin("lead_score") }
        return false
    }

    private func numberLiteral(_ e: Expr) -> Double? {
        if case .number(let n)? = literalValue(e), n.isFinite { return n }
        return nil
    }

    private func ceilInt(_ x: Double) -> Int { Int(max(min(x.rounded(.up), 1e12), -1e12)) }
    private func floorInt(_ x: Double) -> Int { Int(max(min(x.rounded(.down), 1e12), -1e12)) }

    private func comparison(_ op: BinaryOperator, _ n: Double) -> ScoreSet {
        switch op {
        case .greaterEqual: return .atLeast(ceilInt(n))
        case .greater: return .atLeast(floorInt(n) + 1)
        case .lessEqual: return .atMost(floorInt(n))
        case .less: return .atMost(ceilInt(n) - 1)
        case .equal: return n == n.rounded() ? .between(floorInt(n), floorInt(n)) : .empty
        case .notEqual: return n == n.rounded() ? ScoreSet.between(floorInt(n), floorInt(n)).complement : .all
        default: return .all
        }
    }

    /// A canonical text of an expression, independent of layout, ids and the
    /// operand order of `=`, `!=`, AND and OR: equal keys mean equal conditions.
    func structuralKey(_ e: Expr) -> String {
        var key = ""
        appendKey(e, to: &key)
        return key
    }

    private func appendKey(_ e: Expr, to key: inout String) {
        switch e.kind {
        case .number(let n): key += formatNumber(n)
        case .duration(let ms, _): key += String(ms) + "ms"
        case .time(let m): key += "t" + String(m)
        case .string(let s):
            key += "\""
            for c in s { if c == "\"" || c == "\\" { key += "\\" }; key.append(c) }
            key += "\""
        case .bool(let b): key += b ? "TRUE" : "FALSE"
        case .name(let n): key += n
        case .eventField(let f): key += "event." + f.name
        case .call(let f, let args): appendList(f.name + "(", args, ")", to: &key)
        case .list(let items): appendList("[", items, "]", to: &key)
        case .not(let x): appendList("NOT(", [x], ")", to: &key)
        case .negate(let x): appendList("-(", [x], ")", to: &key)
        case .binary(let op, let a, let b):
            var keys = [structuralKey(a), structuralKey(b)]
            if [.equal, .notEqual, .and, .or].contains(op) { keys.sort() }
            key += "(" + keys[0] + " " + op.rawValue + " " + keys[1] + ")"
        case .membership(let v, let l, let negated):
            appendList(negated ? "NOTIN(" : "IN(", [v, l], ")", to: &key)
        case .range(let v, let lo, let hi, _):
            appendList("BETWEEN(", [v, lo, hi], ")", to: &key)
        case .invalid: key += "<invalid " + String(e.id) + ">"
        }
    }

    private func appendList(_ open: String, _ items: [Expr], _ close: String, to key: inout String) {
        key += open
        for (i, item) in items.enumerated() {
            if i > 0 { key += "," }
            appendKey(item, to: &key)
        }
        key += close
    }
}

extension BinaryOperator {
    /// The operator with its operands swapped: `70 <= x` is `x >= 70`.
    var flipped: BinaryOperator {
        switch self {
        case .less: .greater
        case .lessEqual: .greaterEqual
        case .greater: .less
        case .greaterEqual: .lessEqual
        default: self
        }
    }
}

