// The lint warnings (W3xx): what is legal but almost certainly not what the
// playbook's author meant. Same one-factory-per-finding rule as Messages.swift.

import RulesLanguage

extension Messages {
    private static func warning(_ code: String, _ text: String, _ notes: [String] = []) -> Message {
        Message(code: code, severity: .warning, text: text, notes: notes)
    }

    /// A warning about something missing (see `Message.aboutAbsence`).
    private static func absence(_ code: String, _ text: String, _ notes: [String] = []) -> Message {
        var m = warning(code, text, notes)
        m.aboutAbsence = true
        return m
    }

    static func pointsAboveCap(_ category: String, total: Double, max: Double) -> Message {
        warning("W300", "the rows of score category '\(category)' can add up to \(formatNumber(total)) points, above its MAX \(formatNumber(max))",
                ["the cap applies: the category never gives more than \(formatNumber(max))"])
    }

    static func unboundedPoints(_ category: String) -> Message {
        warning("W301", "the points of this row of '\(category)' are not bounded",
                ["use a number or a TABLE of numbers so that `rules check` can compare the category with its MAX"])
    }

    static func tierGap(_ scores: String, domain: String) -> Message {
        absence("W302", "tiers leave lead_score \(scores) uncovered",
                ["lead_score runs \(domain); a lead with such a score has no tier (only tiers whose condition tests lead_score alone are counted)"])
    }

    static func tierOverlap(_ first: String, _ second: String, _ scores: String, firstAt: SourceRef) -> Message {
        warning("W303", "tiers '\(first)' and '\(second)' overlap at lead_score \(scores)",
                ["tier '\(first)' is declared at \(firstAt)"])
    }

    static func shadowedRoute(by earlier: [SourceRef]) -> Message {
        // `earlier` holds up to four routes; three are named, a fourth shows as "...".
        let list = earlier.prefix(3).map(\.description).joined(separator: ", ")
        let text = earlier.count == 1 ? "the route at \(list) matches first"
                                      : "the routes at \(list)\(earlier.count > 3 ? ", ..." : "") match first"
        return warning("W304", "route can never match: \(text)",
                       ["the first matching route wins; move this route above, or narrow the earlier one"])
    }

    static func unroutedScores(_ scores: ScoreSet) -> Message {
        var notes = ["only routes whose condition tests lead_score alone (or is TRUE) are counted"]
        if let first = scores.intervals.first {
            let test = first.upperBound >= ScoreSet.highest ? ">= \(first.lowerBound)"
                : first.lowerBound == first.upperBound ? "= \(first.lowerBound)"
                : "\(first.lowerBound)-\(first.upperBound)"
            notes.append("add a route for them, such as IF lead_score \(test):")
        }
        return absence("W305", "routes leave lead_score \(scores) unrouted", notes)
    }

    static func notCountryCode(_ value: String, suggestion: (code: String, why: String?)?) -> Message {
        guard let s = suggestion else {
            return warning("W306", "'\(value)' is not an ISO 3166-1 alpha-2 country code")
        }
        let named = CountryCodes.name(of: s.code).map { " (\($0))" } ?? ""
        return warning("W306", "'\(value)' is not an ISO 3166-1 alpha-2 code; did you mean '\(s.code)'\(named)?",
                       s.why.map { [$0] } ?? [])
    }

    static func cadenceOverlap(_ name: String, _ other: String, days: String, otherAt: SourceRef) -> Message {
        warning("W307", "cadences '\(other)' and '\(name)' overlap on days \(days)",
                ["cadence '\(other)' is declared at \(otherAt); a lead is in one cadence at a time"])
    }

    static func noCallingHours() -> Message {
        absence("W308", "calls are scheduled but no CALLING HOURS are defined",
                ["declare when leads may be called, in their local time, as in CALLING HOURS MON-FRI 09:00-20:00"])
    }

    static func predictiveOnValuableLeads(_ scores: String) -> Message {
        warning("W309", "predictive_dialer on a route that can match lead_score \(scores)",
                ["never use predictive dialers on high-value or recently registered leads: use power_dialer for scores of 40 and above"])
    }

    static func unused(_ kind: String, _ name: String) -> Message {
        absence("W310", "\(kind) '\(name)' is declared but never used")
    }

    static func unknownTierName(_ value: String, suggestion: String?) -> Message {
        warning("W311", "no tier is named '\(value)', so lead_tier is never \"\(value)\"", didYouMean(suggestion))
    }

    static func unknownStatus(_ value: String, suggestion: String?) -> Message {
        warning("W312", "lead_status is never \"\(value)\"",
                didYouMean(suggestion) + ["statuses are \(Builtins.statuses.map { "\"\($0)\"" }.joined(separator: ", "))"])
    }

    static func escalateToNurtureTier(_ tier: String) -> Message {
        warning("W313", "ESCALATE TO '\(tier)' makes no call: tier '\(tier)' is a NURTURE tier",
                ["escalate to a tier with CALL WITHIN"])
    }

    static func dispositionsWithoutOutcome() -> Message {
        absence("W314", "DISPOSITION codes are declared but no EVENT call_outcome(code: STRING)",
                ["the dialer reports call outcomes as call_outcome events; declare it so the codes can run"])
    }

    static func impossibleScore(_ what: String, domain: String) -> Message {
        warning("W315", "\(what) can never match: lead_score runs \(domain)")
    }
}
