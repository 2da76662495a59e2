// Every error message about a test file, in one place so the wording stays
// consistent: what was expected, what was found, and a "did you mean" when
// a name is close to a known one.

import RulesLanguage

enum Messages {
    static func didYouMean(_ word: String, among candidates: some Sequence<String>) -> [String] {
        Suggestion.closest(to: word, among: candidates).map { ["did you mean '\($0)'?"] } ?? []
    }

    // MARK: - YAML

    static func emptyFile() -> TestIssue {
        TestIssue(.start, "empty test file: expected a mapping with 'tests:'")
    }

    static func invalidUTF8(_ mark: TestMark) -> TestIssue {
        TestIssue(mark, "the file is not valid UTF-8")
    }

    static func tooManyNodes(_ mark: TestMark, limit: Int) -> TestIssue {
        TestIssue(mark, "more than \(limit) YAML values (aliases expanding?); the file is refused")
    }

    static func tooDeep(_ mark: TestMark, limit: Int) -> TestIssue {
        TestIssue(mark, "values nested more than \(limit) levels deep")
    }

    static func keyNotText(_ mark: TestMark) -> TestIssue {
        TestIssue(mark, "a mapping key must be text, not a list or a mapping")
    }

    static func unresolvedAlias(_ mark: TestMark) -> TestIssue {
        TestIssue(mark, "alias without an anchor")
    }

    // MARK: - Shape

    static func unknownKey(_ key: String, in context: String, allowed: [String], _ mark: TestMark) -> TestIssue {
        let notes = didYouMean(key, among: allowed)
        return TestIssue(mark, "unknown key '\(key)' in \(context)",
                         notes: notes.isEmpty ? ["expected one of: \(allowed.joined(separator: ", "))"] : notes)
    }

    static func missingKey(_ key: String, in context: String, _ mark: TestMark) -> TestIssue {
        TestIssue(mark, "\(context) needs '\(key):'")
    }

    static func expected(_ what: String, for key: String, found value: YAMLValue) -> TestIssue {
        TestIssue(value.mark, "'\(key)': expected \(what), found \(value.kindName)")
    }

    static func badTime(_ key: String, _ reason: String, _ mark: TestMark) -> TestIssue {
        TestIssue(mark, "'\(key)': \(reason)")
    }

    static func unknownZone(_ zone: String, _ mark: TestMark) -> TestIssue {
        TestIssue(mark, "'zone': unknown time zone '\(zone)'", notes: ["use an IANA name such as Europe/London or UTC"])
    }

    static func noStart(_ mark: TestMark, test: String) -> TestIssue {
        TestIssue(mark, "test '\(test)' has no start time: give 'start:' in the file or in the test",
                  notes: ["for example: start: 2026-03-23T09:00:00Z"])
    }

    static func startNotAbsolute(_ mark: TestMark) -> TestIssue {
        TestIssue(mark, "'start': must be a date and time (2026-03-23T09:00:00Z or 2026-03-23 09:00), not an offset")
    }

    static func noTests(_ mark: TestMark) -> TestIssue {
        TestIssue(mark, "'tests': the list is empty; a test file needs at least one test")
    }

    static func noChecks(_ mark: TestMark) -> TestIssue {
        TestIssue(mark, "expectation checks nothing: give at least one of score, categories, tier, route, "
                  + "status, cadence, quarantine, tasks, no_tasks, pending")
    }

    static func emptyNoTasks(_ mark: TestMark) -> TestIssue {
        TestIssue(mark, "'no_tasks': the list is empty, so it checks nothing; to expect no task at all write 'tasks: []'")
    }

    static func duplicateTestName(_ name: String, first: TestMark, _ mark: TestMark) -> TestIssue {
        TestIssue(mark, "a test named '\(name)' already exists at line \(first.line)")
    }

    static func unknownWord(_ key: String, _ word: String, allowed: [String], _ mark: TestMark) -> TestIssue {
        let notes = didYouMean(word, among: allowed)
        return TestIssue(mark, "'\(key)': '\(word)' is not one of \(allowed.joined(separator: ", "))", notes: notes)
    }

    static func notPositive(_ key: String, _ mark: TestMark) -> TestIssue {
        TestIssue(mark, "'\(key)': must be a whole number, 0 or more")
    }

    static func badCount(_ key: String, _ mark: TestMark) -> TestIssue {
        TestIssue(mark, "'\(key)': expected a whole number such as 2, or a range such as 2-3")
    }

    // MARK: - Against the playbook

    static func unknownName(_ what: String, _ name: String, among: some Sequence<String>, _ mark: TestMark,
                            key: String) -> TestIssue {
        TestIssue(mark, "'\(key)': unknown \(what) '\(name)'", notes: didYouMean(name, among: among))
    }

    static func unknownEventType(_ name: String, among: some Sequence<String>, _ mark: TestMark) -> TestIssue {
        let notes = didYouMean(name, among: among)
        return TestIssue(mark, "'type': unknown event type '\(name)' (not an EVENT of the playbook)",
                         notes: notes.isEmpty ? ["declared events: \(among.sorted().joined(separator: ", "))"] : notes)
    }

    static func unknownRuleFile(_ name: String, directory: String, among: [String], _ mark: TestMark) -> TestIssue {
        TestIssue(mark, "'files': no rule file '\(name)' in \(directory)", notes: didYouMean(name, among: among))
    }

    static func rulesNotFound(_ reason: String, _ mark: TestMark) -> TestIssue {
        TestIssue(mark, "'rules': \(reason)")
    }

    static func noPlaybook(_ directory: String) -> TestIssue {
        TestIssue(.start, "no 'rules:' given and no *.rules files in \(directory) or its parent directory")
    }

    static func rulesDoNotCompile(_ directory: String, errors: Int, _ mark: TestMark) -> TestIssue {
        TestIssue(mark, "the rules in '\(directory)' do not compile (\(errors) error\(errors == 1 ? "" : "s"), printed above); "
                  + "no test of this file was run")
    }

    /// An issue of the event decoder; what it would ignore in production is an error in a test.
    static func event(_ message: String, _ mark: TestMark, notes: [String], field: String?) -> TestIssue {
        let text = message.hasSuffix("; ignored") ? String(message.dropLast("; ignored".count)) : message
        return TestIssue(mark, field.map { "'\($0)': \(text)" } ?? text, notes: notes)
    }

    static func eventBeforeStart(_ mark: TestMark) -> TestIssue {
        TestIssue(mark, "'at': the event is before the test's start")
    }

    static func eventsOutOfOrder(_ mark: TestMark, previous: TestMark) -> TestIssue {
        TestIssue(mark, "'at': the event is earlier than the one at line \(previous.line); list events in time order")
    }

    static func duplicateEventID(_ id: String, first: TestMark, _ mark: TestMark) -> TestIssue {
        TestIssue(mark, "'id': event id '\(id)' is already used at line \(first.line)")
    }

    static func expectationBeforeStart(_ mark: TestMark) -> TestIssue {
        TestIssue(mark, "'at': the expectation is before the test's start")
    }

    static func sinceAfterAt(_ mark: TestMark) -> TestIssue {
        TestIssue(mark, "'since': must not be after the expectation's 'at'")
    }

    static func templateNotForKind(_ template: String, channel: String, kind: String, _ mark: TestMark) -> TestIssue {
        TestIssue(mark, "'template': '\(template)' is an \(channel) template; a \(kind) task never has it")
    }
}
