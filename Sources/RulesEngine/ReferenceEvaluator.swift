// The naive evaluator: walks the checked AST on every evaluation, looks
// every name up in dictionaries (the lead's fields and event counters by
// name, LISTs and TABLEs by name in the Program) and computes with boxed
// `Value`s. It is written for obviousness, straight from docs/LANGUAGE.md,
// and serves two purposes: the oracle of the differential tests (the
// compiled evaluator must agree with it on every lead) and the baseline of
// `rules-bench eval`. It shares with the compiled form only the scoring
// rules of Scoring.swift and `Domain.of`.

import RulesCompiler
import RulesLanguage

public struct ReferenceEvaluator: Sendable {
    public let program: Program

    public init(program: Program) {
        self.program = program
    }

    /// What an expression can read besides the lead: the registers of the
    /// evaluation in progress and the event `event.x` refers to.
    public struct Scope: Sendable {
        public var points: [String: Double] = [:]
        public var score: Double?
        public var tier: String?
        /// The event whose parameters `event.x` reads (the trigger's event).
        public var event: String?
        public init(points: [String: Double] = [:], score: Double? = nil, tier: String? = nil, event: String? = nil) {
            self.points = points
            self.score = score
            self.tier = tier
            self.event = event
        }
    }

    // MARK: - Score, tier, route

    public func evaluate(_ lead: LeadSnapshot, explain: Bool = false) -> Evaluation {
        var result = Evaluation()
        result.reset(categories: program.categories.count, tier: -1)
        var explanation = Explanation()
        var scope = Scope(tier: lead.tier)
        score(lead, &scope, &result, &explanation)
        chooseTier(lead, &scope, &result, &explanation)
        for (i, route) in program.routes.enumerated() {
            if truth(route.condition, lead, scope) == .holds {
                explanation.route = Explanation.RouteRule(queue: route.queue, source: route.source,
                                                          condition: Printer.expression(route.condition))
                result.route = Int32(i)
                break
            }
            explanation.routesNotTaken.append(whyNot(route, lead, scope))
        }
        result.explanation = explain ? explanation : nil
        return result
    }

    private func score(_ lead: LeadSnapshot, _ scope: inout Scope, _ result: inout Evaluation,
                       _ explanation: inout Explanation) {
        for index in Scoring.order(program) {
            let category = program.categories[index]
            var sum = 0.0
            for row in category.rows where truth(row.condition, lead, scope) == .holds {
                guard case .number(let points) = pointsValue(row.points, lead, scope) else { continue }
                explanation.contributions.append(Explanation.Contribution(
                    category: category.name, source: row.source, points: points,
                    counted: Scoring.counted(points, after: sum, max: category.max)))
                sum += points
            }
            let capped = Scoring.capped(sum, max: category.max)
            scope.points[category.name] = capped
            result.points[index] = capped
        }
        var total = 0.0
        for category in program.categories { total += scope.points[category.name] ?? 0 }
        scope.score = total
        result.score = total
    }

    /// The first tier that holds, unless an escalation is hotter (declared earlier).
    private func chooseTier(_ lead: LeadSnapshot, _ scope: inout Scope, _ result: inout Evaluation,
                            _ explanation: inout Explanation) {
        var tier = program.tiers.firstIndex { truth($0.condition, lead, scope) == .holds }
        let escalation = lead.escalatedTier.flatMap { name in program.tiers.firstIndex { $0.name == name } }
        let escalated = escalation.map { e in tier.map { e < $0 } ?? true } ?? false
        if escalated { tier = escalation }
        if let tier {
            let t = program.tiers[tier]
            explanation.tier = Explanation.TierRule(tier: t.name, source: t.source,
                                                    condition: Printer.expression(t.condition), escalated: escalated)
        }
        scope.tier = tier.map { program.tiers[$0].name }
        result.tier = Int32(tier ?? -1)
    }

    private func pointsValue(_ points: ScoreCategory.Points, _ lead: LeadSnapshot, _ scope: Scope) -> Value {
        switch points {
        case .constant(let n): .number(n)
        case .table(let name): table(name, lead)
        case .expression(let e): value(e, lead, scope)
        }
    }

    private func whyNot(_ route: RouteDefinition, _ lead: LeadSnapshot, _ scope: Scope) -> Explanation.RouteNotTaken {
        var parts: [Expr] = []
        var pending = [route.condition]
        while let e = pending.popLast() {
            if case .binary(.and, let l, let r) = e.kind { pending += [r, l] } else { parts.append(e) }
        }
        for part in parts {
            let t = truth(part, lead, scope)
            if t != .holds {
                return Explanation.RouteNotTaken(queue: route.queue, source: route.source,
                                                 failed: Printer.expression(part), outcome: t)
            }
        }
        return Explanation.RouteNotTaken(queue: route.queue, source: route.source,
                                         failed: Printer.expression(route.condition),
                                         outcome: truth(route.condition, lead, scope))
    }

    // MARK: - Expressions

    /// The truth of a condition: unknown when its value is missing.
    public func truth(_ e: Expr, _ lead: LeadSnapshot, _ scope: Scope) -> Truth {
        switch e.kind {
        case .not(let x):
            return truth(x, lead, scope).negated
        case .binary(.and, let l, let r):
            let a = truth(l, lead, scope), b = truth(r, lead, scope)
            if a == .fails || b == .fails { return .fails }
            return a == .holds && b == .holds ? .holds : .unknown
        case .binary(.or, let l, let r):
            let a = truth(l, lead, scope), b = truth(r, lead, scope)
            if a == .holds || b == .holds { return .holds }
            return a == .fails && b == .fails ? .fails : .unknown
        default:
            switch value(e, lead, scope) {
            case .bool(let b): return b ? .holds : .fails
            default: return .unknown
            }
        }
    }

    /// The value of any expression for a lead; `.missing` when unknown.
    public func value(_ e: Expr, _ lead: LeadSnapshot, _ scope: Scope) -> Value {
        switch e.kind {
        case .number(let n): return .number(n)
        case .duration(let ms, _): return .duration(ms)
        case .time(let minutes): return .duration(Int64(minutes))
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .invalid: return .missing
        case .name(let name): return named(name, e, lead, scope)
        case .eventField(let param):
            guard let event = lead.event, event.type == scope.event else { return .missing }
            return event.payload[param.name] ?? .missing
        case .call(let f, let args): return call(f.name, args, lead, scope)
        case .list(let items): return .list(items.map { value($0, lead, scope) })
        case .not, .binary(.and, _, _), .binary(.or, _, _):
            let t = truth(e, lead, scope)
            return t == .unknown ? .missing : .bool(t == .holds)
        case .negate(let x):
            switch value(x, lead, scope) {
            case .number(let n): return .number(-n)
            case .duration(let d): return .duration(0 &- d)
            default: return .missing
            }
        case .binary(let op, let l, let r):
            let a = value(l, lead, scope), b = value(r, lead, scope)
            if op == .add || op == .subtract { return Self.sum(op, a, b) }
            return Self.truthValue(Self.compare(op, a, b))
        case .membership(let v, let list, let negated):
            let t = membership(value(v, lead, scope), value(list, lead, scope))
            return Self.truthValue(negated ? t.negated : t)
        case .range(let v, let lo, let hi, _):
            let x = value(v, lead, scope), a = value(lo, lead, scope), b = value(hi, lead, scope)
            let t = Self.compare(.lessEqual, a, x), u = Self.compare(.lessEqual, x, b)
            if t == .unknown || u == .unknown { return .missing }
            return .bool(t == .holds && u == .holds)
        }
    }

    private func named(_ name: String, _ e: Expr, _ lead: LeadSnapshot, _ scope: Scope) -> Value {
        switch program.names[e.id] {
        case .builtin("lead_score")?: return scope.score.map(Value.number) ?? .missing
        case .builtin("lead_age")?:
            guard case .time(let registered)? = lead.fields["registered_at"] else { return .missing }
            return .duration(lead.now &- registered)
        case .builtin("lead_tier")?: return scope.tier.map(Value.string) ?? .missing
        case .builtin("lead_status")?: return .string(lead.status.rawValue)
        case .builtin("attempts")?: return .number(Double(lead.attempts))
        case .builtin("now")?: return .time(lead.now)
        case .field?: return lead.fields[name] ?? .missing
        case .list(let list)?: return .list(program.lists[list]?.values.map(Self.literal) ?? [])
        case .table(let table)?: return self.table(table, lead)
        case .event(let event)?: return .bool((lead.events[event]?.count ?? 0) > 0)
        default: return .missing
        }
    }

    private func call(_ function: String, _ args: [Expr], _ lead: LeadSnapshot, _ scope: Scope) -> Value {
        guard args.count == 1 else { return .missing }
        let arg = args[0]
        var stats: EventStats? {
            guard case .event(let event)? = program.names[arg.id] else { return nil }
            return lead.events[event].flatMap { $0.count > 0 ? $0 : nil }
        }
        switch function {
        case "count": return .number(Double(stats?.count ?? 0))
        case "seen": return .bool(stats != nil)
        case "first": return stats.map { .time($0.first) } ?? .missing
        case "last": return stats.map { .time($0.last) } ?? .missing
        case "present": return .bool(value(arg, lead, scope) != .missing)
        case "domain":
            guard case .string(let s) = value(arg, lead, scope), let d = Domain.of(s) else { return .missing }
            return .string(d)
        case "points":
            guard case .category(let c)? = program.names[arg.id], let p = scope.points[c] else { return .missing }
            return .number(p)
        default: return .missing
        }
    }

    private func table(_ name: String, _ lead: LeadSnapshot) -> Value {
        guard let table = program.tables[name] else { return .missing }
        let key = lead.fields[table.keyField] ?? .missing
        if let row = table.rows.first(where: { Self.literal($0.key) == key }) { return Self.literal(row.value) }
        return table.defaultValue.map(Self.literal) ?? .missing
    }

    private func membership(_ v: Value, _ list: Value) -> Truth {
        guard v != .missing, case .list(let items) = list else { return .unknown }
        var sawMissing = false
        for item in items {
            switch Self.compare(.equal, v, item) {
            case .holds: return .holds
            case .unknown: sawMissing = true
            case .fails: break
            }
        }
        return sawMissing ? .unknown : .fails
    }

    // MARK: - Operators on values

    static func literal(_ l: LiteralValue) -> Value {
        switch l {
        case .string(let s): .string(s)
        case .number(let n): .number(n)
        case .bool(let b): .bool(b)
        case .duration(let d): .duration(d)
        }
    }

    static func truthValue(_ t: Truth) -> Value { t == .unknown ? .missing : .bool(t == .holds) }

    static func sum(_ op: BinaryOperator, _ a: Value, _ b: Value) -> Value {
        func ms(_ x: Int64, _ y: Int64) -> Int64? {
            let r = op == .add ? x &+ y : x &- y
            return r == Int64.min ? nil : r
        }
        switch (a, b) {
        case (.number(let x), .number(let y)):
            let r = op == .add ? x + y : x - y
            return r.isNaN ? .missing : .number(r)
        case (.time(let x), .duration(let y)): return ms(x, y).map(Value.time) ?? .missing
        case (.duration(let x), .duration(let y)): return ms(x, y).map(Value.duration) ?? .missing
        case (.duration(let x), .time(let y)) where op == .add: return ms(x, y).map(Value.time) ?? .missing
        case (.time(let x), .time(let y)) where op == .subtract: return ms(x, y).map(Value.duration) ?? .missing
        default: return .missing
        }
    }

    static func compare(_ op: BinaryOperator, _ a: Value, _ b: Value) -> Truth {
        switch (a, b) {
        case (.number(let x), .number(let y)): return order(op, x, y)
        case (.time(let x), .time(let y)), (.duration(let x), .duration(let y)): return order(op, x, y)
        case (.string(let x), .string(let y)) where op == .equal || op == .notEqual: return order(op, x, y)
        case (.bool(let x), .bool(let y)):
            switch op {
            case .equal: return Truth(x == y)
            case .notEqual: return Truth(x != y)
            default: return .unknown
            }
        default: return .unknown
        }
    }

    private static func order<T: Comparable>(_ op: BinaryOperator, _ x: T, _ y: T) -> Truth {
        switch op {
        case .equal: Truth(x == y)
        case .notEqual: Truth(x != y)
        case .less: Truth(x < y)
        case .lessEqual: Truth(x <= y)
        case .greater: Truth(x > y)
        case .greaterEqual: Truth(x >= y)
        default: .unknown
        }
    }
}
