// The canonical formatter behind `rules fmt`.
//
// Formatting runs in two passes. The layout pass (PrinterDecls.swift,
// PrinterActions.swift, PrinterLists.swift) turns every declaration, block
// statement, row and action line into a `PrintItem`: its printed lines plus
// the source offsets it came from. The comment pass (PrinterComments.swift)
// walks those items with `RulesFile.comments` and puts every comment back
// next to the item it belongs to, keeps the author's blank lines, and aligns
// trailing comments. Layout depends only on the tree and on where comments
// are, so formatting its own output changes nothing.

/// Prints a parsed file in the canonical layout.
///
/// - Keywords are UPPERCASE (`if` → `IF`); names are printed exactly as written.
///   Type names (`STRING`, `NUMBER`, ...) and day names (`MON` ... `SUN`) are
///   keywords too; `event.field` keeps its lower-case `event`.
/// - Blocks are indented four spaces; operators have one space on each side;
///   commas are followed by one space.
/// - Declarations of different kinds, and any declaration printed on more
///   than one line, are separated by one blank line. Consecutive one-line
///   declarations of the same kind stay together. CALLING HOURS, BUSINESS
///   DAYS and HOLIDAYS count as one kind (the calendar). Blank lines written
///   between declarations or block statements are kept, at most one in a row.
/// - The `=>` of the rows of a SCORE or TABLE are aligned in one column, and
///   the trailing comments of consecutive lines are aligned likewise.
/// - Expressions get the fewest parentheses their precedence needs. A
///   condition that does not fit in 100 columns is wrapped in parentheses and
///   broken before its top-level AND or OR.
/// - Ranges keep their written style (`40-69` or `BETWEEN 40 AND 69`);
///   numbers print without `.0`; durations keep the unit the author wrote
///   when it holds them exactly (`60s` stays `60s`, `1.5h` prints `90m`);
///   times as `HH:MM`; strings in double quotes with `\" \\ \n \t` escapes.
/// - The actions of ON and DISPOSITION stay on the header line, separated by
///   `; `, when the line fits in 100 columns and has no comment inside;
///   otherwise they form a block, one action per line.
/// - A LIST longer than 100 columns is filled onto lines of items between
///   `[` and `]`; a LIST with comments inside keeps the author's line breaks
///   so each comment stays beside its items.
/// - Every comment is kept. An own-line comment goes before the next item
///   at that item's indentation; an indented one after the last statement
///   of a block stays at the end of that block. A trailing comment stays on
///   the line of the item it follows (the header line of a block). A comment
///   inside a multi-line expression, other than in a LIST, moves to its own
///   line just before the item that contained it.
///
/// The input is expected to be free of syntax errors: the parser drops a
/// declaration it could not parse, and the printer can only print the tree.
public enum Printer {
    /// The line width that inline action lists, lists and conditions must fit in.
    public static let width = 100
    /// The canonical text of one expression, with only the parentheses it needs (`rules fmt` form).
    public static func expression(_ expr: Expr) -> String { ExprPrinter.text(expr) }

    public static func format(_ file: RulesFile) -> String {
        let layout = Layout(file: file)
        let items = file.decls.map { layout.item($0) }
        var emitter = CommentEmitter(file: file.file)
        emitter.emitBlock(items, comments: file.comments, indent: 0, topLevel: true)
        return emitter.render()
    }
}

/// One printed line of an item, relative to the item's indentation.
struct PrintLine {
    var text: String
    /// A trailing comment already placed by the item's own layout (LIST).
    var comment: Comment?
    /// A comment standing on its own line inside the item: it ends the run of
    /// lines whose trailing comments are aligned.
    var isComment = false
}

/// A declaration, block statement, row or action line, laid out.
struct PrintItem {
    /// Where the item starts in the source.
    var start: Int
    /// Where the item's own text (its header, for a block) ends.
    var headerEnd: Int
    /// Where the item ends, its block included.
    var end: Int
    var lines: [PrintLine]
    var children: [PrintItem] = []
    /// For a declaration printed on one line, the kind that groups it with
    /// its neighbours; nil when it takes several lines.
    var group: String?
    /// Offsets of comments the layout already placed in `lines`.
    var placedComments: Set<Int> = []

    var isMultiLine: Bool { lines.count > 1 || !children.isEmpty }

    /// A one-line item covering `range`.
    static func leaf(_ range: SourceRange, _ text: String, group: String? = nil) -> PrintItem {
        PrintItem(start: range.start, headerEnd: range.end, end: range.end,
                  lines: [PrintLine(text: text)], group: group)
    }

    /// An item whose text may have been wrapped onto several lines.
    static func lines(_ range: SourceRange, _ texts: [String], group: String? = nil) -> PrintItem {
        PrintItem(start: range.start, headerEnd: range.end, end: range.end,
                  lines: texts.map { PrintLine(text: $0) }, group: texts.count == 1 ? group : nil)
    }

    /// A block: header lines, then indented children.
    static func block(start: Int, header: SourceRange, _ texts: [String], children: [PrintItem]) -> PrintItem {
        PrintItem(start: start, headerEnd: header.end, end: max(header.end, children.last?.end ?? header.end),
                  lines: texts.map { PrintLine(text: $0) }, children: children)
    }
}

/// The layout pass: knows the source (for line numbers) and where the
/// comments are (a comment inside an inline action list forces a block).
struct Layout {
    let file: SourceFile
    /// Start offsets of all comments, ascending.
    let commentStarts: [Int]
    let comments: [Comment]

    init(file: RulesFile) {
        self.file = file.file
        self.comments = file.comments.sorted { $0.range.start < $1.range.start }
        self.commentStarts = comments.map(\.range.start)
    }

    /// Comments starting strictly after `lower` and before `upper`.
    func comments(after lower: Int, before upper: Int) -> ArraySlice<Comment> {
        var lo = 0, hi = commentStarts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if commentStarts[mid] <= lower { lo = mid + 1 } else { hi = mid }
        }
        var end = lo
        while end < commentStarts.count, commentStarts[end] < upper { end += 1 }
        return comments[lo..<end]
    }

    func line(_ offset: Int) -> Int { file.line(of: offset) }
}
