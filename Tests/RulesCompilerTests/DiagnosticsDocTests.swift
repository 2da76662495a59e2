// docs/DIAGNOSTICS.md is checked, not just written: every code has a
// section, and each section's bad example gives its code while its fixed
// example gives no diagnostic at all. Examples in ```rules blocks are
// appended to the document's ```rules context block; ```rules standalone
// blocks are compiled alone; ```text blocks are illustrations only.

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesLanguage

struct DocSection: CustomTestStringConvertible, Sendable {
    let code: String
    /// (fence info, text) of each fenced block, in order.
    var blocks: [(info: String, text: String)] = []
    var testDescription: String { code }
}

struct DiagnosticsDoc {
    var context = ""
    var sections: [DocSection] = []

    static func load() throws -> DiagnosticsDoc {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../docs/DIAGNOSTICS.md").standardized
        var doc = DiagnosticsDoc()
        var fence: (info: String, lines: [String])?
        for line in try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n") {
            if var open = fence {
                if line.hasPrefix("```") {
                    let text = open.lines.joined(separator: "\n")
                    if open.info == "rules context" {
                        doc.context = text + "\n"
                    } else if !doc.sections.isEmpty {
                        doc.sections[doc.sections.count - 1].blocks.append((open.info, text))
                    }
                    fence = nil
                } else {
                    open.lines.append(line)
                    fence = open
                }
            } else if line.hasPrefix("```") {
                fence = (String(line.dropFirst(3)), [])
            } else if line.hasPrefix("### "), let code = line.split(separator: " ").dropFirst().first {
                doc.sections.append(DocSection(code: String(code)))
            }
        }
        return doc
    }
}

private let allCodes: Set<String> = Set(
    (1...9).map { "E00\($0)" } + [100, 101, 102, 103, 104, 106, 107, 108].map { "E\($0)" }
        + (200...241).map { "E\($0)" } + (300...316).map { "W\($0)" })

@Test func diagnosticsDocHasOneSectionPerCode() throws {
    let doc = try DiagnosticsDoc.load()
    #expect(Set(doc.sections.map(\.code)) == allCodes)
    #expect(doc.sections.count == allCodes.count)
    #expect(!doc.context.isEmpty)
    #expect(lines(compile(doc.context)) == [])
}

@Test(arguments: try DiagnosticsDoc.load().sections)
func diagnosticsDocExamplesGiveTheirCode(_ section: DocSection) throws {
    let doc = try DiagnosticsDoc.load()
    let examples = section.blocks.filter { $0.info.hasPrefix("rules") || $0.info == "text" || $0.info == "holidays" }
    try #require(examples.count == 2, "\(section.code) needs a bad and a fixed example")
    if examples[0].info == "holidays" {  // the lines of a holiday file, read alone
        func findings(_ text: String) -> [Diagnostic] {
            HolidayFile.parse(SourceFile(path: "holidays.txt", text: text + "\n")).diagnostics
        }
        let bad = findings(examples[0].text)
        #expect(bad.map(\.code).contains(section.code), "bad example of \(section.code) gave \(bad.map(\.message))")
        #expect(findings(examples[1].text).isEmpty, "fixed example of \(section.code)")
        return
    }
    guard examples[0].info.hasPrefix("rules") else { return }  // an illustration only (E008, E107, E241)
    func source(_ block: (info: String, text: String)) -> String {
        block.info == "rules standalone" ? block.text : doc.context + block.text
    }
    let bad = compile(source(examples[0]))
    #expect(codes(bad).contains(section.code), "bad example of \(section.code) gave \(lines(bad))")
    let fixed = compile(source(examples[1]))
    #expect(lines(fixed) == [], "fixed example of \(section.code)")
}
