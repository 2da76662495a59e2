// The ten disposition codes of the default playbook (dispositions.rules):
// each outcome's next action and its timing, and the attempt count.

import Testing
@testable import RulesEngine

/// A warm lead dialled at 11:00 Berlin time; the outcome comes ten minutes later.
let outcomeTime = at(monday) + 10 * minute

func outcome(_ code: String, _ extra: [String: Value] = [:]) throws -> (Driver, StepResult) {
    var lead = try warmLead()
    var data = extra
    data["code"] = .string(code)
    let r = lead.send("call_outcome", at: outcomeTime, data)
    return (lead, r)
}

@Test func c01CallsBackWhenTheAgentAgreed() throws {
    let agreed = at(monday) + day + 3 * hour
    let (_, r) = try outcome("C01", ["callback_at": .time(agreed)])
    let dial = try #require(r.tasks.first)
    #expect(r.tasks.count == 1)
    #expect(dial.kind == .dial && dial.due == agreed && dial.queue == "warm_lead_queue")
    #expect(dial.attempt == 2)
    #expect(dial.rule == (try rule("dispositions.rules", "DISPOSITION C01")))
}

@Test func c01WithoutACallbackTimeIssuesNothingAndSaysWhy() throws {
    let (_, r) = try outcome("C01")
    #expect(r.tasks.isEmpty)
    #expect(r.text.contains("AT has no value"))
}

@Test func c02NurturesAndCallsAgainInSevenDays() throws {
    let (_, r) = try outcome("C02")
    #expect(r.state.status == .nurturing)
    #expect(r.state.cadence == "demo_active_no_deposit")
    // The dial in a week, and the cadence's first email on entering it.
    #expect(r.tasks.map(\.kind) == [.dial, .email])
    // IN 7d counts local days: 11:10 CET on Monday 23 March is 11:10 CEST
    // on Monday 30 March, after Berlin's DST change, one hour less elapsed.
    #expect(r.tasks.first?.due == outcomeTime + 7 * day - hour)
    #expect(r.tasks(.email).map(\.template) == ["platform_tips"])
}

@Test func c03ClosesTheLeadWithNoFollowUp() throws {
    var (lead, busy) = try outcome("N02")
    #expect(busy.tasks(.dial).count == 1)
    let r = lead.send("call_outcome", at: outcomeTime + 30 * minute, ["code": .string("C03")])
    #expect(r.state.status == .closed && r.state.closedReason == "not interested")
    #expect(r.tasks.map(\.kind) == [.close])
    #expect(r.timers.contains(.cancelTasks(leadID: "L1", kinds: Set(TaskKind.allCases), reason: "lead closed: not interested")))
    #expect(lead.live.filter { $0.kind == .dial && $0.due > outcomeTime }.isEmpty, "the pending retry is withdrawn")
    let later = lead.send("deposit_page_visit", at: outcomeTime + hour)
    #expect(later.tasks.isEmpty)
    #expect(later.state.events["deposit_page_visit"]?.count == 1)
}

@Test func c04FlagsForVerificationAndRemovesFromTheQueue() throws {
    var (lead, r) = try outcome("C04")
    #expect(r.state.flags == ["verify_data"])
    #expect(r.state.removedFromQueue)
    #expect(r.tasks.isEmpty)
    #expect(r.timers.contains { if case .cancelTasks(_, let kinds, _) = $0 { kinds == [.dial] } else { false } })
    let chat = lead.send("live_chat_started", at: outcomeTime + hour)
    #expect(chat.tasks.isEmpty, "no dial until the data is captured again")
    lead.send("lead_created", at: outcomeTime + 2 * hour, ["phone": .string("+49 30 7654321")])
    let again = lead.send("live_chat_started", at: outcomeTime + 3 * hour)
    #expect(again.tasks(.dial).count == 1)
}

@Test func v01RetriesAtTheNextBusinessDaysFirstWindowAndTextsABookingLink() throws {
    let (_, r) = try outcome("V01")
    let dial = try #require(r.tasks(.dial).first)
    // Tuesday 24 March, 09:00 CET = 08:00 UTC.
    #expect(iso(dial.due) == "2026-03-24T08:00:00Z")
    #expect(dial.queue == "warm_lead_queue" && dial.attempt == 2)
    let sms = try #require(r.tasks(.sms).first)
    #expect(sms.template == "book_callback" && sms.due == outcomeTime)
}

@Test func v01OnAFridayRetriesOnMonday() throws {
    var lead = Driver(try engine())
    let friday = at("2026-03-27T10:00:00Z")
    lead.send("lead_created", at: friday, capture())
    let r = lead.send("call_outcome", at: friday + 10 * minute, ["code": .string("V01")])
    #expect(r.tasks(.dial).map { iso($0.due) } == ["2026-03-30T07:00:00Z"], "Monday 09:00 CEST")
}

@Test(arguments: [("V02", 4 * hour), ("N02", 2 * hour), ("N03", 1 * hour)])
func retryCodesCallAgainAfterTheirDelay(code: String, delay: Int64) throws {
    let (_, r) = try outcome(code)
    #expect(r.tasks.count == 1)
    let dial = try #require(r.tasks.first)
    #expect(dial.kind == .dial && dial.due == outcomeTime + delay && dial.queue == "warm_lead_queue")
    #expect(dial.attempt == 2)
}

@Test func n01RetriesAtTheCadencesNextCallSlotAndEmailsAboutTheMissedCall() throws {
    let (_, r) = try outcome("N01")
    // demo_active_no_deposit calls at most 3 times a week: every 56 hours.
    let dial = try #require(r.tasks(.dial).first)
    #expect(dial.due == outcomeTime + 56 * hour)
    #expect(dial.reason.contains("3 calls per week"))
    #expect(r.tasks(.email).map(\.template) == ["missed_call"])
    #expect(r.tasks(.email).first?.due == outcomeTime)
}

@Test func d01BlocksPhoneAndSmsForGoodAndCancelsPendingDials() throws {
    var (lead, busy) = try outcome("N02")
    #expect(busy.tasks(.dial).count == 1)
    let r = lead.send("call_outcome", at: outcomeTime + 30 * minute, ["code": .string("D01")])
    #expect(r.state.doNotCall)
    #expect(r.state.blockedChannels == [.phone: "DNC requested", .sms: "DNC requested"])
    let blocks = r.tasks(.block)
    #expect(blocks.map(\.channel) == ["phone", "sms"])
    #expect(Set(blocks.map(\.id)).count == 2, "two actions on one line get two ids")
    #expect(lead.live.filter { $0.kind == .dial && $0.due > outcomeTime }.isEmpty, "the pending retry is withdrawn")
    #expect(r.timers.contains { if case .cancelTasks(_, let kinds, _) = $0 { kinds == [.dial] } else { false } })
    let chat = lead.send("live_chat_started", at: outcomeTime + day)
    #expect(chat.tasks.isEmpty)
    let voicemail = lead.send("call_outcome", at: outcomeTime + 2 * day, ["code": .string("V01")])
    #expect(voicemail.tasks.isEmpty, "neither the retry nor the SMS")
    let email = lead.send("call_outcome", at: outcomeTime + 3 * day, ["code": .string("N01")])
    #expect(email.tasks.map(\.kind) == [.email], "email is still allowed")
}

@Test func everyOutcomeCountsAnAttemptAndTheNextDialCarriesItsNumber() throws {
    var (lead, _) = try outcome("N03")
    let r = lead.send("call_outcome", at: outcomeTime + 2 * hour, ["code": .string("N02")])
    #expect(r.state.attempts == 2)
    #expect(r.tasks.first?.attempt == 3)
}

@Test func anUnknownCodeIsExplainedAndDoesNothing() throws {
    let (_, r) = try outcome("X99")
    #expect(r.tasks.isEmpty)
    #expect(r.state.attempts == 1)
    #expect(r.text.contains("'X99' is not a declared DISPOSITION"))
}

@Test func allTenSeedCodesAreDeclared() throws {
    let codes = try engine().compiled.dispositions.keys.sorted()
    #expect(codes == ["C01", "C02", "C03", "C04", "D01", "N01", "N02", "N03", "V01", "V02"])
}
