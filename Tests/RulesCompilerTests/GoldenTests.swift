// A plain-text golden of every diagnostic for a file with many problems:
// `file:line:col: severity: message [CODE]` and its notes. Re-record with
// RECORD_GOLDEN=1 swift test --filter multiErrorFileMatchesGolden.

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesLanguage

@Test func multiErrorFileMatchesGolden() throws {
    let source = try sourceFile(at: fixturesURL().appendingPathComponent("golden/multi-error.rules"))
    let got = withNotes(Compiler.compile([source])).joined(separator: "\n") + "\n"
    let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/golden/multi-error.golden")
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
        try got.write(to: golden, atomically: true, encoding: .utf8)
    }
    let want = try String(contentsOf: golden, encoding: .utf8)
    #expect(got == want)
}

// Every documented code, rendered as `rules check` prints it (location,
// message, source line, caret, notes), from the bad example of its section in
// docs/DIAGNOSTICS.md. The example is its own file `CODE.rules` beside the
// document's context file, so line numbers stay small. Re-record with
// RECORD_GOLDEN=1 swift test --filter renderedDiagnostics.
@Test func renderedDiagnosticsOfEveryDocumentedCodeMatchGolden() throws {
    let doc = try DiagnosticsDoc.load()
    let renderer = DiagnosticRenderer(format: .text, maxDiagnostics: 0)
    var rendered: [String] = []
    var covered: Set<String> = []
    for section in doc.sections {
        guard let bad = section.blocks.first(where: { $0.info.hasPrefix("rules") }) else { continue }
        let example = SourceFile(path: "\(section.code).rules", text: bad.text + "\n")
        let sources = bad.info == "rules standalone"
            ? [example] : [SourceFile(path: "context.rules", text: doc.context), example]
        let shown = Compiler.compile(sources).diagnostics.filter { $0.file === example && $0.code == section.code }
        #expect(!shown.isEmpty, "the bad example of \(section.code) does not report \(section.code) in its own file")
        if !shown.isEmpty { covered.insert(section.code) }
        rendered.append(renderer.render(shown))
    }
    #expect(covered.count >= 25)
    let got = rendered.joined(separator: "\n")
    let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/golden/rendered-diagnostics.golden")
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
        try got.write(to: golden, atomically: true, encoding: .utf8)
    }
    let want = try String(contentsOf: golden, encoding: .utf8)
    #expect(got == want)
}
