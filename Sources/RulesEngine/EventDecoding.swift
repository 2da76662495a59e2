// Reading an events file (JSON Lines, one event per line; docs/EVENTS.md)
// into `Event`s checked against the playbook. Every fault is reported with
// its line and field, and one line's faults never hide another line's:
// the caller gets every event that could be read and every issue found, and
// decides (`rules eval` refuses the whole file when there is an error).
//
// The envelope (`id`, `lead_id`, `type`, `at`, `data`) is checked here; the
// payload against the event's declared parameters in EventPayload.swift.

import RulesCompiler
import RulesLanguage

/// A problem with one line of an events file.
public struct EventIssue: Sendable, Hashable, CustomStringConvertible {
    public let path: String
    /// 1-based.
    public let line: Int
    public let severity: Severity
    /// The field at fault (`at`, `data.ends_at`), nil for the whole line.
    public let field: String?
    public let message: String
    /// Extra lines such as "did you mean 'demo_trade'?".
    public let notes: [String]

    public init(path: String, line: Int, severity: Severity, field: String?, message: String, notes: [String] = []) {
        self.path = path
        self.line = line
        self.severity = severity
        self.field = field
        self.message = message
        self.notes = notes
    }

    /// `events.jsonl:7: error: field 'at': time "…" has no zone …`, then one
    /// `  note: …` line per note.
    public var description: String {
        var text = "\(path):\(line): \(severity.rawValue): "
        if let field { text += "field '\(field)': " }
        text += message
        for note in notes { text += "\n  note: \(note)" }
        return text
    }
}

/// An event and the line it was read from.
public struct DecodedEvent: Sendable, Hashable {
    public let line: Int
    public let event: Event
}

/// What an events file held: the events that could be read, in file order,
/// and the issues found on the way.
public struct EventLog: Sendable {
    public internal(set) var events: [DecodedEvent] = []
    /// In line order; at most `EventDecoder.issueLimit`, the rest counted in `droppedIssues`.
    public internal(set) var issues: [EventIssue] = []
    public internal(set) var droppedIssues = 0
    /// Events ignored because an earlier line had the same id.
    public internal(set) var duplicates = 0

    public var errorCount: Int { issues.count { $0.severity == .error } + droppedIssues }
    public var hasErrors: Bool { errorCount > 0 }

    mutating func report(_ issue: EventIssue) {
        if issues.count < EventDecoder.issueLimit { issues.append(issue) } else { droppedIssues += 1 }
    }
}

/// Decodes JSON Lines events against a playbook's EVENT and FIELD declarations.
public struct EventDecoder: Sendable {
    /// Issues kept per file, so that a file of junk cannot exhaust memory.
    public static let issueLimit = 10_000
    static let envelopeKeys = ["id", "lead_id", "type", "at", "data"]

    public let program: Program

    public init(program: Program) {
        self.program = program
    }

    /// Every event of `bytes` (a whole file), with the issues found. Blank
    /// lines are skipped; a line ends at LF, and a CR before it is dropped.
    public func decode(_ bytes: [UInt8], path: String) -> EventLog {
        var log = EventLog()
        var firstLine: [String: Int] = [:]
        var start = 0, line = 0
        // A byte-order mark is not part of the first event.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        while start < bytes.count {
            line += 1
            let newline = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            var end = newline
            if end > start && bytes[end - 1] == 0x0D { end -= 1 }
            decodeLine(bytes[start..<end], line: line, path: path, firstLine: &firstLine, into: &log)
            start = newline + 1
        }
        return log
    }

    private func decodeLine(_ bytes: ArraySlice<UInt8>, line: Int, path: String, firstLine: inout [String: Int],
                            into log: inout EventLog) {
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
        var issues = LineIssues(path: path, line: line)
        defer { for issue in issues.items { log.report(issue) } }
        let value: JSONValue
        do {
            value = try JSON.parse(bytes)
        } catch {
            issues.error(nil, "malformed JSON: \(error)")
            return
        }
        guard case .object(let members) = value else {
            issues.error(nil, "expected an event object {\"id\", \"lead_id\", \"type\", \"at\", \"data\"}, found \(value.kindName)")
            return
        }
        guard let event = envelope(members, &issues), !issues.hasErrors else { return }
        if let first = firstLine[event.id] {
            issues.warning("id", "duplicate event id \(Quote.text(event.id)) (first on line \(first)); ignored")
            log.duplicates += 1
            return
        }
        firstLine[event.id] = line
        log.events.append(DecodedEvent(line: line, event: event))
    }

    /// The event of a line's object, or nil with errors reported.
    private func envelope(_ members: [JSONMember], _ issues: inout LineIssues) -> Event? {
        var fields: [String: JSONValue] = [:]
        for member in members {
            if fields[member.key] != nil {
                issues.error(member.key, "given twice")
                continue
            }
            fields[member.key] = member.value
            if !Self.envelopeKeys.contains(member.key) {
                let guess = Suggestion.closest(to: member.key, among: Self.envelopeKeys)
                issues.warning(member.key, "not an event field; ignored", notes: guess.map { ["did you mean '\($0)'?"] } ?? [])
            }
        }
        let id = requiredString("id", fields, &issues)
        let leadID = requiredString("lead_id", fields, &issues)
        let type = eventType(fields, &issues)
        var at: Int64?
        if let text = requiredString("at", fields, &issues) {
            do {
                at = try Timestamp.parse(text)
            } catch {
                issues.error("at", "time \(Quote.text(text)) \(error)")
            }
        }
        var data: [String: Value] = [:]
        if let type, let definition = program.events[type] {
            data = EventPayload(program: program, event: definition).decode(fields["data"], &issues)
        }
        guard let id, let leadID, let type, let at else { return nil }
        return Event(id: id, leadID: leadID, type: type, at: at, data: data)
    }

    private func requiredString(_ key: String, _ fields: [String: JSONValue], _ issues: inout LineIssues) -> String? {
        switch fields[key] {
        case nil:
            issues.error(key, "missing")
            return nil
        case .string(let s)?:
            guard !s.allSatisfy(\.isWhitespace) else {
                issues.error(key, "empty")
                return nil
            }
            return s
        case let other?:
            issues.error(key, "expected a string, found \(Quote.json(other))")
            return nil
        }
    }

    /// The `type`, when it names a declared event.
    private func eventType(_ fields: [String: JSONValue], _ issues: inout LineIssues) -> String? {
        guard let type = requiredString("type", fields, &issues) else { return nil }
        guard program.events[type] == nil else { return type }
        let guess = Suggestion.closest(to: type, among: program.events.keys)
        issues.error("type", "unknown event type \(Quote.name(type))",
                     notes: guess.map { ["did you mean '\($0)'?"] } ?? [])
        return nil
    }
}

/// The issues of one line, before they join the log.
struct LineIssues {
    let path: String
    let line: Int
    private(set) var items: [EventIssue] = []

    var hasErrors: Bool { items.contains { $0.severity == .error } }

    mutating func error(_ field: String?, _ message: String, notes: [String] = []) {
        items.append(EventIssue(path: path, line: line, severity: .error, field: field, message: message, notes: notes))
    }

    mutating func warning(_ field: String?, _ message: String, notes: [String] = []) {
        items.append(EventIssue(path: path, line: line, severity: .warning, field: field, message: message, notes: notes))
    }
}

/// Values quoted in messages, shortened so one huge field cannot flood the terminal.
enum Quote {
    static let limit = 60

    /// `"text"`, escaped as JSON, cut at `limit` characters.
    static func text(_ s: String) -> String {
        var out = ""
        let cut = s.count > limit
        JSON.quote(cut ? String(s.prefix(limit)) : s, to: &out)
        return cut ? String(out.dropLast()) + "…\"" : out
    }

    /// `'name'`, for names the user meant as identifiers.
    static func name(_ s: String) -> String {
        let t = text(s)
        return "'" + t.dropFirst().dropLast() + "'"
    }

    /// A JSON value for "found …": its kind, and its text when it is short.
    static func json(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): "a string \(text(s))"
        case .number(let n): "a number \(JSON.number(n))"
        case .bool(let b): "a boolean \(b)"
        default: value.kindName
        }
    }
}
