// Tier entry and every trigger of the default playbook (triggers.rules,
// nurture.rules): what each one issues, to which queue, when.

import Testing
@testable import RulesEngine

@Test func aWarmLeadGetsOneDialInTheWarmQueueDueNowWithTheTwoHourDeadline() throws {
    let lead = try warmLead()
    let r = try #require(lead.results.last)
    #expect(r.state.lastEvaluation?.score == 45)
    #expect(r.state.tier == "warm")
    #expect(r.state.status == .open)
    let dial = try #require(r.tasks.first)
    #expect(r.tasks.count == 1)
    #expect(dial.kind == .dial && dial.queue == "warm_lead_queue" && dial.priority == "WITHIN_2_HOURS")
    #expect(dial.dialMode == "power_dialer" && dial.attempt == 1)
    #expect(dial.due == at(monday) && dial.deadline == at(monday) + 2 * hour && dial.slaBreach == nil)
    #expect(dial.rule == (try rule("tiers.rules", "TIER warm")))
}

@Test(arguments: [("German", "german_hot_lead_queue"), ("English", "english_hot_lead_queue"),
                  ("Polish", "international_hot_lead_queue")])
func aHotLeadIsDialledWithinSixtySecondsByTheDeskOfItsLanguage(language: String, queue: String) throws {
    // 45 + demo account 10 + demo trade 15 = 70.
    var lead = try warmLead(["language": .string(language)])
    lead.send("demo_account_created", at: at(monday) + 3 * minute)
    let r = lead.send("demo_trade", at: at(monday) + 4 * minute)
    #expect(r.state.lastEvaluation?.score == 70)
    #expect(r.state.tier == "hot")
    let dial = try #require(r.tasks(.dial).first)
    #expect(r.tasks.count == 1)
    #expect(dial.queue == queue && dial.priority == "IMMEDIATE")
    #expect(dial.deadline == at(monday) + 4 * minute + 60_000)
}

@Test func aColdLeadIsNotDialledAndNurturesInTheCadenceOfItsAge() throws {
    let lead = try coldLead()
    let r = try #require(lead.results.last)
    #expect(r.state.lastEvaluation?.score == 10)
    #expect(r.state.tier == "cold")
    #expect(r.state.status == .nurturing)
    #expect(r.state.cadence == "demo_active_no_deposit")
    #expect(r.tasks.map(\.kind) == [.email], "no dial; the cadence's first email (EngineCadence*Tests)")
}

@Test func aDepositPageVisitCallsBackNowInThePriorityQueue() throws {
    var lead = try warmLead()
    let r = lead.send("deposit_page_visit", at: at(monday) + 5 * minute)
    let dial = try #require(r.tasks.first)
    #expect(r.tasks.count == 1)
    #expect(dial.queue == "priority_callback_queue" && dial.priority == "IMMEDIATE")
    #expect(dial.due == at(monday) + 5 * minute)
    // The rule is the action's line, under its ON.
    #expect(dial.rule == (try rule("triggers.rules", "    CALLBACK NOW TO priority_callback_queue")))
}

@Test func aNurturingLeadsDepositPageVisitIsCalledOnceByItsCadenceRule() throws {
    var lead = try coldLead()
    let r = lead.send("deposit_page_visit", at: at(monday) + hour)
    #expect(r.state.status == .nurturing)
    let dials = r.tasks(.dial)
    #expect(dials.count == 1)
    #expect(dials.first?.queue == "priority_callback_queue")
    let cadenceRule = try rule("nurture.rules", "ON deposit_page_visit")
    #expect(dials.first?.rule == cadenceRule)
    #expect(r.text.contains("WHERE lead_status != \"nurturing\" does not hold"))
}

@Test func aHotDepositVisitMakesOneCallWithTheTiersDeadlineNotTwo() throws {
    var lead = try warmLead()
    lead.send("demo_account_created", at: at(monday) + minute)
    let r = lead.send("deposit_page_visit", at: at(monday) + 2 * minute)
    #expect(r.state.tier == "hot")
    let dials = r.tasks(.dial)
    #expect(dials.count == 1)
    #expect(dials.first?.queue == "priority_callback_queue")
    #expect(dials.first?.deadline == at(monday) + 2 * minute + 60_000)
}

@Test func aLiveChatOffersACallAtOnce() throws {
    var lead = try warmLead()
    let r = lead.send("live_chat_started", at: at(monday) + 20 * minute)
    #expect(r.tasks.map(\.queue) == ["priority_callback_queue"])
    #expect(r.tasks.first?.due == at(monday) + 20 * minute)
    #expect(r.tasks.first?.priority == "IMMEDIATE")
}

@Test func aPlatformDownloadCallsFifteenMinutesLater() throws {
    var lead = try warmLead()
    let r = lead.send("platform_download", at: at(monday) + 20 * minute)
    #expect(r.state.lastEvaluation?.score == 60)
    let dial = try #require(r.tasks.first)
    #expect(r.tasks.count == 1)
    #expect(dial.queue == "priority_callback_queue" && dial.due == at(monday) + 35 * minute)
    // No PRIORITY on the trigger: the route's.
    #expect(dial.priority == "WITHIN_2_HOURS")
}

@Test func aWebinarCallsThirtyMinutesAfterTheSessionEndsNotAfterTheReport() throws {
    var lead = try warmLead()
    let ends = at(monday) + 3 * hour
    let r = lead.send("webinar_attended", at: ends + 5 * minute, ["ends_at": .time(ends)])
    #expect(r.tasks(.dial).map(\.due) == [ends + 30 * minute])
    // Reported a day late: the time has passed, the call is due now.
    let late = lead.send("webinar_attended", at: ends + day, ["ends_at": .time(ends)])
    #expect(late.tasks(.dial).map(\.due) == [ends + day])
    // No end time: no call, and the explanation says why.
    let missing = lead.send("webinar_attended", at: ends + day + hour)
    #expect(missing.tasks.isEmpty)
    #expect(missing.text.contains("AT has no value"))
}

@Test func aBookCallClickGoesToTheNextAvailableAgentAndOtherClicksDoNot() throws {
    var lead = try warmLead()
    let r = lead.send("email_click", at: at(monday) + hour, ["cta": .string("book_call")])
    let dial = try #require(r.tasks.first)
    #expect(r.tasks.count == 1)
    #expect(dial.due == at(monday) + hour && dial.queue == "priority_callback_queue")
    #expect(dial.reason.contains("NEXT AVAILABLE"))
    let other = lead.send("email_click", at: at(monday) + 2 * hour, ["cta": .string("read_more")])
    #expect(other.tasks.isEmpty)
}

@Test func aPlatformLoginInTheInactiveWindowEscalatesAColdLeadToAWarmCall() throws {
    // Registered 16 days before: day 17, cadence demo_inactive.
    var lead = try coldLead(registered: at(monday) - 16 * day)
    #expect(lead.state?.cadence == "demo_inactive")
    let r = lead.send("platform_login", at: at(monday) + hour)
    #expect(r.state.tier == "warm" && r.state.escalatedTier == "warm")
    #expect(r.state.status == .open)
    let dial = try #require(r.tasks.first)
    #expect(dial.queue == "warm_lead_queue" && dial.deadline == at(monday) + 3 * hour)
    #expect(r.explanation.contains { $0.rule == (try? rule("nurture.rules", "ON platform_login")) })
}

@Test func aDormantLeadsSiteVisitEscalatesToWarm() throws {
    var lead = try coldLead(registered: at(monday) - 40 * day)
    #expect(lead.state?.cadence == "dormant")
    let r = lead.send("site_visit", at: at(monday) + hour)
    #expect(r.tasks(.dial).map(\.queue) == ["warm_lead_queue"])
}

@Test func theDepositBonusIsOfferedOnlyOutsideTheRestrictedCountries() throws {
    var allowed = try coldLead(registered: at(monday) - 16 * day)
    allowed.send("lead_created", at: monday, ["country": .string("ZA"), "timezone": .string("Africa/Johannesburg")])
    let offered = allowed.send("email_open", at: at(monday) + hour)
    #expect(offered.tasks.map(\.template) == ["deposit_bonus_offer"])
    var restricted = try coldLead(registered: at(monday) - 16 * day)
    let refused = restricted.send("email_open", at: at(monday) + hour)
    #expect(refused.tasks.isEmpty)
}
