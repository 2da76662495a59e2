// Task patterns against the tasks of a lead: `tasks` (issued by then, at
// least one match, or exactly `count`), `no_tasks` (issued by then, no
// match) and `pending` (scheduled, not yet issued). A failure shows the
// lead's tasks of that kind with the rule of each, and the engine's own
// explanation when it decided not to issue one (a guard, a quarantine,
// calling hours).

import RulesEngine

struct TaskCheck {
    let time: TimeText
    let history: [ExplanationLine]

    struct Failure {
        var mark: TestMark
        var expected: String
        var got: String
        var rules: [String]
        var notes: [String]
    }

    func failures(_ check: Check, _ matchers: [PlannedMatcher], issued: [IssuedTestTask],
                  pending: [LeadTask]) -> [Failure] {
        var out: [Failure] = []
        if matchers.isEmpty, let none = nothingExpected(check, issued: issued.map(\.task), pending: pending) {
            out.append(none)
        }
        for m in matchers {
            switch check.kind {
            case .tasks:
                let tasks = issued.map(\.task)
                let found = tasks.filter { matches(m, $0) }
                let ok = m.matcher.count.map { $0.contains(found.count) } ?? !found.isEmpty
                if !ok { out.append(missing(m, among: tasks, found: found, what: "issued")) }
            case .pending:
                let found = pending.filter { matches(m, $0) }
                if found.isEmpty { out.append(missing(m, among: pending, found: found, what: "pending")) }
            case .noTasks:
                let found = issued.map(\.task).filter { matches(m, $0) }
                if !found.isEmpty {
                    out.append(Failure(mark: m.matcher.mark, expected: "no " + describe(m),
                                       got: "\(found.count) issued:" + Self.lines(found.map(describe)),
                                       rules: found.map { "\($0.rule): \($0.reason)" }, notes: []))
                }
            default:
                break
            }
        }
        return out
    }

    /// `tasks: []` and `pending: []`: there must be none at all.
    private func nothingExpected(_ check: Check, issued: [LeadTask], pending: [LeadTask]) -> Failure? {
        let (tasks, what): ([LeadTask], String)
        switch check.kind {
        case .tasks: (tasks, what) = (issued, "issued")
        case .pending: (tasks, what) = (pending, "pending")
        default: return nil
        }
        guard !tasks.isEmpty else { return nil }
        return Failure(mark: check.mark, expected: "no task \(what)",
                       got: "\(tasks.count) \(what):" + Self.lines(tasks.map(describe)),
                       rules: tasks.map { "\($0.rule): \($0.reason)" }, notes: [])
    }

    private func missing(_ m: PlannedMatcher, among tasks: [LeadTask], found: [LeadTask], what: String) -> Failure {
        let kind = m.matcher.kind.rawValue
        let sameKind = tasks.filter { $0.kind == m.matcher.kind }
        let got: String
        if let count = m.matcher.count {
            got = "\(found.count) matching" + Self.lines(found.map(describe))
            let times = count.count == 1 ? "\(count.lowerBound)" : "\(count.lowerBound) to \(count.upperBound)"
            return Failure(mark: m.matcher.mark, expected: "\(times) × " + describe(m), got: got,
                           rules: found.map { "\($0.rule): \($0.reason)" }, notes: droppedNotes(m.matcher.kind))
        }
        if tasks.isEmpty {
            got = "no task \(what)"
        } else if sameKind.isEmpty {
            got = "no \(kind) task \(what); \(what):" + Self.lines(tasks.map(describe))
        } else {
            got = "no match among the \(kind) tasks \(what):" + Self.lines(sameKind.map(describe))
        }
        return Failure(mark: m.matcher.mark, expected: describe(m), got: got,
                       rules: sameKind.map { "\($0.rule): \($0.reason)" }, notes: droppedNotes(m.matcher.kind))
    }

    /// One task per line, under the first line of a failure.
    static func lines(_ items: [String]) -> String {
        items.map { "\n  " + $0 }.joined()
    }

    /// The engine's explanation of tasks of this kind it did not issue, or moved.
    private func droppedNotes(_ kind: TaskKind) -> [String] {
        let word = kind.rawValue
        return Array(history.filter { line in
            line.text.hasPrefix(word) && (line.text.contains("not issued") || line.text.contains("outside calling hours"))
        }.map(\.description).suffix(5))
    }

    func matches(_ p: PlannedMatcher, _ task: LeadTask) -> Bool {
        let m = p.matcher
        guard task.kind == m.kind else { return false }
        if let q = m.queue, q.value != task.queue { return false }
        if let t = m.template, t.value != task.template { return false }
        if let pr = m.priority, pr.uppercased() != task.priority?.uppercased() { return false }
        if let d = m.dialMode, d.lowercased() != task.dialMode?.lowercased() { return false }
        if let c = m.channel, c != task.channel { return false }
        if let a = m.attempt, a != task.attempt { return false }
        if let due = p.due, (task.due - due).magnitude > UInt64(m.within) { return false }
        if let deadline = p.deadline {
            guard let got = task.deadline, (got - deadline).magnitude <= UInt64(m.within) else { return false }
        }
        if let breach = m.slaBreach, breach != (task.slaBreach != nil) { return false }
        return true
    }

    /// `dial queue warm_lead_queue, due +0s (…) within 1m`.
    func describe(_ p: PlannedMatcher) -> String {
        let m = p.matcher
        var parts = [m.kind.rawValue]
        if let q = m.queue { parts.append("queue \(q.value)") }
        if let t = m.template { parts.append("template \(t.value)") }
        if let pr = m.priority { parts.append("priority \(pr)") }
        if let d = m.dialMode { parts.append("dial_mode \(d)") }
        if let c = m.channel { parts.append("channel \(c)") }
        if let a = m.attempt { parts.append("attempt \(a)") }
        let tolerance = m.within > 0 ? " ±\(TimeText.offset(m.within).dropFirst())" : ""
        if let due = p.due { parts.append("due \(time.describe(due))\(tolerance)") }
        if let deadline = p.deadline { parts.append("deadline \(time.describe(deadline))\(tolerance)") }
        if let b = m.slaBreach { parts.append(b ? "with an SLA breach" : "without an SLA breach") }
        return parts.joined(separator: ", ")
    }

    /// `dial warm_lead_queue WITHIN_2_HOURS power_dialer attempt 1, due +0s (…), deadline +2h (…)`.
    func describe(_ task: LeadTask) -> String {
        var head = task.kind.rawValue
        for word in [task.queue, task.template, task.channel, task.priority, task.dialMode].compactMap({ $0 }) {
            head += " \(word)"
        }
        if let a = task.attempt { head += " attempt \(a)" }
        var parts = [head, "due \(time.describe(task.due))"]
        if let d = task.deadline { parts.append("deadline \(time.describe(d))") }
        if let b = task.slaBreach { parts.append("SLA breach: \(b)") }
        return parts.joined(separator: ", ")
    }
}
