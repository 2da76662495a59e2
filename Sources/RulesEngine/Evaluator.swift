// Evaluation of one lead: score (every category, capped), tier (the first
// whose condition holds, never colder than an escalation) and route (the
// first whose condition holds). docs/LANGUAGE.md §9 steps 2 and 3.
//
// Two paths that must agree (the tests check that they do): the fast one
// loops over the score rows and runs the tier and route chains, and with a
// reused `Evaluation` allocates nothing (the points array moves into the
// registers and back); the explaining one runs the same closures in the
// same order and records each step.

import RulesCompiler

extension Registers {
    /// `points` sized for `categories`, every entry NaN, keeping its storage.
    static func clear(_ points: inout ContiguousArray<Double>, categories: Int) {
        if points.count == categories {
            for i in points.indices { points[i] = .nan }
        } else {
            points = ContiguousArray(repeating: .nan, count: categories)
        }
    }
}

extension CompiledProgram {
    /// Score, tier and route of a lead; with `explain`, why.
    public func evaluate(_ facts: LeadFacts, explain: Bool = false) -> Evaluation {
        var evaluation = Evaluation()
        evaluate(facts, into: &evaluation, explain: explain)
        return evaluation
    }

    /// Evaluates into `evaluation`, reusing its storage: the loop form, which
    /// allocates nothing when `explain` is false.
    public func evaluate(_ facts: LeadFacts, into evaluation: inout Evaluation, explain: Bool = false) {
        precondition(facts.layout == ObjectIdentifier(layout), "LeadFacts built for another program")
        var r = Registers(points: [], score: .nan, tier: facts.tier)
        swap(&r.points, &evaluation.points)
        Registers.clear(&r.points, categories: categories.count)
        if explain {
            evaluation.explanation = explained(facts, &r, route: &evaluation.route)
        } else {
            if evaluation.hasExplanation { evaluation.explanation = nil }
            scoreLoop(facts, &r)
            r.tier = escalate(tierChain(facts, r), facts).tier
            evaluation.route = routeChain(facts, r)
        }
        evaluation.score = r.score
        evaluation.tier = r.tier
        swap(&r.points, &evaluation.points)
    }

    private func scoreLoop(_ facts: LeadFacts, _ r: inout Registers) {
        for c in hotCategories.indices {
            let category = hotCategories[c]
            var sum = 0.0
            for i in category.start..<category.end {
                let row = hotRows[i]
                guard row.condition(facts, r) == .holds else { continue }
                let points = row.constant ? row.points : row.pointsCode(facts, r)
                if !points.isNaN { sum += points }
            }
            r.points[category.index] = Scoring.capped(sum, max: category.max)
        }
        var total = 0.0
        for p in r.points { total += p }
        r.score = total
    }

    /// The tier after escalation: an escalated tier counts when it is hotter
    /// (declared earlier) than the one the score gives.
    private func escalate(_ tier: Int32, _ facts: LeadFacts) -> (tier: Int32, escalated: Bool) {
        let escalated = facts.escalatedTier >= 0 && (tier < 0 || facts.escalatedTier < tier)
        return escalated ? (facts.escalatedTier, true) : (tier, false)
    }

    // MARK: - The explaining path

    @inline(never)
    private func explained(_ facts: LeadFacts, _ r: inout Registers, route: inout Int32) -> Explanation {
        var explanation = Explanation()
        explainScore(facts, &r, &explanation)
        let (tier, escalated) = escalate(Int32(tiers.firstIndex { $0.condition.code(facts, r) == .holds } ?? -1), facts)
        r.tier = tier
        if tier >= 0 {
            let t = tiers[Int(tier)]
            explanation.tier = Explanation.TierRule(tier: t.name, source: t.definition.source,
                                                    condition: t.condition.text, escalated: escalated)
        }
        route = -1
        for (i, candidate) in routes.enumerated() {
            let definition = candidate.definition
            if candidate.condition.code(facts, r) == .holds {
                route = Int32(i)
                explanation.route = Explanation.RouteRule(queue: definition.queue, source: definition.source,
                                                          condition: candidate.condition.text)
                break
            }
            // The first part of the AND chain that does not hold (one always
            // does not, when the whole does not).
            let part = candidate.conjuncts.first { $0.code(facts, r) != .holds } ?? candidate.condition
            explanation.routesNotTaken.append(Explanation.RouteNotTaken(
                queue: definition.queue, source: definition.source, failed: part.text,
                outcome: part.code(facts, r)))
        }
        return explanation
    }

    /// The score loop, recording every row that gives points.
    private func explainScore(_ facts: LeadFacts, _ r: inout Registers, _ explanation: inout Explanation) {
        for category in hotCategories {
            let c = categories[category.index]
            var sum = 0.0
            for i in category.start..<category.end {
                let row = hotRows[i]
                guard row.condition(facts, r) == .holds else { continue }
                let points = row.constant ? row.points : row.pointsCode(facts, r)
                guard !points.isNaN else { continue }
                explanation.contributions.append(Explanation.Contribution(
                    category: c.name, source: c.rows[i - category.start].source, points: points,
                    counted: Scoring.counted(points, after: sum, max: category.max)))
                sum += points
            }
            r.points[category.index] = Scoring.capped(sum, max: category.max)
        }
        var total = 0.0
        for p in r.points { total += p }
        r.score = total
    }
}
