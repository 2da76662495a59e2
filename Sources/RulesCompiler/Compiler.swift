import RulesLanguage

/// The outcome of compiling a playbook: every diagnostic of every stage, and
/// the program when there were no errors.
public struct CompileResult: Sendable {
    /// Nil when any error was found.
    public let program: Program?
    /// Sorted by file and position, duplicates removed.
    public let diagnostics: [Diagnostic]
    /// Diagnostics not kept because the limit was reached.
    public let dropped: Int

    public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count + dropped }
    public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count }
}

/// The front door of the compiler (cel-go's `Compile`): parse every file,
/// then check the whole playbook only if parsing succeeded, then lower.
public enum Compiler {
    public static func compile(_ sources: [SourceFile]) -> CompileResult {
        var bag = DiagnosticBag()
        var files: [RulesFile] = []
        var nextID = 0
        for source in sources {
            let parsed = Parser.parse(source, firstID: nextID)
            nextID = parsed.nextID
            bag.append(contentsOf: parsed.diagnostics)
            files.append(parsed.rulesFile)
        }
        let program = bag.hasErrors ? nil : Program(files: files)
        return CompileResult(program: program, diagnostics: bag.sorted(), dropped: bag.dropped)
    }
}
