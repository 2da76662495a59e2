// Calling hours and business days in the lead's local time.
//
// Every bound is built as a local wall-clock time in the lead's TimeZone
// (the system's tz database) and converted to an instant, never by adding a
// fixed offset to UTC: on the Sunday a zone changes to or from daylight
// saving time, 09:00 local is still 09:00 on the wall, one hour closer to
// (or further from) UTC than the day before. LocalDay.swift holds the
// arithmetic and the rules for wall-clock times a DST change skips or
// repeats; docs/LOCAL-TIME.md explains the whole.
//
// Business days are the declared BUSINESS DAYS minus the holidays of the
// HOLIDAYS file for every country and for the lead's own country. Holidays
// do not close the calling windows: a call already due on a holiday (a
// callback the lead asked for) is still made; only the choice of a business
// day (NEXT BUSINESS DAY, cadence call days) passes over them.

import Foundation
import RulesCompiler

/// The calling windows, business days and holidays of a playbook, applied
/// in a lead's zone. Times are ms since the epoch.
public struct CallingCalendar: Sendable {
    /// Minute-of-day windows per weekday (start inclusive, end exclusive);
    /// nil when the playbook declares no CALLING HOURS (calls at any time).
    public let windows: [Weekday: [Range<Int>]]?
    public let businessDays: Set<Weekday>
    /// Dates that are not business days, for every country and per country.
    public let holidays: HolidayCalendar

    /// How far ahead a window is looked for: a week of windows, twice.
    static let searchDays = 14
    /// How far ahead a business day is looked for (holidays may run long).
    static let businessSearchDays = 62

    public init(windows: [Weekday: [Range<Int>]]?, businessDays: Set<Weekday>, holidays: HolidayCalendar = .none) {
        self.windows = windows?.mapValues { $0.sorted { $0.lowerBound < $1.lowerBound } }
        self.businessDays = businessDays
        self.holidays = holidays
    }

    /// Holidays of every country only (the form before per-country calendars).
    public init(windows: [Weekday: [Range<Int>]]?, businessDays: Set<Weekday>, holidays: Set<LocalDate>) {
        self.init(windows: windows, businessDays: businessDays, holidays: HolidayCalendar(everywhere: holidays))
    }

    /// The calendar of a checked playbook; `holidays` come from its HOLIDAYS
    /// file, which `LoadedPlaybook.load` reads (the engine does no I/O).
    public init(program: Program, holidays: HolidayCalendar = .none) {
        self.init(windows: program.callingHours?.windows, businessDays: program.businessDays, holidays: holidays)
    }

    /// True when `time` falls inside a calling window in `zone`.
    public func isOpen(_ time: Int64, in zone: TimeZone) -> Bool {
        nextOpening(atOrAfter: time, in: zone) == time
    }

    /// `time` itself when a window is open then, else the start of the next
    /// window; nil when there is none within two weeks (no windows at all).
    public func nextOpening(atOrAfter time: Int64, in zone: TimeZone) -> Int64? {
        guard let windows else { return time }
        guard Instant.inCalendarRange(time) else { return nil }
        let day = LocalDay(containing: time, in: zone)
        for offset in 0..<Self.searchDays {
            let d = day.adding(days: offset)
            for window in windows[d.weekday] ?? [] {
                let start = d.instant(minute: window.lowerBound)
                let end = d.instant(minute: window.upperBound)
                if time < start { return start }
                if time < end { return time }
            }
        }
        return nil
    }

    /// The start of the first calling window on the first business day
    /// after the local date of `time` (a business day without a window is
    /// passed over); local midnight of that day when there are no calling
    /// hours. `country` is the lead's ISO code, whose holidays are passed
    /// over with those of every country. Nil when none comes within two months.
    public func nextBusinessDayOpening(after time: Int64, in zone: TimeZone, country: String? = nil) -> Int64? {
        guard Instant.inCalendarRange(time) else { return nil }
        let day = LocalDay(containing: time, in: zone)
        for offset in 1...Self.businessSearchDays {
            let d = day.adding(days: offset)
            guard isBusinessDay(d.date, weekday: d.weekday, country: country) else { continue }
            guard let windows else { return d.instant(minute: 0) }
            if let first = windows[d.weekday]?.first { return d.instant(minute: first.lowerBound) }
        }
        return nil
    }

    /// True for a declared business day that is not a holiday of every
    /// country or of `country`.
    public func isBusinessDay(_ date: LocalDate, country: String?) -> Bool {
        let weekday = Weekday(rawValue: Int(LocalDay.floorMod(Int64(LocalDay.daysFromCivil(date)) + 3, 7))) ?? .monday
        return isBusinessDay(date, weekday: weekday, country: country)
    }

    private func isBusinessDay(_ date: LocalDate, weekday: Weekday, country: String?) -> Bool {
        businessDays.contains(weekday) && !holidays.isHoliday(date, country: country)
    }

    /// `time` moved by a span as written: its local days at the same
    /// wall-clock time in `zone` (`IN 7d` after 09:00 is 09:00 a week later,
    /// across a DST change too), then its exact milliseconds. Saturates
    /// outside the years 1 to 9999, which the guards then refuse.
    public static func adding(_ span: CalendarSpan, to time: Int64, in zone: TimeZone) -> Int64 {
        let exact = Instant.add(time, span.milliseconds)
        guard span.hasDays else { return exact }
        // More days than the calendar holds: past its end either way.
        guard Instant.inCalendarRange(time), span.days.magnitude < 4_000_000 else {
            return span.days > 0 ? .max : .min
        }
        return Instant.add(addingLocalDays(span.days, to: time, in: zone), span.milliseconds)
    }

    /// `time` moved by `days` local dates keeping its wall-clock time in
    /// `zone`: 09:00 on the Friday before a DST change plus 7 days is 09:00
    /// on the Friday after, 167 or 169 hours later. A wall time that does not
    /// exist on the day it lands on moves forward by the gap (02:30 → 03:30);
    /// one that occurs twice is the earlier instant (docs/LOCAL-TIME.md).
    public static func addingLocalDays(_ days: Int64, to time: Int64, in zone: TimeZone) -> Int64 {
        guard Instant.inCalendarRange(time), days.magnitude < 4_000_000 else {
            return days == 0 ? time : (days > 0 ? .max : .min)
        }
        return LocalDay.adding(days: days, to: time, in: zone)
    }

    /// The instant a wall-clock time of a local date names in `zone`, with
    /// the DST rules of `addingLocalDays` (`minute` after midnight).
    public static func instant(of date: LocalDate, minute: Int, in zone: TimeZone) -> Int64 {
        LocalDay(date: date, in: zone).instant(minute: minute)
    }

    /// The local date of an instant in a zone.
    public static func localDate(of time: Int64, in zone: TimeZone) -> LocalDate {
        LocalDay(containing: min(max(time, Instant.earliest), Instant.latest), in: zone).date
    }
}
