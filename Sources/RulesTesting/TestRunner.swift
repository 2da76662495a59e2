// Runs test files: read, find and compile the playbook, plan each test,
// then play it on a fresh driver — every event at its time, and at every
// expectation `run(until:)` its time and compare. The engine is the one
// `rulesd` and `rules simulate` run; nothing here decides what a lead gets.

import Foundation
import RulesCompiler
import RulesEngine

public struct TestRunner {
    /// Keeps only tests whose name contains this (case-insensitive).
    public var filter: String?
    public var makeDriver: TestDriverFactory
    private let playbooks = PlaybookCache()

    public init(filter: String? = nil, makeDriver: @escaping TestDriverFactory = TestRunner.defaultDriver) {
        self.filter = filter
        self.makeDriver = makeDriver
    }

    /// The scheduler's driver.
    public static let defaultDriver: TestDriverFactory = { engine, start in SimulationDriver(engine: engine, start: start) }

    /// Reads and runs the file at `path`.
    public func run(path: String) -> FileResult {
        let bytes: [UInt8]
        do {
            bytes = try SourceLoader.read(path).bytes
        } catch {
            return FileResult(path: path, issues: [TestIssue(path: path, .start, error.description)])
        }
        return run(bytes: bytes, path: path)
    }

    /// Runs a test file given as bytes (`path` locates its playbook).
    public func run(bytes: [UInt8], path: String) -> FileResult {
        let (file, issues) = TestFileReader.read(bytes, path: path)
        guard let file else { return FileResult(path: path, issues: issues) }
        return run(file, readIssues: issues)
    }

    /// Runs a file that was read; `readIssues` are the reader's, and stop
    /// the tests from running but not the checks against the playbook.
    public func run(_ file: TestFile, readIssues: [TestIssue] = []) -> FileResult {
        var result = FileResult(path: file.path)
        let playbook: Playbook
        switch playbooks.playbook(for: file) {
        case .failure(let failure):
            result.issues = Self.merged(readIssues, failure.issues)
            result.diagnostics = failure.diagnostics
            result.droppedDiagnostics = failure.dropped
            return result
        case .success(let p): playbook = p
        }
        let planner = TestPlanner(playbook: playbook, file: file)
        var issues = IssueList()
        var planned: [PlannedTest] = []
        for test in file.tests where selected(test) {
            if let plan = planner.plan(test, &issues) { planned.append(plan) }
        }
        result.issues = Self.merged(readIssues, issues.sorted(path: file.path))
        // A file with bad input runs none of its tests: its results would mislead.
        guard result.issues.isEmpty else { return result }
        let engine = playbook.engine
        result.tests = planned.map { run($0, engine: engine) }
        return result
    }

    /// Both lists in position order, each issue once.
    static func merged(_ a: [TestIssue], _ b: [TestIssue]) -> [TestIssue] {
        var seen = Set<TestIssue>()
        return (a + b).enumerated()
            .sorted { ($0.element.mark, $0.offset) < ($1.element.mark, $1.offset) }
            .map(\.element)
            .filter { seen.insert($0).inserted }
    }

    private func selected(_ test: TestCase) -> Bool {
        guard let filter, !filter.isEmpty else { return true }
        return test.name.localizedCaseInsensitiveContains(filter)
    }

    func run(_ plan: PlannedTest, engine: Engine) -> TestResult {
        var result = TestResult(name: plan.test.name, mark: plan.test.mark, outcome: .passed)
        if let reason = plan.test.skip {
            result.outcome = .skipped(reason)
            return result
        }
        let driver = makeDriver(engine, plan.start)
        let checker = ExpectationChecker(engine: engine, driver: driver, time: TimeText(start: plan.start, zone: plan.zone))
        var failures: [TestFailure] = []
        for step in plan.steps {
            switch step {
            case .event(let event):
                do {
                    try driver.ingest(event)
                } catch {
                    failures.append(TestFailure(mark: .start, leadID: event.leadID, at: Timestamp.format(event.at),
                                                check: "event", expected: "event '\(event.id)' applied",
                                                got: "refused: \(error.description)"))
                }
            case .expect(let x):
                driver.run(until: x.at)
                failures += checker.check(x)
            }
        }
        if !failures.isEmpty { result.outcome = .failed(failures) }
        return result
    }
}

extension TestRunner {
    /// Every `*.yaml` and `*.yml` file under `path` (or `path` itself when
    /// it is a file), sorted; hidden entries skipped.
    public static func testFiles(under path: String) throws(TestIssue) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TestIssue(path: path, .start, "no such file or directory")
        }
        guard isDirectory.boolValue else { return [path] }
        guard let walker = FileManager.default.enumerator(atPath: path) else {
            throw TestIssue(path: path, .start, "cannot read the directory")
        }
        var found: [String] = []
        while let entry = walker.nextObject() as? String {
            let name = (entry as NSString).lastPathComponent
            if name.hasPrefix(".") {
                walker.skipDescendants()
                continue
            }
            if name.hasSuffix(".yaml") || name.hasSuffix(".yml") { found.append(PathText.join(path, entry)) }
        }
        guard !found.isEmpty else { throw TestIssue(path: path, .start, "no *.yaml or *.yml test files in this directory") }
        return found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
