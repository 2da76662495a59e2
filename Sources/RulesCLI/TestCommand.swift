import ArgumentParser
import RulesTesting

extension RulesCommand {
    /// `rules test`: run the playbook's YAML unit tests (docs/TESTING.md).
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Run YAML tests of the rules: events at times, expected scores, tiers, routes and tasks.",
            discussion: """
                Each PATH is a test file or a directory searched for *.yaml and *.yml files \
                (default: rules/tests). A test file names its playbook with rules: (relative to \
                the file); without it, the nearest directory above the file holding *.rules \
                files is used. Failures print the test file:line of the expectation, expected \
                and got, and the rule file:line behind what was got. Exits 0 when every test \
                passes, 1 when one fails, 2 when a test file or its rules cannot be read \
                (every error is printed, with its line and column).
                """)

        @Argument(help: ArgumentHelp("Test files, or directories of them.", valueName: "path"))
        var paths: [String] = []

        @Option(help: "Output format: text (failures and totals) or json (every test).")
        var format: OutputFormat = .text

        @Option(help: ArgumentHelp("Run only the tests whose name contains this text (any case).", valueName: "name"))
        var filter: String?

        @Flag(name: .shortAndLong, help: "In text output, list the tests that pass too.")
        var verbose = false

        enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
            case text, json
        }

        static let defaultDirectory = "rules/tests"

        mutating func run() async throws {
            var files: [String] = []
            for path in paths.isEmpty ? [Self.defaultDirectory] : paths {
                do {
                    files += try TestRunner.testFiles(under: path)
                } catch {
                    throw CommandFailure(message: "\(path): \(error.message)")
                }
            }
            let runner = TestRunner(filter: filter)
            let report = TestReport(files: files.map { runner.run(path: $0) }, verbose: verbose)
            Console.err(report.issues(color: Console.stderrWantsColor))
            switch format {
            case .text: Console.out(report.text())
            case .json: Console.out(report.json())
            }
            let status = report.summary.exitStatus
            if status != ExitStatus.ok { throw ExitCode(status) }
        }
    }
}
