// What running test files found: per test, passed, failed (with every
// failed check) or skipped; per file, the issues that kept it from running.

import Foundation
import RulesCompiler
import RulesLanguage

/// One check that did not hold.
public struct TestFailure: Sendable, Hashable {
    /// Where the check (or task pattern) is written in the test file.
    public var mark: TestMark
    public var leadID: String
    /// The expectation's time, as written and resolved.
    public var at: String
    /// The key checked: `tier`, `tasks`, `no_tasks`, …
    public var check: String
    public var expected: String
    public var got: String
    /// `file:line: what` of the rules that produced what was got.
    public var rules: [String] = []
    /// The engine's own words on why something was not issued, and the like.
    public var notes: [String] = []
}

/// The outcome of one test.
public struct TestResult: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case passed
        case failed([TestFailure])
        case skipped(String)
    }
    public var name: String
    public var mark: TestMark
    public var outcome: Outcome
}

/// The outcome of one test file.
public struct FileResult: Sendable {
    public var path: String
    public var tests: [TestResult] = []
    /// Bad input: the file (or some of its tests) could not be run.
    public var issues: [TestIssue] = []
    /// The rule compiler's errors when the playbook does not compile.
    public var diagnostics: [Diagnostic] = []
    public var droppedDiagnostics = 0
}

/// Totals of a run.
public struct TestSummary: Sendable, Hashable {
    public var passed = 0
    public var failed = 0
    public var skipped = 0
    /// Files or tests refused as bad input.
    public var errors = 0

    public init(_ files: [FileResult]) {
        for file in files {
            errors += file.issues.count
            for test in file.tests {
                switch test.outcome {
                case .passed: passed += 1
                case .failed: failed += 1
                case .skipped: skipped += 1
                }
            }
        }
    }

    /// 0 all passed, 1 a test failed, 2 bad input.
    public var exitStatus: Int32 { errors > 0 ? 2 : failed > 0 ? 1 : 0 }
}

/// Instants as failures print them: the offset from the test's start and
/// the wall-clock time in the test's zone, e.g. `+1d (Tue 2026-03-24 09:00 Europe/London)`.
struct TimeText: Sendable {
    let start: Int64
    let zone: TimeZone

    func describe(_ t: Int64) -> String {
        "\(Self.offset(t - start)) (\(local(t)))"
    }

    func local(_ t: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = t % 60_000 == 0 ? "EEE yyyy-MM-dd HH:mm" : "EEE yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: Double(t) / 1000)) + " " + zone.identifier
    }

    /// `+1d2h`, `-15m`, `+0s`: elapsed time in the largest units.
    static func offset(_ ms: Int64) -> String {
        let sign = ms < 0 ? "-" : "+"
        var rest = ms.magnitude
        guard rest > 0 else { return "+0s" }
        var text = ""
        for (size, unit) in [(UInt64(86_400_000), "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s")] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        if rest > 0 { text += "\(rest)ms" }
        return sign + text
    }
}
