// Cadence call slots: where a cadence's calls go, and what a call timer
// does when it fires.
//
// Placement rule (docs/ENGINE.md, "Cadence scheduling"). Calls are counted
// in business days of the lead's local calendar (its BUSINESS DAYS minus
// the holidays of every country and of the lead's own country) from an
// anchor: the entry into the cadence, or the last dial a rule issued while
// the lead is in it (a RETRY or CALLBACK is that stretch's call). Slot k (k = 1, 2, …) goes
// on business day ⌈k × B / n⌉ after the anchor's local day for
// `CALL n PER WEEK` and `CALL lo-hi PER WEEK` (n = hi: the most the line
// allows), and ⌈k × B × d / 7 days⌉ for `CALL EVERY d`, where B is the
// number of BUSINESS DAYS in a week (5): n calls in every B business days,
// never two on one day (a slot lands at least one business day after the
// previous one). Within its day the slot takes a point of the day's
// calling windows by its index, so that consecutive calls reach the lead
// at different times of day rather than all at the opening: slot k sits at
// (2·((k−1) mod 3) + 1)/6 of the day's calling minutes (with MON-FRI
// 09:00-20:00: 10:50, 14:30, 18:10). A slot at or after the window's end is
// not planned.

import Foundation
import RulesCompiler

extension Step {
    /// True when the cadence may plan calls for the lead: a phone that can
    /// be dialled (the guards would drop the dial anyway; no timer is better).
    func cadenceMayCall() -> Bool {
        !state.phoneBlocked && state.duplicateOf == nil && !state.removedFromQueue
            && !engine.calendar.businessDays.isEmpty
    }

    /// Plans the next call slot when no call timer is pending, and cancels
    /// a pending one when the lead may no longer be called.
    mutating func planCalls(_ s: inout CadenceSchedule, _ c: CompiledCadence) {
        guard let calls = c.definition.calls.first else { return }
        guard cadenceMayCall() else {
            if let due = s.nextCall {
                dropTimer(timerID(TimerPurpose.cadenceCall, due: due))
                s.nextCall = nil
                explain(c.definition.source, "cadence \(c.definition.name): the lead may not be called, "
                        + "next call cancelled")
            }
            return
        }
        guard s.nextCall == nil, !s.callsDone else { return }
        guard let slot = nextSlot(s, calls) else {
            s.callsDone = true
            explain(callRule(c), "cadence \(c.definition.name): no further call slot before "
                    + "\(s.windowEnd.map(Format.instant) ?? "the window's end")")
            return
        }
        (s.callSlot, s.callOrdinal, s.callDay, s.nextCall) = (slot.slot, slot.ordinal, slot.due, slot.due)
        setTimer(TimerPurpose.cadenceCall, due: slot.due)
        explain(callRule(c), "cadence \(c.definition.name): call slot \(slot.slot) planned for "
                + "\(Format.instant(slot.due)) (business day \(slot.ordinal) after \(Format.instant(s.callAnchor)))")
    }

    /// The rule of the cadence's calls: its `CALL` line.
    func callRule(_ c: CompiledCadence) -> SourceRef {
        c.definition.callSources.first ?? c.definition.source
    }

    /// The slot after the one in `s`: its index, business-day ordinal and
    /// instant; nil when it would fall at or after the window's end.
    func nextSlot(_ s: CadenceSchedule, _ calls: CadenceDefinition.Calls) -> (slot: Int, ordinal: Int, due: Int64)? {
        guard let end = s.windowEnd else { return nil }
        let week: Int64 = 7 * Self.dayLength
        let b = Int64(engine.calendar.businessDays.count)
        let k = Int64(s.callSlot + 1)
        let (numerator, denominator): (Int64, Int64)
        switch calls {
        case .perWeek(_, let most): (numerator, denominator) = (b, Int64(max(1, most)))
        case .every(let ms): (numerator, denominator) = (Instant.times(max(1, ms), b), week)
        }
        // ⌈k × numerator / denominator⌉, saturating: a huge interval is "never".
        let ideal = Instant.add(Instant.times(k, numerator), denominator - 1) / denominator
        guard ideal < Int64(Int32.max) else { return nil }
        let ordinal = max(Int(ideal), s.callOrdinal + 1)
        let zone = engine.zone(of: state)
        // Business days are the lead's: its country's holidays are passed over too.
        let country = engine.country(of: state)
        var day = s.callDay
        for _ in s.callOrdinal..<ordinal {
            guard let next = engine.calendar.nextBusinessDayOpening(after: day, in: zone, country: country),
                  next < end else { return nil }
            day = next
        }
        let due = slotTime(onDayOf: day, slot: Int(k), in: zone)
        guard due < end, due > now else { return nil }
        return (Int(k), ordinal, due)
    }

    /// The instant of slot `k` on the local day of `time`: a point of the
    /// day's calling minutes chosen by the slot's index (file comment).
    func slotTime(onDayOf time: Int64, slot k: Int, in zone: TimeZone) -> Int64 {
        let day = LocalDay(containing: time, in: zone)
        let windows = engine.calendar.windows.map { $0[day.weekday] ?? [] } ?? [0..<(24 * 60)]
        let total = windows.reduce(0) { $0 + $1.count }
        guard total > 0 else { return time }
        var offset = total * (2 * ((k - 1) % 3) + 1) / 6
        var minute = windows[0].lowerBound
        for window in windows {
            if offset < window.count {
                minute = window.lowerBound + offset
                break
            }
            offset -= window.count
        }
        // A wall-clock minute skipped by a DST change maps past the gap;
        // should that leave the window, the next opening is taken.
        let instant = day.instant(minute: minute)
        return engine.calendar.nextOpening(atOrAfter: instant, in: zone) ?? time
    }

    /// The `cadence_call` timer: the slot's call is dialled through the
    /// lead's route if the lead is still nurturing in that cadence; then
    /// `planCadence` plans the next slot.
    mutating func callTimer(_ timer: TimerFiring) throws(FactsError) {
        guard state.status == .nurturing, let s = state.cadenceSchedule, s.nextCall == timer.due,
              let name = s.cadence else {
            explain(nil, "cadence call timer no longer current: ignored")
            return
        }
        state.cadenceSchedule?.nextCall = nil
        let (facts, e) = try evaluate(nil)
        summarize(e, explain: false)
        updateCadence(facts, e)
        guard state.status == .nurturing, state.cadence == name, let c = cadence(named: name) else { return }
        let rule = callRule(c)
        let what = "cadence \(name): call slot \(s.callSlot)"
        guard let r = e.routeIndex else {
            explain(rule, "\(what): no route matches, no dial")
            return
        }
        let route = compiled.routes[r].definition
        let target = DialTarget(route: route)
        guard target.dials else {
            explain(route.source, "\(what): route \(route.queue) has DIAL_MODE none, no dial")
            return
        }
        addDial(target, due: now, deadline: nil, rule: rule, discriminator: "cadence", origin: newOrigin(),
                reason: "\(what) (\(Self.callsText(c))), route \(route.source)", role: .cadence)
    }

    static func callsText(_ c: CompiledCadence) -> String {
        switch c.definition.calls.first {
        case .perWeek(let least, let most)?: least == most ? "CALL \(most) PER WEEK" : "CALL \(least)-\(most) PER WEEK"
        case .every(let ms)?: "CALL EVERY \(Format.duration(ms))"
        case nil: "no CALL line"
        }
    }

    /// A dial a rule issued (not a cadence call) while the lead is in a
    /// cadence with calls is that stretch's call: the pending cadence call
    /// is replaced by one planned from the latest such dial, so a RETRY or
    /// CALLBACK and a cadence call never land close together.
    mutating func reanchorCadenceCalls(after issued: [LeadTask], roles: [PendingTask.Role?]) {
        guard state.status == .nurturing, var s = state.cadenceSchedule, let name = s.cadence,
              let c = cadence(named: name), !c.definition.calls.isEmpty else { return }
        let dials = zip(issued, roles).filter { $0.0.kind == .dial && $0.1 != .cadence }.map(\.0)
        guard let latest = dials.max(by: { $0.due < $1.due }) else { return }
        if let due = s.nextCall { dropTimer(timerID(TimerPurpose.cadenceCall, due: due)) }
        (s.nextCall, s.callSlot, s.callOrdinal, s.callsDone) = (nil, 0, 0, false)
        (s.callDay, s.callAnchor) = (latest.due, latest.due)
        explain(latest.rule, "cadence \(name): the dial due \(Format.instant(latest.due)) is this stretch's call; "
                + "cadence calls are counted again from it")
        planCalls(&s, c)
        state.cadenceSchedule = s
    }
}
