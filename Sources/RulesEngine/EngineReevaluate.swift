// Re-evaluation: a reload put a new rules version in force, and every open
// lead is run again under it at the reload's time (docs/ENGINE.md,
// "Re-evaluation"). No input arrives, so no event is counted and no trigger
// fires; what can change is what the rules derive from the state:
//
// - the score, tier and route: a tier change acts as it would on an event
//   (a hotter CALL WITHIN tier brings its dial and withdraws a pending tier
//   dial; a NURTURE tier starts nurture; a calling tier ends it); a pending
//   tier dial whose route target changed is withdrawn and issued again in
//   the new route, keeping its due time and deadline;
// - the cadence: a schedule planned under another version of its cadence
//   (its `planKey` differs) is left — timers cancelled, pending cadence
//   tasks withdrawn — and planned again from where the lead is (its message
//   sequences resume where they were); a cadence the rules no longer have
//   is left and the lead goes to the cadence of its age;
// - names the new rules dropped: a tier the lead is in, a quarantine that
//   holds it (the hold ends, the lead enters its tier).
//
// Closed, converted and uncaptured leads are not touched. When nothing the
// lead depends on changed, the result has no task, no timer and the same
// state: a daemon runs this for every stored lead after each reload.

import RulesCompiler

extension Engine {
    /// Re-evaluates a lead under this engine's program at `now` (a reload put
    /// a new rules version in force): score, tier, route again; a tier or route
    /// change acts as it would on an event (the new tier's dial, a superseded
    /// pending tier dial withdrawn, cadence entered/left); a lead in a cadence
    /// has its cadence timers and pending cadence tasks re-planned from where
    /// it is (cancel + plan) when its cadence or the calendar changed.
    /// Closed/converted/uncaptured leads: no change. Same contract as `step`
    /// (timer requests before tasks; deterministic ids).
    public func reevaluate(_ state: LeadState, at now: Int64, context: StepContext = StepContext()) -> StepResult {
        guard state.captured, state.status != .closed, state.status != .converted else {
            var lines: [ExplanationLine] = []
            if context.explains {
                let why = state.captured ? "the lead is \(state.status.rawValue)" : "the lead is not captured yet"
                lines.append(ExplanationLine(rule: nil, text: "not re-evaluated under the new rules: \(why)"))
            }
            return StepResult(state: state, tasks: [], timers: [], explanation: lines)
        }
        var step = Step(engine: self, state: state, now: now, explains: context.explains)
        do throws(FactsError) {
            try step.reevaluate()
        } catch {
            var lines: [ExplanationLine] = []
            if context.explains {
                lines.append(ExplanationLine(rule: nil, text: "not re-evaluated under the new rules: \(error)"))
            }
            return StepResult(state: state, tasks: [], timers: [], explanation: lines)
        }
        var result = step.finish()
        result.timers = Self.netTimers(result.timers)
        return result
    }

    /// Drops a `.cancel` of a timer that the same result sets again: the
    /// re-plan of an unchanged slot keeps its timer (ids carry the due time).
    static func netTimers(_ timers: [TimerRequest]) -> [TimerRequest] {
        var cancelled: Set<String> = []
        var set: Set<String> = []
        for t in timers {
            switch t {
            case .cancel(let id): cancelled.insert(id)
            case .set(let firing): set.insert(firing.id)
            default: break
            }
        }
        let both = cancelled.intersection(set)
        guard !both.isEmpty else { return timers }
        return timers.filter { t in
            switch t {
            case .cancel(let id): !both.contains(id)
            case .set(let firing): !both.contains(firing.id)
            default: true
            }
        }
    }
}

extension Step {
    static let reevaluated = "re-evaluated under the new rules"

    /// The body of `Engine.reevaluate` (see the file comment).
    mutating func reevaluate() throws(FactsError) {
        forgetDelivered()
        forgetRemovedNames()
        let before = state.lastEvaluation
        let (facts, e) = try evaluate(nil)
        if !sameSummary(e, before) {
            summarize(e, explain: false)
            explainChanges(from: before, to: state.lastEvaluation)
        }
        if state.status == .quarantined {
            releaseFromRemovedQuarantine(facts, e)
            return
        }
        updateCadence(facts, e)
        replanChangedCadence()
        enterTier(facts, e, force: false)
        reissuePendingTierDial(e, oldRoute: before?.route)
    }

    /// Tiers and cadences the lead names that the new rules no longer have.
    private mutating func forgetRemovedNames() {
        if let tier = state.tier, tierIndex(named: tier) == nil {
            explain(nil, "\(Self.reevaluated): tier \(tier) is no longer defined")
            state.tier = nil
        }
        if let tier = state.escalatedTier, tierIndex(named: tier) == nil {
            explain(nil, "\(Self.reevaluated): escalation to \(tier) dropped, the tier is no longer defined")
            state.escalatedTier = nil
        }
        if let name = state.cadence, cadence(named: name) == nil {
            if let s = state.cadenceSchedule {
                leaveSchedule(s, why: "cadence \(name) is no longer in the rules")
                state.cadenceSchedule = nil
            }
            state.cadence = nil
            explain(nil, "\(Self.reevaluated): cadence \(name) is no longer in the rules, the lead leaves it")
        }
    }

    /// True when `e` says what `old` says: nothing to store or explain.
    private func sameSummary(_ e: Evaluation, _ old: EvaluationSummary?) -> Bool {
        guard let old, old.score == e.score || (old.score.isNaN && e.score.isNaN) else { return false }
        let layout = compiled.layout
        guard old.tier == e.tierIndex.map({ compiled.tiers[$0].name }),
              old.tierRule == e.tierIndex.map({ layout.tierRules[$0] }),
              old.route == e.routeIndex.map({ layout.routeTargets[$0] }),
              old.routeRule == e.routeIndex.map({ layout.routeRules[$0] }),
              old.points.count == compiled.categories.count else { return false }
        for (i, category) in compiled.categories.enumerated() {
            guard i < e.points.count, let p = old.points[category.name], p == e.points[i] else { return false }
        }
        return true
    }

    private func explainChanges(from old: EvaluationSummary?, to new: EvaluationSummary?) {
        guard explains, let new else { return }
        if old?.score != new.score {
            explain(nil, "\(Self.reevaluated): score \(old.map { Format.number($0.score) } ?? "none") → "
                    + "\(Format.number(new.score))")
        }
        if old?.tier != new.tier {
            explain(new.tierRule, "\(Self.reevaluated): tier \(old?.tier ?? "none") → \(new.tier ?? "none")")
        }
        if old?.route != new.route {
            explain(new.routeRule, "\(Self.reevaluated): route \(old?.route?.queue ?? "none") → "
                    + "\(new.route?.queue ?? "none")")
        }
    }

    /// A lead held by a quarantine the rules no longer have (by index and
    /// name) is released to its tier; one whose quarantine moved keeps it.
    private mutating func releaseFromRemovedQuarantine(_ facts: LeadFacts, _ e: Evaluation) {
        guard var q = state.quarantine, q.restrictsCalls else { return }
        if q.index < compiled.quarantines.count, compiled.quarantines[q.index].definition.name == q.name { return }
        if let name = q.name, let moved = compiled.quarantines.firstIndex(where: { $0.definition.name == name }) {
            q.index = moved
            state.quarantine = q
            return
        }
        cancelQuarantineTimer()
        q.phase = .released
        state.quarantine = q
        state.status = .open
        explain(nil, "\(Self.reevaluated): quarantine\(q.name.map { " \($0)" } ?? "") is no longer in the rules, "
                + "the lead is released")
        enterTier(facts, e, force: true)
    }

    /// A schedule planned under another version of its cadence (or of the
    /// calendar) is left and planned again by `planCadence` from where the
    /// lead is.
    private mutating func replanChangedCadence() {
        guard state.status == .nurturing, let s = state.cadenceSchedule, s.cadence == state.cadence,
              s.planKey != engine.planKeys.key(for: s.cadence) else { return }
        leaveSchedule(s, why: "\(Self.reevaluated), \(s.cadence.map { "cadence \($0)" } ?? "nurture") is planned again")
        state.cadenceSchedule = nil
    }

    /// A tier dial still pending whose route target changed is withdrawn
    /// (by `supersedePendingTierDials`) and issued in the new route, due and
    /// deadline kept; with no route, or `DIAL_MODE none`, it is withdrawn.
    private mutating func reissuePendingTierDial(_ e: Evaluation, oldRoute: DialTarget?) {
        let newRoute = routeTarget(e)
        guard newRoute != oldRoute, !drafts.contains(where: { $0.role == .tierDial }),
              let pending = state.pendingTasks.last(where: { $0.role == .tierDial && $0.kind == .dial }) else { return }
        let tier = state.tier.flatMap(tierIndex(named:)).map { compiled.tiers[$0] }
        guard let target = newRoute, target.dials, let tier else {
            withdrawPendingTierDials("\(Self.reevaluated): the lead's route does not dial")
            return
        }
        let reason = "\(tier.name) lead: dial moved to \(target.queue) (\(Self.reevaluated), "
            + "was \(oldRoute?.queue ?? "no route"))"
        addDial(target, due: max(now, pending.due), deadline: pending.deadline, rule: tier.definition.source,
                discriminator: "\(Self.tierDiscriminator)@\(now)", origin: newOrigin(), reason: reason, role: .tierDial)
    }

    private mutating func withdrawPendingTierDials(_ why: String) {
        for old in state.pendingTasks where old.role == .tierDial && old.kind == .dial {
            timers.append(.cancelTask(id: old.id, reason: why))
            explain(nil, "pending dial \(old.id) due \(Format.instant(old.due)) withdrawn: \(why)")
        }
        state.pendingTasks.removeAll { $0.role == .tierDial && $0.kind == .dial }
    }
}

/// Fingerprints of what a cadence's plan depends on — the cadence's window,
/// calls and message sequences, and the calendar (calling hours, business
/// days, holidays) — so a reload can tell which schedules it must re-plan.
/// FNV-1a over a canonical text: stable across processes (a store keeps the
/// key in `CadenceSchedule.planKey`).
struct CadencePlanKeys: Sendable {
    private let byCadence: [String: UInt64]
    /// The key of a schedule outside every window: the windows' first days.
    private let outside: UInt64

    init(program: Program, calendar: CallingCalendar) {
        let calendarText = Self.text(calendar)
        var keys: [String: UInt64] = [:]
        for c in program.cadences { keys[c.name] = FNV1a.hash([calendarText, Self.text(c)]) }
        byCadence = keys
        outside = FNV1a.hash(["outside"] + program.cadences.map { "\($0.firstDay)-\($0.lastDay)" })
    }

    func key(for cadence: String?) -> UInt64? {
        guard let cadence else { return outside }
        return byCadence[cadence]
    }

    private static func text(_ c: CadenceDefinition) -> String {
        var parts = ["\(c.name)", "\(c.firstDay)-\(c.lastDay)"]
        for call in c.calls {
            switch call {
            case .perWeek(let lo, let hi): parts.append("perWeek \(lo)-\(hi)")
            case .every(let ms): parts.append("every \(ms)")
            }
        }
        if let every = c.callEvery { parts.append("callEvery \(every.days)d\(every.milliseconds)") }
        for s in c.sequences {
            let every = s.every.map { "\($0.days)d\($0.milliseconds)" } ?? "-"
            parts.append("\(s.channel == .sms ? "sms" : "email") \(s.templates.joined(separator: ",")) "
                         + "\(s.everyMilliseconds) \(every)")
        }
        return parts.joined(separator: "|")
    }

    private static func text(_ calendar: CallingCalendar) -> String {
        var parts: [String] = []
        if let windows = calendar.windows {
            for day in Weekday.allCases {
                parts.append("\(day.rawValue):" + (windows[day] ?? []).map { "\($0.lowerBound)-\($0.upperBound)" }
                    .joined(separator: ","))
            }
        } else {
            parts.append("any time")
        }
        parts.append("business " + calendar.businessDays.map(\.rawValue).sorted().map(String.init).joined(separator: ","))
        parts.append("holidays " + calendar.holidays.everywhere.sorted().map(\.description).joined(separator: ","))
        for country in calendar.holidays.byCountry.keys.sorted() {
            let days = calendar.holidays.byCountry[country] ?? []
            parts.append("\(country) " + days.sorted().map(\.description).joined(separator: ","))
        }
        return parts.joined(separator: "|")
    }
}
