// A compact one-line rendering of a declaration, so the parser's table tests
// can state the expected tree shape as a short string: operators prefix and
// parenthesized, durations in milliseconds, times in minutes after midnight.
// (ASTDump in RulesLanguage is the full multi-line dump for golden files.)
@testable import RulesLanguage

func shape(_ e: Expr) -> String {
    switch e.kind {
    case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
    case .duration(let ms, _): return "\(ms)ms"
    case .time(let minutes): return "t\(minutes)"
    case .string(let s): return s.debugDescription
    case .bool(let b): return b ? "TRUE" : "FALSE"
    case .name(let n): return n
    case .eventField(let f): return "event.\(f.name)"
    case .call(let f, let args): return "\(f.name)(\(args.map(shape).joined(separator: ", ")))"
    case .list(let items): return "[\(items.map(shape).joined(separator: ", "))]"
    case .not(let x): return "(NOT \(shape(x)))"
    case .negate(let x): return "(neg \(shape(x)))"
    case .binary(let op, let l, let r): return "(\(op.rawValue) \(shape(l)) \(shape(r)))"
    case .membership(let x, let list, let negated): return "(\(negated ? "NOT IN" : "IN") \(shape(x)) \(shape(list)))"
    case .range(let x, let low, let high, let style):
        return "(\(style == .between ? "BETWEEN" : "RANGE") \(shape(x)) \(shape(low)) \(shape(high)))"
    case .invalid: return "<invalid>"
    }
}

func shape(_ t: Timing) -> String {
    switch t.kind {
    case .now: "NOW"
    case .after(let e): "IN \(shape(e))"
    case .at(let e): "AT \(shape(e))"
    case .nextAvailable: "NEXT AVAILABLE"
    case .nextBusinessDay: "NEXT BUSINESS DAY"
    }
}

private func names(_ ids: [Identifier]) -> String { ids.map(\.name).joined(separator: ",") }
private func opt(_ prefix: String, _ s: String?) -> String { s.map { " \(prefix)\($0)" } ?? "" }

func shape(_ a: Action) -> String {
    switch a.kind {
    case .callback(let t, let q, let p): "CALLBACK \(shape(t))\(opt("TO ", q?.name))\(opt("PRIORITY ", p?.name))"
    case .retry(let t): "RETRY \(t.map(shape) ?? "PER CADENCE")"
    case .email(let n, let every, let t): "EMAIL \(names(n))\(opt("EVERY ", every.map(shape)))\(opt("", t.map(shape)))"
    case .sms(let n, let t): "SMS \(n.name)\(opt("", t.map(shape)))"
    case .handoff(let team, let within): "HANDOFF TO \(team.name)\(opt("WITHIN ", within.map(shape)))"
    case .close(let reason): "CLOSE\(opt("", reason?.value.debugDescription))"
    case .convert: "CONVERT"
    case .block(let channel, let reason):
        "BLOCK \(shape(channel))\(opt("", reason?.value.debugDescription))"
    case .nurture(let c): "NURTURE\(opt("", c?.name))"
    case .removeFromQueue: "REMOVE FROM QUEUE"
    case .flag(let f): "FLAG \(f.name)"
    case .escalate(let t): "ESCALATE TO \(t.name)"
    case .release: "RELEASE"
    }
}

private func shape(_ c: Channel) -> String {
    switch c {
    case .phone: "PHONE"
    case .email: "EMAIL"
    case .sms: "SMS"
    case .all: "ALL"
    case .expr(let e): shape(e)
    }
}

private func block(_ items: [String]) -> String { "{" + items.joined(separator: "; ") + "}" }
private func shape(_ t: TypeRef) -> String { t.name.name + (t.optional ? "?" : "") }
private func shape(_ d: DaySpan) -> String { d.first.name + (d.last.map { "-\($0.name)" } ?? "") }

func shape(_ s: CadenceStatement) -> String {
    switch s.kind {
    case .callsPerWeek(let lo, let hi): "CALL \(shape(lo))\(hi.map { "-\(shape($0))" } ?? "") PER WEEK"
    case .callEvery(let e): "CALL EVERY \(shape(e))"
    case .email(let n, let every): "EMAIL \(names(n)) EVERY \(shape(every))"
    case .sms(let n, let every): "SMS \(n.name) EVERY \(shape(every))"
    case .trigger(let t): shape(.trigger(t))
    case .exit(let e): "EXIT WHEN \(shape(e))"
    }
}

func shape(_ s: QuarantineStatement) -> String {
    switch s.kind {
    case .release(let e): "RELEASE WHEN \(shape(e))"
    case .email(let n, let every, let d): "EMAIL \(names(n))\(opt("EVERY ", every.map(shape))) FOR \(shape(d))"
    case .graduate(let events): "GRADUATE ON \(names(events))"
    }
}

func shape(_ d: Decl) -> String {
    switch d {
    case .event(let e):
        let params = e.params.map { "\($0.name.name): \(shape($0.type))" }.joined(separator: ", ")
        return "EVENT \(e.name.name)" + (e.params.isEmpty ? "" : "(\(params))")
    case .field(let f): return "FIELD \(f.name.name): \(shape(f.type))"
    case .list(let l): return "LIST \(l.name.name) [\(l.items.map(shape).joined(separator: ", "))]"
    case .table(let t):
        return "TABLE \(t.name.name) BY \(t.key.name)\(opt("DEFAULT ", t.defaultValue.map(shape))) "
            + block(t.rows.map { "\(shape($0.key)) => \(shape($0.value))" })
    case .queue(let q): return "QUEUE \(q.name.name)\(opt("", q.description?.value.debugDescription))"
    case .template(let t):
        return "TEMPLATE \(t.name.name) \(t.channel.rawValue)\(opt("", t.description?.value.debugDescription))"
    case .score(let s):
        return "SCORE \(s.name.name) MAX \(shape(s.max)) " + block(s.rows.map { "\(shape($0.condition)) => \(shape($0.points))" })
    case .tier(let t):
        let action = switch t.action {
        case .callWithin(let e): "CALL WITHIN \(shape(e))"
        case .nurture(let c): "NURTURE\(opt("", c?.name))"
        }
        return "TIER \(t.name.name) WHEN \(shape(t.condition)): \(action)"
    case .route(let r):
        return "IF \(shape(r.condition)) " + block(r.statements.map { s in
            switch s.kind {
            case .assign(let q): "ASSIGN TO \(q.name)"
            case .priority(let p): "PRIORITY = \(p.name)"
            case .dialMode(let m): "DIAL_MODE = \(m.name)"
            }
        })
    case .trigger(let t):
        return "ON \(t.event.name)\(opt("WHERE ", t.condition.map(shape))) " + block(t.actions.map(shape))
    case .cadence(let c):
        return "CADENCE \(c.name.name) DAYS \(shape(c.firstDay))-\(shape(c.lastDay))"
            + "\(opt("WHEN ", c.condition.map(shape))) " + block(c.statements.map(shape))
    case .disposition(let d):
        return "DISPOSITION \(d.code.name) \(d.label.value.debugDescription) " + block(d.actions.map(shape))
    case .callingHours(let c):
        return "CALLING HOURS " + c.windows.map { "\(shape($0.days)) \(shape($0.start))-\(shape($0.end))" }
            .joined(separator: ", ")
    case .businessDays(let b): return "BUSINESS DAYS " + b.days.map(shape).joined(separator: ", ")
    case .holidays(let h): return "HOLIDAYS \(h.path.value.debugDescription)"
    case .quarantine(let q):
        return "QUARANTINE\(opt("", q.name?.name)) WHEN \(shape(q.condition)) FOR \(shape(q.hold)) "
            + block(q.statements.map(shape))
    }
}
