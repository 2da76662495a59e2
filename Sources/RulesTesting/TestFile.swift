// The test file as written (docs/TESTING.md): what `TestFileReader` makes of
// the YAML before the playbook is known. Names of events, tiers, queues and
// templates are kept as text with their position; `TestPlan` checks them
// against the playbook and turns times into instants.

import RulesEngine

/// A value and where it was written.
public struct Located<Value: Sendable & Hashable>: Sendable, Hashable {
    public let value: Value
    public let mark: TestMark
    public init(_ value: Value, _ mark: TestMark) {
        self.value = value
        self.mark = mark
    }
}

/// One test file.
public struct TestFile: Sendable {
    public var path: String
    /// `rules:`: the playbook directory (or file), relative to the test file.
    public var rules: Located<String>?
    /// `files:`: only these rule files of the playbook.
    public var files: [Located<String>] = []
    /// `start:` and `zone:` for every test that does not set its own.
    public var start: Located<TestTime>?
    public var zone: Located<String>?
    public var tests: [TestCase] = []
}

/// One test: events and what must hold at given times.
public struct TestCase: Sendable {
    public var name: String
    public var mark: TestMark
    public var start: Located<TestTime>?
    public var zone: Located<String>?
    /// The lead events and expectations name when they name none.
    public var leadID: String = TestCase.defaultLeadID
    /// `skip:`: the reason the test is not run yet.
    public var skip: String?
    public var events: [TestEventSpec] = []
    /// The lead of every event written, including those with errors (so
    /// their expectations are not reported again); nil is the test's lead.
    public var eventLeads: [String?] = []
    public var expectations: [Expectation] = []

    public static let defaultLeadID = "L1"
}

/// An event as written: the JSON event contract in YAML.
public struct TestEventSpec: Sendable {
    public var mark: TestMark
    public var id: Located<String>?
    public var leadID: Located<String>?
    public var type: Located<String>
    public var at: Located<TestTime>
    /// The `data:` mapping, converted with the event's declared types.
    public var data: YAMLValue?
}

/// What must hold for one lead at one time.
public struct Expectation: Sendable {
    public var mark: TestMark
    public var at: Located<TestTime>
    /// Tasks issued before `since` are left out of `tasks` and `no_tasks`.
    public var since: Located<TestTime>?
    public var leadID: Located<String>?
    public var checks: [Check] = []
}

/// One checked fact, with the position of its key.
public struct Check: Sendable {
    public enum Kind: Sendable {
        case score(Double)
        case categories([Located<CategoryPoints>])
        /// nil: no tier holds.
        case tier(Located<String>?)
        /// nil: no route matches.
        case route(RouteExpectation?)
        case status(LeadStatus)
        /// nil: in no cadence.
        case cadence(Located<String>?)
        /// nil: never quarantined.
        case quarantine(QuarantineState.Phase?)
        case tasks([TaskMatcher])
        case noTasks([TaskMatcher])
        case pending([TaskMatcher])
    }
    public var key: String
    public var mark: TestMark
    public var kind: Kind
}

public struct CategoryPoints: Sendable, Hashable {
    public var name: String
    public var points: Double
}

/// Any subset of a route's queue, priority and dial mode.
public struct RouteExpectation: Sendable {
    public var queue: Located<String>?
    public var priority: String?
    public var dialMode: String?
}

/// A pattern for tasks: every key given must match.
public struct TaskMatcher: Sendable {
    public var mark: TestMark
    public var kind: TaskKind
    public var queue: Located<String>?
    public var template: Located<String>?
    public var priority: String?
    public var dialMode: String?
    public var channel: String?
    public var attempt: Int?
    public var due: Located<TestTime>?
    public var deadline: Located<TestTime>?
    /// Tolerance on `due` and `deadline`, ms.
    public var within: Int64 = 0
    /// How many tasks must match (`count: 2` or `count: 2-3`); nil means at least one.
    public var count: ClosedRange<Int>?
    public var slaBreach: Bool?
}
