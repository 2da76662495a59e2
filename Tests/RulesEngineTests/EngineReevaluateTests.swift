// Re-evaluation under a new rules version (`Engine.reevaluate`): the
// default playbook, edited the way an ops manager would edit it, and leads
// in every situation — fresh, waiting for their warm dial, nurturing in a
// cadence, quarantined, closed, uncaptured. Unchanged rules must leave every
// lead alone (no task, no timer); a change must act as an event would.

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesEngine
import RulesLanguage

/// The default playbook with `edits` (file, text, replacement; the first
/// occurrence) applied; the edits must all apply.
func editedEngine(_ edits: [(file: String, old: String, new: String)], base: [SourceFile]? = nil) throws -> Engine {
    var files = try base ?? defaultPlaybookFiles()
    for edit in edits {
        let i = try #require(files.firstIndex { $0.path == "rules/\(edit.file)" })
        let text = String(decoding: files[i].bytes, as: UTF8.self)
        let range = try #require(text.range(of: edit.old), "no '\(edit.old)' in \(edit.file)")
        files[i] = SourceFile(path: files[i].path, text: text.replacingCharacters(in: range, with: edit.new))
    }
    let result = Compiler.compile(files)
    let program = try #require(result.program, "\(result.diagnostics.filter { $0.severity == .error }.map(\.message))")
    return Engine(program: program)
}

/// The default playbook with its nurture route dialling (as `diallingEngine`), edited.
func editedDiallingEngine(_ edits: [(file: String, old: String, new: String)]) throws -> Engine {
    try editedEngine([(file: "routing.rules", old: "DIAL_MODE = none", new: "DIAL_MODE = power_dialer")] + edits)
}

/// Score 45 becomes 70 for a German organic-search lead: hot.
let hotterSource: [(file: String, old: String, new: String)] = [
    ("scoring.rules", "SCORE source MAX 20", "SCORE source MAX 50"),
    ("scoring.rules", "source = \"organic_search\"     => 15", "source = \"organic_search\"     => 40"),
]

/// The warm route dials in another queue.
let warmRouteMoved: [(file: String, old: String, new: String)] = [
    ("routing.rules", "IF lead_score 40-69:\n    ASSIGN TO warm_lead_queue", "IF lead_score 40-69:\n    ASSIGN TO priority_callback_queue"),
]

extension Driver {
    /// Re-evaluates the lead under `engine` at `time`, applies the result
    /// as a daemon would, and keeps running on the new engine.
    @discardableResult
    mutating func reevaluate(under engine: Engine, at time: Int64) throws -> StepResult {
        self.engine = engine
        let state = try #require(self.state)
        return apply(engine.reevaluate(state, at: time), now: time)
    }
}

/// The state a re-evaluation at `time` gives when nothing changed: tasks
/// due before it have been delivered and are forgotten; a lead out of play
/// (closed, converted, uncaptured) is not touched at all.
func delivered(_ state: LeadState, by time: Int64) -> LeadState {
    guard state.captured, state.status != .closed, state.status != .converted else { return state }
    var s = state
    s.pendingTasks.removeAll { $0.due < time }
    return s
}

// MARK: - Unchanged rules

/// Leads in every situation, each with the time to re-evaluate it at.
func leadsInEverySituation() throws -> [(name: String, lead: Driver, at: Int64)] {
    var out: [(String, Driver, Int64)] = []
    out.append(("warm, just called", try warmLead(), at(monday) + 20 * minute))
    out.append(("warm, dial waiting for Monday", try saturdayNightWarmLead(), at("2026-03-22T10:00:00Z")))
    var hot = Driver(try engine())
    hot.send("lead_created", at: monday, capture(["source": .string("google_ads_branded")]))
    hot.send("deposit_page_visit", at: at(monday) + 5 * minute)
    out.append(("hot", hot, at(monday) + hour))
    var cold = parisColdLead(try diallingEngine())
    cold.runTimers(until: t0 + 20 * day)
    out.append(("cold, day 21 in demo_inactive", cold, t0 + 20 * day + hour))
    var lapsed = parisColdLead(try diallingEngine())
    lapsed.runTimers(until: t0 + 120 * day)
    out.append(("cold, lapsed after day 90", lapsed, t0 + 121 * day))
    var affiliate = Driver(try engine())
    affiliate.send("lead_created", at: monday, capture(["source": .string("affiliate"), "phone": .missing]))
    out.append(("affiliate, held", affiliate, at(monday) + 10 * minute))
    affiliate.runTimers(until: at(monday) + 31 * minute)
    out.append(("affiliate, email only", affiliate, at(monday) + hour))
    var closed = try warmLead()
    closed.send("call_outcome", at: at(monday) + 10 * minute, ["code": .string("C03")])
    out.append(("closed", closed, at(monday) + hour))
    var uncaptured = Driver(try engine())
    uncaptured.send("site_visit", at: monday)
    out.append(("uncaptured", uncaptured, at(monday) + hour))
    return out
}

@Test func unchangedRulesGiveNoTaskNoTimerAndTheSameState() throws {
    // The same engine, and the same rules compiled again (a reload of an unchanged directory).
    let recompiled = try editedEngine([])
    let recompiledDialling = try editedDiallingEngine([])
    for (name, lead, time) in try leadsInEverySituation() {
        let state = try #require(lead.state)
        let dials = !lead.engine.program.routes.contains { $0.dialMode?.lowercased() == "none" }
        for e in [lead.engine, dials ? recompiledDialling : recompiled] {
            let r = e.reevaluate(state, at: time)
            #expect(r.tasks.isEmpty, "\(name): \(r.tasks.map(\.id))")
            #expect(r.timers.isEmpty, "\(name): \(r.timers)")
            #expect(r.state == delivered(state, by: time), "\(name)")
        }
    }
}

@Test func unchangedRulesLeaveManyRandomLeadsAlone() throws {
    let e = try diallingEngine()
    var reevaluated = 0
    for n in 0..<150 {
        var g = LeadGenerator(random: SplitMix64(seed: 0x5EED_2026 &+ UInt64(n)))
        var lead = Driver(e, lead: "R\(n)")
        let start = at("2026-01-01T00:00:00Z") + g.between(0, 300 * 24 * 60) * minute
        var data = g.capture()
        if g.chance(50) { data["source"] = .string("social") }
        lead.send("lead_created", at: start, data)
        var time = start
        for _ in 0..<6 {
            time += g.pick([g.between(1, 48) * hour, g.between(1, 10) * day])
            lead.runTimers(until: time)
            if g.chance(50) {
                let (type, payload) = g.event(at: time)
                lead.send(type, at: time, payload)
            }
            let state = try #require(lead.state)
            let check = time + minute
            let r = e.reevaluate(state, at: check)
            #expect(r.tasks.isEmpty && r.timers.isEmpty, "R\(n) at \(iso(check)): \(r.tasks.map(\.id)) \(r.timers)")
            #expect(r.state == delivered(state, by: check), "R\(n) at \(iso(check))")
            reevaluated += 1
        }
    }
    #expect(reevaluated == 900)
}

// MARK: - Changed rules

@Test func aChangedScoringRowMovesTheTierAndIssuesItsDial() throws {
    var lead = try saturdayNightWarmLead()
    let warm = try #require(lead.live.first { $0.kind == .dial })
    let time = at("2026-03-22T10:00:00Z")  // Sunday 11:00 in Berlin
    let r = try lead.reevaluate(under: try editedEngine(hotterSource), at: time)
    #expect(r.state.tier == "hot")
    #expect(r.state.lastEvaluation?.score == 70)
    let dial = try #require(r.tasks(.dial).first)
    #expect(r.tasks.count == 1)
    #expect(dial.queue == "german_hot_lead_queue" && dial.priority == "IMMEDIATE")
    #expect(dial.rule == (try rule("tiers.rules", "TIER hot")))
    // Sunday has no calling hours: Monday 09:00, past the 60 s deadline, reported.
    #expect(dial.due == at("2026-03-23T08:00:00Z") && dial.deadline == time + minute && dial.slaBreach != nil)
    #expect(r.timers == [.cancelTask(id: warm.id, reason: "superseded by \(dial.id)")])
    #expect(lead.live.filter { $0.kind == .dial }.map(\.id) == [dial.id], "one dial, not two")
    let tierLine = try #require(r.explanation.first { $0.text.contains("tier warm → hot") })
    #expect(tierLine.rule == (try rule("tiers.rules", "TIER hot")))
    #expect(tierLine.text == "re-evaluated under the new rules: tier warm → hot")
    #expect(r.text.contains("re-evaluated under the new rules: score 45 → 70"))
}

@Test func aChangedScoringRowTakesANurturingLeadOutOfItsCadence() throws {
    var lead = parisColdLead(try diallingEngine())
    lead.runTimers(until: t0 + day)
    #expect(lead.pendingTimers.count == 3)
    let timers = lead.pendingTimers.map(\.id)
    let e = try editedDiallingEngine([
        ("scoring.rules", "SCORE source MAX 20", "SCORE source MAX 50"),
        ("scoring.rules", "source = \"social\"             => 5", "source = \"social\"             => 35"),
    ])
    let time = t0 + day + hour  // Tuesday 12:00 in Paris
    let r = try lead.reevaluate(under: e, at: time)
    #expect(r.state.tier == "warm" && r.state.status == .open && r.state.cadenceSchedule == nil)
    #expect(r.tasks.map(\.kind) == [.dial])
    #expect(r.tasks.first?.queue == "warm_lead_queue" && r.tasks.first?.due == time)
    #expect(Set(r.timers) == Set(timers.map { TimerRequest.cancel(id: $0) }))
    #expect(lead.pendingTimers.isEmpty)
}

@Test func aChangedRouteMovesThePendingDialToItsQueue() throws {
    var lead = try saturdayNightWarmLead()
    let warm = try #require(lead.live.first { $0.kind == .dial })
    let time = at("2026-03-22T10:00:00Z")
    let r = try lead.reevaluate(under: try editedEngine(warmRouteMoved), at: time)
    #expect(r.state.tier == "warm")
    let dial = try #require(r.tasks.first)
    #expect(r.tasks.count == 1 && dial.kind == .dial)
    #expect(dial.queue == "priority_callback_queue")
    #expect(dial.due == warm.due && dial.deadline == warm.deadline && dial.id != warm.id)
    #expect(dial.rule == (try rule("tiers.rules", "TIER warm")))
    #expect(r.timers == [.cancelTask(id: warm.id, reason: "superseded by \(dial.id)")])
    #expect(lead.live.filter { $0.kind == .dial }.map(\.queue) == ["priority_callback_queue"])
    #expect(r.state.lastEvaluation?.route?.queue == "priority_callback_queue")
    #expect(r.text.contains("re-evaluated under the new rules: route warm_lead_queue → priority_callback_queue"))
    // The same change again is no change.
    let again = try lead.reevaluate(under: lead.engine, at: time + minute)
    #expect(again.tasks.isEmpty && again.timers.isEmpty)
}

@Test func aRouteThatNoLongerDialsWithdrawsThePendingDial() throws {
    var lead = try saturdayNightWarmLead()
    let warm = try #require(lead.live.first { $0.kind == .dial })
    let e = try editedEngine([
        ("routing.rules", "ASSIGN TO warm_lead_queue\n    PRIORITY = WITHIN_2_HOURS\n    DIAL_MODE = power_dialer",
         "ASSIGN TO warm_lead_queue\n    PRIORITY = WITHIN_2_HOURS\n    DIAL_MODE = none"),
    ])
    let r = try lead.reevaluate(under: e, at: at("2026-03-22T10:00:00Z"))
    #expect(r.tasks.isEmpty)
    #expect(r.timers.map { if case .cancelTask(let id, _) = $0 { id } else { "" } } == [warm.id])
    #expect(lead.live.isEmpty && r.state.pendingTasks.isEmpty)
}

@Test func aChangedCadenceReplansTheCallTimerOnly() throws {
    var lead = parisColdLead(try diallingEngine())
    let time = t0 + day  // Tuesday, before the first slot (Wednesday)
    lead.runTimers(until: time)
    let call = try #require(lead.timers(TimerPurpose.cadenceCall).first)
    #expect(call.due == firstSlot)
    let message = try #require(lead.timers(TimerPurpose.cadenceMessage).first)
    let window = try #require(lead.timers(TimerPurpose.cadenceWindow).first)
    let e = try editedDiallingEngine([("nurture.rules", "CALL 2-3 PER WEEK", "CALL 1 PER WEEK")])
    let r = try lead.reevaluate(under: e, at: time)
    #expect(r.tasks.isEmpty)
    // One call a week counted from Tuesday: 5 business days later, the next Tuesday at 10:50 Paris (CEST).
    let newCall = try #require(lead.timers(TimerPurpose.cadenceCall).first)
    #expect(newCall.due == at("2026-03-31T08:50:00Z"))
    #expect(r.timers == [.cancel(id: call.id), .set(newCall)], "the message and window timers stand")
    #expect(lead.timers(TimerPurpose.cadenceMessage) == [message] && lead.timers(TimerPurpose.cadenceWindow) == [window])
    #expect(r.state.cadenceSchedule?.planKey == e.planKeys.key(for: "demo_active_no_deposit"))
    #expect(r.state.cadenceSequences == lead.results[lead.results.count - 2].state.cadenceSequences,
            "the email sequence resumes where it was")
    #expect(r.text.contains("re-evaluated under the new rules, cadence demo_active_no_deposit is planned again"))
    // Run on: the calls follow the new plan, one a week; the second (7 April) is past day 14.
    lead.runTimers(until: t0 + 14 * day - 1)
    // (The edited line keeps its place: the rule is the line that read CALL 2-3 PER WEEK.)
    #expect(try cadenceDials(lead.live, line: "CALL 2-3 PER WEEK").map(\.due) == [at("2026-03-31T08:50:00Z")])
}

@Test func aChangedEmailSequenceReplansTheMessageTimer() throws {
    var lead = parisColdLead(try diallingEngine())
    let time = t0 + day
    lead.runTimers(until: time)
    let call = try #require(lead.timers(TimerPurpose.cadenceCall).first)
    let message = try #require(lead.timers(TimerPurpose.cadenceMessage).first)
    #expect(message.due == t0 + 4 * day)
    let e = try editedDiallingEngine([("nurture.rules", "market_analysis EVERY 4d", "market_analysis EVERY 2d")])
    let r = try lead.reevaluate(under: e, at: time)
    #expect(r.tasks.isEmpty)
    // The second email two days after the first; the call slot, re-planned from Tuesday, is Thursday.
    let newMessage = try #require(lead.timers(TimerPurpose.cadenceMessage).first)
    #expect(newMessage.due == t0 + 2 * day)
    #expect(r.timers.contains(.cancel(id: message.id)) && r.timers.contains(.set(newMessage)))
    #expect(r.timers.contains(.cancel(id: call.id)))
}

@Test func aCadenceRemovedFromTheRulesIsLeftCleanly() throws {
    var lead = parisColdLead(try diallingEngine())
    let time = t0 + day
    lead.runTimers(until: time)
    let old = lead.pendingTimers.map(\.id)
    let files = try defaultPlaybookFiles()
    let nurture = String(decoding: try #require(files.first { $0.path == "rules/nurture.rules" }).bytes, as: UTF8.self)
    let start = try #require(nurture.range(of: "CADENCE demo_active_no_deposit"))
    let end = try #require(nurture.range(of: "CADENCE demo_inactive"))
    let block = String(nurture[start.lowerBound..<end.lowerBound])
    let e = try editedDiallingEngine([("nurture.rules", block, "")])
    let r = try lead.reevaluate(under: e, at: time)
    #expect(r.tasks.isEmpty)
    #expect(r.state.status == .nurturing && r.state.cadence == nil)
    // The call and message timers cancelled; the window timer stands: the
    // end of days 1-14 is the start of the next window, day 15.
    let window = try #require(lead.results[lead.results.count - 2].state.cadenceSchedule?.nextWindow)
    #expect(window == t0 + 14 * day)
    #expect(Set(r.timers) == Set(old.filter { !$0.contains("cadence_window") }.map { .cancel(id: $0) }))
    #expect(lead.pendingTimers.map(\.purpose) == [TimerPurpose.cadenceWindow])
    #expect(lead.pendingTimers.first?.due == window && r.state.cadenceSchedule?.nextWindow == window)
    #expect(r.text.contains("cadence demo_active_no_deposit is no longer in the rules"))
    lead.runTimers(until: t0 + 15 * day)
    #expect(lead.state?.cadence == "demo_inactive")
}

@Test func aQuarantineRemovedFromTheRulesReleasesTheLead() throws {
    var lead = Driver(try engine())
    // Score 40 (demographic 30, affiliate aff_1042 10): warm once released.
    lead.send("lead_created", at: monday, capture(["source": .string("affiliate"), "affiliate_id": .string("aff_1042")]))
    #expect(lead.state?.status == .quarantined)
    let hold = try #require(lead.pendingTimers.first)
    let files = try defaultPlaybookFiles()
    let text = String(decoding: try #require(files.first { $0.path == "rules/quarantine.rules" }).bytes, as: UTF8.self)
    let start = try #require(text.range(of: "QUARANTINE affiliate_hold"))
    let end = try #require(text.range(of: "GRADUATE ON email_open, email_click, site_visit"))
    let e = try editedEngine([("quarantine.rules", String(text[start.lowerBound..<end.upperBound]), "")])
    let time = at(monday) + 10 * minute
    let r = try lead.reevaluate(under: e, at: time)
    #expect(r.state.status == .open && r.state.quarantine?.phase == .released)
    #expect(r.timers == [.cancel(id: hold.id)])
    #expect(r.tasks.map(\.kind) == [.dial] && r.tasks.first?.due == time)
    #expect(r.tasks.first?.queue == "warm_lead_queue")
    #expect(r.text.contains("quarantine affiliate_hold is no longer in the rules"))
}

@Test(arguments: ["closed", "uncaptured", "converted"])
func leadsOutOfPlayAreUntouched(situation: String) throws {
    var lead = try warmLead()
    switch situation {
    case "closed": lead.send("call_outcome", at: at(monday) + 10 * minute, ["code": .string("C03")])
    case "converted": lead.send("first_deposit", at: at(monday) + 10 * minute)
    default:
        lead = Driver(try engine())
        lead.send("deposit_page_visit", at: monday)
    }
    let state = try #require(lead.state)
    for e in [try editedEngine(hotterSource), try editedEngine(warmRouteMoved)] {
        let r = e.reevaluate(state, at: at(monday) + hour)
        #expect(r.state == state && r.tasks.isEmpty && r.timers.isEmpty)
        #expect(r.explanation.count == 1 && r.explanation.first?.text.hasPrefix("not re-evaluated") == true)
    }
}

@Test func reevaluationIsDeterministic() throws {
    let leads = try leadsInEverySituation()
    let edits = hotterSource + warmRouteMoved + [("nurture.rules", "EMAIL success_stories EVERY 7d", "EMAIL success_stories EVERY 5d")]
    let a = try editedDiallingEngine(edits)
    let b = try editedDiallingEngine(edits)
    var changed = 0
    for (name, lead, time) in leads {
        let state = try #require(lead.state)
        let r1 = a.reevaluate(state, at: time)
        #expect(r1 == a.reevaluate(state, at: time), "\(name)")
        #expect(r1 == b.reevaluate(state, at: time), "\(name): another compilation of the same rules")
        let quiet = a.reevaluate(state, at: time, context: StepContext(explains: false))
        #expect(quiet.tasks == r1.tasks && quiet.timers == r1.timers && quiet.state == r1.state && quiet.explanation.isEmpty)
        if !r1.tasks.isEmpty || !r1.timers.isEmpty { changed += 1 }
    }
    #expect(changed == 3, "two warm leads turn hot, the lead in demo_inactive is re-planned")
}

@Test func aStateSavedBeforePlanKeysDecodesAndIsReplanned() throws {
    var lead = parisColdLead(try diallingEngine())
    lead.runTimers(until: t0 + day)
    let state = try #require(lead.state)
    let json = try JSONEncoder().encode(state)
    var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
    var schedule = try #require(object["cadenceSchedule"] as? [String: Any])
    #expect(schedule["planKey"] != nil)
    schedule["planKey"] = nil
    object["cadenceSchedule"] = schedule
    let old = try JSONDecoder().decode(LeadState.self, from: try JSONSerialization.data(withJSONObject: object))
    #expect(old.cadenceSchedule?.planKey == nil)
    let r = lead.engine.reevaluate(old, at: t0 + day)
    #expect(r.state.cadenceSchedule?.planKey == state.cadenceSchedule?.planKey)
    #expect(r.tasks.isEmpty)
}

@Test func aHoldTimerFiringAfterItsQuarantineWasRemovedReleasesTheLead() throws {
    // A reload swapped the rules and the timer fired before the lead was re-evaluated.
    var lead = Driver(try engine())
    lead.send("lead_created", at: monday, capture(["source": .string("affiliate"), "affiliate_id": .string("aff_1042")]))
    let files = try defaultPlaybookFiles()
    let text = String(decoding: try #require(files.first { $0.path == "rules/quarantine.rules" }).bytes, as: UTF8.self)
    let start = try #require(text.range(of: "QUARANTINE affiliate_hold"))
    let end = try #require(text.range(of: "GRADUATE ON email_open, email_click, site_visit"))
    lead.engine = try editedEngine([("quarantine.rules", String(text[start.lowerBound..<end.upperBound]), "")])
    #expect(lead.engine.compiled.quarantines.isEmpty)
    let fired = lead.fireNextTimer()
    let r = try #require(fired)
    #expect(r.state.status == .open && r.state.quarantine?.phase == .released)
    #expect(r.tasks.map(\.queue) == ["warm_lead_queue"])
    #expect(r.text.contains("the quarantine is no longer in the rules"))
}
