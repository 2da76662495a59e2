// A compact one-line rendering of the AST, so parser tests can state the
// expected tree shape as a short string: operators prefix and parenthesized,
// durations in milliseconds, times in minutes after midnight.
@testable import RulesLanguage

func dump(_ e: Expr) -> String {
    switch e.kind {
    case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
    case .duration(let ms): return "\(ms)ms"
    case .time(let minutes): return "t\(minutes)"
    case .string(let s): return s.debugDescription
    case .bool(let b): return b ? "TRUE" : "FALSE"
    case .name(let n): return n
    case .eventField(let f): return "event.\(f.name)"
    case .call(let f, let args): return "\(f.name)(\(args.map(dump).joined(separator: ", ")))"
    case .list(let items): return "[\(items.map(dump).joined(separator: ", "))]"
    case .not(let x): return "(NOT \(dump(x)))"
    case .negate(let x): return "(neg \(dump(x)))"
    case .binary(let op, let l, let r): return "(\(op.rawValue) \(dump(l)) \(dump(r)))"
    case .membership(let x, let list, let negated): return "(\(negated ? "NOT IN" : "IN") \(dump(x)) \(dump(list)))"
    case .range(let x, let low, let high, let style):
        return "(\(style == .between ? "BETWEEN" : "RANGE") \(dump(x)) \(dump(low)) \(dump(high)))"
    case .invalid: return "<invalid>"
    }
}

func dump(_ t: Timing) -> String {
    switch t.kind {
    case .now: "NOW"
    case .after(let e): "IN \(dump(e))"
    case .at(let e): "AT \(dump(e))"
    case .nextAvailable: "NEXT AVAILABLE"
    case .nextBusinessDay: "NEXT BUSINESS DAY"
    }
}

private func names(_ ids: [Identifier]) -> String { ids.map(\.name).joined(separator: ",") }
private func opt(_ prefix: String, _ s: String?) -> String { s.map { " \(prefix)\($0)" } ?? "" }

func dump(_ a: Action) -> String {
    switch a.kind {
    case .callback(let t, let q, let p): "CALLBACK \(dump(t))\(opt("TO ", q?.name))\(opt("PRIORITY ", p?.name))"
    case .retry(let t): "RETRY \(t.map(dump) ?? "PER CADENCE")"
    case .email(let n, let every, let t): "EMAIL \(names(n))\(opt("EVERY ", every.map(dump)))\(opt("", t.map(dump)))"
    case .sms(let n, let t): "SMS \(n.name)\(opt("", t.map(dump)))"
    case .handoff(let team, let within): "HANDOFF TO \(team.name)\(opt("WITHIN ", within.map(dump)))"
    case .close(let reason): "CLOSE\(opt("", reason?.value.debugDescription))"
    case .convert: "CONVERT"
    case .block(let channel, let reason):
        "BLOCK \(dump(channel))\(opt("", reason?.value.debugDescription))"
    case .nurture(let c): "NURTURE\(opt("", c?.name))"
    case .removeFromQueue: "REMOVE FROM QUEUE"
    case .flag(let f): "FLAG \(f.name)"
    case .escalate(let t): "ESCALATE TO \(t.name)"
    case .release: "RELEASE"
    }
}

private func dump(_ c: Channel) -> String {
    switch c {
    case .phone: "PHONE"
    case .email: "EMAIL"
    case .sms: "SMS"
    case .all: "ALL"
    case .expr(let e): dump(e)
    }
}

private func block(_ items: [String]) -> String { "{" + items.joined(separator: "; ") + "}" }
private func dump(_ t: TypeRef) -> String { t.name.name + (t.optional ? "?" : "") }
private func dump(_ d: DaySpan) -> String { d.first.name + (d.last.map { "-\($0.name)" } ?? "") }

func dump(_ s: CadenceStatement) -> String {
    switch s.kind {
    case .callsPerWeek(let lo, let hi): "CALL \(dump(lo))\(hi.map { "-\(dump($0))" } ?? "") PER WEEK"
    case .callEvery(let e): "CALL EVERY \(dump(e))"
    case .email(let n, let every): "EMAIL \(names(n)) EVERY \(dump(every))"
    case .sms(let n, let every): "SMS \(n.name) EVERY \(dump(every))"
    case .trigger(let t): dump(.trigger(t))
    case .exit(let e): "EXIT WHEN \(dump(e))"
    }
}

func dump(_ s: QuarantineStatement) -> String {
    switch s.kind {
    case .release(let e): "RELEASE WHEN \(dump(e))"
    case .email(let n, let every, let d): "EMAIL \(names(n))\(opt("EVERY ", every.map(dump))) FOR \(dump(d))"
    case .graduate(let events): "GRADUATE ON \(names(events))"
    }
}

func dump(_ d: Decl) -> String {
    switch d {
    case .event(let e):
        let params = e.params.map { "\($0.name.name): \(dump($0.type))" }.joined(separator: ", ")
        return "EVENT \(e.name.name)" + (e.params.isEmpty ? "" : "(\(params))")
    case .field(let f): return "FIELD \(f.name.name): \(dump(f.type))"
    case .list(let l): return "LIST \(l.name.name) [\(l.items.map(dump).joined(separator: ", "))]"
    case .table(let t):
        return "TABLE \(t.name.name) BY \(t.key.name)\(opt("DEFAULT ", t.defaultValue.map(dump))) "
            + block(t.rows.map { "\(dump($0.key)) => \(dump($0.value))" })
    case .queue(let q): return "QUEUE \(q.name.name)\(opt("", q.description?.value.debugDescription))"
    case .template(let t):
        return "TEMPLATE \(t.name.name) \(t.channel.rawValue)\(opt("", t.description?.value.debugDescription))"
    case .score(let s):
        return "SCORE \(s.name.name) MAX \(dump(s.max)) " + block(s.rows.map { "\(dump($0.condition)) => \(dump($0.points))" })
    case .tier(let t):
        let action = switch t.action {
        case .callWithin(let e): "CALL WITHIN \(dump(e))"
        case .nurture(let c): "NURTURE\(opt("", c?.name))"
        }
        return "TIER \(t.name.name) WHEN \(dump(t.condition)): \(action)"
    case .route(let r):
        return "IF \(dump(r.condition)) " + block(r.statements.map { s in
            switch s.kind {
            case .assign(let q): "ASSIGN TO \(q.name)"
            case .priority(let p): "PRIORITY = \(p.name)"
            case .dialMode(let m): "DIAL_MODE = \(m.name)"
            }
        })
    case .trigger(let t):
        return "ON \(t.event.name)\(opt("WHERE ", t.condition.map(dump))) " + block(t.actions.map(dump))
    case .cadence(let c):
        return "CADENCE \(c.name.name) DAYS \(dump(c.firstDay))-\(dump(c.lastDay))"
            + "\(opt("WHEN ", c.condition.map(dump))) " + block(c.statements.map(dump))
    case .disposition(let d):
        return "DISPOSITION \(d.code.name) \(d.label.value.debugDescription) " + block(d.actions.map(dump))
    case .callingHours(let c):
        return "CALLING HOURS " + c.windows.map { "\(dump($0.days)) \(dump($0.start))-\(dump($0.end))" }
            .joined(separator: ", ")
    case .businessDays(let b): return "BUSINESS DAYS " + b.days.map(dump).joined(separator: ", ")
    case .holidays(let h): return "HOLIDAYS \(h.path.value.debugDescription)"
    case .quarantine(let q):
        return "QUARANTINE\(opt("", q.name?.name)) WHEN \(dump(q.condition)) FOR \(dump(q.hold)) "
            + block(q.statements.map(dump))
    }
}
