// The `expect:` entries of a test: at a time, for a lead, the facts that
// must hold (score, categories, tier, route, status, cadence, quarantine)
// and the task patterns that must (`tasks`, `pending`) or must not
// (`no_tasks`) match.

import RulesEngine

extension TestFileReader {
    static func readExpectation(_ value: YAMLValue, _ issues: inout IssueList) -> Expectation? {
        let fields = YAMLFields(value, context: "an expectation", allowed: expectKeys, key: "expect", issues: &issues)
        guard case .mapping = value else { return nil }
        let at = fields.required("at", &issues) != nil ? fields.time("at", &issues) : nil
        var expectation = Expectation(mark: value.mark, at: at ?? Located(.offset(days: 0, milliseconds: 0), value.mark))
        expectation.since = fields.time("since", &issues)
        expectation.leadID = fields.text("lead_id", &issues)
        for key in expectKeys where fields.has(key) {
            guard let mark = fields.keyMark(key), let kind = readCheck(key, fields, &issues) else { continue }
            expectation.checks.append(Check(key: key, mark: mark, kind: kind))
        }
        expectation.checks.sort { $0.mark < $1.mark }  // failures in the order they are written
        let checked = expectKeys.dropFirst(3).contains { fields.has($0) }
        if !checked { issues.add(Messages.noChecks(value.mark)) }
        return at == nil ? nil : expectation
    }

    private static func readCheck(_ key: String, _ fields: YAMLFields, _ issues: inout IssueList) -> Check.Kind? {
        switch key {
        case "score":
            return fields.number("score", &issues).map(Check.Kind.score)
        case "categories":
            return fields["categories"].flatMap { readCategories($0, &issues) }
        case "tier":
            return fields.textOrNull("tier", &issues).map(Check.Kind.tier)
        case "cadence":
            return fields.textOrNull("cadence", &issues).map(Check.Kind.cadence)
        case "route":
            guard let value = fields["route"] else { return nil }
            if value.isNull { return .route(nil) }
            return readRoute(value, &issues).map(Check.Kind.route)
        case "status":
            let words = LeadStatus.allCases.map(\.rawValue)
            return fields.word("status", among: words, &issues).flatMap { LeadStatus(rawValue: $0.value) }
                .map(Check.Kind.status)
        case "quarantine":
            guard let value = fields["quarantine"] else { return nil }
            if value.isNull { return .quarantine(nil) }
            let words = phases.keys.sorted()
            return fields.word("quarantine", among: words, &issues).flatMap { phases[$0.value] }
                .map(Check.Kind.quarantine)
        case "tasks", "no_tasks", "pending":
            guard let items = fields.list(key, &issues) else { return nil }
            if items.isEmpty && key == "no_tasks", let mark = fields.keyMark(key) {
                issues.add(Messages.emptyNoTasks(mark))
            }
            let matchers = items.compactMap { readMatcher($0, key: key, &issues) }
            switch key {
            case "tasks": return .tasks(matchers)
            case "no_tasks": return .noTasks(matchers)
            default: return .pending(matchers)
            }
        default:
            return nil  // at, since, lead_id: read by the caller
        }
    }

    private static func readCategories(_ value: YAMLValue, _ issues: inout IssueList) -> Check.Kind? {
        guard case .mapping(let pairs, _) = value else {
            issues.add(Messages.expected("a mapping of category names to points", for: "categories", found: value))
            return nil
        }
        var out: [Located<CategoryPoints>] = []
        for pair in pairs {
            guard let points = YAMLFields.number(pair.value, key: pair.key, &issues) else { continue }
            out.append(Located(CategoryPoints(name: pair.key, points: points), pair.keyMark))
        }
        return .categories(out)
    }

    private static func readRoute(_ value: YAMLValue, _ issues: inout IssueList) -> RouteExpectation? {
        let fields = YAMLFields(value, context: "a route", allowed: routeKeys, key: "route", issues: &issues)
        guard case .mapping = value else { return nil }
        return RouteExpectation(queue: fields.text("queue", &issues),
                                priority: fields.text("priority", &issues)?.value,
                                dialMode: fields.text("dial_mode", &issues)?.value)
    }

    static func readMatcher(_ value: YAMLValue, key: String, _ issues: inout IssueList) -> TaskMatcher? {
        let context = key == "no_tasks" ? "a task that must not exist" : "a task"
        let allowed = key == "tasks" ? taskKeys : taskKeys.filter { $0 != "count" }
        let fields = YAMLFields(value, context: context, allowed: allowed, key: key, issues: &issues)
        guard case .mapping = value else { return nil }
        let kinds = TaskKind.allCases.map(\.rawValue)
        guard fields.required("kind", &issues) != nil,
              let kindWord = fields.word("kind", among: kinds, &issues),
              let kind = TaskKind(rawValue: kindWord.value) else { return nil }
        var m = TaskMatcher(mark: value.mark, kind: kind)
        m.queue = fields.text("queue", &issues)
        m.template = fields.text("template", &issues)
        m.priority = fields.text("priority", &issues)?.value
        m.dialMode = fields.text("dial_mode", &issues)?.value
        m.channel = fields.word("channel", among: ["phone", "email", "sms", "all"], &issues)?.value
        m.attempt = fields.count("attempt", &issues)
        m.due = fields.time("due", &issues)
        m.deadline = fields.time("deadline", &issues)
        m.within = fields.duration("within", &issues) ?? 0
        m.count = fields.countRange("count", &issues)
        m.slaBreach = fields.bool("sla_breach", &issues)
        return m
    }
}
