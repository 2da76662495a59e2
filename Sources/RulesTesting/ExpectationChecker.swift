// Compares one expectation with what the engine made of the lead by then:
// its evaluation (score, categories, tier, route, with the rules behind
// them, as `rules eval` reports them), its state (status, cadence,
// quarantine) and the tasks issued and pending. Every failed check says
// what was expected, what was got, and which rule file:line produced it.

import RulesCompiler
import RulesEngine

struct ExpectationChecker {
    let engine: Engine
    let driver: any TestDriver
    let time: TimeText

    /// One check that did not hold, before it is placed in its expectation.
    struct Mismatch {
        var mark: TestMark?
        var expected: String
        var got: String
        var rules: [String] = []
        var notes: [String] = []
    }

    /// What the lead is at the expectation's time, as the checks read it.
    struct Snapshot {
        let report: LeadReport
        let state: LeadState
        let facts: LeadFactsView
    }

    func check(_ x: PlannedExpectation) -> [TestFailure] {
        let at: String
        if case .offset = x.expectation.at.value {
            at = time.describe(x.at)
        } else {
            at = "\(Self.written(x.expectation.at.value)) = \(time.describe(x.at))"
        }
        func failure(_ check: Check, _ m: Mismatch) -> TestFailure {
            TestFailure(mark: m.mark ?? check.mark, leadID: x.leadID, at: at, check: check.key, expected: m.expected,
                        got: m.got, rules: m.rules, notes: m.notes)
        }
        guard let state = driver.state(of: x.leadID) else {
            return x.expectation.checks.map { failure($0, Mismatch(expected: "a lead \(x.leadID)", got: "no such lead yet")) }
        }
        let snapshot: Snapshot
        do {
            let evaluation = try engine.evaluate(state, at: x.at, explain: true)
            let report = LeadReport(leadID: x.leadID, evaluation: evaluation, status: state.status,
                                    program: engine.compiled)
            snapshot = Snapshot(report: report, state: state,
                                facts: LeadFactsView(report: report, state: state, history: driver.history(of: x.leadID)))
        } catch {
            return x.expectation.checks.map { failure($0, Mismatch(expected: "an evaluation", got: "error: \(error)")) }
        }
        return x.expectation.checks.enumerated().flatMap { i, check in
            mismatches(check, x.matchers[i], x, snapshot).map { failure(check, $0) }
        }
    }

    private func mismatches(_ check: Check, _ matchers: [PlannedMatcher], _ x: PlannedExpectation,
                            _ s: Snapshot) -> [Mismatch] {
        let (report, state, facts) = (s.report, s.state, s.facts)
        switch check.kind {
        case .score(let want):
            guard !Self.same(report.score, want) else { return [] }
            return [Mismatch(expected: Self.number(want), got: Self.number(report.score),
                             rules: facts.scoreRules(category: nil))]
        case .categories(let wants):
            return wants.compactMap { want in
                let got = report.categories.first { $0.name == want.value.name }?.points ?? 0
                guard !Self.same(got, want.value.points) else { return nil }
                return Mismatch(mark: want.mark, expected: "\(want.value.name) \(Self.number(want.value.points))",
                                got: "\(want.value.name) \(Self.number(got))",
                                rules: facts.scoreRules(category: want.value.name))
            }
        case .tier(let want):
            guard want?.value != report.tier else { return [] }
            return [Mismatch(expected: want?.value ?? "no tier", got: report.tier ?? "no tier", rules: facts.tierRules)]
        case .route(let want):
            guard let (expected, got) = routeFailure(want, report, facts) else { return [] }
            return [Mismatch(expected: expected, got: got, rules: facts.routeRules)]
        case .status(let want):
            guard want != state.status else { return [] }
            return [Mismatch(expected: want.rawValue, got: state.status.rawValue, rules: facts.statusRules(state.status))]
        case .cadence(let want):
            guard want?.value != state.cadence else { return [] }
            return [Mismatch(expected: want?.value ?? "no cadence", got: state.cadence ?? "no cadence",
                             rules: facts.lines(containing: "cadence"))]
        case .quarantine(let want):
            guard want != state.quarantine?.phase else { return [] }
            return [Mismatch(expected: Self.phase(want), got: Self.phase(state.quarantine?.phase),
                             rules: facts.lines(containing: "quarantine") + facts.lines(containing: "graduat"))]
        case .tasks, .noTasks, .pending:
            let issued = driver.issued.filter {
                $0.task.leadID == x.leadID && $0.issuedAt >= x.since && $0.issuedAt <= x.at
            }
            let tasks = TaskCheck(time: time, history: facts.history)
            return tasks.failures(check, matchers, issued: issued, pending: driver.pendingTasks(of: x.leadID)).map {
                Mismatch(mark: $0.mark, expected: $0.expected, got: $0.got, rules: $0.rules, notes: $0.notes)
            }
        }
    }

    private func routeFailure(_ want: RouteExpectation?, _ report: LeadReport,
                              _ facts: LeadFactsView) -> (String, String)? {
        let got = report.route.map { "\($0.queue), priority \($0.priority ?? "none"), dial_mode \($0.dialMode ?? "none")" }
            ?? "no route"
        guard let want else { return report.route == nil ? nil : ("no route", got) }
        var parts: [String] = []
        if let q = want.queue?.value { parts.append(q) }
        if let p = want.priority { parts.append("priority \(p)") }
        if let d = want.dialMode { parts.append("dial_mode \(d)") }
        let expected = parts.joined(separator: ", ")
        guard let route = report.route else { return (expected, got) }
        let ok = (want.queue.map { $0.value == route.queue } ?? true)
            && (want.priority.map { $0.uppercased() == route.priority?.uppercased() } ?? true)
            && (want.dialMode.map { $0.lowercased() == route.dialMode?.lowercased() } ?? true)
        return ok ? nil : (expected, got)
    }

    static func same(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 1e-9 }

    static func number(_ n: Double) -> String {
        n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
    }

    static func phase(_ p: QuarantineState.Phase?) -> String {
        guard let p else { return "never quarantined" }
        return TestFileReader.phases.first { $0.value == p }?.key ?? p.rawValue
    }

    static func written(_ t: TestTime) -> String {
        switch t {
        case .absolute(let ms): Timestamp.format(ms)
        case .offset(let days, let ms): "+\(days)d" + (ms == 0 ? "" : TimeText.offset(ms).dropFirst())
        case .local(let l): l.description
        }
    }
}

/// The rules behind a lead's evaluation and history, as failure lines.
struct LeadFactsView {
    let report: LeadReport
    let state: LeadState
    let history: [ExplanationLine]

    func scoreRules(category: String?) -> [String] {
        report.explain.compactMap { step in
            guard case .score(let rule, let c, let condition, let points, let counted) = step,
                  category == nil || c == category else { return nil }
            let capped = counted != points ? " (\(ExpectationChecker.number(counted)) counted under the cap)" : ""
            return "\(rule): \(c) +\(ExpectationChecker.number(points)) for \(condition)\(capped)"
        }
    }

    var tierRules: [String] {
        report.explain.compactMap { step in
            guard case .tier(let rule, let tier, let condition, let escalated) = step else { return nil }
            return "\(rule): tier \(tier)" + (escalated ? " (escalated)" : " when \(condition)")
        } + lines(containing: "escalat")
    }

    var routeRules: [String] {
        report.explain.compactMap { step in
            switch step {
            case .route(let rule, let queue, let condition): "\(rule): route \(queue) when \(condition)"
            case .routeNotTaken(let rule, let queue, let failed, _): "\(rule): not \(queue): \(failed)"
            default: nil
            }
        }
    }

    func statusRules(_ status: LeadStatus) -> [String] {
        let word: String
        switch status {
        case .closed: word = "closed"
        case .converted: word = "converted"
        case .nurturing: word = "nurture"
        case .quarantined: word = "quarantined"
        case .open: word = "released"
        }
        return Array(lines(containing: word).suffix(3))
    }

    /// History lines with a rule whose text contains `word`, newest last, at most five.
    func lines(containing word: String) -> [String] {
        Array(history.filter { $0.rule != nil && $0.text.lowercased().contains(word) }.map(\.description).suffix(5))
    }
}
