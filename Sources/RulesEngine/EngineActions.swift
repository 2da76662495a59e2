// Step 4: triggers, cadence triggers and dispositions, and what their
// actions do (docs/LANGUAGE.md §8). Actions draft tasks and change the
// state; the guards (EngineGuards.swift) decide afterwards which drafts are
// issued and when.

import RulesCompiler
import RulesLanguage

extension Step {
    /// Every ON for the event whose WHERE holds, in file order; then the ON
    /// lines of the lead's cadence; then, for a call outcome, its DISPOSITION.
    mutating func runTriggers(_ event: Event, _ facts: LeadFacts, _ e: Evaluation) {
        let cadenceName = state.cadence
        for t in compiled.triggers where t.definition.event == event.type {
            fire(t, facts, e, context: "ON \(event.type)")
        }
        if let cadenceName, let c = cadence(named: cadenceName) {
            for t in c.triggers where t.definition.event == event.type {
                fire(t, facts, e, context: "cadence \(cadenceName): ON \(event.type)")
            }
        }
        if event.type == BuiltinEvent.callOutcome { runDisposition(event, facts, e) }
    }

    private mutating func fire(_ t: CompiledTrigger, _ facts: LeadFacts, _ e: Evaluation, context: String) {
        if let condition = t.condition {
            let truth = condition.truth(facts, e)
            guard truth == .holds else {
                let outcome = truth == .unknown ? "is unknown (a value is missing)" : "does not hold"
                explain(t.definition.source, "\(context) WHERE \(condition.text) \(outcome)")
                return
            }
        }
        run(t.actions, context: context, facts, e)
    }

    private mutating func runDisposition(_ event: Event, _ facts: LeadFacts, _ e: Evaluation) {
        guard case .string(let code)? = event.data["code"] else {
            explain(nil, "call_outcome without a code: no disposition")
            return
        }
        guard let d = compiled.dispositions[code] else {
            explain(nil, "call outcome code '\(code)' is not a declared DISPOSITION: no action")
            return
        }
        run(d.actions, context: "disposition \(code) \"\(d.definition.label)\"", facts, e)
    }

    /// One action list. A list that runs after another closed the lead in
    /// this step does nothing; within the list that closes it, every action runs.
    mutating func run(_ actions: [CompiledAction], context: String, _ facts: LeadFacts, _ e: Evaluation) {
        let origin = newOrigin()
        guard state.status != .closed else {
            explain(actions.first?.definition.source.description, "\(context): lead already closed, skipped")
            return
        }
        for a in actions { perform(a, origin: origin, context: context, facts, e) }
    }

    private mutating func perform(_ a: CompiledAction, origin: Int, context: String, _ facts: LeadFacts,
                                  _ e: Evaluation) {
        let rule = a.definition.source
        let tag = String(rule.range.start)
        switch a.definition.action.kind {
        case .callback(let timing, let queue, let priority):
            callback(a, timing, queue: queue?.name, priority: priority?.name, origin: origin, context: context, facts, e)
        case .retry(let timing):
            retry(a, timing, origin: origin, context: context, facts, e)
        case .email(let templates, _, let timing):
            email(a, templates.map(\.name), timing, origin: origin, context: context, facts, e)
        case .sms(let template, let timing):
            guard let due = due(timing, a, facts, e) else { return }
            addMessage(.sms, template: template.name, due: due, rule: rule, discriminator: tag, origin: origin,
                       reason: "\(context): SMS \(template.name)")
        case .handoff(let team, _):
            var deadline: Int64?
            if case .duration(let d)? = a.within?.value(facts, e) { deadline = Instant.add(now, max(0, d)) }
            let within = deadline.map { " within \(Format.duration($0 - now))" } ?? ""
            add(.handoff, queue: team.name, due: now, deadline: deadline, rule: rule, discriminator: tag,
                origin: origin, reason: "\(context): HANDOFF TO \(team.name)\(within)")
        case .close(let reason):
            close(reason?.value, origin: origin, rule: rule, context: context)
        case .convert:
            convert(rule: rule, context: context)
        case .block(let channel, let reason):
            block(channel, a, reason: reason?.value, origin: origin, context: context, facts, e)
        case .nurture(let named):
            nurture(named?.name, rule: rule, context: context, facts, e)
        case .removeFromQueue:
            state.removedFromQueue = true
            cancelPending([.dial], reason: "removed from queue")
            explain(rule, "\(context): removed from the queue, no dial until the lead's data is captured again")
        case .flag(let name):
            state.flags.insert(name.name)
            explain(rule, "\(context): flagged \(name.name)")
        case .escalate(let tier):
            escalate(to: tier.name, rule: rule, context: context, e)
        case .release:
            release(rule: rule, context: context)
        }
    }

    // MARK: - Dials

    private mutating func callback(_ a: CompiledAction, _ timing: Timing, queue: String?, priority: String?,
                                   origin: Int, context: String, _ facts: LeadFacts, _ e: Evaluation) {
        let rule = a.definition.source
        guard let due = due(timing, a, facts, e) else { return }
        let route = routeTarget(e)
        var target: DialTarget
        if let queue {
            target = DialTarget(queue: queue, priority: route?.priority,
                                dialMode: route?.queue == queue ? route?.dialMode : nil)
        } else if let route {
            target = route
        } else {
            explain(rule, "\(context): CALLBACK without TO and no route matches: no dial")
            return
        }
        if let priority { target.priority = priority.uppercased() }
        var deadline: Int64?
        if case .within(let ms)? = a.definition.priority { deadline = Instant.add(due, ms) }
        addDial(target, due: due, deadline: deadline, rule: rule, discriminator: String(rule.range.start),
                origin: origin, reason: "\(context): CALLBACK \(timingText(timing, a, due: due))")
    }

    private mutating func retry(_ a: CompiledAction, _ timing: Timing?, origin: Int, context: String,
                                _ facts: LeadFacts, _ e: Evaluation) {
        let rule = a.definition.source
        let due: Int64, how: String
        if let timing {
            guard let at = self.due(timing, a, facts, e) else { return }
            (due, how) = (at, timingText(timing, a, due: at))
        } else {
            let (spacing, basis) = cadenceSpacing(facts, e)
            (due, how) = (later(by: spacing, than: now), "PER CADENCE (\(basis))")
        }
        guard let target = state.lastDial ?? routeTarget(e) else {
            explain(rule, "\(context): RETRY with no earlier dial and no route: no dial")
            return
        }
        addDial(target, due: due, deadline: nil, rule: rule, discriminator: String(rule.range.start), origin: origin,
                reason: "\(context): RETRY \(how), attempt \(state.attempts + 1)")
    }

    /// The spacing of the next call of the lead's cadence, in its local
    /// days (docs/LOCAL-TIME.md): a week of 7 local days divided by the most
    /// calls it allows (`CALL 2-3 PER WEEK`: 2 local days and 8 h), or its
    /// `CALL EVERY` as written. Without a cadence, one local day.
    func cadenceSpacing(_ facts: LeadFacts, _ e: Evaluation) -> (CalendarSpan, String) {
        guard let c = state.cadence.flatMap(cadence(named:)) ?? windowCadence(facts, e),
              let calls = c.definition.calls.first else {
            return (CalendarSpan(days: 1, milliseconds: 0), "no cadence call slot: 1d")
        }
        switch calls {
        case .perWeek(_, let most):
            return (CalendarSpan(days: 7, milliseconds: 0).portion(1, of: Int64(max(1, most))),
                    "cadence \(c.definition.name): \(most) calls per week")
        case .every(let ms):
            return (c.definition.callEvery ?? CalendarSpan(exact: ms),
                    "cadence \(c.definition.name): every \(Format.duration(ms))")
        }
    }

    /// `time` moved by a span in the lead's zone: its local days at the
    /// same wall-clock time, then its exact part (CallingCalendar.adding).
    func later(by span: CalendarSpan, than time: Int64) -> Int64 {
        CallingCalendar.adding(span, to: time, in: engine.zone(of: state))
    }

    func routeTarget(_ e: Evaluation) -> DialTarget? {
        e.routeIndex.map { DialTarget(route: compiled.routes[$0].definition) }
    }

    // MARK: - Messages

    private mutating func email(_ a: CompiledAction, _ templates: [String], _ timing: Timing?, origin: Int,
                                context: String, _ facts: LeadFacts, _ e: Evaluation) {
        let rule = a.definition.source
        var start = now
        if let timing {
            guard let due = due(timing, a, facts, e) else { return }
            start = due
        }
        var every: Int64 = 0
        if a.every != nil {
            guard case .duration(let d)? = a.every?.value(facts, e), d >= 0 else {
                explain(rule, "\(context): EMAIL EVERY has no value: the sequence is not sent")
                return
            }
            every = d
        }
        let span = a.definition.emailEvery.flatMap { $0.hasDays ? $0 : nil }
        for (i, template) in templates.enumerated() {
            let step = templates.count > 1 ? " (\(i + 1) of \(templates.count))" : ""
            // `EVERY 3d` keeps the first email's wall-clock time (LocalDay.swift).
            let due = span.map { CallingCalendar.adding($0.times(Int64(i)), to: start, in: engine.zone(of: state)) }
                ?? Instant.add(start, Instant.times(every, Int64(i)))
            addMessage(.email, template: template, due: due, rule: rule,
                       discriminator: String(rule.range.start), origin: origin,
                       reason: "\(context): EMAIL \(template)\(step)")
        }
    }

    /// The due time of a timing; nil (and a line of explanation) when its
    /// value is missing, such as a C01 outcome sent without `callback_at`.
    mutating func due(_ timing: Timing?, _ a: CompiledAction, _ facts: LeadFacts, _ e: Evaluation) -> Int64? {
        guard let timing else { return now }
        switch timing.kind {
        case .now, .nextAvailable:
            return now
        case .after:
            // `IN 7d` counts local days at the lead's wall-clock time; a
            // delay that is not a constant is exact elapsed time.
            if let span = a.definition.delay, span.hasDays, span.nominalMilliseconds >= 0 {
                return CallingCalendar.adding(span, to: now, in: engine.zone(of: state))
            }
            if case .duration(let d)? = a.timing?.value(facts, e) { return Instant.add(now, max(0, d)) }
            explain(a.definition.source, "IN has no value (a value it needs is missing): no task")
        case .at:
            if case .time(let t)? = a.timing?.value(facts, e) {
                // `AT t + 7d`: the constant days are local days from `t`,
                // whose value is the sum less the span's nominal length.
                guard let span = a.definition.atOffset else { return t }
                return later(by: span, than: t &- span.nominalMilliseconds)
            }
            explain(a.definition.source, "AT has no value (a value it needs is missing): no task")
        case .nextBusinessDay:
            if let t = engine.calendar.nextBusinessDayOpening(after: now, in: engine.zone(of: state),
                                                              country: engine.country(of: state)) { return t }
            explain(a.definition.source, "no business day with calling hours in the next two months: no task")
        }
        return nil
    }

    /// A timing as the reasons print it; `IN 7d` says it counted local
    /// days when the elapsed time differs (a DST change in between).
    private func timingText(_ timing: Timing, _ a: CompiledAction, due: Int64) -> String {
        guard case .after = timing.kind, let span = a.definition.delay, span.hasDays,
              due - now != span.nominalMilliseconds else { return Format.timing(timing, due: due, now: now) }
        return "IN \(span) (local days across a DST change: \(Format.duration(due - now)) elapsed)"
    }

    // MARK: - Drafting

    mutating func addDial(_ target: DialTarget, due: Int64, deadline: Int64?, rule: SourceRef, discriminator: String,
                          origin: Int, reason: String, role: PendingTask.Role? = nil) {
        let task = LeadTask(id: "", leadID: state.id, kind: .dial, queue: target.queue, priority: target.priority,
                            dialMode: target.dialMode, attempt: state.attempts + 1, due: due, deadline: deadline,
                            rule: rule.description, reason: reason)
        drafts.append(DraftTask(task: task, origin: origin, discriminator: discriminator, role: role))
    }

    mutating func addMessage(_ kind: TaskKind, template: String, due: Int64, rule: SourceRef, discriminator: String,
                             origin: Int, reason: String, role: PendingTask.Role? = nil) {
        let task = LeadTask(id: "", leadID: state.id, kind: kind, template: template, due: due,
                            rule: rule.description, reason: reason)
        drafts.append(DraftTask(task: task, origin: origin, discriminator: discriminator, role: role))
    }

    mutating func add(_ kind: TaskKind, queue: String? = nil, channel: String? = nil, due: Int64,
                      deadline: Int64? = nil, rule: SourceRef, discriminator: String, origin: Int, reason: String) {
        let task = LeadTask(id: "", leadID: state.id, kind: kind, queue: queue, due: due, deadline: deadline,
                            rule: rule.description, reason: reason, channel: channel)
        drafts.append(DraftTask(task: task, origin: origin, discriminator: discriminator))
    }
}
