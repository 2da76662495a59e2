// A problem with a test file: bad YAML, a key that is not part of the
// format, a value of the wrong kind, a name the playbook does not declare.
// Always an error (exit 2): a test that cannot be read cannot pass or fail.

/// One error in a test file, at a line and column.
public struct TestIssue: Error, Sendable, Hashable, CustomStringConvertible {
    /// The test file; set when the issue leaves the file's reader.
    public var path: String
    public let mark: TestMark
    public let message: String
    /// Extra lines such as "did you mean 'tier'?".
    public let notes: [String]

    public init(path: String = "", _ mark: TestMark, _ message: String, notes: [String] = []) {
        self.path = path
        self.mark = mark
        self.message = message
        self.notes = notes
    }

    /// `tests/hot.yaml:12:7: error: …`, then one `  note: …` line per note.
    public var description: String {
        var text = "\(path):\(mark): error: \(message)"
        for note in notes { text += "\n  note: \(note)" }
        return text
    }

    func at(_ path: String) -> TestIssue {
        var copy = self
        copy.path = path
        return copy
    }
}

/// The issues of one file, kept in position order.
struct IssueList {
    private(set) var items: [TestIssue] = []
    var isEmpty: Bool { items.isEmpty }

    mutating func add(_ issue: TestIssue) {
        items.append(issue)
    }

    mutating func add(contentsOf other: IssueList) {
        items.append(contentsOf: other.items)
    }

    /// Sorted by position; the same message at the same place once.
    func sorted(path: String) -> [TestIssue] {
        var seen = Set<TestIssue>()
        return items.map { $0.at(path) }
            .enumerated()
            .sorted { ($0.element.mark, $0.offset) < ($1.element.mark, $1.offset) }
            .map(\.element)
            .filter { seen.insert($0).inserted }
    }
}
