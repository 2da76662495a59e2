import ArgumentParser

/// The `rules` command line: lint, format, test and simulate rule files.
/// Each subcommand lives in its own file as an extension of this namespace;
/// `RulesCommand.runMain()` (CommandRunner.swift) is the process entry.
public struct RulesCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check, format, test and simulate leadrules playbooks.",
        discussion: """
            Exit status: 0 when clean, 1 when there are findings (errors, or warnings \
            with --strict, or unformatted files with fmt --check), 2 for usage errors \
            and unreadable input.
            """,
        subcommands: [Check.self, Fmt.self, Eval.self, Test.self, Simulate.self]
    )
    public init() {}
}
