// A test checked against its playbook and made runnable: times resolved
// to instants (start, zone), events decoded as contract events, names of
// tiers, queues, templates, cadences and categories checked against the
// declarations (with a did-you-mean), and events and expectations merged
// into one timeline.

import Foundation
import RulesCompiler
import RulesEngine

/// A task pattern with its times resolved.
struct PlannedMatcher: Sendable {
    var matcher: TaskMatcher
    var due: Int64?
    var deadline: Int64?
}

/// An expectation with its times and lead resolved.
struct PlannedExpectation: Sendable {
    var expectation: Expectation
    var at: Int64
    var since: Int64
    var leadID: String
    /// Per check, the resolved matchers of tasks/no_tasks/pending.
    var matchers: [[PlannedMatcher]]
}

/// One test, ready to run.
struct PlannedTest: Sendable {
    enum Step: Sendable {
        case event(Event)
        case expect(PlannedExpectation)
        var time: Int64 {
            switch self {
            case .event(let e): e.at
            case .expect(let x): x.at
            }
        }
    }
    var test: TestCase
    var start: Int64
    var zone: TimeZone
    /// Events and expectations in time order; at equal times events first.
    var steps: [Step]
}

struct TestPlanner {
    let playbook: Playbook
    let file: TestFile
    var program: Program { playbook.program }

    func plan(_ test: TestCase, _ issues: inout IssueList) -> PlannedTest? {
        guard let (start, zone) = clock(test, &issues) else { return nil }
        let builder = EventBuilder(program: program, start: start, zone: zone, path: file.path)
        var steps: [(step: PlannedTest.Step, order: Int)] = []
        var usedIDs: [String: TestMark] = [:]
        for spec in test.events { if let id = spec.id { usedIDs[id.value] = usedIDs[id.value] ?? id.mark } }
        var seenIDs: [String: TestMark] = [:]
        var previous: (at: Int64, mark: TestMark)?
        // Every lead an event names, even one whose event has an error: that
        // error is reported once, not again at each expectation of the lead.
        let leads = Set(test.eventLeads.map { $0 ?? test.leadID })
        for (i, spec) in test.events.enumerated() {
            let id = spec.id?.value ?? generatedID(i, used: usedIDs)
            if let first = seenIDs[id], let mark = spec.id?.mark {
                issues.add(Messages.duplicateEventID(id, first: first, mark))
                continue
            }
            seenIDs[id] = spec.id?.mark ?? spec.mark
            let lead = spec.leadID?.value ?? test.leadID
            guard let event = builder.build(spec, id: id, leadID: lead, &issues) else { continue }
            if event.at < start { issues.add(Messages.eventBeforeStart(spec.at.mark)) }
            if let previous, event.at < previous.at {
                issues.add(Messages.eventsOutOfOrder(spec.at.mark, previous: previous.mark))
            }
            previous = (event.at, spec.at.mark)
            steps.append((.event(event), steps.count))
        }
        for expectation in test.expectations {
            guard let planned = plan(expectation, test: test, start: start, zone: zone, leads: leads, &issues) else { continue }
            steps.append((.expect(planned), steps.count))
        }
        let ordered = steps.sorted { a, b in
            if a.step.time != b.step.time { return a.step.time < b.step.time }
            return a.order < b.order  // events were added first
        }.map(\.step)
        return PlannedTest(test: test, start: start, zone: zone, steps: ordered)
    }

    private func generatedID(_ index: Int, used: [String: TestMark]) -> String {
        var id = "e\(index + 1)"
        while used[id] != nil { id += "'" }
        return id
    }

    /// The test's start instant and zone (the test's own, else the file's).
    private func clock(_ test: TestCase, _ issues: inout IssueList) -> (Int64, TimeZone)? {
        var zone = TestTime.utc
        if let z = test.zone ?? file.zone {
            // An unknown zone is reported; UTC stands in so the rest is still checked.
            if let found = TimeZone(identifier: z.value) {
                zone = found
            } else {
                issues.add(Messages.unknownZone(z.value, z.mark))
            }
        }
        guard let start = test.start ?? file.start else {
            issues.add(Messages.noStart(test.mark, test: test.name))
            return nil
        }
        if case .offset = start.value {
            issues.add(Messages.startNotAbsolute(start.mark))
            return nil
        }
        do {
            return (try start.value.resolve(start: 0, zone: zone), zone)
        } catch {
            issues.add(Messages.badTime("start", error.description, start.mark))
            return nil
        }
    }

    private func plan(_ x: Expectation, test: TestCase, start: Int64, zone: TimeZone, leads: Set<String>,
                      _ issues: inout IssueList) -> PlannedExpectation? {
        func resolve(_ t: Located<TestTime>, _ key: String) -> Int64? {
            do {
                return try t.value.resolve(start: start, zone: zone)
            } catch {
                issues.add(Messages.badTime(key, error.description, t.mark))
                return nil
            }
        }
        guard let at = resolve(x.at, "at") else { return nil }
        if at < start { issues.add(Messages.expectationBeforeStart(x.at.mark)) }
        var since = Int64.min
        if let s = x.since, let t = resolve(s, "since") {
            since = t
            if t > at { issues.add(Messages.sinceAfterAt(s.mark)) }
        }
        let lead = x.leadID?.value ?? test.leadID
        if !leads.contains(lead) {
            issues.add(Messages.unknownName("lead (no event of this test has it)", lead, among: leads,
                                            x.leadID?.mark ?? x.mark, key: "lead_id"))
        }
        var matchers: [[PlannedMatcher]] = []
        for check in x.checks {
            validate(check, &issues)
            var list: [PlannedMatcher] = []
            switch check.kind {
            case .tasks(let ms), .noTasks(let ms), .pending(let ms):
                for m in ms {
                    list.append(PlannedMatcher(matcher: m, due: m.due.flatMap { resolve($0, "due") },
                                               deadline: m.deadline.flatMap { resolve($0, "deadline") }))
                }
            default: break
            }
            matchers.append(list)
        }
        return PlannedExpectation(expectation: x, at: at, since: since, leadID: lead, matchers: matchers)
    }
}
