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

    func check(_ x: PlannedExpectation) -> [TestFailure] {
        let at: String
        if case .offset = x.expectation.at.value {
            at = time.describe(x.at)
        } else {
            at = "\(Self.written(x.expectation.at.value)) = \(time.describe(x.at))"
        }
        func failure(_ check: Check, expected: String, got: String, rules: [String] = [],
                     notes: [String] = []) -> TestFailure {
            TestFailure(mark: check.mark, leadID: x.leadID, at: at, check: check.key, expected: expected, got: got,
                        rules: rules, notes: notes)
        }
        guard let state = driver.state(of: x.leadID) else {
            return x.expectation.checks.map { failure($0, expected: "a lead \(x.leadID)", got: "no such lead yet") }
        }
        let report: LeadReport
        do {
            let evaluation = try engine.evaluate(state, at: x.at, explain: true)
            report = LeadReport(leadID: x.leadID, evaluation: evaluation, status: state.status, program: engine.compiled)
        } catch {
            return x.expectation.checks.map { failure($0, expected: "an evaluation", got: "error: \(error)") }
        }
        var failures: [TestFailure] = []
        for (i, check) in x.expectation.checks.enumerated() {
            let facts = LeadFactsView(report: report, state: state, history: driver.history(of: x.leadID))
            let tasks = TaskCheck(time: time, history: facts.history)
            switch check.kind {
            case .score(let want):
                if !Self.same(report.score, want) {
                    failures.append(failure(check, expected: Self.number(want), got: Self.number(report.score),
                                            rules: facts.scoreRules(category: nil)))
                }
            case .categories(let wants):
                for want in wants {
                    let got = report.categories.first { $0.name == want.value.name }?.points ?? 0
                    guard !Self.same(got, want.value.points) else { continue }
                    var f = failure(check, expected: "\(want.value.name) \(Self.number(want.value.points))",
                                    got: "\(want.value.name) \(Self.number(got))",
                                    rules: facts.scoreRules(category: want.value.name))
                    f.mark = want.mark
                    failures.append(f)
                }
            case .tier(let want):
                if want?.value != report.tier {
                    failures.append(failure(check, expected: want?.value ?? "no tier", got: report.tier ?? "no tier",
                                            rules: facts.tierRules))
                }
            case .route(let want):
                if let f = routeFailure(want, report, facts) { failures.append(failure(check, expected: f.0, got: f.1, rules: facts.routeRules)) }
            case .status(let want):
                if want != state.status {
                    failures.append(failure(check, expected: want.rawValue, got: state.status.rawValue,
                                            rules: facts.statusRules(state.status)))
                }
            case .cadence(let want):
                if want?.value != state.cadence {
                    failures.append(failure(check, expected: want?.value ?? "no cadence", got: state.cadence ?? "no cadence",
                                            rules: facts.lines(containing: "cadence")))
                }
            case .quarantine(let want):
                if want != state.quarantine?.phase {
                    failures.append(failure(check, expected: Self.phase(want), got: Self.phase(state.quarantine?.phase),
                                            rules: facts.lines(containing: "quarantine") + facts.lines(containing: "graduat")))
                }
            case .tasks, .noTasks, .pending:
                let issued = driver.issued.filter {
                    $0.task.leadID == x.leadID && $0.issuedAt >= x.since && $0.issuedAt <= x.at
                }
                let pending = driver.pendingTasks(of: x.leadID)
                for f in tasks.failures(check, x.matchers[i], issued: issued, pending: pending) {
                    var out = failure(check, expected: f.expected, got: f.got, rules: f.rules, notes: f.notes)
                    out.mark = f.mark
                    failures.append(out)
                }
            }
        }
        return failures
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
