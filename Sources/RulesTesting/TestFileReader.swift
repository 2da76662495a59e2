// Test file text → `TestFile`: the shape of the format (docs/TESTING.md).
// Every key is checked against the keys its place allows; every problem is
// collected with its line and column, so one run reports them all. Names
// that depend on the playbook (event types, tiers, queues…) are checked
// later, by `TestPlan`, once the playbook is compiled.

import Foundation
import RulesEngine

public enum TestFileReader {
    static let fileKeys = ["rules", "files", "start", "zone", "tests"]
    static let testKeys = ["name", "start", "zone", "lead_id", "skip", "events", "expect"]
    static let eventKeys = ["id", "lead_id", "type", "at", "data"]
    static let expectKeys = ["at", "since", "lead_id", "score", "categories", "tier", "route", "status", "cadence",
                             "quarantine", "tasks", "no_tasks", "pending"]
    static let routeKeys = ["queue", "priority", "dial_mode"]
    static let taskKeys = ["kind", "queue", "template", "priority", "dial_mode", "channel", "attempt", "due",
                           "deadline", "within", "count", "sla_breach"]
    static let phases: [String: QuarantineState.Phase] = [
        "holding": .holding, "email_only": .emailOnly, "released": .released, "graduated": .graduated,
        "completed": .completed,
    ]

    /// What was read of the file at `path`, and every issue found in it.
    /// The file is nil when the YAML itself could not be read; with other
    /// issues it holds what could be read, so later checks can report more.
    public static func read(_ bytes: [UInt8], path: String) -> (file: TestFile?, issues: [TestIssue]) {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        guard let text = String(validating: body, as: UTF8.self) else {
            return (nil, [Messages.invalidUTF8(firstInvalidLine(body)).at(path)])
        }
        let root: YAMLValue
        switch YAMLDocument.parse(text) {
        case .failure(let issue): return (nil, [issue.at(path)])
        case .success(nil): return (nil, [Messages.emptyFile().at(path)])
        case .success(let value?): root = value
        }
        var issues = IssueList()
        let file = read(root, path: path, &issues)
        return (file, issues.sorted(path: path))
    }

    private static func firstInvalidLine(_ bytes: ArraySlice<UInt8>) -> TestMark {
        var line = 1, start = bytes.startIndex
        for i in bytes.indices where bytes[i] == 0x0A {
            if String(validating: bytes[start..<i], as: UTF8.self) == nil { break }
            line += 1
            start = i + 1
        }
        return TestMark(line: line, column: 1)
    }

    static func read(_ root: YAMLValue, path: String, _ issues: inout IssueList) -> TestFile {
        var file = TestFile(path: path)
        let fields = YAMLFields(root, context: "the test file", allowed: fileKeys, key: "(file)", issues: &issues)
        file.rules = fields.text("rules", &issues)
        for item in fields.list("files", &issues) ?? [] {
            if let name = YAMLFields.text(item, key: "files", &issues) { file.files.append(name) }
        }
        file.start = fields.time("start", &issues)
        file.zone = fields.text("zone", &issues)
        guard let tests = fields.required("tests", &issues) else { return file }
        guard case .sequence(let items, let mark) = tests else {
            issues.add(Messages.expected("a list of tests", for: "tests", found: tests))
            return file
        }
        if items.isEmpty { issues.add(Messages.noTests(mark)) }
        var names: [String: TestMark] = [:]
        for item in items {
            guard let test = readTest(item, &issues) else { continue }
            if let first = names[test.name] {
                issues.add(Messages.duplicateTestName(test.name, first: first, test.mark))
            } else {
                names[test.name] = test.mark
            }
            file.tests.append(test)
        }
        return file
    }

    private static func readTest(_ value: YAMLValue, _ issues: inout IssueList) -> TestCase? {
        let fields = YAMLFields(value, context: "a test", allowed: testKeys, key: "tests", issues: &issues)
        guard case .mapping = value else { return nil }
        let name = fields.required("name", &issues).flatMap { YAMLFields.text($0, key: "name", &issues) }
        var test = TestCase(name: name?.value ?? "", mark: name?.mark ?? value.mark)
        test.start = fields.time("start", &issues)
        test.zone = fields.text("zone", &issues)
        test.skip = fields.text("skip", &issues)?.value
        if let lead = fields.text("lead_id", &issues) { test.leadID = lead.value }
        for item in fields.list("events", &issues) ?? [] {
            if case .mapping(let pairs, _) = item {
                let lead = pairs.first { $0.key == "lead_id" }
                test.eventLeads.append(lead.flatMap { if case .scalar(let s, _, _) = $0.value { s } else { nil } })
            }
            if let event = readEvent(item, &issues) { test.events.append(event) }
        }
        if let expect = fields.required("expect", &issues) {
            let items: [YAMLValue]
            switch expect {
            case .sequence(let list, _): items = list
            case .mapping: items = [expect]
            case .scalar:
                issues.add(Messages.expected("a list of expectations", for: "expect", found: expect))
                items = []
            }
            for item in items {
                if let e = readExpectation(item, &issues) { test.expectations.append(e) }
            }
        }
        return name == nil ? nil : test
    }

    private static func readEvent(_ value: YAMLValue, _ issues: inout IssueList) -> TestEventSpec? {
        let fields = YAMLFields(value, context: "an event", allowed: eventKeys, key: "events", issues: &issues)
        guard case .mapping = value else { return nil }
        let type = fields.required("type", &issues).flatMap { YAMLFields.text($0, key: "type", &issues) }
        let at = fields.required("at", &issues) != nil ? fields.time("at", &issues) : nil
        let id = fields.text("id", &issues)
        let lead = fields.text("lead_id", &issues)
        var data: YAMLValue?
        if let d = fields["data"], !d.isNull {
            guard case .mapping = d else {
                issues.add(Messages.expected("a mapping", for: "data", found: d))
                return nil
            }
            data = d
        }
        guard let type, let at else { return nil }
        return TestEventSpec(mark: value.mark, id: id, leadID: lead, type: type, at: at, data: data)
    }
}
