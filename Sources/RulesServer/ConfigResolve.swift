// The configuration as rulesd runs with it: the file (when there is one),
// then the command-line flags over it; and its printout for --check-config.

import Foundation
import Logging

/// Flags that override the config file; nil leaves the file's value.
public struct ConfigOverrides: Sendable, Equatable {
    public var rules: String?
    public var db: String?
    public var listen: String?
    public var logLevel: String?
    public var logFormat: String?
    public var watch: Bool?
    public init(rules: String? = nil, db: String? = nil, listen: String? = nil, logLevel: String? = nil,
                logFormat: String? = nil, watch: Bool? = nil) {
        self.rules = rules
        self.db = db
        self.listen = listen
        self.logLevel = logLevel
        self.logFormat = logFormat
        self.watch = watch
    }
}

extension RulesdConfig {
    /// The default config file, read when it exists and no --config is given.
    public static let defaultPath = "rulesd.yaml"

    /// The file (when there is one), then the flags over it. Paths in the
    /// file are relative to the file's directory; flags to the working directory.
    public static func resolve(configPath: String?, overrides: ConfigOverrides,
                               workingDirectory: String = FileManager.default.currentDirectoryPath)
        throws(ConfigErrors) -> RulesdConfig {
        var config = RulesdConfig()
        var path = configPath
        if path == nil, FileManager.default.fileExists(atPath: Self.absolute(Self.defaultPath, in: workingDirectory)) {
            path = Self.defaultPath
        }
        if let path {
            config = try load(path: Self.absolute(path, in: workingDirectory), naming: path)
            let directory = (Self.absolute(path, in: workingDirectory) as NSString).deletingLastPathComponent
            let defaults = RulesdConfig()
            if config.rules != defaults.rules { config.rules = Self.absolute(config.rules, in: directory) }
            if config.db != defaults.db { config.db = Self.absolute(config.db, in: directory) }
        }
        var errors: [ConfigError] = []
        func flagError(_ flag: String, _ message: String, notes: [String] = []) {
            errors.append(ConfigError(source: flag, message: message, notes: notes))
        }
        if let rules = overrides.rules {
            if rules.isEmpty { flagError("--rules", "empty") } else { config.rules = rules }
        }
        if let db = overrides.db {
            if db.isEmpty { flagError("--db", "empty") } else { config.db = db }
        }
        if let listen = overrides.listen {
            do { config.listen = try ListenAddress(parsing: listen) } catch { flagError("--listen", error.message) }
        }
        if let level = overrides.logLevel {
            if let parsed = ConfigReader.logLevel(level) { config.log.level = parsed } else {
                let names = Logger.Level.allCases.map(\.rawValue)
                flagError("--log-level", "unknown level \"\(level)\"; expected one of \(names.joined(separator: ", "))")
            }
        }
        if let format = overrides.logFormat {
            if let parsed = LogFormat(rawValue: format.lowercased()) { config.log.format = parsed } else {
                flagError("--log-format", "unknown format \"\(format)\"; expected text or json")
            }
        }
        if let watch = overrides.watch { config.reload.watch = watch }
        if !errors.isEmpty { throw ConfigErrors(errors) }
        return config
    }

    /// `1h`, `15m`, `90s` or `500ms`: the largest unit that divides it.
    static func duration(_ ms: Int64) -> String {
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] where ms % size == 0 && ms > 0 {
            return "\(ms / size)\(unit)"
        }
        return "\(ms)ms"
    }

    static func absolute(_ path: String, in directory: String) -> String {
        path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
    }

    /// The resolved configuration as YAML, tokens masked (`--check-config`).
    public var summary: String {
        var lines = [
            "rules: \(rules)",
            "db: \(db)",
            "listen: \"\(listen)\"",
            "auth:",
        ]
        for scope in AuthScope.allCases {
            let names = auth.tokens.filter { $0.scope == scope }.map(\.name)
            lines.append("  \(scope.rawValue): [\(names.map { "\($0) (token hidden)" }.joined(separator: ", "))]")
        }
        lines += [
            "limits:",
            "  max_body_bytes: \(limits.maxBodyBytes)",
            "  max_batch_events: \(limits.maxBatchEvents)",
            "reload:",
            "  debounce_ms: \(reload.debounceMilliseconds)",
            "  watch: \(reload.watch)",
            "timers:",
            "  catch_up_per_second: \(timers.catchUpPerSecond)",
            "  horizon: \(Self.duration(timers.horizonMilliseconds))",
        ]
        if let webhook {
            lines += [
                "webhook:",
                "  url: \(webhook.url)",
                "  timeout_ms: \(webhook.timeoutMilliseconds)",
                "  max_attempts: \(webhook.maxAttempts)",
                "  backoff_initial_ms: \(webhook.backoffInitialMilliseconds)",
                "  backoff_max_ms: \(webhook.backoffMaxMilliseconds)",
                "  batch: \(webhook.batch)",
                "  concurrency: \(webhook.concurrency)",
                "  poll_ms: \(webhook.pollMilliseconds)",
                "  bearer_token: \(webhook.bearerToken == nil ? "null" : "(hidden)")",
                "  signing_secret: \(webhook.signingSecret == nil ? "null" : "(hidden)")",
            ]
        } else {
            lines.append("webhook: null")
        }
        lines += ["log:", "  level: \(log.level.rawValue)", "  format: \(log.format.rawValue)"]
        return lines.joined(separator: "\n")
    }
}
