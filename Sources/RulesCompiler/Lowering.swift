// Lowering: a checked playbook (no errors) into the immutable Program the
// engine runs. Names become plain strings (already resolved), constant
// durations become milliseconds, priorities and dial modes their canonical
// form. Anything the checker rejected cannot reach here, so lowering only
// reads facts the checker established; a declaration it cannot read
// (impossible after a clean check) is left out rather than guessed.

import RulesLanguage

extension Checker {
    func lower() -> Program {
        var categories: [ScoreCategory] = [], tiers: [TierDefinition] = [], routes: [RouteDefinition] = []
        var triggers: [TriggerDefinition] = [], cadences: [CadenceDefinition] = []
        var quarantines: [QuarantineDefinition] = []
        var dispositions: [String: DispositionDefinition] = [:]
        for (decl, file) in allDecls {
            let ref = SourceRef(file: file, range: decl.range)
            switch decl {
            case .score(let d): lowerScore(d, ref).map { categories.append($0) }
            case .tier(let d): lowerTier(d, ref).map { tiers.append($0) }
            case .route(let d): lowerRoute(d, ref).map { routes.append($0) }
            case .trigger(let d): triggers.append(lowerTrigger(d, cadence: nil, file))
            case .cadence(let d): lowerCadence(d, ref).map { cadences.append($0) }
            case .quarantine(let d): lowerQuarantine(d, ref).map { quarantines.append($0) }
            case .disposition(let d):
                dispositions[d.code.name] = DispositionDefinition(
                    code: d.code.name, label: d.label.value, actions: d.actions.map { lowerAction($0, file) }, source: ref)
            default: break
            }
        }
        return Program(
            files: files, events: lowerEvents(), fields: lowerFields(), lists: lowerLists(), tables: lowerTables(),
            queues: symbols.queues.reduce(into: [:]) { out, q in
                out[q.key] = QueueDefinition(name: q.key, description: q.value.description, implicit: q.value.implicit,
                                             source: q.value.ref)
            },
            templates: symbols.templates.mapValues { t in
                TemplateDefinition(name: t.node.name.name, channel: t.node.channel, description: t.node.description?.value,
                                   source: t.ref)
            },
            categories: categories, tiers: tiers, routes: routes, triggers: triggers, cadences: cadences,
            dispositions: dispositions, callingHours: lowerCallingHours(), businessDays: lowerBusinessDays(),
            holidaysPath: symbols.holidays?.node.path.value, quarantines: quarantines,
            types: types, names: names, sources: SourceTable(files: files, nodeCount: nodeCount))
    }

    private func lowerEvents() -> [String: EventDefinition] {
        symbols.events.mapValues { d in
            let params = (symbols.eventParams[d.node.name.name] ?? []).map { EventDefinition.Param(name: $0.name, type: $0.type) }
            return EventDefinition(name: d.node.name.name, params: params, source: d.ref)
        }
    }

    private func lowerFields() -> [String: FieldDefinition] {
        var fields: [String: FieldDefinition] = [:]
        for (name, symbol) in symbols.values {
            switch symbol {
            case .captureField(let type):
                // Any capture field may be missing from a lead_created event.
                fields[name] = FieldDefinition(name: name, type: DeclaredType(type, optional: true), source: nil)
            case .field(let d, let type):
                fields[name] = FieldDefinition(name: name, type: type, source: d.ref)
            default:
                continue
            }
        }
        return fields
    }

    private func lowerLists() -> [String: ListDefinition] {
        var lists: [String: ListDefinition] = [:]
        for case .list(let d, let item) in symbols.values.values {
            lists[d.node.name.name] = ListDefinition(name: d.node.name.name, itemType: item,
                                                     values: d.node.items.compactMap(literalValue), source: d.ref)
        }
        return lists
    }

    private func lowerTables() -> [String: TableDefinition] {
        var tables: [String: TableDefinition] = [:]
        for case .table(let d, let valueType) in symbols.values.values {
            let rows = d.node.rows.compactMap { row -> TableDefinition.Row? in
                guard let key = literalValue(row.key), let value = literalValue(row.value) else { return nil }
                return TableDefinition.Row(key: key, value: value)
            }
            tables[d.node.name.name] = TableDefinition(
                name: d.node.name.name, keyField: d.node.key.name, valueType: valueType, rows: rows,
                defaultValue: d.node.defaultValue.flatMap(literalValue), source: d.ref)
        }
        return tables
    }

    private func lowerScore(_ d: ScoreDecl, _ ref: SourceRef) -> ScoreCategory? {
        guard case .number(let max)? = literalValue(d.max) else { return nil }
        let rows = d.rows.map { row -> ScoreCategory.Row in
            let points: ScoreCategory.Points
            if case .number(let n)? = literalValue(row.points) {
                points = .constant(n)
            } else if case .table(let t)? = names[row.points.id] {
                points = .table(t)
            } else {
                points = .expression(row.points)
            }
            return ScoreCategory.Row(condition: row.condition, points: points,
                                     source: SourceRef(file: ref.file, range: row.range))
        }
        return ScoreCategory(name: d.name.name, max: max, rows: rows, source: ref)
    }

    private func lowerTier(_ d: TierDecl, _ ref: SourceRef) -> TierDefinition? {
        switch d.action {
        case .callWithin(let sla):
            guard let ms = constantDuration(sla) else { return nil }
            return TierDefinition(name: d.name.name, condition: d.condition, action: .call(slaMilliseconds: ms), source: ref)
        case .nurture(let cadence):
            return TierDefinition(name: d.name.name, condition: d.condition, action: .nurture(cadence: cadence?.name),
                                  source: ref)
        }
    }

    private func lowerRoute(_ d: RouteDecl, _ ref: SourceRef) -> RouteDefinition? {
        var queue: String?, priority: Identifier?, dialMode: String?
        for statement in d.statements {
            switch statement.kind {
            case .assign(let q): queue = queue ?? q.name
            case .priority(let p): priority = priority ?? p
            case .dialMode(let m): dialMode = dialMode ?? Builtins.dialModes.first { $0.caseInsensitiveEquals(m.name) }
            }
        }
        guard let queue else { return nil }
        return RouteDefinition(condition: d.condition, queue: queue, priority: priority.flatMap { Builtins.priority($0.name) },
                               priorityName: priority?.name, dialMode: dialMode,
                               source: SourceRef(file: ref.file, range: d.header))
    }

    private func lowerTrigger(_ d: TriggerDecl, cadence: String?, _ file: SourceFile) -> TriggerDefinition {
        TriggerDefinition(event: d.event.name, condition: d.condition, actions: d.actions.map { lowerAction($0, file) },
                          cadence: cadence, source: SourceRef(file: file, range: d.header))
    }

    private func lowerAction(_ action: Action, _ file: SourceFile) -> ActionDefinition {
        var priority: Priority?
        if case .callback(_, _, let p?) = action.kind { priority = Builtins.priority(p.name) }
        return ActionDefinition(action: action, priority: priority, source: SourceRef(file: file, range: action.range))
    }

    private func lowerCadence(_ d: CadenceDecl, _ ref: SourceRef) -> CadenceDefinition? {
        guard let days = cadenceDays(d) else { return nil }
        var calls: [CadenceDefinition.Calls] = [], sequences: [CadenceDefinition.Sequence] = []
        var triggers: [TriggerDefinition] = [], exits: [Expr] = []
        var callSources: [SourceRef] = [], sequenceSources: [SourceRef] = []
        var callEvery: CalendarSpan?
        for statement in d.statements {
            let line = SourceRef(file: ref.file, range: statement.range)
            switch statement.kind {
            case .callsPerWeek(let low, let high):
                if let range = callsPerWeek(low, high) {
                    calls.append(.perWeek(min: range.lowerBound, max: range.upperBound))
                    callSources.append(line)
                }
            case .callEvery(let every):
                if let ms = constantDuration(every) {
                    calls.append(.every(milliseconds: ms))
                    callSources.append(line)
                    callEvery = callEvery ?? CalendarSpan(constant: every)
                }
            case .email(let templates, let every):
                if let ms = constantDuration(every) {
                    sequences.append(.init(channel: .email, templates: templates.map(\.name), everyMilliseconds: ms,
                                           every: CalendarSpan(constant: every)))
                    sequenceSources.append(line)
                }
            case .sms(let template, let every):
                if let ms = constantDuration(every) {
                    sequences.append(.init(channel: .sms, templates: [template.name], everyMilliseconds: ms,
                                           every: CalendarSpan(constant: every)))
                    sequenceSources.append(line)
                }
            case .trigger(let t): triggers.append(lowerTrigger(t, cadence: d.name.name, ref.file))
            case .exit(let condition): exits.append(condition)
            }
        }
        return CadenceDefinition(name: d.name.name, firstDay: days.lowerBound, lastDay: days.upperBound,
                                 condition: d.condition, calls: calls, sequences: sequences,
                                 callSources: callSources, sequenceSources: sequenceSources, triggers: triggers,
                                 exitConditions: exits, source: SourceRef(file: ref.file, range: d.header),
                                 callEvery: callEvery)
    }

    private func lowerQuarantine(_ d: QuarantineDecl, _ ref: SourceRef) -> QuarantineDefinition? {
        guard let hold = constantDuration(d.hold) else { return nil }
        var releases: [Expr] = [], emails: [QuarantineDefinition.EmailNurture] = [], graduate: [String] = []
        var spans: [QuarantineDefinition.EmailSpans] = []
        for statement in d.statements {
            switch statement.kind {
            case .release(let condition): releases.append(condition)
            case .email(let templates, let every, let duration):
                guard let ms = constantDuration(duration) else { continue }
                emails.append(.init(templates: templates.map(\.name), everyMilliseconds: every.flatMap(constantDuration),
                                    forMilliseconds: ms))
                spans.append(.init(every: every.flatMap(CalendarSpan.init(constant:)),
                                   period: CalendarSpan(constant: duration)))
            case .graduate(let events): graduate += events.map(\.name)
            }
        }
        return QuarantineDefinition(name: d.name?.name, condition: d.condition, holdMilliseconds: hold,
                                    releaseConditions: releases, emailNurture: emails, graduateOn: graduate,
                                    source: SourceRef(file: ref.file, range: d.header),
                                    hold: CalendarSpan(constant: d.hold), emailSpans: spans)
    }

    private func lowerCallingHours() -> CallingHours? {
        guard let d = symbols.callingHours else { return nil }
        var windows: [Weekday: [Range<Int>]] = [:]
        for window in d.node.windows {
            guard let days = weekdays(window.days), case .time(let start) = window.start.kind,
                  case .time(let end) = window.end.kind, start < end else { continue }
            for day in days { windows[day, default: []].append(start..<end) }
        }
        return CallingHours(windows: windows.mapValues { $0.sorted { $0.lowerBound < $1.lowerBound } }, source: d.ref)
    }

    /// The declared business days; Monday to Friday when none are declared.
    private func lowerBusinessDays() -> Set<Weekday> {
        guard let d = symbols.businessDays else { return [.monday, .tuesday, .wednesday, .thursday, .friday] }
        return Set(d.node.days.flatMap { weekdays($0) ?? [] })
    }

    /// The weekdays of a span already checked (nil if it was invalid).
    private func weekdays(_ span: DaySpan) -> [Weekday]? {
        guard let a = Builtins.days.firstIndex(of: span.first.name.uppercased()) else { return nil }
        let b = span.last.map { Builtins.days.firstIndex(of: $0.name.uppercased()) } ?? a
        guard let b, a <= b else { return nil }
        return (a...b).compactMap(Weekday.init(rawValue:))
    }
}
