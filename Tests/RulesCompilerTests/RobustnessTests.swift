// The checker must survive any AST the parser can produce: every fixture
// with each line deleted, truncated, and mutated at random (seeded, so a
// failure reproduces). A compile returns a Program exactly when it found no
// error, and every diagnostic points inside its file.

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesLanguage

private func fixtureTexts() throws -> [String] {
    let root = try fixturesURL()
    var texts = [prelude]
    let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
    while let url = enumerator?.nextObject() as? URL {
        if url.pathExtension == "rules" { texts.append(try String(contentsOf: url, encoding: .utf8)) }
    }
    return texts
}

private func expectConsistent(_ text: String) {
    let file = SourceFile(path: "fuzz.rules", text: text)
    let r = Compiler.compile([file])
    #expect((r.program == nil) == (r.errorCount > 0), "program/error mismatch for:\n\(text)")
    for d in r.diagnostics where d.range.start > file.bytes.count || d.range.end > file.bytes.count {
        Issue.record("diagnostic outside its file: \(line(d))")
    }
}

@Test func checkerSurvivesEveryLineDeleted() throws {
    for text in try fixtureTexts() {
        let fileLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for i in fileLines.indices {
            var copy = fileLines
            copy.remove(at: i)
            expectConsistent(copy.joined(separator: "\n"))
        }
    }
}

@Test func checkerSurvivesSeededMutations() throws {
    var rng = SplitMix64(seed: 2026)
    let alphabet = Array(":()[]\"-=><+\n    #x9.,;?_ANDORNOTINevent.".utf8)
    for text in try fixtureTexts() {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { continue }
        for _ in 0..<100 {
            var copy = bytes
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0..<copy.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: copy[at] = alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]
                case 1: copy.remove(at: at)
                default: copy.insert(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)], at: at)
                }
                if copy.isEmpty { break }
            }
            expectConsistent(String(decoding: copy, as: UTF8.self))
        }
    }
}
