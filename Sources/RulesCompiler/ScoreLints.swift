// Lints of the scoring model: categories whose rows can exceed their cap,
// and tiers that leave scores uncovered, overlap, or can never match.

import RulesLanguage

extension Checker {
    /// The possible values of lead_score: 0 to the sum of the category caps;
    /// nil when the playbook declares no SCORE category.
    var scoreDomain: ScoreSet? {
        var total = 0.0
        var any = false
        for (decl, _) in allDecls {
            guard case .score(let score) = decl, case .number(let max)? = literalValue(score.max), max > 0 else { continue }
            total += max
            any = true
        }
        guard any, total.isFinite, total < 1e12 else { return nil }
        return .between(0, Int(total.rounded(.down)))
    }

    // MARK: - Categories

    mutating func lintCategories() {
        for (decl, file) in allDecls {
            guard case .score(let score) = decl, case .number(let max)? = literalValue(score.max), max > 0 else { continue }
            var bounded = true
            var groups: [String: [String: Double]] = [:]
            var total = 0.0
            for row in score.rows {
                guard let points = maxPoints(row.points) else {
                    if types[row.points.id] == .number {
                        report(Messages.unboundedPoints(score.name.name), row.points.range, in: file)
                    }
                    bounded = false
                    continue
                }
                if let (subject, value) = exclusiveTest(row.condition) {
                    groups[subject, default: [:]][value, default: 0] += points
                } else {
                    total += points
                }
            }
            // Rows testing one field for different values never hold together.
            total += groups.values.reduce(0) { $0 + ($1.values.max() ?? 0) }
            if bounded && total > max {
                report(Messages.pointsAboveCap(score.name.name, total: total, max: max), score.name.range, in: file)
            }
        }
    }

    /// The most a row can add: its points when positive, nil when unbounded.
    private func maxPoints(_ points: Expr) -> Double? {
        if case .number(let n)? = literalValue(points) { return Swift.max(0, n) }
        // points(c) is at most c's cap.
        if case .call(let f, let args) = points.kind, f.name == "points", let arg = args.first,
           case .category(let c)? = names[arg.id], let category = symbols.categories[c],
           case .number(let cap)? = literalValue(category.node.max) {
            return Swift.max(0, cap)
        }
        guard case .name(let name) = points.kind, case .table(let t)? = names[points.id],
              case .table(let declared, _)? = symbols.values[t], declared.node.name.name == name else { return nil }
        let values = declared.node.rows.map(\.value) + (declared.node.defaultValue.map { [$0] } ?? [])
        var best = 0.0
        for v in values {
            guard case .number(let n)? = literalValue(v) else { return nil }
            best = Swift.max(best, n)
        }
        return best
    }

    /// `field = "literal"` (either order): rows of one field with different
    /// literals are mutually exclusive.
    private func exclusiveTest(_ condition: Expr) -> (subject: String, value: String)? {
        guard case .binary(.equal, let a, let b) = condition.kind else { return nil }
        for (subject, literal) in [(a, b), (b, a)] {
            if case .name(let n) = subject.kind, literalValue(literal) != nil {
                return (n, structuralKey(literal))
            }
        }
        return nil
    }

    // MARK: - Tiers

    mutating func lintTiers() {
        guard let domain = scoreDomain else { return }
        var pure: [(decl: TierDecl, file: SourceFile, scores: ScoreSet)] = []
        var covered = ScoreSet.empty
        var firstTier: (TierDecl, SourceFile)?
        for (decl, file) in allDecls {
            guard case .tier(let tier) = decl else { continue }
            if firstTier == nil { firstTier = (tier, file) }
            guard let set = scoreSet(tier.condition) else { continue }
            let scores = set.intersection(domain)
            if scores.isEmpty {
                report(Messages.impossibleScore("tier '\(tier.name.name)'", domain: domain.description),
                       tier.name.range, in: file)
                continue
            }
            let overlap = scores.intersection(covered)
            if !overlap.isEmpty, let earlier = pure.first(where: { !$0.scores.intersection(scores).isEmpty }) {
                report(Messages.tierOverlap(earlier.decl.name.name, tier.name.name,
                                            earlier.scores.intersection(scores).description,
                                            firstAt: SourceRef(file: earlier.file, range: earlier.decl.range)),
                       tier.name.range, in: file)
            }
            pure.append((tier, file, scores))
            covered = covered.union(scores)
        }
        let gap = domain.subtracting(covered)
        if let (tier, file) = firstTier, !gap.isEmpty {
            report(Messages.tierGap(gap.description, domain: domain.description), tier.name.range, in: file)
        }
    }
}
