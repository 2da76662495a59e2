// Times in `rules test` files (docs/TESTING.md, "Times"):
//
//   +15m, +2h30m, +1d, +2w        an offset from the test's start
//   2026-03-23T09:00:00Z          an RFC 3339 instant (with Z or an offset)
//   2026-03-23 09:00              a wall-clock time in the file's `zone:`
//
// Offsets keep a file readable: a test says "fifteen minutes after
// capture", not a timestamp the reader has to subtract. Days and weeks are
// calendar days in the file's zone (`+1d` from 09:00 is 09:00 the next day,
// even across a daylight-saving change, when that day has 23 or 25 hours);
// hours, minutes and seconds are elapsed time. A wall-clock time that does
// not exist in the zone (skipped when the clocks go forward) is an error;
// one that occurs twice (when they go back) is the first of the two.

import Foundation
import RulesEngine

/// A time written in a test file.
public enum TestTime: Sendable, Hashable {
    case absolute(Int64)
    /// After the test's start: whole calendar days in the zone, then elapsed milliseconds.
    case offset(days: Int64, milliseconds: Int64)
    /// A wall-clock time in the file's zone.
    case local(LocalTime)

    /// `2026-03-23 09:00[:00]` without a zone.
    public struct LocalTime: Sendable, Hashable, CustomStringConvertible {
        public var year, month, day, hour, minute, second: Int
        public var description: String {
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            return "\(year)-\(two(month))-\(two(day)) \(two(hour)):\(two(minute)):\(two(second))"
        }
    }

    /// Reads `+15m`, `+1d2h`, `+0s`, an RFC 3339 time with a zone, or a
    /// wall-clock time `2026-03-23 09:00` (read in the file's zone).
    public init(parsing text: String) throws(TestTimeError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("+") {
            let (days, ms) = try Self.offset(String(trimmed.dropFirst()), text: text)
            self = .offset(days: days, milliseconds: ms)
            return
        }
        if let local = Self.localTime(trimmed) {
            self = .local(local)
            return
        }
        do {
            self = .absolute(try Timestamp.parse(trimmed))
        } catch {
            throw TestTimeError(text: text, reason: "time \"\(text)\" \(error.description), "
                                + "or an offset like +15m, or a local time like 2026-03-23 09:00")
        }
    }

    /// A duration such as `60s` or `1h30m` (a tolerance), in milliseconds.
    public static func duration(parsing text: String) throws(TestTimeError) -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let body = trimmed.hasPrefix("+") ? String(trimmed.dropFirst()) : trimmed
        let (days, ms) = try offset(body, text: text)
        let (dayMs, o1) = days.multipliedReportingOverflow(by: 86_400_000)
        let (total, o2) = dayMs.addingReportingOverflow(ms)
        guard !o1 && !o2 else { throw TestTimeError(text: text, reason: "duration \"\(text)\" is too large") }
        return total
    }

    /// The instant in UTC terms, given the test's start (offsets in UTC days).
    public func resolve(start: Int64) throws(TestTimeError) -> Int64 {
        try resolve(start: start, zone: Self.utc)
    }

    /// The instant, given the test's start and the zone days and local times are read in.
    public func resolve(start: Int64, zone: TimeZone) throws(TestTimeError) -> Int64 {
        switch self {
        case .absolute(let t):
            return t
        case .offset(let days, let ms):
            var base = start
            if days != 0 {
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = zone
                let startDate = Date(timeIntervalSince1970: Double(start) / 1000)
                guard days <= Self.maxDays, let moved = calendar.date(byAdding: .day, value: Int(days), to: startDate) else {
                    throw TestTimeError(text: "+\(days)d", reason: "offset of \(days) days is too large")
                }
                base = Int64((moved.timeIntervalSince1970 * 1000).rounded())
            }
            let (sum, overflow) = base.addingReportingOverflow(ms)
            guard !overflow else { throw TestTimeError(text: "+\(ms)ms", reason: "offset is too large") }
            return sum
        case .local(let local):
            return try Self.instant(of: local, in: zone)
        }
    }

    static let utc: TimeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current
    /// About 270 years: more than any test needs, and within Foundation's range.
    static let maxDays: Int64 = 100_000

    static let units: [Character: Int64] = ["s": 1000, "m": 60_000, "h": 3_600_000, "d": 0, "w": 0]

    /// `1d2h30m`: one or more number-unit pairs. Days and weeks are counted
    /// apart from the elapsed part, as calendar days.
    private static func offset(_ body: String, text: String) throws(TestTimeError) -> (days: Int64, ms: Int64) {
        var days: Int64 = 0, ms: Int64 = 0
        var digits = ""
        guard !body.isEmpty else { throw TestTimeError(text: text, reason: "offset \"\(text)\" has no amount (write +15m)") }
        for c in body {
            if c.isASCII && c.isNumber {
                digits.append(c)
                continue
            }
            guard let unit = units[c] else {
                throw TestTimeError(text: text, reason: "offset \"\(text)\": unknown unit '\(c)' (use s, m, h, d or w)")
            }
            guard let n = Int64(digits) else {
                throw TestTimeError(text: text, reason: "offset \"\(text)\": expected a number before '\(c)'")
            }
            let tooLarge = TestTimeError(text: text, reason: "offset \"\(text)\" is too large")
            if c == "d" || c == "w" {
                let (count, o1) = n.multipliedReportingOverflow(by: c == "w" ? 7 : 1)
                let (sum, o2) = days.addingReportingOverflow(count)
                guard !o1 && !o2 && sum <= maxDays else { throw tooLarge }
                days = sum
            } else {
                let (product, o1) = n.multipliedReportingOverflow(by: unit)
                let (sum, o2) = ms.addingReportingOverflow(product)
                guard !o1 && !o2 else { throw tooLarge }
                ms = sum
            }
            digits = ""
        }
        guard digits.isEmpty else {
            throw TestTimeError(text: text, reason: "offset \"\(text)\": the number \(digits) has no unit (s, m, h, d or w)")
        }
        return (days, ms)
    }

    /// `YYYY-MM-DD HH:MM[:SS]` or the same with `T`, and nothing after it.
    private static func localTime(_ text: String) -> LocalTime? {
        let chars = Array(text.utf8)
        guard chars.count == 16 || chars.count == 19,
              chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-"),
              chars[10] == UInt8(ascii: " ") || chars[10] == UInt8(ascii: "T"),
              chars[13] == UInt8(ascii: ":"), chars.count == 16 || chars[16] == UInt8(ascii: ":") else { return nil }
        func number(_ from: Int, _ length: Int) -> Int? {
            let slice = chars[from..<(from + length)]
            guard slice.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return slice.reduce(0) { $0 * 10 + Int($1 - 48) }
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2) else { return nil }
        let second = chars.count == 19 ? number(17, 2) : 0
        guard let second else { return nil }
        return LocalTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// The instant of a wall-clock time in `zone`.
    static func instant(of local: LocalTime, in zone: TimeZone) throws(TestTimeError) -> Int64 {
        let text = local.description
        guard (1...12).contains(local.month), (1...31).contains(local.day), (0...23).contains(local.hour),
              (0...59).contains(local.minute), (0...59).contains(local.second) else {
            throw TestTimeError(text: text, reason: "local time \"\(text)\" is not a valid date and time")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: local.year, month: local.month, day: local.day,
                                        hour: local.hour, minute: local.minute, second: local.second)
        guard let date = calendar.date(from: components) else {
            throw TestTimeError(text: text, reason: "local time \"\(text)\" is not a valid date and time")
        }
        func wall(_ d: Date) -> DateComponents {
            calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: d)
        }
        guard wall(date) == components else {
            throw TestTimeError(text: text, reason: "local time \"\(text)\" does not exist in \(zone.identifier) "
                                + "(the clocks go forward then, or the date is not valid)")
        }
        // Twice on the night the clocks go back: the first of the two.
        let hourEarlier = date.addingTimeInterval(-3600)
        let chosen = wall(hourEarlier) == components ? hourEarlier : date
        return Int64((chosen.timeIntervalSince1970 * 1000).rounded())
    }
}

/// Why a test-file time could not be read.
public struct TestTimeError: Error, Sendable, Hashable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { reason }
}
