// A lead's history as the store keeps it: one entry per engine step, with
// the rules version that ran it and the explanation lines (file:line).

import RulesEngine

/// One step of a lead's history as stored: the input, the rules version
/// that ran it and the engine's explanation (each line with its file:line).
public struct HistoryEntry: Sendable, Hashable, Codable {
    /// The input's time (an event's `at`, a timer's due), ms since the epoch.
    public var at: Int64
    /// `event` or `timer` or `reevaluation` (a reload re-evaluated the lead).
    public var input: String
    /// The event id, the timer id, or the new rules version.
    public var inputID: String
    /// The event type or the timer purpose.
    public var what: String
    /// Content hash of the rules version that ran the step.
    public var rulesVersion: String
    public var lines: [ExplanationLine]
    /// Ids of the tasks the step issued.
    public var tasks: [String]
    public init(at: Int64, input: String, inputID: String, what: String, rulesVersion: String,
                lines: [ExplanationLine], tasks: [String]) {
        self.at = at
        self.input = input
        self.inputID = inputID
        self.what = what
        self.rulesVersion = rulesVersion
        self.lines = lines
        self.tasks = tasks
    }
}

extension ExplanationLine: Codable {
    private enum Key: String, CodingKey { case rule, text }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        self.init(rule: try c.decodeIfPresent(String.self, forKey: .rule), text: try c.decode(String.self, forKey: .text))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encodeIfPresent(rule, forKey: .rule)
        try c.encode(text, forKey: .text)
    }
}
