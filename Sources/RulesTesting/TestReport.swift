// How `rules test` shows results (docs/TESTING.md, "Output").
//
// Text: one block per failed test — where the check is written, expected
// and got, and the rule file:line behind what was got — then the totals.
// JSON: one object with every file, test and failure, and the totals.
// Bad input (`TestIssue`s) is rendered by `issues(_:)` for stderr.

import Foundation
import RulesEngine
import RulesLanguage

public struct TestReport {
    public var files: [FileResult]
    /// List passing tests too.
    public var verbose = false

    public init(files: [FileResult], verbose: Bool = false) {
        self.files = files
        self.verbose = verbose
    }

    public var summary: TestSummary { TestSummary(files) }

    // MARK: - Text

    public func text() -> String {
        var out = ""
        for file in files {
            for test in file.tests {
                let place = "\(file.path):\(test.mark)"
                switch test.outcome {
                case .passed:
                    if verbose { out += "ok   \(test.name) (\(place))\n" }
                case .skipped(let reason):
                    out += "SKIP \(test.name) (\(place)): \(reason)\n"
                case .failed(let failures):
                    out += "FAIL \(test.name) (\(place))\n"
                    for f in failures { out += Self.text(f, path: file.path) }
                }
            }
        }
        if !out.isEmpty { out += "\n" }
        return out + summaryLine() + "\n"
    }

    static func text(_ f: TestFailure, path: String) -> String {
        var out = "  \(path):\(f.mark): \(f.check) of \(f.leadID) at \(f.at)\n"
        out += "    expected: \(f.expected)\n"
        out += "    got:      \(f.got.replacingOccurrences(of: "\n", with: "\n            "))\n"
        for (i, rule) in f.rules.enumerated() { out += (i == 0 ? "    from:     " : "              ") + rule + "\n" }
        for (i, note) in f.notes.enumerated() { out += (i == 0 ? "    engine:   " : "              ") + note + "\n" }
        return out
    }

    /// `12 passed, 1 failed, 2 skipped` and the files refused, if any.
    public func summaryLine() -> String {
        let s = summary
        var text = "\(s.passed) passed, \(s.failed) failed"
        if s.skipped > 0 { text += ", \(s.skipped) skipped" }
        let refused = files.filter { !$0.issues.isEmpty }.count
        if refused > 0 {
            text += "; \(refused) test file\(refused == 1 ? "" : "s") with errors (\(s.errors) error\(s.errors == 1 ? "" : "s"))"
        }
        return text
    }

    /// Bad input for stderr: the rule compiler's diagnostics, then the test files' errors.
    public func issues(color: Bool = false) -> String {
        var out = ""
        for file in files where !file.issues.isEmpty || !file.diagnostics.isEmpty {
            if !file.diagnostics.isEmpty {
                out += DiagnosticRenderer(maxDiagnostics: 20, color: color).render(file.diagnostics, dropped: file.droppedDiagnostics)
            }
            for issue in file.issues { out += issue.description + "\n" }
        }
        return out
    }

    // MARK: - JSON

    public func json() -> String {
        let s = summary
        let object = JSONValue.object([
            JSONMember("files", .array(files.map(Self.json))),
            JSONMember("passed", .number(Double(s.passed))), JSONMember("failed", .number(Double(s.failed))),
            JSONMember("skipped", .number(Double(s.skipped))), JSONMember("errors", .number(Double(s.errors))),
        ])
        return JSON.serialize(object) + "\n"
    }

    static func json(_ file: FileResult) -> JSONValue {
        .object([
            JSONMember("path", .string(file.path)),
            JSONMember("tests", .array(file.tests.map { json($0, path: file.path) })),
            JSONMember("errors", .array(file.issues.map { issue in
                .object([JSONMember("location", .string("\(issue.path):\(issue.mark)")),
                         JSONMember("message", .string(issue.message)),
                         JSONMember("notes", .array(issue.notes.map(JSONValue.string)))])
            })),
        ])
    }

    static func json(_ test: TestResult, path: String) -> JSONValue {
        var members = [JSONMember("name", .string(test.name)),
                       JSONMember("location", .string("\(path):\(test.mark)"))]
        switch test.outcome {
        case .passed:
            members.append(JSONMember("result", .string("pass")))
        case .skipped(let reason):
            members.append(JSONMember("result", .string("skip")))
            members.append(JSONMember("reason", .string(reason)))
        case .failed(let failures):
            members.append(JSONMember("result", .string("fail")))
            members.append(JSONMember("failures", .array(failures.map { f in
                .object([
                    JSONMember("location", .string("\(path):\(f.mark)")), JSONMember("check", .string(f.check)),
                    JSONMember("lead_id", .string(f.leadID)), JSONMember("at", .string(f.at)),
                    JSONMember("expected", .string(f.expected)), JSONMember("got", .string(f.got)),
                    JSONMember("rules", .array(f.rules.map(JSONValue.string))),
                    JSONMember("notes", .array(f.notes.map(JSONValue.string))),
                ])
            })))
        }
        return .object(members)
    }
}
