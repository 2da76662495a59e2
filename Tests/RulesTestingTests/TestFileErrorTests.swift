// Every error a test file can have, each at its line and column, with the
// did-you-mean where a name is close to a known one. A file with an error
// runs no test (exit 2 from the command).

import Foundation
import Testing
@testable import RulesTesting

struct ErrorCase: CustomTestStringConvertible, Sendable {
    let name: String
    let yaml: String
    let expected: [String]
    var testDescription: String { name }
}

private let h = Scratch.head
private let warm = Scratch.warmLead

let errorCases: [ErrorCase] = [
    ErrorCase(name: "malformed YAML: parser line and column", yaml: "tests:\n  - name: a\n   events: [\n",
              expected: ["3:4: malformed YAML: did not find expected '-' indicator (while parsing a block collection at 2:3)"]),
    ErrorCase(name: "empty file", yaml: "", expected: ["1:1: empty test file: expected a mapping with 'tests:'"]),
    ErrorCase(name: "duplicate key", yaml: "tests: []\ntests: []\n",
              expected: ["1:1: key 'tests' given twice in one mapping"]),
    ErrorCase(name: "unknown top-level key", yaml: "tsets: []\n",
              expected: ["1:1: unknown key 'tsets' in the test file (did you mean 'tests'?)",
                         "1:1: the test file needs 'tests:'"]),
    ErrorCase(name: "no tests", yaml: "tests: []\n", expected: ["1:8: 'tests': the list is empty; a test file needs at least one test"]),
    ErrorCase(name: "tests not a list", yaml: "tests: 3\n", expected: ["1:8: 'tests': expected a list of tests, found the value \"3\""]),
    ErrorCase(name: "unknown test key", yaml: h + "  - name: a\n    evnets: []\n    expect: {at: +0s, tier: hot}\n",
              expected: ["5:5: unknown key 'evnets' in a test (did you mean 'events'?)",
                         "6:13: 'lead_id': unknown lead (no event of this test has it) 'L1'"]),
    ErrorCase(name: "test without name or expect", yaml: h + "  - events: []\n",
              expected: ["4:5: a test needs 'name:'", "4:5: a test needs 'expect:'"]),
    ErrorCase(name: "duplicate test name", yaml: h + "  - {name: a, events: [\(warm)], expect: {at: +0s, tier: warm}}\n"
                + "  - {name: a, events: [\(warm)], expect: {at: +0s, tier: warm}}\n",
              expected: ["5:12: a test named 'a' already exists at line 4"]),
    ErrorCase(name: "unknown event type", yaml: h + "  - name: a\n    events: [{at: +0s, type: site_vist}]\n    expect: {at: +0s, tier: hot}\n",
              expected: ["5:30: 'type': unknown event type 'site_vist' (not an EVENT of the playbook) (did you mean 'site_visit'?)"]),
    ErrorCase(name: "event without type or at", yaml: h + "  - name: a\n    events: [{lead_id: x}]\n    expect: {at: +0s, lead_id: x, tier: hot}\n",
              expected: ["5:14: an event needs 'type:'", "5:14: an event needs 'at:'"]),
    ErrorCase(name: "bad offset", yaml: h + "  - name: a\n    events: [{at: +5x, type: lead_created}]\n    expect: {at: +0s, tier: hot}\n",
              expected: ["5:19: 'at': offset \"+5x\": unknown unit 'x' (use s, m, h, d or w)"]),
    ErrorCase(name: "local time that does not exist", yaml: h + "  - name: a\n    events: [\(warm)]\n    expect: {at: \"2026-03-29 01:30\", tier: hot}\n",
              expected: ["6:18: 'at': local time \"2026-03-29 01:30:00\" does not exist in Europe/London (the clocks go forward then, or the date is not valid)"]),
    ErrorCase(name: "unknown data key", yaml: h + "  - name: a\n    events: [{at: +0s, type: lead_created, data: {emial: a@b.com}}]\n    expect: {at: +0s, tier: hot}\n",
              expected: ["5:51: 'data.emial': not a capture field, a declared FIELD or a parameter of lead_created (did you mean 'email'?)"]),
    ErrorCase(name: "data of the wrong type", yaml: h + "  - name: a\n    events: [\(warm), {at: +1m, type: call_outcome, data: {code: [1]}}]\n    expect: {at: +1m, tier: warm}\n",
              expected: ["5:130: 'data.code': expected a string (STRING), found an array"]),
    ErrorCase(name: "events out of order and before the start", yaml: h + "  - name: a\n    events:\n      - {at: +1h, type: lead_created}\n      - {at: +5m, type: site_visit}\n      - {at: \"2026-03-09T09:00:00Z\", type: site_visit}\n    expect: {at: +2h, tier: hot}\n",
              expected: ["7:14: 'at': the event is earlier than the one at line 6; list events in time order",
                         "8:14: 'at': the event is before the test's start",
                         "8:14: 'at': the event is earlier than the one at line 7; list events in time order"]),
    ErrorCase(name: "duplicate event id", yaml: h + "  - name: a\n    events: [{id: e, at: +0s, type: lead_created}, {id: e, at: +1m, type: site_visit}]\n    expect: {at: +2h, tier: hot}\n",
              expected: ["5:57: 'id': event id 'e' is already used at line 5"]),
    ErrorCase(name: "expectation checks nothing", yaml: h + "  - name: a\n    events: [\(warm)]\n    expect: {at: +0s}\n",
              expected: ["6:13: expectation checks nothing: give at least one of score, categories, tier, route, status, cadence, quarantine, tasks, no_tasks, pending"]),
    ErrorCase(name: "unknown names of the playbook", yaml: h + "  - name: a\n    events: [\(warm)]\n    expect:\n"
                + "      - {at: +0s, tier: wram, route: {queue: warm_queu}, categories: {intnet: 3}, cadence: x}\n"
                + "      - {at: +0s, tasks: [{kind: dial, queue: hot_queu}, {kind: sms, template: helo}, {kind: sms, template: hello}]}\n",
              expected: ["7:25: 'tier': unknown tier 'wram' (did you mean 'warm'?)",
                         "7:46: 'queue': unknown queue 'warm_queu' (did you mean 'warm_queue'?)",
                         "7:71: 'categories': unknown score category 'intnet' (did you mean 'intent'?)",
                         "7:92: 'cadence': unknown cadence 'x'",
                         "8:47: 'queue': unknown queue 'hot_queu' (did you mean 'hot_queue'?)",
                         "8:80: 'template': unknown template 'helo' (did you mean 'hello'?)",
                         "8:109: 'template': 'hello' is an email template; a sms task never has it"]),
    ErrorCase(name: "bad words and numbers", yaml: h + "  - name: a\n    events: [\(warm)]\n    expect:\n"
                + "      - {at: +0s, status: opne, quarantine: held, score: high}\n"
                + "      - {at: +0s, tasks: [{kind: dail}, {kind: dial, count: 3-1, within: soon, sla_breach: maybe, attempt: -1}]}\n",
              expected: ["7:27: 'status': 'opne' is not one of open, quarantined, nurturing, converted, closed (did you mean 'open'?)",
                         "7:45: 'quarantine': 'held' is not one of completed, email_only, graduated, holding, released",
                         "7:58: 'score': expected a number, found the value \"high\"",
                         "8:34: 'kind': 'dail' is not one of dial, email, sms, handoff, close, block (did you mean 'dial'?)",
                         "8:61: 'count': expected a whole number such as 2, or a range such as 2-3",
                         "8:74: 'within': duration \"soon\": expected a number before 's'",
                         "8:92: 'sla_breach': expected true or false, found the value \"maybe\"",
                         "8:108: 'attempt': must be a whole number, 0 or more"]),
    ErrorCase(name: "unknown task key and empty no_tasks", yaml: h + "  - name: a\n    events: [\(warm)]\n    expect:\n"
                + "      - {at: +0s, no_tasks: [], tasks: [{kind: dial, queeu: x}], pending: [{kind: dial, count: 1}]}\n",
              expected: ["7:19: 'no_tasks': the list is empty, so it checks nothing; to expect no task at all write 'tasks: []'",
                         "7:54: unknown key 'queeu' in a task (did you mean 'queue'?)",
                         "7:89: unknown key 'count' in a task (expected one of: kind, queue, template, priority, dial_mode, channel, attempt, due, deadline, within, sla_breach)"]),
    ErrorCase(name: "lead, since and at", yaml: h + "  - name: a\n    events: [\(warm)]\n    expect:\n"
                + "      - {at: +1m, since: +2m, lead_id: L2, tier: warm}\n",
              expected: ["7:26: 'since': must not be after the expectation's 'at'",
                         "7:40: 'lead_id': unknown lead (no event of this test has it) 'L2' (did you mean 'L1'?)"]),
    ErrorCase(name: "no start", yaml: "tests:\n  - name: a\n    events: [\(warm)]\n    expect: {at: +0s, tier: warm}\n",
              expected: ["2:11: test 'a' has no start time: give 'start:' in the file or in the test (for example: start: 2026-03-23T09:00:00Z)"]),
    ErrorCase(name: "start as an offset", yaml: "start: +1h\ntests:\n  - name: a\n    events: [\(warm)]\n    expect: {at: +0s, tier: warm}\n",
              expected: ["1:8: 'start': must be a date and time (2026-03-23T09:00:00Z or 2026-03-23 09:00), not an offset"]),
    ErrorCase(name: "unknown zone", yaml: "start: 2026-03-09T10:00:00Z\nzone: Europe/Lodnon\ntests:\n  - name: a\n    events: [\(warm)]\n    expect: {at: +0s, tier: warm}\n",
              expected: ["2:7: 'zone': unknown time zone 'Europe/Lodnon' (use an IANA name such as Europe/London or UTC)"]),
    ErrorCase(name: "unknown rule file", yaml: "files: [mini.rule]\n" + h + "  - name: a\n    events: [\(warm)]\n    expect: {at: +0s, tier: warm}\n",
              expected: ["1:9: 'files': no rule file 'mini.rule' in DIR (did you mean 'mini.rules'?)"]),
    ErrorCase(name: "rules path that does not exist", yaml: "rules: nowhere\n" + h + "  - name: a\n    events: [\(warm)]\n    expect: {at: +0s, tier: warm}\n",
              expected: ["1:8: 'rules': cannot read 'DIR/nowhere': No such file or directory"]),
    ErrorCase(name: "a mapping as a key", yaml: "? [a]\n: 1\n", expected: ["1:3: a mapping key must be text, not a list or a mapping"]),
]

@Test(arguments: errorCases)
func badTestFilesAreRefusedWithEveryErrorAtItsPlace(_ c: ErrorCase) throws {
    let dir = try Scratch.directory(["test.yaml": c.yaml])
    defer { try? FileManager.default.removeItem(at: dir) }
    let result = TestRunner().run(path: dir.appendingPathComponent("test.yaml").path)
    let got = Scratch.issues(result).map { $0.replacingOccurrences(of: dir.path, with: "DIR") }
    #expect(got == c.expected)
    #expect(result.tests.isEmpty)
    #expect(TestSummary([result]).exitStatus == 2)
}

@Test func invalidUTF8IsReportedOnItsLine() throws {
    let bytes = Array("tests:\n  - name: ok\n".utf8) + [0x20, 0x20, 0xFF, 0x0A]
    let result = TestRunner().run(bytes: bytes, path: "t.yaml")
    #expect(Scratch.issues(result) == ["3:1: the file is not valid UTF-8"])
}

@Test func rulesThatDoNotCompileAreReportedWithTheirDiagnostics() throws {
    let result = try Scratch.run(h + "  - name: a\n    events: [\(warm)]\n    expect: {at: +0s, tier: warm}\n",
                                 playbook: Scratch.playbook + "TIER tepid WHEN lead_scor > 3: NURTURE\n")
    #expect(result.diagnostics.contains { $0.message.contains("lead_scor") })
    #expect(result.issues.count == 1)
    #expect(result.issues.first?.message.hasPrefix("the rules in '") == true)
    #expect(result.issues.first?.message.hasSuffix("do not compile (1 error, printed above); no test of this file was run") == true)
}

@Test func aTestFileWithoutRulesNearbyIsRefused() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ruletest-\(UUID().uuidString)/a/b")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent().deletingLastPathComponent()) }
    let file = dir.appendingPathComponent("t.yaml")
    try "tests: []\n".write(to: file, atomically: true, encoding: .utf8)
    let result = TestRunner().run(path: file.path)
    #expect(result.issues.map(\.message).first == "no 'rules:' given and no *.rules files in \(dir.path) or its parent directory")
}

@Test func aTooLargeAliasExpansionIsRefused() throws {
    var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for i in 1...7 { yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
    yaml += "tests: *a7\n"
    let result = TestRunner().run(bytes: Array(yaml.utf8), path: "t.yaml")
    #expect(result.issues.first?.message.contains("more than 1000000 YAML values") == true)
}
