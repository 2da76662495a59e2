// Pass 2: check every declaration — conditions, values, the names they
// refer to, and the domain rules of each construct (day names, windows,
// disposition code formats, priorities, dial modes).

import RulesLanguage

extension Checker {
    mutating func checkDeclarations() {
        for (decl, file) in allDecls {
            let ctx = Context(file: file, event: nil)
            switch decl {
            case .event, .field, .list, .table, .queue, .template, .holidays:
                break  // checked while collecting
            case .score(let d): checkScore(d, ctx)
            case .tier(let d): checkTier(d, ctx)
            case .route(let d): checkRoute(d, ctx)
            case .trigger(let d): checkTrigger(d, ctx)
            case .cadence(let d): checkCadence(d, ctx)
            case .disposition(let d): checkDisposition(d, ctx)
            case .callingHours(let d): checkCallingHours(d, ctx)
            case .businessDays(let d):
                for span in d.days { _ = checkDays(span, ctx) }
            case .quarantine(let d): checkQuarantine(d, ctx)
            }
        }
    }

    private mutating func checkScore(_ d: ScoreDecl, _ ctx: Context) {
        checkValue(d.max, "MAX", expected: .number, ctx)
        if case .number(let max)? = literalValue(d.max), max <= 0 {
            report(Messages.maxNotPositive(d.name.name, formatNumber(max)), d.max.range, in: ctx.file)
        }
        for row in d.rows {
            checkCondition(row.condition, "a score row's condition", ctx)
            checkValue(row.points, "the points value of a score row", expected: .number, ctx)
        }
    }

    private mutating func checkTier(_ d: TierDecl, _ ctx: Context) {
        checkCondition(d.condition, "the TIER condition", ctx)
        switch d.action {
        case .callWithin(let sla):
            checkDuration(sla, "CALL WITHIN", ctx, fixed: true)
        case .nurture(let cadence?):
            resolveCadence(cadence, ctx)
        case .nurture(nil):
            break
        }
    }

    private mutating func checkRoute(_ d: RouteDecl, _ ctx: Context) {
        checkCondition(d.condition, "the IF condition", ctx)
        var seen: [String: SourceRef] = [:]
        for statement in d.statements {
            let (what, name): (String, Identifier) = switch statement.kind {
            case .assign(let q): ("ASSIGN TO", q)
            case .priority(let p): ("PRIORITY", p)
            case .dialMode(let m): ("DIAL_MODE", m)
            }
            if let first = seen[what] {
                report(Messages.repeatedRouteStatement(what, first: first), statement.range, in: ctx.file)
                continue
            }
            seen[what] = SourceRef(file: ctx.file, range: statement.range)
            switch statement.kind {
            case .assign: resolveQueue(name, ctx)
            case .priority: _ = checkPriority(name, ctx)
            case .dialMode: _ = checkDialMode(name, ctx)
            }
        }
        if seen["ASSIGN TO"] == nil {
            report(Messages.missingAssign(), d.header, in: ctx.file)
        }
    }

    mutating func checkTrigger(_ d: TriggerDecl, _ ctx: Context) {
        var inner = ctx
        inner.event = d.event.name
        if symbols.events[d.event.name] == nil {
            let s = Suggestion.closest(to: d.event.name, among: symbols.events.keys)
            report(Messages.undefinedEvent(d.event.name, suggestion: s), d.event.range, in: ctx.file)
        }
        if let condition = d.condition {
            checkCondition(condition, "the WHERE condition", inner)
        }
        for action in d.actions { checkAction(action, inner) }
    }

    private mutating func checkCadence(_ d: CadenceDecl, _ ctx: Context) {
        if cadenceDays(d) == nil {
            report(Messages.cadenceDayRange(ctx.file.text(d.firstDay.range), ctx.file.text(d.lastDay.range)),
                   d.firstDay.range.union(d.lastDay.range), in: ctx.file)
        }
        if let condition = d.condition { checkCondition(condition, "the CADENCE condition", ctx) }
        for statement in d.statements {
            switch statement.kind {
            case .callsPerWeek(let low, let high):
                if callsPerWeek(low, high) == nil {
                    let text = ctx.file.text(low.range) + (high.map { "-" + ctx.file.text($0.range) } ?? "")
                    report(Messages.callsPerWeek(text), low.range.union(high?.range ?? low.range), in: ctx.file)
                }
            case .callEvery(let every):
                checkDuration(every, "CALL EVERY", ctx, fixed: true)
            case .email(let templates, let every):
                for t in templates { resolveTemplate(t, .email, ctx) }
                checkDuration(every, "EVERY", ctx, fixed: true)
            case .sms(let template, let every):
                resolveTemplate(template, .sms, ctx)
                checkDuration(every, "EVERY", ctx, fixed: true)
            case .trigger(let trigger):
                checkTrigger(trigger, ctx)
            case .exit(let condition):
                checkCondition(condition, "the EXIT WHEN condition", ctx)
            }
        }
    }

    /// The cadence's window in whole days, nil when it is not a valid window.
    func cadenceDays(_ d: CadenceDecl) -> ClosedRange<Int>? {
        guard case .number(let a)? = literalValue(d.firstDay), case .number(let b)? = literalValue(d.lastDay),
              a == a.rounded(), b == b.rounded(), a >= 1, b <= 365, a <= b else { return nil }
        return Int(a)...Int(b)
    }

    /// `CALL n[-m] PER WEEK` as a range of whole numbers, nil when invalid.
    func callsPerWeek(_ low: Expr, _ high: Expr?) -> ClosedRange<Int>? {
        guard case .number(let a)? = literalValue(low), a == a.rounded(), a >= 1, a <= 1000 else { return nil }
        guard let high else { return Int(a)...Int(a) }
        guard case .number(let b)? = literalValue(high), b == b.rounded(), b >= a, b <= 1000 else { return nil }
        return Int(a)...Int(b)
    }

    private mutating func checkDisposition(_ d: DispositionDecl, _ ctx: Context) {
        if !Checker.isDispositionCode(d.code.name) {
            report(Messages.dispositionCodeFormat(d.code.name), d.code.range, in: ctx.file)
        }
        if d.label.value.allSatisfy(\.isWhitespace) {
            report(Messages.emptyLabel(d.code.name), d.label.range, in: ctx.file)
        }
        var inner = ctx
        inner.event = Builtins.callOutcome
        for action in d.actions { checkAction(action, inner) }
    }

    /// A letter followed by two digits, like V01.
    static func isDispositionCode(_ code: String) -> Bool {
        let s = Array(code.unicodeScalars)
        return s.count == 3 && s[0].properties.isAlphabetic && s[0].isASCII
            && s[1].isASCII && s[2].isASCII && s[1].properties.numericType != nil && s[2].properties.numericType != nil
    }

    private mutating func checkCallingHours(_ d: CallingHoursDecl, _ ctx: Context) {
        for window in d.windows {
            _ = checkDays(window.days, ctx)
            guard case .time(let start) = window.start.kind, case .time(let end) = window.end.kind else { continue }
            types[window.start.id] = .timeOfDay
            types[window.end.id] = .timeOfDay
            if end <= start {
                report(Messages.emptyWindow(formatTime(start), formatTime(end)),
                       window.start.range.union(window.end.range), in: ctx.file)
            }
        }
    }

    /// The weekdays of a span (`MON-FRI`, `SAT`), nil after reporting a bad one.
    mutating func checkDays(_ span: DaySpan, _ ctx: Context) -> [Weekday]? {
        guard let first = checkDay(span.first, ctx) else { return nil }
        guard let lastName = span.last else { return [first] }
        guard let last = checkDay(lastName, ctx) else { return nil }
        guard first.rawValue <= last.rawValue else {
            report(Messages.backwardsDays(span.first.name.uppercased(), lastName.name.uppercased()), span.range, in: ctx.file)
            return nil
        }
        return (first.rawValue...last.rawValue).compactMap(Weekday.init(rawValue:))
    }

    private mutating func checkDay(_ name: Identifier, _ ctx: Context) -> Weekday? {
        if let i = Builtins.days.firstIndex(of: name.name.uppercased()) { return Weekday(rawValue: i) }
        let s = Suggestion.closest(to: name.name.uppercased(), among: Builtins.days)
        report(Messages.unknownDay(name.name, suggestion: s), name.range, in: ctx.file)
        return nil
    }

    private mutating func checkQuarantine(_ d: QuarantineDecl, _ ctx: Context) {
        checkCondition(d.condition, "the QUARANTINE condition", ctx)
        checkDuration(d.hold, "the quarantine hold (FOR)", ctx, fixed: true)
        for statement in d.statements {
            switch statement.kind {
            case .release(let condition):
                checkCondition(condition, "the RELEASE WHEN condition", ctx)
            case .email(let templates, let every, let duration):
                for t in templates { resolveTemplate(t, .email, ctx) }
                if let every { checkDuration(every, "EVERY", ctx, fixed: true) }
                checkDuration(duration, "the email-only nurture (FOR)", ctx, fixed: true)
            case .graduate(let events):
                for e in events where symbols.events[e.name] == nil {
                    let s = Suggestion.closest(to: e.name, among: symbols.events.keys)
                    report(Messages.undefinedEvent(e.name, suggestion: s), e.range, in: ctx.file)
                }
            }
        }
    }
}
