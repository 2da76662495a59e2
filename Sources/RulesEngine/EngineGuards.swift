// The guarantees the engine keeps whatever the rules say (docs/LANGUAGE.md
// §9 steps 5 and 6), applied in this one place to every task before it
// leaves the engine:
//
// - nothing to a closed lead, except the tasks of the action list that
//   closed it;
// - no dial to a lead that is do-not-call, blocked, opted out of phone,
//   held by a quarantine, a duplicate of another lead, removed from the
//   queue, or routed with DIAL_MODE none;
// - no SMS on a blocked or opted-out channel or during a quarantine; no
//   email on a blocked or opted-out channel;
// - nothing due before the input that produced it;
// - no dial or SMS outside the calling hours in the lead's local time: it
//   moves to the next window, and a deadline that passes is reported in
//   `slaBreach`, never hidden.

import Foundation

extension Step {
    /// The task as it will be issued, or nil (with a line of explanation)
    /// when a guard drops it.
    mutating func guarded(_ draft: DraftTask) -> LeadTask? {
        var task = draft.task
        // A block records a consent change for the CRM: closing the lead in
        // the same step does not unsay it.
        if state.status == .closed && draft.origin != closedBy && task.kind != .block {
            return drop(task, "the lead is closed")
        }
        if let why = refusal(task) { return drop(task, why) }
        guard task.due <= Instant.latest else { return drop(task, "due after the year 9999") }
        if task.due < now {
            explain(task.rule, "\(task.kind.rawValue) due \(Format.instant(task.due)) is in the past: due now")
            task.due = now
        }
        if task.kind == .dial || task.kind == .sms {
            guard moveIntoCallingHours(&task) else {
                return drop(task, "no calling window in the next two weeks")
            }
        }
        if let deadline = task.deadline, task.due > deadline, task.slaBreach == nil {
            task.slaBreach = "due \(Format.instant(task.due)) is after the deadline \(Format.instant(deadline))"
        }
        let detail = task.template ?? task.channel ?? task.queue ?? ""
        task.id = TaskID.make(leadID: state.id, rule: task.rule, discriminator: "\(draft.discriminator)|\(detail)",
                              kind: task.kind, due: task.due)
        return task
    }

    /// One event must not make two agents call the lead at once: when a
    /// trigger's dial of this step is due by the deadline of the tier's
    /// speed-to-lead dial (or by the tier dial's own due time, when calling
    /// hours moved both to the next window), that dial is the first call,
    /// and it takes on the tier's deadline (so a breach is still reported).
    mutating func coverTierDial(_ issued: inout [(draft: DraftTask, task: LeadTask)]) {
        guard let t = issued.firstIndex(where: { $0.draft.discriminator == Step.tierDiscriminator }),
              let deadline = issued[t].task.deadline,
              let other = issued.indices.first(where: { i in
                  i != t && issued[i].task.kind == .dial && issued[i].task.due <= max(deadline, issued[t].task.due)
              }) else { return }
        var task = issued[other].task
        task.deadline = min(task.deadline ?? deadline, deadline)
        if let taken = task.deadline, task.due > taken, task.slaBreach == nil {
            task.slaBreach = issued[t].task.slaBreach
                ?? "due \(Format.instant(task.due)) is after the deadline \(Format.instant(taken))"
        }
        issued[other].draft.role = .tierDial
        explain(issued[t].task.rule, "the tier's dial is covered by the dial of \(task.rule) "
                + "(\(task.queue ?? "")), which takes its deadline")
        issued[other].task = task
        issued.remove(at: t)
    }

    private mutating func drop(_ task: LeadTask, _ why: String) -> LeadTask? {
        let what = task.template ?? task.queue ?? task.channel ?? ""
        explain(task.rule, "\(task.kind.rawValue)\(what.isEmpty ? "" : " \(what)") not issued: \(why)")
        return nil
    }

    /// Why consent or status forbids the task, nil when nothing does.
    func refusal(_ task: LeadTask) -> String? {
        switch task.kind {
        case .dial:
            if let reason = state.blockedReason { return "the lead is blocked (\(reason))" }
            if state.doNotCall { return "the lead is do-not-call" }
            if state.optedOut.contains(.phone) { return "the lead opted out of phone" }
            if let reason = state.blockedChannels[.phone] { return "phone is blocked (\(reason))" }
            if let q = state.quarantine, q.restrictsCalls { return "the lead is quarantined (\(q.phase.rawValue))" }
            if let primary = state.duplicateOf { return "duplicate of lead \(primary)" }
            if state.removedFromQueue { return "the lead was removed from the queue" }
            if task.dialMode == "none" { return "DIAL_MODE none" }
            return nil
        case .sms:
            if let reason = state.blockedReason { return "the lead is blocked (\(reason))" }
            if state.optedOut.contains(.sms) { return "the lead opted out of sms" }
            if let reason = state.blockedChannels[.sms] { return "sms is blocked (\(reason))" }
            if let q = state.quarantine, q.restrictsCalls { return "the lead is quarantined: email only" }
            return nil
        case .email:
            if let reason = state.blockedReason { return "the lead is blocked (\(reason))" }
            if state.optedOut.contains(.email) { return "the lead opted out of email" }
            if let reason = state.blockedChannels[.email] { return "email is blocked (\(reason))" }
            return nil
        case .handoff, .close, .block:
            return nil
        }
    }

    /// Moves a dial or SMS due outside the calling hours to the next window
    /// opening, in the lead's zone. False when no window comes.
    private mutating func moveIntoCallingHours(_ task: inout LeadTask) -> Bool {
        let zone = engine.zone(of: state)
        guard let opening = engine.calendar.nextOpening(atOrAfter: task.due, in: zone) else { return false }
        guard opening != task.due else { return true }
        let rule = engine.program.callingHours?.source.description
        explain(rule, "\(task.kind.rawValue) due \(Format.instant(task.due)) is outside calling hours in "
                + "\(zone.identifier): moved to \(Format.instant(opening))")
        task.due = opening
        if let deadline = task.deadline, opening > deadline {
            task.slaBreach = "outside calling hours in \(zone.identifier): due \(Format.instant(opening)) "
                + "is after the deadline \(Format.instant(deadline))"
            explain(rule, "SLA breach: \(task.slaBreach ?? "")")
        }
        return true
    }
}
