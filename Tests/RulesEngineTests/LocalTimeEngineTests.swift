// The engine's local-time behaviour end to end: durations in days keep the
// lead's wall-clock time across DST while hours are exact, and NEXT BUSINESS
// DAY passes over weekends and the holidays of the lead's own country (and
// of every country), in the lead's zone, across a DST change.

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesEngine
import RulesLanguage

/// The vocabulary playbook of EngineSemanticsTests with `rules` and a holiday calendar.
func localTimeEngine(_ rules: String, holidays: HolidayCalendar = .none) throws -> Engine {
    Engine(compiled: try engine(vocabulary + rules).compiled, holidays: holidays)
}

/// A warm lead living in `zone`, of `country` (nil: none given).
func localLead(_ e: Engine, zone: String, country: String?) -> Driver {
    var d = Driver(e)
    d.send("lead_created", at: monday, capture([
        "source": .string("warm"), "timezone": .string(zone), "country": country.map(Value.string) ?? .missing,
    ]))
    return d
}

/// rules/holidays.txt as shipped.
func shippedHolidays() throws -> HolidayCalendar {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../rules/holidays.txt").standardized
    let parsed = HolidayFile.parse(SourceFile(path: "rules/holidays.txt", bytes: Array(try Data(contentsOf: url))))
    #expect(parsed.diagnostics.isEmpty)
    return parsed.calendar
}

@Test func callbackInSevenDaysIsTheSameLocalTimeAWeekLaterAcrossTheChange() throws {
    let e = try localTimeEngine("ON ping: CALLBACK IN 7d\nON pong: CALLBACK IN 168h\n")
    var d = localLead(e, zone: "Europe/Berlin", country: "DE")
    // Friday 27 March 10:00 CET; Berlin moves to CEST on Sunday 29 March.
    let days = d.send("ping", at: "2026-03-27T09:00:00Z")
    #expect(days.tasks(.dial).map { iso($0.due) } == ["2026-04-03T08:00:00Z"], "10:00 CEST")
    #expect(days.tasks(.dial).first?.reason == "ON ping: CALLBACK IN 7d (local days across a DST change: 167h elapsed)")
    let hours = d.send("pong", at: "2026-03-27T09:00:00Z")
    #expect(hours.tasks(.dial).map { iso($0.due) } == ["2026-04-03T09:00:00Z"], "168 hours exactly: 11:00 CEST")
}

@Test func retryInAWeekAndEmailsEveryWeekKeepTheWallClock() throws {
    let e = try localTimeEngine("""
        ON ping: EMAIL a, b, c EVERY 1w
        ON pong: RETRY IN 1w
        ON call_outcome: EMAIL a IN 1d

        """)
    var d = localLead(e, zone: "America/New_York", country: nil)
    // Friday 6 March 10:00 EST; New York moves to EDT on Sunday 8 March.
    let emails = d.send("ping", at: "2026-03-06T15:00:00Z")
    #expect(emails.tasks(.email).map { iso($0.due) }
            == ["2026-03-06T15:00:00Z", "2026-03-13T14:00:00Z", "2026-03-20T14:00:00Z"])
    let retry = d.send("pong", at: "2026-03-06T15:00:00Z")
    #expect(retry.tasks(.dial).map { iso($0.due) } == ["2026-03-13T14:00:00Z"])
    // Saturday 7 March 10:00 EST plus a day: Sunday 10:00 EDT (emails keep no calling hours).
    let next = d.send("call_outcome", at: "2026-03-07T15:00:00Z", ["code": .string("X")])
    #expect(next.tasks(.email).map { iso($0.due) } == ["2026-03-08T14:00:00Z"])
}

struct BusinessDayCase: Sendable, CustomStringConvertible {
    let zone: String
    let country: String?
    let from: String
    let expected: String
    let why: String
    var description: String { "\(zone) \(country ?? "no country"): \(why)" }
}

let shippedCalendarCases: [BusinessDayCase] = [
    BusinessDayCase(zone: "Australia/Sydney", country: "AU", from: "2026-04-02T01:00:00Z",
                    expected: "2026-04-06T23:00:00Z",
                    why: "Thursday before Easter: Good Friday, the weekend of the change, Easter Monday; Tuesday 09:00 AEST"),
    BusinessDayCase(zone: "Europe/Vienna", country: "AT", from: "2026-10-23T08:00:00Z",
                    expected: "2026-10-27T08:00:00Z",
                    why: "Friday; the weekend of the change; Monday 26 October is Austria's national day: Tuesday 09:00 CET"),
    BusinessDayCase(zone: "Europe/Berlin", country: "DE", from: "2026-10-23T08:00:00Z",
                    expected: "2026-10-26T08:00:00Z",
                    why: "Austria's national day is not Germany's: Monday 09:00 CET"),
    BusinessDayCase(zone: "Europe/Vienna", country: nil, from: "2026-10-23T08:00:00Z",
                    expected: "2026-10-26T08:00:00Z",
                    why: "a lead of no known country keeps only every country's holidays"),
    BusinessDayCase(zone: "Europe/London", country: "GB", from: "2026-12-24T10:00:00Z",
                    expected: "2026-12-29T09:00:00Z",
                    why: "Christmas, the weekend, Boxing Day's substitute Monday: Tuesday 09:00 GMT"),
    BusinessDayCase(zone: "Europe/Paris", country: "FR", from: "2026-12-24T10:00:00Z",
                    expected: "2026-12-28T08:00:00Z",
                    why: "no French list, but the floor's every-country Christmas: Monday 09:00 CET"),
]

@Test(arguments: shippedCalendarCases)
func nextBusinessDayPassesOverTheLeadsCountrysHolidays(_ c: BusinessDayCase) throws {
    let e = try localTimeEngine("ON ping: CALLBACK NEXT BUSINESS DAY\n", holidays: try shippedHolidays())
    var d = localLead(e, zone: c.zone, country: c.country)
    let r = d.send("ping", at: at(c.from))
    #expect(r.tasks(.dial).map { iso($0.due) } == [c.expected])
}

@Test func nextBusinessDayCrossesAHolidayAWeekendAndTheChangeInLondonAndNewYork() throws {
    var test = HolidayCalendar()
    test.add(LocalDate(year: 2026, month: 10, day: 26), country: "GB", name: "a holiday of the test calendar")
    test.add(LocalDate(year: 2026, month: 11, day: 2), country: "US", name: "a holiday of the test calendar")
    let e = try localTimeEngine("ON ping: CALLBACK NEXT BUSINESS DAY\n", holidays: test)
    // Friday 23 October 15:00 BST; GMT from Sunday; Monday is a GB holiday.
    var london = localLead(e, zone: "Europe/London", country: "GB")
    #expect(london.send("ping", at: "2026-10-23T14:00:00Z").tasks(.dial).map { iso($0.due) }
            == ["2026-10-27T09:00:00Z"])
    // Friday 30 October 15:00 EDT; EST from Sunday 1 November; Monday a US holiday.
    var newYork = localLead(e, zone: "America/New_York", country: "US")
    #expect(newYork.send("ping", at: "2026-10-30T19:00:00Z").tasks(.dial).map { iso($0.due) }
            == ["2026-11-03T14:00:00Z"])
    // The GB holiday is not a US one.
    var otherNewYork = localLead(e, zone: "America/New_York", country: "GB")
    #expect(otherNewYork.send("ping", at: "2026-10-30T19:00:00Z").tasks(.dial).map { iso($0.due) }
            == ["2026-11-02T14:00:00Z"])
}

@Test func theOldSetOfDatesStillMeansHolidaysOfEveryCountry() throws {
    let dates: Set<LocalDate> = [LocalDate(year: 2026, month: 3, day: 24)]
    let e = Engine(compiled: try engine(vocabulary + "ON ping: CALLBACK NEXT BUSINESS DAY\n").compiled, holidays: dates)
    #expect(e.calendar.holidays.everywhere == dates)
    #expect(e.calendar.isBusinessDay(LocalDate(year: 2026, month: 3, day: 25), country: "GB"))
    #expect(!e.calendar.isBusinessDay(LocalDate(year: 2026, month: 3, day: 24), country: "GB"))
    #expect(!e.calendar.isBusinessDay(LocalDate(year: 2026, month: 3, day: 28), country: nil), "a Saturday")
}
