// Evaluation of one lead: score (every category, capped), tier (the first
// whose condition holds, never colder than an escalation) and route (the
// first whose condition holds). docs/LANGUAGE.md §9 steps 2 and 3.
//
// This is the hot path of `rules-bench eval`: with `explain: false` and a
// reused `Evaluation` it allocates nothing. The explanation is recorded in
// out-of-line functions only when asked for.

import RulesCompiler

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
        evaluation.reset(categories: categories.count, tier: facts.tier)
        evaluation.explanation = explain ? Explanation() : nil
        score(facts, &evaluation, explain: explain)
        chooseTier(facts, &evaluation, explain: explain)
        chooseRoute(facts, &evaluation, explain: explain)
    }

    private func score(_ facts: LeadFacts, _ e: inout Evaluation, explain: Bool) {
        for category in hotCategories {
            var sum = 0.0
            for r in category.start..<category.end {
                let row = hotRows[r]
                guard row.condition(facts, e) == .holds else { continue }
                let points = row.pointsCode.map { $0(facts, e) } ?? row.points
                guard !points.isNaN else { continue }
                if explain { recordRow(r, category, points, before: sum, &e) }
                sum += points
            }
            e.points[category.index] = Scoring.capped(sum, max: category.max)
        }
        var total = 0.0
        for p in e.points { total += p }
        e.score = total
    }

    private func chooseTier(_ facts: LeadFacts, _ e: inout Evaluation, explain: Bool) {
        var tier: Int32 = -1
        for (i, code) in tierCodes.enumerated() where code(facts, e) == .holds {
            tier = Int32(i)
            break
        }
        let escalated = facts.escalatedTier >= 0 && (tier < 0 || facts.escalatedTier < tier)
        if escalated { tier = facts.escalatedTier }
        e.tier = tier
        if explain && tier >= 0 { recordTier(Int(tier), escalated: escalated, &e) }
    }

    private func chooseRoute(_ facts: LeadFacts, _ e: inout Evaluation, explain: Bool) {
        var route: Int32 = -1
        for (i, code) in routeCodes.enumerated() where code(facts, e) == .holds {
            route = Int32(i)
            break
        }
        e.route = route
        if explain { recordRoutes(facts, &e) }
    }

    // MARK: - Explanation (only when asked for)

    @inline(never)
    private func recordRow(_ r: Int, _ category: HotCategory, _ points: Double, before: Double, _ e: inout Evaluation) {
        let c = categories[category.index]
        let row = c.rows[r - category.start]
        e.explanation?.contributions.append(Explanation.Contribution(
            category: c.name, source: row.source, points: points,
            counted: Scoring.counted(points, after: before, max: category.max)))
    }

    @inline(never)
    private func recordTier(_ tier: Int, escalated: Bool, _ e: inout Evaluation) {
        let t = tiers[tier]
        e.explanation?.tier = Explanation.TierRule(tier: t.name, source: t.definition.source,
                                                   condition: t.condition.text, escalated: escalated)
    }

    @inline(never)
    private func recordRoutes(_ facts: LeadFacts, _ e: inout Evaluation) {
        let taken = e.route >= 0 ? Int(e.route) : routes.count
        var notTaken: [Explanation.RouteNotTaken] = []
        for route in routes[..<taken] {
            for part in route.conjuncts {
                let outcome = part.truth(facts, e)
                guard outcome != .holds else { continue }
                notTaken.append(Explanation.RouteNotTaken(queue: route.definition.queue, source: route.definition.source,
                                                          failed: part.text, outcome: outcome))
                break
            }
        }
        e.explanation?.routesNotTaken = notTaken
        if taken < routes.count {
            let route = routes[taken]
            e.explanation?.route = Explanation.RouteRule(queue: route.definition.queue, source: route.definition.source,
                                                         condition: route.condition.text)
        }
    }
}
