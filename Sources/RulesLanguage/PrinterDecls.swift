// Layout of declarations and their block statements. Each function returns
// the `PrintItem` of one grammar construct; the source offsets it records are
// what the comment pass uses to put comments back.
//
// Block declarations' own `range` runs up to the DEDENT token, i.e. to the
// start of whatever follows; items therefore take their end from their last
// row or statement instead.

extension Layout {
    func item(_ decl: Decl) -> PrintItem {
        switch decl {
        case .event(let d): eventItem(d)
        case .field(let d):
            .leaf(d.range, "FIELD \(d.name.name): \(typeText(d.type))", group: "FIELD")
        case .list(let d): listItem(d, indent: 0)
        case .table(let d): tableItem(d)
        case .queue(let d):
            .leaf(d.range, "QUEUE \(d.name.name)" + optional(d.description), group: "QUEUE")
        case .template(let d):
            .leaf(d.range, "TEMPLATE \(d.name.name) \(d.channel.rawValue)" + optional(d.description),
                  group: "TEMPLATE")
        case .score(let d): scoreItem(d)
        case .tier(let d): tierItem(d)
        case .route(let d): routeItem(d)
        case .trigger(let d): triggerItem(d, indent: 0)
        case .cadence(let d): cadenceItem(d)
        case .disposition(let d): dispositionItem(d)
        case .callingHours(let d):
            .leaf(d.range, "CALLING HOURS " + d.windows.map(windowText).joined(separator: ", "), group: "CALENDAR")
        case .businessDays(let d):
            .leaf(d.range, "BUSINESS DAYS " + d.days.map(daysText).joined(separator: ", "), group: "CALENDAR")
        case .holidays(let d):
            .leaf(d.range, "HOLIDAYS \(ExprPrinter.string(d.path.value))", group: "CALENDAR")
        case .quarantine(let d): quarantineItem(d)
        }
    }

    // MARK: - Vocabulary

    /// `EVENT name(a: TYPE, b: TYPE?)`, or one parameter per line when
    /// that is longer than the line width.
    func eventItem(_ d: EventDecl) -> PrintItem {
        let head = "EVENT \(d.name.name)"
        guard !d.params.isEmpty else { return .leaf(d.range, head, group: "EVENT") }
        let params = d.params.map { "\($0.name.name): \(typeText($0.type))" }
        let flat = head + "(" + params.joined(separator: ", ") + ")"
        if flat.count <= Printer.width { return .leaf(d.range, flat, group: "EVENT") }
        return .lines(d.range, [head + "("] + params.map { "    \($0)," } + [")"])
    }

    /// Type names are keywords: a known one prints in upper case; an unknown
    /// one (an error the checker reports) prints as written.
    func typeText(_ type: TypeRef) -> String {
        keyword(type.name.name, among: Keywords.types) + (type.optional ? "?" : "")
    }

    func keyword(_ word: String, among known: [String]) -> String {
        known.contains(word.uppercased()) ? word.uppercased() : word
    }

    func optional(_ literal: StringLiteral?) -> String {
        literal.map { " " + ExprPrinter.string($0.value) } ?? ""
    }

    // MARK: - Rows: SCORE and TABLE

    func tableItem(_ d: TableDecl) -> PrintItem {
        var header = "TABLE \(d.name.name) BY \(d.key.name)"
        if let value = d.defaultValue { header += " DEFAULT " + ExprPrinter.text(value, minimum: Precedence.sum) }
        let rows = d.rows.map { Row(range: $0.range, left: $0.key, leftMinimum: Precedence.sum, right: $0.value) }
        return .block(start: d.range.start, header: d.header, [header + ":"], children: rowItems(rows))
    }

    func scoreItem(_ d: ScoreDecl) -> PrintItem {
        let header = "SCORE \(d.name.name) MAX \(ExprPrinter.text(d.max, minimum: Precedence.primary)):"
        let rows = d.rows.map { Row(range: $0.range, left: $0.condition, leftMinimum: Precedence.any, right: $0.points) }
        return .block(start: d.range.start, header: d.header, [header], children: rowItems(rows))
    }

    struct Row {
        var range: SourceRange
        var left: Expr
        var leftMinimum: Int
        var right: Expr
    }

    /// `left => right` rows with the arrows in one column: each left side is
    /// padded to the longest one-line left side of the block. A row whose
    /// condition had to be wrapped stays out of the column.
    func rowItems(_ rows: [Row]) -> [PrintItem] {
        let indent = 4
        let laidOut = rows.map { row -> (left: String, right: String, wrapped: [String]?) in
            let left = ExprPrinter.text(row.left, minimum: row.leftMinimum)
            let right = ExprPrinter.text(row.right, minimum: Precedence.sum)
            let lines = ExprPrinter.wrapped(prefix: "", row.left, minimum: row.leftMinimum,
                                            suffix: " => " + right, indent: indent)
            return (left, right, lines.count > 1 ? lines : nil)
        }
        let column = laidOut.filter { $0.wrapped == nil }.map(\.left.count).max() ?? 0
        return zip(rows, laidOut).map { row, l in
            if let lines = l.wrapped { return .lines(row.range, lines) }
            return .leaf(row.range, pad(l.left, to: column) + " => " + l.right)
        }
    }

    func pad(_ text: String, to width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    // MARK: - Tiers and routing

    func tierItem(_ d: TierDecl) -> PrintItem {
        let action: String
        switch d.action {
        case .callWithin(let sla): action = "CALL WITHIN " + ExprPrinter.text(sla, minimum: Precedence.sum)
        case .nurture(let cadence): action = "NURTURE" + (cadence.map { " " + $0.name } ?? "")
        }
        let lines = ExprPrinter.wrapped(prefix: "TIER \(d.name.name) WHEN ", d.condition, suffix: ": " + action,
                                        indent: 0)
        return .lines(d.range, lines, group: "TIER")
    }

    func routeItem(_ d: RouteDecl) -> PrintItem {
        let header = ExprPrinter.wrapped(prefix: "IF ", d.condition, suffix: ":", indent: 0, continuation: 8)
        let statements = d.statements.map { s -> PrintItem in
            switch s.kind {
            case .assign(let queue): .leaf(s.range, "ASSIGN TO \(queue.name)")
            case .priority(let p): .leaf(s.range, "PRIORITY = \(p.name)")
            case .dialMode(let m): .leaf(s.range, "DIAL_MODE = \(m.name)")
            }
        }
        return .block(start: d.range.start, header: d.header, header, children: statements)
    }

    // MARK: - Cadences

    func cadenceItem(_ d: CadenceDecl) -> PrintItem {
        var prefix = "CADENCE \(d.name.name) DAYS \(ExprPrinter.text(d.firstDay))-\(ExprPrinter.text(d.lastDay))"
        let header: [String]
        if let condition = d.condition {
            prefix += " WHEN "
            header = ExprPrinter.wrapped(prefix: prefix, condition, suffix: ":", indent: 0, continuation: 8)
        } else {
            header = [prefix + ":"]
        }
        let statements = d.statements.map { cadenceStatementItem($0, indent: 4) }
        return .block(start: d.range.start, header: d.header, header, children: statements)
    }

    func cadenceStatementItem(_ s: CadenceStatement, indent: Int) -> PrintItem {
        switch s.kind {
        case .callsPerWeek(let low, let high):
            let count = ExprPrinter.text(low) + (high.map { "-" + ExprPrinter.text($0) } ?? "")
            return .leaf(s.range, "CALL \(count) PER WEEK")
        case .callEvery(let interval):
            return .leaf(s.range, "CALL EVERY " + ExprPrinter.text(interval, minimum: Precedence.sum))
        case .email(let templates, let every):
            return .leaf(s.range, "EMAIL \(names(templates)) EVERY " + ExprPrinter.text(every, minimum: Precedence.sum))
        case .sms(let template, let every):
            return .leaf(s.range, "SMS \(template.name) EVERY " + ExprPrinter.text(every, minimum: Precedence.sum))
        case .trigger(let trigger):
            return triggerItem(trigger, indent: indent)
        case .exit(let condition):
            return .lines(s.range, ExprPrinter.wrapped(prefix: "EXIT WHEN ", condition, suffix: "", indent: indent))
        }
    }

    func names(_ list: [Identifier]) -> String {
        list.map(\.name).joined(separator: ", ")
    }

    // MARK: - Calendar and compliance

    /// Day names are keywords (`mon` prints as `MON`).
    func daysText(_ span: DaySpan) -> String {
        let first = keyword(span.first.name, among: Keywords.days)
        return span.last.map { first + "-" + keyword($0.name, among: Keywords.days) } ?? first
    }

    func windowText(_ window: DayWindow) -> String {
        "\(daysText(window.days)) \(ExprPrinter.text(window.start))-\(ExprPrinter.text(window.end))"
    }

    func quarantineItem(_ d: QuarantineDecl) -> PrintItem {
        let prefix = "QUARANTINE " + (d.name.map { $0.name + " " } ?? "") + "WHEN "
        let hold = ExprPrinter.text(d.hold, minimum: Precedence.sum)
        let header = ExprPrinter.wrapped(prefix: prefix, d.condition, suffix: " FOR \(hold):", indent: 0,
                                         continuation: 8)
        let statements = d.statements.map { s -> PrintItem in
            switch s.kind {
            case .release(let condition):
                return .lines(s.range, ExprPrinter.wrapped(prefix: "RELEASE WHEN ", condition, suffix: "", indent: 4))
            case .email(let templates, let every, let duration):
                var text = "EMAIL \(names(templates))"
                if let every { text += " EVERY " + ExprPrinter.text(every, minimum: Precedence.sum) }
                return .leaf(s.range, text + " FOR " + ExprPrinter.text(duration, minimum: Precedence.sum))
            case .graduate(let events):
                return .leaf(s.range, "GRADUATE ON \(names(events))")
            }
        }
        return .block(start: d.range.start, header: d.header, header, children: statements)
    }
}
