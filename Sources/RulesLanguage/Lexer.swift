// The scanner: `start`/`current` byte indices plus peek/advance and one
// scanX per token kind (jlox). It also turns leading whitespace into
// INDENT/DEDENT tokens (blocks are indented, like the seed's pseudocode) and
// ignores line breaks inside brackets so long lists may span lines.
// It never fails: bad input becomes an `invalid` token plus a diagnostic.

public struct Lexer {
    public let file: SourceFile
    private let bytes: [UInt8]
    private var start = 0
    private var current = 0
    private var tokens: [Token] = []
    private var comments: [Comment] = []
    private var diagnostics = DiagnosticBag()
    /// Open indentation widths; the bottom is always 0.
    private var indents: [Int] = [0]
    /// Nesting of ( and [ — inside brackets, line breaks are insignificant.
    private var bracketDepth = 0
    /// Whether the file indents with tabs; decided by the first indented line.
    private var indentsWithTabs: Bool?
    private var atLineStart = true

    public init(file: SourceFile) {
        self.file = file
        self.bytes = file.bytes
    }

    public struct Output: Sendable {
        public var tokens: [Token]
        public var comments: [Comment]
        public var diagnostics: DiagnosticBag
    }

    /// Scans the whole file.
    public static func tokenize(_ file: SourceFile) -> Output {
        var lexer = Lexer(file: file)
        return lexer.run()
    }

    mutating func run() -> Output {
        skipByteOrderMark()
        while !isAtEnd {
            if atLineStart && bracketDepth == 0 {
                scanIndentation()
                if isAtEnd { break }
            }
            start = current
            scanToken()
        }
        start = current
        if let last = tokens.last, last.kind != .newline {
            add(.newline)
        }
        while indents.count > 1 {
            indents.removeLast()
            add(.dedent)
        }
        add(.eof)
        return Output(tokens: tokens, comments: comments, diagnostics: diagnostics)
    }

    // MARK: - Scanning helpers

    private var isAtEnd: Bool { current >= bytes.count }
    private func peek(_ ahead: Int = 0) -> UInt8 {
        current + ahead < bytes.count ? bytes[current + ahead] : 0
    }
    @discardableResult
    private mutating func advance() -> UInt8 {
        let b = bytes[current]
        current += 1
        return b
    }
    private mutating func match(_ c: Character) -> Bool {
        guard !isAtEnd, bytes[current] == c.asciiValue! else { return false }
        current += 1
        return true
    }
    private mutating func add(_ kind: TokenKind) {
        tokens.append(Token(kind: kind, range: SourceRange(start: start, end: current)))
    }
    private mutating func report(_ code: String, _ message: String, _ range: SourceRange,
                                 notes: [String] = []) {
        diagnostics.append(Diagnostic(file: file, range: range, severity: .error,
                                      code: code, message: message, notes: notes))
    }

    /// At `\n` or at the `\r` of a CRLF: the line's text ends here.
    private var atLineEnd: Bool {
        peek() == UInt8(ascii: "\n") || (peek() == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n"))
    }

    /// Whether only spaces and tabs precede `offset` on its line (a comment
    /// on its own line, also inside a bracketed list spanning lines).
    private func onlyWhitespaceBefore(_ offset: Int) -> Bool {
        var i = offset
        while i > 0, bytes[i - 1] == UInt8(ascii: " ") || bytes[i - 1] == UInt8(ascii: "\t") { i -= 1 }
        return i == 0 || bytes[i - 1] == UInt8(ascii: "\n") || (i == 3 && hasByteOrderMark)
    }

    private var hasByteOrderMark: Bool {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }

    /// A byte as shown in messages, always two hex digits: `0x0B`, `0xFF`.
    static func hex(_ b: UInt8) -> String {
        let digits = String(b, radix: 16, uppercase: true)
        return "0x" + (digits.count == 1 ? "0" + digits : digits)
    }

    private mutating func skipByteOrderMark() {
        if hasByteOrderMark { current = 3 }
    }

    // MARK: - Indentation

    /// Measures the indentation of a line and emits INDENT/DEDENT. Blank and
    /// comment-only lines do not open or close blocks.
    private mutating func scanIndentation() {
        atLineStart = false
        let lineStart = current
        var width = 0
        var sawTab = false, sawSpace = false
        while !isAtEnd, peek() == UInt8(ascii: " ") || peek() == UInt8(ascii: "\t") {
            if advance() == UInt8(ascii: "\t") { sawTab = true } else { sawSpace = true }
            width += 1
        }
        // Blank, comment-only or whitespace-only lines are not code lines.
        if isBlankRest() { return }
        let range = SourceRange(start: lineStart, end: current)
        if sawTab && sawSpace {
            report("E006", "indentation mixes tabs and spaces", range,
                   notes: ["indent with spaces only"])
        } else if width > 0 {
            if indentsWithTabs == nil { indentsWithTabs = sawTab }
            if indentsWithTabs != sawTab {
                report("E006", "indentation uses \(sawTab ? "tabs" : "spaces") but earlier lines use \(sawTab ? "spaces" : "tabs")",
                       range, notes: ["indent with spaces only"])
            }
        }
        start = current
        if width > indents.last! {
            indents.append(width)
            add(.indent)
        } else if width < indents.last! {
            while width < indents.last! {
                if width > indents[indents.count - 2] {
                    // Between two open levels: report it and keep the line in
                    // the innermost block it still belongs to, so every DEDENT
                    // still matches an INDENT.
                    report("E007", "unindent does not match any outer indentation level", range)
                    return
                }
                indents.removeLast()
                add(.dedent)
            }
        }
    }

    /// True when only spaces, tabs, form feeds and carriage returns remain
    /// before the end of the line (or a comment, or the end of the file).
    private func isBlankRest() -> Bool {
        var i = current
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0C: i += 1
            case UInt8(ascii: "\n"), UInt8(ascii: "#"): return true
            default: return false
            }
        }
        return true
    }

    // MARK: - Tokens

    private mutating func scanToken() {
        let c = advance()
        switch c {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0C:
            return
        case UInt8(ascii: "\n"):
            // An unclosed bracket must not swallow the rest of the file: a
            // line that starts in column 0 ends the bracketed region.
            if bracketDepth > 0 {
                let next = peek()
                let continues = next == UInt8(ascii: " ") || next == UInt8(ascii: "\t")
                    || next == UInt8(ascii: "\n") || next == UInt8(ascii: "\r") || next == UInt8(ascii: "#")
                    || next == UInt8(ascii: "]") || next == UInt8(ascii: ")")
                if !continues { bracketDepth = 0 }
            }
            if bracketDepth == 0 {
                // Collapse runs of line breaks into one NEWLINE token.
                if let last = tokens.last, last.kind != .newline, last.kind != .indent,
                   last.kind != .dedent {
                    add(.newline)
                }
                atLineStart = true
            }
        case UInt8(ascii: "#"): scanComment()
        case UInt8(ascii: "\""): scanString(quote: c)
        case UInt8(ascii: "'"): scanString(quote: c)
        case UInt8(ascii: "("), UInt8(ascii: "["):
            bracketDepth += 1
            add(c == UInt8(ascii: "(") ? .lparen : .lbracket)
        case UInt8(ascii: ")"), UInt8(ascii: "]"):
            bracketDepth = max(0, bracketDepth - 1)
            add(c == UInt8(ascii: ")") ? .rparen : .rbracket)
        case UInt8(ascii: ","): add(.comma)
        case UInt8(ascii: ":"): add(.colon)
        case UInt8(ascii: ";"): add(.semicolon)
        case UInt8(ascii: "."): add(.dot)
        case UInt8(ascii: "?"): add(.question)
        case UInt8(ascii: "+"): add(.plus)
        case UInt8(ascii: "-"): add(.minus)
        case UInt8(ascii: "="):
            if match("=") { add(.doubleEqual) } else if match(">") { add(.arrow) } else { add(.equal) }
        case UInt8(ascii: "!"):
            if match("=") {
                add(.notEqual)
            } else {
                add(.invalid)
                report("E001", "unexpected character '!'", SourceRange(start: start, end: current),
                       notes: ["use NOT for negation and '!=' for inequality"])
            }
        case UInt8(ascii: "<"):
            if match("=") { add(.lessEqual) } else if match(">") {
                add(.notEqual)
            } else { add(.less) }
        case UInt8(ascii: ">"): add(match("=") ? .greaterEqual : .greater)
        default:
            if isDigit(c) {
                scanNumber()
            } else if isIdentStart(c) {
                while !isAtEnd, isIdentPart(peek()) { advance() }
                add(.identifier)
            } else {
                scanUnexpected(c)
            }
        }
    }

    private mutating func scanUnexpected(_ first: UInt8) {
        // Consume a whole UTF-8 sequence so one bad character is one error.
        if first >= 0x80 {
            let valid = consumeScalar(first)
            let range = SourceRange(start: start, end: current)
            add(.invalid)
            if valid {
                report("E001", "unexpected character '\(file.text(range))'", range)
            } else {
                report("E008", "invalid UTF-8 byte \(Lexer.hex(first))", range)
            }
            return
        }
        // `&&` and `||` from other languages: one error that names the keyword.
        if (first == UInt8(ascii: "&") || first == UInt8(ascii: "|")), peek() == first {
            advance()
            add(.invalid)
            let keyword = first == UInt8(ascii: "&") ? "AND" : "OR"
            report("E001", "unexpected '\(file.text(SourceRange(start: start, end: current)))'",
                   SourceRange(start: start, end: current), notes: ["write \(keyword)"])
            return
        }
        add(.invalid)
        let shown = first >= 0x20 && first < 0x7F
            ? "'\(Character(Unicode.Scalar(first)))'"
            : "byte \(Lexer.hex(first))"
        report("E001", "unexpected character \(shown)", SourceRange(start: start, end: current))
    }

    /// Advances past the continuation bytes of a multi-byte scalar whose lead
    /// byte was just consumed. Returns false when the sequence is not valid UTF-8.
    private mutating func consumeScalar(_ lead: UInt8) -> Bool {
        let need: Int
        switch lead {
        case 0xC2...0xDF: need = 1
        case 0xE0...0xEF: need = 2
        case 0xF0...0xF4: need = 3
        default: return false
        }
        for _ in 0..<need {
            guard !isAtEnd, peek() & 0xC0 == 0x80 else { return false }
            advance()
        }
        // Reject overlong and surrogate encodings via the standard decoder.
        var it = bytes[(current - need - 1)..<current].makeIterator()
        var decoder = UTF8()
        if case .scalarValue = decoder.decode(&it) { return true }
        return false
    }

    private mutating func scanComment() {
        let ownLine = onlyWhitespaceBefore(start)
        while !isAtEnd, peek() != UInt8(ascii: "\n") {
            let at = current
            let b = advance()
            if b >= 0x80 && !consumeScalar(b) {
                report("E008", "invalid UTF-8 byte \(Lexer.hex(b)) in comment",
                       SourceRange(start: at, end: current))
            }
        }
        var end = current
        while end > start + 1, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t")
            || bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let text = String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
        comments.append(Comment(range: SourceRange(start: start, end: end), text: text, ownLine: ownLine))
    }

    private mutating func scanString(quote: UInt8) {
        while !isAtEnd, peek() != quote, !atLineEnd {
            let at = current
            let b = advance()
            if b == UInt8(ascii: "\\") {
                if isAtEnd || atLineEnd { break }
                let e = advance()
                if !"\"\\nt'".utf8.contains(e) {
                    // A non-ASCII escape is consumed whole, so its continuation
                    // bytes are not mistaken for invalid UTF-8.
                    let valid = e < 0x80 || consumeScalar(e)
                    let shown = e >= 0x20 && e < 0x7F ? "'\\\(Character(Unicode.Scalar(e)))'"
                        : valid && e >= 0x80 ? "'\\\(file.text(SourceRange(start: at + 1, end: current)))'"
                        : "'\\' followed by byte \(Lexer.hex(e))"
                    report("E003", "invalid escape sequence \(shown) in string",
                           SourceRange(start: at, end: current),
                           notes: ["valid escapes are \\\" \\\\ \\n \\t"])
                }
            } else if b >= 0x80 && !consumeScalar(b) {
                report("E008", "invalid UTF-8 byte \(Lexer.hex(b)) in string",
                       SourceRange(start: at, end: current))
            }
        }
        if isAtEnd || peek() != quote {
            report("E002", "unterminated string", SourceRange(start: start, end: current),
                   notes: ["close the string with \" before the end of the line"])
            add(.string)
            return
        }
        advance()
        if quote == UInt8(ascii: "'") {
            report("E009", "strings are written in double quotes", SourceRange(start: start, end: current))
        }
        add(.string)
    }

    private mutating func scanNumber() {
        // A time of day: one or two digits, ':', two digits (09:00, 9:30).
        if peek() == UInt8(ascii: ":") || (isDigit(peek()) && peek(1) == UInt8(ascii: ":")) {
            let colon = peek() == UInt8(ascii: ":") ? 0 : 1
            if isDigit(peek(colon + 1)) && isDigit(peek(colon + 2)) && !isDigit(peek(colon + 3)) {
                current += colon + 3
                add(.time)
                let t = Lexer.timeValue(file.text(SourceRange(start: start, end: current)))
                if t == nil {
                    report("E005", "invalid time of day '\(file.text(SourceRange(start: start, end: current)))'",
                           SourceRange(start: start, end: current),
                           notes: ["times are HH:MM from 00:00 to 24:00"])
                }
                return
            }
        }
        while isDigit(peek()) { advance() }
        if peek() == UInt8(ascii: "."), isDigit(peek(1)) {
            advance()
            while isDigit(peek()) { advance() }
        }
        if isIdentStart(peek()) {
            let suffixStart = current
            while !isAtEnd, isIdentPart(peek()) { advance() }
            let suffix = file.text(SourceRange(start: suffixStart, end: current))
            if Lexer.durationUnits[suffix] != nil {
                add(.duration)
            } else {
                add(.invalid)
                report("E004", "invalid suffix '\(suffix)' on number",
                       SourceRange(start: suffixStart, end: current),
                       notes: ["durations use ms, s, m, h, d or w, as in 15m or 2h"])
            }
            return
        }
        add(.number)
    }

    // MARK: - Literal values

    /// Milliseconds per duration unit.
    public static let durationUnits: [String: Int64] = [
        "ms": 1, "s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000,
    ]

    /// Milliseconds in a duration literal such as `15m`; nil when malformed.
    public static func durationValue(_ text: String) -> Int64? {
        let digits = text.prefix { $0.isNumber || $0 == "." }
        let unit = String(text.dropFirst(digits.count))
        guard let n = Double(digits), let ms = durationUnits[unit] else { return nil }
        let value = n * Double(ms)
        guard value.isFinite, value < 9.0e15 else { return nil }
        return Int64(value.rounded())
    }

    /// Minutes after midnight of a time literal such as `09:30`; nil when out of range.
    public static func timeValue(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              parts[1].count == 2, h >= 0, m >= 0, m < 60, h < 24 || (h == 24 && m == 0) else { return nil }
        return h * 60 + m
    }

    /// The value of a string literal token (quotes removed, escapes applied).
    public static func stringValue(_ raw: String) -> String {
        var chars = Array(raw)
        if let f = chars.first, f == "\"" || f == "'" { chars.removeFirst() }
        if let l = chars.last, l == "\"" || l == "'", !chars.isEmpty { chars.removeLast() }
        var out = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count {
                let e = chars[i + 1]
                switch e {
                case "n": out.append("\n")
                case "t": out.append("\t")
                default: out.append(e)
                }
                i += 2
            } else {
                out.append(c)
                i += 1
            }
        }
        return out
    }
}

// Character classes are free functions, not methods: a method call on the
// lexer copies the whole struct (retaining every array) in debug builds,
// which made scanning a 10 MB file several times slower.
private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
private func isIdentStart(_ c: UInt8) -> Bool {
    (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_")
}
private func isIdentPart(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) }
