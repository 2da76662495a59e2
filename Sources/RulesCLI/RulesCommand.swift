import ArgumentParser

/// The `rules` command line: lint, format, test and simulate rule files.
/// Each subcommand lives in its own file as an extension of this namespace.
public struct RulesCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Check, format, test and simulate leadrules playbooks.",
        subcommands: []
    )
    public init() {}
}
