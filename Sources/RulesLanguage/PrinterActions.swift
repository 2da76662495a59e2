// Layout of ON triggers and DISPOSITION codes, and the text of actions and
// their timing.

extension Layout {
    func triggerItem(_ d: TriggerDecl, indent: Int) -> PrintItem {
        let prefix = "ON \(d.event.name)"
        let header: [String]
        if let condition = d.condition {
            header = ExprPrinter.wrapped(prefix: prefix + " WHERE ", condition, suffix: ":", indent: indent,
                                         continuation: 8)
        } else {
            header = [prefix + ":"]
        }
        return actionsItem(start: d.range.start, header: d.header, headerLines: header, actions: d.actions,
                           indent: indent, group: "ON")
    }

    func dispositionItem(_ d: DispositionDecl) -> PrintItem {
        let header = "DISPOSITION \(d.code.name) \(ExprPrinter.string(d.label.value)):"
        return actionsItem(start: d.range.start, header: d.header, headerLines: [header], actions: d.actions,
                           indent: 0, group: "DISPOSITION")
    }

    /// `header: a; b; c` on one line when that fits and no comment sits
    /// inside it (a comment between actions must stay beside its action);
    /// otherwise the header and one action per indented line.
    func actionsItem(start: Int, header: SourceRange, headerLines: [String], actions: [Action],
                     indent: Int, group: String) -> PrintItem {
        let texts = actions.map(actionText)
        let end = max(header.end, actions.last?.range.end ?? header.end)
        if headerLines.count == 1, !actions.isEmpty {
            let inline = headerLines[0] + " " + texts.joined(separator: "; ")
            if indent + inline.count <= Printer.width, comments(after: start, before: end).isEmpty {
                return PrintItem(start: start, headerEnd: end, end: end, lines: [PrintLine(text: inline)],
                                 group: group)
            }
        }
        let children = zip(actions, texts).map { PrintItem.leaf($0.range, $1) }
        return .block(start: start, header: header, headerLines, children: children)
    }

    func actionText(_ action: Action) -> String {
        switch action.kind {
        case .callback(let timing, let queue, let priority):
            var text = "CALLBACK " + timingText(timing)
            if let queue { text += " TO \(queue.name)" }
            if let priority { text += " PRIORITY \(priority.name)" }
            return text
        case .retry(let timing):
            return "RETRY " + (timing.map(timingText) ?? "PER CADENCE")
        case .email(let templates, let every, let timing):
            var text = "EMAIL " + names(templates)
            if let every { text += " EVERY " + ExprPrinter.text(every, minimum: Precedence.sum) }
            if let timing { text += " " + timingText(timing) }
            return text
        case .sms(let template, let timing):
            return "SMS \(template.name)" + (timing.map { " " + timingText($0) } ?? "")
        case .handoff(let team, let within):
            return "HANDOFF TO \(team.name)"
                + (within.map { " WITHIN " + ExprPrinter.text($0, minimum: Precedence.sum) } ?? "")
        case .close(let reason):
            return "CLOSE" + optional(reason)
        case .convert:
            return "CONVERT"
        case .block(let channel, let reason):
            return "BLOCK " + channelText(channel) + optional(reason)
        case .nurture(let cadence):
            return "NURTURE" + (cadence.map { " " + $0.name } ?? "")
        case .removeFromQueue:
            return "REMOVE FROM QUEUE"
        case .flag(let flag):
            return "FLAG \(flag.name)"
        case .escalate(let tier):
            return "ESCALATE TO \(tier.name)"
        case .release:
            return "RELEASE"
        }
    }

    func channelText(_ channel: Channel) -> String {
        switch channel {
        case .phone: "PHONE"
        case .email: "EMAIL"
        case .sms: "SMS"
        case .all: "ALL"
        case .expr(let e): ExprPrinter.text(e, minimum: Precedence.sum)
        }
    }

    func timingText(_ timing: Timing) -> String {
        switch timing.kind {
        case .now: "NOW"
        case .after(let delay): "IN " + ExprPrinter.text(delay, minimum: Precedence.sum)
        case .at(let time): "AT " + ExprPrinter.text(time, minimum: Precedence.sum)
        case .nextAvailable: "NEXT AVAILABLE"
        case .nextBusinessDay: "NEXT BUSINESS DAY"
        }
    }
}
