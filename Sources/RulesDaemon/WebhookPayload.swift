// The body and headers of one webhook POST: one task, as the claim API and
// the `rules simulate` timeline show it (same field names, every contract
// field present, null when it does not apply, times as RFC 3339 UTC), plus
// the rules version that issued it and which delivery attempt this is.

import Crypto
import RulesEngine
import RulesStore

/// Renders a stored task as the webhook's JSON body and headers.
public enum WebhookPayload {
    /// The header receivers deduplicate on: the task's deterministic id.
    public static let idempotencyKeyHeader = "Idempotency-Key"
    /// `sha256=<hex HMAC-SHA256 of the body>` when a signing secret is configured.
    public static let signatureHeader = "X-Rulesd-Signature"

    /// The JSON object of one task, in a fixed member order.
    public static func json(_ t: LeadTask, rulesVersion: String, deliveryAttempt: Int) -> JSONValue {
        var members = t.jsonMembers
        members.append(JSONMember("rules_version", .string(rulesVersion)))
        members.append(JSONMember("delivery_attempt", .number(Double(deliveryAttempt))))
        return .object(members)
    }

    /// The request body: `json(_:rulesVersion:deliveryAttempt:)` serialized, UTF-8.
    public static func body(_ stored: StoredTask, deliveryAttempt: Int) -> [UInt8] {
        Array(JSON.serialize(json(stored.task, rulesVersion: stored.rulesVersion, deliveryAttempt: deliveryAttempt)).utf8)
    }

    /// The headers of the POST carrying `body` (names as sent).
    public static func headers(taskID: String, body: [UInt8], config: WebhookConfig) -> [(String, String)] {
        var headers: [(String, String)] = [
            ("Content-Type", "application/json"),
            ("User-Agent", "rulesd-webhook"),
            (idempotencyKeyHeader, taskID),
        ]
        if let token = config.bearerToken { headers.append(("Authorization", "Bearer \(token)")) }
        if let secret = config.signingSecret {
            headers.append((signatureHeader, "sha256=" + signature(of: body, secret: secret)))
        }
        return headers
    }

    /// Lowercase hex HMAC-SHA256 of `body` under `secret` (what a receiver recomputes).
    public static func signature(of body: [UInt8], secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        for byte in mac {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
