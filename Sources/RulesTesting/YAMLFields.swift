// Reading typed values out of YAML mappings, reporting every problem at its
// position instead of stopping at the first: a key that is not part of the
// format (with a did-you-mean), a missing key, a value of the wrong kind.

import Foundation

/// The keys of one mapping, checked against the keys its context allows.
struct YAMLFields {
    let context: String
    let mark: TestMark
    private var pairs: [String: YAMLPair] = [:]

    /// Unknown keys are reported into `issues` and left out.
    init(_ value: YAMLValue, context: String, allowed: [String], key: String, issues: inout IssueList) {
        self.context = context
        self.mark = value.mark
        guard case .mapping(let list, _) = value else {
            issues.add(Messages.expected("a mapping", for: key, found: value))
            return
        }
        for pair in list {
            guard allowed.contains(pair.key) else {
                issues.add(Messages.unknownKey(pair.key, in: context, allowed: allowed, pair.keyMark))
                continue
            }
            pairs[pair.key] = pair
        }
    }

    /// The value of `key`, nil when absent (null counts as given).
    subscript(key: String) -> YAMLValue? { pairs[key]?.value }

    func keyMark(_ key: String) -> TestMark? { pairs[key]?.keyMark }

    func has(_ key: String) -> Bool { pairs[key] != nil }

    /// The value of a required key, or an error at the mapping.
    func required(_ key: String, _ issues: inout IssueList) -> YAMLValue? {
        guard let value = pairs[key]?.value else {
            issues.add(Messages.missingKey(key, in: context, mark))
            return nil
        }
        return value
    }

    // MARK: - Typed values

    /// Text: any scalar but null.
    func text(_ key: String, _ issues: inout IssueList) -> Located<String>? {
        guard let value = self[key] else { return nil }
        return Self.text(value, key: key, &issues)
    }

    static func text(_ value: YAMLValue, key: String, _ issues: inout IssueList) -> Located<String>? {
        guard case .scalar(let s, _, let mark) = value, !value.isNull, !s.trimmingCharacters(in: .whitespaces).isEmpty else {
            issues.add(Messages.expected("text", for: key, found: value))
            return nil
        }
        return Located(s, mark)
    }

    /// Text, or nil for an explicit null (`tier: null`: no tier).
    func textOrNull(_ key: String, _ issues: inout IssueList) -> Located<String>?? {
        guard let value = self[key] else { return nil }
        if value.isNull { return .some(nil) }
        return Self.text(value, key: key, &issues).map { .some($0) }
    }

    func number(_ key: String, _ issues: inout IssueList) -> Double? {
        guard let value = self[key] else { return nil }
        return Self.number(value, key: key, &issues)
    }

    static func number(_ value: YAMLValue, key: String, _ issues: inout IssueList) -> Double? {
        guard case .scalar(let s, true, _) = value, let n = Double(s.trimmingCharacters(in: .whitespaces)),
              n.isFinite else {
            issues.add(Messages.expected("a number", for: key, found: value))
            return nil
        }
        return n
    }

    /// A whole number, 0 or more.
    func count(_ key: String, _ issues: inout IssueList) -> Int? {
        guard let value = self[key] else { return nil }
        guard case .scalar(let s, true, _) = value, let n = Int(s.trimmingCharacters(in: .whitespaces)), n >= 0 else {
            issues.add(Messages.notPositive(key, value.mark))
            return nil
        }
        return n
    }

    /// `3` or `2-3`: whole numbers, 0 or more, the first not above the second.
    func countRange(_ key: String, _ issues: inout IssueList) -> ClosedRange<Int>? {
        guard let value = self[key] else { return nil }
        if case .scalar(let s, true, _) = value {
            let parts = s.split(separator: "-", omittingEmptySubsequences: false)
                .map { Int($0.trimmingCharacters(in: .whitespaces)) }
            if parts.count == 1, let n = parts[0], n >= 0 { return n...n }
            if parts.count == 2, let a = parts[0], let b = parts[1], a >= 0, a <= b { return a...b }
        }
        issues.add(Messages.badCount(key, value.mark))
        return nil
    }

    func bool(_ key: String, _ issues: inout IssueList) -> Bool? {
        guard let value = self[key] else { return nil }
        if case .scalar(let s, true, _) = value {
            switch s {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        issues.add(Messages.expected("true or false", for: key, found: value))
        return nil
    }

    func time(_ key: String, _ issues: inout IssueList) -> Located<TestTime>? {
        guard let text = text(key, &issues) else { return nil }
        do {
            return Located(try TestTime(parsing: text.value), text.mark)
        } catch {
            issues.add(Messages.badTime(key, error.description, text.mark))
            return nil
        }
    }

    /// A duration such as `60s` or `2h`, in milliseconds.
    func duration(_ key: String, _ issues: inout IssueList) -> Int64? {
        guard let text = text(key, &issues) else { return nil }
        do {
            return try TestTime.duration(parsing: text.value)
        } catch {
            issues.add(Messages.badTime(key, error.description.replacingOccurrences(of: "offset", with: "duration"),
                                        text.mark))
            return nil
        }
    }

    /// One of a fixed set of words.
    func word(_ key: String, among allowed: [String], _ issues: inout IssueList) -> Located<String>? {
        guard let text = text(key, &issues) else { return nil }
        guard allowed.contains(text.value) else {
            issues.add(Messages.unknownWord(key, text.value, allowed: allowed, text.mark))
            return nil
        }
        return text
    }

    /// A list; a single mapping is read as a list of one.
    func list(_ key: String, _ issues: inout IssueList) -> [YAMLValue]? {
        guard let value = self[key] else { return nil }
        switch value {
        case .sequence(let items, _): return items
        case .mapping: return [value]
        case .scalar: 
            issues.add(Messages.expected("a list", for: key, found: value))
            return nil
        }
    }
}
