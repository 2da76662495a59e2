// The rules of scoring that both evaluators share (docs/LANGUAGE.md,
// SCORE): every row whose condition holds adds its points; a category is
// the sum capped at its MAX; `lead_score` is the sum of the capped
// categories, added in declaration order (so that floating-point sums are
// the same everywhere).
//
// `points(c)` lets a row read another category. Categories are computed in
// dependency order — a category after every category it reads, otherwise in
// declaration order — so the result does not depend on where a category is
// written. While scoring, a category not yet computed (a cycle, or
// `points` of itself) and `lead_score` are missing: a row that needs them
// gives no points. Evaluation stays linear, with no recursion.

import RulesCompiler
import RulesLanguage

enum Scoring {
    /// Category indexes in the order they are computed.
    static func order(_ program: Program) -> [Int] {
        let index = Dictionary(program.categories.enumerated().map { ($1.name, $0) }) { first, _ in first }
        let reads: [Set<Int>] = program.categories.map { category in
            var out = Set<Int>()
            for row in category.rows {
                collectPoints(row.condition, program, index, into: &out)
                if case .expression(let e) = row.points { collectPoints(e, program, index, into: &out) }
            }
            return out
        }
        var done = Array(repeating: false, count: reads.count)
        var order: [Int] = []
        while order.count < reads.count {
            // The first category whose reads are all done; in a cycle, the
            // first not done at all.
            let next = reads.indices.first { i in !done[i] && reads[i].allSatisfy { done[$0] } }
                ?? reads.indices.first { !done[$0] }
            guard let next else { break }
            done[next] = true
            order.append(next)
        }
        return order
    }

    private static func collectPoints(_ e: Expr, _ program: Program, _ index: [String: Int], into out: inout Set<Int>) {
        switch e.kind {
        case .call(let f, let args):
            if f.name == "points", let arg = args.first, case .category(let c)? = program.names[arg.id],
               let i = index[c] {
                out.insert(i)
            }
            for a in args { collectPoints(a, program, index, into: &out) }
        case .list(let items): for i in items { collectPoints(i, program, index, into: &out) }
        case .not(let x), .negate(let x): collectPoints(x, program, index, into: &out)
        case .binary(_, let l, let r), .membership(let l, let r, _):
            collectPoints(l, program, index, into: &out)
            collectPoints(r, program, index, into: &out)
        case .range(let v, let lo, let hi, _):
            for x in [v, lo, hi] { collectPoints(x, program, index, into: &out) }
        default: break
        }
    }

    /// A category's value: the sum of its rows' points, capped.
    @inline(__always) static func capped(_ sum: Double, max: Double) -> Double { sum < max ? sum : max }

    /// How much of a row's points count, given the raw sum of the rows
    /// before it: the capped total after it minus the capped total before.
    /// Over all rows these add up to the category's capped value.
    static func counted(_ points: Double, after before: Double, max: Double) -> Double {
        capped(before + points, max: max) - capped(before, max: max)
    }

    /// The highest `lead_score` the program allows: the sum of the caps.
    static func sumOfCaps(_ program: Program) -> Double { program.categories.reduce(0) { $0 + $1.max } }
}
