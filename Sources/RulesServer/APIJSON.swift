// The JSON bodies of the API's answers, built as `JSONValue`s (RulesEngine's
// order-keeping writer) so every body lists its members in the order
// docs/API.md shows. Times are RFC 3339 UTC strings (`Timestamp.format`).
//
// `task(_:)` is the one task encoder: claims, lead views and dead letters
// all describe a task with the fields and order of the `rules simulate`
// timeline (every field present, null when it does not apply; `sla_breach`
// and `channel` only when set), `due` standing where the timeline has the
// issue time `at`.

import Foundation
import RulesDaemon
import RulesEngine
import RulesStore

enum APIJSON {
    static func time(_ ms: Int64?) -> JSONValue { ms.map { .string(Timestamp.format($0)) } ?? .null }
    static func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
    static func int(_ n: Int?) -> JSONValue { n.map { .number(Double($0)) } ?? .null }
    static func strings(_ items: [String]) -> JSONValue { .array(items.map(JSONValue.string)) }

    /// A task's own fields.
    static func taskMembers(_ t: LeadTask) -> [JSONMember] { t.jsonMembers }

    static func task(_ t: LeadTask) -> JSONValue { .object(taskMembers(t)) }

    /// A claimed task: its fields and its lease.
    static func claimed(_ c: ClaimedTask) -> JSONValue {
        .object(taskMembers(c.task) + [
            JSONMember("lease_token", .string(c.leaseToken)),
            JSONMember("lease_expires_at", time(c.leaseExpiresAt)),
            JSONMember("claims", int(c.claims)),
        ])
    }

    /// A task in the outbox: its fields and where it is.
    static func stored(_ s: StoredTask) -> JSONValue {
        var members = taskMembers(s.task) + [
            JSONMember("state", .string(s.state.rawValue)),
            JSONMember("rules_version", .string(s.rulesVersion)),
            JSONMember("created_at", time(s.createdAt)),
            JSONMember("claims", int(s.claims)),
        ]
        if let expires = s.leaseExpiresAt, s.state == .leased { members.append(JSONMember("lease_expires_at", time(expires))) }
        if let acked = s.ackedAt { members.append(JSONMember("acked_at", time(acked))) }
        if let reason = s.cancelReason { members.append(JSONMember("cancel_reason", .string(reason))) }
        if s.deliveryAttempts > 0 || s.deadLetteredAt != nil {
            members.append(JSONMember("delivery_attempts", int(s.deliveryAttempts)))
            members.append(JSONMember("last_delivery_error", text(s.lastDeliveryError)))
            if let next = s.nextDeliveryAt { members.append(JSONMember("next_delivery_at", time(next))) }
            if let dead = s.deadLetteredAt { members.append(JSONMember("dead_lettered_at", time(dead))) }
        }
        return .object(members)
    }

    static func timer(_ t: TimerFiring) -> JSONValue {
        .object([JSONMember("id", .string(t.id)), JSONMember("purpose", .string(t.purpose)), JSONMember("due", time(t.due))])
    }

    static func history(_ h: HistoryEntry) -> JSONValue {
        .object([
            JSONMember("at", time(h.at)),
            JSONMember("input", .string(h.input)),
            JSONMember("input_id", .string(h.inputID)),
            JSONMember("what", .string(h.what)),
            JSONMember("rules_version", .string(h.rulesVersion)),
            JSONMember("lines", .array(h.lines.map { line in
                .object([JSONMember("rule", text(line.rule)), JSONMember("text", .string(line.text))])
            })),
            JSONMember("tasks", strings(h.tasks)),
        ])
    }

    /// `GET /v1/leads/{id}`.
    static func lead(_ view: LeadView) throws(APIError) -> JSONValue {
        let state = view.lead.state
        let evaluation = state.lastEvaluation
        let categories = (evaluation?.points ?? [:]).sorted { $0.key < $1.key }
            .map { JSONMember($0.key, .number($0.value)) }
        var route = JSONValue.null
        if let target = evaluation?.route {
            route = .object([
                JSONMember("queue", .string(target.queue)),
                JSONMember("priority", text(target.priority)),
                JSONMember("dial_mode", text(target.dialMode)),
                JSONMember("rule", text(evaluation?.routeRule)),
            ])
        }
        return .object([
            JSONMember("lead_id", .string(state.id)),
            JSONMember("rules_version", .string(view.lead.rulesVersion)),
            JSONMember("updated_at", time(view.lead.updatedAt)),
            JSONMember("status", .string(state.status.rawValue)),
            JSONMember("score", evaluation.map { .number($0.score) } ?? .null),
            JSONMember("categories", .object(categories)),
            JSONMember("tier", text(state.tier)),
            JSONMember("route", route),
            JSONMember("timers", .array(view.timers.map(timer))),
            JSONMember("tasks", .array(view.tasks.map(stored))),
            JSONMember("history", .array(view.history.map(history))),
            JSONMember("state", try stateJSON(state)),
        ])
    }

    /// The lead's whole state, as the store keeps it (LeadState's Codable form).
    static func stateJSON(_ state: LeadState) throws(APIError) -> JSONValue {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(state)
            return try JSON.parse(ArraySlice(data))
        } catch {
            throw APIError(.internalError, "lead \(state.id): its state could not be encoded: \(error)")
        }
    }

    static func version(_ v: RulesVersionRecord) -> [JSONMember] {
        [
            JSONMember("version", .string(v.hash)),
            JSONMember("files", .array(v.files.map { f in
                .object([JSONMember("path", .string(f.path)), JSONMember("sha256", .string(f.sha256))])
            })),
            JSONMember("loaded_at", time(v.loadedAt)),
            JSONMember("how", .string(v.how)),
            JSONMember("by", text(v.by)),
        ]
    }

    static func attempt(_ a: ReloadAttempt) -> JSONValue {
        .object([
            JSONMember("at", time(a.at)),
            JSONMember("how", .string(a.how)),
            JSONMember("succeeded", .bool(a.succeeded)),
            JSONMember("rules_version", text(a.rulesVersion)),
            JSONMember("diagnostics", .string(a.diagnostics)),
        ])
    }

    /// `GET /v1/rules`.
    static func rules(_ status: RulesStatus) -> JSONValue {
        .object(version(status.version) + [
            JSONMember("last_reload", status.lastAttempts.first.map(attempt) ?? .null),
        ])
    }
}
