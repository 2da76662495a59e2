// Calling hours and business days in real zones, across the 2026 DST
// changes: Europe (29 March, 25 October), the United States (8 March) and
// Sydney (5 April back to standard time, 4 October to summer time). The
// expected instants are written in UTC, worked out by hand from each
// zone's offset on that date.

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesEngine

/// The default playbook's hours: MON-FRI 09:00-20:00, SAT 10:00-14:00; business days MON-FRI.
let floorHours = CallingCalendar(
    windows: [.monday: [540..<1200], .tuesday: [540..<1200], .wednesday: [540..<1200], .thursday: [540..<1200],
              .friday: [540..<1200], .saturday: [600..<840]],
    businessDays: [.monday, .tuesday, .wednesday, .thursday, .friday])

func zone(_ id: String) throws -> TimeZone { try #require(TimeZone(identifier: id)) }

struct OpeningCase: Sendable, CustomStringConvertible {
    let zone: String
    let from: String
    let expected: String
    let why: String
    var description: String { "\(zone) \(from): \(why)" }
}

let openingCases: [OpeningCase] = [
    // London: GMT until Sunday 29 March 2026 01:00 UTC, then BST (UTC+1).
    OpeningCase(zone: "Europe/London", from: "2026-03-27T20:30:00Z", expected: "2026-03-28T10:00:00Z",
                why: "Friday evening after 20:00 waits for Saturday 10:00 GMT"),
    OpeningCase(zone: "Europe/London", from: "2026-03-28T14:00:00Z", expected: "2026-03-30T08:00:00Z",
                why: "Saturday's window ends at 14:00; Monday 09:00 is BST, 08:00 UTC"),
    OpeningCase(zone: "Europe/London", from: "2026-03-30T08:30:00Z", expected: "2026-03-30T08:30:00Z",
                why: "08:30 UTC on the Monday after the change is 09:30 BST: open"),
    OpeningCase(zone: "Europe/London", from: "2026-03-30T07:30:00Z", expected: "2026-03-30T08:00:00Z",
                why: "08:30 BST is before the window"),
    // Berlin: CET (UTC+1), CEST (UTC+2) from 29 March to 25 October 2026.
    OpeningCase(zone: "Europe/Berlin", from: "2026-03-28T14:00:00Z", expected: "2026-03-30T07:00:00Z",
                why: "Saturday 15:00 CET is after the window; Monday 09:00 CEST is 07:00 UTC"),
    OpeningCase(zone: "Europe/Berlin", from: "2026-10-24T12:00:00Z", expected: "2026-10-26T08:00:00Z",
                why: "Saturday 14:00 CEST ends the window (end exclusive); Monday 09:00 CET is 08:00 UTC"),
    OpeningCase(zone: "Europe/Berlin", from: "2026-10-23T19:00:00Z", expected: "2026-10-24T08:00:00Z",
                why: "Friday 21:00 CEST waits for Saturday 10:00 CEST"),
    OpeningCase(zone: "Europe/Berlin", from: "2026-10-23T17:59:59Z", expected: "2026-10-23T17:59:59Z",
                why: "19:59:59 CEST is still inside the window"),
    // New York: EST (UTC-5) until Sunday 8 March 2026, then EDT (UTC-4).
    OpeningCase(zone: "America/New_York", from: "2026-03-07T01:00:00Z", expected: "2026-03-07T15:00:00Z",
                why: "Friday 20:00 EST is closed; Saturday 10:00 EST is 15:00 UTC"),
    OpeningCase(zone: "America/New_York", from: "2026-03-07T19:00:00Z", expected: "2026-03-09T13:00:00Z",
                why: "Saturday 14:00 EST; Monday 09:00 EDT is 13:00 UTC"),
    OpeningCase(zone: "America/New_York", from: "2026-03-08T07:30:00Z", expected: "2026-03-09T13:00:00Z",
                why: "Sunday 03:30 EDT, in the night of the change: nothing on Sunday"),
    // Sydney: AEDT (UTC+11) until Sunday 5 April 2026 03:00, then AEST (UTC+10);
    // AEDT again from Sunday 4 October 2026.
    OpeningCase(zone: "Australia/Sydney", from: "2026-04-04T03:00:00Z", expected: "2026-04-05T23:00:00Z",
                why: "Saturday 14:00 AEDT; Monday 09:00 AEST is Sunday 23:00 UTC"),
    OpeningCase(zone: "Australia/Sydney", from: "2026-10-03T04:30:00Z", expected: "2026-10-04T22:00:00Z",
                why: "Saturday 14:30 AEST; Monday 09:00 AEDT is Sunday 22:00 UTC"),
    OpeningCase(zone: "Australia/Sydney", from: "2026-04-05T22:30:00Z", expected: "2026-04-05T23:00:00Z",
                why: "Monday 08:30 AEST waits half an hour"),
]

@Test(arguments: openingCases)
func nextOpeningIsTheLocalWallClockWindowStartAcrossDaylightSavingChanges(_ c: OpeningCase) throws {
    let opening = floorHours.nextOpening(atOrAfter: at(c.from), in: try zone(c.zone))
    #expect(opening.map(iso) == c.expected)
}

@Test func isOpenFollowsTheWallClockNotAFixedOffset() throws {
    let london = try zone("Europe/London")
    // 08:30 UTC is 08:30 GMT on Friday 27 March (closed) and 09:30 BST on Monday 30 March (open).
    #expect(!floorHours.isOpen(at("2026-03-27T08:30:00Z"), in: london))
    #expect(floorHours.isOpen(at("2026-03-30T08:30:00Z"), in: london))
    // The end of a window is not in it, the start is.
    let berlin = try zone("Europe/Berlin")
    #expect(floorHours.isOpen(at("2026-03-23T08:00:00Z"), in: berlin))
    #expect(!floorHours.isOpen(at("2026-03-23T19:00:00Z"), in: berlin))
    #expect(!floorHours.isOpen(at("2026-03-29T11:00:00Z"), in: berlin), "no window on Sunday")
}

@Test func nextBusinessDaySkipsTheWeekendAndHolidaysAndStartsAtTheFirstWindow() throws {
    let sydney = try zone("Australia/Sydney")
    // Friday 3 April 2026 16:00 AEDT: Monday 6 April 09:00 AEST (the change is between).
    #expect(floorHours.nextBusinessDayOpening(after: at("2026-04-03T05:00:00Z"), in: sydney).map(iso)
            == "2026-04-05T23:00:00Z")
    // With Easter Monday as a holiday, Tuesday.
    let easter = CallingCalendar(windows: floorHours.windows, businessDays: floorHours.businessDays,
                                 holidays: [LocalDate(year: 2026, month: 4, day: 6)])
    #expect(easter.nextBusinessDayOpening(after: at("2026-04-03T05:00:00Z"), in: sydney).map(iso)
            == "2026-04-06T23:00:00Z")
    // Monday 09:30 in New York: Tuesday 09:00 EDT.
    #expect(floorHours.nextBusinessDayOpening(after: at("2026-03-09T13:30:00Z"), in: try zone("America/New_York"))
        .map(iso) == "2026-03-10T13:00:00Z")
}

@Test func theLocalDateOfAnInstantIsTakenInTheLeadsZone() throws {
    // 23:30 UTC on Sunday 5 April is already Monday 09:30 in Sydney.
    let instant = at("2026-04-05T23:30:00Z")
    #expect(CallingCalendar.localDate(of: instant, in: try zone("Australia/Sydney")).description == "2026-04-06")
    #expect(CallingCalendar.localDate(of: instant, in: try zone("Europe/London")).description == "2026-04-06")
    #expect(CallingCalendar.localDate(of: instant, in: try zone("America/New_York")).description == "2026-04-05")
}

@Test func withoutCallingHoursEveryTimeIsOpenAndABusinessDayStartsAtMidnight() throws {
    let anyTime = CallingCalendar(windows: nil, businessDays: [.monday, .tuesday, .wednesday, .thursday, .friday])
    let sunday = at("2026-03-29T03:00:00Z")
    #expect(anyTime.nextOpening(atOrAfter: sunday, in: try zone("Europe/Berlin")) == sunday)
    #expect(anyTime.nextBusinessDayOpening(after: sunday, in: try zone("Europe/Berlin")).map(iso)
            == "2026-03-29T22:00:00Z")
}

@Test func aWindowEndingAtMidnightRunsToTheEndOfTheDay() throws {
    let late = CallingCalendar(windows: [.friday: [1200..<1440]], businessDays: [.friday])
    let berlin = try zone("Europe/Berlin")
    #expect(late.isOpen(at("2026-03-27T22:59:00Z"), in: berlin))
    #expect(late.nextOpening(atOrAfter: at("2026-03-27T23:00:00Z"), in: berlin).map(iso) == "2026-04-03T18:00:00Z")
}

@Test func isoDatesParseAndPrintTheSameWay() {
    #expect(LocalDate(iso: "2026-12-25")?.description == "2026-12-25")
    #expect(LocalDate(iso: "2026-13-01") == nil)
    #expect(LocalDate(iso: "26-12-25") == nil)
}

@Test func civilDayCountMatchesTheCalendar() {
    #expect(LocalDay.daysFromCivil(LocalDate(year: 1970, month: 1, day: 1)) == 0)
    #expect(LocalDay.daysFromCivil(LocalDate(year: 2026, month: 3, day: 29)) == 20_541)
    #expect(LocalDay.daysFromCivil(LocalDate(year: 2000, month: 2, day: 29)) == 11_016)
}
