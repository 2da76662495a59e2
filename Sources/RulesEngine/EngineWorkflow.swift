// Where a lead is in the workflow: its tier (and the dial a CALL WITHIN
// tier brings), nurture and the cadence of its age, and the affiliate
// quarantine with its hold, email-only nurture and graduation.

import Foundation
import RulesCompiler
import RulesLanguage

extension Step {
    // MARK: - Tier

    /// Step 3: the lead enters the tier its evaluation gives. Entering a
    /// `CALL WITHIN` tier from a colder one (or first) brings a dial due now
    /// with the tier's deadline, through the lead's route; entering a
    /// `NURTURE` tier moves an open lead to nurture. `force` enters the
    /// current tier again (end of a quarantine): its dial is issued even
    /// though the tier has not changed.
    mutating func enterTier(_ facts: LeadFacts, _ e: Evaluation, force: Bool) {
        guard state.status == .open || state.status == .nurturing else { return }
        let old = state.tier.flatMap(tierIndex(named:))
        guard let index = e.tierIndex else {
            state.tier = nil
            explain(nil, "no tier holds for score \(Format.number(e.score)): no dial")
            return
        }
        let tier = compiled.tiers[index]
        state.tier = tier.name
        guard force || index != old else { return }
        let rule = tier.definition.source
        switch tier.definition.action {
        case .call(let sla):
            if state.status == .nurturing {
                state.status = .open
                state.cadence = nil
                explain(rule, "tier \(tier.name) calls: the lead leaves nurture")
            }
            if !force, let old, index > old {
                let oldName = compiled.tiers[old].name
                explain(rule, "tier \(tier.name) is colder than \(oldName): no new dial")
                return
            }
            tierDial(tier, sla: sla, e)
        case .nurture(let named):
            if state.status == .open {
                state.status = .nurturing
                state.cadence = named ?? windowCadence(facts, e)?.definition.name
            }
            let cadence = state.cadence.map { ", cadence \($0)" } ?? ""
            explain(rule, "tier \(tier.name): nurture, no call\(cadence)")
        }
    }

    /// The speed-to-lead dial of a CALL WITHIN tier, through the route.
    private mutating func tierDial(_ tier: CompiledTier, sla: Int64, _ e: Evaluation) {
        let rule = tier.definition.source
        guard let r = e.routeIndex else {
            explain(rule, "tier \(tier.name) calls, but no route matches: no dial")
            return
        }
        let route = compiled.routes[r].definition
        let target = DialTarget(route: route)
        guard target.dials else {
            explain(route.source, "route \(route.queue) has DIAL_MODE none: no dial")
            return
        }
        let reason = "\(tier.name) lead: call within \(Format.duration(sla)) (route \(route.source))"
        addDial(target, due: now, deadline: Instant.add(now, sla), rule: rule, discriminator: Self.tierDiscriminator,
                origin: newOrigin(), reason: reason, role: .tierDial)
    }

    /// Marks the tier's speed-to-lead dial among the drafts.
    static let tierDiscriminator = "tier"

    /// A tier dial issued in this step supersedes the tier dial of an
    /// earlier step still waiting to be delivered (a warm dial moved to the
    /// next calling window when the lead turns hot): that one is withdrawn,
    /// so one lead never has two speed-to-lead dials queued.
    mutating func supersedePendingTierDials(_ issued: [(draft: DraftTask, task: LeadTask)]) {
        guard let new = issued.first(where: { $0.draft.role == .tierDial && $0.task.kind == .dial })?.task else { return }
        for old in state.pendingTasks where old.role == .tierDial && old.kind == .dial {
            timers.append(.cancelTask(id: old.id, reason: "superseded by \(new.id)"))
            explain(new.rule, "pending dial \(old.id) due \(Format.instant(old.due)) withdrawn: "
                    + "superseded by the dial due \(Format.instant(new.due))")
        }
        state.pendingTasks.removeAll { $0.role == .tierDial && $0.kind == .dial }
    }

    func tierIndex(named name: String) -> Int? { compiled.tiers.firstIndex { $0.name == name } }

    // MARK: - Cadence

    /// The lead's day of life: 1 for its first 24 hours (docs/LANGUAGE.md, CADENCE).
    func leadDay() -> Int? {
        guard case .time(let registered)? = state.fields["registered_at"] else { return nil }
        let age = Instant.subtract(now, registered)
        return age < 0 ? 1 : Int(age / 86_400_000) + 1
    }

    /// The cadence of the lead's age window whose WHEN holds. A cadence
    /// whose EXIT WHEN already holds is not entered: the lead would leave it
    /// at the next input, and its first message would go out each time.
    func windowCadence(_ facts: LeadFacts, _ e: Evaluation) -> CompiledCadence? {
        guard let day = leadDay() else { return nil }
        return compiled.cadences.first { c in
            c.definition.firstDay <= day && day <= c.definition.lastDay
                && (c.condition?.truth(facts, e) ?? .holds) == .holds
                && !c.exitConditions.contains { $0.truth(facts, e) == .holds }
        }
    }

    func cadence(named name: String) -> CompiledCadence? { compiled.cadences.first { $0.definition.name == name } }

    /// A nurturing lead follows its age: EXIT WHEN or the end of the window
    /// takes it out of its cadence, and the window it is in takes it in.
    mutating func updateCadence(_ facts: LeadFacts, _ e: Evaluation) {
        guard state.status == .nurturing else { return }
        if let name = state.cadence, let c = cadence(named: name) {
            let day = leadDay()
            if let exit = c.exitConditions.first(where: { $0.truth(facts, e) == .holds }) {
                explain(c.definition.source, "leaves cadence \(name): EXIT WHEN \(exit.text)")
            } else if let day, (c.definition.firstDay...c.definition.lastDay).contains(day) {
                return
            } else {
                explain(c.definition.source, "leaves cadence \(name): its DAYS window is over")
            }
            state.cadence = nil
        }
        if let next = windowCadence(facts, e) {
            state.cadence = next.definition.name
            explain(next.definition.source, "enters cadence \(next.definition.name)")
        }
    }

    // MARK: - Quarantine

    /// The first quarantine whose condition holds for a new lead.
    func quarantineHolding(_ facts: LeadFacts, _ e: Evaluation) -> Int? {
        compiled.quarantines.firstIndex { $0.condition.truth(facts, e) == .holds }
    }

    mutating func enterQuarantine(_ index: Int, _ e: Evaluation) {
        let q = compiled.quarantines[index].definition
        // `FOR 1d` ends at the same wall-clock time the next local day.
        let until = later(by: q.hold ?? CalendarSpan(exact: q.holdMilliseconds), than: now)
        state.status = .quarantined
        state.quarantine = QuarantineState(index: index, name: q.name, phase: .holding, heldUntil: until)
        state.tier = e.tierIndex.map { compiled.tiers[$0].name }
        setTimer(TimerPurpose.quarantineEnd, due: until)
        explain(q.source, "quarantined\(q.name.map { " (\($0))" } ?? "") for \(Format.duration(q.holdMilliseconds)): "
                + "no dial or SMS until \(Format.instant(until))")
    }

    /// The hold is over: released to the normal workflow when a RELEASE WHEN
    /// holds, otherwise into the email-only nurture.
    mutating func endHold(_ timer: TimerFiring) throws(FactsError) {
        guard var q = state.quarantine, q.phase == .holding, q.heldUntil == timer.due else {
            explain(nil, "quarantine timer no longer current: ignored")
            return
        }
        let (facts, e) = try evaluate(nil)
        summarize(e, explain: true)
        guard q.index < compiled.quarantines.count else {
            // The rules in force no longer have it (a reload the lead was not re-evaluated under yet).
            q.phase = .released
            explain(nil, "hold over: the quarantine is no longer in the rules, normal calling")
            state.quarantine = q
            state.status = .open
            enterTier(facts, e, force: true)
            return
        }
        let compiledQ = compiled.quarantines[q.index]
        let definition = compiledQ.definition
        if let release = compiledQ.releaseConditions.first(where: { $0.truth(facts, e) == .holds }) {
            q.phase = .released
            explain(definition.source, "hold over: RELEASE WHEN \(release.text) holds, normal calling")
        } else if compiledQ.releaseConditions.isEmpty || definition.emailNurture.isEmpty {
            q.phase = compiledQ.releaseConditions.isEmpty ? .released : .completed
            explain(definition.source, "hold over: normal workflow")
        } else {
            startEmailOnly(&q, definition)
            state.quarantine = q
            return
        }
        state.quarantine = q
        state.status = .open
        enterTier(facts, e, force: true)
    }

    private mutating func startEmailOnly(_ q: inout QuarantineState, _ definition: QuarantineDefinition) {
        let lines = emailNurtureLines(definition)
        let (until, length) = lines.map { (later(by: $0.period, than: now), $0.period) }.max { $0.0 < $1.0 } ?? (now, .zero)
        q.phase = .emailOnly
        q.emailOnlyUntil = until
        explain(definition.source, "hold over, not released: email only for \(Format.span(length)), "
                + "graduates on \(definition.graduateOn.joined(separator: ", "))")
        let origin = newOrigin()
        for line in lines {
            let end = later(by: line.period, than: now)
            let count = Int64(max(1, line.templates.count))
            for (i, template) in line.templates.enumerated() {
                // The i-th email: i × EVERY, else i/n of FOR, in local days as written.
                let due = later(by: line.every.map { $0.times(Int64(i)) } ?? line.period.portion(Int64(i), of: count),
                                than: now)
                guard i == 0 || due < end else { break }
                addMessage(.email, template: template, due: due, rule: definition.source,
                           discriminator: "quarantine", origin: origin,
                           reason: "quarantine email-only nurture (\(i + 1) of \(line.templates.count))")
            }
        }
        setTimer(TimerPurpose.quarantineNurtureEnd, due: until)
    }

    /// The quarantine's `EMAIL` lines with their `EVERY` and `FOR` as
    /// written (exact milliseconds for a program lowered without them).
    private func emailNurtureLines(_ d: QuarantineDefinition)
        -> [(templates: [String], every: CalendarSpan?, period: CalendarSpan)] {
        d.emailNurture.enumerated().map { i, nurture in
            let spans = i < d.emailSpans.count ? d.emailSpans[i] : nil
            return (nurture.templates, spans?.every ?? nurture.everyMilliseconds.map(CalendarSpan.init(exact:)),
                    spans?.period ?? CalendarSpan(exact: nurture.forMilliseconds))
        }
    }

    /// The email-only nurture ran its course without graduation: the lead
    /// goes to the normal workflow for its score.
    mutating func endEmailOnly(_ timer: TimerFiring) throws(FactsError) {
        guard var q = state.quarantine, q.phase == .emailOnly, q.emailOnlyUntil == timer.due else {
            explain(nil, "quarantine nurture timer no longer current: ignored")
            return
        }
        q.phase = .completed
        state.quarantine = q
        state.status = .open
        explain(q.index < compiled.quarantines.count ? compiled.quarantines[q.index].definition.source.description : nil,
                "email-only nurture over: normal workflow")
        let (facts, e) = try evaluate(nil)
        summarize(e, explain: true)
        enterTier(facts, e, force: true)
    }

    /// True when `event` is a GRADUATE ON event of the lead's email-only nurture.
    func graduates(on event: String) -> Bool {
        guard let q = state.quarantine, q.phase == .emailOnly, q.index < compiled.quarantines.count else { return false }
        return compiled.quarantines[q.index].definition.graduateOn.contains(event)
    }

    /// Engagement during the email-only nurture moves the lead to calling.
    /// A lead whose score still puts it in a NURTURE tier is escalated to
    /// the coldest tier that calls, so graduating does bring a call.
    mutating func graduate(_ event: String, _ e: Evaluation) {
        guard var q = state.quarantine, let until = q.emailOnlyUntil else { return }
        q.phase = .graduated
        state.quarantine = q
        state.status = .open
        timers.append(.cancel(id: timerID(TimerPurpose.quarantineNurtureEnd, due: until)))
        let definition = compiled.quarantines[q.index].definition
        explain(definition.source, "graduates on \(event): moves to calling")
        let calls = e.tierIndex.map { i in
            if case .call = compiled.tiers[i].definition.action { return true }
            return false
        } ?? false
        if !calls, let coldest = compiled.tiers.lastIndex(where: { if case .call = $0.definition.action { true } else { false } }) {
            let tier = compiled.tiers[coldest]
            state.escalatedTier = tier.name
            explain(tier.definition.source, "graduation: treated as \(tier.name)")
        }
    }

    // MARK: - Timers

    func timerID(_ purpose: String, due: Int64) -> String { "\(state.id)/\(purpose)/\(due)" }

    mutating func setTimer(_ purpose: String, due: Int64) {
        timers.append(.set(TimerFiring(id: timerID(purpose, due: due), leadID: state.id, purpose: purpose, due: due)))
    }
}

extension Format {
    /// A timing as the reasons print it, with the due time it gave.
    static func timing(_ timing: Timing, due: Int64, now: Int64) -> String {
        switch timing.kind {
        case .now: "NOW"
        case .after: "IN \(duration(due - now))"
        case .at: "AT \(instant(due))"
        case .nextAvailable: "NEXT AVAILABLE agent"
        case .nextBusinessDay: "NEXT BUSINESS DAY (\(instant(due)))"
        }
    }

    /// A span as written: `7d`, `1d + 2h`, `30m`.
    static func span(_ s: CalendarSpan) -> String {
        s.hasDays ? s.description : duration(s.milliseconds)
    }

    /// An instant as RFC 3339 UTC, for explanations.
    /// (Not ISO8601DateFormatter: making one per call was most of the
    /// cost of a simulated step.)
    static func instant(_ ms: Int64) -> String { Timestamp.format(ms) }
}
