// Declarations: one function per grammar rule, named after it
// (docs/LANGUAGE.md has the EBNF). Each declaration is parsed inside
// `parseFile`'s recovery loop, so an error costs one line, not the file.

extension Parser {
    mutating func parseFile() -> [Decl] {
        var decls: [Decl] = []
        while !at(.eof) {
            let before = pos
            switch current.kind {
            case .newline, .dedent:
                advance()
            case .indent:
                error("E102", "unexpected indentation", current.range,
                      notes: ["only statements inside a block (after a line ending in ':') are indented"])
                skipBlock()
            default:
                do {
                    decls.append(try parseDecl())
                } catch {
                    synchronizeLine()
                }
            }
            // Progress guard: recovery must never loop in place.
            if pos == before { advance() }
        }
        return decls
    }

    mutating func parseDecl() throws(SyntaxError) -> Decl {
        guard at(.identifier) else {
            throw failExpected("a declaration (EVENT, SCORE, TIER, IF, ON, ...)")
        }
        let word = text(current).uppercased()
        switch word {
        case "EVENT": return .event(try parseEvent())
        case "FIELD": return .field(try parseField())
        case "LIST": return .list(try parseList())
        case "TABLE": return .table(try parseTable())
        case "QUEUE": return .queue(try parseQueue())
        case "TEMPLATE": return .template(try parseTemplate())
        case "SCORE": return .score(try parseScore())
        case "TIER": return .tier(try parseTier())
        case "IF": return .route(try parseRoute())
        case "ON": return .trigger(try parseTrigger())
        case "CADENCE": return .cadence(try parseCadence())
        case "DISPOSITION": return .disposition(try parseDisposition())
        case "CALLING": return .callingHours(try parseCallingHours())
        case "BUSINESS": return .businessDays(try parseBusinessDays())
        case "HOLIDAYS": return .holidays(try parseHolidays())
        case "QUARANTINE": return .quarantine(try parseQuarantine())
        default:
            let notes = ["ASSIGN", "PRIORITY", "DIAL_MODE"].contains(word)
                ? ["\(word) belongs inside an 'IF condition:' block, indented"]
                : keywordNotes(among: Keywords.declarationStarts)
            error("E104", "unknown declaration '\(text(current))'", current.range, notes: notes)
            throw SyntaxError()
        }
    }

    // MARK: - Names and types

    /// A user-chosen name. A reserved word is reported (E101) but accepted so
    /// the rest of the line still parses.
    mutating func parseName(_ what: String) throws(SyntaxError) -> Identifier {
        guard at(.identifier) else { throw failExpected(what) }
        let token = advance()
        let name = text(token)
        if Keywords.isReserved(name) {
            error("E101", "'\(name)' is a keyword and cannot be used as a name", token.range,
                  notes: ["choose another name, such as '\(name.lowercased())_name'"])
        }
        return Identifier(name: name, range: token.range)
    }

    mutating func parseNameList(_ what: String) throws(SyntaxError) -> [Identifier] {
        var names = [try parseName(what)]
        while matchKind(.comma) { names.append(try parseName(what)) }
        return names
    }

    mutating func parseType() throws(SyntaxError) -> TypeRef {
        guard at(.identifier) else { throw failExpected("a type (\(Keywords.types.joined(separator: ", ")))") }
        let token = advance()
        let optional = matchKind(.question)
        return TypeRef(name: Identifier(name: text(token), range: token.range), optional: optional)
    }

    mutating func parseStringLiteral(_ what: String) throws(SyntaxError) -> StringLiteral {
        let token = try expect(.string, what)
        return StringLiteral(value: Lexer.stringValue(text(token)), range: token.range)
    }

    mutating func optionalString() -> StringLiteral? {
        guard at(.string) else { return nil }
        let token = advance()
        return StringLiteral(value: Lexer.stringValue(text(token)), range: token.range)
    }

    mutating func expectLineEnd(_ after: String) throws(SyntaxError) {
        guard at(.newline) || at(.eof) else { throw failExpected("end of line after \(after)") }
        advance()
    }

    /// Parses `NEWLINE INDENT item* DEDENT`, recovering per line inside.
    mutating func parseBlock<T>(_ owner: String,
                                _ item: (inout Parser) throws(SyntaxError) -> T) throws(SyntaxError) -> [T] {
        guard at(.newline) else { throw failExpected("end of line after ':'") }
        advance()
        guard at(.indent) else {
            error("E103", "expected an indented block after '\(owner):'",
                  SourceRange(start: previous.range.start, end: previous.range.start))
            return []
        }
        advance()
        var items: [T] = []
        while !at(.dedent) && !at(.eof) {
            let before = pos
            if at(.newline) {
                advance()
                continue
            }
            if at(.indent) {
                error("E102", "unexpected indentation", current.range)
                skipBlock()
                continue
            }
            do {
                items.append(try item(&self))
                // Statements that end in their own block or action list
                // have already consumed their line end.
                let ended = previous.kind == .newline || previous.kind == .dedent
                if !ended && !at(.dedent) && !at(.eof) { try expectLineEnd("the statement") }
            } catch {
                synchronizeLine()
            }
            if pos == before { advance() }
        }
        _ = matchKind(.dedent)
        return items
    }

    // MARK: - Vocabulary

    mutating func parseEvent() throws(SyntaxError) -> EventDecl {
        let start = advance().range.start
        let name = try parseName("an event name after EVENT")
        var params: [Param] = []
        if matchKind(.lparen) {
            while !at(.rparen) {
                let pstart = current.range.start
                let pname = try parseName("a parameter name")
                try expect(.colon, "':' after parameter name '\(pname.name)'")
                let type = try parseType()
                params.append(Param(id: makeID(), range: rangeFrom(pstart), name: pname, type: type))
                if !matchKind(.comma) { break }
            }
            try expect(.rparen, "')' to close the parameter list")
        }
        let range = rangeFrom(start)
        try expectLineEnd("the event declaration")
        return EventDecl(id: makeID(), range: range, name: name, params: params)
    }

    mutating func parseField() throws(SyntaxError) -> FieldDecl {
        let start = advance().range.start
        let name = try parseName("a field name after FIELD")
        try expect(.colon, "':' after field name '\(name.name)'")
        let type = try parseType()
        let range = rangeFrom(start)
        try expectLineEnd("the field declaration")
        return FieldDecl(id: makeID(), range: range, name: name, type: type)
    }

    mutating func parseList() throws(SyntaxError) -> ListDecl {
        let start = advance().range.start
        let name = try parseName("a list name after LIST")
        try expect(.equal, "'=' after list name '\(name.name)'")
        guard at(.lbracket) else { throw failExpected("'[' to start the list") }
        let value = try parsePrimary()
        guard case .list(let items) = value.kind else { throw failExpected("a list") }
        let range = rangeFrom(start)
        try expectLineEnd("the list")
        return ListDecl(id: makeID(), range: range, name: name, items: items)
    }

    mutating func parseTable() throws(SyntaxError) -> TableDecl {
        let start = advance().range.start
        let name = try parseName("a table name after TABLE")
        try expectKeyword("BY", "'BY' and the field the table is keyed by")
        let key = try parseName("a field name after BY")
        var defaultValue: Expr?
        if matchKeyword("DEFAULT") { defaultValue = try parseSum() }
        try expect(.colon, "':' at the end of the TABLE line")
        let header = rangeFrom(start)
        let rows = try parseBlock("TABLE \(name.name)") { (p: inout Parser) throws(SyntaxError) in
            let rstart = p.current.range.start
            let key = try p.parseSum()
            try p.expect(.arrow, "'=>' between key and value")
            let value = try p.parseSum()
            return TableRow(id: p.makeID(), range: p.rangeFrom(rstart), key: key, value: value)
        }
        return TableDecl(id: makeID(), range: rangeFrom(start), header: header, name: name, key: key,
                         defaultValue: defaultValue, rows: rows)
    }

    mutating func parseQueue() throws(SyntaxError) -> QueueDecl {
        let start = advance().range.start
        let name = try parseName("a queue name after QUEUE")
        let description = optionalString()
        let range = rangeFrom(start)
        try expectLineEnd("the queue declaration")
        return QueueDecl(id: makeID(), range: range, name: name, description: description)
    }

    mutating func parseTemplate() throws(SyntaxError) -> TemplateDecl {
        let start = advance().range.start
        let name = try parseName("a template name after TEMPLATE")
        let channel: TemplateChannel
        if matchKeyword("EMAIL") {
            channel = .email
        } else if matchKeyword("SMS") {
            channel = .sms
        } else {
            throw failExpected("'EMAIL' or 'SMS' after the template name")
        }
        let description = optionalString()
        let range = rangeFrom(start)
        try expectLineEnd("the template declaration")
        return TemplateDecl(id: makeID(), range: range, name: name, channel: channel, description: description)
    }

    // MARK: - Scoring, tiers, routing

    mutating func parseScore() throws(SyntaxError) -> ScoreDecl {
        let start = advance().range.start
        let name = try parseName("a category name after SCORE")
        try expectKeyword("MAX", "'MAX' and the category's cap")
        guard at(.number) else { throw failExpected("a number after MAX") }
        let max = try parsePrimary()
        try expect(.colon, "':' at the end of the SCORE line")
        let header = rangeFrom(start)
        let rows = try parseBlock("SCORE \(name.name)") { (p: inout Parser) throws(SyntaxError) in
            let rstart = p.current.range.start
            let condition = try p.parseExpression()
            try p.expect(.arrow, "'=>' and the points after the condition")
            let points = try p.parseSum()
            return ScoreRow(id: p.makeID(), range: p.rangeFrom(rstart), condition: condition, points: points)
        }
        return ScoreDecl(id: makeID(), range: rangeFrom(start), header: header, name: name, max: max, rows: rows)
    }

    mutating func parseTier() throws(SyntaxError) -> TierDecl {
        let start = advance().range.start
        let name = try parseName("a tier name after TIER")
        try expectKeyword("WHEN", "'WHEN' and the tier's condition")
        let condition = try parseExpression()
        try expect(.colon, "':' after the tier condition")
        let action: TierAction
        if matchKeyword("CALL") {
            try expectKeyword("WITHIN", "'WITHIN' and the speed-to-lead time (as in CALL WITHIN 60s)")
            action = .callWithin(try parseSum())
        } else if matchKeyword("NURTURE") {
            action = .nurture(at(.identifier) ? try parseName("a cadence name") : nil)
        } else {
            throw failExpected("'CALL WITHIN' or 'NURTURE'")
        }
        let range = rangeFrom(start)
        try expectLineEnd("the tier")
        return TierDecl(id: makeID(), range: range, name: name, condition: condition, action: action)
    }

    mutating func parseRoute() throws(SyntaxError) -> RouteDecl {
        let start = advance().range.start
        let condition = try parseExpression()
        try expect(.colon, "':' after the IF condition")
        let header = rangeFrom(start)
        let statements = try parseBlock("IF") { (p: inout Parser) throws(SyntaxError) in
            try p.parseRouteStatement()
        }
        return RouteDecl(id: makeID(), range: rangeFrom(start), header: header, condition: condition,
                         statements: statements)
    }

    mutating func parseRouteStatement() throws(SyntaxError) -> RouteStatement {
        let start = current.range.start
        let kind: RouteStatement.Kind
        if matchKeyword("ASSIGN") {
            try expectKeyword("TO", "'TO' after ASSIGN")
            kind = .assign(try parseName("a queue name after ASSIGN TO"))
        } else if matchKeyword("PRIORITY") {
            try expect(.equal, "'=' after PRIORITY")
            kind = .priority(try parseName("a priority after 'PRIORITY ='"))
        } else if matchKeyword("DIAL_MODE") {
            try expect(.equal, "'=' after DIAL_MODE")
            kind = .dialMode(try parseName("a dial mode after 'DIAL_MODE ='"))
        } else {
            throw failExpected("ASSIGN TO, PRIORITY = or DIAL_MODE =", notes: keywordNotes(among: ["ASSIGN", "PRIORITY", "DIAL_MODE"]))
        }
        return RouteStatement(id: makeID(), range: rangeFrom(start), kind: kind)
    }

    // MARK: - Triggers, cadences, dispositions

    mutating func parseTrigger() throws(SyntaxError) -> TriggerDecl {
        let start = advance().range.start
        let event = try parseName("an event name after ON")
        var condition: Expr?
        if matchKeyword("WHERE") { condition = try parseExpression() }
        try expect(.colon, "':' after the trigger's event\(condition == nil ? "" : " condition")")
        let header = rangeFrom(start)
        let actions = try parseActions("ON \(event.name)")
        return TriggerDecl(id: makeID(), range: rangeFrom(start), header: header, event: event,
                           condition: condition, actions: actions)
    }

    mutating func parseCadence() throws(SyntaxError) -> CadenceDecl {
        let start = advance().range.start
        let name = try parseName("a cadence name after CADENCE")
        try expectKeyword("DAYS", "'DAYS' and the lead-age window (as in DAYS 1-14)")
        guard at(.number) else { throw failExpected("the first day of the window") }
        let first = try parsePrimary()
        try expect(.minus, "'-' between the first and last day")
        guard at(.number) else { throw failExpected("the last day of the window") }
        let last = try parsePrimary()
        var condition: Expr?
        if matchKeyword("WHEN") { condition = try parseExpression() }
        try expect(.colon, "':' at the end of the CADENCE line")
        let header = rangeFrom(start)
        let statements = try parseBlock("CADENCE \(name.name)") { (p: inout Parser) throws(SyntaxError) in
            try p.parseCadenceStatement()
        }
        return CadenceDecl(id: makeID(), range: rangeFrom(start), header: header, name: name, firstDay: first,
                           lastDay: last, condition: condition, statements: statements)
    }

    mutating func parseCadenceStatement() throws(SyntaxError) -> CadenceStatement {
        let start = current.range.start
        let kind: CadenceStatement.Kind
        if matchKeyword("CALL") {
            if matchKeyword("EVERY") {
                kind = .callEvery(try parseSum())
            } else {
                guard at(.number) else { throw failExpected("a number of calls or EVERY after CALL") }
                let low = try parsePrimary()
                var high: Expr?
                if matchKind(.minus) {
                    guard at(.number) else { throw failExpected("a number after '-'") }
                    high = try parsePrimary()
                }
                try expectKeyword("PER", "'PER WEEK' after the number of calls")
                try expectKeyword("WEEK", "'WEEK' after PER")
                kind = .callsPerWeek(min: low, max: high)
            }
        } else if matchKeyword("EMAIL") {
            let names = try parseNameList("an email template name")
            try expectKeyword("EVERY", "'EVERY' and the interval between emails")
            kind = .email(names, every: try parseSum())
        } else if matchKeyword("SMS") {
            let name = try parseName("an SMS template name")
            try expectKeyword("EVERY", "'EVERY' and the interval between messages")
            kind = .sms(name, every: try parseSum())
        } else if atKeyword("ON") {
            kind = .trigger(try parseTrigger())
            // A trigger consumes its own line end.
            return CadenceStatement(id: makeID(), range: rangeFrom(start), kind: kind)
        } else if matchKeyword("EXIT") {
            try expectKeyword("WHEN", "'WHEN' after EXIT")
            kind = .exit(try parseExpression())
        } else {
            throw failExpected("CALL, EMAIL, SMS, ON or EXIT WHEN in the cadence", notes: keywordNotes(among: ["CALL", "EMAIL", "SMS", "ON", "EXIT"]))
        }
        return CadenceStatement(id: makeID(), range: rangeFrom(start), kind: kind)
    }

    mutating func parseDisposition() throws(SyntaxError) -> DispositionDecl {
        let start = advance().range.start
        let code = try parseName("a disposition code after DISPOSITION (as in V01)")
        let label = try parseStringLiteral("a quoted label after the code (as in \"Voicemail left\")")
        try expect(.colon, "':' after the disposition label")
        let header = rangeFrom(start)
        let actions = try parseActions("DISPOSITION \(code.name)")
        return DispositionDecl(id: makeID(), range: rangeFrom(start), header: header, code: code, label: label,
                               actions: actions)
    }

    // MARK: - Calendar and compliance

    mutating func parseDaySpan() throws(SyntaxError) -> DaySpan {
        let start = current.range.start
        let first = try parseName("a day (MON, TUE, ...)")
        var last: Identifier?
        if matchKind(.minus) { last = try parseName("a day after '-'") }
        return DaySpan(range: rangeFrom(start), first: first, last: last)
    }

    mutating func parseCallingHours() throws(SyntaxError) -> CallingHoursDecl {
        let start = advance().range.start
        try expectKeyword("HOURS", "'HOURS' after CALLING")
        var windows: [DayWindow] = []
        repeat {
            let wstart = current.range.start
            let days = try parseDaySpan()
            guard at(.time) else { throw failExpected("a start time (as in 09:00)") }
            let from = try parsePrimary()
            try expect(.minus, "'-' between start and end time")
            guard at(.time) else { throw failExpected("an end time (as in 20:00)") }
            let to = try parsePrimary()
            windows.append(DayWindow(range: rangeFrom(wstart), days: days, start: from, end: to))
        } while matchKind(.comma)
        let range = rangeFrom(start)
        try expectLineEnd("the calling hours")
        return CallingHoursDecl(id: makeID(), range: range, windows: windows)
    }

    mutating func parseBusinessDays() throws(SyntaxError) -> BusinessDaysDecl {
        let start = advance().range.start
        try expectKeyword("DAYS", "'DAYS' after BUSINESS")
        var spans = [try parseDaySpan()]
        while matchKind(.comma) { spans.append(try parseDaySpan()) }
        let range = rangeFrom(start)
        try expectLineEnd("the business days")
        return BusinessDaysDecl(id: makeID(), range: range, days: spans)
    }

    mutating func parseHolidays() throws(SyntaxError) -> HolidaysDecl {
        let start = advance().range.start
        let path = try parseStringLiteral("a quoted file name after HOLIDAYS")
        let range = rangeFrom(start)
        try expectLineEnd("the holidays file name")
        return HolidaysDecl(id: makeID(), range: range, path: path)
    }

    mutating func parseQuarantine() throws(SyntaxError) -> QuarantineDecl {
        let start = advance().range.start
        var name: Identifier?
        if at(.identifier) && !atKeyword("WHEN") { name = try parseName("a quarantine name") }
        try expectKeyword("WHEN", "'WHEN' and the condition for quarantine")
        let condition = try parseExpression()
        try expectKeyword("FOR", "'FOR' and how long the lead is held (as in FOR 30m)")
        let hold = try parseSum()
        try expect(.colon, "':' at the end of the QUARANTINE line")
        let header = rangeFrom(start)
        let statements = try parseBlock("QUARANTINE") { (p: inout Parser) throws(SyntaxError) in
            try p.parseQuarantineStatement()
        }
        return QuarantineDecl(id: makeID(), range: rangeFrom(start), header: header, name: name,
                              condition: condition, hold: hold, statements: statements)
    }

    mutating func parseQuarantineStatement() throws(SyntaxError) -> QuarantineStatement {
        let start = current.range.start
        let kind: QuarantineStatement.Kind
        if matchKeyword("RELEASE") {
            try expectKeyword("WHEN", "'WHEN' after RELEASE")
            kind = .release(try parseExpression())
        } else if matchKeyword("EMAIL") {
            let names = try parseNameList("an email template name")
            var every: Expr?
            if matchKeyword("EVERY") { every = try parseSum() }
            try expectKeyword("FOR", "'FOR' and how long the email-only nurture lasts (as in FOR 7d)")
            kind = .email(names, every: every, duration: try parseSum())
        } else if matchKeyword("GRADUATE") {
            try expectKeyword("ON", "'ON' and the events that graduate the lead")
            kind = .graduate(try parseNameList("an event name"))
        } else {
            throw failExpected("RELEASE WHEN, EMAIL ... FOR or GRADUATE ON in the quarantine", notes: keywordNotes(among: ["RELEASE", "EMAIL", "GRADUATE"]))
        }
        return QuarantineStatement(id: makeID(), range: rangeFrom(start), kind: kind)
    }
}
