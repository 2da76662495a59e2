// Cadence scheduling: the timers of a nurturing lead's cadence follow its
// state. At the end of every step (`planCadence`, called by `finish`) the
// schedule in `LeadState.cadenceSchedule` is brought in line with where
// the lead now is:
//
// - not nurturing any more (calling tier, converted, closed), or in another
//   cadence (EXIT WHEN, window over): the old cadence's timers are
//   cancelled and its pending tasks withdrawn;
// - in a cadence without a schedule: the lead enters it; its due messages
//   go out, and the next call slot, message and window end are planned;
// - in its cadence: whatever timer has fired (or was never set, such as a
//   call after a phone opt-out was lifted) is planned again.
//
// Doing it in one place, from the state, means every path into or out of
// a cadence (tiers, NURTURE, EXIT WHEN, CLOSE, CONVERT, ESCALATE TO, the
// window timer) re-plans the same way. Call placement is in
// EngineCadenceCalls.swift.

import RulesCompiler

extension Step {
    /// Brings the lead's cadence timers in line with its state (see the file comment).
    mutating func planCadence() {
        let wanted = state.status == .nurturing ? state.cadence : nil
        if let s = state.cadenceSchedule, state.status != .nurturing || s.cadence != wanted {
            leaveSchedule(s)
            state.cadenceSchedule = nil
        }
        guard state.status == .nurturing else { return }
        var s = state.cadenceSchedule ?? enterSchedule(wanted)
        if let name = s.cadence, let c = cadence(named: name) {
            planCalls(&s, c)
            sendDueMessages(&s, c)
        }
        planWindow(&s)
        state.cadenceSchedule = s
    }

    /// A new schedule for the cadence the lead has just entered (or for
    /// nurturing outside every window when `name` is nil).
    private mutating func enterSchedule(_ name: String?) -> CadenceSchedule {
        guard let name, let c = cadence(named: name), let registered = registeredAt() else {
            var s = CadenceSchedule(cadence: nil, enteredAt: now, windowEnd: nil)
            s.planKey = engine.planKeys.key(for: nil)
            return s
        }
        let end = Instant.add(registered, Instant.times(Self.dayLength, Int64(c.definition.lastDay)))
        explain(c.definition.source, "cadence \(name): planned from \(Format.instant(now)) "
                + "to the end of its window, \(Format.instant(end))")
        var s = CadenceSchedule(cadence: name, enteredAt: now, windowEnd: end)
        s.planKey = engine.planKeys.key(for: name)
        return s
    }

    /// The lead leaves `s`: its pending timers are cancelled and the tasks
    /// its cadence issued that are not yet delivered are withdrawn.
    /// `reason` overrides the status's (a re-evaluation re-plans).
    mutating func leaveSchedule(_ s: CadenceSchedule, why reason: String? = nil) {
        let why: String
        switch state.status {
        case _ where reason != nil: why = reason ?? ""
        case .closed: why = "the lead is closed"
        case .converted: why = "the lead converted"
        case .nurturing: why = "the lead left cadence \(s.cadence ?? "")"
        default: why = "the lead left nurture"
        }
        let timers = [(TimerPurpose.cadenceCall, s.nextCall), (TimerPurpose.cadenceMessage, s.nextMessage),
                      (TimerPurpose.cadenceWindow, s.nextWindow)]
        var cancelled: [String] = []
        for case (let purpose, let due?) in timers {
            dropTimer(timerID(purpose, due: due))
            cancelled.append(purpose)
        }
        var withdrawn = 0
        for task in state.pendingTasks where task.role == .cadence {
            self.timers.append(.cancelTask(id: task.id, reason: why))
            withdrawn += 1
        }
        state.pendingTasks.removeAll { $0.role == .cadence }
        guard !cancelled.isEmpty || withdrawn > 0 else { return }
        let source = s.cadence.flatMap(cadence(named:))?.definition.source.description
        let tasks = withdrawn > 0 ? ", \(withdrawn) pending task(s) withdrawn" : ""
        explain(source, "\(s.cadence.map { "cadence \($0)" } ?? "nurture"): \(why): "
                + "\(cancelled.isEmpty ? "no timer" : cancelled.joined(separator: ", ")) cancelled\(tasks)")
    }

    /// Cancels a timer: taken back if this step set it, else a `.cancel`.
    mutating func dropTimer(_ id: String) {
        let setHere = timers.contains { if case .set(let t) = $0 { t.id == id } else { false } }
        if setHere {
            timers.removeAll { if case .set(let t) = $0 { t.id == id } else { false } }
        } else {
            timers.append(.cancel(id: id))
        }
    }

    // MARK: - Window

    static let dayLength: Int64 = 86_400_000

    func registeredAt() -> Int64? {
        guard case .time(let registered)? = state.fields["registered_at"] else { return nil }
        return registered
    }

    /// Plans the `cadence_window` timer when none is pending: the end of the
    /// cadence's window, or, outside every window, the start of the next
    /// one. After the last window nothing is planned (docs/ENGINE.md).
    private mutating func planWindow(_ s: inout CadenceSchedule) {
        guard s.nextWindow == nil, let registered = registeredAt() else { return }
        var due: Int64?
        if let name = s.cadence, let c = cadence(named: name) {
            let day = leadDay() ?? 1
            let inWindow = c.definition.firstDay <= day && day <= c.definition.lastDay
            // A cadence named by NURTURE outside its window is left at once.
            due = inWindow ? s.windowEnd : now
        } else {
            let now = self.now
            due = compiled.cadences
                .map { Instant.add(registered, Instant.times(Self.dayLength, Int64($0.definition.firstDay - 1))) }
                .filter { $0 > now }.min()
            if due == nil, state.cadenceSchedule == nil {
                explain(nil, "nurturing outside every cadence window, none ahead: nothing is scheduled "
                        + "until an event re-engages the lead")
            }
        }
        guard let due else { return }
        s.nextWindow = due
        setTimer(TimerPurpose.cadenceWindow, due: due)
    }

    /// The `cadence_window` timer: the lead's age has crossed a window
    /// boundary; `updateCadence` moves it, `planCadence` re-plans.
    mutating func crossWindow(_ timer: TimerFiring) throws(FactsError) {
        guard state.status == .nurturing, state.cadenceSchedule?.nextWindow == timer.due else {
            explain(nil, "cadence window timer no longer current: ignored")
            return
        }
        state.cadenceSchedule?.nextWindow = nil
        let (facts, e) = try evaluate(nil)
        summarize(e, explain: false)
        let before = state.cadence
        updateCadence(facts, e)
        if state.cadence == before {
            explain(nil, "lead day \(leadDay() ?? 0): still \(before.map { "in cadence \($0)" } ?? "outside every cadence")")
        }
    }

    // MARK: - Messages

    /// The due time of the next message of sequence `index`, nil when there
    /// is none before the window's end (a list sent through, or its channel
    /// closed). A list is sent once, one template every interval, the first
    /// on entry; a single template repeats every interval.
    func nextMessageDue(_ s: CadenceSchedule, _ c: CompiledCadence, _ index: Int) -> Int64? {
        let sequence = c.definition.sequences[index]
        let channel: ContactChannel = sequence.channel == .sms ? .sms : .email
        guard !state.isBlocked(channel), !sequence.templates.isEmpty else { return nil }
        let progress = state.cadenceSequences[c.sequenceKeys[index]]
        if sequence.templates.count > 1, (progress?.sent ?? 0) >= sequence.templates.count { return nil }
        // `EVERY 4d` keeps the wall-clock time of the last message across DST.
        let every = sequence.every ?? CalendarSpan(exact: sequence.everyMilliseconds)
        let due = progress.map { max(s.enteredAt, later(by: every, than: $0.last)) } ?? s.enteredAt
        guard let end = s.windowEnd, due < end else { return nil }
        return due
    }

    /// Sends every message of the cadence due by now, then sets the
    /// `cadence_message` timer for the earliest next one.
    private mutating func sendDueMessages(_ s: inout CadenceSchedule, _ c: CompiledCadence) {
        guard s.nextMessage == nil else { return }
        var earliest: Int64?
        for index in c.definition.sequences.indices {
            guard var due = nextMessageDue(s, c, index) else { continue }
            if due <= now {
                sendMessage(c, index)
                guard let next = nextMessageDue(s, c, index) else { continue }
                due = next
            }
            earliest = min(earliest ?? due, due)
        }
        guard let earliest else { return }
        s.nextMessage = earliest
        setTimer(TimerPurpose.cadenceMessage, due: earliest)
    }

    private mutating func sendMessage(_ c: CompiledCadence, _ index: Int) {
        let name = c.definition.name
        let sequence = c.definition.sequences[index]
        let key = c.sequenceKeys[index]
        let sent = state.cadenceSequences[key]?.sent ?? 0
        let template = sequence.templates[sent % sequence.templates.count]
        let count = sequence.templates.count
        let step = count > 1 ? " (\(sent + 1) of \(count))" : " (every \(Format.duration(sequence.everyMilliseconds)))"
        let rule = index < c.definition.sequenceSources.count ? c.definition.sequenceSources[index] : c.definition.source
        let kind: TaskKind = sequence.channel == .sms ? .sms : .email
        addMessage(kind, template: template, due: now, rule: rule, discriminator: "cadence#\(index)", origin: newOrigin(),
                   reason: "cadence \(name): \(kind == .sms ? "SMS" : "EMAIL") \(template)\(step)", role: .cadence)
        state.cadenceSequences[key] = SequenceProgress(sent: sent + 1, last: now)
    }

    /// The `cadence_message` timer: `planCadence` sends what is due.
    mutating func messageTimer(_ timer: TimerFiring) throws(FactsError) {
        guard state.status == .nurturing, state.cadenceSchedule?.nextMessage == timer.due else {
            explain(nil, "cadence message timer no longer current: ignored")
            return
        }
        state.cadenceSchedule?.nextMessage = nil
        let (facts, e) = try evaluate(nil)
        summarize(e, explain: false)
        updateCadence(facts, e)
    }
}
