// rulesd's configuration: `rulesd.yaml` (every key in docs/RULESD.md), then
// the command-line flags over it. With no file every key has its default and
// rulesd runs on ./rules, ./rulesd.sqlite and 127.0.0.1:8080.
//
// The file is read through Yams' node tree rather than Codable so that every
// fault names its `file:line:col`, unknown keys get a "did you mean", and a
// wrong type says what was found — an operator fixing a config at 3 a.m.
// should not have to guess which of two `timeout_ms` keys was meant.

import Foundation
import Logging
import RulesDaemon
import RulesLanguage
import Yams

/// Everything rulesd reads from `rulesd.yaml` and its flags.
public struct RulesdConfig: Sendable, Equatable {
    /// The rules directory.
    public var rules: String = "./rules"
    /// The SQLite database file.
    public var db: String = "./rulesd.sqlite"
    public var listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 8080)
    public var auth: AuthConfig = AuthConfig()
    public var limits: Limits = Limits()
    public var reload: ReloadConfig = ReloadConfig()
    public var timers: TimersConfig = TimersConfig()
    /// nil when no webhook is configured: tasks are claimed over the API.
    /// The webhook sink's own type (docs/WEBHOOKS.md).
    public var webhook: WebhookConfig?
    public var log: LogConfig = LogConfig()

    public init() {}

    /// Request and batch limits of the HTTP API.
    public struct Limits: Sendable, Equatable {
        /// Largest request body accepted (413 above).
        public var maxBodyBytes: Int = 8 * 1024 * 1024
        /// Most events in one `POST /v1/events` (413 above).
        public var maxBatchEvents: Int = 10_000
        public init() {}
    }

    /// Hot reload on file change.
    public struct ReloadConfig: Sendable, Equatable {
        /// Quiet time after the last change before the directory is reloaded.
        public var debounceMilliseconds: Int = 250
        /// False: reload only on SIGHUP and `POST /-/reload`.
        public var watch: Bool = true
        public init() {}
    }

    /// The timer loop.
    public struct TimersConfig: Sendable, Equatable {
        /// Overdue timers fired per second after a restart.
        public var catchUpPerSecond: Int = 1000
        /// Timers due within this sit in memory; later ones stay in the store.
        public var horizonMilliseconds: Int64 = 3_600_000
        public init() {}
    }

    public struct LogConfig: Sendable, Equatable {
        public var level: Logger.Level = .info
        public var format: LogFormat = .text
        public init() {}
    }

    public enum LogFormat: String, Sendable, Equatable, CaseIterable {
        /// `2026-03-21T10:00:00Z info rulesd: message key=value`
        case text
        /// One JSON object per line.
        case json
    }
}

/// `host:port` to listen on; `[::1]:8080` for IPv6.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Reads `127.0.0.1:8080`, `localhost:0`, `[::1]:8080` or `0.0.0.0:80`.
    public init(parsing text: String) throws(ConfigProblem) {
        let bad = ConfigProblem("expected HOST:PORT (127.0.0.1:8080, [::1]:8080), found \"\(text)\"")
        guard let colon = text.lastIndex(of: ":") else { throw bad }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(" ") else { throw bad }
        guard host.contains(":") == text[..<colon].hasPrefix("[") else { throw bad }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw ConfigProblem("port of \"\(text)\" must be a number from 0 to 65535")
        }
        self.init(host: host, port: port)
    }

    /// True for 127.0.0.0/8, ::1 and localhost: only this machine can connect.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// One configuration fault without a position (a flag, a value's meaning).
public struct ConfigProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A configuration fault, with where it was written.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The config file, or `--flag` for a flag.
    public var source: String
    /// 1-based; nil for flags and unreadable files.
    public var line: Int?
    public var column: Int?
    public var message: String
    /// "did you mean 'max_body_bytes'?" and the like.
    public var notes: [String]

    public init(source: String, line: Int? = nil, column: Int? = nil, message: String, notes: [String] = []) {
        self.source = source
        self.line = line
        self.column = column
        self.message = message
        self.notes = notes
    }

    /// `rulesd.yaml:4:3: error: unknown key 'max_body_byte' in limits` then `  note: …` lines.
    public var description: String {
        var text = source
        if let line { text += ":\(line)" + (column.map { ":\($0)" } ?? "") }
        text += ": error: \(message)"
        for note in notes { text += "\n  note: \(note)" }
        return text
    }
}

extension RulesdConfig {
    /// Reads a config file, named `naming` in errors (the path as the user
    /// gave it). Every fault found is returned, not just the first.
    public static func load(path: String, naming name: String? = nil) throws(ConfigErrors) -> RulesdConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path)
                ? "cannot read the config file (not readable or not UTF-8)" : "no such config file"
            throw ConfigErrors([ConfigError(source: name ?? path, message: reason)])
        }
        return try parse(text, path: name ?? path)
    }

    /// Reads config text; `path` names it in errors.
    public static func parse(_ text: String, path: String) throws(ConfigErrors) -> RulesdConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigErrors([ConfigReader.syntaxError(error, path: path, text: text)])
        } catch {
            throw ConfigErrors([ConfigError(source: path, message: "not YAML: \(error)")])
        }
        var reader = ConfigReader(path: path)
        var config = RulesdConfig()
        if let root { reader.read(root, into: &config) }
        if !reader.errors.isEmpty {
            // File order, whatever order the sections were read in.
            let sorted = reader.errors.enumerated().sorted { a, b in
                let ka = (a.element.line ?? 0, a.element.column ?? 0, a.offset)
                let kb = (b.element.line ?? 0, b.element.column ?? 0, b.offset)
                return ka < kb
            }.map(\.element)
            throw ConfigErrors(sorted)
        }
        return config
    }
}

/// Every fault of one config file, in file order.
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [ConfigError]
    public init(_ errors: [ConfigError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Walks the YAML tree into a `RulesdConfig`, collecting faults.
struct ConfigReader {
    let path: String
    private(set) var errors: [ConfigError] = []

    static let topKeys = ["rules", "db", "listen", "auth", "limits", "reload", "timers", "webhook", "log"]

    init(path: String) { self.path = path }

    static func syntaxError(_ error: YamlError, path: String, text: String) -> ConfigError {
        switch error {
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams names the mapping; point at the key's second occurrence.
            let key = duplicates.sorted().first ?? ""
            var seen = 0
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where index + 1 >= context.mark.line {
                let body = line.drop { $0 == " " || $0 == "-" }
                guard body.hasPrefix(key), body.dropFirst(key.count).drop(while: { $0 == " " }).hasPrefix(":") else { continue }
                seen += 1
                if seen == 2 {
                    return ConfigError(source: path, line: index + 1, column: line.count - body.count + 1,
                                       message: "key '\(key)' given twice")
                }
            }
            return ConfigError(source: path, line: context.mark.line, column: context.mark.column,
                               message: "key '\(key)' given twice in this mapping")
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let text = [context?.text, problem].compactMap { $0 }.joined(separator: " ")
            return ConfigError(source: path, line: mark.line, column: mark.column, message: "invalid YAML: \(text)")
        default:
            return ConfigError(source: path, message: "invalid YAML: \(error)")
        }
    }

    mutating func fail(_ node: Node?, _ message: String, notes: [String] = []) {
        errors.append(ConfigError(source: path, line: node?.mark?.line, column: node?.mark?.column,
                                  message: message, notes: notes))
    }

    mutating func read(_ root: Node, into config: inout RulesdConfig) {
        if case .scalar(let s) = root, Self.isNull(s) { return }
        for (key, value) in mapping(root, in: nil, keys: Self.topKeys) {
            switch key {
            case "rules": if let s = nonEmptyString(value, "rules") { config.rules = s }
            case "db": if let s = nonEmptyString(value, "db") { config.db = s }
            case "listen":
                if let s = nonEmptyString(value, "listen") {
                    do { config.listen = try ListenAddress(parsing: s) } catch { fail(value, "listen: \(error)") }
                }
            case "auth": readAuth(value, into: &config.auth)
            case "limits":
                for (key, v) in mapping(value, in: "limits", keys: ["max_body_bytes", "max_batch_events"]) {
                    switch key {
                    case "max_body_bytes": if let n = integer(v, "limits.max_body_bytes", min: 1) { config.limits.maxBodyBytes = n }
                    default: if let n = integer(v, "limits.max_batch_events", min: 1) { config.limits.maxBatchEvents = n }
                    }
                }
            case "reload":
                for (key, v) in mapping(value, in: "reload", keys: ["debounce_ms", "watch"]) {
                    switch key {
                    case "debounce_ms": if let n = integer(v, "reload.debounce_ms", min: 0) { config.reload.debounceMilliseconds = n }
                    default: if let b = boolean(v, "reload.watch") { config.reload.watch = b }
                    }
                }
            case "timers":
                for (key, v) in mapping(value, in: "timers", keys: ["catch_up_per_second", "horizon"]) {
                    switch key {
                    case "catch_up_per_second":
                        if let n = integer(v, "timers.catch_up_per_second", min: 1) { config.timers.catchUpPerSecond = n }
                    default: if let ms = duration(v, "timers.horizon") { config.timers.horizonMilliseconds = ms }
                    }
                }
            case "webhook": readWebhook(value, into: &config)
            case "log":
                for (key, v) in mapping(value, in: "log", keys: ["level", "format"]) {
                    guard let s = nonEmptyString(v, "log.\(key)") else { continue }
                    if key == "level" {
                        if let level = Self.logLevel(s) { config.log.level = level } else {
                            choiceError(v, "log.level", s, Logger.Level.allCases.map(\.rawValue))
                        }
                    } else if let format = RulesdConfig.LogFormat(rawValue: s.lowercased()) {
                        config.log.format = format
                    } else {
                        choiceError(v, "log.format", s, RulesdConfig.LogFormat.allCases.map(\.rawValue))
                    }
                }
            default: break
            }
        }
    }

    private mutating func readAuth(_ node: Node, into auth: inout AuthConfig) {
        for (key, value) in mapping(node, in: "auth", keys: AuthScope.allCases.map(\.rawValue)) {
            guard let scope = AuthScope(rawValue: key) else { continue }
            if case .scalar(let s) = value, Self.isNull(s) { continue }
            guard case .sequence(let items) = value else {
                fail(value, "auth.\(key): expected a list of tokens, found \(Self.kind(value))")
                continue
            }
            for (index, item) in items.enumerated() {
                let defaultName = "\(key)-\(index + 1)"
                switch item {
                case .scalar(let s):
                    if let token = checkedToken(s.string, item, "auth.\(key)") {
                        auth.tokens.append(APIToken(name: defaultName, secret: token, scope: scope))
                    }
                case .mapping:
                    var name = defaultName
                    var secret: String?
                    for (k, v) in mapping(item, in: "auth.\(key)[]", keys: ["name", "token", "token_env"]) {
                        switch k {
                        case "name": if let s = nonEmptyString(v, "auth.\(key)[].name") { name = s }
                        case "token":
                            if let s = nonEmptyString(v, "auth.\(key)[].token") { secret = checkedToken(s, v, "auth.\(key)[].token") }
                        default:
                            guard let variable = nonEmptyString(v, "auth.\(key)[].token_env") else { continue }
                            if let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty {
                                secret = checkedToken(value, v, "auth.\(key)[].token_env \(variable)")
                            } else {
                                fail(v, "auth.\(key)[].token_env: environment variable \(variable) is not set or empty")
                            }
                        }
                    }
                    if let secret { auth.tokens.append(APIToken(name: name, secret: secret, scope: scope)) } else if
                        item.mapping?["token"] == nil && item.mapping?["token_env"] == nil {
                        fail(item, "auth.\(key): a token entry needs 'token' or 'token_env'")
                    }
                default:
                    fail(item, "auth.\(key): expected a token (a string) or {name, token}, found \(Self.kind(item))")
                }
            }
        }
        var seen: [String: String] = [:]
        for token in auth.tokens {
            if let other = seen[token.secret] {
                fail(node, "auth: the same token is configured twice ('\(other)' and '\(token.name)'): each token has one scope")
            }
            seen[token.secret] = token.name
        }
    }

    private mutating func checkedToken(_ s: String, _ node: Node, _ what: String) -> String? {
        guard s.count >= 16 else {
            fail(node, "\(what): a token must be at least 16 characters (use `openssl rand -hex 24`)")
            return nil
        }
        guard s.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            fail(node, "\(what): a token must be printable ASCII without spaces")
            return nil
        }
        return s
    }

    private mutating func readWebhook(_ node: Node, into config: inout RulesdConfig) {
        if case .scalar(let s) = node, Self.isNull(s) { return }
        let keys = ["url", "timeout_ms", "max_attempts", "backoff_initial_ms", "backoff_max_ms", "batch", "concurrency",
                    "poll_ms", "bearer_token", "signing_secret"]
        let pairs = mapping(node, in: "webhook", keys: keys)
        guard let urlNode = pairs.first(where: { $0.0 == "url" })?.1 else {
            if node.mapping != nil { fail(node, "webhook: 'url' is required (or remove the webhook section)") }
            return
        }
        guard let url = nonEmptyString(urlNode, "webhook.url") else { return }
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
              parsed.host != nil else {
            fail(urlNode, "webhook.url: expected an http:// or https:// URL, found \"\(url)\"")
            return
        }
        var webhook = WebhookConfig(url: url)
        for (key, v) in pairs {
            let what = "webhook.\(key)"
            switch key {
            case "timeout_ms": if let n = integer(v, what, min: 1) { webhook.timeoutMilliseconds = Int64(n) }
            case "max_attempts": if let n = integer(v, what, min: 1) { webhook.maxAttempts = n }
            case "backoff_initial_ms": if let n = integer(v, what, min: 1) { webhook.backoffInitialMilliseconds = Int64(n) }
            case "backoff_max_ms": if let n = integer(v, what, min: 1) { webhook.backoffMaxMilliseconds = Int64(n) }
            case "batch": if let n = integer(v, what, min: 1, max: 10_000) { webhook.batch = n }
            case "concurrency": if let n = integer(v, what, min: 1, max: 64) { webhook.concurrency = n }
            case "poll_ms": if let n = integer(v, what, min: 1) { webhook.pollMilliseconds = Int64(n) }
            case "bearer_token": webhook.bearerToken = nonEmptyString(v, what)
            case "signing_secret": webhook.signingSecret = nonEmptyString(v, what)
            default: break
            }
        }
        // The sink's own checks (relations between keys), at the key's position.
        for problem in webhook.problems() {
            let key = problem.key.hasPrefix("webhook.") ? String(problem.key.dropFirst("webhook.".count)) : problem.key
            fail(pairs.first(where: { $0.0 == key })?.1 ?? node, problem.description)
        }
        config.webhook = webhook
    }

    // MARK: Node readers

    /// The pairs of a mapping whose keys are known; unknown and repeated keys are reported.
    private mutating func mapping(_ node: Node, in section: String?, keys: [String]) -> [(String, Node)] {
        if case .scalar(let s) = node, Self.isNull(s), section != nil { return [] }
        guard let mapping = node.mapping else {
            fail(node, "\(section.map { "\($0): " } ?? "")expected a mapping of keys, found \(Self.kind(node))")
            return []
        }
        var out: [(String, Node)] = []
        var seen = Set<String>()
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                fail(keyNode, "keys must be plain words")
                continue
            }
            let whereText = section.map { " in \($0)" } ?? ""
            guard keys.contains(key) else {
                let guess = Suggestion.closest(to: key, among: keys)
                fail(keyNode, "unknown key '\(key)'\(whereText)",
                     notes: guess.map { ["did you mean '\($0)'?"] } ?? ["known keys: \(keys.joined(separator: ", "))"])
                continue
            }
            guard seen.insert(key).inserted else {
                fail(keyNode, "key '\(key)'\(whereText) given twice")
                continue
            }
            out.append((key, value))
        }
        return out
    }

    private mutating func nonEmptyString(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node, !Self.isNull(scalar) else {
            fail(node, "\(what): expected a string, found \(Self.kind(node))")
            return nil
        }
        let s = scalar.string.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty else {
            fail(node, "\(what): empty")
            return nil
        }
        return s
    }

    private mutating func integer(_ node: Node, _ what: String, min: Int, max: Int = .max) -> Int? {
        guard case .scalar(let scalar) = node, scalar.style == .plain,
              let n = Int(scalar.string.replacingOccurrences(of: "_", with: "")) else {
            fail(node, "\(what): expected a whole number, found \(Self.kind(node))")
            return nil
        }
        guard n >= min else {
            fail(node, "\(what): must be at least \(min), found \(n)")
            return nil
        }
        guard n <= max else {
            fail(node, "\(what): must be at most \(max), found \(n)")
            return nil
        }
        return n
    }

    private mutating func boolean(_ node: Node, _ what: String) -> Bool? {
        guard case .scalar(let scalar) = node, scalar.style == .plain else {
            fail(node, "\(what): expected true or false, found \(Self.kind(node))")
            return nil
        }
        switch scalar.string.lowercased() {
        case "true": return true
        case "false": return false
        default:
            fail(node, "\(what): expected true or false, found \(Self.kind(node))")
            return nil
        }
    }

    /// `90s`, `15m`, `1h`, `500ms`, or a bare number of seconds.
    private mutating func duration(_ node: Node, _ what: String) -> Int64? {
        guard case .scalar(let scalar) = node, !Self.isNull(scalar),
              let ms = Self.parseDuration(scalar.string) else {
            fail(node, "\(what): expected a duration (500ms, 90s, 15m, 1h), found \(Self.kind(node))")
            return nil
        }
        guard ms > 0 else {
            fail(node, "\(what): must be more than zero")
            return nil
        }
        return ms
    }

    static func parseDuration(_ text: String) -> Int64? {
        let s = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, factor) in units where s.hasSuffix(suffix) {
            guard let n = Int64(s.dropLast(suffix.count)), n >= 0 else { return nil }
            let (product, overflow) = n.multipliedReportingOverflow(by: factor)
            return overflow ? nil : product
        }
        guard let seconds = Int64(s), seconds >= 0 else { return nil }
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        return overflow ? nil : product
    }

    private mutating func choiceError(_ node: Node, _ what: String, _ value: String, _ choices: [String]) {
        let guess = Suggestion.closest(to: value, among: choices)
        fail(node, "\(what): unknown value \"\(value)\"; expected one of \(choices.joined(separator: ", "))",
             notes: guess.map { ["did you mean '\($0)'?"] } ?? [])
    }

    /// swift-log's level names, and `warn` for `warning`.
    static func logLevel(_ text: String) -> Logger.Level? {
        let word = text.lowercased()
        return word == "warn" ? .warning : Logger.Level(rawValue: word)
    }

    static func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    static func kind(_ node: Node) -> String {
        switch node {
        case .scalar(let s):
            if isNull(s) { return "nothing (null)" }
            let text = s.string.count > 40 ? String(s.string.prefix(40)) + "…" : s.string
            return "\"\(text)\""
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias: return "an alias"
        }
    }
}
