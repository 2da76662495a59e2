// Fixture files with inline expectations, in the style of Go's
// testdata/*.src: a comment `# ERROR "regex"` or `# WARNING "regex"` on a
// line says that a diagnostic of that severity whose "message [CODE]"
// matches the regex is reported on that line. Every diagnostic must match a
// marker on its line and every marker must be matched.
//
// Fixtures/checks/NAME.rules is compiled alone; Fixtures/checks/NAME/ is a
// playbook of several files compiled together, in sorted file-name order.

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesLanguage

struct Marker: CustomStringConvertible {
    let path: String
    let line: Int
    let severity: Severity
    let pattern: String

    var description: String { "\(path):\(line): \(severity.rawValue.uppercased()) \"\(pattern)\"" }

    func matches(_ d: Diagnostic) -> Bool {
        guard d.file.path == path, d.location.line == line, d.severity == severity,
              let regex = try? Regex(pattern) else { return false }
        return "\(d.message) [\(d.code)]".contains(regex)
    }

    /// The markers in a file's comments.
    static func parse(_ file: SourceFile) -> [Marker] {
        Lexer.tokenize(file).comments.flatMap { comment in
            markers(in: comment.text).map {
                Marker(path: file.path, line: file.line(of: comment.range.start), severity: $0.0, pattern: $0.1)
            }
        }
    }

    /// `ERROR "a" WARNING "b"` → [(.error, "a"), (.warning, "b")]; `\"` escapes a quote.
    static func markers(in text: String) -> [(Severity, String)] {
        var found: [(Severity, String)] = []
        var rest = Substring(text)
        while let keyword = rest.firstRange(of: /(ERROR|WARNING)\s+"/) {
            let severity: Severity = rest[keyword].hasPrefix("ERROR") ? .error : .warning
            var pattern = ""
            var i = keyword.upperBound
            var closed = false
            while i < rest.endIndex {
                let c = rest[i]
                i = rest.index(after: i)
                if c == "\\", i < rest.endIndex, rest[i] == "\"" {
                    pattern.append("\"")
                    i = rest.index(after: i)
                } else if c == "\"" {
                    closed = true
                    break
                } else {
                    pattern.append(c)
                }
            }
            if closed { found.append((severity, pattern)) }
            rest = rest[i...]
        }
        return found
    }
}

/// The fixture cases: single files and directories under Fixtures/checks.
func markerCases() throws -> [String] {
    let dir = try fixturesURL().appendingPathComponent("checks")
    return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
}

func loadCase(_ name: String) throws -> [SourceFile] {
    let url = try fixturesURL().appendingPathComponent("checks").appendingPathComponent(name)
    var isDirectory: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
    guard isDirectory.boolValue else { return [try sourceFile(at: url)] }
    let names = try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".rules") }.sorted()
    return try names.map { try sourceFile(at: url.appendingPathComponent($0), name: "\(name)/\($0)") }
}

@Test(arguments: try markerCases())
func fixtureDiagnosticsMatchTheirMarkers(_ name: String) throws {
    let files = try loadCase(name)
    let markers = files.flatMap(Marker.parse)
    #expect(!markers.isEmpty, "fixture \(name) has no markers")
    let result = Compiler.compile(files)
    for d in result.diagnostics where !markers.contains(where: { $0.matches(d) }) {
        Issue.record("unexpected diagnostic: \(line(d))")
    }
    for m in markers where !result.diagnostics.contains(where: { m.matches($0) }) {
        Issue.record("no diagnostic matches \(m)")
    }
}

@Test func markerParserReadsSeveralMarkersAndEscapedQuotes() {
    let found = Marker.markers(in: #" ERROR "undefined name 'x'" WARNING "is \"UK\"" trailing"#)
    #expect(found.map(\.0) == [.error, .warning])
    #expect(found.map(\.1) == ["undefined name 'x'", #"is "UK""#])
}
