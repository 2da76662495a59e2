// From an events file to the order the engine sees them: per lead, in time
// order. Files come in any order — senders batch, retry and replay — so an
// event's place in the file says nothing about when it happened; `at` does.
// Events with the same `at` keep their file order, so a replay is the same
// on every run.
//
// A lead exists from its `lead_created` event on. Events for a lead that has
// none anywhere in the file cannot be applied: each is an error naming its
// line. Cut off at a time (`until`), a lead created later does not exist yet
// and is left out, with its events.

import RulesLanguage

/// The events of one lead in the order they are applied.
public struct LeadHistory: Sendable, Hashable {
    public let leadID: String
    /// By `at`; events at the same time in file order.
    public let events: [DecodedEvent]

    /// Every lead of `log` that exists at `until` (all of them when nil),
    /// sorted by lead id (`precedes`), each with its events at or before
    /// `until`; and an error for every event of a lead never created.
    public static func histories(of log: EventLog, path: String, until: Int64? = nil)
        -> (histories: [LeadHistory], issues: [EventIssue]) {
        var byLead: [String: [DecodedEvent]] = [:]
        for decoded in log.events { byLead[decoded.event.leadID, default: []].append(decoded) }
        var histories: [LeadHistory] = []
        var issues: [EventIssue] = []
        for (leadID, events) in byLead {
            guard events.contains(where: { $0.event.type == LeadHistory.creation }) else {
                issues += events.map { decoded in
                    EventIssue(path: path, line: decoded.line, severity: .error, field: "lead_id",
                               message: "no \(LeadHistory.creation) event for lead \(Quote.text(leadID)) in the file")
                }
                continue
            }
            let applied = events.filter { decoded in until.map { decoded.event.at <= $0 } ?? true }
                .enumerated().sorted { a, b in
                    a.element.event.at != b.element.event.at ? a.element.event.at < b.element.event.at : a.offset < b.offset
                }.map(\.element)
            guard applied.contains(where: { $0.event.type == LeadHistory.creation }) else { continue }
            histories.append(LeadHistory(leadID: leadID, events: applied))
        }
        histories.sort { LeadHistory.precedes($0.leadID, $1.leadID) }
        issues.sort { $0.line < $1.line }
        return (histories, issues)
    }

    /// Lead id order: digit runs compare by their value, so `L2` comes
    /// before `L10`; everything else, and ties such as `L02`/`L2`, byte-wise.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        var i = a.utf8[...], j = b.utf8[...]
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        while let x = i.first, let y = j.first {
            if isDigit(x) && isDigit(y) {
                let p = i.prefix(while: isDigit), q = j.prefix(while: isDigit)
                i = i.dropFirst(p.count)
                j = j.dropFirst(q.count)
                let p1 = p.drop { $0 == 0x30 }, q1 = q.drop { $0 == 0x30 }
                if p1.count != q1.count { return p1.count < q1.count }
                if !p1.elementsEqual(q1) { return p1.lexicographicallyPrecedes(q1) }
            } else {
                if x != y { return x < y }
                i = i.dropFirst()
                j = j.dropFirst()
            }
        }
        if i.isEmpty != j.isEmpty { return i.isEmpty }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// The event that brings a lead into existence.
    public static let creation = "lead_created"
}
