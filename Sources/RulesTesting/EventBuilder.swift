// A test's event, written in YAML, becomes the JSON event of the contract
// (`{"id","lead_id","type","at","data"}`) and is read by the same
// `EventDecoder` as `rules eval` and `rules simulate` events: a test event
// is checked exactly like a production one. Its issues come back at the
// line and column of the YAML key they are about.
//
// YAML guesses types (`NO` is a boolean in YAML 1.1, `0044…` a number), so
// `data` values are converted by the type the playbook declares for the
// key: the country `NO` stays the text "NO", and a TIME may be written as
// a test time (`ends_at: +45m`). Warnings of the decoder (a data key the
// playbook does not know) are errors here: a misspelt key in a test would
// otherwise be silently ignored and the test would check something else.

import Foundation
import RulesCompiler
import RulesEngine

struct EventBuilder {
    let program: Program
    let start: Int64
    let zone: TimeZone
    let path: String

    /// The event, or nil with its issues reported.
    func build(_ spec: TestEventSpec, id: String, leadID: String, _ issues: inout IssueList) -> Event? {
        let at: Int64
        do {
            at = try spec.at.value.resolve(start: start, zone: zone)
        } catch {
            issues.add(Messages.badTime("at", error.description, spec.at.mark))
            return nil
        }
        guard program.events[spec.type.value] != nil else {
            issues.add(Messages.unknownEventType(spec.type.value, among: program.events.keys, spec.type.mark))
            return nil
        }
        var dataMarks: [String: TestMark] = [:]
        var members: [JSONMember] = []
        if case .mapping(let pairs, _)? = spec.data {
            let declared = declaredTypes(spec.type.value)
            for pair in pairs {
                dataMarks[pair.key] = pair.keyMark
                guard let value = json(pair.value, declared[pair.key], key: pair.key, &issues) else { continue }
                members.append(JSONMember(pair.key, value))
            }
        }
        let envelope = JSONValue.object([
            JSONMember("id", .string(id)), JSONMember("lead_id", .string(leadID)),
            JSONMember("type", .string(spec.type.value)), JSONMember("at", .string(Timestamp.format(at))),
            JSONMember("data", .object(members)),
        ])
        let log = EventDecoder(program: program).decode(Array(JSON.serialize(envelope).utf8), path: path)
        for issue in log.issues {
            issues.add(Messages.event(issue.message, mark(of: issue.field, spec, dataMarks), notes: issue.notes,
                                      field: issue.field))
        }
        guard log.issues.isEmpty, let event = log.events.first?.event else { return nil }
        return event
    }

    /// Where a decoder issue's field was written.
    private func mark(of field: String?, _ spec: TestEventSpec, _ dataMarks: [String: TestMark]) -> TestMark {
        guard let field else { return spec.mark }
        if field.hasPrefix("data.") { return dataMarks[String(field.dropFirst(5))] ?? spec.data?.mark ?? spec.mark }
        switch field {
        case "id": return spec.id?.mark ?? spec.mark
        case "lead_id": return spec.leadID?.mark ?? spec.mark
        case "type": return spec.type.mark
        case "at": return spec.at.mark
        default: return spec.mark
        }
    }

    /// What the event's data may hold (EventPayload's rule: for
    /// `lead_created` the capture fields and FIELDs, and the parameters).
    private func declaredTypes(_ type: String) -> [String: RuleType] {
        var out: [String: RuleType] = [:]
        if type == "lead_created" {
            for (name, field) in program.fields { out[name] = field.type.type }
        }
        for param in program.events[type]?.params ?? [] { out[param.name] = param.type.type }
        return out
    }

    /// A YAML value as the JSON the declared type expects; what cannot be
    /// converted is passed on for the decoder to report in its words.
    private func json(_ value: YAMLValue, _ type: RuleType?, key: String, _ issues: inout IssueList) -> JSONValue? {
        if value.isNull { return .null }
        guard case .scalar(let text, let plain, let mark) = value else { return Self.generic(value) }
        switch type {
        case .string?, .country?:
            return .string(text)
        case .number?:
            if plain, let n = Double(text), n.isFinite { return .number(n) }
            return .string(text)
        case .bool?:
            if plain, text == "true" || text == "false" { return .bool(text == "true") }
            return .string(text)
        case .time?:
            do {
                let t = try TestTime(parsing: text).resolve(start: start, zone: zone)
                return .string(Timestamp.format(t))
            } catch {
                issues.add(Messages.badTime("data.\(key)", error.description, mark))
                return nil
            }
        default:
            return Self.generic(value)
        }
    }

    /// YAML 1.2 core-schema reading, for keys the playbook does not declare.
    static func generic(_ value: YAMLValue) -> JSONValue {
        switch value {
        case .scalar(let text, let plain, _):
            guard plain else { return .string(text) }
            if value.isNull { return .null }
            if text == "true" || text == "false" { return .bool(text == "true") }
            if let n = Double(text), n.isFinite, text.first.map({ $0.isNumber || $0 == "-" }) == true { return .number(n) }
            return .string(text)
        case .sequence(let items, _):
            return .array(items.map(generic))
        case .mapping(let pairs, _):
            return .object(pairs.map { JSONMember($0.key, generic($0.value)) })
        }
    }
}
