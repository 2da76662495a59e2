// `rulesd [--config rulesd.yaml] [--rules DIR] [--db FILE] [--listen HOST:PORT]`
// (DESIGN.md, "Command contracts"). The command reads the configuration —
// the file, then the flags over it — and hands it to `Rulesd.run`, the one
// call that is the daemon process. Exit codes: 0 after a clean shutdown,
// 2 for a usage or configuration error, a rules directory that is missing
// or has errors, or a database that cannot be opened; 1 when the server
// failed while running.

import ArgumentParser
import Foundation
import Logging

/// The `rulesd` command line.
public struct RulesdCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rulesd",
        abstract: "The leadrules daemon: ingests events, runs the rules, issues tasks over HTTP.",
        discussion: """
        Configuration comes from --config (or ./rulesd.yaml when it exists), then the flags.
        With neither it runs on ./rules, ./rulesd.sqlite and 127.0.0.1:8080.
        Signals: SIGHUP reloads the rules; SIGTERM and SIGINT shut down gracefully.
        See docs/RULESD.md.
        """)

    @Option(name: .long, help: "The config file (default ./rulesd.yaml when it exists).")
    var config: String?

    @Option(name: .long, help: "The rules directory (default ./rules).")
    var rules: String?

    @Option(name: .long, help: "The SQLite database file (default ./rulesd.sqlite).")
    var db: String?

    @Option(name: .long, help: "HOST:PORT to listen on (default 127.0.0.1:8080).")
    var listen: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    @Option(name: .customLong("log-format"), help: "text or json.")
    var logFormat: String?

    @Flag(name: .customLong("no-watch"), help: "Do not watch the rules directory (reload on SIGHUP and POST /-/reload only).")
    var noWatch = false

    @Flag(name: .customLong("check-config"), help: "Read the configuration, print it as resolved, and exit.")
    var checkConfig = false

    public init() {}

    public func run() async throws {
        let code = await execute()
        if code != 0 { throw ExitCode(code) }
    }

    /// Runs rulesd with these options; returns the exit code.
    public func execute() async -> Int32 {
        let overrides = ConfigOverrides(rules: rules, db: db, listen: listen, logLevel: logLevel,
                                        logFormat: logFormat, watch: noWatch ? false : nil)
        let resolved: RulesdConfig
        do {
            resolved = try RulesdConfig.resolve(configPath: config, overrides: overrides)
        } catch {
            Self.printError(error.description)
            return 2
        }
        if checkConfig {
            print(resolved.summary)
            return 0
        }
        return await Rulesd.run(config: resolved)
    }

    /// Parses the command line and runs rulesd; returns the exit code.
    /// Usage errors exit 2 (DESIGN.md: 2 for usage or input errors), help 0.
    public static func main(arguments: [String]) async -> Int32 {
        let command: RulesdCommand
        do {
            command = try parse(arguments)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                return 0
            }
            printError(fullMessage(for: error))
            return 2
        }
        return await command.execute()
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data(("rulesd: " + text + "\n").utf8))
    }
}
