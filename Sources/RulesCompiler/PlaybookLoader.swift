// The one front door for a playbook on disk: its rule files compiled and its
// HOLIDAYS file read, with every diagnostic of both in one sorted list.
// `rules check`, `rules eval`, `rules simulate`, `rules test` and `rulesd`
// all load a playbook through `LoadedPlaybook.load`, so they agree on which files
// belong to it and where the holiday file is.
//
// Where the holiday file is: `HOLIDAYS "holidays.txt"` names a path relative
// to the playbook directory, that is the directory argument under which the
// declaring rules file was found (`rules check rules/` → rules/holidays.txt),
// or, for a rules file named on its own, that file's directory. An absolute
// path is used as it is. A file that cannot be read is an error (E241) at
// the HOLIDAYS declaration; bad lines inside it are errors at their own
// file:line:col (HolidayFile.swift).

import RulesLanguage

/// A playbook read from disk: the compiled rules, the holiday calendar and
/// every finding about either. (Not `Playbook`: RulesTesting has one, a
/// compiled playbook of a test file, that can be built from this.)
public struct LoadedPlaybook: Sendable {
    /// The rule files, in load order.
    public let sources: [SourceFile]
    /// The checked program; nil when the rules or the holiday file have an error.
    public let program: Program?
    /// The holidays of the HOLIDAYS file (its good lines); empty when the
    /// playbook declares none or the file could not be read.
    public let holidays: HolidayCalendar
    /// The holiday file as read, nil when none is declared or it is unreadable.
    public let holidayFile: SourceFile?
    /// Rules and holiday file diagnostics, sorted by file and position.
    public let diagnostics: [Diagnostic]
    /// Diagnostics not kept because the limit was reached (counted as errors).
    public let dropped: Int

    public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count + dropped }
    public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count }

    /// Loads the playbook in `directory` (every `*.rules` file below it,
    /// docs/LANGUAGE.md "Playbooks and files") and its HOLIDAYS file.
    ///
    /// Throws only when the rules themselves cannot be read (the directory
    /// is missing or holds no rules file): the caller exits 2. Everything
    /// else, an unreadable holiday file included, is a diagnostic; check
    /// `program` (nil on any error) before running the engine:
    ///
    ///     let playbook = try LoadedPlaybook.load(directory: "rules")
    ///     guard let program = playbook.program else { /* print playbook.diagnostics */ }
    ///     let engine = Engine(program: program, holidays: playbook.holidays)
    public static func load(directory: String) throws(SourceLoader.LoadError) -> LoadedPlaybook {
        try load([directory])
    }

    /// Loads a playbook given as files and directories, as `rules check PATH...`
    /// takes them (see the file comment for where HOLIDAYS is looked for).
    public static func load(_ paths: [String]) throws(SourceLoader.LoadError) -> LoadedPlaybook {
        var base: [String: String] = [:]
        for path in paths {
            let files = try SourceLoader.expand([path])
            let isFile = files == [path]
            for file in files where base[file] == nil {
                base[file] = isFile ? directory(of: file) : path
            }
        }
        let sources = try SourceLoader.load(paths)
        return assemble(sources, directory: { base[$0.path] ?? directory(of: $0.path) },
                        read: { path throws(SourceLoader.LoadError) in try SourceLoader.read(path) })
    }

    /// Compiles `sources` and reads the holiday file through `read`, at the
    /// path `directory(declaring file)` + the declared name.
    static func assemble(_ sources: [SourceFile], directory: (SourceFile) -> String,
                         read: (String) throws(SourceLoader.LoadError) -> SourceFile) -> LoadedPlaybook {
        let compiled = Compiler.compile(sources)
        var bag = DiagnosticBag()
        for d in compiled.diagnostics { bag.append(d) }
        var holidays = HolidayCalendar.none
        var holidayFile: SourceFile?
        if case let (file, decl)? = holidaysDeclaration(in: compiled.files) {
            let path = resolve(decl.path.value, in: directory(file))
            do {
                let source = try read(path)
                let parsed = HolidayFile.parse(source)
                for d in parsed.diagnostics { bag.append(d) }
                (holidays, holidayFile) = (parsed.calendar, source)
            } catch {
                let reason: String
                switch error {
                case .unreadable(_, let why): reason = why
                case .noRulesFiles: reason = error.description
                }
                let m = HolidayMessages.unreadable(path, reason: reason)
                bag.append(Diagnostic(file: file, range: decl.path.range, severity: m.severity, code: m.code,
                                      message: m.text, notes: m.notes))
            }
        }
        let program = bag.hasErrors || compiled.dropped > 0 ? nil : compiled.program
        return LoadedPlaybook(sources: sources, program: program, holidays: holidays, holidayFile: holidayFile,
                        diagnostics: bag.sorted(), dropped: compiled.dropped + bag.dropped)
    }

    /// The first HOLIDAYS declaration (a second one is E229).
    private static func holidaysDeclaration(in files: [RulesFile]) -> (SourceFile, HolidaysDecl)? {
        for f in files {
            for decl in f.decls {
                if case .holidays(let d) = decl { return (f.file, d) }
            }
        }
        return nil
    }

    /// `name` relative to `directory`, unless it is absolute.
    static func resolve(_ name: String, in directory: String) -> String {
        if name.hasPrefix("/") || directory.isEmpty || directory == "." { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The directory part of a path: `rules/a.rules` → `rules`, `a.rules` → `.`.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
