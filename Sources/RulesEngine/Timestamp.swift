// Instants as events carry them: RFC 3339 timestamps with an explicit zone,
// `2026-03-21T10:00:00Z` or `2026-03-21T11:00:00.250+01:00`. A time without
// a zone is refused rather than guessed: the same wall-clock time is a
// different instant in London and in Sydney, and a lead's speed-to-lead
// clock must not depend on where the file was written.
//
// Accepted beyond strict RFC 3339 (both ISO 8601): a space or lower-case `t`
// between date and time, a lower-case `z`, and seconds left out (`10:00Z`).
// Fractions of a second may have any number of digits; they are truncated
// to the millisecond. Leap seconds (`:60`) are refused.
//
// Calendar arithmetic is Howard Hinnant's days-from-civil, so no Foundation
// calendar or time zone database is involved in reading an instant.

/// Why a text is not an instant. `description` completes "time "…" …".
public enum TimestampError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Date and time are there but no `Z` or offset follows.
    case noZone
    /// A date with no time of day.
    case noTimeOfDay
    /// Not of the form `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±hh:mm)`.
    case malformed(String)
    /// A component out of its range (month 13, 31 April, hour 24, ...).
    case outOfRange(String)

    public var description: String {
        switch self {
        case .noZone: "has no zone (add Z or an offset like +01:00)"
        case .noTimeOfDay: "has no time of day (write it like 2026-03-21T10:00:00Z)"
        case .malformed(let why): "is not an RFC 3339 time: \(why) (write it like 2026-03-21T10:00:00Z)"
        case .outOfRange(let what): "has \(what) out of range"
        }
    }
}

/// RFC 3339 instants to and from milliseconds since the Unix epoch.
public enum Timestamp {
    /// Milliseconds since 1970-01-01T00:00:00Z of an RFC 3339 time with a zone.
    public static func parse(_ text: String) throws(TimestampError) -> Int64 {
        var s = Scanner(bytes: Array(text.utf8))
        let year = try s.digits(4, "the year must have four digits")
        try s.expect(UInt8(ascii: "-"), "expected '-' after the year")
        let month = try s.digits(2, "the month must have two digits")
        try s.expect(UInt8(ascii: "-"), "expected '-' after the month")
        let day = try s.digits(2, "the day must have two digits")
        guard (1...12).contains(month) else { throw .outOfRange("the month \(month)") }
        guard (1...daysIn(month: month, year: year)).contains(day) else { throw .outOfRange("the day \(day)") }
        guard let separator = s.next() else { throw .noTimeOfDay }
        guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " ") else {
            throw .malformed("expected 'T' between the date and the time")
        }
        let hour = try s.digits(2, "the hour must have two digits")
        try s.expect(UInt8(ascii: ":"), "expected ':' after the hour")
        let minute = try s.digits(2, "the minutes must have two digits")
        var second = 0, millis = 0
        if s.peek == UInt8(ascii: ":") {
            s.skip()
            second = try s.digits(2, "the seconds must have two digits")
            if s.peek == UInt8(ascii: ".") || s.peek == UInt8(ascii: ",") {
                s.skip()
                millis = try s.fraction()
            }
        }
        guard hour <= 23 else { throw .outOfRange("the hour \(hour)") }
        guard minute <= 59 else { throw .outOfRange("the minute \(minute)") }
        guard second <= 59 else { throw .outOfRange("the second \(second)") }
        let offset = try zoneOffsetMinutes(&s)
        guard s.atEnd else { throw .malformed("unexpected text after the zone") }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = ((days * 24 + Int64(hour)) * 60 + Int64(minute) - Int64(offset)) * 60 + Int64(second)
        return seconds * 1000 + Int64(millis)
    }

    /// `2026-03-21T10:00:00Z`, with `.fff` only when there are milliseconds.
    public static func format(_ ms: Int64) -> String {
        let (secondsTotal, millis) = floorDivide(ms, 1000)
        let (daysTotal, secondOfDay) = floorDivide(secondsTotal, 86_400)
        let (year, month, day) = civil(fromDays: daysTotal)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
        text += pad(Int(secondOfDay / 3600), 2) + ":" + pad(Int(secondOfDay / 60 % 60), 2) + ":"
        text += pad(Int(secondOfDay % 60), 2)
        if millis != 0 { text += "." + pad(Int(millis), 3) }
        return text + "Z"
    }

    private static func zoneOffsetMinutes(_ s: inout Scanner) throws(TimestampError) -> Int {
        guard let zone = s.next() else { throw .noZone }
        if zone == UInt8(ascii: "Z") || zone == UInt8(ascii: "z") { return 0 }
        guard zone == UInt8(ascii: "+") || zone == UInt8(ascii: "-") else {
            throw .malformed("expected 'Z' or an offset like +01:00 after the time")
        }
        let hours = try s.digits(2, "the offset must be written ±hh:mm")
        try s.expect(UInt8(ascii: ":"), "the offset must be written ±hh:mm")
        let minutes = try s.digits(2, "the offset must be written ±hh:mm")
        guard hours <= 23, minutes <= 59 else { throw .outOfRange("the zone offset") }
        let total = hours * 60 + minutes
        return zone == UInt8(ascii: "-") ? -total : total
    }

    private static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let digits = String(n)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Reads the ASCII bytes of a timestamp left to right.
    private struct Scanner {
        let bytes: [UInt8]
        var i = 0

        var atEnd: Bool { i >= bytes.count }
        var peek: UInt8? { atEnd ? nil : bytes[i] }
        mutating func skip() { i += 1 }
        mutating func next() -> UInt8? {
            defer { i += 1 }
            return peek
        }

        mutating func expect(_ byte: UInt8, _ why: String) throws(TimestampError) {
            guard peek == byte else { throw atEnd ? .malformed("it ends early") : .malformed(why) }
            i += 1
        }

        /// Exactly `count` ASCII digits.
        mutating func digits(_ count: Int, _ why: String) throws(TimestampError) -> Int {
            var n = 0
            for _ in 0..<count {
                guard let b = peek, b >= 0x30, b <= 0x39 else { throw atEnd ? .malformed("it ends early") : .malformed(why) }
                n = n * 10 + Int(b - 0x30)
                i += 1
            }
            if let b = peek, b >= 0x30, b <= 0x39 { throw .malformed(why) }
            return n
        }

        /// One or more digits after the decimal mark, as whole milliseconds (truncated).
        mutating func fraction() throws(TimestampError) -> Int {
            var millis = 0, count = 0
            while let b = peek, b >= 0x30, b <= 0x39 {
                if count < 3 { millis = millis * 10 + Int(b - 0x30) }
                count += 1
                i += 1
            }
            guard count > 0 else { throw .malformed("expected digits after the decimal mark") }
            if count < 3 { for _ in count..<3 { millis *= 10 } }
            return millis
        }
    }
}
