// DST in the four zones of the floor's main markets, both 2026 changes each
// (docs/LOCAL-TIME.md). Expected instants are written in UTC, worked out by
// hand from each zone's offset on that date:
//
//   Europe/London     GMT → BST Sun 29 Mar 01:00 UTC; BST → GMT Sun 25 Oct 01:00 UTC
//   Europe/Berlin     CET → CEST Sun 29 Mar 01:00 UTC; CEST → CET Sun 25 Oct 01:00 UTC
//   America/New_York  EST → EDT Sun 8 Mar 07:00 UTC;  EDT → EST Sun 1 Nov 06:00 UTC
//   Australia/Sydney  AEDT → AEST Sun 5 Apr (16:00 UTC on the 4th);
//                     AEST → AEDT Sun 4 Oct (16:00 UTC on the 3rd)

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesEngine

struct WallCase: Sendable, CustomStringConvertible {
    let zone: String
    let from: String
    let expected: String
    let why: String
    var description: String { "\(zone): \(why)" }
}

/// 09:00 local on the Friday before each change, and the Friday after.
let weekAcrossChange: [WallCase] = [
    WallCase(zone: "Europe/London", from: "2026-03-27T09:00:00Z", expected: "2026-04-03T08:00:00Z",
             why: "09:00 GMT to 09:00 BST, 167 hours"),
    WallCase(zone: "Europe/London", from: "2026-10-23T08:00:00Z", expected: "2026-10-30T09:00:00Z",
             why: "09:00 BST to 09:00 GMT, 169 hours"),
    WallCase(zone: "Europe/Berlin", from: "2026-03-27T08:00:00Z", expected: "2026-04-03T07:00:00Z",
             why: "09:00 CET to 09:00 CEST"),
    WallCase(zone: "Europe/Berlin", from: "2026-10-23T07:00:00Z", expected: "2026-10-30T08:00:00Z",
             why: "09:00 CEST to 09:00 CET"),
    WallCase(zone: "America/New_York", from: "2026-03-06T14:00:00Z", expected: "2026-03-13T13:00:00Z",
             why: "09:00 EST to 09:00 EDT"),
    WallCase(zone: "America/New_York", from: "2026-10-30T13:00:00Z", expected: "2026-11-06T14:00:00Z",
             why: "09:00 EDT to 09:00 EST"),
    WallCase(zone: "Australia/Sydney", from: "2026-04-02T22:00:00Z", expected: "2026-04-09T23:00:00Z",
             why: "09:00 AEDT to 09:00 AEST, 169 hours"),
    WallCase(zone: "Australia/Sydney", from: "2026-10-01T23:00:00Z", expected: "2026-10-08T22:00:00Z",
             why: "09:00 AEST to 09:00 AEDT, 167 hours"),
]

@Test(arguments: weekAcrossChange)
func sevenLocalDaysKeepTheWallClockAcrossAChange(_ c: WallCase) throws {
    let z = try zone(c.zone)
    #expect(iso(CallingCalendar.addingLocalDays(7, to: at(c.from), in: z)) == c.expected)
    #expect(iso(CallingCalendar.addingLocalDays(-7, to: at(c.expected), in: z)) == c.from, "and a week back")
    // An exact week of hours is not 09:00 on the other side.
    #expect(at(c.from) + 7 * day != at(c.expected))
}

/// Wall-clock times a change skips (moved forward by the gap) or repeats (the earlier).
let skippedAndRepeated: [(zone: String, date: String, minute: Int, expected: String, why: String)] = [
    ("Europe/London", "2026-03-29", 90, "2026-03-29T01:30:00Z", "01:30 does not exist: 02:30 BST"),
    ("Europe/London", "2026-10-25", 90, "2026-10-25T00:30:00Z", "01:30 occurs twice: the BST one"),
    ("Europe/Berlin", "2026-03-29", 150, "2026-03-29T01:30:00Z", "02:30 does not exist: 03:30 CEST"),
    ("Europe/Berlin", "2026-10-25", 150, "2026-10-25T00:30:00Z", "02:30 occurs twice: the CEST one"),
    ("America/New_York", "2026-03-08", 150, "2026-03-08T07:30:00Z", "02:30 does not exist: 03:30 EDT"),
    ("America/New_York", "2026-11-01", 90, "2026-11-01T05:30:00Z", "01:30 occurs twice: the EDT one"),
    ("Australia/Sydney", "2026-10-04", 150, "2026-10-03T16:30:00Z", "02:30 does not exist: 03:30 AEDT"),
    ("Australia/Sydney", "2026-04-05", 150, "2026-04-04T15:30:00Z", "02:30 occurs twice: the AEDT one"),
    ("Europe/London", "2026-03-29", 120, "2026-03-29T01:00:00Z", "02:00, the end of the gap, exists"),
    ("Europe/London", "2026-10-25", 120, "2026-10-25T02:00:00Z", "02:00 GMT, after the repeated hour"),
    ("Europe/Berlin", "2026-03-29", 120, "2026-03-29T01:00:00Z", "02:00, the start of the gap: 03:00 CEST"),
]

@Test func aTimeThatDoesNotExistMovesForwardByTheGapAndARepeatedTimeIsTheEarlier() throws {
    for c in skippedAndRepeated {
        let date = try #require(LocalDate(iso: c.date))
        let got = CallingCalendar.instant(of: date, minute: c.minute, in: try zone(c.zone))
        #expect(iso(got) == c.expected, "\(c.zone) \(c.date): \(c.why)")
    }
}

@Test func addingDaysIntoAGapOrARepeatedHourFollowsTheSameRules() throws {
    let london = try zone("Europe/London")
    // 01:30 GMT on Saturday; Sunday has no 01:30: 02:30 BST.
    #expect(iso(CallingCalendar.addingLocalDays(1, to: at("2026-03-28T01:30:00Z"), in: london))
            == "2026-03-29T01:30:00Z")
    // 01:30 BST on Saturday; Sunday's 01:30 comes twice: the first (BST).
    #expect(iso(CallingCalendar.addingLocalDays(1, to: at("2026-10-24T00:30:00Z"), in: london))
            == "2026-10-25T00:30:00Z")
    // The second 01:30 (GMT) a day later is an ordinary 01:30 GMT.
    #expect(iso(CallingCalendar.addingLocalDays(1, to: at("2026-10-25T01:30:00Z"), in: london))
            == "2026-10-26T01:30:00Z")
    #expect(CallingCalendar.addingLocalDays(0, to: at("2026-10-25T01:30:00Z"), in: london)
            == at("2026-10-25T01:30:00Z"), "zero days is the same instant, even in a repeated hour")
    // Seconds and milliseconds are kept.
    #expect(CallingCalendar.addingLocalDays(7, to: at("2026-03-27T09:00:00Z") + 12_345, in: london)
            == at("2026-04-03T08:00:00Z") + 12_345)
}

/// Every day open 09:00-20:00; Saturday 21:00 local before a change waits for Sunday 09:00.
let everyDay = CallingCalendar(windows: Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, [540..<1200]) }),
                               businessDays: Set(Weekday.allCases))

let openingOnChangeDay: [WallCase] = [
    WallCase(zone: "Europe/London", from: "2026-03-28T21:00:00Z", expected: "2026-03-29T08:00:00Z",
             why: "Sunday of the change: 09:00 BST"),
    WallCase(zone: "Europe/London", from: "2026-10-24T20:00:00Z", expected: "2026-10-25T09:00:00Z",
             why: "Sunday of the change: 09:00 GMT"),
    WallCase(zone: "Europe/Berlin", from: "2026-03-28T20:00:00Z", expected: "2026-03-29T07:00:00Z",
             why: "Sunday of the change: 09:00 CEST"),
    WallCase(zone: "Europe/Berlin", from: "2026-10-24T19:00:00Z", expected: "2026-10-25T08:00:00Z",
             why: "Sunday of the change: 09:00 CET"),
    WallCase(zone: "America/New_York", from: "2026-03-08T02:00:00Z", expected: "2026-03-08T13:00:00Z",
             why: "Sunday of the change: 09:00 EDT"),
    WallCase(zone: "America/New_York", from: "2026-11-01T01:00:00Z", expected: "2026-11-01T14:00:00Z",
             why: "Sunday of the change: 09:00 EST"),
    WallCase(zone: "Australia/Sydney", from: "2026-04-04T10:00:00Z", expected: "2026-04-04T23:00:00Z",
             why: "Sunday of the change: 09:00 AEST"),
    WallCase(zone: "Australia/Sydney", from: "2026-10-03T11:00:00Z", expected: "2026-10-03T22:00:00Z",
             why: "Sunday of the change: 09:00 AEDT"),
]

@Test(arguments: openingOnChangeDay)
func theCallingWindowOpensAtLocalNineOnTheDayOfTheChange(_ c: WallCase) throws {
    let z = try zone(c.zone)
    #expect(everyDay.nextOpening(atOrAfter: at(c.from), in: z).map(iso) == c.expected)
    #expect(everyDay.isOpen(at(c.expected), in: z))
    #expect(!everyDay.isOpen(at(c.expected) - 1, in: z))
}

@Test func aWindowThatOpensInsideTheGapOpensAsLateAsTheGapIsLong() throws {
    // SUN 01:30-03:00 in London: 01:30 does not exist on 29 March, so the
    // window opens at 02:30 BST (01:30 UTC) and closes at 03:00 BST.
    let night = CallingCalendar(windows: [.sunday: [90..<180]], businessDays: [.monday])
    let london = try zone("Europe/London")
    #expect(night.nextOpening(atOrAfter: at("2026-03-28T23:00:00Z"), in: london).map(iso) == "2026-03-29T01:30:00Z")
    #expect(night.isOpen(at("2026-03-29T01:59:00Z"), in: london))
    #expect(!night.isOpen(at("2026-03-29T02:00:00Z"), in: london))
}
