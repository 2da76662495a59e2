// The webhook's pure parts: the retry schedule and its jitter, the config
// checks and the payload (body, headers, signature).

import RulesDaemon
import RulesEngine
import RulesLanguage
import RulesStore
import Testing

/// A generator that always returns the same word: pins the jitter to an end.
struct ConstantGenerator: RandomNumberGenerator {
    let word: UInt64
    mutating func next() -> UInt64 { word }
}

@Suite("Webhook retry policy")
struct WebhookRetryPolicyTests {
    let policy = WebhookRetryPolicy(maxAttempts: 10, initialMilliseconds: 1_000, maxMilliseconds: 300_000)

    @Test func ceilingsDoubleUpToTheMaximum() {
        let ceilings = (1...12).map { policy.ceiling(afterAttempt: $0) }
        #expect(ceilings == [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000,
                             300_000, 300_000, 300_000])
    }

    @Test func ceilingNeverOverflows() {
        let huge = WebhookRetryPolicy(maxAttempts: 100, initialMilliseconds: .max / 4, maxMilliseconds: .max)
        #expect(huge.ceiling(afterAttempt: 90) == .max)
        #expect(policy.ceiling(afterAttempt: 1_000_000) == 300_000)
    }

    @Test func fullJitterSpansZeroToTheCeiling() {
        var low = ConstantGenerator(word: 0)
        var high = ConstantGenerator(word: .max)
        for attempt in 1...11 {
            #expect(policy.delay(afterAttempt: attempt, using: &low) == 0)
            #expect(policy.delay(afterAttempt: attempt, using: &high) == policy.ceiling(afterAttempt: attempt))
        }
    }

    @Test func seededDelaysStayInBoundsAndSpreadOverTheWindow() {
        var random = SplitMix64(seed: 7)
        for attempt in 1...10 {
            let top = policy.ceiling(afterAttempt: attempt)
            let delays = (0..<2_000).map { _ in policy.delay(afterAttempt: attempt, using: &random) }
            #expect(delays.allSatisfy { (0...top).contains($0) })
            // Full jitter, not "ceiling minus a little": both halves of the window are used.
            #expect(delays.contains { $0 < top / 4 })
            #expect(delays.contains { $0 > top - top / 4 })
            let mean = Double(delays.reduce(0, +)) / Double(delays.count)
            #expect(abs(mean - Double(top) / 2) < Double(top) * 0.05, "attempt \(attempt): mean \(mean) of 0...\(top)")
        }
    }

    @Test func theSameSeedGivesTheSameSchedule() {
        var a = SplitMix64(seed: 99)
        var b = SplitMix64(seed: 99)
        let first = (1...8).map { policy.delay(afterAttempt: $0, using: &a) }
        let second = (1...8).map { policy.delay(afterAttempt: $0, using: &b) }
        #expect(first == second)
    }

    @Test func exhaustedOnTheLastAttempt() {
        let three = WebhookRetryPolicy(maxAttempts: 3, initialMilliseconds: 10, maxMilliseconds: 100)
        #expect(!three.isExhausted(afterAttempt: 1))
        #expect(!three.isExhausted(afterAttempt: 2))
        #expect(three.isExhausted(afterAttempt: 3))
    }

    @Test(arguments: [(400, true), (410, true), (413, true), (415, true), (422, true),
                      (401, false), (403, false), (404, false), (408, false), (409, false), (429, false),
                      (500, false), (502, false), (503, false), (302, false)])
    func permanentRejections(status: Int, permanent: Bool) {
        #expect(WebhookRetryPolicy.isPermanentRejection(status: status) == permanent)
    }
}

@Suite("Webhook config")
struct WebhookConfigTests {
    @Test func defaultsAreUsable() {
        let config = WebhookConfig(url: "https://crm.example.com/rulesd/tasks")
        #expect(config.problems().isEmpty)
        #expect(config.retryPolicy == WebhookRetryPolicy(maxAttempts: 10, initialMilliseconds: 1_000,
                                                         maxMilliseconds: 300_000))
    }

    @Test func everyBadValueIsReportedWithItsKey() {
        var config = WebhookConfig(url: "ftp://files.example.com/x")
        config.timeoutMilliseconds = 0
        config.maxAttempts = 0
        config.backoffInitialMilliseconds = 5_000
        config.backoffMaxMilliseconds = 1_000
        config.batch = 0
        config.concurrency = 100
        config.pollMilliseconds = -1
        config.bearerToken = ""
        config.signingSecret = ""
        let problems = config.problems()
        #expect(problems.map(\.key) == ["webhook.url", "webhook.timeout_ms", "webhook.max_attempts",
                                        "webhook.backoff_max_ms", "webhook.batch", "webhook.concurrency",
                                        "webhook.poll_ms", "webhook.bearer_token", "webhook.signing_secret"])
        #expect(problems.first?.description == "webhook.url: expected an http or https URL, found scheme 'ftp' in 'ftp://files.example.com/x'")
        #expect(throws: WebhookConfigError.self) { try config.validate() }
    }

    @Test(arguments: ["crm.example.com/tasks", "", "http://", "not a url"])
    func urlsThatAreNotAbsoluteHTTPAreRefused(url: String) {
        let problems = WebhookConfig(url: url).problems()
        #expect(problems.map(\.key) == ["webhook.url"])
    }
}

@Suite("Webhook payload")
struct WebhookPayloadTests {
    static let task = LeadTask(id: "t-L7-routing-1", leadID: "L7", kind: .dial, queue: "german_hot_lead_queue",
                               priority: "IMMEDIATE", dialMode: "power_dialer", attempt: 2,
                               due: 1_774_260_000_000, deadline: 1_774_260_060_000, rule: "routing.rules:4",
                               reason: "hot lead: call within 60s", slaBreach: "outside calling hours")

    @Test func bodyHasTheTimelineFieldsTheRulesVersionAndTheAttempt() {
        let json = WebhookPayload.json(Self.task, rulesVersion: "ab12cd", deliveryAttempt: 3)
        let body = JSON.serialize(json)
        #expect(body == #"{"id":"t-L7-routing-1","lead_id":"L7","kind":"dial","queue":"german_hot_lead_queue","#
                + #""priority":"IMMEDIATE","dial_mode":"power_dialer","template":null,"attempt":2,"#
                + #""due":"2026-03-23T10:00:00Z","deadline":"2026-03-23T10:01:00Z","rule":"routing.rules:4","#
                + #""reason":"hot lead: call within 60s","sla_breach":"outside calling hours","#
                + #""rules_version":"ab12cd","delivery_attempt":3}"#)
    }

    @Test func anEmailHasNullDialFields() throws {
        let email = LeadTask(id: "t-L8-email", leadID: "L8", kind: .email, template: "platform_tips",
                             due: 1_774_260_000_000, rule: "nurture.rules:9", reason: "cadence email")
        let value = WebhookPayload.json(email, rulesVersion: "ab12cd", deliveryAttempt: 1)
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        let byKey = Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) })
        #expect(byKey["queue"] == .null)
        #expect(byKey["dial_mode"] == .null)
        #expect(byKey["attempt"] == .null)
        #expect(byKey["deadline"] == .null)
        #expect(byKey["template"] == .string("platform_tips"))
        #expect(byKey["sla_breach"] == nil)
    }

    @Test func headersCarryTheKeyTokenAndSignature() {
        var config = WebhookConfig(url: "https://crm.example.com/hook")
        let body = Array("{}".utf8)
        #expect(WebhookPayload.headers(taskID: "t1", body: body, config: config).map(\.0)
                == ["Content-Type", "User-Agent", "Idempotency-Key"])
        config.bearerToken = "tok"
        config.signingSecret = "key"
        let headers = Dictionary(uniqueKeysWithValues: WebhookPayload.headers(taskID: "t1", body: body, config: config))
        #expect(headers["Idempotency-Key"] == "t1")
        #expect(headers["Authorization"] == "Bearer tok")
        #expect(headers["X-Rulesd-Signature"] == "sha256=" + WebhookPayload.signature(of: body, secret: "key"))
    }

    @Test func signatureIsHMACSHA256() {
        // RFC 4231-style known answer (the Wikipedia HMAC example).
        let body = Array("The quick brown fox jumps over the lazy dog".utf8)
        #expect(WebhookPayload.signature(of: body, secret: "key")
                == "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
    }
}
