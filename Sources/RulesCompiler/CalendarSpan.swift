// Durations keep the unit their author wrote, because days and hours mean
// different things across a DST change (docs/LOCAL-TIME.md, "Days are
// calendar days"): `CALLBACK IN 7d` after a call at 09:00 local is 09:00
// local a week later, whether or not the clocks changed in between, while
// `CALLBACK IN 168h` is exactly 168 hours of elapsed time. A span is the
// whole local days of the `d` and `w` literals of a constant duration plus
// the exact milliseconds of the rest.

import RulesLanguage

/// A constant duration as written: whole local days plus exact milliseconds.
public struct CalendarSpan: Sendable, Hashable, CustomStringConvertible {
    /// Local calendar days (from `d` and `w` literals; `2w` is 14).
    public var days: Int64
    /// Exact elapsed milliseconds (from `ms`, `s`, `m` and `h` literals, and
    /// the part of a fractional `1.5d` below a whole day).
    public var milliseconds: Int64

    public static let zero = CalendarSpan(days: 0, milliseconds: 0)
    static let day: Int64 = 86_400_000

    public init(days: Int64, milliseconds: Int64) {
        self.days = days
        self.milliseconds = milliseconds
    }

    /// An exact duration with no calendar days.
    public init(exact milliseconds: Int64) {
        self.init(days: 0, milliseconds: milliseconds)
    }

    /// The span of a constant duration expression (`7d`, `1w`, `2d + 3h`,
    /// `-1d`); nil when the expression is not one (a TABLE value, an event
    /// field), whose value is then taken as exact milliseconds.
    public init?(constant e: Expr) {
        switch e.kind {
        case .duration(let ms, let unit):
            if unit == "d" || unit == "w" {
                self.init(days: ms / Self.day, milliseconds: ms % Self.day)
            } else {
                self.init(exact: ms)
            }
        case .negate(let inner):
            guard let s = CalendarSpan(constant: inner) else { return nil }
            self.init(days: 0 &- s.days, milliseconds: 0 &- s.milliseconds)
        case .binary(let op, let a, let b) where op == .add || op == .subtract:
            guard let x = CalendarSpan(constant: a), let y = CalendarSpan(constant: b) else { return nil }
            self = op == .add ? CalendarSpan(days: x.days &+ y.days, milliseconds: x.milliseconds &+ y.milliseconds)
                : CalendarSpan(days: x.days &- y.days, milliseconds: x.milliseconds &- y.milliseconds)
        default:
            return nil
        }
    }

    /// The sum of the constant durations a TIME expression adds to its one
    /// time operand: `t + 7d + 2h` is 7d + 2h, `t - 1w` is -7d, `2d + t` is
    /// 2d; zero for a time alone; nil when a term is neither that time nor a
    /// constant duration. Only the right operand of `-` can be a duration of
    /// a TIME (`TIME - TIME` is a DURATION, which an `AT` cannot be).
    public init?(addedToTimeIn e: Expr) {
        guard case .binary(let op, let a, let b) = e.kind, op == .add || op == .subtract else {
            self = .zero
            return
        }
        if let right = CalendarSpan(constant: b), let rest = CalendarSpan(addedToTimeIn: a) {
            let sign: Int64 = op == .add ? 1 : -1
            self.init(days: rest.days &+ sign &* right.days, milliseconds: rest.milliseconds &+ sign &* right.milliseconds)
        } else if op == .add, let left = CalendarSpan(constant: a), let rest = CalendarSpan(addedToTimeIn: b) {
            self.init(days: rest.days &+ left.days, milliseconds: rest.milliseconds &+ left.milliseconds)
        } else {
            return nil
        }
    }

    /// True when some of it is counted in local days.
    public var hasDays: Bool { days != 0 }

    /// The span `n` times over (the i-th step of `EVERY 2w`).
    public func times(_ n: Int64) -> CalendarSpan {
        CalendarSpan(days: days.multipliedReportingOverflow(by: n).partialValue,
                     milliseconds: milliseconds.multipliedReportingOverflow(by: n).partialValue)
    }

    /// The length on a day without a DST change: days of 24 hours.
    public var nominalMilliseconds: Int64 {
        let (d, o1) = days.multipliedReportingOverflow(by: Self.day)
        let (sum, o2) = d.addingReportingOverflow(milliseconds)
        if o1 || o2 { return days < 0 ? .min : .max }
        return sum
    }

    /// `7d`, `2d3h`: days, then the exact part in the language's units.
    public var description: String {
        var parts: [String] = []
        if days != 0 { parts.append("\(days)d") }
        if milliseconds != 0 || parts.isEmpty { parts.append(formatDuration(milliseconds)) }
        return parts.joined(separator: " + ")
    }
}

extension ActionDefinition {
    /// The timing of a CALLBACK, RETRY, EMAIL or SMS; nil for other actions.
    var timing: Timing? {
        switch action.kind {
        case .callback(let t, _, _): t
        case .retry(let t): t
        case .email(_, _, let t): t
        case .sms(_, let t): t
        default: nil
        }
    }

    /// The delay of `CALLBACK/RETRY/EMAIL/SMS IN d` as written; nil for
    /// other timings and for a delay that is not constant.
    public var delay: CalendarSpan? {
        guard case .after(let e)? = timing?.kind else { return nil }
        return CalendarSpan(constant: e)
    }

    /// The constant durations an `AT` expression adds to its time, as
    /// written, when they include days: `AT t + 7d` is `t` moved 7 local
    /// days, `AT t + 1w - 30m` a week then 30 minutes back, `AT 2d + t` two
    /// days. Nil for other timings and when no constant day is added (`AT
    /// event.ends_at + 30m` is exact elapsed time).
    public var atOffset: CalendarSpan? {
        guard case .at(let e)? = timing?.kind, let span = CalendarSpan(addedToTimeIn: e), span.hasDays else { return nil }
        return span
    }

    /// The spacing of `EMAIL t1, t2 EVERY d` as written; nil when there is
    /// none or it is not constant.
    public var emailEvery: CalendarSpan? {
        guard case .email(_, let every?, _) = action.kind else { return nil }
        return CalendarSpan(constant: every)
    }
}
