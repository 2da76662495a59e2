// The `webhook:` section of rulesd.yaml as a value. The server parses the
// YAML into it (keys below) and calls `validate()` before starting the
// sink, so a bad value stops rulesd at start with the key named, instead
// of failing every delivery later. See docs/WEBHOOKS.md.
//
//   webhook:
//     url: https://crm.example.com/rulesd/tasks   # required; http or https
//     timeout_ms: 10000          # one POST, connect to last byte
//     max_attempts: 10           # then the task is dead-lettered
//     backoff_initial_ms: 1000   # ceiling of the first retry delay
//     backoff_max_ms: 300000     # ceiling of any retry delay
//     batch: 100                 # tasks taken from the store per step
//     concurrency: 4             # POSTs in flight at once
//     poll_ms: 1000              # longest idle wait between steps
//     bearer_token: s3cret       # optional: Authorization: Bearer s3cret
//     signing_secret: k3y        # optional: X-Rulesd-Signature: sha256=<hex HMAC of the body>

import Foundation

/// Where and how the webhook sink pushes due tasks.
public struct WebhookConfig: Sendable, Hashable {
    /// The receiver: an absolute `http` or `https` URL. (`url`)
    public var url: String
    /// One attempt's deadline, from connect to the last byte of the answer. (`timeout_ms`)
    public var timeoutMilliseconds: Int64
    /// Attempts before a task is dead-lettered (1 = no retry). (`max_attempts`)
    public var maxAttempts: Int
    /// Ceiling of the delay after the first failure; it doubles per failure. (`backoff_initial_ms`)
    public var backoffInitialMilliseconds: Int64
    /// The doubling stops here. (`backoff_max_ms`)
    public var backoffMaxMilliseconds: Int64
    /// Tasks taken from the store per step. (`batch`)
    public var batch: Int
    /// POSTs in flight at once within a step. (`concurrency`)
    public var concurrency: Int
    /// The longest the service idles between steps when nothing wakes it
    /// (tasks come due without anyone telling the sink). (`poll_ms`)
    public var pollMilliseconds: Int64
    /// Sent as `Authorization: Bearer <token>` when set. (`bearer_token`)
    public var bearerToken: String?
    /// When set, every request carries `X-Rulesd-Signature: sha256=<hex>`,
    /// the HMAC-SHA256 of the body under this secret. (`signing_secret`)
    public var signingSecret: String?

    public init(url: String,
                timeoutMilliseconds: Int64 = 10_000,
                maxAttempts: Int = 10,
                backoffInitialMilliseconds: Int64 = 1_000,
                backoffMaxMilliseconds: Int64 = 300_000,
                batch: Int = 100,
                concurrency: Int = 4,
                pollMilliseconds: Int64 = 1_000,
                bearerToken: String? = nil,
                signingSecret: String? = nil) {
        self.url = url
        self.timeoutMilliseconds = timeoutMilliseconds
        self.maxAttempts = maxAttempts
        self.backoffInitialMilliseconds = backoffInitialMilliseconds
        self.backoffMaxMilliseconds = backoffMaxMilliseconds
        self.batch = batch
        self.concurrency = concurrency
        self.pollMilliseconds = pollMilliseconds
        self.bearerToken = bearerToken
        self.signingSecret = signingSecret
    }

    /// The retry schedule these settings describe.
    public var retryPolicy: WebhookRetryPolicy {
        WebhookRetryPolicy(maxAttempts: maxAttempts,
                           initialMilliseconds: backoffInitialMilliseconds,
                           maxMilliseconds: backoffMaxMilliseconds)
    }

    /// Every bad value, each naming its rulesd.yaml key; empty when usable.
    public func problems() -> [WebhookConfigError] {
        var found: [WebhookConfigError] = []
        func bad(_ key: String, _ message: String) { found.append(WebhookConfigError(key: "webhook.\(key)", message: message)) }

        if let parsed = URLComponents(string: url), let scheme = parsed.scheme?.lowercased() {
            if scheme != "http" && scheme != "https" {
                bad("url", "expected an http or https URL, found scheme '\(scheme)' in '\(url)'")
            } else if (parsed.host ?? "").isEmpty {
                bad("url", "'\(url)' has no host")
            }
        } else {
            bad("url", "'\(url)' is not an absolute URL (expected e.g. https://crm.example.com/tasks)")
        }
        if timeoutMilliseconds <= 0 { bad("timeout_ms", "must be more than 0, found \(timeoutMilliseconds)") }
        if maxAttempts < 1 { bad("max_attempts", "must be at least 1, found \(maxAttempts)") }
        if backoffInitialMilliseconds <= 0 {
            bad("backoff_initial_ms", "must be more than 0, found \(backoffInitialMilliseconds)")
        }
        if backoffMaxMilliseconds < backoffInitialMilliseconds {
            bad("backoff_max_ms", "must be at least backoff_initial_ms (\(backoffInitialMilliseconds)), found \(backoffMaxMilliseconds)")
        }
        if !(1...10_000).contains(batch) { bad("batch", "must be between 1 and 10000, found \(batch)") }
        if !(1...64).contains(concurrency) { bad("concurrency", "must be between 1 and 64, found \(concurrency)") }
        if pollMilliseconds <= 0 { bad("poll_ms", "must be more than 0, found \(pollMilliseconds)") }
        if let token = bearerToken, token.isEmpty || token.contains(where: \.isNewline) {
            bad("bearer_token", "must be a non-empty single-line string")
        }
        if let secret = signingSecret, secret.isEmpty { bad("signing_secret", "must not be empty") }
        return found
    }

    /// Throws the first problem (`problems()` lists them all).
    public func validate() throws(WebhookConfigError) {
        if let first = problems().first { throw first }
    }
}

/// A bad `webhook:` setting: `webhook.timeout_ms: must be more than 0, found -5`.
public struct WebhookConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rulesd.yaml key, e.g. `webhook.url`.
    public var key: String
    public var message: String
    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }
    public var description: String { "\(key): \(message)" }
}
