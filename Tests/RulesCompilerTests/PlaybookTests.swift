// The default playbook in rules/ must check with no error, and lower into a
// Program that carries the seed's structure.

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesLanguage

/// rules/*.rules of the repository, in sorted file-name order.
func playbookFiles() throws -> [SourceFile] {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../rules").standardized
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".rules") }.sorted()
    return try names.map { try sourceFile(at: dir.appendingPathComponent($0), name: "rules/\($0)") }
}

@Test func defaultPlaybookChecksWithNoErrors() throws {
    let files = try playbookFiles()
    try #require(files.count > 1)
    let r = Compiler.compile(files)
    #expect(r.errorCount == 0, "\(withNotes(r).joined(separator: "\n"))")
    #expect(r.program != nil)
}

@Test func defaultPlaybookLowersTheSeedsStructure() throws {
    let p = try #require(Compiler.compile(try playbookFiles()).program)
    #expect(p.categories.map(\.max) == [50, 30, 20])
    #expect(p.tiers.map(\.action).prefix(2) == [.call(slaMilliseconds: 60_000), .call(slaMilliseconds: 7_200_000)])
    #expect(p.dispositions.keys.sorted() == ["C01", "C02", "C03", "C04", "D01", "N01", "N02", "N03", "V01", "V02"])
    #expect(p.routes.first?.queue == "german_hot_lead_queue")
    #expect(p.routes.filter { $0.dialMode == "predictive_dialer" }.isEmpty)
    #expect(p.callingHours != nil)
    #expect(p.quarantines.first?.holdMilliseconds == 1_800_000)
}
