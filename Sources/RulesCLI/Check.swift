import ArgumentParser
import RulesCompiler
import RulesLanguage

extension DiagnosticRenderer.Format: ExpressibleByArgument {}

extension RulesCommand {
    /// `rules check`: compile the playbook and report every diagnostic.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report every syntax, type and lint finding in rule files and their holiday file.",
            discussion: """
                Exits 0 when there are no errors (warnings are allowed unless --strict), \
                1 when there are findings that fail, 2 for usage errors or unreadable input.
                """)

        @OptionGroup var input: InputOptions

        @Option(help: "Output format: text, json or github (Actions annotations).")
        var format: DiagnosticRenderer.Format = .text

        @Flag(help: "Fail (exit 1) on warnings as well as errors.")
        var strict = false

        @Flag(help: "Print the number of files and lines checked and the time taken to stderr.")
        var verbose = false

        mutating func run() async throws {
            let clock = ContinuousClock()
            let started = clock.now
            let result = try input.loadPlaybook()
            let sources = result.sources
            let elapsed = started.duration(to: clock.now)

            let renderer = DiagnosticRenderer(
                format: format, maxDiagnostics: input.maxErrors,
                color: format == .text && Console.stdoutWantsColor)
            Console.out(renderer.render(result.diagnostics, dropped: result.dropped))
            if verbose {
                Console.err(Self.summary(sources, elapsed: elapsed) + "\n")
            }
            if result.errorCount > 0 || (strict && result.warningCount > 0) {
                throw ExitCode(ExitStatus.findings)
            }
        }

        /// "checked 3 files (412 lines) in 1.8 ms"
        static func summary(_ sources: [SourceFile], elapsed: Duration) -> String {
            let lines = sources.reduce(0) { total, file in
                let endsWithNewline = file.bytes.last == UInt8(ascii: "\n")
                return total + file.lineStarts.count - (endsWithNewline || file.bytes.isEmpty ? 1 : 0)
            }
            let ms = Double(elapsed.components.seconds) * 1000
                + Double(elapsed.components.attoseconds) / 1e15
            let rounded = (ms * 10).rounded() / 10
            let files = sources.count == 1 ? "1 file" : "\(sources.count) files"
            return "checked \(files) (\(lines) lines) in \(rounded) ms"
        }
    }
}

extension InputOptions {
    /// The playbook the PATH arguments name, compiled, with its HOLIDAYS
    /// file read and checked (`LoadedPlaybook.load`); unreadable rules are a usage failure.
    func loadPlaybook() throws(CommandFailure) -> LoadedPlaybook {
        var paths = self.paths
        if paths.isEmpty {
            _ = try loadSources()  // the message for a missing rules/ directory
            paths = [Self.defaultDirectory]
        }
        do {
            return try LoadedPlaybook.load(paths)
        } catch {
            throw CommandFailure(message: error.description)
        }
    }
}
