// Calling hours and business days in the lead's local time.
//
// Every bound is built as a local wall-clock time (DateComponents in the
// lead's TimeZone, from the system's tz database) and converted to an
// instant, never by adding a fixed offset to UTC: on the Sunday a zone
// changes to or from daylight saving time, 09:00 local is still 09:00 on
// the wall, one hour closer to (or further from) UTC than the day before.
// Days are stepped from local noon, which exists and is unambiguous on
// every day of every zone, so a midnight DST change (as in some American
// zones' history) cannot skip or repeat a date.

import Foundation
import RulesCompiler

/// A date on the lead's local calendar.
public struct LocalDate: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads `2026-12-25`; nil for anything else.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var description: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}

/// The calling windows, business days and holidays of a playbook, applied
/// in a lead's zone. Times are ms since the epoch.
public struct CallingCalendar: Sendable {
    /// Minute-of-day windows per weekday (start inclusive, end exclusive);
    /// nil when the playbook declares no CALLING HOURS (calls at any time).
    public let windows: [Weekday: [Range<Int>]]?
    public let businessDays: Set<Weekday>
    /// Dates that are not business days.
    public let holidays: Set<LocalDate>

    /// How far ahead a window is looked for: a week of windows, twice.
    static let searchDays = 14
    /// How far ahead a business day is looked for (holidays may run long).
    static let businessSearchDays = 62

    public init(windows: [Weekday: [Range<Int>]]?, businessDays: Set<Weekday>, holidays: Set<LocalDate> = []) {
        self.windows = windows?.mapValues { $0.sorted { $0.lowerBound < $1.lowerBound } }
        self.businessDays = businessDays
        self.holidays = holidays
    }

    /// The calendar of a checked playbook; `holidays` are the dates of its
    /// HOLIDAYS file, which the caller reads (the engine does no I/O).
    public init(program: Program, holidays: Set<LocalDate> = []) {
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
    /// hours. Nil when none comes within two months.
    public func nextBusinessDayOpening(after time: Int64, in zone: TimeZone) -> Int64? {
        guard Instant.inCalendarRange(time) else { return nil }
        let day = LocalDay(containing: time, in: zone)
        for offset in 1...Self.businessSearchDays {
            let d = day.adding(days: offset)
            guard isBusinessDay(d) else { continue }
            guard let windows else { return d.instant(minute: 0) }
            if let first = windows[d.weekday]?.first { return d.instant(minute: first.lowerBound) }
        }
        return nil
    }

    /// True for a declared business day that is not a holiday.
    func isBusinessDay(_ day: LocalDay) -> Bool {
        businessDays.contains(day.weekday) && !holidays.contains(day.date)
    }

    /// The local date of an instant in a zone.
    public static func localDate(of time: Int64, in zone: TimeZone) -> LocalDate {
        LocalDay(containing: min(max(time, Instant.earliest), Instant.latest), in: zone).date
    }
}

/// One date in one zone, able to turn its wall-clock times into instants.
struct LocalDay {
    let calendar: Calendar
    let date: LocalDate
    let weekday: Weekday

    init(containing time: Int64, in zone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.init(calendar: calendar, moment: Date(timeIntervalSince1970: Double(time) / 1000))
    }

    private init(calendar: Calendar, moment: Date) {
        self.calendar = calendar
        let c = calendar.dateComponents([.year, .month, .day, .weekday], from: moment)
        date = LocalDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)
        // Calendar weekdays run 1 = Sunday ... 7 = Saturday.
        weekday = Weekday(rawValue: ((c.weekday ?? 2) + 5) % 7) ?? .monday
    }

    /// The same zone, `days` dates later.
    func adding(days: Int) -> LocalDay {
        guard days != 0 else { return self }
        let noon = wallClock(hour: 12, minute: 0)
        let moved = calendar.date(byAdding: .day, value: days, to: noon) ?? noon
        return LocalDay(calendar: calendar, moment: moved)
    }

    /// The instant of a minute of this day's wall clock (1440 is the next
    /// day's midnight). A wall-clock time skipped by a DST change maps to
    /// the first instant after the gap.
    func instant(minute: Int) -> Int64 {
        if minute >= 24 * 60 { return adding(days: 1).instant(minute: minute - 24 * 60) }
        let moment = wallClock(hour: minute / 60, minute: minute % 60)
        return Int64((moment.timeIntervalSince1970 * 1000).rounded())
    }

    private func wallClock(hour: Int, minute: Int) -> Date {
        let components = DateComponents(year: date.year, month: date.month, day: date.day, hour: hour, minute: minute)
        if let exact = calendar.date(from: components) { return exact }
        // The gregorian calendar answers every date; should it not, count
        // the civil date directly with the zone's current offset.
        let seconds = Self.daysFromCivil(date) * 86_400 + hour * 3600 + minute * 60
            - calendar.timeZone.secondsFromGMT()
        return Date(timeIntervalSince1970: Double(seconds))
    }

    /// Days since 1970-01-01 of a proleptic gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(_ d: LocalDate) -> Int {
        let y = d.month <= 2 ? d.year - 1 : d.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
