// Helpers shared by the checker tests: compile text or fixture files and
// render diagnostics as `file:line:col: severity: message [CODE]`.

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesLanguage

/// The Fixtures directory copied into the test bundle.
func fixturesURL() throws -> URL {
    try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
}

func sourceFile(at url: URL, name: String? = nil) throws -> SourceFile {
    SourceFile(path: name ?? url.lastPathComponent, bytes: Array(try Data(contentsOf: url)))
}

/// Compiles one file of text.
func compile(_ text: String, path: String = "test.rules") -> CompileResult {
    Compiler.compile([SourceFile(path: path, text: text)])
}

/// Compiles several files given as (path, text), in that order.
func compile(files: [(String, String)]) -> CompileResult {
    Compiler.compile(files.map { SourceFile(path: $0.0, text: $0.1) })
}

/// `file:line:col: severity: message [CODE]` — the first line of the rendered form.
func line(_ d: Diagnostic) -> String {
    "\(d.file.path):\(d.location): \(d.severity.rawValue): \(d.message) [\(d.code)]"
}

func lines(_ r: CompileResult) -> [String] { r.diagnostics.map(line) }

func codes(_ r: CompileResult) -> [String] { r.diagnostics.map(\.code) }

/// The diagnostics with their notes, for tests that pin a note down.
func withNotes(_ r: CompileResult) -> [String] {
    r.diagnostics.flatMap { [line($0)] + $0.notes.map { "  note: \($0)" } }
}
