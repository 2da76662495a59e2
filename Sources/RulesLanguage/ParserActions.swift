// Actions — what triggers, dispositions and conversion do — and their timing.

extension Parser {
    /// After ':' either `action {; action} NEWLINE` or an indented block of
    /// such lines.
    mutating func parseActions(_ owner: String) throws(SyntaxError) -> [Action] {
        if at(.newline) {
            let lines = try parseBlock(owner) { (p: inout Parser) throws(SyntaxError) in
                try p.parseActionLine()
            }
            return lines.flatMap { $0 }
        }
        let actions = try parseActionLine()
        try expectLineEnd("the actions")
        return actions
    }

    mutating func parseActionLine() throws(SyntaxError) -> [Action] {
        var actions = [try parseAction()]
        while matchKind(.semicolon) {
            if at(.newline) || at(.eof) { break }  // a trailing ';' is harmless
            actions.append(try parseAction())
        }
        return actions
    }

    mutating func parseAction() throws(SyntaxError) -> Action {
        let start = current.range.start
        guard at(.identifier) else { throw failExpected("an action (\(Keywords.actionStarts.joined(separator: ", ")))") }
        let word = text(current).uppercased()
        let kind: Action.Kind
        switch word {
        case "CALLBACK":
            advance()
            let timing = try parseTiming("CALLBACK")
            var queue: Identifier?
            var priority: Identifier?
            if matchKeyword("TO") { queue = try parseName("a queue name after TO") }
            if matchKeyword("PRIORITY") { priority = try parseName("a priority after PRIORITY") }
            kind = .callback(timing, queue: queue, priority: priority)
        case "RETRY":
            advance()
            if matchKeyword("PER") {
                try expectKeyword("CADENCE", "'CADENCE' after RETRY PER")
                kind = .retry(nil)
            } else {
                kind = .retry(try parseTiming("RETRY", alternatives: "or PER CADENCE"))
            }
        case "EMAIL":
            advance()
            let names = try parseNameList("an email template name")
            var every: Expr?
            if matchKeyword("EVERY") { every = try parseSum() }
            kind = .email(names, every: every, timing: atTimingStart ? try parseTiming("EMAIL") : nil)
        case "SMS":
            advance()
            let name = try parseName("an SMS template name")
            kind = .sms(name, timing: atTimingStart ? try parseTiming("SMS") : nil)
        case "HANDOFF":
            advance()
            try expectKeyword("TO", "'TO' after HANDOFF")
            let team = try parseName("a team or queue name after HANDOFF TO")
            var within: Expr?
            if matchKeyword("WITHIN") { within = try parseSum() }
            kind = .handoff(team, within: within)
        case "CLOSE":
            advance()
            kind = .close(optionalString())
        case "CONVERT":
            advance()
            kind = .convert
        case "BLOCK":
            advance()
            let channel: Channel
            if matchKeyword("PHONE") {
                channel = .phone
            } else if matchKeyword("EMAIL") {
                channel = .email
            } else if matchKeyword("SMS") {
                channel = .sms
            } else if matchKeyword("ALL") {
                channel = .all
            } else if at(.identifier) || at(.string) {
                channel = .expr(try parseSum())
            } else {
                throw failExpected("PHONE, EMAIL, SMS, ALL or a channel expression after BLOCK")
            }
            kind = .block(channel, reason: optionalString())
        case "NURTURE":
            advance()
            kind = .nurture(at(.identifier) ? try parseName("a cadence name") : nil)
        case "REMOVE":
            advance()
            try expectKeyword("FROM", "'FROM QUEUE' after REMOVE")
            try expectKeyword("QUEUE", "'QUEUE' after REMOVE FROM")
            kind = .removeFromQueue
        case "FLAG":
            advance()
            kind = .flag(try parseName("a flag name after FLAG"))
        case "ESCALATE":
            advance()
            try expectKeyword("TO", "'TO' after ESCALATE")
            kind = .escalate(try parseName("a tier name after ESCALATE TO"))
        case "RELEASE":
            advance()
            kind = .release
        default:
            error("E106", "unknown action '\(text(current))'", current.range,
                  notes: keywordNotes(among: Keywords.actionStarts))
            throw SyntaxError()
        }
        return Action(id: makeID(), range: rangeFrom(start), kind: kind)
    }

    var atTimingStart: Bool {
        atKeyword("NOW") || atKeyword("IN") || atKeyword("AT") || atKeyword("NEXT")
    }

    mutating func parseTiming(_ owner: String, alternatives: String = "") throws(SyntaxError) -> Timing {
        let start = current.range.start
        let kind: Timing.Kind
        if matchKeyword("NOW") {
            kind = .now
        } else if matchKeyword("IN") {
            kind = .after(try parseSum())
        } else if matchKeyword("AT") {
            kind = .at(try parseSum())
        } else if matchKeyword("NEXT") {
            if matchKeyword("AVAILABLE") {
                kind = .nextAvailable
            } else if matchKeyword("BUSINESS") {
                try expectKeyword("DAY", "'DAY' after NEXT BUSINESS")
                kind = .nextBusinessDay
            } else {
                throw failExpected("'AVAILABLE' or 'BUSINESS DAY' after NEXT")
            }
        } else {
            let extra = alternatives.isEmpty ? "" : " \(alternatives)"
            throw failExpected("when to \(owner.lowercased()): NOW, IN <duration>, AT <time>, NEXT AVAILABLE or NEXT BUSINESS DAY\(extra)")
        }
        return Timing(range: rangeFrom(start), kind: kind)
    }
}
