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

    /// `windows` by `Weekday.rawValue`, `businessDays` as flags, and the
    /// holidays as sorted day numbers: what the searches below read per
    /// day, without hashing (docs/BENCHMARKS.md, "Local time").
    private let windowsByWeekday: [[Range<Int>]]?
    private let businessWeekday: [Bool]
    private let holidayDays: HolidayDays

    /// How far ahead a window is looked for: a week of windows, twice.
    static let searchDays = 14
    /// How far ahead a business day is looked for (holidays may run long).
    static let businessSearchDays = 62

    public init(windows: [Weekday: [Range<Int>]]?, businessDays: Set<Weekday>, holidays: HolidayCalendar = .none) {
        let sorted = windows?.mapValues { $0.sorted { $0.lowerBound < $1.lowerBound } }
        self.windows = sorted
        self.businessDays = businessDays
        self.holidays = holidays
        windowsByWeekday = sorted.map { w in Weekday.allCases.map { w[$0] ?? [] } }
        businessWeekday = Weekday.allCases.map(businessDays.contains)
        holidayDays = HolidayDays(holidays)
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
        guard let windows = windowsByWeekday else { return time }
        guard Instant.inCalendarRange(time) else { return nil }
        let day = LocalDay(containing: time, in: zone)
        for offset in 0..<Self.searchDays {
            let d = day.adding(days: offset)
            for window in windows[d.weekday.rawValue] {
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
        let countryDays = holidayDays.days(of: country)
        for offset in 1...Self.businessSearchDays {
            let d = day.adding(days: offset)
            guard businessWeekday[d.weekday.rawValue], !HolidayDays.contains(holidayDays.everywhere, d.civilDay),
                  !HolidayDays.contains(countryDays, d.civilDay) else { continue }
            guard let windows = windowsByWeekday else { return d.instant(minute: 0) }
            if let first = windows[d.weekday.rawValue].first { return d.instant(minute: first.lowerBound) }
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
        businessWeekday[weekday.rawValue] && !holidays.isHoliday(date, country: country)
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

extension CalendarSpan {
    /// `i`/`n` of the span, `n` > 0: the whole local days of `i × days / n`,
    /// and the rest of those days with `i`/`n` of the exact part as elapsed
    /// time. A week in 3 (`CALL 3 PER WEEK`) is 2 local days and 8 hours;
    /// the 2nd of 3 emails spread over `FOR 7d` comes 4 local days and 16
    /// hours after the first.
    func portion(_ i: Int64, of n: Int64) -> CalendarSpan {
        let days = Instant.times(self.days, i)
        let rest = Instant.add(Instant.times(days % n, CalendarSpan.dayMilliseconds), Instant.times(milliseconds, i))
        return CalendarSpan(days: days / n, milliseconds: rest / n)
    }

    static let dayMilliseconds: Int64 = 86_400_000
}

/// A holiday calendar as sorted day numbers (days since 1970-01-01), for
/// a binary search per day instead of hashing dates and country names.
struct HolidayDays: Sendable {
    let everywhere: [Int64]
    /// By country code in capitals, as `HolidayCalendar.byCountry` keys them.
    let byCountry: [String: [Int64]]

    init(_ calendar: HolidayCalendar) {
        let days = { (dates: Set<LocalDate>) in dates.map { Int64(LocalDay.daysFromCivil($0)) }.sorted() }
        everywhere = days(calendar.everywhere)
        byCountry = Dictionary(calendar.byCountry.map { ($0.key.uppercased(), days($0.value)) },
                               uniquingKeysWith: { ($0 + $1).sorted() })
    }

    /// The days of `country` (any letter case); empty for none.
    func days(of country: String?) -> [Int64] {
        guard let country, !byCountry.isEmpty else { return [] }
        if let days = byCountry[country] { return days }
        let hasLower = country.utf8.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
        return hasLower ? byCountry[country.uppercased()] ?? [] : []
    }

    static func contains(_ days: [Int64], _ day: Int64) -> Bool {
        var low = 0, high = days.count
        while low < high {
            let mid = (low + high) / 2
            if days[mid] < day { low = mid + 1 } else { high = mid }
        }
        return low < days.count && days[low] == day
    }
}
