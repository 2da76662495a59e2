// An S-expression dump of the syntax tree without node ids, ranges or
// comments: two parses of differently laid-out but equivalent text dump
// identically. Tests use it to check that `rules fmt` output re-parses to the
// same tree, and as golden files of what the parser builds.
//
//     (route
//       (when
//         (AND
//           (>= (name lead_score) (number 70))
//           (= (name language) (string "German"))))
//       (assign german_hot_lead_queue)
//       (priority IMMEDIATE)
//       (dial-mode power_dialer))
//
// Keywords that the tree keeps as written (type and day names) are dumped in
// upper case, since their letter case does not matter; names are dumped as
// written.

/// Dumps a parsed file as an indented S-expression.
public enum ASTDump {
    public static func dump(_ file: RulesFile) -> String {
        SNode("file", file.decls.map(decl)).render(indent: 0) + "\n"
    }

    // MARK: - Declarations

    static func decl(_ decl: Decl) -> SNode {
        switch decl {
        case .event(let d):
            return SNode("event \(d.name.name)", d.params.map { SNode("param \($0.name.name) \(type($0.type))") })
        case .field(let d):
            return SNode("field \(d.name.name) \(type(d.type))")
        case .list(let d):
            return SNode("list-decl \(d.name.name)", d.items.map(expr))
        case .table(let d):
            let rows = d.rows.map { SNode("row", [expr($0.key), expr($0.value)]) }
            return SNode("table \(d.name.name) by \(d.key.name)", optional("default", d.defaultValue) + rows)
        case .queue(let d):
            return SNode("queue \(d.name.name)" + string(d.description))
        case .template(let d):
            return SNode("template \(d.name.name) \(d.channel.rawValue)" + string(d.description))
        case .score(let d):
            let rows = d.rows.map { SNode("row", [expr($0.condition), expr($0.points)]) }
            return SNode("score \(d.name.name)", [SNode("max", [expr(d.max)])] + rows)
        case .tier(let d):
            let action: SNode
            switch d.action {
            case .callWithin(let sla): action = SNode("call-within", [expr(sla)])
            case .nurture(let cadence): action = SNode("nurture" + name(cadence))
            }
            return SNode("tier \(d.name.name)", [SNode("when", [expr(d.condition)]), action])
        case .route(let d):
            return SNode("route", [SNode("when", [expr(d.condition)])] + d.statements.map(routeStatement))
        case .trigger(let d):
            return trigger(d)
        case .cadence(let d):
            let head = [SNode("days", [expr(d.firstDay), expr(d.lastDay)])] + optional("when", d.condition)
            return SNode("cadence \(d.name.name)", head + d.statements.map(cadenceStatement))
        case .disposition(let d):
            return SNode("disposition \(d.code.name) \(ExprPrinter.string(d.label.value))", d.actions.map(action))
        case .callingHours(let d):
            return SNode("calling-hours", d.windows.map {
                SNode("window \(days($0.days))", [expr($0.start), expr($0.end)])
            })
        case .businessDays(let d):
            return SNode("business-days " + d.days.map(days).joined(separator: " "))
        case .holidays(let d):
            return SNode("holidays \(ExprPrinter.string(d.path.value))")
        case .quarantine(let d):
            let head = [SNode("when", [expr(d.condition)]), SNode("for", [expr(d.hold)])]
            return SNode("quarantine" + name(d.name), head + d.statements.map(quarantineStatement))
        }
    }

    static func routeStatement(_ s: RouteStatement) -> SNode {
        switch s.kind {
        case .assign(let queue): SNode("assign \(queue.name)")
        case .priority(let p): SNode("priority \(p.name)")
        case .dialMode(let m): SNode("dial-mode \(m.name)")
        }
    }

    static func trigger(_ d: TriggerDecl) -> SNode {
        SNode("on \(d.event.name)", optional("where", d.condition) + d.actions.map(action))
    }

    static func cadenceStatement(_ s: CadenceStatement) -> SNode {
        switch s.kind {
        case .callsPerWeek(let low, let high):
            return SNode("calls-per-week", [expr(low)] + (high.map { [expr($0)] } ?? []))
        case .callEvery(let interval):
            return SNode("call-every", [expr(interval)])
        case .email(let templates, let every):
            return SNode("email " + names(templates), [SNode("every", [expr(every)])])
        case .sms(let template, let every):
            return SNode("sms \(template.name)", [SNode("every", [expr(every)])])
        case .trigger(let d):
            return trigger(d)
        case .exit(let condition):
            return SNode("exit", [expr(condition)])
        }
    }

    static func quarantineStatement(_ s: QuarantineStatement) -> SNode {
        switch s.kind {
        case .release(let condition):
            return SNode("release", [expr(condition)])
        case .email(let templates, let every, let duration):
            return SNode("email " + names(templates), optional("every", every) + [SNode("for", [expr(duration)])])
        case .graduate(let events):
            return SNode("graduate " + names(events))
        }
    }

    // MARK: - Actions

    static func action(_ a: Action) -> SNode {
        switch a.kind {
        case .callback(let t, let queue, let priority):
            return SNode("callback", [timing(t)] + (queue.map { [SNode("to \($0.name)")] } ?? [])
                + (priority.map { [SNode("priority \($0.name)")] } ?? []))
        case .retry(let t):
            return t.map { SNode("retry", [timing($0)]) } ?? SNode("retry per-cadence")
        case .email(let templates, let every, let t):
            return SNode("email " + names(templates), optional("every", every) + (t.map { [timing($0)] } ?? []))
        case .sms(let template, let t):
            return SNode("sms \(template.name)", t.map { [timing($0)] } ?? [])
        case .handoff(let team, let within):
            return SNode("handoff \(team.name)", optional("within", within))
        case .close(let reason):
            return SNode("close" + string(reason))
        case .convert:
            return SNode("convert")
        case .block(let channel, let reason):
            switch channel {
            case .phone: return SNode("block PHONE" + string(reason))
            case .email: return SNode("block EMAIL" + string(reason))
            case .sms: return SNode("block SMS" + string(reason))
            case .all: return SNode("block ALL" + string(reason))
            case .expr(let e): return SNode("block" + string(reason), [expr(e)])
            }
        case .nurture(let cadence):
            return SNode("nurture" + name(cadence))
        case .removeFromQueue:
            return SNode("remove-from-queue")
        case .flag(let flag):
            return SNode("flag \(flag.name)")
        case .escalate(let tier):
            return SNode("escalate \(tier.name)")
        case .release:
            return SNode("release")
        }
    }

    static func timing(_ t: Timing) -> SNode {
        switch t.kind {
        case .now: SNode("now")
        case .after(let delay): SNode("in", [expr(delay)])
        case .at(let time): SNode("at", [expr(time)])
        case .nextAvailable: SNode("next-available")
        case .nextBusinessDay: SNode("next-business-day")
        }
    }

    // MARK: - Expressions

    static func expr(_ e: Expr) -> SNode {
        switch e.kind {
        case .number(let n): SNode("number \(ExprPrinter.number(n))")
        case .duration(let ms, _): SNode("duration \(ms)ms")
        case .time(let minutes): SNode("time \(ExprPrinter.time(minutes))")
        case .string(let s): SNode("string \(ExprPrinter.string(s))")
        case .bool(let b): SNode(b ? "bool TRUE" : "bool FALSE")
        case .name(let n): SNode("name \(n)")
        case .eventField(let field): SNode("event-field \(field.name)")
        case .call(let function, let args): SNode("call \(function.name)", args.map(expr))
        case .list(let items): SNode("list", items.map(expr))
        case .not(let operand): SNode("not", [expr(operand)])
        case .negate(let operand): SNode("negate", [expr(operand)])
        case .binary(let op, let l, let r): SNode(op.rawValue, [expr(l), expr(r)])
        case .membership(let v, let list, let negated): SNode(negated ? "not-in" : "in", [expr(v), expr(list)])
        case .range(let v, let low, let high, let style): SNode("range-\(style.rawValue)", [expr(v), expr(low), expr(high)])
        case .invalid: SNode("invalid")
        }
    }

    // MARK: - Pieces

    static func optional(_ head: String, _ e: Expr?) -> [SNode] {
        e.map { [SNode(head, [expr($0)])] } ?? []
    }

    static func string(_ literal: StringLiteral?) -> String {
        literal.map { " " + ExprPrinter.string($0.value) } ?? ""
    }

    static func name(_ identifier: Identifier?) -> String {
        identifier.map { " " + $0.name } ?? ""
    }

    static func names(_ list: [Identifier]) -> String {
        list.map(\.name).joined(separator: " ")
    }

    static func type(_ t: TypeRef) -> String {
        let name = Keywords.types.contains(t.name.name.uppercased()) ? t.name.name.uppercased() : t.name.name
        return name + (t.optional ? "?" : "")
    }

    static func days(_ span: DaySpan) -> String {
        func day(_ d: Identifier) -> String {
            Keywords.days.contains(d.name.uppercased()) ? d.name.uppercased() : d.name
        }
        return day(span.first) + (span.last.map { "-" + day($0) } ?? "")
    }
}

/// A node of the dump: a head (the node's kind and its atoms) and children.
struct SNode {
    var head: String
    var children: [SNode]

    init(_ head: String, _ children: [SNode] = []) {
        self.head = head
        self.children = children
    }

    /// One line when it fits in 80 columns, else one child per line,
    /// indented two spaces under the head.
    func render(indent: Int) -> String {
        let flat = flatText
        if children.isEmpty || indent + flat.count <= 80 { return flat }
        let pad = String(repeating: " ", count: indent + 2)
        return "(" + head + children.map { "\n" + pad + $0.render(indent: indent + 2) }.joined() + ")"
    }

    var flatText: String {
        children.isEmpty ? "(\(head))" : "(\(head) " + children.map(\.flatText).joined(separator: " ") + ")"
    }
}
