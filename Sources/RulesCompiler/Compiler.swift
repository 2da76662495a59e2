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
    /// The parsed files, in the order given (what did parse of a broken one):
    /// `LoadedPlaybook.load` finds the HOLIDAYS declaration here even when the
    /// playbook has errors.
    public var files: [RulesFile] = []

    public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count + dropped }
    public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count }
}

/// The front door of the compiler (cel-go's `Compile`): parse every file,
/// check the whole playbook, then lower it when no error was found.
///
/// Unlike cel-go, the checker also runs when parsing failed: the parser
/// recovers per line, so the good declarations are all there and their
/// errors are worth reporting in the same run. Only findings about something
/// missing, which a failed declaration would explain ("undefined ...", "never
/// used", "no CALLING HOURS", uncovered scores), are held back.
public enum Compiler {
    /// Compiles the files of one playbook, in the order given (the order of
    /// routes and triggers across files).
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
        let parseFailed = bag.hasErrors
        let checker = Checker.check(files, parseFailed: parseFailed, nodeCount: nextID)
        bag.append(contentsOf: checker.bag)
        let program = bag.hasErrors ? nil : checker.lower()
        return CompileResult(program: program, diagnostics: bag.sorted(), dropped: bag.dropped, files: files)
    }
}
