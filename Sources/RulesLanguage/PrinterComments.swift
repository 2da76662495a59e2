// The comment pass: emits laid-out items with every comment of the file put
// back, the author's blank lines kept (at most one in a row), and trailing
// comments aligned.
//
// Where a comment goes, for the items of one block (the file is the
// outermost block):
//
// - inside an item's source range: handed to that item. There it is a
//   trailing comment of the header line, a comment of the item's own block
//   (handed down again), or a comment inside the item's text, which moves to
//   its own line just before the item (unless the layout placed it, as LIST
//   does);
// - after an item, on the line where the item ends: the item's trailing
//   comment (for a block item, handed down to its last statement);
// - on its own line after a block item and indented deeper than the item:
//   the end of that block (so `    # todo` after the last statement of an
//   IF stays in the IF);
// - otherwise on its own line before the next item, at its indentation, or
//   at the end of the block when no item follows.
//
// A comment runs to the end of its line, so a line has at most one.

struct CommentEmitter {
    let file: SourceFile
    private var out: [OutputLine] = []
    /// Trailing comments of lines with the same run id are aligned.
    private var run = 0

    struct OutputLine {
        var text: String
        var comment: Comment?
        var run: Int
    }

    init(file: SourceFile) {
        self.file = file
    }

    private func line(_ offset: Int) -> Int { file.line(of: offset) }
    private func lastLine(_ item: PrintItem) -> Int { line(max(item.start, item.end - 1)) }
    private func column(_ offset: Int) -> Int { offset - file.lineStarts[line(offset) - 1] }

    // MARK: - Blocks

    mutating func emitBlock(_ items: [PrintItem], comments: [Comment], indent: Int, topLevel: Bool) {
        let (inner, gaps) = distribute(comments, over: items)
        var previousLine: Int?  // the last source line emitted in this block
        for i in 0...items.count {
            let gap = gaps[i]
            var firstLines = gap.map { line($0.range.start) }
            if i < items.count { firstLines.append(line(items[i].start)) }
            var blank = firstLines.indices.map { k -> Bool in
                let before = k == 0 ? previousLine : firstLines[k - 1]
                return before.map { firstLines[k] - $0 > 1 } ?? false
            }
            if topLevel, i > 0, i < items.count, needsBlankLine(items[i - 1], items[i]), !blank.contains(true) {
                blank[0] = true
            }
            for (k, comment) in gap.enumerated() {
                if blank[k] { emitBlankLine() }
                emitOwnLine(comment, indent: indent)
                previousLine = line(comment.range.start)
            }
            guard i < items.count else { break }
            if blank[gap.count] { emitBlankLine() }
            emitItem(items[i], comments: inner[i], indent: indent)
            previousLine = ([lastLine(items[i])] + inner[i].map { line($0.range.start) }).max()
        }
    }

    /// Splits the comments of a block into those handed to each item and
    /// those standing in the gap before each item (the last gap is the end
    /// of the block).
    private func distribute(_ comments: [Comment], over items: [PrintItem]) -> ([[Comment]], [[Comment]]) {
        var inner = Array(repeating: [Comment](), count: items.count)
        var gaps = Array(repeating: [Comment](), count: items.count + 1)
        var next = 0  // the first item starting after the comment
        for comment in comments.sorted(by: { $0.range.start < $1.range.start }) {
            let at = comment.range.start
            while next < items.count, items[next].start <= at { next += 1 }
            if next > 0 {
                let previous = items[next - 1]
                let inside = at < previous.end
                let trailing = line(at) == lastLine(previous)
                let endOfBlock = !previous.children.isEmpty && gaps[next].isEmpty
                    && column(at) > column(previous.start)
                if inside || trailing || endOfBlock {
                    inner[next - 1].append(comment)
                    continue
                }
            }
            gaps[next].append(comment)
        }
        return (inner, gaps)
    }

    /// Declarations of different kinds, and multi-line ones, are set apart.
    private func needsBlankLine(_ a: PrintItem, _ b: PrintItem) -> Bool {
        guard let ga = a.group, let gb = b.group else { return true }
        return ga != gb
    }

    // MARK: - Items

    mutating func emitItem(_ item: PrintItem, comments: [Comment], indent: Int) {
        let headerLine = line(max(item.start, item.headerEnd - 1))
        let bodyStart = item.children.first?.start ?? Int.max
        var moved: [Comment] = []
        var headerTrailing: Comment?
        var rest: [Comment] = []
        for c in comments where !item.placedComments.contains(c.range.start) {
            let at = c.range.start
            if at > item.start && at < item.headerEnd {
                moved.append(c)
            } else if at >= item.headerEnd && at < bodyStart && line(at) == headerLine && headerTrailing == nil {
                headerTrailing = c
            } else {
                rest.append(c)
            }
        }
        if let c = headerTrailing, item.lines.last?.comment != nil {
            moved.append(c)
            headerTrailing = nil
        }
        for c in moved { emitOwnLine(c, indent: indent) }

        if item.isMultiLine { breakRun() }
        let pad = String(repeating: " ", count: indent)
        for (k, printed) in item.lines.enumerated() {
            if printed.isComment { breakRun() }
            let comment = k == item.lines.count - 1 ? printed.comment ?? headerTrailing : printed.comment
            out.append(OutputLine(text: pad + printed.text, comment: comment, run: run))
            if printed.isComment { breakRun() }
        }
        if item.isMultiLine { breakRun() }

        if item.children.isEmpty {
            // Nothing else can belong to a one-line item; never drop a comment.
            for c in rest { emitOwnLine(c, indent: indent) }
        } else {
            emitBlock(item.children, comments: rest, indent: indent + 4, topLevel: false)
            breakRun()
        }
    }

    // MARK: - Output

    private mutating func emitOwnLine(_ comment: Comment, indent: Int) {
        breakRun()
        out.append(OutputLine(text: String(repeating: " ", count: indent) + "#" + comment.text, comment: nil,
                              run: run))
        breakRun()
    }

    private mutating func emitBlankLine() {
        breakRun()
        out.append(OutputLine(text: "", comment: nil, run: run))
    }

    private mutating func breakRun() { run += 1 }

    /// The file's text: trailing comments of a run start two spaces after the
    /// longest commented line of the run; the file ends with one newline.
    func render() -> String {
        var column: [Int: Int] = [:]
        for l in out where l.comment != nil {
            column[l.run] = max(column[l.run] ?? 0, l.text.count)
        }
        var text = ""
        for l in out {
            text += l.text
            if let c = l.comment, let width = column[l.run] {
                text += String(repeating: " ", count: width - l.text.count + 2) + "#" + c.text
            }
            text += "\n"
        }
        return text
    }
}
