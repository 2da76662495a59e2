// The actions that move a lead through its life rather than draft a
// message: CLOSE, BLOCK, NURTURE, ESCALATE TO and RELEASE.

import RulesCompiler
import RulesLanguage

extension Step {
    /// CLOSE: the lead is closed, its cadence stops, every pending task is
    /// cancelled and so is every task other action lists drafted in this
    /// step (the guards drop them); the tasks of this list are kept.
    mutating func close(_ reason: String?, origin: Int, rule: SourceRef, context: String) {
        guard state.status != .closed else { return }
        let why = reason ?? "closed"
        state.status = .closed
        state.closedReason = why
        state.cadence = nil
        closedBy = origin
        cancelPending(Set(TaskKind.allCases), reason: "lead closed: \(why)")
        cancelQuarantineTimer()
        add(.close, due: now, rule: rule, discriminator: String(rule.range.start), origin: origin,
            reason: "\(context): CLOSE (\(why))")
        explain(rule, "\(context): lead closed (\(why))")
    }

    /// Withdraws the quarantine's pending timer: a closed lead needs none.
    mutating func cancelQuarantineTimer() {
        guard let q = state.quarantine else { return }
        let id: String
        switch q.phase {
        case .holding: id = timerID(TimerPurpose.quarantineEnd, due: q.heldUntil)
        case .emailOnly: id = timerID(TimerPurpose.quarantineNurtureEnd, due: q.emailOnlyUntil ?? q.heldUntil)
        default: return
        }
        let setHere = timers.contains { if case .set(let t) = $0 { t.id == id } else { false } }
        if setHere {
            timers.removeAll { if case .set(let t) = $0 { t.id == id } else { false } }
        } else {
            timers.append(.cancel(id: id))
        }
    }

    /// BLOCK: the channel is closed for good and its pending tasks cancelled;
    /// phone means do-not-call, ALL blocks the lead. A `block` task tells the CRM.
    mutating func block(_ channel: Channel, _ a: CompiledAction, reason: String?, origin: Int, context: String,
                        _ facts: LeadFacts, _ e: Evaluation) {
        let rule = a.definition.source
        let word: String
        switch channel {
        case .phone: word = "phone"
        case .email: word = "email"
        case .sms: word = "sms"
        case .all: word = "all"
        case .expr:
            guard case .string(let s)? = a.channel?.value(facts, e) else {
                explain(rule, "\(context): BLOCK channel is missing: nothing blocked")
                return
            }
            word = s.lowercased()
        }
        guard let channels = ContactChannel.parse(word) else {
            explain(rule, "\(context): BLOCK '\(word)' is not phone, email, sms or all: nothing blocked")
            return
        }
        let why = reason ?? "blocked"
        for c in channels where state.blockedChannels[c] == nil { state.blockedChannels[c] = why }
        if channels.contains(.phone) { state.doNotCall = true }
        if word == "all", state.blockedReason == nil { state.blockedReason = why }
        cancelPending(Set(channels.map(\.taskKind)), reason: why)
        add(.block, channel: word, due: now, rule: rule, discriminator: String(rule.range.start), origin: origin,
            reason: "\(context): BLOCK \(word) (\(why))")
    }

    /// NURTURE: an open lead moves to automated nurture, in the named
    /// cadence or the one of its age.
    mutating func nurture(_ named: String?, rule: SourceRef, context: String, _ facts: LeadFacts, _ e: Evaluation) {
        guard state.status == .open || state.status == .nurturing else {
            explain(rule, "\(context): NURTURE ignored, the lead is \(state.status.rawValue)")
            return
        }
        state.status = .nurturing
        state.cadence = named ?? windowCadence(facts, e)?.definition.name
        explain(rule, "\(context): nurture\(state.cadence.map { ", cadence \($0)" } ?? "")")
    }

    /// ESCALATE TO: the lead is put in a hotter tier (never a colder one);
    /// after the triggers it enters that tier, with its dial.
    mutating func escalate(to name: String, rule: SourceRef, context: String, _ e: Evaluation) {
        guard state.status == .open || state.status == .nurturing, let target = tierIndex(named: name) else {
            explain(rule, "\(context): ESCALATE TO \(name) ignored, the lead is \(state.status.rawValue)")
            return
        }
        if let current = e.tierIndex, current <= target {
            // Re-engagement of a nurtured lead whose score already puts it
            // in a calling tier (a warm lead nurtured by C02): the tier is
            // entered again, so the lead leaves nurture with its call.
            if state.status == .nurturing, case .call = compiled.tiers[current].definition.action {
                reenterForced = true
                explain(rule, "\(context): already in tier \(compiled.tiers[current].name); the lead leaves nurture to be called")
                return
            }
            explain(rule, "\(context): already in tier \(compiled.tiers[current].name), not escalated")
            return
        }
        if let earlier = state.escalatedTier.flatMap(tierIndex(named:)), earlier <= target { return }
        state.escalatedTier = name
        reenter = true
        explain(rule, "\(context): escalated to \(name)")
    }

    /// CONVERT: the lead is a client. A deposit proves an affiliate lead
    /// genuine, so a quarantine ends with it (the welcome call must not be held).
    mutating func convert(rule: SourceRef, context: String) {
        state.converted = true
        if state.status != .closed { state.status = .converted }
        if var q = state.quarantine, q.restrictsCalls {
            cancelQuarantineTimer()
            q.phase = .released
            state.quarantine = q
        }
        explain(rule, "\(context): converted, a client record is created")
    }

    /// RELEASE: a quarantine hold (or email-only nurture) ends now.
    mutating func release(rule: SourceRef, context: String) {
        guard var q = state.quarantine, q.restrictsCalls else {
            explain(rule, "\(context): RELEASE ignored, the lead is not held")
            return
        }
        cancelQuarantineTimer()
        q.phase = .released
        state.quarantine = q
        state.status = .open
        reenterForced = true
        explain(rule, "\(context): released from quarantine")
    }
}
