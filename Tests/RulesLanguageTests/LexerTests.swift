// Table-driven lexer tests in the style of Go's scanner_test.go: each case is
// an input, the token stream written compactly, and the exact diagnostics
// with their byte ranges.
import Testing
@testable import RulesLanguage

/// One lexer case. `tokens` is the stream as `show(_:)` writes it; `errors`
/// are `start..<end CODE message`, byte offsets, sorted.
struct LexCase: CustomTestStringConvertible, Sendable {
    var input: [UInt8]
    var tokens: String
    var errors: [String] = []

    init(_ input: String, _ tokens: String, _ errors: [String] = []) {
        self.input = Array(input.utf8)
        self.tokens = tokens
        self.errors = errors
    }
    init(bytes: [UInt8], _ tokens: String, _ errors: [String] = []) {
        self.input = bytes
        self.tokens = tokens
        self.errors = errors
    }
    var testDescription: String { String(decoding: input, as: UTF8.self).debugDescription }
}

func lex(_ bytes: [UInt8]) -> (file: SourceFile, output: Lexer.Output) {
    let file = SourceFile(path: "lex.rules", bytes: bytes)
    return (file, Lexer.tokenize(file))
}

/// The token stream as one line: names as written, literals as `kind(text)`,
/// punctuation as its symbol, layout as NL / INDENT / DEDENT / EOF.
func show(_ tokens: [Token], in file: SourceFile) -> String {
    tokens.map { t -> String in
        let text = file.text(t.range)
        switch t.kind {
        case .identifier: return text
        case .number: return "num(\(text))"
        case .duration: return "dur(\(text))"
        case .time: return "time(\(text))"
        case .string: return "str(\(text))"
        case .invalid: return "invalid(\(text))"
        case .newline: return "NL"
        case .indent: return "INDENT"
        case .dedent: return "DEDENT"
        case .eof: return "EOF"
        default: return t.kind.displayName.filter { $0 != "'" }
        }
    }.joined(separator: " ")
}

func showErrors(_ bag: DiagnosticBag) -> [String] {
    bag.sorted().map { "\($0.range.start)..<\($0.range.end) \($0.code) \($0.message)" }
}

let tokenCases: [LexCase] = [
    LexCase("", "EOF"),
    LexCase("= != <> < <= > >= == => + - ( ) [ ] , : ; . ?",
            "= != != < <= > >= == => + - ( ) [ ] , : ; . ? NL EOF"),
    LexCase("lead_score _x a1 A_B iF when", "lead_score _x a1 A_B iF when NL EOF"),
    LexCase("12 3.5 0 007 1. .5", "num(12) num(3.5) num(0) num(007) num(1) . . num(5) NL EOF"),
    LexCase("250ms 60s 15m 2h 7d 2w 1.5h", "dur(250ms) dur(60s) dur(15m) dur(2h) dur(7d) dur(2w) dur(1.5h) NL EOF"),
    LexCase("09:00 9:30 24:00 00:00", "time(09:00) time(9:30) time(24:00) time(00:00) NL EOF"),
    LexCase("9:5 123:45", "num(9) : num(5) num(123) : num(45) NL EOF"),
    LexCase("09:00am", "time(09:00) am NL EOF"),
    LexCase(#""" "a\"b\\c\nd\te" "Zürich""#, #"str("") str("a\"b\\c\nd\te") str("Zürich") NL EOF"#),
    LexCase("event.ends_at + 30m", "event . ends_at + dur(30m) NL EOF"),
    LexCase("x # trailing comment", "x NL EOF"),
    LexCase("# only a comment\n# and another", "EOF"),
    LexCase("a;b", "a ; b NL EOF"),
]

let literalErrorCases: [LexCase] = [
    LexCase("25:00", "time(25:00) NL EOF", ["0..<5 E005 invalid time of day '25:00'"]),
    LexCase("12:60", "time(12:60) NL EOF", ["0..<5 E005 invalid time of day '12:60'"]),
    LexCase("24:01", "time(24:01) NL EOF", ["0..<5 E005 invalid time of day '24:01'"]),
    LexCase(#"x "a\qb""#, #"x str("a\qb") NL EOF"#, ["4..<6 E003 invalid escape sequence '\\q' in string"]),
    LexCase("\"a\\\u{1}\"", "str(\"a\\\u{1}\") NL EOF",
            ["2..<4 E003 invalid escape sequence '\\' followed by byte 0x01 in string"]),
    LexCase(#""\é""#, #"str("\é") NL EOF"#, ["1..<4 E003 invalid escape sequence '\\é' in string"]),
    LexCase("\"abc", "str(\"abc) NL EOF", ["0..<4 E002 unterminated string"]),
    LexCase("\"abc\nx", "str(\"abc) NL x NL EOF", ["0..<4 E002 unterminated string"]),
    LexCase("\"abc\r\nx", "str(\"abc) NL x NL EOF", ["0..<4 E002 unterminated string"]),
    LexCase("\"ab\\", "str(\"ab\\) NL EOF", ["0..<4 E002 unterminated string"]),
    LexCase("\"ab\\\r\n", "str(\"ab\\) NL EOF", ["0..<4 E002 unterminated string"]),
    LexCase("'abc'", "str('abc') NL EOF", ["0..<5 E009 strings are written in double quotes"]),
    LexCase("10x", "invalid(10x) NL EOF", ["2..<3 E004 invalid suffix 'x' on number"]),
    LexCase("3.5kg 10ms5", "invalid(3.5kg) invalid(10ms5) NL EOF",
            ["3..<5 E004 invalid suffix 'kg' on number", "8..<11 E004 invalid suffix 'ms5' on number"]),
    LexCase("a $ b", "a invalid($) b NL EOF", ["2..<3 E001 unexpected character '$'"]),
    LexCase("!x", "invalid(!) x NL EOF", ["0..<1 E001 unexpected character '!'"]),
    LexCase("@", "invalid(@) NL EOF", ["0..<1 E001 unexpected character '@'"]),
    LexCase("café", "caf invalid(é) NL EOF", ["3..<5 E001 unexpected character 'é'"]),
    LexCase("x\u{0}y", "x invalid(\u{0}) y NL EOF", ["1..<2 E001 unexpected character byte 0x00"]),
    LexCase("a && b || c & d", "a invalid(&&) b invalid(||) c invalid(&) d NL EOF",
            ["2..<4 E001 unexpected '&&'", "7..<9 E001 unexpected '||'", "12..<13 E001 unexpected character '&'"]),
]

/// Invalid UTF-8 with exact byte positions, in code, strings and comments.
let utf8Cases: [LexCase] = [
    LexCase(bytes: [0x78, 0x20, 0xFF, 0x20, 0x79], "x invalid(\u{FFFD}) y NL EOF",
            ["2..<3 E008 invalid UTF-8 byte 0xFF"]),
    LexCase(bytes: [0x22, 0x61, 0xFF, 0x62, 0x22], "str(\"a\u{FFFD}b\") NL EOF",
            ["2..<3 E008 invalid UTF-8 byte 0xFF in string"]),
    // A lead byte cut short by an ASCII byte: one error covering the lead
    // and the continuation bytes that were read.
    LexCase(bytes: [0x22, 0xE2, 0x82, 0x22], "str(\"\u{FFFD}\") NL EOF",
            ["1..<3 E008 invalid UTF-8 byte 0xE2 in string"]),
    LexCase(bytes: [0x23, 0x20, 0x61, 0xFE, 0x0A, 0x78], "x NL EOF",
            ["3..<4 E008 invalid UTF-8 byte 0xFE in comment"]),
    LexCase(bytes: [0x23, 0xE2, 0x82, 0x41, 0xC3], "EOF",
            ["1..<3 E008 invalid UTF-8 byte 0xE2 in comment", "4..<5 E008 invalid UTF-8 byte 0xC3 in comment"]),
    // Overlong encodings and surrogates are rejected.
    LexCase(bytes: [0xC0, 0xAF], "invalid(\u{FFFD}) invalid(\u{FFFD}) NL EOF",
            ["0..<1 E008 invalid UTF-8 byte 0xC0", "1..<2 E008 invalid UTF-8 byte 0xAF"]),
    LexCase(bytes: [0xED, 0xA0, 0x80], "invalid(\u{FFFD}\u{FFFD}\u{FFFD}) NL EOF",
            ["0..<3 E008 invalid UTF-8 byte 0xED"]),
]

let layoutCases: [LexCase] = [
    LexCase("IF a:\n  X\n    Y\n  Z\nW\n",
            "IF a : NL INDENT X NL INDENT Y NL DEDENT Z NL DEDENT W NL EOF"),
    LexCase("A:\n  B:\n    C\nD\n", "A : NL INDENT B : NL INDENT C NL DEDENT DEDENT D NL EOF"),
    LexCase("A:\n  B:\n    C", "A : NL INDENT B : NL INDENT C NL DEDENT DEDENT EOF"),
    // A dedent to a level that was never opened: reported, and the line
    // stays in the innermost block so INDENT and DEDENT still balance.
    LexCase("A:\n    B\n  C\nD\n", "A : NL INDENT B NL C NL DEDENT D NL EOF",
            ["9..<11 E007 unindent does not match any outer indentation level"]),
    LexCase("A:\n  B:\n      C\n    D\nE\n",
            "A : NL INDENT B : NL INDENT C NL D NL DEDENT DEDENT E NL EOF",
            ["16..<20 E007 unindent does not match any outer indentation level"]),
    LexCase("A:\n \tB\n", "A : NL INDENT B NL DEDENT EOF", ["3..<5 E006 indentation mixes tabs and spaces"]),
    LexCase("A:\n\tB\n\t\tC\n", "A : NL INDENT B NL INDENT C NL DEDENT DEDENT EOF"),
    LexCase("A:\n  B\nC:\n\tD\n", "A : NL INDENT B NL DEDENT C : NL INDENT D NL DEDENT EOF",
            ["10..<11 E006 indentation uses tabs but earlier lines use spaces"]),
    LexCase("A:\n\tB\nC:\n  D\n", "A : NL INDENT B NL DEDENT C : NL INDENT D NL DEDENT EOF",
            ["9..<11 E006 indentation uses spaces but earlier lines use tabs"]),
    // Blank, whitespace-only and comment-only lines never open or close blocks.
    LexCase("A:\n  B\n\n# c\n        # deep\n      \n  C\nD", "A : NL INDENT B NL C NL DEDENT D NL EOF"),
    LexCase("A\n   \r", "A NL EOF"),
    LexCase("A\n  \u{0C}\nB", "A NL B NL EOF"),
    LexCase("A:\r\n  B\r\n\r\n  C\r\n", "A : NL INDENT B NL C NL DEDENT EOF"),
    LexCase("A", "A NL EOF"),
    LexCase("\u{FEFF}A b", "A b NL EOF"),
    LexCase("\u{FEFF}  A", "INDENT A NL DEDENT EOF"),
    // Line breaks inside brackets are not line ends.
    LexCase("L = [1,\n  2,\n  3]\nX\n", "L = [ num(1) , num(2) , num(3) ] NL X NL EOF"),
    LexCase("f(a,\n\n  # note\n  b)\nX", "f ( a , b ) NL X NL EOF"),
    LexCase("L = [\n  1\n]\n", "L = [ num(1) ] NL EOF"),
    // An unclosed bracket ends at the next line starting in column 0.
    LexCase("L = [1,\nX\n", "L = [ num(1) , NL X NL EOF"),
    LexCase("IF a:\n  L = (1\nB\n", "IF a : NL INDENT L = ( num(1) NL DEDENT B NL EOF"),
]

@Suite struct LexerTests {
    @Test(arguments: tokenCases + literalErrorCases + utf8Cases + layoutCases)
    func lexerProducesTokensAndDiagnostics(_ c: LexCase) {
        let (file, out) = lex(c.input)
        #expect(show(out.tokens, in: file) == c.tokens)
        #expect(showErrors(out.diagnostics) == c.errors)
    }

    @Test func literalValuesOfDurationsTimesAndStrings() {
        let durations = ["250ms", "60s", "15m", "2h", "7d", "2w", "1.5h"].map(Lexer.durationValue)
        #expect(durations == [250, 60_000, 900_000, 7_200_000, 604_800_000, 1_209_600_000, 5_400_000])
        #expect(Lexer.durationValue("99999999999999999999w") == nil)
        #expect(["09:00", "9:30", "24:00", "00:00", "23:59"].map(Lexer.timeValue) == [540, 570, 1440, 0, 1439])
        #expect(["25:00", "12:60", "24:01", "9:5"].map(Lexer.timeValue) == [nil, nil, nil, nil])
        #expect(Lexer.stringValue(#""a\"b\\c\nd\te""#) == "a\"b\\c\nd\te")
        #expect(Lexer.stringValue("\"abc") == "abc")
        #expect(Lexer.stringValue("\"") == "")
    }

    @Test func notesExplainLexicalErrors() {
        let (_, out) = lex(Array("!x && || 10x \"a\\q\" 'b' 25:00 \"open".utf8))
        let notes = out.diagnostics.sorted().map { "\($0.code): \($0.notes.joined(separator: " | "))" }
        #expect(notes == [
            "E001: use NOT for negation and '!=' for inequality",
            "E001: write AND",
            "E001: write OR",
            "E004: durations use ms, s, m, h, d or w, as in 15m or 2h",
            "E003: valid escapes are \\\" \\\\ \\n \\t",
            "E009: ",
            "E005: times are HH:MM from 00:00 to 24:00",
            "E002: close the string with \" before the end of the line",
        ])
    }

    @Test func commentsAreCollectedWithTheirPlacement() {
        let (_, out) = lex(Array("A # trailing  \r\n# own\nL = [1, # one\n  # inside\n  2]\n".utf8))
        #expect(out.comments.map(\.text) == [" trailing", " own", " one", " inside"])
        #expect(out.comments.map(\.ownLine) == [false, true, false, true])
        #expect(out.comments.first?.range == SourceRange(start: 2, end: 12))
    }

    @Test func commentOnTheFirstLineAfterAByteOrderMarkIsOnItsOwnLine() {
        let (_, out) = lex(Array("\u{FEFF}# header\nA".utf8))
        #expect(out.comments.map(\.ownLine) == [true])
        #expect(out.comments.first?.range.start == 3)
    }

    @Test func tokenRangesCoverTheirTextAndLayoutTokensAreEmpty() {
        let (file, out) = lex(Array("IF x:\n    ASSIGN TO q\n".utf8))
        let pairs = out.tokens.map { "\($0.range.start)-\($0.range.end):\(file.text($0.range).debugDescription)" }
        #expect(pairs == [
            "0-2:\"IF\"", "3-4:\"x\"", "4-5:\":\"", "5-6:\"\\n\"", "10-10:\"\"", "10-16:\"ASSIGN\"",
            "17-19:\"TO\"", "20-21:\"q\"", "21-22:\"\\n\"", "22-22:\"\"", "22-22:\"\"",
        ])
    }
}
