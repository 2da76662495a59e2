// What `rules eval` says about one lead (DESIGN.md, "Command contracts"):
// score, categories, tier, route, status, and the explanation — every rule
// that contributed, with file:line and points, and for the route the earlier
// routes that did not match with the condition that failed. The JSON shape
// is a stable contract; keys are written in the order of the contract.

import RulesCompiler

/// The evaluation of one lead as reported by `rules eval`.
public struct LeadReport: Sendable, Equatable {
    public struct Category: Sendable, Equatable {
        public let name: String
        public let points: Double
        public let max: Double
    }

    public struct Route: Sendable, Equatable {
        public let queue: String
        /// As written in the rules, upper-cased (`IMMEDIATE`, `WITHIN_2_HOURS`).
        public let priority: String?
        public let dialMode: String?
        /// `file:line` of the IF.
        public let rule: String
    }

    /// One line of the explanation.
    public enum Step: Sendable, Equatable {
        /// A score row whose condition held: its points, and how many counted under the cap.
        case score(rule: String, category: String, condition: String, points: Double, counted: Double)
        case tier(rule: String, tier: String, condition: String, escalated: Bool)
        /// An earlier route that did not match; `unknown` when a value it reads is missing.
        case routeNotTaken(rule: String, queue: String, failed: String, unknown: Bool)
        case route(rule: String, queue: String, condition: String)
    }

    public let leadID: String
    public let score: Double
    /// In declaration order.
    public let categories: [Category]
    public let tier: String?
    public let route: Route?
    public let status: LeadStatus
    /// The earlier lead with the same phone or email, when this one is a
    /// duplicate (linked, never dialled).
    public let duplicateOf: String?
    /// Score rows in scoring order, then the tier, the routes not taken and the route.
    public let explain: [Step]

    /// The report of an evaluation made with `explain: true`.
    public init(leadID: String, evaluation: Evaluation, status: LeadStatus, duplicateOf: String? = nil,
                program: CompiledProgram) {
        self.leadID = leadID
        self.status = status
        self.duplicateOf = duplicateOf
        score = evaluation.score
        categories = program.categories.enumerated().map { i, c in
            Category(name: c.name, points: evaluation.points[i], max: c.max)
        }
        tier = evaluation.tierIndex.map { program.tiers[$0].name }
        route = evaluation.routeIndex.map { i in
            let d = program.routes[i].definition
            return Route(queue: d.queue, priority: d.priorityName?.uppercased(), dialMode: d.dialMode,
                         rule: d.source.description)
        }
        explain = Self.steps(evaluation.explanation ?? Explanation(), program)
    }

    private static func steps(_ e: Explanation, _ program: CompiledProgram) -> [Step] {
        var conditions: [SourceRef: String] = [:]
        for category in program.categories {
            for row in category.rows { conditions[row.source] = row.condition.text }
        }
        var steps = e.contributions.map { c in
            Step.score(rule: c.source.description, category: c.category, condition: conditions[c.source] ?? "",
                       points: c.points, counted: c.counted)
        }
        if let t = e.tier {
            steps.append(.tier(rule: t.source.description, tier: t.tier, condition: t.condition, escalated: t.escalated))
        }
        for r in e.routesNotTaken {
            steps.append(.routeNotTaken(rule: r.source.description, queue: r.queue, failed: r.failed,
                                        unknown: r.outcome == .unknown))
        }
        if let r = e.route {
            steps.append(.route(rule: r.source.description, queue: r.queue, condition: r.condition))
        }
        return steps
    }

    /// The JSON object of the contract, keys in contract order.
    public var json: JSONValue {
        func string(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        let categories = JSONValue.object(self.categories.map { c in
            JSONMember(c.name, .object([JSONMember("points", .number(c.points)), JSONMember("max", .number(c.max))]))
        })
        let route = self.route.map { r in
            JSONValue.object([
                JSONMember("queue", .string(r.queue)), JSONMember("priority", string(r.priority)),
                JSONMember("dial_mode", string(r.dialMode)), JSONMember("rule", .string(r.rule)),
            ])
        } ?? .null
        var members = [
            JSONMember("lead_id", .string(leadID)), JSONMember("score", .number(score)),
            JSONMember("categories", categories), JSONMember("tier", string(tier)), JSONMember("route", route),
            JSONMember("status", .string(status.rawValue)),
        ]
        // An extension of the contract: present only for duplicates.
        if let duplicateOf { members.append(JSONMember("duplicate_of", .string(duplicateOf))) }
        members.append(JSONMember("explain", .array(explain.map(\.json))))
        return .object(members)
    }
}

extension LeadReport.Step {
    /// `{"kind": …, "rule": "file:line", …}`.
    public var json: JSONValue {
        switch self {
        case .score(let rule, let category, let condition, let points, let counted):
            .object([JSONMember("kind", .string("score")), JSONMember("rule", .string(rule)),
                     JSONMember("category", .string(category)), JSONMember("condition", .string(condition)),
                     JSONMember("points", .number(points)), JSONMember("counted", .number(counted))])
        case .tier(let rule, let tier, let condition, let escalated):
            .object([JSONMember("kind", .string("tier")), JSONMember("rule", .string(rule)),
                     JSONMember("tier", .string(tier)), JSONMember("condition", .string(condition)),
                     JSONMember("escalated", .bool(escalated))])
        case .routeNotTaken(let rule, let queue, let failed, let unknown):
            .object([JSONMember("kind", .string("route_not_taken")), JSONMember("rule", .string(rule)),
                     JSONMember("queue", .string(queue)), JSONMember("failed", .string(failed)),
                     JSONMember("outcome", .string(unknown ? "unknown" : "fails"))])
        case .route(let rule, let queue, let condition):
            .object([JSONMember("kind", .string("route")), JSONMember("rule", .string(rule)),
                     JSONMember("queue", .string(queue)), JSONMember("condition", .string(condition))])
        }
    }
}
