// A test file's YAML as plain values that remember where they were written.
//
// Yams composes the file into `Node`s (libyaml underneath, so syntax errors
// come with the parser's line and column); this file copies them into
// `YAMLValue`, a Sendable tree whose every scalar, sequence, mapping and
// mapping key keeps its `Mark`. Everything after this point reports errors
// at the exact `file:line:col` of the offending text.
//
// Aliases (`*name`) are expanded by Yams into shared subtrees; a file of
// nested aliases could describe an exponentially large tree, so the copy
// stops at `nodeLimit` nodes and `depthLimit` levels with an error.

import Foundation
import Yams

/// A 1-based position in a test file.
public struct TestMark: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    init(_ mark: Mark?) {
        self.init(line: max(1, mark?.line ?? 1), column: max(1, mark?.column ?? 1))
    }
    public var description: String { "\(line):\(column)" }
    public static func < (a: TestMark, b: TestMark) -> Bool { (a.line, a.column) < (b.line, b.column) }
    static let start = TestMark(line: 1, column: 1)
}

/// One YAML value with its position.
public indirect enum YAMLValue: Sendable, Hashable {
    /// `plain` is false for quoted and block scalars: `"NO"` is a string, `NO` may not be.
    case scalar(String, plain: Bool, TestMark)
    case sequence([YAMLValue], TestMark)
    case mapping([YAMLPair], TestMark)

    public var mark: TestMark {
        switch self {
        case .scalar(_, _, let m), .sequence(_, let m), .mapping(_, let m): m
        }
    }

    /// YAML's null: `~`, `null`, or nothing after the colon.
    public var isNull: Bool {
        guard case .scalar(let s, true, _) = self else { return false }
        return s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL"
    }

    /// What kind of value this is, for "expected …, found …" messages.
    var kindName: String {
        switch self {
        case .scalar(let s, _, _): isNull ? "nothing (null)" : "the value \(YAMLValue.quote(s))"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    static func quote(_ s: String) -> String {
        let cut = s.count > 40 ? String(s.prefix(40)) + "…" : s
        return "\"\(cut)\""
    }
}

/// A key of a mapping, its position and its value.
public struct YAMLPair: Sendable, Hashable {
    public let key: String
    public let keyMark: TestMark
    public let value: YAMLValue
}

/// Reads test-file text into a `YAMLValue`.
enum YAMLDocument {
    static let nodeLimit = 1_000_000
    static let depthLimit = 64

    /// The root value, or the one error that stopped the YAML parser.
    static func parse(_ text: String) -> Result<YAMLValue?, TestIssue> {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            return .failure(issue(error, text: text))
        } catch {
            return .failure(TestIssue(.start, "malformed YAML: \(error)"))
        }
        guard let node else { return .success(nil) }
        var budget = nodeLimit
        return convert(node, depth: 0, budget: &budget).map { Optional($0) }
    }

    private static func convert(_ node: Node, depth: Int, budget: inout Int) -> Result<YAMLValue, TestIssue> {
        let mark = TestMark(node.mark)
        budget -= 1
        guard budget >= 0 else { return .failure(Messages.tooManyNodes(mark, limit: nodeLimit)) }
        guard depth < depthLimit else { return .failure(Messages.tooDeep(mark, limit: depthLimit)) }
        switch node {
        case .scalar(let s):
            return .success(.scalar(s.string, plain: s.style == .plain, mark))
        case .sequence(let seq):
            var items: [YAMLValue] = []
            for child in seq {
                switch convert(child, depth: depth + 1, budget: &budget) {
                case .success(let v): items.append(v)
                case .failure(let e): return .failure(e)
                }
            }
            return .success(.sequence(items, mark))
        case .mapping(let map):
            var pairs: [YAMLPair] = []
            for (key, value) in map {
                let keyMark = TestMark(key.mark)
                guard case .scalar(let k) = key else { return .failure(Messages.keyNotText(keyMark)) }
                switch convert(value, depth: depth + 1, budget: &budget) {
                case .success(let v): pairs.append(YAMLPair(key: k.string, keyMark: keyMark, value: v))
                case .failure(let e): return .failure(e)
                }
            }
            return .success(.mapping(pairs, mark))
        case .alias:
            // Yams resolves aliases while composing; an alias node here has no target.
            return .failure(Messages.unresolvedAlias(mark))
        }
    }

    /// The parser's error at its line and column, in its words.
    private static func issue(_ error: YamlError, text: String) -> TestIssue {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var notes: [String] = []
            if let context { notes.append("\(context.text) at \(context.mark.line):\(context.mark.column)") }
            return TestIssue(TestMark(mark), "malformed YAML: \(problem)", notes: notes)
        case .reader(let problem, let offset, _, _):
            let mark = offset.map { position(ofCharacterOffset: $0, in: text) } ?? .start
            return TestIssue(mark, "malformed YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return TestIssue(TestMark(context.mark), "key \(keys) given twice in one mapping")
        default:
            return TestIssue(.start, "malformed YAML: \(error)")
        }
    }

    private static func position(ofCharacterOffset offset: Int, in text: String) -> TestMark {
        var line = 1, column = 1
        for c in text.prefix(offset) {
            if c == "\n" { line += 1; column = 1 } else { column += 1 }
        }
        return TestMark(line: line, column: column)
    }
}
