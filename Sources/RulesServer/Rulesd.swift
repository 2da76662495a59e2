// The rulesd process: one call, `Rulesd.run(config:)`, from a resolved
// configuration to a served API, and back to an exit code.
//
// Start-up refuses what it cannot run on, with exit 2 and a message saying
// what to fix: a database locked by another rulesd, migrated by a newer one,
// or unreadable; a rules directory that is missing or has errors. Then the
// daemon recovers (the wheel is rebuilt from the store) and a ServiceGroup
// runs, in shutdown order last to first:
//   - the timer loop (runDue on the system clock),
//   - the rules watcher (inotify → reload), when `reload.watch`,
//   - SIGHUP → reload,
//   - the webhook sink, when a webhook is configured,
//   - the HTTP server,
//   - the daemon's stop switch.
// SIGTERM/SIGINT shut down gracefully: the daemon refuses new work (503),
// the HTTP server stops accepting and finishes the requests in flight (an
// ingest already queued returns only after its commit), then the other
// services stop between two steps.

import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import RulesDaemon
import RulesStore
import Scheduler
import ServiceLifecycle
import UnixSignals

/// The daemon process.
public enum Rulesd {
    /// Runs rulesd until it is told to stop; returns the exit code.
    public static func run(config: RulesdConfig) async -> Int32 {
        let level = config.log.level
        let format = config.log.format
        LoggingSystem.bootstrap { label in RulesdLogHandler(label: label, level: level, format: format) }
        let logger = Logger(label: "rulesd")
        return await run(config: config, logger: logger)
    }

    /// `run(config:)` without the global logging bootstrap.
    public static func run(config given: RulesdConfig, logger: Logger) async -> Int32 {
        let config = {
            var config = given
            config.rules = normalizedDirectory(config.rules)
            return config
        }()
        let snapshot: RulesSnapshot
        do {
            snapshot = try RulesSnapshot.load(directory: config.rules)
        } catch {
            fatal("\(error)")
            return 2
        }
        guard snapshot.isGood else {
            fatal("the rules in \(config.rules) have errors; fix them and start again:\n\(snapshot.diagnosticsText)")
            return 2
        }
        let lock: DatabaseLock
        do {
            lock = try DatabaseLock(database: config.db)
        } catch {
            fatal("database \(config.db): \(error)")
            return 2
        }
        defer { withExtendedLifetime(lock) {} }
        let store: SQLiteStore
        do {
            store = try SQLiteStore(path: config.db)
        } catch {
            fatal("database \(config.db): \(error)")
            return 2
        }
        if !snapshot.diagnosticsText.isEmpty {
            logger.warning("rules loaded with warnings", metadata: ["diagnostics": "\(snapshot.diagnosticsText)"])
        }

        let registry = PrometheusCollectorRegistry()
        let factory = RulesdMetrics.factory(registry: registry)
        var options = DaemonOptions(rulesDirectory: config.rules)
        options.catchUpPerSecond = config.timers.catchUpPerSecond
        options.timerHorizonMilliseconds = config.timers.horizonMilliseconds
        options.maxBatch = max(options.maxBatch, config.limits.maxBatchEvents)
        let clock = SystemClock()
        let daemon = Daemon(store: store, snapshot: snapshot, options: options, clock: clock,
                            metrics: DaemonMetrics(factory: factory), logger: logger)
        do {
            try await daemon.start()
        } catch {
            fatal("recovery failed: \(error)")
            return 2
        }

        var services: [any Service] = [
            TimerLoop(target: daemon, wakeups: daemon.wakeups, now: { clock.now() }, logger: logger),
        ]
        if config.reload.watch {
            services.append(RulesWatchService(daemon: daemon, directory: config.rules,
                                              debounceMilliseconds: config.reload.debounceMilliseconds, logger: logger))
        }
        services.append(SignalReloadService(daemon: daemon, logger: logger))
        if let webhook = config.webhook {
            let sink = WebhookSink(config: webhook, store: store, clock: clock,
                                   metrics: WebhookMetrics(factory: factory), logger: logger)
            services.append(WebhookService(sink: sink, clock: clock))
            logger.info("webhook delivery on", metadata: ["url": "\(webhook.url)"])
        }
        let api = APIServer(daemon: daemon, auth: config.auth, limits: config.limits, registry: registry,
                            latestEventTime: { daemon.latestAcceptedEventTime() })
        let started = StartFlag()
        let listen = config.listen
        let app = Application(
            router: api.makeRouter(),
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "rulesd"),
            onServerRunning: { channel in
                started.set()
                let port = channel.localAddress?.port ?? listen.port
                logger.info("rulesd listening", metadata: [
                    "address": "\(ListenAddress(host: listen.host, port: port))",
                    "rules_version": "\(snapshot.hash)",
                    "auth": "\(config.auth.enabled ? "bearer tokens" : "off")",
                ])
                if !listen.isLoopback && !config.auth.enabled {
                    logger.warning("listening beyond loopback without auth tokens: anyone who can reach the port can use the API")
                }
            },
            logger: logger)
        services.append(app)
        // Last: the first told to shut down, so the daemon refuses new work
        // before the HTTP server drains the requests in flight.
        services.append(DaemonStopService(daemon: daemon))

        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        do {
            try await group.run()
        } catch {
            if !started.isSet {
                fatal("cannot serve on \(listen): \(error)")
                return 2
            }
            logger.critical("rulesd stopped on an error", metadata: ["error": "\(error)"])
            return 1
        }
        logger.info("rulesd stopped")
        return 0
    }

    /// `./rules`, `rules/` and `rules` name the same directory and must give
    /// the same rule locations (`rules/tiers.rules:10`), which task ids are
    /// derived from: a restart with another spelling must not re-issue tasks.
    static func normalizedDirectory(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") && p.count > 2 { p.removeFirst(2) }
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p.isEmpty ? "." : p
    }

    /// A start-up error that stops rulesd: on stderr as plain text, whatever
    /// the log format, because an operator (or a supervisor's log) reads it.
    static func fatal(_ message: String) {
        FileHandle.standardError.write(Data("rulesd: \(message)\n".utf8))
    }
}

extension Daemon: TimerDriven {}

/// On graceful shutdown, the daemon stops taking new work; commits in
/// progress finish.
struct DaemonStopService: Service {
    let daemon: Daemon

    func run() async throws {
        try? await gracefulShutdown()
        await daemon.stop()
    }
}

/// SIGHUP reloads the rules.
struct SignalReloadService: Service {
    let daemon: Daemon
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            logReload(await daemon.reload(.sighup, by: nil), logger)
        }
    }
}

/// The rules directory's changes (inotify, debounced) reload the rules.
struct RulesWatchService: Service {
    let daemon: Daemon
    let directory: String
    let debounceMilliseconds: Int
    let logger: Logger

    func run() async throws {
        let watcher = RulesWatcher(directory: directory, debounce: .milliseconds(debounceMilliseconds), logger: logger)
        try watcher.start()
        defer { watcher.stop() }
        for await _ in watcher.changes.cancelOnGracefulShutdown() {
            logReload(await daemon.reload(.inotify, by: nil), logger)
        }
    }
}

/// The daemon logs reloads that swap or are refused; an unchanged one only here.
func logReload(_ outcome: ReloadOutcome, _ logger: Logger) {
    guard outcome.unchanged, outcome.attempt.succeeded else { return }
    logger.info("rules unchanged", metadata: ["how": "\(outcome.attempt.how)", "version": "\(outcome.attempt.rulesVersion ?? "")"])
}

final class StartFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
