// LoadedPlaybook.load: the rules and their HOLIDAYS file from disk, where the
// file is looked for, and what a missing or broken file does.

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesLanguage

/// A fresh directory holding `files` (relative path → text); removed by the caller.
func playbookDirectory(_ files: [String: String]) throws -> String {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("holiday-playbook-\(UUID().uuidString)").path
    for (path, text) in files {
        let url = URL(fileURLWithPath: dir + "/" + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return dir
}

let holidayRules = """
    EVENT lead_created
    CALLING HOURS MON-FRI 09:00-20:00
    HOLIDAYS "holidays.txt"

    """

func located(_ p: LoadedPlaybook) -> [String] {
    p.diagnostics.map { "\(($0.file.path as NSString).lastPathComponent):\($0.location): \($0.message) [\($0.code)]" }
}

@Test func aPlaybookDirectoryLoadsItsRulesAndItsHolidays() throws {
    let dir = try playbookDirectory(["a.rules": holidayRules, "holidays.txt": "GB 2026-12-28 Boxing Day\n2026-12-25\n"])
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let p = try LoadedPlaybook.load(directory: dir)
    #expect(p.program != nil && p.diagnostics.isEmpty)
    #expect(p.holidays.byCountry == ["GB": [LocalDate(year: 2026, month: 12, day: 28)]])
    #expect(p.holidays.everywhere == [LocalDate(year: 2026, month: 12, day: 25)])
    #expect(p.holidayFile?.path == dir + "/holidays.txt")
}

@Test func aMissingHolidayFileIsAnErrorAtTheDeclarationAndRefusesThePlaybook() throws {
    let dir = try playbookDirectory(["a.rules": holidayRules])
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let p = try LoadedPlaybook.load(directory: dir)
    #expect(p.program == nil)
    #expect(located(p) == ["a.rules:3:10: cannot read the holidays file '\(dir)/holidays.txt': No such file or directory [E241]"])
    #expect(p.holidays.isEmpty && p.holidayFile == nil)
}

@Test func aHolidayFileThatIsADirectoryIsUnreadable() throws {
    let dir = try playbookDirectory(["a.rules": holidayRules, "holidays.txt/x": ""])
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let p = try LoadedPlaybook.load(directory: dir)
    #expect(p.diagnostics.map(\.code) == ["E241"])
    #expect(p.program == nil)
}

@Test func anErrorInTheHolidayFileRefusesThePlaybookAndAWarningDoesNot() throws {
    let bad = try playbookDirectory(["a.rules": holidayRules, "holidays.txt": "UK 2026-12-28\n"])
    let warned = try playbookDirectory(["a.rules": holidayRules, "holidays.txt": "GB 2026-12-28\nGB 2026-12-28\n"])
    defer { for d in [bad, warned] { try? FileManager.default.removeItem(atPath: d) } }
    let p = try LoadedPlaybook.load(directory: bad)
    #expect(p.program == nil && p.errorCount == 1)
    #expect(located(p) == ["holidays.txt:1:1: 'UK' is not an ISO 3166-1 alpha-2 code; did you mean 'GB' (United Kingdom)? [E240]"])
    let w = try LoadedPlaybook.load(directory: warned)
    #expect(w.program != nil && w.warningCount == 1 && w.errorCount == 0)
}

@Test func theHolidayFileIsRelativeToTheDirectoryArgumentNotTheDeclaringFile() throws {
    let dir = try playbookDirectory(["sub/a.rules": holidayRules, "holidays.txt": "2026-12-25\n"])
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let p = try LoadedPlaybook.load(directory: dir)
    #expect(p.diagnostics.isEmpty && p.holidays.everywhere.count == 1)
    // Named on its own, a rules file's own directory is the playbook directory.
    let alone = try LoadedPlaybook.load([dir + "/sub/a.rules"])
    #expect(alone.diagnostics.map(\.code) == ["E241"])
    #expect(alone.diagnostics.first?.message.contains("'\(dir)/sub/holidays.txt'") == true)
}

@Test func anAbsoluteHolidayPathIsUsedAsItIs() throws {
    let other = try playbookDirectory(["h.txt": "DE 2026-10-03\n"])
    let dir = try playbookDirectory(["a.rules": "EVENT lead_created\nHOLIDAYS \"\(other)/h.txt\"\n"])
    defer { for d in [dir, other] { try? FileManager.default.removeItem(atPath: d) } }
    let p = try LoadedPlaybook.load(directory: dir)
    #expect(p.diagnostics.isEmpty && p.holidays.byCountry["DE"]?.count == 1)
}

@Test func aPlaybookWithoutHolidaysHasAnEmptyCalendarAndRulesErrorsStillReadTheFile() throws {
    let none = try playbookDirectory(["a.rules": "EVENT lead_created\n"])
    let broken = try playbookDirectory(["a.rules": holidayRules + "TIER x WHEN: NURTURE\n", "holidays.txt": "UK 2026-12-28\n"])
    defer { for d in [none, broken] { try? FileManager.default.removeItem(atPath: d) } }
    let p = try LoadedPlaybook.load(directory: none)
    #expect(p.program != nil && p.holidays.isEmpty && p.holidayFile == nil)
    let b = try LoadedPlaybook.load(directory: broken)
    #expect(b.program == nil)
    #expect(b.diagnostics.map(\.code).contains("E240"), "both files are checked in one run: \(located(b))")
}

@Test func aMissingPlaybookDirectoryThrows() {
    #expect(throws: SourceLoader.LoadError.self) { try LoadedPlaybook.load(directory: "/nonexistent/rules") }
}

@Test func theDefaultPlaybookLoadsWithItsShippedHolidays() throws {
    let rules = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../rules").standardized.path
    let p = try LoadedPlaybook.load(directory: rules)
    #expect(p.program?.holidaysPath == "holidays.txt")
    #expect(p.errorCount == 0 && p.diagnostics.allSatisfy { $0.code == "W300" })
    #expect(p.holidays.isHoliday(LocalDate(year: 2026, month: 12, day: 28), country: "GB"))
}

struct SpanCase: Sendable, CustomStringConvertible {
    let text: String
    let days: Int64?
    let milliseconds: Int64
    var description: String { text }
}

let spanCases: [SpanCase] = [
    .init(text: "7d", days: 7, milliseconds: 0),
    .init(text: "2w", days: 14, milliseconds: 0),
    .init(text: "1.5d", days: 1, milliseconds: 43_200_000),
    .init(text: "36h", days: 0, milliseconds: 129_600_000),
    .init(text: "15m", days: 0, milliseconds: 900_000),
    .init(text: "1d + 2h", days: 1, milliseconds: 7_200_000),
    .init(text: "1w - 1d", days: 6, milliseconds: 0),
    .init(text: "event.d", days: nil, milliseconds: 0),
]

@Test(arguments: spanCases)
func aConstantDurationKeepsItsDaysApartFromItsExactPart(_ c: SpanCase) throws {
    let r = compile("EVENT ping(d: DURATION)\nTEMPLATE a EMAIL\nON ping: EMAIL a IN \(c.text)\n")
    let action = try #require(r.program?.triggers.first?.actions.first, "\(lines(r))")
    let span = action.delay
    #expect(span?.days == c.days)
    if c.days != nil { #expect(span?.milliseconds == c.milliseconds) }
}
