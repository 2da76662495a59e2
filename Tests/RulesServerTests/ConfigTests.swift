// rulesd.yaml and the flags over it: defaults, every key, and the errors an
// operator gets for a bad file (file:line:col, "did you mean").

import Foundation
import Logging
import RulesDaemon
import Testing
@testable import RulesServer

/// A temp directory removed afterwards.
final class ConfigTempDirectory {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("rulesd-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func write(_ name: String, _ text: String) throws -> String {
        let file = (path as NSString).appendingPathComponent(name)
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

private func errors(_ yaml: String) -> [ConfigError] {
    do {
        _ = try RulesdConfig.parse(yaml, path: "rulesd.yaml")
        return []
    } catch {
        return error.errors
    }
}

@Suite struct ConfigTests {
    @Test func noFileMeansTheDefaults() throws {
        let dir = try ConfigTempDirectory()
        let config = try RulesdConfig.resolve(configPath: nil, overrides: ConfigOverrides(), workingDirectory: dir.path)
        #expect(config.rules == "./rules")
        #expect(config.db == "./rulesd.sqlite")
        #expect(config.listen == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(config.listen.isLoopback)
        #expect(!config.auth.enabled)
        #expect(config.webhook == nil)
        #expect(config.reload.watch)
        #expect(config.log.level == .info)
        #expect(config.log.format == .text)
    }

    @Test func everyKeyIsRead() throws {
        let yaml = """
        rules: /etc/leadrules/rules
        db: /var/lib/rulesd/rulesd.sqlite
        listen: "0.0.0.0:9090"
        auth:
          ingest: ["ingest-token-0123456789"]
          dialer:
            - name: floor-1
              token: dialer-token-0123456789
          admin:
            - {name: ops, token: admin-token-0123456789}
        limits:
          max_body_bytes: 1_048_576
          max_batch_events: 500
        reload:
          debounce_ms: 100
          watch: false
        timers:
          catch_up_per_second: 200
          horizon: 15m
        webhook:
          url: https://crm.example.com/hooks/tasks
          timeout_ms: 2000
          max_attempts: 5
          backoff_initial_ms: 500
          backoff_max_ms: 60000
          batch: 20
          concurrency: 2
          poll_ms: 250
          bearer_token: crm-secret
          signing_secret: hmac-key
        log:
          level: debug
          format: json
        """
        let config = try RulesdConfig.parse(yaml, path: "rulesd.yaml")
        #expect(config.rules == "/etc/leadrules/rules")
        #expect(config.db == "/var/lib/rulesd/rulesd.sqlite")
        #expect(config.listen == ListenAddress(host: "0.0.0.0", port: 9090))
        #expect(!config.listen.isLoopback)
        #expect(config.auth.tokens == [
            APIToken(name: "ingest-1", secret: "ingest-token-0123456789", scope: .ingest),
            APIToken(name: "floor-1", secret: "dialer-token-0123456789", scope: .dialer),
            APIToken(name: "ops", secret: "admin-token-0123456789", scope: .admin),
        ])
        #expect(config.limits.maxBodyBytes == 1_048_576)
        #expect(config.limits.maxBatchEvents == 500)
        #expect(config.reload.debounceMilliseconds == 100)
        #expect(config.reload.watch == false)
        #expect(config.timers.catchUpPerSecond == 200)
        #expect(config.timers.horizonMilliseconds == 900_000)
        var webhook = WebhookConfig(url: "https://crm.example.com/hooks/tasks")
        webhook.timeoutMilliseconds = 2000
        webhook.maxAttempts = 5
        webhook.backoffInitialMilliseconds = 500
        webhook.backoffMaxMilliseconds = 60000
        webhook.batch = 20
        webhook.concurrency = 2
        webhook.pollMilliseconds = 250
        webhook.bearerToken = "crm-secret"
        webhook.signingSecret = "hmac-key"
        #expect(config.webhook == webhook)
        #expect(config.log.level == .debug)
        #expect(config.log.format == .json)
    }

    @Test func anEmptyFileIsTheDefaults() throws {
        #expect(try RulesdConfig.parse("", path: "rulesd.yaml") == RulesdConfig())
        #expect(try RulesdConfig.parse("# nothing yet\n", path: "rulesd.yaml") == RulesdConfig())
    }

    @Test func unknownKeysAreReportedWithTheirPositionAndAGuess() {
        let found = errors("""
        rules: ./rules
        limits:
          max_body_byte: 10
        lsten: "127.0.0.1:1"
        """)
        #expect(found.map(\.description) == [
            "rulesd.yaml:3:3: error: unknown key 'max_body_byte' in limits\n  note: did you mean 'max_body_bytes'?",
            "rulesd.yaml:4:1: error: unknown key 'lsten'\n  note: did you mean 'listen'?",
        ])
    }

    @Test func anUnknownKeyFarFromAnyListsTheKnownOnes() {
        let found = errors("reload:\n  frobnicate: true\n")
        #expect(found.count == 1)
        #expect(found.first?.notes == ["known keys: debounce_ms, watch"])
    }

    @Test(arguments: [
        ("limits:\n  max_body_bytes: lots\n", "rulesd.yaml:2:19: error: limits.max_body_bytes: expected a whole number, found \"lots\""),
        ("limits:\n  max_batch_events: 0\n", "rulesd.yaml:2:21: error: limits.max_batch_events: must be at least 1, found 0"),
        ("limits:\n  max_body_bytes: \"10\"\n", "rulesd.yaml:2:19: error: limits.max_body_bytes: expected a whole number, found \"10\""),
        ("reload:\n  watch: sometimes\n", "rulesd.yaml:2:10: error: reload.watch: expected true or false, found \"sometimes\""),
        ("timers:\n  horizon: soon\n", "rulesd.yaml:2:12: error: timers.horizon: expected a duration (500ms, 90s, 15m, 1h), found \"soon\""),
        ("listen: 8080\n", "rulesd.yaml:1:9: error: listen: expected HOST:PORT (127.0.0.1:8080, [::1]:8080), found \"8080\""),
        ("listen: \"localhost:99999\"\n", "rulesd.yaml:1:9: error: listen: port of \"localhost:99999\" must be a number from 0 to 65535"),
        ("rules: [a, b]\n", "rulesd.yaml:1:8: error: rules: expected a string, found a list"),
        ("limits: 5\n", "rulesd.yaml:1:9: error: limits: expected a mapping of keys, found \"5\""),
        ("auth:\n  admin: secret-secret-secret\n", "rulesd.yaml:2:10: error: auth.admin: expected a list of tokens, found \"secret-secret-secret\""),
        ("auth:\n  admin: [short]\n", "rulesd.yaml:2:11: error: auth.admin: a token must be at least 16 characters (use `openssl rand -hex 24`)"),
        ("auth:\n  admin:\n    - name: ops\n", "rulesd.yaml:3:7: error: auth.admin: a token entry needs 'token' or 'token_env'"),
        ("webhook:\n  timeout_ms: 5\n", "rulesd.yaml:2:3: error: webhook: 'url' is required (or remove the webhook section)"),
        ("webhook:\n  url: ftp://example.com/x\n", "rulesd.yaml:2:8: error: webhook.url: expected an http:// or https:// URL, found \"ftp://example.com/x\""),
        ("webhook:\n  url: http://h/x\n  backoff_initial_ms: 10\n  backoff_max_ms: 5\n",
         "rulesd.yaml:4:19: error: webhook.backoff_max_ms: must be at least backoff_initial_ms (10), found 5"),
        ("webhook:\n  url: http://h/x\n  concurrency: 100\n", "rulesd.yaml:3:16: error: webhook.concurrency: must be at most 64, found 100"),
        ("log:\n  level: infp\n", "rulesd.yaml:2:10: error: log.level: unknown value \"infp\"; expected one of trace, debug, info, notice, warning, error, critical\n  note: did you mean 'info'?"),
        ("log:\n  format: jsn\n", "rulesd.yaml:2:11: error: log.format: unknown value \"jsn\"; expected one of text, json\n  note: did you mean 'json'?"),
        ("db: x\ndb: y\n", "rulesd.yaml:2:1: error: key 'db' given twice"),
        ("limits:\n  max_body_bytes: 1\n  max_body_bytes: 2\n", "rulesd.yaml:3:3: error: key 'max_body_bytes' given twice"),
        ("- rules\n", "rulesd.yaml:1:1: error: expected a mapping of keys, found a list"),
    ])
    func badValuesSayWhereAndWhat(yaml: String, expected: String) {
        #expect(errors(yaml).map(\.description) == [expected])
    }

    @Test func warnIsTakenForWarning() throws {
        #expect(try RulesdConfig.parse("log:\n  level: WARN\n", path: "c.yaml").log.level == .warning)
    }

    @Test func invalidYAMLGivesTheParsersPosition() {
        let found = errors("rules: ./rules\nlimits:\n  max_body_bytes: 1\n bad: [\n")
        #expect(found.count == 1)
        let error = found.first
        #expect(error?.line != nil)
        #expect(error?.message.hasPrefix("invalid YAML") == true)
        #expect(error?.description.hasPrefix("rulesd.yaml:\(error?.line ?? 0):") == true)
    }

    @Test func everyFaultIsReportedNotJustTheFirst() {
        let found = errors("rules: [x]\nlimits:\n  max_body_bytes: -1\nlog:\n  level: loud\n")
        #expect(found.map(\.line) == [1, 3, 5])
    }

    @Test func theSameTokenInTwoScopesIsRefused() {
        let found = errors("auth:\n  ingest: [same-token-0123456789]\n  admin: [same-token-0123456789]\n")
        #expect(found.map(\.message) == ["auth: the same token is configured twice ('ingest-1' and 'admin-1'): each token has one scope"])
    }

    @Test func tokensCanComeFromTheEnvironment() throws {
        setenv("RULESD_TEST_ADMIN_TOKEN", "env-token-0123456789abcdef", 1)
        defer { unsetenv("RULESD_TEST_ADMIN_TOKEN") }
        let config = try RulesdConfig.parse("auth:\n  admin:\n    - name: ops\n      token_env: RULESD_TEST_ADMIN_TOKEN\n", path: "c.yaml")
        #expect(config.auth.tokens == [APIToken(name: "ops", secret: "env-token-0123456789abcdef", scope: .admin)])
        let missing = errors("auth:\n  admin:\n    - token_env: RULESD_TEST_NOT_SET_ANYWHERE\n")
        #expect(missing.map(\.message) == ["auth.admin[].token_env: environment variable RULESD_TEST_NOT_SET_ANYWHERE is not set or empty"])
    }

    @Test(arguments: [
        ("127.0.0.1:8080", "127.0.0.1", 8080, true),
        ("localhost:0", "localhost", 0, true),
        ("[::1]:8080", "::1", 8080, true),
        ("0.0.0.0:80", "0.0.0.0", 80, false),
        ("10.1.2.3:9000", "10.1.2.3", 9000, false),
    ])
    func listenAddresses(text: String, host: String, port: Int, loopback: Bool) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.isLoopback == loopback)
        #expect(address.description == text)
    }

    @Test(arguments: ["8080", ":8080", "::1:8080", "host:", "host:x", "a b:1", "[::1]8080"])
    func badListenAddresses(text: String) {
        #expect(throws: ConfigProblem.self) { try ListenAddress(parsing: text) }
    }

    @Test func durations() {
        #expect(ConfigReader.parseDuration("500ms") == 500)
        #expect(ConfigReader.parseDuration("90s") == 90_000)
        #expect(ConfigReader.parseDuration("15m") == 900_000)
        #expect(ConfigReader.parseDuration("1h") == 3_600_000)
        #expect(ConfigReader.parseDuration("2d") == 172_800_000)
        #expect(ConfigReader.parseDuration("30") == 30_000)
        #expect(ConfigReader.parseDuration("-1s") == nil)
        #expect(ConfigReader.parseDuration("1w") == nil)
        #expect(ConfigReader.parseDuration("99999999999999999h") == nil)
    }

    @Test func flagsOverrideTheFileAndFilePathsAreRelativeToIt() throws {
        let dir = try ConfigTempDirectory()
        let file = try dir.write("rulesd.yaml", "rules: playbook\ndb: data/rulesd.sqlite\nlisten: \"127.0.0.1:7000\"\nlog:\n  level: error\n")
        let fromFile = try RulesdConfig.resolve(configPath: file, overrides: ConfigOverrides(), workingDirectory: "/")
        #expect(fromFile.rules == dir.path + "/playbook")
        #expect(fromFile.db == dir.path + "/data/rulesd.sqlite")
        #expect(fromFile.listen.port == 7000)
        #expect(fromFile.log.level == .error)
        let overridden = try RulesdConfig.resolve(
            configPath: file,
            overrides: ConfigOverrides(rules: "other", db: "/tmp/x.sqlite", listen: "[::1]:9",
                                       logLevel: "TRACE", logFormat: "json", watch: false),
            workingDirectory: "/")
        #expect(overridden.rules == "other")
        #expect(overridden.db == "/tmp/x.sqlite")
        #expect(overridden.listen == ListenAddress(host: "::1", port: 9))
        #expect(overridden.log.level == .trace)
        #expect(overridden.log.format == .json)
        #expect(overridden.reload.watch == false)
    }

    @Test func theDefaultFileIsReadWhenPresent() throws {
        let dir = try ConfigTempDirectory()
        _ = try dir.write("rulesd.yaml", "listen: \"127.0.0.1:7100\"\n")
        let config = try RulesdConfig.resolve(configPath: nil, overrides: ConfigOverrides(), workingDirectory: dir.path)
        #expect(config.listen.port == 7100)
        #expect(config.rules == "./rules")
    }

    @Test func aMissingConfigFileIsAnError() throws {
        let dir = try ConfigTempDirectory()
        #expect {
            try RulesdConfig.resolve(configPath: "nope.yaml", overrides: ConfigOverrides(), workingDirectory: dir.path)
        } throws: { error in
            (error as? ConfigErrors)?.description == "nope.yaml: error: no such config file"
        }
    }

    @Test func badFlagsAreErrorsNamingTheFlag() throws {
        let dir = try ConfigTempDirectory()
        #expect {
            try RulesdConfig.resolve(configPath: nil,
                                     overrides: ConfigOverrides(listen: "nowhere", logLevel: "loud", logFormat: "xml"),
                                     workingDirectory: dir.path)
        } throws: { error in
            guard let errors = error as? ConfigErrors else { return false }
            return errors.errors.map(\.source) == ["--listen", "--log-level", "--log-format"]
                && errors.description.hasPrefix("--listen: error: expected HOST:PORT")
        }
    }

    @Test func theSummaryHidesTokens() throws {
        let config = try RulesdConfig.parse("auth:\n  admin: [admin-token-0123456789]\n", path: "c.yaml")
        #expect(config.summary.contains("admin: [admin-1 (token hidden)]"))
        #expect(!config.summary.contains("admin-token-0123456789"))
        #expect(config.summary.contains("listen: \"127.0.0.1:8080\""))
        #expect(config.summary.contains("horizon: 1h"))
        #expect(RulesdConfig.duration(90_000) == "90s")
        #expect(RulesdConfig.duration(1_500) == "1500ms")
    }

    @Test func logLinesInBothFormats() {
        let date = Date(timeIntervalSince1970: 1_774_087_200)
        let text = RulesdLogHandler.render(at: date, level: .info, label: "rulesd", message: "rules reloaded",
                                           metadata: ["how": "sighup", "version": "ab12"], format: .text)
        #expect(text == "2026-03-21T10:00:00Z info rulesd: rules reloaded how=sighup version=ab12\n")
        let quoted = RulesdLogHandler.render(at: date, level: .error, label: "rulesd", message: "x",
                                             metadata: ["error": "disk full"], format: .text)
        #expect(quoted == "2026-03-21T10:00:00Z error rulesd: x error=\"disk full\"\n")
        let json = RulesdLogHandler.render(at: date, level: .warning, label: "rulesd", message: "say \"hi\"",
                                           metadata: ["how": "api"], format: .json)
        #expect(json == "{\"ts\":\"2026-03-21T10:00:00Z\",\"level\":\"warning\",\"logger\":\"rulesd\",\"msg\":\"say \\\"hi\\\"\",\"how\":\"api\"}\n")
    }
}
