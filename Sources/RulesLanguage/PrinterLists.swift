// Layout of LIST declarations, which are the one place where long bracketed
// text is common (country codes, email domains):
//
// - short: `LIST tier1_countries = ["GB", "AU", "DE"]`;
// - too long for one line: items filled onto lines of at most 100 columns,
//   each item followed by a comma, between `[` and `]` lines;
// - with comments inside: the author's line breaks are kept, items that
//   shared a source line share an output line, and each comment stays on
//   the line of the items it followed (or on its own line before the next
//   items), so `"US",  # not offered to US retail clients` keeps its meaning.

extension Layout {
    func listItem(_ d: ListDecl, indent: Int) -> PrintItem {
        let head = "LIST \(d.name.name) = ["
        let texts = d.items.map { ExprPrinter.text($0) }
        let inside = comments(after: d.range.start, before: d.range.end)
        if !inside.isEmpty {
            return keptLinesList(d, head: head, texts: texts, comments: Array(inside))
        }
        let flat = head + texts.joined(separator: ", ") + "]"
        if indent + flat.count <= Printer.width {
            return .leaf(d.range, flat, group: "LIST")
        }
        var lines = [head]
        var current = ""
        for text in texts {
            let piece = text + ","
            if current.isEmpty {
                current = "    " + piece
            } else if indent + current.count + 1 + piece.count <= Printer.width {
                current += " " + piece
            } else {
                lines.append(current)
                current = "    " + piece
            }
        }
        if !current.isEmpty { lines.append(current) }
        lines.append("]")
        return .lines(d.range, lines)
    }

    /// The list one source line of items per output line, with the comments
    /// that were inside the brackets placed by line.
    func keptLinesList(_ d: ListDecl, head: String, texts: [String], comments: [Comment]) -> PrintItem {
        // Items grouped by the source line they start on, in order.
        var groups: [(line: Int, texts: [String])] = []
        for (item, text) in zip(d.items, texts) {
            let l = line(item.range.start)
            if let last = groups.last, last.line == l {
                groups[groups.count - 1].texts.append(text)
            } else {
                groups.append((l, [text]))
            }
        }
        let groupLines = Set(groups.map(\.line))
        let headLine = line(d.range.start)
        var lines = [PrintLine(text: head)]
        var pending = comments[...]
        func placeCommentsBefore(_ limit: Int) {
            while let c = pending.first, line(c.range.start) < limit {
                pending.removeFirst()
                if line(c.range.start) == headLine && !groupLines.contains(headLine) && lines.count == 1 {
                    lines[0].comment = c
                } else {
                    lines.append(PrintLine(text: "    #" + c.text, isComment: true))
                }
            }
        }
        for group in groups {
            placeCommentsBefore(group.line)
            var printed = PrintLine(text: "    " + group.texts.joined(separator: ", ") + ",")
            if let c = pending.first, line(c.range.start) == group.line {
                printed.comment = c
                pending.removeFirst()
            }
            lines.append(printed)
        }
        placeCommentsBefore(Int.max)
        lines.append(PrintLine(text: "]"))
        return PrintItem(start: d.range.start, headerEnd: d.range.end, end: d.range.end, lines: lines,
                         placedComments: Set(comments.map(\.range.start)))
    }
}
