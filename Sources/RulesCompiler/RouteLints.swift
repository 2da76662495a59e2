// Lints of the routing table: a route an earlier one shadows, scores no
// route takes, and predictive dialing of valuable leads.
//
// A later route B is unreachable when every lead it matches is matched
// earlier: for the earlier routes A whose other conjuncts are a subset of
// B's (so A holds whenever B's do), the union of their score sets must
// cover B's. Earlier routes are indexed by their set of other conjuncts, so
// each route looks up the subsets of its own conjuncts instead of scanning
// every earlier route.

import RulesLanguage

extension Checker {
    private struct Earlier {
        var scores = ScoreSet.empty
        var routes: [(order: Int, ref: SourceRef, scores: ScoreSet)] = []
    }

    mutating func lintRoutes() {
        let domain = scoreDomain
        var earlier: [[String]: Earlier] = [:]
        var routed = ScoreSet.empty
        var firstRoute: (RouteDecl, SourceFile)?
        var order = 0
        for (decl, file) in allDecls {
            guard case .route(let route) = decl else { continue }
            if firstRoute == nil { firstRoute = (route, file) }
            let (set, others) = decompose(route.condition)
            let scores = set.intersection(domain ?? .atLeast(0))
            let ref = SourceRef(file: file, range: route.header)
            lintDialMode(route, scores, in: file)
            if scores.isEmpty {
                if let domain {
                    report(Messages.impossibleScore("route", domain: domain.description), route.header, in: file)
                }
                continue
            }
            let key = others.sorted()
            if let shadows = shadowingRoutes(scores, key, earlier) {
                report(Messages.shadowedRoute(by: shadows), route.header, in: file)
            }
            earlier[key, default: Earlier()].scores = earlier[key, default: Earlier()].scores.union(scores)
            earlier[key, default: Earlier()].routes.append((order, ref, scores))
            order += 1
            if others.isEmpty { routed = routed.union(scores) }
        }
        if let domain, let (route, file) = firstRoute {
            let unrouted = domain.subtracting(routed)
            if !unrouted.isEmpty {
                report(Messages.unroutedScores(unrouted), route.header, in: file)
            }
        }
    }

    /// The earlier routes that together match every lead `scores`/`others`
    /// matches, or nil when some lead gets through to this route.
    private func shadowingRoutes(_ scores: ScoreSet, _ others: [String], _ earlier: [[String]: Earlier]) -> [SourceRef]? {
        // Subsets of the conjuncts; beyond 8 conjuncts only the empty and the full set.
        let subsets: [[String]] = others.count <= 8
            ? (0..<(1 << others.count)).map { mask in others.indices.filter { mask & (1 << $0) != 0 }.map { others[$0] } }
            : [[], others]
        let found = subsets.compactMap { earlier[$0] }
        let covered = found.reduce(ScoreSet.empty) { $0.union($1.scores) }
        guard scores.isSubset(of: covered) else { return nil }
        // Name only the routes that take some of this route's leads, in route order.
        return found.flatMap(\.routes)
            .filter { !$0.scores.intersection(scores).isEmpty }
            .sorted { $0.order < $1.order }
            .map(\.ref)
    }

    /// Predictive dialers abandon calls; the seed forbids them on leads of 40 and above.
    private mutating func lintDialMode(_ route: RouteDecl, _ scores: ScoreSet, in file: SourceFile) {
        for statement in route.statements {
            guard case .dialMode(let mode) = statement.kind, mode.name.caseInsensitiveEquals("predictive_dialer") else { continue }
            let valuable = scores.intersection(.atLeast(40))
            if !valuable.isEmpty {
                report(Messages.predictiveOnValuableLeads(valuable.description), statement.range, in: file)
            }
        }
    }
}
