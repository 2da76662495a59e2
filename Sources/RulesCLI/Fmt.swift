import ArgumentParser
import RulesLanguage

extension RulesCommand {
    /// `rules fmt`: print, check or rewrite rule files in canonical layout.
    struct Fmt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fmt",
            abstract: "Print rule files in canonical layout, or check or rewrite them.",
            discussion: """
                Without flags the formatted text of each file is printed to stdout. \
                A file with syntax errors is never formatted: its diagnostics go to \
                stderr and the exit status is 1.
                """)

        @OptionGroup var input: InputOptions

        @Flag(help: "Print the names of files that are not formatted; exit 1 if there are any.")
        var check = false

        @Flag(name: .customShort("w"),
              help: "Rewrite files that are not formatted, in place, and print their names.")
        var write = false

        func validate() throws {
            if check && write {
                throw ValidationError("--check and -w cannot be used together")
            }
        }

        mutating func run() async throws {
            let sources = try input.loadSources()
            var broken: [Diagnostic] = []
            var dropped = 0
            var unformatted = false
            for source in sources {
                let parsed = Parser.parse(source)
                if parsed.diagnostics.hasErrors {
                    broken += parsed.diagnostics.sorted()
                    dropped += parsed.diagnostics.dropped
                    continue
                }
                let formatted = Printer.format(parsed.rulesFile)
                let changed = Array(formatted.utf8) != source.bytes
                if check {
                    if changed { Console.out(source.path + "\n") }
                    unformatted = unformatted || changed
                } else if write {
                    if changed {
                        try AtomicFile.write(Array(formatted.utf8), to: source.path)
                        Console.out("formatted \(source.path)\n")
                    }
                } else {
                    Console.out(formatted)
                }
            }
            if !broken.isEmpty || dropped > 0 {
                let renderer = DiagnosticRenderer(maxDiagnostics: input.maxErrors, color: Console.stderrWantsColor)
                Console.err(renderer.render(broken, dropped: dropped))
            }
            if !broken.isEmpty || dropped > 0 || unformatted {
                throw ExitCode(ExitStatus.findings)
            }
        }
    }
}
