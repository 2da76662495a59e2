// Every message of the checker, one small factory per finding (cel-go's
// checker/errors.go), so the wording stays consistent and reviewable in one
// place. docs/DIAGNOSTICS.md documents each code with a bad and a fixed example.

import RulesLanguage

/// A finding before it is placed in a file.
struct Message {
    let code: String
    let severity: Severity
    let text: String
    var notes: [String] = []
    /// A finding about something missing: an undefined name, a use that
    /// never happens, a declaration or a score range nobody covers. It is
    /// held back when parsing failed, because the missing piece is most
    /// likely the declaration the parser could not read.
    var aboutAbsence = false
}

enum Messages {
    static func didYouMean(_ suggestion: String?) -> [String] {
        suggestion.map { ["did you mean '\($0)'?"] } ?? []
    }

    private static func error(_ code: String, _ text: String, _ notes: [String] = []) -> Message {
        Message(code: code, severity: .error, text: text, notes: notes)
    }

    private static func warning(_ code: String, _ text: String, _ notes: [String] = []) -> Message {
        Message(code: code, severity: .warning, text: text, notes: notes)
    }

    private static func undefined(_ code: String, _ text: String, _ notes: [String]) -> Message {
        var m = error(code, text, notes)
        m.aboutAbsence = true
        return m
    }

    // MARK: - Names (E200-E211, E233)

    static func undefinedName(_ name: String, suggestion: String?, hint: String?) -> Message {
        undefined("E200", "undefined name '\(name)'", didYouMean(suggestion) + (hint.map { [$0] } ?? []))
    }

    static func duplicate(_ kind: String, _ name: String, first: SourceRef) -> Message {
        error("E201", "\(kind) '\(name)' is declared twice", ["first declared at \(first)"])
    }

    static func nameClash(_ kind: String, _ name: String, otherKind: String, first: SourceRef) -> Message {
        let article = otherKind.hasPrefix("E") ? "an" : "a"
        return error("E201", "\(kind) '\(name)' has the same name as \(article) \(otherKind)",
                     ["first declared at \(first)", "fields, lists, tables and events share one namespace; rename one of them"])
    }

    static func duplicateParameter(_ name: String, event: String) -> Message {
        error("E201", "parameter '\(name)' is declared twice in EVENT \(event)")
    }

    static func unknownType(_ name: String, suggestion: String?) -> Message {
        let known = "the types are STRING, NUMBER, BOOL, TIME, DURATION and COUNTRY, with '?' for an optional value"
        return error("E202", "unknown type '\(name)'", didYouMean(suggestion) + [known])
    }

    static func undefinedEvent(_ name: String, suggestion: String?) -> Message {
        undefined("E203", "undefined event '\(name)'",
                  didYouMean(suggestion) + (suggestion == nil ? ["declare it: EVENT \(name)"] : []))
    }

    static func undefinedQueue(_ name: String, suggestion: String?) -> Message {
        undefined("E204", "undefined queue '\(name)'",
                  didYouMean(suggestion) + (suggestion == nil ? ["declare it: QUEUE \(name)"] : []))
    }

    static func undefinedTemplate(_ name: String, channel: TemplateChannel, suggestion: String?) -> Message {
        undefined("E205", "undefined template '\(name)'",
                  didYouMean(suggestion) + (suggestion == nil ? ["declare it: TEMPLATE \(name) \(channel.rawValue)"] : []))
    }

    static func templateChannel(_ name: String, declared: TemplateChannel, usedBy: TemplateChannel,
                                at first: SourceRef) -> Message {
        error("E206", "template '\(name)' is an \(declared.rawValue) template, but \(usedBy.rawValue) sends it",
              ["declared at \(first) as TEMPLATE \(name) \(declared.rawValue)"])
    }

    static func undefinedTier(_ name: String, suggestion: String?) -> Message {
        undefined("E207", "undefined tier '\(name)'", didYouMean(suggestion))
    }

    static func undefinedCadence(_ name: String, suggestion: String?) -> Message {
        undefined("E208", "undefined cadence '\(name)'", didYouMean(suggestion))
    }

    static func undefinedCategory(_ name: String, suggestion: String?) -> Message {
        undefined("E209", "undefined score category '\(name)'", didYouMean(suggestion))
    }

    static func undefinedDisposition(_ code: String, suggestion: String?) -> Message {
        undefined("E210", "undefined disposition code '\(code)'",
                  didYouMean(suggestion) + (suggestion == nil ? ["declare it: DISPOSITION \(code) \"label\": ..."] : []))
    }

    static func undefinedField(_ name: String, suggestion: String?) -> Message {
        undefined("E211", "undefined field '\(name)'",
                  didYouMean(suggestion) + (suggestion == nil ? ["declare it: FIELD \(name): STRING"] : []))
    }

    static func redeclaresBuiltin(_ kind: String, _ name: String, builtinKind: String) -> Message {
        error("E233", "\(kind) '\(name)' redeclares the \(builtinKind) '\(name)'",
              ["choose another name; built-in names are always defined"])
    }

    // MARK: - Types (E212-E221)

    static func incompatibleOperands(_ op: String, _ left: RuleType, _ right: RuleType,
                                     notes: [String] = []) -> Message {
        error("E212", "cannot compare \(left) with \(right) using '\(op)'", notes)
    }

    static func unorderedOperands(_ op: String, _ found: RuleType) -> Message {
        error("E212", "'\(op)' needs NUMBER, DURATION or TIME operands, found \(found)")
    }

    static func badArithmetic(_ op: String, _ left: RuleType, _ right: RuleType) -> Message {
        error("E212", "'\(op)' cannot combine \(left) and \(right)",
              ["'+' and '-' take NUMBER and NUMBER, DURATION and DURATION, or TIME and DURATION (TIME - TIME is a DURATION)"])
    }

    static func badNegation(_ found: RuleType) -> Message {
        error("E212", "'-' cannot negate \(found)", ["only a NUMBER or a DURATION can be negated"])
    }

    static func notBool(_ what: String, found: RuleType, hint: String?) -> Message {
        error("E213", "\(what) must be BOOL, found \(found)", hint.map { [$0] } ?? [])
    }

    static func wrongType(_ what: String, expected: String, found: RuleType, notes: [String] = []) -> Message {
        error("E214", "\(what) needs \(expected), found \(found)", notes)
    }

    static func notAList(_ found: RuleType) -> Message {
        error("E215", "'IN' needs a list on its right, found \(found)",
              ["write a list such as [\"GB\", \"AU\"] or the name of a LIST"])
    }

    static func membershipMismatch(_ left: RuleType, _ list: RuleType) -> Message {
        error("E215", "cannot look for a \(left) in a \(list)")
    }

    static func rangeBounds(_ left: RuleType, _ bound: RuleType) -> Message {
        error("E216", "range bounds must have the type of the value tested (\(left)), found \(bound)")
    }

    static func unorderedRange(_ found: RuleType) -> Message {
        error("E216", "a range needs a NUMBER, DURATION or TIME to test, found \(found)")
    }

    static func emptyRange(_ low: String, _ high: String) -> Message {
        error("E216", "range \(low)-\(high) is empty: its low bound is above its high bound",
              ["write the low bound first, as in \(high)-\(low)"])
    }

    static func unknownFunction(_ name: String, suggestion: String?) -> Message {
        error("E217", "unknown function '\(name)'",
              didYouMean(suggestion) + ["the functions are count, seen, first, last, present, domain and points"])
    }

    static func arity(_ name: String, found: Int) -> Message {
        error("E218", "\(name)() takes 1 argument, found \(found)")
    }

    static func argumentKind(_ function: String, expected: String, example: String) -> Message {
        error("E219", "\(function)() needs \(expected), as in \(example)")
    }

    static func eventFieldOutsideTrigger(_ name: String) -> Message {
        error("E220", "'event.\(name)' is only available in an ON trigger or a DISPOSITION",
              ["there is no event being handled here"])
    }

    static func noSuchParameter(_ name: String, event: String, params: [String], suggestion: String?) -> Message {
        let list = params.isEmpty ? "EVENT \(event) declares no parameters"
                                  : "EVENT \(event) has \(params.joined(separator: ", "))"
        return error("E221", "event '\(event)' has no parameter '\(name)'", didYouMean(suggestion) + [list])
    }

    // MARK: - Domain values (E222-E237)

    static func unknownPriority(_ word: String, suggestion: String?) -> Message {
        error("E222", "unknown priority '\(word)'", didYouMean(suggestion) + [
            "priorities are IMMEDIATE, URGENT, HIGH, NORMAL, LOW, AUTOMATED or WITHIN_<n>_<MINUTES|HOURS|DAYS>",
        ])
    }

    static func unknownDialMode(_ word: String, suggestion: String?) -> Message {
        error("E223", "unknown dial mode '\(word)'",
              didYouMean(suggestion) + ["dial modes are \(Builtins.dialModes.joined(separator: ", "))"])
    }

    static func unknownDay(_ word: String, suggestion: String?) -> Message {
        error("E224", "unknown day '\(word)'", didYouMean(suggestion) + ["days are MON TUE WED THU FRI SAT SUN"])
    }

    static func backwardsDays(_ first: String, _ last: String) -> Message {
        let head = first == "SUN" ? "SUN" : "\(first)-SUN"
        let tail = last == "MON" ? "MON" : "MON-\(last)"
        return error("E225", "day span \(first)-\(last) runs backwards",
                     ["spans run from Monday to Sunday; split it, as in \(head), \(tail)"])
    }

    static func emptyWindow(_ start: String, _ end: String) -> Message {
        error("E226", "calling window \(start)-\(end) ends before it starts",
              ["the end must be after the start (24:00 is the end of the day)"])
    }

    static func dispositionCodeFormat(_ code: String) -> Message {
        error("E227", "disposition code '\(code)' is not a letter followed by two digits",
              ["codes look like C01, V01, N02, D01"])
    }

    static func emptyLabel(_ code: String) -> Message {
        error("E228", "disposition \(code) has an empty label", ["say what happened, as in \"Voicemail left\""])
    }

    static func duplicateSingleton(_ what: String, first: SourceRef) -> Message {
        error("E229", "\(what) is declared twice", ["first declared at \(first); merge them into one line"])
    }

    static func cadenceDayRange(_ first: String, _ last: String) -> Message {
        error("E230", "cadence window DAYS \(first)-\(last) must run from a first day to a later or equal last day within 1-365",
              ["lead age is counted in whole days from 1 (the first 24 hours) to 365"])
    }

    static func durationNotPositive(_ what: String, _ found: String) -> Message {
        error("E231", "\(what) must be a positive duration, found \(found)")
    }

    static func durationNotConstant(_ what: String) -> Message {
        error("E231", "\(what) must be a fixed duration such as 60s or 2h",
              ["it is applied to every lead, so it cannot depend on the lead or the event"])
    }

    static func maxNotPositive(_ category: String, _ found: String) -> Message {
        error("E232", "MAX of score category '\(category)' must be a positive number, found \(found)")
    }

    static func notLiteral(_ what: String) -> Message {
        error("E234", "\(what) must be a literal (a string, number, duration or TRUE/FALSE)")
    }

    static func mixedItems(_ what: String, _ first: RuleType, _ other: RuleType, noun: String = "items") -> Message {
        error("E234", "\(what) mixes \(first) and \(other) \(noun)", ["all \(noun) of \(what) must have one type"])
    }

    static func blockChannel(_ found: String) -> Message {
        error("E235", "BLOCK \(found) is not a channel", ["channels are \"phone\", \"email\", \"sms\" and \"all\""])
    }

    static func repeatedRouteStatement(_ what: String, first: SourceRef) -> Message {
        error("E236", "the route sets \(what) twice", ["first set at \(first)"])
    }

    static func missingAssign() -> Message {
        error("E236", "the route has no ASSIGN TO", ["every route names the queue it sends leads to"])
    }

    static func callsPerWeek(_ text: String) -> Message {
        error("E237", "CALL \(text) PER WEEK needs whole numbers from 1, the smaller first")
    }
}
