import RulesLanguage

/// The checked, immutable form of a playbook that the engine runs.
/// Filled in by the checker and lowering passes.
public struct Program: Sendable {
    /// The parsed files, in the order they were given.
    public let files: [RulesFile]
    public init(files: [RulesFile]) {
        self.files = files
    }
}
