// Comments and blank lines in places no fixture thought of: every fixture
// and playbook file is rewritten with comments appended to random lines,
// own-line comments at random indentation and extra blank lines inserted
// between random lines (seeded, so a failure reproduces), and each variant
// must still format idempotently, to the same tree, keeping every comment.

import Foundation
import Testing
@testable import RulesLanguage

/// `text` with comments and blank lines sprinkled in; the tree is unchanged
/// (comments and blank lines are layout only, even inside brackets).
private func sprinkleComments(_ text: String, seed: UInt64) -> String {
    var rng = SplitMix64(seed: seed)
    var out: [String] = []
    var n = 0
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
        var line = String(raw)
        if line.hasSuffix("\r") { line.removeLast() }
        let roll = Int.random(in: 0..<100, using: &rng)
        if roll < 8 {
            out.append("")
        } else if roll < 22 {
            n += 1
            out.append(String(repeating: " ", count: [0, 2, 4, 8].randomElement(using: &rng) ?? 0) + "# own \(n)")
        }
        if !line.trimmingCharacters(in: .whitespaces).isEmpty, Int.random(in: 0..<100, using: &rng) < 30 {
            n += 1
            line += " # trailing \(n)"
        }
        out.append(line)
    }
    return out.joined(separator: "\n")
}

@Test(arguments: PrinterFixtures.allInputs())
func formattingIsStableWithCommentsAnywhere(_ c: PrinterFixtures.Case) throws {
    let text = try PrinterFixtures.read(c.input)
    for seed in UInt64(1)...25 {
        let variant = sprinkleComments(text, seed: seed)
        let name = "\(c.name) seed \(seed)"
        let original = PrinterFixtures.parseClean(variant, name)
        let once = Printer.format(original)
        let reparsed = PrinterFixtures.parseClean(once, name + " (formatted)")
        let twice = Printer.format(reparsed)
        #expect(twice == once, "\(name): not idempotent:\n\(PrinterFixtures.lineDiff(once, twice))")
        #expect(ASTDump.dump(reparsed) == ASTDump.dump(original), "\(name): tree changed")
        #expect(reparsed.comments.map(\.text) == original.comments.map(\.text), "\(name): comments changed")
        if twice != once || reparsed.comments.count != original.comments.count { return }
    }
}
