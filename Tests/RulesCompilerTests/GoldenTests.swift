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
