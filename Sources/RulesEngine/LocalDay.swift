// Local dates and wall-clock times in a real IANA zone (the system's tz
// database through Foundation's TimeZone), and the rules for the wall-clock
// times a DST change skips or repeats (docs/LOCAL-TIME.md, "DST"):
//
// - A time that does not exist (the clocks jump from 02:00 to 03:00, so
//   02:30 never shows) is moved forward by the length of the gap: 02:30 is
//   read with the offset in force before the change and lands on 03:30.
// - A time that occurs twice (the clocks go back from 03:00 to 02:00, so
//   02:30 shows twice) is the earlier of the two instants, the one before
//   the change.
//
// These are java.time's rules for `ZonedDateTime.of` (and RFC 5545's for a
// nonexistent DTSTART). Dates are counted as days since 1970-01-01 in the
// proleptic gregorian calendar, so stepping days never goes through a wall
// time at all and a midnight DST change cannot skip or repeat a date.
// Offsets come from the zone's table of transitions (ZoneOffsets.swift),
// which gives what `TimeZone.secondsFromGMT(for:)` gives, without ICU.

import Foundation
import RulesCompiler

/// One date in one zone, able to turn its wall-clock times into instants.
struct LocalDay {
    /// The zone's offsets (ZoneOffsets.swift: a table, not a call into ICU).
    let zone: ZoneReader
    /// Days since 1970-01-01 of this date.
    let civilDay: Int64
    let weekday: Weekday

    /// The date (computed when asked: most callers need only the day number).
    var date: LocalDate { Self.civil(fromDays: civilDay) }

    static let dayMilliseconds: Int64 = 86_400_000

    /// The local date of an instant (ms since the epoch, inside the years
    /// 1 to 9999 that `Instant.inCalendarRange` accepts).
    init(containing time: Int64, in zone: TimeZone) {
        self.init(containing: time, in: ZoneReader(zone))
    }

    init(containing time: Int64, in zone: ZoneReader) {
        let local = time &+ zone.offset(at: time)
        self.init(civilDay: Self.floorDiv(local, Self.dayMilliseconds), in: zone)
    }

    init(date: LocalDate, in zone: TimeZone) {
        self.init(civilDay: Int64(Self.daysFromCivil(date)), in: ZoneReader(zone))
    }

    private init(civilDay: Int64, in zone: ZoneReader) {
        self.zone = zone
        self.civilDay = civilDay
        // 1970-01-01 was a Thursday (Monday is 0).
        weekday = Weekday(rawValue: Int(Self.floorMod(civilDay + 3, 7))) ?? .monday
    }

    /// The same zone, `days` dates later (earlier when negative).
    func adding(days: Int) -> LocalDay {
        days == 0 ? self : LocalDay(civilDay: civilDay + Int64(days), in: zone)
    }

    /// The instant of a minute of this day's wall clock; 1440 and more run
    /// into the next days (1440 is the next day's midnight).
    func instant(minute: Int) -> Int64 {
        instant(millisecondOfDay: Int64(minute) * 60_000)
    }

    /// The instant at which this day's wall clock shows `ms` after midnight,
    /// with the file comment's rules for times skipped or repeated by DST.
    func instant(millisecondOfDay ms: Int64) -> Int64 {
        let local = civilDay &* Self.dayMilliseconds &+ ms
        // The offsets in force a day either side bracket any one change.
        let before = zone.offset(at: local &- Self.dayMilliseconds)
        let after = zone.offset(at: local &+ Self.dayMilliseconds)
        let early = local &- before, late = local &- after
        let earlyHolds = zone.offset(at: early) == before
        let lateHolds = zone.offset(at: late) == after
        switch (earlyHolds, lateHolds) {
        case (true, true): return min(early, late)   // one time, or twice: the earlier
        case (true, false): return early
        case (false, true): return late
        case (false, false): return early            // in a gap: forward by its length
        }
    }

    /// `time` moved by `days` local dates at the same wall-clock time
    /// (to the millisecond); a time that does not exist or occurs twice on
    /// the day it lands on follows the file comment's rules.
    static func adding(days: Int64, to time: Int64, in zone: TimeZone) -> Int64 {
        guard days != 0 else { return time }
        let zone = ZoneReader(zone)
        let local = time &+ zone.offset(at: time)
        let day = floorDiv(local, dayMilliseconds)
        let wall = local - day * dayMilliseconds
        return LocalDay(civilDay: day &+ days, in: zone).instant(millisecondOfDay: wall)
    }

    /// Days since 1970-01-01 of a proleptic gregorian date (H. Hinnant's
    /// algorithm, kept once in `Timestamp`).
    static func daysFromCivil(_ d: LocalDate) -> Int {
        Int(Timestamp.daysFromCivil(year: d.year, month: d.month, day: d.day))
    }

    /// The date `days` after 1970-01-01.
    static func civil(fromDays days: Int64) -> LocalDate {
        let (year, month, day) = Timestamp.civil(fromDays: days)
        return LocalDate(year: year, month: month, day: day)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }
}

// Re-exported so that code importing only RulesEngine can name the dates
// and calendars `Engine(program:holidays:)` takes.
public typealias LocalDate = RulesCompiler.LocalDate
public typealias HolidayCalendar = RulesCompiler.HolidayCalendar
