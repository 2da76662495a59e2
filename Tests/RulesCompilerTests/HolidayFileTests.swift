// The holiday file reader: which lines make which holidays, and which
// findings bad lines give (docs/LOCAL-TIME.md, docs/DIAGNOSTICS.md E238-E240,
// W316). Re-record the rendered golden with
// RECORD_GOLDEN=1 swift test --filter holidayFileDiagnosticsMatchGolden.

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesLanguage

func holidays(_ text: String) -> HolidayFile.Result {
    HolidayFile.parse(SourceFile(path: "holidays.txt", text: text))
}

func findingLines(_ r: HolidayFile.Result) -> [String] {
    r.diagnostics.map { "\($0.location): \($0.severity.rawValue): \($0.message) [\($0.code)]" }
}

struct HolidayLineCase: Sendable, CustomStringConvertible {
    let line: String
    /// `CC DATE` or `DATE` of the holiday the line makes, nil when none.
    let holiday: String?
    /// Codes of the findings.
    let codes: [String]
    var description: String { line.isEmpty ? "(blank)" : line }
}

let holidayLines: [HolidayLineCase] = [
    .init(line: "2026-12-25", holiday: "2026-12-25", codes: []),
    .init(line: "2026-12-25 Christmas Day", holiday: "2026-12-25", codes: []),
    .init(line: "GB 2026-12-28 Boxing Day (substitute)", holiday: "GB 2026-12-28", codes: []),
    .init(line: "  DE\t2026-10-03   Tag der Deutschen Einheit  ", holiday: "DE 2026-10-03", codes: []),
    .init(line: "AU 2026-01-26 # Australia Day", holiday: "AU 2026-01-26", codes: []),
    .init(line: "2028-02-29 leap day", holiday: "2028-02-29", codes: []),
    .init(line: "# GB 2026-12-25", holiday: nil, codes: []),
    .init(line: "", holiday: nil, codes: []),
    .init(line: "   ", holiday: nil, codes: []),
    .init(line: "UK 2026-12-28", holiday: nil, codes: ["E240"]),
    .init(line: "gb 2026-12-28", holiday: nil, codes: ["E240"]),
    .init(line: "XX 2026-12-28", holiday: nil, codes: ["E240"]),
    .init(line: "Germany 2026-10-03", holiday: nil, codes: ["E240"]),
    .init(line: "UK 2026-02-30", holiday: nil, codes: ["E240", "E239"]),
    .init(line: "2026-02-29", holiday: nil, codes: ["E239"]),
    .init(line: "2026-13-01", holiday: nil, codes: ["E239"]),
    .init(line: "2026-04-31", holiday: nil, codes: ["E239"]),
    .init(line: "2026-00-10", holiday: nil, codes: ["E239"]),
    .init(line: "25/12/2026", holiday: nil, codes: ["E238"]),
    .init(line: "2026-1-5", holiday: nil, codes: ["E238"]),
    .init(line: "20261225", holiday: nil, codes: ["E238"]),
    .init(line: "GB 2026-12-25x", holiday: nil, codes: ["E238"]),
    .init(line: "Christmas 2026", holiday: nil, codes: ["E240", "E238"]),
    .init(line: "Christmas Day", holiday: nil, codes: ["E238"]),
    .init(line: "GB", holiday: nil, codes: ["E238"]),
]

@Test(arguments: holidayLines)
func aHolidayLineMakesItsHolidayOrItsFindings(_ c: HolidayLineCase) {
    let r = holidays(c.line + "\n")
    #expect(r.diagnostics.map(\.code) == c.codes, "\(findingLines(r))")
    var made: [String] = r.calendar.everywhere.map(\.description)
    for (country, dates) in r.calendar.byCountry { made += dates.map { "\(country) \($0)" } }
    #expect(made == (c.holiday.map { [$0] } ?? []))
}

@Test func everyCountryAndPerCountryHolidaysAreKeptApart() throws {
    let r = holidays("""
        # the floor
        2026-12-25 Christmas Day (floor closed)
        GB 2026-12-28 Boxing Day (substitute day)
        DE 2026-12-26 Zweiter Weihnachtstag
        AT 2026-10-26 Nationalfeiertag

        """)
    #expect(r.diagnostics.isEmpty)
    let christmas = LocalDate(year: 2026, month: 12, day: 25)
    let boxing = LocalDate(year: 2026, month: 12, day: 28)
    #expect(r.calendar.isHoliday(christmas, country: "GB") && r.calendar.isHoliday(christmas, country: nil))
    #expect(r.calendar.isHoliday(boxing, country: "GB"))
    #expect(r.calendar.isHoliday(boxing, country: "gb"), "the lead's country in any case")
    #expect(!r.calendar.isHoliday(boxing, country: "DE"))
    #expect(!r.calendar.isHoliday(boxing, country: nil))
    #expect(r.calendar.name(of: boxing, country: "GB") == "Boxing Day (substitute day)")
    #expect(r.calendar.name(of: christmas, country: "FR") == "Christmas Day (floor closed)")
}

@Test func aDuplicateLineIsAWarningAtTheSecondAndKeepsTheFirst() {
    let r = holidays("GB 2026-12-25 Christmas\n2026-12-25\nGB 2026-12-25 again\n2026-12-25 again\n")
    #expect(findingLines(r) == [
        "3:1: warning: holiday GB 2026-12-25 is already listed at line 1 [W316]",
        "4:1: warning: holiday 2026-12-25 for every country is already listed at line 2 [W316]",
    ])
    #expect(r.calendar.name(of: LocalDate(year: 2026, month: 12, day: 25), country: "GB") == "Christmas")
}

@Test func everyBadLineIsReportedAndTheGoodOnesStillCount() {
    let r = holidays("UK 2026-12-28\nGB 2026-12-28\n2026-02-30\nDE 2026-10-03\n")
    #expect(r.diagnostics.map(\.code) == ["E240", "E239"])
    #expect(r.errorCount == 2)
    #expect(r.calendar.byCountry == ["GB": [LocalDate(year: 2026, month: 12, day: 28)],
                                     "DE": [LocalDate(year: 2026, month: 10, day: 3)]])
}

@Test func aByteOrderMarkCarriageReturnsAndNoFinalNewlineAreRead() {
    let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("GB 2026-12-25\r\n2027-01-01 New Year".utf8)
    let r = HolidayFile.parse(SourceFile(path: "h.txt", bytes: bytes))
    #expect(r.diagnostics.isEmpty)
    #expect(r.calendar.everywhere == [LocalDate(year: 2027, month: 1, day: 1)])
    #expect(r.calendar.names[.init(country: nil, date: LocalDate(year: 2027, month: 1, day: 1))] == "New Year")
}

@Test func ukGetsADidYouMeanGBWithTheReason() throws {
    let d = try #require(holidays("UK 2026-12-28 Boxing Day\n").diagnostics.first)
    #expect(d.message == "'UK' is not an ISO 3166-1 alpha-2 code; did you mean 'GB' (United Kingdom)?")
    #expect(d.notes == ["the United Kingdom's ISO code is GB; UK is reserved but not assigned"])
    #expect(d.location.description == "1:1" && d.range.end - d.range.start == 2)
}

@Test func theShippedHolidayFileIsCleanAndHasTheSubstituteDays() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../rules/holidays.txt").standardized
    let r = HolidayFile.parse(SourceFile(path: "rules/holidays.txt", bytes: Array(try Data(contentsOf: url))))
    #expect(findingLines(r) == [])
    let gb = try #require(r.calendar.byCountry["GB"])
    // gov.uk: Boxing Day 2026 and Christmas and Boxing Day 2027 are substitute days.
    for d in ["2026-12-28", "2027-12-27", "2027-12-28", "2026-04-03", "2026-04-06", "2027-03-26", "2027-03-29"] {
        #expect(gb.contains(try #require(LocalDate(iso: d))), "GB \(d)")
    }
    #expect(Set(r.calendar.byCountry.keys).isSuperset(of: ["GB", "DE", "AU"]))
    #expect(r.calendar.byCountry["DE"]?.contains(LocalDate(year: 2026, month: 5, day: 14)) == true, "Ascension")
    #expect(r.calendar.byCountry["AT"]?.contains(LocalDate(year: 2026, month: 4, day: 3)) == false,
            "Good Friday is not an Austrian public holiday")
}

@Test func holidayFileDiagnosticsMatchGolden() throws {
    let r = holidays("""
        # a holiday file with one of each mistake
        2026-12-25 Christmas Day
        UK 2026-12-28 Boxing Day (substitute day)
        GB 25/12/2026 Christmas Day
        DE 2027-02-29 Leap day
        Christmas Day
        AT
        2026-12-25 Christmas again

        """)
    let got = DiagnosticRenderer(format: .text, maxDiagnostics: 0).render(r.diagnostics)
    let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/golden/holidays.golden")
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
        try got.write(to: golden, atomically: true, encoding: .utf8)
    }
    let want = try String(contentsOf: golden, encoding: .utf8)
    #expect(got == want)
}
