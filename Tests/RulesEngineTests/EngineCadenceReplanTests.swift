// Re-planning: a disposition or a new event changes the pending cadence
// timers of the lead, and cancels what no longer applies — escalation
// triggers, EXIT WHEN, conversion, CLOSE, leaving nurture for a calling
// tier, retries that replace the next cadence call, opt-outs, and a lead
// turning hot while its warm dial is still waiting.

import Foundation
import Testing
@testable import RulesEngine

/// The first cadence call of `parisColdLead` on the dialling playbook.
let firstSlot = at("2026-03-25T09:50:00Z")

@Test func aDepositPageVisitCallsNowAndTheCadenceCallsCountFromThatCall() throws {
    var lead = parisColdLead(try diallingEngine())
    let visitTime = at("2026-03-24T11:00:00Z")
    lead.runTimers(until: visitTime)
    #expect(lead.timers(TimerPurpose.cadenceCall).map(\.due) == [firstSlot])
    let r = lead.send("deposit_page_visit", at: visitTime)
    #expect(r.state.status == .nurturing, "score 30: still cold")
    #expect(r.tasks(.dial).map(\.queue) == ["priority_callback_queue"])
    #expect(r.tasks(.dial).first?.rule == (try rule("nurture.rules", "ON deposit_page_visit")))
    // Slot 1 counted from Tuesday: Thursday, not Wednesday.
    #expect(lead.timers(TimerPurpose.cadenceCall).map(\.due) == [at("2026-03-26T09:50:00Z")])
    lead.runTimers(until: at("2026-03-27T00:00:00Z"))
    #expect(try cadenceDials(lead.live, line: "CALL 2-3 PER WEEK").map(\.due) == [at("2026-03-26T09:50:00Z")])
}

@Test(arguments: [
    // code, the retry's due, the next cadence call: slot 1 counted from the retry's day.
    ("N02", "2026-03-25T11:50:00Z", "2026-03-27T09:50:00Z"),  // RETRY IN 2h
    ("V02", "2026-03-25T13:50:00Z", "2026-03-27T09:50:00Z"),  // RETRY IN 4h
    ("V01", "2026-03-26T08:00:00Z", "2026-03-30T08:50:00Z"),  // RETRY NEXT BUSINESS DAY: Thursday 09:00
    ("N01", "2026-03-27T17:50:00Z", "2026-03-31T08:50:00Z"),  // RETRY PER CADENCE: 56 h
])
func aRetryReplacesTheNextCadenceCall(code: String, retry: String, next: String) throws {
    var lead = parisColdLead(try diallingEngine())
    lead.runTimers(until: firstSlot)
    #expect(try cadenceDials(lead.live, line: "CALL 2-3 PER WEEK").map(\.due) == [firstSlot])
    let before = try #require(lead.timers(TimerPurpose.cadenceCall).first)
    let r = lead.send("call_outcome", at: firstSlot, ["code": .string(code)])
    #expect(r.tasks(.dial).map(\.due) == [at(retry)])
    #expect(r.timers.contains(.cancel(id: before.id)))
    #expect(lead.timers(TimerPurpose.cadenceCall).map(\.due) == [at(next)])
    #expect(r.state.cadenceSchedule?.callAnchor == at(retry))
    // Up to the next cadence call, the retry is the only dial.
    lead.runTimers(until: at(next) - 1)
    #expect(lead.live.filter { $0.kind == .dial && $0.due > firstSlot }.map(\.due) == [at(retry)])
}

@Test func c02NurturesAWarmLeadAndTheCadenceCallsStartAfterTheWeeksCallback() throws {
    var lead = try warmLead()
    let t = at(monday) + 30 * minute
    let r = lead.send("call_outcome", at: t, ["code": .string("C02")])
    #expect(r.state.status == .nurturing && r.state.cadence == "demo_active_no_deposit")
    lead.runTimers(until: at(monday) + 29 * day)
    let dials = lead.live.filter { $0.kind == .dial && $0.due > at(monday) }
    // The callback a week later, then business days 2 and 4 after it (the
    // 5th is past day 14); the warm route's queue. IN 7d is 7 local days:
    // 11:30 CEST on 30 March, an hour less than 168h after 11:30 CET.
    #expect(dials.map(\.due) == [t + 7 * day - hour, at("2026-04-01T08:50:00Z"), at("2026-04-03T12:30:00Z")]
            + [at("2026-04-13T08:50:00Z"), at("2026-04-20T12:30:00Z")])
    #expect(dials.dropFirst().allSatisfy { $0.queue == "warm_lead_queue" && $0.dialMode == "power_dialer" })
}

@Test func aPlatformLoginInTheInactiveWindowEscalatesAndEndsTheCadence() throws {
    var lead = parisColdLead(try diallingEngine())
    let t = t0 + 16 * day
    lead.runTimers(until: t)
    #expect(lead.state?.cadence == "demo_inactive" && lead.pendingTimers.count == 3)
    let r = lead.send("platform_login", at: t)
    #expect(r.state.status == .open && r.state.cadence == nil && r.state.cadenceSchedule == nil)
    #expect(r.tasks(.dial).map(\.queue) == ["warm_lead_queue"])
    #expect(lead.pendingTimers.isEmpty)
    #expect(r.text.contains("cadence demo_inactive: the lead left nurture: cadence_call, cadence_message, cadence_window cancelled"))
    lead.runTimers(until: t + 60 * day)
    #expect(lead.live.filter { $0.due > t }.isEmpty)
}

@Test(arguments: [
    ("first_deposit", ["amount": Value.number(250)], "the lead is closed"),
    ("call_outcome", ["code": Value.string("C03")], "the lead is closed"),
    ("opt_out", ["channel": Value.string("all")], "the lead is closed"),
])
func closingTheLeadCancelsItsCadenceTimers(type: String, data: [String: Value], why: String) throws {
    var lead = parisColdLead(try diallingEngine())
    lead.runTimers(until: firstSlot)
    let r = lead.send(type, at: firstSlot + minute, data)
    #expect(r.state.status == .closed && r.state.cadenceSchedule == nil)
    #expect(lead.pendingTimers.isEmpty)
    #expect(r.text.contains("cadence demo_active_no_deposit: \(why)"))
    lead.runTimers(until: firstSlot + 100 * day)
    #expect(lead.live.filter { $0.due > firstSlot + minute && $0.kind != .handoff && $0.rule.contains("nurture") }.isEmpty)
}

@Test func aPhoneOptOutOrDncStopsTheCallsAndKeepsTheEmails() throws {
    for (type, data) in [("opt_out", ["channel": Value.string("phone")]), ("call_outcome", ["code": Value.string("D01")])] {
        var lead = parisColdLead(try diallingEngine())
        lead.runTimers(until: firstSlot)
        let r = lead.send(type, at: firstSlot + minute, data)
        #expect(r.state.cadenceSchedule?.nextCall == nil && lead.timers(TimerPurpose.cadenceCall).isEmpty)
        lead.runTimers(until: t0 + 100 * day)
        #expect(try cadenceDials(lead.live, line: "CALL 2-3 PER WEEK").isEmpty == false, "the first slot's dial was delivered")
        #expect(lead.live.filter { $0.kind == .dial && $0.due > firstSlot }.isEmpty, "\(type)")
        #expect(lead.live.filter { $0.kind == .email }.count == 9, "\(type)")
    }
}

@Test func anEmailOptOutStopsTheSequencesAndKeepsTheCalls() throws {
    var lead = parisColdLead(try diallingEngine())
    lead.runTimers(until: firstSlot)
    lead.send("opt_out", at: firstSlot + minute, ["channel": .string("email")])
    lead.runTimers(until: t0 + 100 * day)
    #expect(lead.live.filter { $0.kind == .email }.map(\.template) == ["platform_tips"])
    #expect(lead.live.filter { $0.kind == .dial }.count == 11)
}

/// A warm lead in Berlin captured on Saturday night: its warm dial waits for Monday 09:00.
func saturdayNightWarmLead() throws -> Driver {
    var lead = Driver(try engine())
    lead.send("lead_created", at: at("2026-03-21T21:00:00Z"), capture())
    return lead
}

@Test(arguments: [
    // A deposit-page visit: its callback is the hot dial (it covers the tier's).
    ("deposit_page_visit", "priority_callback_queue"),
    // Demo trades: the hot tier's own dial.
    ("demo_trade", "german_hot_lead_queue"),
])
func aLeadTurningHotWithdrawsItsWaitingWarmDial(event: String, queue: String) throws {
    var lead = try saturdayNightWarmLead()
    let warm = try #require(lead.live.first { $0.kind == .dial })
    #expect(warm.queue == "warm_lead_queue" && warm.due == at("2026-03-23T08:00:00Z"))
    lead.send("demo_account_created", at: at("2026-03-21T21:10:00Z"))
    let r = lead.send(event, at: at("2026-03-21T21:20:00Z"))
    #expect(r.state.tier == "hot")
    #expect(r.timers.contains(.cancelTask(id: warm.id, reason: "superseded by \(r.tasks(.dial).first?.id ?? "")")))
    #expect(lead.live.filter { $0.kind == .dial }.map(\.queue) == [queue], "one dial, not two")
    #expect(r.text.contains("pending dial \(warm.id) due 2026-03-23T08:00:00Z withdrawn"))
}

// MARK: - Small playbooks

let cadenceVocabulary = """
    EVENT lead_created
    EVENT ping
    EVENT pong
    QUEUE q
    TEMPLATE a EMAIL
    TEMPLATE b EMAIL
    TEMPLATE t SMS
    SCORE s MAX 100:
        source = "warm" => 50
    TIER warm WHEN lead_score >= 40: CALL WITHIN 2h
    TIER cold WHEN lead_score < 40: NURTURE
    IF lead_score >= 0:
        ASSIGN TO q
        DIAL_MODE = power_dialer
    BUSINESS DAYS MON-FRI
    ON ping: ESCALATE TO warm

    """

@Test func leavingTheCadenceWithdrawsItsTextStillWaitingForCallingHours() throws {
    let e = try engine(cadenceVocabulary + """
        CALLING HOURS MON-FRI 09:00-20:00
        CADENCE early DAYS 1-14:
            SMS t EVERY 1d
        """)
    var lead = Driver(e)
    let night = at("2026-03-23T20:00:00Z")  // 21:00 in Berlin
    let r = lead.send("lead_created", at: night, capture(["source": .string("cold")]))
    let sms = try #require(r.tasks(.sms).first)
    #expect(sms.due == at("2026-03-24T08:00:00Z") && r.state.pendingTasks.map(\.role) == [.cadence])
    let escalated = lead.send("ping", at: night + 30 * minute)
    #expect(escalated.timers.contains(.cancelTask(id: sms.id, reason: "the lead left nurture")))
    #expect(lead.live.map(\.kind) == [.dial], "the text is withdrawn, the warm dial stays")
}

@Test func exitWhenEndsTheCadenceAndTheLeadIsNotTakenBackIn() throws {
    let e = try engine(cadenceVocabulary + """
        CADENCE early DAYS 1-14:
            CALL 3 PER WEEK
            EMAIL a, b EVERY 2d
            EXIT WHEN seen(pong)
        """)
    var lead = Driver(e)
    lead.send("lead_created", at: t0, capture(["source": .string("cold")]))
    #expect(lead.pendingTimers.count == 3)
    let r = lead.send("pong", at: t0 + hour)
    #expect(r.text.contains("leaves cadence early: EXIT WHEN seen(pong)"))
    #expect(r.state.status == .nurturing && r.state.cadence == nil && lead.pendingTimers.isEmpty)
    let later = lead.send("pong", at: t0 + 2 * hour)
    #expect(later.state.cadence == nil && later.tasks.isEmpty)
    lead.runTimers(until: t0 + 30 * day)
    #expect(lead.live.map(\.template) == ["a"])
}

@Test(arguments: [
    // Without CALLING HOURS a business day's slots sit at 04:00, 12:00 and 20:00 local.
    ("", ["2026-03-24T03:00:00Z", "2026-03-25T11:00:00Z", "2026-03-26T19:00:00Z", "2026-03-27T03:00:00Z",
          "2026-03-30T10:00:00Z"]),
    // Two windows a day: the slot is a point of their minutes together
    // (09:00-12:00 and 14:00-17:00, 360 minutes: 10:00, 14:00, 16:00).
    ("CALLING HOURS MON-FRI 09:00-12:00, MON-FRI 14:00-17:00\n",
     ["2026-03-24T09:00:00Z", "2026-03-25T13:00:00Z", "2026-03-26T15:00:00Z", "2026-03-27T09:00:00Z",
      "2026-03-30T12:00:00Z"]),
])
func slotsArePlacedAcrossTheDaysCallingMinutes(hours: String, expected: [String]) throws {
    let e = try engine(cadenceVocabulary + hours + """
        CADENCE daily DAYS 1-30:
            CALL 5 PER WEEK
        """)
    var lead = Driver(e)
    lead.send("lead_created", at: t0, capture(["source": .string("cold")]))
    lead.runTimers(until: at("2026-03-30T12:00:00Z"))
    let dials = lead.live.filter { $0.kind == .dial }.map(\.due)
    #expect(dials.map(iso) == expected.map { iso(at($0)) })
}

@Test func aHolidayIsNotABusinessDayForTheCadence() throws {
    let plain = try engine(cadenceVocabulary + """
        CALLING HOURS MON-FRI 09:00-20:00
        CADENCE weekly DAYS 1-30:
            CALL 1 PER WEEK
        """)
    let e = Engine(compiled: plain.compiled, holidays: [LocalDate(year: 2026, month: 3, day: 26)])
    var lead = Driver(e)
    lead.send("lead_created", at: t0, capture(["source": .string("cold")]))
    // Business day 5 after Monday 23 March is Monday 30, or Tuesday 31 when Thursday 26 is a holiday.
    #expect(lead.timers(TimerPurpose.cadenceCall).map(\.due) == [at("2026-03-31T08:50:00Z")])
}
