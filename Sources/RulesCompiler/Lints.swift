// Pass 3: warnings about a playbook that type-checks but is probably not
// what its author meant. Scoring and routing lints have their own files.

import RulesLanguage

extension Checker {
    mutating func lint() {
        lintCategories()
        lintTiers()
        lintRoutes()
        lintCadenceOverlaps()
        lintCallingHours()
        lintCountryLists()
        lintUnused()
        lintDispositions()
    }

    private mutating func lintCadenceOverlaps() {
        var windows: [(name: String, days: ClosedRange<Int>, ref: SourceRef)] = []
        for (decl, file) in allDecls {
            guard case .cadence(let cadence) = decl, let days = cadenceDays(cadence) else { continue }
            for other in windows where other.days.overlaps(days) {
                let common = max(days.lowerBound, other.days.lowerBound)...min(days.upperBound, other.days.upperBound)
                let text = common.count == 1 ? "\(common.lowerBound)" : "\(common.lowerBound)-\(common.upperBound)"
                report(Messages.cadenceOverlap(cadence.name.name, other.name, days: text, otherAt: other.ref),
                       cadence.firstDay.range.union(cadence.lastDay.range), in: file)
                break
            }
            windows.append((cadence.name.name, days, SourceRef(file: file, range: cadence.header)))
        }
    }

    /// Calls need calling hours: the engine cannot place a call without them.
    private mutating func lintCallingHours() {
        guard symbols.callingHours == nil, let (range, file) = firstScheduledCall() else { return }
        report(Messages.noCallingHours(), range, in: file)
    }

    /// Where the playbook first schedules a call, if it does.
    private func firstScheduledCall() -> (SourceRange, SourceFile)? {
        for (decl, file) in allDecls {
            switch decl {
            case .tier(let tier):
                if case .callWithin = tier.action { return (tier.range, file) }
            case .route(let route):
                let dials = route.statements.allSatisfy { statement in
                    if case .dialMode(let mode) = statement.kind { return !mode.name.caseInsensitiveEquals("none") }
                    return true
                }
                if dials { return (route.header, file) }
            case .trigger(let trigger):
                if let call = firstCall(trigger.actions) { return (call, file) }
            case .disposition(let disposition):
                if let call = firstCall(disposition.actions) { return (call, file) }
            case .cadence(let cadence):
                for statement in cadence.statements {
                    switch statement.kind {
                    case .callsPerWeek, .callEvery: return (statement.range, file)
                    case .trigger(let trigger):
                        if let call = firstCall(trigger.actions) { return (call, file) }
                    default: continue
                    }
                }
            default:
                continue
            }
        }
        return nil
    }

    private func firstCall(_ actions: [Action]) -> SourceRange? {
        actions.first { action in
            switch action.kind {
            case .callback, .retry: true
            default: false
            }
        }?.range
    }

    /// Items of LISTs used with a COUNTRY, or named for countries, must be ISO codes.
    private mutating func lintCountryLists() {
        for (decl, file) in allDecls {
            guard case .list(let list) = decl else { continue }
            let name = list.name.name.lowercased()
            guard countryLists.contains(list.name.name) || name.contains("countr") || name.contains("jurisdiction") else { continue }
            for item in list.items { checkCountryLiteral(item, in: file) }
        }
    }

    private mutating func lintUnused() {
        for (decl, file) in allDecls {
            switch decl {
            case .list(let d) where !usage.lists.contains(d.name.name) && isDeclaration(d.id, of: d.name.name):
                report(Messages.unused("LIST", d.name.name), d.name.range, in: file)
            case .table(let d) where !usage.tables.contains(d.name.name) && isDeclaration(d.id, of: d.name.name):
                report(Messages.unused("TABLE", d.name.name), d.name.range, in: file)
            case .queue(let d) where !usage.queues.contains(d.name.name)
                && symbols.queues[d.name.name]?.ref == SourceRef(file: file, range: d.range):
                report(Messages.unused("QUEUE", d.name.name), d.name.range, in: file)
            case .template(let d) where !usage.templates.contains(d.name.name)
                && symbols.templates[d.name.name]?.node.id == d.id:
                report(Messages.unused("TEMPLATE", d.name.name), d.name.range, in: file)
            default:
                continue
            }
        }
    }

    /// True when the declaration with this id is the one a name resolves to
    /// (not a duplicate, which was reported as such).
    private func isDeclaration(_ id: NodeID, of name: String) -> Bool {
        switch symbols.values[name] {
        case .list(let d, _)?: d.node.id == id
        case .table(let d, _)?: d.node.id == id
        default: false
        }
    }

    /// DISPOSITIONs run on call_outcome events, matched by their `code`.
    private mutating func lintDispositions() {
        guard let first = allDecls.lazy.compactMap({ entry -> (DispositionDecl, SourceFile)? in
            if case .disposition(let d) = entry.decl { return (d, entry.file) } else { return nil }
        }).first else { return }
        let code = symbols.param("code", of: Builtins.callOutcome)
        if symbols.events[Builtins.callOutcome] == nil || code == nil || !(code?.type.isStringLike ?? false) {
            report(Messages.dispositionsWithoutOutcome(), first.0.code.range, in: first.1)
        }
    }
}
