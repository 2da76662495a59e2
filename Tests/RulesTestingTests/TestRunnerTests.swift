// The runner on the small playbook of Scratch.swift: what passes, what
// fails and how a failure reads (expected, got, the rule behind it).

import Foundation
import Testing
@testable import RulesTesting

private let h = Scratch.head
private let warm = Scratch.warmLead

private func failures(_ result: FileResult) -> [TestFailure] {
    result.tests.flatMap { test -> [TestFailure] in
        if case .failed(let f) = test.outcome { return f }
        return []
    }
}

@Test func aTestWhoseExpectationsHoldPasses() throws {
    let result = try Scratch.run(h + """
          - name: warm at capture, hot after two visits
            events:
              - \(warm)
              - {at: +10m, type: site_visit}
              - {at: +20m, type: site_visit}
            expect:
              - at: +0s
                score: 20
                categories: {intent: 0, source: 20}
                tier: warm
                route: {queue: warm_queue, priority: NORMAL, dial_mode: power_dialer}
                status: open
                tasks:
                  - {kind: dial, queue: warm_queue, due: +0s, deadline: +2h, attempt: 1, count: 1}
              - at: +10m
                score: 50
                tier: hot
                tasks:
                  - {kind: dial, queue: hot_queue, priority: IMMEDIATE, due: +10m, deadline: +11m}
              - at: +20m
                score: 70
                categories: {intent: 50}
                tier: hot
                tasks:
                  - {kind: dial, count: 2}
                  - {kind: email, template: hello, count: 2}
        """)
    #expect(result.issues.isEmpty)
    #expect(result.tests.map(\.outcome) == [.passed])
}

@Test func aFailedCheckSaysExpectedGotAndTheRuleBehindIt() throws {
    let result = try Scratch.run(h + """
          - name: wrong tier
            events: [\(warm)]
            expect:
              - {at: +0s, tier: hot, score: 25, route: {queue: hot_queue}}
        """)
    let f = failures(result)
    #expect(f.map(\.check) == ["tier", "score", "route"])
    #expect(f.map(\.mark.description) == ["7:19", "7:30", "7:41"])
    #expect(f[0].expected == "hot" && f[0].got == "warm")
    #expect(f[0].rules.count == 1 && f[0].rules[0].hasSuffix("mini.rules:16: tier warm when lead_score 20-49"))
    #expect(f[1].expected == "25" && f[1].got == "20")
    #expect(f[1].rules.first?.hasSuffix("mini.rules:13: source +20 for source = \"organic_search\"") == true)
    #expect(f[2].got == "warm_queue, priority NORMAL, dial_mode power_dialer")
    #expect(f[2].rules.contains { $0.hasSuffix("mini.rules:19: not hot_queue: lead_score >= 50") })
    #expect(TestSummary([result]).exitStatus == 1)
}

@Test func aMissingTaskListsTheLeadsTasksOfThatKindWithTheirRules() throws {
    let result = try Scratch.run(h + """
          - name: due too early
            events: [\(warm)]
            expect:
              - at: +1h
                tasks:
                  - {kind: dial, due: +5m, within: 1m}
        """)
    let f = try #require(failures(result).first)
    #expect(f.check == "tasks")
    #expect(f.expected == "dial, due +5m (Mon 2026-03-09 10:05 Europe/London) ±1m")
    #expect(f.got == """
        no match among the dial tasks issued:
          dial warm_queue NORMAL power_dialer attempt 1, due +0s (Mon 2026-03-09 10:00 Europe/London), \
        deadline +2h (Mon 2026-03-09 12:00 Europe/London)
        """)
    #expect(f.rules.count == 1 && f.rules[0].contains("mini.rules:16: warm lead: call within 2h"))
}

@Test func withinIsAToleranceOnDueAndDeadline() throws {
    let result = try Scratch.run(h + """
          - name: close enough
            events: [\(warm)]
            expect:
              - {at: +1h, tasks: [{kind: dial, due: +30s, deadline: +1h59m, within: 1m}]}
        """)
    #expect(result.tests.map(\.outcome) == [.passed])
}

@Test func noTasksFailsOnAMatchAndNamesTheRule() throws {
    let result = try Scratch.run(h + """
          - name: no email
            events: [\(warm), {at: +1m, type: site_visit}]
            expect:
              - {at: +1m, no_tasks: [{kind: email}]}
        """)
    let f = try #require(failures(result).first)
    #expect(f.check == "no_tasks")
    #expect(f.got.hasPrefix("1 issued:\n  email hello, due +1m"))
    #expect(f.rules.first?.contains("mini.rules:31") == true)
}

@Test func engineRefusalsAreShownWhenATaskIsMissing() throws {
    // Saturday: outside the MON-FRI calling hours, the dial waits for Monday.
    let result = try Scratch.run("""
        start: 2026-03-14T10:00:00Z
        tests:
          - name: weekend
            events: [\(warm)]
            expect:
              - {at: +1h, tasks: [{kind: dial}]}
              - {at: +1h, pending: [{kind: dial, due: "2026-03-16 09:00", sla_breach: true}]}
        """)
    let f = failures(result)
    #expect(f.count == 1)
    #expect(f.first?.notes.first?.contains("moved to 2026-03-16T09:00:00Z") == true)
}

@Test func tasksAndPendingAreSeparatedByTheExpectationsTime() throws {
    let result = try Scratch.run(h + """
          - name: retry in four hours
            events: [\(warm), {at: +10m, type: call_outcome, data: {code: V01}}]
            expect:
              - {at: +10m, pending: [{kind: dial, attempt: 2, due: +4h10m}], tasks: [{kind: sms, template: ping}]}
              - {at: +4h9m, tasks: [{kind: dial, count: 1}]}
              - {at: +4h10m, tasks: [{kind: dial, count: 2}], pending: []}
              - {at: +5h, since: +1h, tasks: [{kind: dial, count: 1}, {kind: sms, count: 0}]}
        """)
    #expect(result.tests.map(\.outcome) == [.passed])
}

@Test func countRangesAndEmptyListsAreChecked() throws {
    let result = try Scratch.run(h + """
          - name: counts
            events: [\(warm), {at: +1m, type: site_visit}, {at: +2m, type: site_visit}]
            expect:
              - {at: +3m, tasks: [{kind: email, count: 3-4}]}
              - {at: +3m, since: +3m, tasks: []}
              - {at: +3m, tasks: []}
        """)
    let f = failures(result)
    #expect(f.map(\.mark.line) == [7, 9])
    #expect(f.first?.expected.hasPrefix("3 to 4 × email") == true)
    #expect(f.first?.got.hasPrefix("2 matching") == true)
    #expect(f.last?.expected == "no task issued")
}

@Test func skippedTestsAreNotRunAndKeepTheirReason() throws {
    let result = try Scratch.run(h + """
          - name: later
            skip: waits for the cadence engine
            events: [\(warm)]
            expect: {at: +0s, tier: hot}
        """)
    #expect(result.tests.map(\.outcome) == [.skipped("waits for the cadence engine")])
    #expect(TestSummary([result]).exitStatus == 0)
}

@Test func theFilterKeepsTestsByName() throws {
    let yaml = h + """
          - {name: Warm lead, events: [\(warm)], expect: {at: +0s, tier: warm}}
          - {name: hot lead, events: [\(warm)], expect: {at: +0s, tier: hot}}
        """
    #expect(try Scratch.run(yaml, filter: "WARM").tests.map(\.name) == ["Warm lead"])
    #expect(try Scratch.run(yaml).tests.map(\.name) == ["Warm lead", "hot lead"])
}

@Test func eachTestStartsFromAFreshDriver() throws {
    let result = try Scratch.run(h + """
          - {name: one, events: [\(warm), {at: +1m, type: site_visit}], expect: {at: +1m, score: 50}}
          - {name: two, events: [\(warm)], expect: {at: +1m, score: 20, tasks: [{kind: dial, count: 1}]}}
        """)
    #expect(result.tests.map(\.outcome) == [.passed, .passed])
}

@Test func expectationsAtAnEventsTimeSeeTheEvent() throws {
    let result = try Scratch.run(h + """
          - name: same instant
            expect: {at: +5m, score: 50}
            events: [\(warm), {at: +5m, type: site_visit}]
        """)
    #expect(result.tests.map(\.outcome) == [.passed])
}

@Test func severalLeadsAreCheckedByLeadID() throws {
    let result = try Scratch.run(h + """
          - name: two leads
            events:
              - {at: +0s, lead_id: a, type: lead_created, data: {source: organic_search}}
              - {at: +0s, lead_id: b, type: lead_created, data: {source: social}}
            expect:
              - {at: +0s, lead_id: a, tier: warm}
              - {at: +0s, lead_id: b, tier: cold, status: nurturing, tasks: []}
        """)
    #expect(result.tests.map(\.outcome) == [.passed])
}

@Test func filesSelectsRuleFilesOfThePlaybook() throws {
    let dir = try Scratch.directory([
        "extra.rules": "QUEUE spare_queue \"spare\"\n",
        "tests/t.yaml": "files: [mini.rules]\n" + h + "  - {name: a, events: [\(warm)], expect: {at: +0s, tasks: [{kind: dial, queue: spare_queue}]}}\n",
    ])
    defer { try? FileManager.default.removeItem(at: dir) }
    let result = TestRunner().run(path: dir.appendingPathComponent("tests/t.yaml").path)
    // spare_queue is declared only in extra.rules, which files: leaves out.
    #expect(result.issues.map(\.message) == ["'queue': unknown queue 'spare_queue'"])
}

@Test func theRulesKeyIsRelativeToTheTestFile() throws {
    let dir = try Scratch.directory(["deep/er/t.yaml": "rules: ../..\n" + h + "  - {name: a, events: [\(warm)], expect: {at: +0s, tier: warm}}\n"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let result = TestRunner().run(path: dir.appendingPathComponent("deep/er/t.yaml").path)
    #expect(result.issues.isEmpty)
    #expect(result.tests.map(\.outcome) == [.passed])
}

@Test func testFilesAreFoundBelowADirectoryInOrder() throws {
    let dir = try Scratch.directory(["tests/b.yml": "x", "tests/a.yaml": "x", "tests/.hidden/c.yaml": "x", "tests/notes.txt": "x"])
    defer { try? FileManager.default.removeItem(at: dir) }
    let found = try TestRunner.testFiles(under: dir.appendingPathComponent("tests").path)
    #expect(found.map { ($0 as NSString).lastPathComponent } == ["a.yaml", "b.yml"])
    #expect(throws: TestIssue.self) { try TestRunner.testFiles(under: dir.appendingPathComponent("nope").path) }
}

@Test func theReportCountsAndRendersFailures() throws {
    let result = try Scratch.run(h + """
          - {name: good, events: [\(warm)], expect: {at: +0s, tier: warm}}
          - {name: bad, events: [\(warm)], expect: {at: +0s, tier: hot}}
          - {name: later, skip: not yet, events: [\(warm)], expect: {at: +0s, tier: hot}}
        """)
    let report = TestReport(files: [result])
    #expect(report.summaryLine() == "1 passed, 1 failed, 1 skipped")
    let text = report.text()
    #expect(text.contains("FAIL bad ("))
    #expect(text.contains("    expected: hot\n    got:      warm\n    from:     "))
    #expect(!text.contains("ok   good"))
    #expect(TestReport(files: [result], verbose: true).text().contains("ok   good"))
    #expect(report.json().contains("\"result\":\"fail\""))
}
