// The playbook a test file runs against: `rules:` (relative to the test
// file) or, by default, the test file's directory or its parent, whichever
// first holds *.rules files (rules/tests/*.yaml test rules/); `files:`
// keeps only some of its files. Compiled once per run for all the test
// files that name the same rules.

import Foundation
import RulesCompiler
import RulesEngine
import RulesLanguage

/// A compiled playbook, ready to build engines from.
public struct Playbook: Sendable {
    /// The directory (or file) as the user sees it, e.g. `rules`.
    public let path: String
    public let program: Program
    public let compiled: CompiledProgram
    /// The playbook's HOLIDAYS file, read by `LoadedPlaybook.load`.
    public let holidays: HolidayCalendar

    public var engine: Engine { Engine(compiled: compiled, holidays: holidays) }
}

/// Why a playbook could not be used: issues in the test file, and the
/// compiler's diagnostics when the rules do not compile.
public struct PlaybookFailure: Error, Sendable {
    public var issues: [TestIssue]
    public var diagnostics: [Diagnostic] = []
    public var dropped = 0
}

/// Finds, loads and compiles playbooks, remembering each one.
public final class PlaybookCache: @unchecked Sendable {
    // One run uses it from one task; the class only shares the memo.
    private var memo: [[String]: Result<Playbook, PlaybookFailure>] = [:]

    public init() {}

    /// The playbook of `file`.
    public func playbook(for file: TestFile) -> Result<Playbook, PlaybookFailure> {
        let directory = PathText.directory(of: file.path)
        let root: String
        let mark = file.rules?.mark ?? .start
        if let rules = file.rules {
            root = PathText.normalize(rules.value.hasPrefix("/") ? rules.value : PathText.join(directory, rules.value))
        } else if let found = Self.nearestPlaybook(from: directory) {
            root = found
        } else {
            return .failure(PlaybookFailure(issues: [Messages.noPlaybook(directory).at(file.path)]))
        }
        let all: [String]
        do {
            all = try SourceLoader.expand([root])
        } catch {
            return .failure(PlaybookFailure(issues: [Messages.rulesNotFound(error.description, mark).at(file.path)]))
        }
        var chosen = all
        if !file.files.isEmpty {
            var issues = IssueList()
            chosen = []
            let names = all.map { PathText.relative($0, to: root) }
            for name in file.files {
                if let i = names.firstIndex(of: PathText.normalize(name.value)) {
                    chosen.append(all[i])
                } else {
                    issues.add(Messages.unknownRuleFile(name.value, directory: root, among: names, name.mark))
                }
            }
            guard issues.isEmpty else { return .failure(PlaybookFailure(issues: issues.sorted(path: file.path))) }
        }
        let key = [root] + chosen
        if let known = memo[key] { return known.mapError { failure in Self.relocated(failure, to: file.path) } }
        let result = Self.compile(chosen, root: root, mark: mark, testPath: file.path)
        memo[key] = result
        return result
    }

    /// The issues of a cached failure, pointed at another test file.
    private static func relocated(_ failure: PlaybookFailure, to path: String) -> PlaybookFailure {
        var copy = failure
        copy.issues = failure.issues.map { $0.at(path) }
        copy.diagnostics = []  // printed once, with the first file that used these rules
        copy.dropped = 0
        return copy
    }

    private static func compile(_ paths: [String], root: String, mark: TestMark,
                                testPath: String) -> Result<Playbook, PlaybookFailure> {
        // The one loader every command uses: the rules and their HOLIDAYS file.
        let loaded: LoadedPlaybook
        do {
            loaded = try LoadedPlaybook.load(paths)
        } catch {
            return .failure(PlaybookFailure(issues: [Messages.rulesNotFound(error.description, mark).at(testPath)]))
        }
        guard let program = loaded.program, loaded.errorCount == 0 else {
            let errors = loaded.diagnostics.filter { $0.severity == .error }
            return .failure(PlaybookFailure(
                issues: [Messages.rulesDoNotCompile(root, errors: loaded.errorCount, mark).at(testPath)],
                diagnostics: errors, dropped: loaded.dropped))
        }
        return .success(Playbook(path: root, program: program, compiled: CompiledProgram(program: program),
                                 holidays: loaded.holidays))
    }

    /// The test file's directory, or else its parent, when it has *.rules
    /// files directly in it. No further: a search up the tree could pick
    /// up an unrelated directory of rules far from the tests.
    static func nearestPlaybook(from directory: String) -> String? {
        for candidate in [directory, PathText.normalize(PathText.join(directory, ".."))] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: candidate)) ?? []
            if entries.contains(where: { $0.hasSuffix(SourceLoader.fileExtension) && !$0.hasPrefix(".") }) {
                return candidate
            }
        }
        return nil
    }
}

/// Relative path arithmetic that keeps paths as the user wrote them
/// (`rules/tests/../` is shown as `rules`, not as an absolute path).
enum PathText {
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    static func join(_ a: String, _ b: String) -> String {
        a.hasSuffix("/") ? a + b : a + "/" + b
    }

    /// Drops `.` and resolves `..` against the components before it.
    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == "..", absolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// `path` relative to `root` when it lies under it.
    static func relative(_ path: String, to root: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
