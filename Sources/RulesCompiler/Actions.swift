// Actions and their timings, and the names outside expressions: queues,
// templates (on the right channel), tiers, cadences, priorities and dial modes.

import RulesLanguage

extension Checker {
    mutating func checkAction(_ action: Action, _ ctx: Context) {
        switch action.kind {
        case .callback(let timing, let queue, let priority):
            checkTiming(timing, "CALLBACK", ctx)
            if let queue { resolveQueue(queue, ctx) }
            if let priority { _ = checkPriority(priority, ctx) }
        case .retry(let timing):
            if let timing { checkTiming(timing, "RETRY", ctx) }
        case .email(let templates, let every, let timing):
            for t in templates { resolveTemplate(t, .email, ctx) }
            if let every { checkDuration(every, "EVERY", ctx, fixed: false) }
            if let timing { checkTiming(timing, "EMAIL", ctx) }
        case .sms(let template, let timing):
            resolveTemplate(template, .sms, ctx)
            if let timing { checkTiming(timing, "SMS", ctx) }
        case .handoff(let queue, let within):
            resolveQueue(queue, ctx)
            if let within { checkDuration(within, "HANDOFF WITHIN", ctx, fixed: false) }
        case .block(.expr(let channel), _):
            checkBlockChannel(channel, ctx)
        case .nurture(let cadence?):
            resolveCadence(cadence, ctx)
        case .escalate(let tier):
            resolveTier(tier, ctx)
        case .block, .nurture(nil), .close, .convert, .removeFromQueue, .flag, .release:
            break
        }
    }

    private mutating func checkTiming(_ timing: Timing, _ owner: String, _ ctx: Context) {
        switch timing.kind {
        case .after(let delay):
            let type = checkValue(delay, "\(owner) IN", expected: .duration, ctx)
            if type == .duration, let ms = constantDuration(delay), ms < 0 {
                report(Messages.durationNotPositive("\(owner) IN", formatDuration(ms)), delay.range, in: ctx.file)
            }
        case .at(let time):
            checkValue(time, "\(owner) AT", expected: .time, ctx)
        case .now, .nextAvailable, .nextBusinessDay:
            break
        }
    }

    /// Checks a DURATION that must be positive when it is constant; with
    /// `fixed`, it must also be constant (the same for every lead).
    mutating func checkDuration(_ e: Expr, _ what: String, _ ctx: Context, fixed: Bool) {
        let type = checkValue(e, what, expected: .duration, ctx)
        guard type == .duration else { return }
        if let ms = constantDuration(e) {
            if ms <= 0 { report(Messages.durationNotPositive(what, formatDuration(ms)), e.range, in: ctx.file) }
        } else if fixed {
            report(Messages.durationNotConstant(what), e.range, in: ctx.file)
        }
    }

    private mutating func checkBlockChannel(_ channel: Expr, _ ctx: Context) {
        checkValue(channel, "BLOCK", expected: .string, ctx)
        if case .string(let s) = channel.kind, !Builtins.channels.contains(s) {
            report(Messages.blockChannel("\"\(s)\""), channel.range, in: ctx.file)
        }
    }

    // MARK: - Names outside expressions

    mutating func resolveQueue(_ name: Identifier, _ ctx: Context) {
        if symbols.queues[name.name] != nil {
            usage.queues.insert(name.name)
            return
        }
        let s = suggest( name.name, among: symbols.queues.keys)
        report(Messages.undefinedQueue(name.name, suggestion: s), name.range, in: ctx.file)
    }

    mutating func resolveTemplate(_ name: Identifier, _ channel: TemplateChannel, _ ctx: Context) {
        guard let template = symbols.templates[name.name] else {
            let candidates = symbols.templates.filter { $0.value.node.channel == channel }.keys
            let s = suggest( name.name, among: candidates)
            report(Messages.undefinedTemplate(name.name, channel: channel, suggestion: s), name.range, in: ctx.file)
            return
        }
        usage.templates.insert(name.name)
        if template.node.channel != channel {
            report(Messages.templateChannel(name.name, declared: template.node.channel, usedBy: channel,
                                            at: template.ref), name.range, in: ctx.file)
        }
    }

    mutating func resolveCadence(_ name: Identifier, _ ctx: Context) {
        guard symbols.cadences[name.name] == nil else { return }
        let s = suggest( name.name, among: symbols.cadences.keys)
        report(Messages.undefinedCadence(name.name, suggestion: s), name.range, in: ctx.file)
    }

    private mutating func resolveTier(_ name: Identifier, _ ctx: Context) {
        guard let tier = symbols.tiers[name.name] else {
            let s = suggest( name.name, among: symbols.tiers.keys)
            report(Messages.undefinedTier(name.name, suggestion: s), name.range, in: ctx.file)
            return
        }
        if case .nurture = tier.node.action {
            report(Messages.escalateToNurtureTier(name.name), name.range, in: ctx.file)
        }
    }

    mutating func checkPriority(_ name: Identifier, _ ctx: Context) -> Priority? {
        if let p = Builtins.priority(name.name) { return p }
        report(Messages.unknownPriority(name.name, suggestion: prioritySuggestion(name.name)), name.range, in: ctx.file)
        return nil
    }

    /// For `WITHIN_2_HRS` keep the number and fix the unit; otherwise the closest fixed priority.
    private func prioritySuggestion(_ word: String) -> String? {
        let parts = word.uppercased().split(separator: "_", omittingEmptySubsequences: false)
        if parts.count == 3, Int(parts[1]) != nil,
           Suggestion.closest(to: String(parts[0]), among: ["WITHIN"]) != nil {
            let unit = Suggestion.closest(to: String(parts[2]), among: ["MINUTES", "HOURS", "DAYS"])
                ?? (parts[2].hasPrefix("H") ? "HOURS" : parts[2].hasPrefix("M") ? "MINUTES" : parts[2].hasPrefix("D") ? "DAYS" : nil)
            if let unit, "WITHIN_\(parts[1])_\(unit)" != word.uppercased() { return "WITHIN_\(parts[1])_\(unit)" }
        }
        return Suggestion.closest(to: word, among: Builtins.priorityExamples)
    }

    mutating func checkDialMode(_ name: Identifier, _ ctx: Context) -> String? {
        if let mode = Builtins.dialModes.first(where: { $0.caseInsensitiveEquals(name.name) }) { return mode }
        let s = Suggestion.closest(to: name.name, among: Builtins.dialModes)
            ?? Builtins.dialModes.first { $0.hasPrefix(name.name.lowercased()) && name.name.count >= 4 }
        report(Messages.unknownDialMode(name.name, suggestion: s), name.range, in: ctx.file)
        return nil
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool { lowercased() == other.lowercased() }
}
