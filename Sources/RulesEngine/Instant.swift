// Arithmetic on instants (ms since the epoch) that cannot trap. Times and
// durations come from event payloads, so `now + d` must not overflow
// whatever a sender wrote; and calendars only answer for years 1 to 9999,
// so the guards refuse tasks due outside them.

enum Instant {
    /// 0001-01-01T00:00:00Z.
    static let earliest: Int64 = -62_135_596_800_000
    /// 9999-12-31T23:59:59.999Z.
    static let latest: Int64 = 253_402_300_799_999

    /// `a + b`, saturating at the ends of Int64.
    static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return sum }
        return b > 0 ? .max : .min
    }

    /// `a - b`, saturating.
    static func subtract(_ a: Int64, _ b: Int64) -> Int64 {
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        guard overflow else { return difference }
        return b < 0 ? .max : .min
    }

    /// `a * n`, saturating.
    static func times(_ a: Int64, _ n: Int64) -> Int64 {
        let (product, overflow) = a.multipliedReportingOverflow(by: n)
        guard overflow else { return product }
        return (a < 0) == (n < 0) ? .max : .min
    }

    /// True for an instant calendars can answer for.
    static func inCalendarRange(_ t: Int64) -> Bool { (earliest...latest).contains(t) }
}
