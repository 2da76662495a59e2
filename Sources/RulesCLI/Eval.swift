import ArgumentParser
import RulesCompiler
import RulesEngine
import RulesLanguage

extension RulesCommand {
    /// `rules eval`: replay an events file through the playbook and print
    /// each lead's score, tier, route and status, with the rules behind them.
    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval",
            abstract: "Print each lead's score, tier, route and status after replaying its events.",
            discussion: """
                EVENTS is a JSON Lines file, one event per line (docs/EVENTS.md); - reads stdin. \
                Each lead's events are applied in time order, whatever their order in the file. \
                JSON output is one object per lead, sorted by lead id, with its explanation; \
                text output is a table (with --explain, each lead's rules under its row). \
                Exits 0 when every lead was evaluated, 2 when the rules do not compile or \
                the events file has an error (every error is printed, with its line).
                """)

        @Option(name: .customLong("rules"),
                help: ArgumentHelp("The playbook: a directory searched for *.rules files, or one file.",
                                   valueName: "dir"))
        var rules = "rules"

        @Option(help: ArgumentHelp("""
            Evaluate as of this RFC 3339 time (with Z or an offset): later events are left out. \
            Default: the time of the last event.
            """, valueName: "time"))
        var at: String?

        @Option(help: "Output format: json (one object per lead) or text (a table).")
        var format: OutputFormat = .json

        @Flag(help: "In text output, list under each lead the rules that gave its score, tier and route.")
        var explain = false

        @Argument(help: ArgumentHelp("The events file (JSON Lines).", valueName: "events"))
        var events: String

        enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
            case json, text
        }

        /// Errors printed before "N more"; every one is counted.

        func validate() throws {
            if let at {
                do {
                    _ = try Timestamp.parse(at)
                } catch {
                    throw ValidationError("--at: time \"\(at)\" \(error)")
                }
            }
        }

        mutating func run() async throws {
            let (compiled, holidays) = try CommandInput.playbook(rules, nothing: "evaluated")
            let (path, bytes) = try CommandInput.eventsFile(events)
            let until = at.flatMap { try? Timestamp.parse($0) }  // checked by validate()
            let log = EventDecoder(program: compiled.program).decode(bytes, path: path)
            let (histories, leadIssues) = LeadHistory.histories(of: log, path: path, until: until)
            let issues = CommandInput.byLine(log.issues + leadIssues)
            CommandInput.report(issues, dropped: log.droppedIssues)
            let errors = log.errorCount + leadIssues.count
            guard errors == 0 else {
                throw CommandFailure(message: "\(CommandInput.count(errors, "error")) in \(path); no lead evaluated")
            }
            let now = until ?? log.events.map(\.event.at).max() ?? 0
            let reports: [LeadReport]
            do {
                reports = try Replay(engine: Engine(compiled: compiled, holidays: holidays)).reports(histories, now: now)
            } catch {
                throw CommandFailure(message: error.description)
            }
            switch format {
            case .json: Console.out(reports.map { JSON.serialize($0.json) + "\n" }.joined())
            case .text: Console.out(EvalTable(reports: reports, explain: explain).render())
            }
        }
    }
}
