// What must hold for ANY input, valid or not (issue 2, "Bad input"): the bad
// input tests and the fuzz test run every input through the lexer, the parser
// and the compiler and collect violations of these rules as readable strings.
import RulesCompiler
@testable import RulesLanguage

/// Runs `bytes` through `Lexer.tokenize`, `Parser.parse` and
/// `Compiler.compile` and returns every broken invariant (empty when all hold).
func invariantViolations(_ bytes: [UInt8], path: String = "input.rules") -> [String] {
    let file = SourceFile(path: path, bytes: bytes)
    let lexed = Lexer.tokenize(file)
    var problems = tokenViolations(lexed, in: file)
    let parsed = Parser.parse(file)
    let parseDiagnostics = parsed.diagnostics.sorted()
    problems += diagnosticViolations(parseDiagnostics, in: file, stage: "parse")
    for decl in parsed.rulesFile.decls where !isWithin(decl.range, file) {
        problems.append("declaration range \(decl.range) outside the file of \(bytes.count) bytes")
    }
    problems += silentInvalidTokens(lexed)
    problems += repeatedSyntaxErrors(parseDiagnostics)
    let compiled = Compiler.compile([file])
    problems += diagnosticViolations(compiled.diagnostics, in: file, stage: "compile")
    if (compiled.program == nil) != (compiled.errorCount > 0) {
        problems.append("compile: program is \(compiled.program == nil ? "nil" : "set") with \(compiled.errorCount) errors")
    }
    if parsed.diagnostics.hasErrors && compiled.errorCount == 0 {
        problems.append("compile reports no error although parsing did")
    }
    return problems
}

/// The parser stays silent at an invalid token because the lexer already
/// reported it: check that it did (both lists are in source order).
func silentInvalidTokens(_ lexed: Lexer.Output) -> [String] {
    guard lexed.diagnostics.dropped == 0 else { return [] }
    let errors = lexed.diagnostics.sorted()
    var next = 0
    var problems: [String] = []
    for token in lexed.tokens where token.kind == .invalid {
        while next < errors.count, errors[next].range.start < token.range.start { next += 1 }
        if next == errors.count || errors[next].range.start >= max(token.range.end, token.range.start + 1) {
            problems.append("invalid token at \(token.range) has no lexer diagnostic")
        }
    }
    return problems
}

func isWithin(_ range: SourceRange, _ file: SourceFile) -> Bool {
    range.start >= 0 && range.start <= range.end && range.end <= file.bytes.count
}

/// The token stream ends in EOF, stays inside the file in order, and its
/// INDENT and DEDENT tokens pair up like brackets.
func tokenViolations(_ lexed: Lexer.Output, in file: SourceFile) -> [String] {
    var problems: [String] = []
    if lexed.tokens.last?.kind != .eof { problems.append("token stream does not end in EOF") }
    if lexed.tokens.dropLast().contains(where: { $0.kind == .eof }) { problems.append("EOF before the end of the stream") }
    var open = 0
    var lastStart = 0
    for token in lexed.tokens {
        if !isWithin(token.range, file) { problems.append("token \(token.kind) at \(token.range) outside the file") }
        if token.range.start < lastStart { problems.append("token \(token.kind) at \(token.range) out of order") }
        lastStart = token.range.start
        if token.kind == .indent { open += 1 }
        if token.kind == .dedent { open -= 1 }
        if open < 0 {
            problems.append("DEDENT at \(token.range) without an open INDENT")
            open = 0
        }
    }
    if open != 0 { problems.append("\(open) INDENT tokens never closed") }
    for c in lexed.comments where !isWithin(c.range, file) { problems.append("comment at \(c.range) outside the file") }
    return problems
}

/// Every diagnostic lies in the file, the list is sorted by position, and
/// each has a well-formed code matching its severity and a message.
func diagnosticViolations(_ diagnostics: [Diagnostic], in file: SourceFile, stage: String) -> [String] {
    var problems: [String] = []
    var previous: Diagnostic?
    for d in diagnostics {
        let name = "\(stage): \(d.code) at \(d.range)"
        if d.file === file && !isWithin(d.range, file) { problems.append("\(name) outside the file of \(file.bytes.count) bytes") }
        if let p = previous, (p.file.path, p.range.start) > (d.file.path, d.range.start) {
            problems.append("\(name) sorted after \(p.code) at \(p.range)")
        }
        previous = d
        let prefix: Character = d.severity == .error ? "E" : "W"
        let digits = d.code.dropFirst()
        if d.severity != .note && (d.code.first != prefix || digits.count != 3 || !digits.allSatisfy(\.isNumber)) {
            problems.append("\(name) has a malformed code for a \(d.severity)")
        }
        if d.message.isEmpty { problems.append("\(name) has an empty message") }
        if d.notes.contains(where: \.isEmpty) { problems.append("\(name) has an empty note") }
        // A column costs the length of its line: only for small files, so
        // that a 1 MB line with 10,000 errors stays linear.
        if d.file === file && file.bytes.count <= 65_536 {
            let location = d.location
            if location.line < 1 || location.line > file.lineStarts.count || location.column < 1 {
                problems.append("\(name) has location \(location)")
            }
        }
    }
    return problems
}

/// Errors that abandon a statement (the parser then skips to the next line)
/// can be reported at most once per line.
func repeatedSyntaxErrors(_ diagnostics: [Diagnostic]) -> [String] {
    let fatal: Set<String> = ["E100", "E102", "E103", "E104", "E106", "E107"]
    var seen: [Int: String] = [:]
    var problems: [String] = []
    for d in diagnostics where fatal.contains(d.code) {
        let line = d.file.line(of: d.range.start)
        if let first = seen[line] {
            problems.append("line \(line) has \(first) and then \(d.code) \(d.message)")
        } else {
            seen[line] = "\(d.code) \(d.message)"
        }
    }
    return problems
}
