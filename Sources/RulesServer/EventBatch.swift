// A `POST /v1/events` body read into events checked against the rules in
// force. The body is NDJSON (one event per line, the format of events
// files), a single JSON object (pretty-printed or not), or a JSON array of
// event objects. Every line is checked by RulesEngine's `EventDecoder`, the
// same reader `rules eval` uses, so the daemon and the CLI accept and refuse
// exactly the same events; a bad line is reported with its line number and
// field and never stops the good lines of the batch.

import RulesCompiler
import RulesEngine

/// One refused line of a batch.
struct RejectedLine: Sendable, Equatable {
    var line: Int
    var field: String?
    /// With the notes ("did you mean 'lead_created'?") folded in.
    var message: String

    var json: JSONValue {
        .object([
            JSONMember("line", .number(Double(line))),
            JSONMember("field", APIJSON.text(field)),
            JSONMember("message", .string(message)),
        ])
    }
}

/// A batch after decoding.
struct EventBatch: Sendable {
    /// Good events, in body order.
    var events: [Event] = []
    /// The line of each event.
    var lines: [Int] = []
    /// Errors, in line order.
    var rejected: [RejectedLine] = []
    /// Warnings (an unknown envelope key); the line was still accepted.
    var warnings: [RejectedLine] = []
    /// Ids repeated within the batch: only the first line counts.
    var repeatedIDs: [String] = []
    /// Errors beyond what is listed.
    var moreRejected = 0

    /// Rejects the events dated after `limit` (a sender's clock far ahead,
    /// or local time sent as UTC).
    mutating func rejectFuture(after limit: Int64) {
        var kept: [Event] = []
        var keptLines: [Int] = []
        for (event, line) in zip(events, lines) {
            if event.at > limit {
                rejected.append(RejectedLine(line: line, field: "at",
                                             message: "\(Timestamp.format(event.at)) is later than this server's clock allows "
                                             + "(\(Timestamp.format(limit))); check the sender's clock and that times are UTC"))
            } else {
                kept.append(event)
                keptLines.append(line)
            }
        }
        rejected.sort { $0.line < $1.line }
        events = kept
        lines = keptLines
    }

    /// Reads a body. Throws 413 when it holds more than `maxEvents` events,
    /// 400 when it holds none.
    static func decode(_ body: [UInt8], program: Program, maxEvents: Int) throws(APIError) -> EventBatch {
        let lines = try normalize(body)
        let count = lineCount(lines)
        guard count > 0 else {
            throw APIError(.badRequest, "no events in the request body (send one JSON event object, or NDJSON lines)")
        }
        guard count <= maxEvents else {
            throw APIError(.payloadTooLarge,
                           "a batch of \(count) events is over the limit of \(maxEvents) (limits.max_batch_events); split it")
        }
        let log = EventDecoder(program: program).decode(lines, path: "request")
        var batch = EventBatch()
        batch.events = log.events.map(\.event)
        batch.lines = log.events.map(\.line)
        batch.moreRejected = log.droppedIssues
        for issue in log.issues {
            var message = issue.message
            for note in issue.notes { message += " (\(note))" }
            let entry = RejectedLine(line: issue.line, field: issue.field, message: message)
            switch issue.severity {
            case .error: batch.rejected.append(entry)
            default: batch.warnings.append(entry)
            }
        }
        batch.repeatedIDs = repeatedIDs(log: log, lines: lines, program: program)
        return batch
    }

    /// The body as NDJSON: a JSON array becomes one line per element, a
    /// single object spread over several lines becomes one line.
    static func normalize(_ body: [UInt8]) throws(APIError) -> [UInt8] {
        guard let first = body.firstIndex(where: { !isBlank($0) }) else { return [] }
        switch body[first] {
        case UInt8(ascii: "["):
            let value: JSONValue
            do {
                value = try JSON.parse(body[...])
            } catch {
                throw APIError(.badRequest, "malformed JSON array of events: \(error)")
            }
            guard case .array(let items) = value else { return body }
            return Array(items.map { JSON.serialize($0) }.joined(separator: "\n").utf8)
        case UInt8(ascii: "{") where body[first...].contains(0x0A):
            // Several lines: NDJSON, unless the whole body is one object.
            if let value = try? JSON.parse(body[...]), case .object = value {
                return Array(JSON.serialize(value).utf8)
            }
            return body
        default:
            return body
        }
    }

    static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    /// Non-blank lines.
    static func lineCount(_ bytes: [UInt8]) -> Int {
        var count = 0, blank = true
        for b in bytes {
            if b == 0x0A {
                if !blank { count += 1 }
                blank = true
            } else if !isBlank(b) {
                blank = false
            }
        }
        return blank ? count : count + 1
    }

    /// Ids the decoder skipped because an earlier line of the batch had them.
    private static func repeatedIDs(log: EventLog, lines: [UInt8], program: Program) -> [String] {
        guard log.duplicates > 0 else { return [] }
        let duplicateLines = Set(log.issues.filter { $0.severity == .warning && $0.message.hasPrefix("duplicate event id") }
            .map(\.line))
        var ids: [String] = []
        var line = 0, start = 0
        while start < lines.count {
            line += 1
            let end = lines[start...].firstIndex(of: 0x0A) ?? lines.count
            if duplicateLines.contains(line), case .object(let members)? = try? JSON.parse(lines[start..<end]),
               case .string(let id)? = members.first(where: { $0.key == "id" })?.value {
                ids.append(id)
            }
            start = end + 1
        }
        return ids
    }
}
