// Conversion, affiliate quarantine and jurisdiction screening with the
// default playbook (conversion.rules, quarantine.rules, compliance.rules).

import Testing
@testable import RulesEngine

// MARK: - Conversion

@Test func aFirstDepositCallsAtOnceSendsOnboardingHandsOffWithin48hAndClosesTheLead() throws {
    var lead = try warmLead()
    let t = at(monday) + hour
    let r = lead.send("first_deposit", at: t, ["amount": .number(500)])
    #expect(r.state.status == .closed && r.state.converted && r.state.closedReason == "converted")
    let dial = try #require(r.tasks(.dial).first)
    #expect(r.tasks(.dial).count == 1)
    #expect(dial.queue == "onboarding_queue" && dial.priority == "IMMEDIATE" && dial.due == t)
    #expect(r.tasks(.email).map(\.template) == ["kyc_completion", "platform_setup", "first_live_trade"])
    #expect(r.tasks(.email).map(\.due) == [t, t + 2 * day, t + 4 * day])
    let handoff = try #require(r.tasks(.handoff).first)
    #expect(handoff.queue == "retention_team" && handoff.due == t && handoff.deadline == t + 48 * hour)
    #expect(r.tasks(.close).count == 1)
    #expect(r.timers.contains(.cancelTasks(leadID: "L1", kinds: Set(TaskKind.allCases), reason: "lead closed: converted")))
    // Closed: nothing more, whatever happens.
    let later = lead.send("deposit_page_visit", at: t + day)
    #expect(later.tasks.isEmpty)
    #expect(later.text.contains("lead is closed"))
}

@Test func anEmailOptOutAfterConversionStillCancelsTheOnboardingEmails() throws {
    var lead = try warmLead()
    let t = at(monday) + hour
    lead.send("first_deposit", at: t, ["amount": .number(500)])
    let r = lead.send("opt_out", at: t + day, ["channel": .string("email")])
    #expect(r.tasks.isEmpty)
    #expect(r.state.optedOut == [.email])
    #expect(r.timers.contains { if case .cancelTasks(_, let kinds, _) = $0 { kinds == [.email] } else { false } })
    #expect(lead.live.filter { $0.kind == .email && $0.due > t + day }.isEmpty)
}

// MARK: - Quarantine

/// An affiliate lead scoring 40 (DE, professional email, phone, age: 30; aff_1042: 10).
func goodAffiliate() throws -> Driver {
    try warmLead(["source": .string("affiliate"), "affiliate_id": .string("aff_1042")])
}

/// An affiliate lead scoring 5 (aff_3301 only).
func weakAffiliate() throws -> Driver {
    try warmLead(["source": .string("affiliate"), "affiliate_id": .string("aff_3301"), "email": .string("x@gmail.com"),
                  "phone": .missing, "country": .string("FR"), "age": .missing, "timezone": .string("Europe/Paris")])
}

@Test func anAffiliateLeadIsHeldThirtyMinutesWithNoDial() throws {
    var lead = try goodAffiliate()
    let r = try #require(lead.results.last)
    #expect(r.state.status == .quarantined)
    #expect(r.state.quarantine?.phase == .holding && r.state.quarantine?.heldUntil == at(monday) + 30 * minute)
    #expect(r.tasks.isEmpty)
    #expect(lead.pendingTimers.map(\.purpose) == [TimerPurpose.quarantineEnd])
    #expect(lead.pendingTimers.map(\.due) == [at(monday) + 30 * minute])
    let chat = lead.send("live_chat_started", at: at(monday) + 10 * minute)
    #expect(chat.tasks.isEmpty)
    #expect(chat.text.contains("quarantined"))
}

@Test func anAffiliateAtTheThresholdIsReleasedToTheWarmQueueWhenTheHoldEnds() throws {
    var lead = try goodAffiliate()
    let fired = lead.fireNextTimer()
    let r = try #require(fired)
    let end = at(monday) + 30 * minute
    #expect(r.state.status == .open && r.state.quarantine?.phase == .released)
    #expect(r.state.lastEvaluation?.score == 40)
    let dial = try #require(r.tasks.first)
    #expect(r.tasks.count == 1)
    #expect(dial.queue == "warm_lead_queue" && dial.due == end && dial.deadline == end + 2 * hour)
    #expect(r.text.contains("RELEASE WHEN lead_score >= 40 holds"))
}

@Test func aWeakAffiliateGetsSevenDaysOfEmailOnlyNurture() throws {
    var lead = try weakAffiliate()
    let fired = lead.fireNextTimer()
    let r = try #require(fired)
    let end = at(monday) + 30 * minute
    #expect(r.state.status == .quarantined && r.state.quarantine?.phase == .emailOnly)
    // FOR 7d is 7 local days: Berlin moves to CEST on 29 March, an hour less.
    #expect(r.state.quarantine?.emailOnlyUntil == end + 7 * day - hour)
    #expect(r.tasks.map(\.template) == ["affiliate_welcome", "platform_tips", "trading_guides"])
    #expect(r.tasks.map(\.due) == [end, end + 2 * day, end + 4 * day])
    #expect(lead.pendingTimers.map(\.due) == [end + 7 * day - hour])
    // Email only: a chat brings no call, a voicemail outcome no SMS.
    let chat = lead.send("live_chat_started", at: end + day)
    #expect(chat.tasks.isEmpty)
}

@Test func engagementDuringTheEmailOnlyNurtureGraduatesTheLeadToACall() throws {
    var lead = try weakAffiliate()
    lead.fireNextTimer()
    let t = at(monday) + 30 * minute + day
    let r = lead.send("email_open", at: t)
    #expect(r.state.status == .open && r.state.quarantine?.phase == .graduated)
    #expect(r.state.tier == "warm")
    let dial = try #require(r.tasks(.dial).first)
    #expect(dial.queue == "warm_lead_queue" && dial.deadline == t + 2 * hour)
    #expect(lead.pendingTimers.isEmpty, "the end-of-nurture timer is withdrawn")
}

@Test func aLeadThatNeverEngagesMovesToTheNurtureOfItsScoreAfterSevenDays() throws {
    var lead = try weakAffiliate()
    lead.fireNextTimer()
    let fired = lead.fireNextTimer()
    let r = try #require(fired)
    #expect(r.state.quarantine?.phase == .completed)
    #expect(r.state.status == .nurturing && r.state.tier == "cold")
    #expect(r.tasks(.dial).isEmpty)
    #expect(r.state.cadence == "demo_active_no_deposit" && r.tasks.map(\.template) == ["platform_tips"])
}

@Test func aDepositDuringTheHoldEndsTheQuarantineAndTheWelcomeCallGoesOut() throws {
    var lead = try goodAffiliate()
    let r = lead.send("first_deposit", at: at(monday) + 5 * minute, ["amount": .number(100)])
    #expect(r.state.quarantine?.phase == .released && r.state.status == .closed)
    #expect(r.tasks(.dial).map(\.queue) == ["onboarding_queue"])
    #expect(lead.pendingTimers.isEmpty)
}

@Test func aStaleQuarantineTimerIsIgnored() throws {
    var lead = try goodAffiliate()
    let timer = try #require(lead.pendingTimers.first)
    lead.fireNextTimer()
    let again = try engine().step(lead.state, .timer(timer))
    #expect(again.tasks.isEmpty && again.state == lead.state)
}

// MARK: - Jurisdiction

@Test(arguments: [["country": Value.string("US"), "timezone": .string("America/New_York")],
                  ["ip_country": Value.string("RU")]])
func aLeadFromARestrictedJurisdictionIsBlockedAndClosedWithoutACall(_ data: [String: Value]) throws {
    let lead = try warmLead(data)
    let r = try #require(lead.results.last)
    #expect(r.state.status == .closed && r.state.closedReason == "restricted jurisdiction")
    #expect(r.state.blockedReason == "jurisdiction not onboarded")
    #expect(r.tasks.map(\.kind) == [.block, .close])
    #expect(r.tasks.first?.channel == "all")
}

@Test func theWarmDialOfARestrictedLeadIsDroppedByTheClose() throws {
    let lead = try warmLead(["ip_country": .string("RU")])
    let r = try #require(lead.results.last)
    #expect(r.state.tier == "warm")
    #expect(r.tasks(.dial).isEmpty)
    #expect(r.text.contains("dial warm_lead_queue not issued: the lead is closed"))
}

@Test func aRestrictedAffiliateIsNotLeftWithAQuarantineTimer() throws {
    let lead = try warmLead(["source": .string("affiliate"), "country": .string("CA"), "timezone": .string("America/Toronto")])
    #expect(lead.state?.status == .closed)
    #expect(lead.pendingTimers.isEmpty)
}
