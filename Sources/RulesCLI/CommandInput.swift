// What the commands that run the engine (`eval`, `simulate`) share when they
// read their input: the playbook with its holidays, and how event-file
// issues are printed. One copy, so both commands say the same thing.

import RulesCompiler
import RulesEngine
import RulesLanguage

enum CommandInput {
    /// Issues printed before "... and N more issues".
    static let maxPrintedIssues = 100

    /// The compiled playbook in `rules` and its holidays (`LoadedPlaybook.load`);
    /// the diagnostics and exit 2 when the rules or the holiday file have
    /// errors, saying "nothing <done>".
    static func playbook(_ rules: String, nothing done: String) throws(CommandFailure) -> (CompiledProgram, HolidayCalendar) {
        let playbook: LoadedPlaybook
        do {
            playbook = try LoadedPlaybook.load(directory: rules)
        } catch {
            throw CommandFailure(message: error.description)
        }
        guard let program = playbook.program else {
            let renderer = DiagnosticRenderer(color: Console.stderrWantsColor)
            Console.err(renderer.render(playbook.diagnostics.filter { $0.severity == .error },
                                        dropped: playbook.dropped))
            throw CommandFailure(message: "the rules in '\(rules)' do not compile; nothing \(done)")
        }
        return (CompiledProgram(program: program), playbook.holidays)
    }

    /// The bytes of an events file (`-` is stdin) and the name errors give it.
    static func eventsFile(_ events: String) throws(CommandFailure) -> (path: String, bytes: [UInt8]) {
        do {
            let bytes = try SourceLoader.read(events == "-" ? "/dev/stdin" : events).bytes
            return (events == "-" ? "<stdin>" : events, bytes)
        } catch {
            throw CommandFailure(message: error.description)
        }
    }

    /// Issues by line; issues of one line keep the order they were found in.
    static func byLine(_ issues: [EventIssue]) -> [EventIssue] {
        issues.enumerated()
            .sorted { $0.element.line != $1.element.line ? $0.element.line < $1.element.line : $0.offset < $1.offset }
            .map(\.element)
    }

    /// Prints issues to stderr, at most `maxPrintedIssues`, then how many more.
    static func report(_ issues: [EventIssue], dropped: Int) {
        var text = issues.prefix(maxPrintedIssues).map { "\($0)\n" }.joined()
        let hidden = issues.count - min(issues.count, maxPrintedIssues) + dropped
        if hidden > 0 { text += "... and \(count(hidden, "more issue"))\n" }
        Console.err(text)
    }

    /// "1 error", "3 errors".
    static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }
}
