// Consent: an opt-out per channel takes effect at once, for tasks already
// scheduled and for every later one, whatever the rules say; and calling
// hours move dials and texts into the lead's local window, reporting an SLA
// breach rather than hiding it.

import Testing
@testable import RulesEngine

func cancelled(_ r: StepResult) -> Set<TaskKind> {
    var kinds = Set<TaskKind>()
    for t in r.timers { if case .cancelTasks(_, let k, _) = t { kinds.formUnion(k) } }
    return kinds
}

@Test func aPhoneOptOutCancelsPendingDialsAndBlocksLaterOnesButNotEmail() throws {
    var lead = try warmLead()
    lead.send("call_outcome", at: outcomeTime, ["code": .string("N02")])  // a retry in 2 hours
    let r = lead.send("opt_out", at: outcomeTime + minute, ["channel": .string("phone")])
    #expect(r.state.optedOut == [.phone] && r.state.doNotCall)
    #expect(cancelled(r) == [.dial])
    #expect(r.tasks.map(\.kind) == [.block] && r.tasks.first?.channel == "phone")
    #expect(lead.live.filter { $0.kind == .dial && $0.due > outcomeTime }.isEmpty)
    let chat = lead.send("live_chat_started", at: outcomeTime + hour)
    #expect(chat.tasks.isEmpty)
    let missed = lead.send("call_outcome", at: outcomeTime + 2 * hour, ["code": .string("N01")])
    #expect(missed.tasks.map(\.template) == ["missed_call"])
}

@Test func anEmailOptOutDropsEmailsAndKeepsDials() throws {
    var lead = try warmLead()
    let r = lead.send("opt_out", at: outcomeTime, ["channel": .string("email")])
    #expect(cancelled(r) == [.email])
    let missed = lead.send("call_outcome", at: outcomeTime + hour, ["code": .string("N01")])
    #expect(missed.tasks.map(\.kind) == [.dial])
    #expect(missed.text.contains("email missed_call not issued: the lead opted out of email"))
}

@Test func anSmsOptOutDropsTheVoicemailTextAndKeepsTheRetry() throws {
    var lead = try warmLead()
    let r = lead.send("opt_out", at: outcomeTime, ["channel": .string("SMS")])
    #expect(r.state.optedOut == [.sms])
    #expect(cancelled(r) == [.sms])
    let voicemail = lead.send("call_outcome", at: outcomeTime + hour, ["code": .string("V01")])
    #expect(voicemail.tasks.map(\.kind) == [.dial])
}

@Test func optingOutOfEverythingClosesTheLead() throws {
    var lead = try warmLead()
    let r = lead.send("opt_out", at: outcomeTime, ["channel": .string("all")])
    #expect(r.state.optedOut == Set(ContactChannel.allCases))
    #expect(r.state.status == .closed && r.state.closedReason == "opted out of all contact")
    #expect(cancelled(r) == Set(TaskKind.allCases))
    // The CLOSE is a second ON opt_out: it drops other rules' tasks of the
    // step, but not the block of the first, which records the consent change.
    #expect(r.tasks.map(\.kind) == [.block, .close])
    #expect(r.state.blockedChannels.keys.sorted() == ContactChannel.allCases)
}

@Test func anOptOutWithoutAUsableChannelChangesNothing() throws {
    var lead = try warmLead()
    let r = lead.send("opt_out", at: outcomeTime, ["channel": .string("fax")])
    #expect(r.state.optedOut.isEmpty && !r.state.doNotCall)
    #expect(r.tasks.isEmpty)
    #expect(r.text.contains("'fax' is not phone, email, sms or all"))
}

@Test func theEngineRefusesDialsToAnOptedOutLeadEvenWhenTheRulesIgnoreOptOuts() throws {
    let e = try engine("""
        EVENT lead_created
        EVENT opt_out(channel: STRING)
        EVENT live_chat_started
        QUEUE q
        CALLING HOURS MON-SUN 00:00-24:00
        ON live_chat_started: CALLBACK NOW TO q
        """)
    var lead = Driver(e)
    lead.send("lead_created", at: monday, capture())
    let out = lead.send("opt_out", at: outcomeTime, ["channel": .string("phone")])
    #expect(cancelled(out) == [.dial])
    let chat = lead.send("live_chat_started", at: outcomeTime + hour)
    #expect(chat.tasks.isEmpty)
    #expect(chat.text.contains("the lead is do-not-call"))
}

// MARK: - Calling hours

@Test func aWarmLeadCapturedOnSaturdayAfternoonIsDialledMondayMorningWithTheBreachReported() throws {
    var lead = Driver(try engine())
    // Saturday 28 March 2026 15:00 CET; the change to CEST is that night.
    let r = lead.send("lead_created", at: "2026-03-28T14:00:00Z", capture())
    let dial = try #require(r.tasks.first)
    #expect(iso(dial.due) == "2026-03-30T07:00:00Z", "Monday 09:00 CEST")
    #expect(dial.deadline == at("2026-03-28T16:00:00Z"))
    #expect(dial.slaBreach?.contains("outside calling hours in Europe/Berlin") == true)
    #expect(r.text.contains("SLA breach"))
}

@Test func aHotLeadAtFiveToEightIsCalledAtOnceAndOneAtEightWaitsForMorning() throws {
    func hot(at time: String) throws -> LeadTask? {
        var lead = Driver(try engine())
        lead.send("lead_created", at: time, capture(["source": .string("organic_search")]))
        lead.send("demo_account_created", at: at(time))
        return lead.send("demo_trade", at: at(time)).tasks(.dial).first
    }
    // Wednesday 25 March 2026: 19:55 and 20:00 CET.
    let early = try #require(try hot(at: "2026-03-25T18:55:00Z"))
    #expect(iso(early.due) == "2026-03-25T18:55:00Z" && early.slaBreach == nil)
    let late = try #require(try hot(at: "2026-03-25T19:00:00Z"))
    #expect(iso(late.due) == "2026-03-26T08:00:00Z" && late.slaBreach != nil)
}

@Test func emailsAreNotHeldToCallingHoursButTextsAre() throws {
    var lead = Driver(try engine())
    lead.send("lead_created", at: "2026-03-25T10:00:00Z", capture())
    // 23:00 CET on Wednesday.
    let r = lead.send("call_outcome", at: "2026-03-25T22:00:00Z", ["code": .string("V01")])
    #expect(r.tasks(.sms).map { iso($0.due) } == ["2026-03-26T08:00:00Z"])
    let n = lead.send("call_outcome", at: "2026-03-25T22:30:00Z", ["code": .string("N01")])
    #expect(n.tasks(.email).map { iso($0.due) } == ["2026-03-25T22:30:00Z"])
}

@Test func callingHoursAreCountedInTheLeadsOwnZone() throws {
    // 08:30 UTC on Monday: 09:30 in Berlin (open), 08:30 in London (closed), 19:30 in Sydney.
    let t = "2026-03-23T08:30:00Z"
    var berlin = Driver(try engine())
    let b = berlin.send("lead_created", at: t, capture())
    #expect(b.tasks.first.map { iso($0.due) } == t)
    var london = Driver(try engine())
    let l = london.send("lead_created", at: t, capture(["country": .string("GB"), "timezone": .string("Europe/London")]))
    #expect(l.tasks.first.map { iso($0.due) } == "2026-03-23T09:00:00Z")
    var sydney = Driver(try engine())
    let s = sydney.send("lead_created", at: t, capture(["country": .string("AU"), "timezone": .missing,
                                                       "phone": .string("+61 2 9374 4000")]))
    #expect(s.state.timeZone == "Australia/Sydney")
    #expect(s.tasks.first.map { iso($0.due) } == t)
}

@Test func aLeadWithNoZoneIsCalledOnUtcHoursAndTheExplanationSaysSo() throws {
    var lead = Driver(try engine())
    let r = lead.send("lead_created", at: monday, capture(["country": .missing, "timezone": .missing, "phone": .missing,
                                                           "email": .string("a@b.example")]))
    #expect(r.state.timeZone == nil)
    #expect(r.text.contains("calling hours are counted in UTC"))
}
