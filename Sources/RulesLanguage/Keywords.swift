// Keywords are case-insensitive. Reserved words can never be names; the many
// other keywords (ASSIGN, PRIORITY, CALLBACK, ...) are contextual: they are
// keywords only where the grammar expects them.

public enum Keywords {
    /// Words that start a declaration or belong to expressions. Using one as a
    /// name is error E101.
    public static let reserved: Set<String> = [
        "EVENT", "FIELD", "LIST", "TABLE", "QUEUE", "TEMPLATE", "SCORE", "TIER", "IF", "ON",
        "CADENCE", "DISPOSITION", "CALLING", "BUSINESS", "HOLIDAYS", "QUARANTINE",
        "AND", "OR", "NOT", "IN", "BETWEEN", "TRUE", "FALSE", "WHEN", "WHERE",
    ]

    /// Declaration keywords, for "did you mean" on an unknown line start.
    public static let declarationStarts: [String] = [
        "EVENT", "FIELD", "LIST", "TABLE", "QUEUE", "TEMPLATE", "SCORE", "TIER", "IF", "ON",
        "CADENCE", "DISPOSITION", "CALLING HOURS", "BUSINESS DAYS", "HOLIDAYS", "QUARANTINE",
    ]

    /// Action keywords, for "did you mean" on an unknown action.
    public static let actionStarts: [String] = [
        "CALLBACK", "RETRY", "EMAIL", "SMS", "HANDOFF", "CLOSE", "CONVERT", "BLOCK", "NURTURE",
        "REMOVE", "FLAG", "ESCALATE", "RELEASE",
    ]

    public static func isReserved(_ word: String) -> Bool {
        reserved.contains(word.uppercased())
    }

    /// Day names accepted in CALLING HOURS and BUSINESS DAYS, Monday first.
    public static let days: [String] = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]

    /// Type names accepted after ':' in EVENT parameters and FIELD declarations.
    public static let types: [String] = ["STRING", "NUMBER", "BOOL", "TIME", "DURATION", "COUNTRY"]
}
