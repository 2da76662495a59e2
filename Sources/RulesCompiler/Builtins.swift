// The vocabulary every playbook has without declaring it (docs/LANGUAGE.md §6)
// and the closed sets of words some positions accept.

enum Builtins {
    /// Built-in values: facts the engine keeps about every lead.
    static let values: [String: RuleType] = [
        "lead_score": .number, "lead_age": .duration, "lead_tier": .string,
        "lead_status": .string, "attempts": .number, "now": .time,
    ]

    /// Capture fields, set from the `lead_created` event.
    static let captureFields: [String: RuleType] = [
        "name": .string, "email": .string, "phone": .string, "language": .string,
        "source": .string, "campaign": .string, "timezone": .string,
        "country": .country, "ip_country": .country, "registered_at": .time,
    ]

    enum Argument {
        case event, field, string, category
    }

    struct Function {
        let name: String
        let argument: Argument
        let result: RuleType
    }

    static let functions: [String: Function] = Dictionary(uniqueKeysWithValues: [
        Function(name: "count", argument: .event, result: .number),
        Function(name: "seen", argument: .event, result: .bool),
        Function(name: "first", argument: .event, result: .time),
        Function(name: "last", argument: .event, result: .time),
        Function(name: "present", argument: .field, result: .bool),
        Function(name: "domain", argument: .string, result: .string),
        Function(name: "points", argument: .category, result: .number),
    ].map { ($0.name, $0) })

    static let fixedPriorities: [String: Priority] = [
        "IMMEDIATE": .immediate, "URGENT": .urgent, "HIGH": .high, "NORMAL": .normal,
        "LOW": .low, "AUTOMATED": .automated,
    ]

    /// Priority words for "did you mean" (the WITHIN_n_UNIT family by example).
    static let priorityExamples = ["IMMEDIATE", "URGENT", "HIGH", "NORMAL", "LOW", "AUTOMATED",
                                   "WITHIN_15_MINUTES", "WITHIN_2_HOURS", "WITHIN_1_DAYS"]

    private static let withinUnits: [String: Int64] = [
        "MINUTE": 60_000, "MINUTES": 60_000, "HOUR": 3_600_000, "HOURS": 3_600_000,
        "DAY": 86_400_000, "DAYS": 86_400_000,
    ]

    /// `IMMEDIATE` ... `AUTOMATED` or `WITHIN_<n>_<MINUTES|HOURS|DAYS>`, any letter case.
    static func priority(_ word: String) -> Priority? {
        let upper = word.uppercased()
        if let p = fixedPriorities[upper] { return p }
        let parts = upper.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "WITHIN", let n = Int64(parts[1]), n > 0, n < 1_000_000,
              let unit = withinUnits[String(parts[2])] else { return nil }
        return .within(milliseconds: n * unit)
    }

    static let dialModes = ["power_dialer", "predictive_dialer", "progressive_dialer", "preview_dialer",
                            "manual", "none"]

    /// The values of `lead_status`.
    static let statuses = ["open", "quarantined", "nurturing", "converted", "closed"]

    /// The channels `BLOCK <expr>` accepts as strings.
    static let channels = ["phone", "email", "sms", "all"]

    /// The event whose arrival runs a DISPOSITION.
    static let callOutcome = "call_outcome"

    /// Day names, Monday first, as written in CALLING HOURS and BUSINESS DAYS.
    static let days = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"]
}
