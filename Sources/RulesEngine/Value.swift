// Run-time values of the rules language. Times are instants in milliseconds
// since the Unix epoch (UTC); the engine never reads a clock, so every
// instant comes from an event or from the caller's `now`.

/// A value a rule expression can produce or read.
public enum Value: Sendable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
    /// Milliseconds since 1970-01-01T00:00:00Z.
    case time(Int64)
    /// Milliseconds.
    case duration(Int64)
    case list([Value])
    /// A field the lead does not have, or an event never seen. Conditions on
    /// a missing value are false (docs/LANGUAGE.md, "Missing values").
    case missing
}
