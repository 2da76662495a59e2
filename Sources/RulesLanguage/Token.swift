/// Token kinds. Keywords are not distinguished here: they are identifiers
/// compared case-insensitively by the parser where the grammar expects them.
public enum TokenKind: Sendable, Hashable {
    case identifier
    case number      // 12, 3.5
    case duration    // 60s, 15m, 2h, 7d, 2w, 250ms
    case time        // 09:00
    case string      // "text"
    case equal       // =
    case notEqual    // !=
    case less, lessEqual, greater, greaterEqual
    case doubleEqual // == (reported, then treated as =)
    case arrow       // =>
    case plus, minus
    case lparen, rparen, lbracket, rbracket
    case comma, colon, semicolon, dot, question
    case newline
    case indent, dedent
    case invalid
    case eof

    /// How the kind is named in "expected X, found Y" messages.
    public var displayName: String {
        switch self {
        case .identifier: "name"
        case .number: "number"
        case .duration: "duration"
        case .time: "time"
        case .string: "string"
        case .equal: "'='"
        case .notEqual: "'!='"
        case .less: "'<'"
        case .lessEqual: "'<='"
        case .greater: "'>'"
        case .greaterEqual: "'>='"
        case .doubleEqual: "'=='"
        case .arrow: "'=>'"
        case .plus: "'+'"
        case .minus: "'-'"
        case .lparen: "'('"
        case .rparen: "')'"
        case .lbracket: "'['"
        case .rbracket: "']'"
        case .comma: "','"
        case .colon: "':'"
        case .semicolon: "';'"
        case .dot: "'.'"
        case .question: "'?'"
        case .newline: "end of line"
        case .indent: "indentation"
        case .dedent: "end of block"
        case .invalid: "invalid token"
        case .eof: "end of file"
        }
    }
}

public struct Token: Sendable, Hashable {
    public var kind: TokenKind
    public var range: SourceRange
    public init(kind: TokenKind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// A `#` comment. `ownLine` comments stand alone on their line; the others
/// trail code. The printer puts each back where it belongs.
public struct Comment: Sendable, Hashable {
    public var range: SourceRange
    /// The text after `#`, with trailing spaces removed.
    public var text: String
    public var ownLine: Bool
}
