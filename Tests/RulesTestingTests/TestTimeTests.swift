import Foundation
import Testing
@testable import RulesTesting

let london = TimeZone(identifier: "Europe/London")!

@Test(arguments: [
    ("+15m", Int64(0), Int64(900_000)), ("+0s", 0, 0), ("+1d2h", 1, 7_200_000), ("+2w", 14, 0), (" +90s ", 0, 90_000),
])
func relativeTimesAreCalendarDaysAndElapsedTime(text: String, days: Int64, ms: Int64) throws {
    #expect(try TestTime(parsing: text) == .offset(days: days, milliseconds: ms))
    #expect(try TestTime(parsing: text).resolve(start: 1_000) == 1_000 + days * 86_400_000 + ms)
}

@Test func aDayAcrossTheSpringChangeIsTwentyThreeHours() throws {
    let saturday = try TestTime(parsing: "2026-03-28T15:00:00Z").resolve(start: 0)
    let sunday = try TestTime(parsing: "+1d").resolve(start: saturday, zone: london)
    #expect(sunday - saturday == 23 * 3_600_000)
    #expect(try TestTime(parsing: "+24h").resolve(start: saturday, zone: london) - saturday == 24 * 3_600_000)
}

@Test func absoluteTimesNeedAZoneOrAreLocalWallTimes() throws {
    #expect(try TestTime(parsing: "2026-03-21T10:00:00Z") == .absolute(1_774_087_200_000))
    #expect(try TestTime(parsing: "2026-03-21T10:00:00") == .local(.init(year: 2026, month: 3, day: 21, hour: 10, minute: 0, second: 0)))
    // 09:00 in London on 30 March 2026 is summer time: 08:00 UTC.
    let t = try TestTime(parsing: "2026-03-30 09:00").resolve(start: 0, zone: london)
    #expect(t == (try TestTime(parsing: "2026-03-30T08:00:00Z").resolve(start: 0)))
}

@Test func aLocalTimeSkippedByTheClocksIsRefused() {
    #expect {
        try TestTime(parsing: "2026-03-29 01:30").resolve(start: 0, zone: london)
    } throws: { error in
        (error as? TestTimeError)?.description.contains("does not exist in Europe/London") ?? false
    }
}

@Test func aLocalTimeThatOccursTwiceIsTheFirstOfTheTwo() throws {
    // 01:30 on 25 October 2026 happens at 00:30 UTC (BST) and again at 01:30 UTC (GMT).
    let t = try TestTime(parsing: "2026-10-25 01:30").resolve(start: 0, zone: london)
    #expect(t == (try TestTime(parsing: "2026-10-25T00:30:00Z").resolve(start: 0)))
}

@Test func durationsAreReadWithOrWithoutThePlus() throws {
    #expect(try TestTime.duration(parsing: "60s") == 60_000)
    #expect(try TestTime.duration(parsing: "+1h30m") == 5_400_000)
    #expect(try TestTime.duration(parsing: "1d") == 86_400_000)
}

@Test(arguments: ["+", "+15", "+15x", "+m", "+99999999999999999w", "soon", "2026-13-01 09:00", "2026-02-30 09:00"])
func malformedTimesAreRefusedWithTheirText(text: String) {
    #expect {
        try TestTime(parsing: text).resolve(start: 0, zone: london)
    } throws: { error in
        (error as? TestTimeError)?.description.contains(text.trimmingCharacters(in: .whitespaces)) ?? false
    }
}
