// The `data` of one event, checked against what the playbook declares for
// it: the parameters of its EVENT, and for `lead_created` also the capture
// fields and the declared FIELDs (docs/EVENTS.md). A key the playbook does
// not know is a warning — senders add fields before the playbook reads
// them — but a value of the wrong type, or a required value left out, is an
// error: the rules would read something other than what was sent.
//
// JSON forms of the language's types:
//
//   STRING    a string
//   NUMBER    a number
//   BOOL      true or false
//   TIME      an RFC 3339 string with a zone (Timestamp.swift)
//   DURATION  a string of the language's duration literals ("15m", "1h30m",
//             "500ms") or a whole number of milliseconds
//   COUNTRY   an ISO 3166-1 alpha-2 code ("GB"); "UK" and lower case are
//             read as the code with a warning
//
// `null` is a missing value, allowed only where the type is optional (`T?`).

import RulesCompiler
import RulesLanguage

struct EventPayload {
    let program: Program
    let event: EventDefinition

    /// What the event's data may hold, by key.
    private var declared: [String: DeclaredType] {
        var out: [String: DeclaredType] = [:]
        if event.name == "lead_created" {
            for (name, field) in program.fields { out[name] = field.type }
        }
        for param in event.params { out[param.name] = param.type }
        return out
    }

    func decode(_ data: JSONValue?, _ issues: inout LineIssues) -> [String: Value] {
        let declared = self.declared
        var members: [JSONMember] = []
        switch data {
        case nil: break
        case .object(let m)?: members = m
        case let other?:
            issues.error("data", "expected an object, found \(Quote.json(other))")
            return [:]
        }
        var out: [String: Value] = [:]
        var given = Set<String>()
        for member in members {
            let field = "data.\(member.key)"
            guard given.insert(member.key).inserted else {
                issues.error(field, "given twice")
                continue
            }
            guard let type = declared[member.key] else {
                unknownKey(member.key, declared: declared.keys, &issues)
                continue
            }
            if let value = Self.value(member.value, type, field: field, &issues) { out[member.key] = value }
        }
        for (name, type) in declared.sorted(by: { $0.key < $1.key }) where !type.optional && !given.contains(name) {
            let rule = event.params.contains { $0.name == name }
                ? "\(event.name) requires \(name): \(type)" : "FIELD \(name): \(type) is not optional"
            issues.error("data.\(name)", "missing; \(rule)")
        }
        return out
    }

    private func unknownKey(_ key: String, declared: some Sequence<String>, _ issues: inout LineIssues) {
        let what = event.name == "lead_created"
            ? "not a capture field, a declared FIELD or a parameter of lead_created"
            : "not a parameter of EVENT \(event.name)"
        let guess = Suggestion.closest(to: key, among: declared)
        issues.warning("data.\(key)", "\(what); ignored", notes: guess.map { ["did you mean '\($0)'?"] } ?? [])
    }

    /// The value of one key, or nil with an error reported.
    static func value(_ json: JSONValue, _ declared: DeclaredType, field: String,
                      _ issues: inout LineIssues) -> Value? {
        if case .null = json {
            guard declared.optional else {
                issues.error(field, "null, but the type \(declared) is not optional")
                return nil
            }
            return .missing
        }
        func wrong() -> Value? {
            issues.error(field, "expected \(expectation(declared.type)), found \(Quote.json(json))")
            return nil
        }
        switch (declared.type, json) {
        case (.string, .string(let s)): return .string(s)
        case (.number, .number(let n)): return .number(n)
        case (.bool, .bool(let b)): return .bool(b)
        case (.time, .string(let s)):
            do {
                return .time(try Timestamp.parse(s))
            } catch {
                issues.error(field, "time \(Quote.text(s)) \(error)")
                return nil
            }
        case (.duration, .string(let s)):
            guard let ms = DurationText.milliseconds(s) else {
                issues.error(field, "duration \(Quote.text(s)) is not like \"15m\", \"2h\" or \"1h30m\"")
                return nil
            }
            return .duration(ms)
        case (.duration, .number(let n)):
            guard n >= 0, n == n.rounded(), n < 9e15 else {
                issues.error(field, "a duration in milliseconds must be a whole number, 0 or more; found \(JSON.number(n))")
                return nil
            }
            return .duration(Int64(n))
        case (.country, .string(let s)): return country(s, field: field, &issues)
        default: return wrong()
        }
    }

    private static func expectation(_ type: RuleType) -> String {
        switch type {
        case .string: "a string (STRING)"
        case .number: "a number (NUMBER)"
        case .bool: "true or false (BOOL)"
        case .time: "an RFC 3339 time string (TIME)"
        case .duration: "a duration such as \"15m\" or milliseconds (DURATION)"
        case .country: "an ISO 3166-1 alpha-2 code string (COUNTRY)"
        default: "\(type)"
        }
    }

    private static func country(_ s: String, field: String, _ issues: inout LineIssues) -> Value? {
        guard let code = CountryCode.normalize(s) else {
            issues.error(field, "\(Quote.text(s)) is not an ISO 3166-1 alpha-2 country code")
            return nil
        }
        if code != s {
            let why = s.uppercased().filter { !$0.isWhitespace } == "UK"
                ? "; \"UK\" is not an ISO 3166-1 code" : ""
            issues.warning(field, "country \(Quote.text(s)) read as \(Quote.text(code))\(why)")
        }
        return .string(code)
    }
}

/// Durations as the rules language writes them: one or more `<digits><unit>`
/// with the units ms, s, m, h, d and w (`90s`, `15m`, `1h30m`).
enum DurationText {
    private static let units: [(suffix: String, ms: Int64)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000), ("w", 604_800_000),
    ]

    static func milliseconds(_ text: String) -> Int64? {
        var rest = Substring(text)
        var total: Int64 = 0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 12, let n = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            // Longest suffix first, so `ms` is not read as `m` then `s`.
            guard let unit = units.sorted(by: { $0.suffix.count > $1.suffix.count })
                .first(where: { rest.hasPrefix($0.suffix) }) else { return nil }
            rest = rest.dropFirst(unit.suffix.count)
            let (product, overflow) = n.multipliedReportingOverflow(by: unit.ms)
            guard !overflow, total <= Int64.max / 2 - product else { return nil }
            total += product
        }
        return total
    }
}
