// Token cursor, "expected X, found Y" reporting and error recovery for the
// recursive-descent parser. The grammar rules themselves live in
// Parser.swift (declarations), ParserActions.swift and ParserExpressions.swift.

/// Thrown inside the parser to unwind to the nearest statement boundary after
/// a syntax error has been reported; never escapes `Parser.parse`.
struct SyntaxError: Error {}

public struct Parser {
    let file: SourceFile
    let tokens: [Token]
    var pos = 0
    var diagnostics: DiagnosticBag
    var nextID: Int
    /// Current expression nesting, bounded so deep input cannot overflow the stack.
    var depth = 0
    /// The deepest `depth` reached inside the expression being parsed; an
    /// operator chain uses it to bound the height of the tree it builds.
    var deepest = 0
    static let maxDepth = 64

    public struct Result: Sendable {
        public var rulesFile: RulesFile
        public var diagnostics: DiagnosticBag
        /// The first node id not used by this file; pass it to the next parse.
        public var nextID: Int
    }

    /// Lexes and parses one file. Never throws: every problem becomes a
    /// diagnostic and the parser resumes at the next line.
    public static func parse(_ file: SourceFile, firstID: Int = 0) -> Result {
        let lexed = Lexer.tokenize(file)
        var parser = Parser(file: file, tokens: lexed.tokens, diagnostics: lexed.diagnostics, nextID: firstID)
        let decls = parser.parseFile()
        return Result(rulesFile: RulesFile(file: file, decls: decls, comments: lexed.comments),
                      diagnostics: parser.diagnostics, nextID: parser.nextID)
    }

    // MARK: - Cursor

    var current: Token { tokens[pos] }
    var previous: Token { tokens[max(0, pos - 1)] }
    func peek(_ ahead: Int = 1) -> Token { tokens[min(pos + ahead, tokens.count - 1)] }

    func at(_ kind: TokenKind) -> Bool { current.kind == kind }

    func text(_ token: Token) -> String { file.text(token.range) }

    /// True when the current token is the keyword `word` (any letter case).
    func atKeyword(_ word: String) -> Bool {
        current.kind == .identifier && text(current).uppercased() == word
    }
    func isKeyword(_ token: Token, _ word: String) -> Bool {
        token.kind == .identifier && text(token).uppercased() == word
    }

    @discardableResult
    mutating func advance() -> Token {
        let t = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }

    mutating func makeID() -> NodeID {
        defer { nextID += 1 }
        return nextID
    }

    /// A range from the start offset to the end of the last consumed token
    /// that is not layout: a block's range must not take in the blank lines
    /// and comments before the DEDENT that closed it.
    func rangeFrom(_ start: Int) -> SourceRange {
        var last = pos - 1
        while last > 0, tokens[last].kind == .newline || tokens[last].kind == .indent
                || tokens[last].kind == .dedent {
            last -= 1
        }
        return SourceRange(start: start, end: max(start, tokens[max(0, last)].range.end))
    }

    // MARK: - Expecting

    mutating func matchKind(_ kind: TokenKind) -> Bool {
        guard at(kind) else { return false }
        advance()
        return true
    }

    mutating func matchKeyword(_ word: String) -> Bool {
        guard atKeyword(word) else { return false }
        advance()
        return true
    }

    @discardableResult
    mutating func expect(_ kind: TokenKind, _ what: String) throws(SyntaxError) -> Token {
        guard at(kind) else { throw failExpected(what) }
        return advance()
    }

    @discardableResult
    mutating func expectKeyword(_ word: String, _ what: String? = nil) throws(SyntaxError) -> Token {
        guard atKeyword(word) else { throw failExpected(what ?? "'\(word)'") }
        return advance()
    }

    /// How the current token is shown in "found ..." messages.
    func describeCurrent() -> String {
        switch current.kind {
        case .identifier, .number, .duration, .time:
            return "'\(text(current))'"
        case .string:
            let t = text(current)
            return "string \(t.count > 30 ? String(t.prefix(27)) + "...\"" : t)"
        default:
            return current.kind.displayName
        }
    }

    /// Reports "expected X, found Y" at the current token and returns the
    /// error to throw. An invalid token was already reported by the lexer.
    mutating func failExpected(_ what: String, notes: [String] = []) -> SyntaxError {
        if current.kind != .invalid {
            var range = current.range
            if current.kind == .newline || current.kind == .eof || current.kind == .dedent
                || current.kind == .indent {
                // Point just after the previous token, where the missing thing belongs.
                range = SourceRange(start: previous.range.end, end: previous.range.end)
            }
            error("E100", "expected \(what), found \(describeCurrent())", range, notes: notes)
        }
        return SyntaxError()
    }

    /// False once the diagnostic limit is reached: then nothing more is
    /// kept, so the costly "did you mean" search can be skipped.
    var wantsNotes: Bool { diagnostics.items.count < diagnostics.limit }

    /// "did you mean" for the current word among the keywords the grammar
    /// expects here; empty when none is close or notes are no longer kept.
    func keywordNotes(among keywords: [String]) -> [String] {
        guard at(.identifier), wantsNotes, let s = Suggestion.closest(to: text(current), among: keywords) else {
            return []
        }
        return ["did you mean '\(s)'?"]
    }

    mutating func error(_ code: String, _ message: String, _ range: SourceRange, notes: [String] = []) {
        diagnostics.append(Diagnostic(file: file, range: range, severity: .error, code: code,
                                      message: message, notes: notes))
    }

    // MARK: - Recovery

    /// Skips to the end of the current logical line and past any block
    /// indented under it, so the next statement starts clean.
    mutating func synchronizeLine() {
        var nested = 0
        while !at(.eof) {
            switch current.kind {
            case .indent:
                nested += 1
            case .dedent:
                if nested == 0 { return }
                nested -= 1
                if nested == 0 {
                    advance()
                    return
                }
            case .newline:
                if nested == 0 {
                    advance()
                    if at(.indent) { skipBlock() }
                    return
                }
            default:
                break
            }
            advance()
        }
    }

    /// Skips a whole INDENT ... DEDENT block (the current token is INDENT).
    mutating func skipBlock() {
        guard at(.indent) else { return }
        var nested = 0
        repeat {
            if at(.indent) { nested += 1 }
            if at(.dedent) { nested -= 1 }
            advance()
        } while nested > 0 && !at(.eof)
    }
}
