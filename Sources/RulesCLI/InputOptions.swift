import ArgumentParser
import RulesCompiler
import RulesLanguage

/// The PATH arguments and the diagnostic cap shared by `check` and `fmt`.
struct InputOptions: ParsableArguments {
    /// Used when no PATH is given.
    static let defaultDirectory = "rules/"

    @Argument(help: ArgumentHelp(
        "Rule files, or directories searched recursively for *.rules files.",
        discussion: "Defaults to rules/ in the current directory.",
        valueName: "path"))
    var paths: [String] = []

    @Option(name: .customLong("max-errors"),
            help: ArgumentHelp("Print at most this many diagnostics (0 prints all).", valueName: "n"))
    var maxErrors = 100

    func validate() throws {
        guard maxErrors >= 0 else {
            throw ValidationError("--max-errors must be 0 or more, not \(maxErrors)")
        }
    }

    /// Reads the named files; a missing or unreadable input is a usage failure.
    func loadSources() throws(CommandFailure) -> [SourceFile] {
        var paths = self.paths
        if paths.isEmpty {
            guard (try? SourceLoader.expand([Self.defaultDirectory])) != nil else {
                throw CommandFailure(message: """
                    no path given and no rules/ directory with .rules files here; \
                    pass the files or directories to read
                    """)
            }
            paths = [Self.defaultDirectory]
        }
        do {
            return try SourceLoader.load(paths)
        } catch {
            throw CommandFailure(message: error.description)
        }
    }
}
