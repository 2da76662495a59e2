// The step function as a function: deterministic results and ids, inputs
// it refuses without crashing, events before capture, enrichment at
// capture, and a state that survives a JSON round trip.

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesEngine

func scenario(_ e: Engine) -> [StepResult] {
    var lead = Driver(e)
    lead.send("lead_created", at: "2026-03-28T14:00:00Z", capture(["source": .string("affiliate")]))
    lead.fireNextTimer()
    lead.send("call_outcome", at: "2026-03-30T07:05:00Z", ["code": .string("V01")])
    lead.send("webinar_attended", at: "2026-03-30T18:00:00Z", ["ends_at": .time(at("2026-03-30T17:45:00Z"))])
    lead.send("call_outcome", at: "2026-03-31T07:05:00Z", ["code": .string("N01")])
    lead.send("first_deposit", at: "2026-03-31T21:00:00Z", ["amount": .number(250)])
    return lead.results
}

@Test func theSameInputsGiveTheSameResultsAndTaskIdsFromSeparateCompilations() throws {
    let first = scenario(try engine())
    let program = try #require(Compiler.compile(try defaultPlaybookFiles()).program)
    let second = scenario(Engine(program: program))
    #expect(first == second)
    #expect(first.flatMap(\.tasks).count >= 8)
}

@Test func taskIdsAreFnv1aOfLeadRuleKindAndDue() {
    var h = FNV1a()
    h.add(bytes: Array("a".utf8))
    #expect(h.value == 0xaf63_dc4c_8601_ec8c, "the published FNV-1a 64 test vector")
    let id = TaskID.make(leadID: "L1", rule: "rules/x.rules:3", discriminator: "7|q", kind: .dial, due: 1000)
    #expect(id.hasPrefix("dial-") && id.count == 21)
    #expect(id == TaskID.make(leadID: "L1", rule: "rules/x.rules:3", discriminator: "7|q", kind: .dial, due: 1000))
    #expect(id != TaskID.make(leadID: "L2", rule: "rules/x.rules:3", discriminator: "7|q", kind: .dial, due: 1000))
    #expect(id != TaskID.make(leadID: "L1", rule: "rules/x.rules:4", discriminator: "7|q", kind: .dial, due: 1000))
    #expect(id != TaskID.make(leadID: "L1", rule: "rules/x.rules:3", discriminator: "7|q", kind: .dial, due: 1001))
    #expect(FNV1a.hash(["ab", "c"]) != FNV1a.hash(["a", "bc"]))
}

@Test func eventsBeforeCaptureAreCountedAndRunNoRule() throws {
    var lead = Driver(try engine())
    let early = lead.send("demo_trade", at: at(monday) - hour)
    #expect(early.tasks.isEmpty && !early.state.captured)
    #expect(early.text.contains("rules run once lead_created arrives"))
    let r = lead.send("lead_created", at: monday, capture())
    #expect(r.state.lastEvaluation?.score == 60, "45 and the earlier demo trade's 15")
    #expect(r.state.events["demo_trade"]?.count == 1)
}

@Test func aTimerForALeadNeverSeenIsIgnored() throws {
    let r = try engine().step(nil, .timer(TimerFiring(id: "t", leadID: "L9", purpose: TimerPurpose.quarantineEnd,
                                                      due: at(monday))))
    #expect(r.tasks.isEmpty && r.timers.isEmpty && !r.state.captured)
}

@Test func anUndeclaredEventTypeIsRefusedAndTheStateIsUnchanged() throws {
    var lead = try warmLead()
    let before = lead.state
    let r = lead.send("fax_received", at: at(monday) + hour)
    #expect(r.state == before)
    #expect(r.text.contains("unknown event type 'fax_received'"))
}

@Test func aPayloadOfTheWrongTypeIsRefusedAndTheStateIsUnchanged() throws {
    var lead = try warmLead()
    let before = lead.state
    let r = lead.send("webinar_attended", at: at(monday) + hour, ["ends_at": .string("soon")])
    #expect(r.state == before && r.tasks.isEmpty)
    #expect(r.text.contains("input not applied"))
}

@Test func captureDropsFieldsOfTheWrongTypeAndNormalisesThePhone() throws {
    let lead = try warmLead(["age": .string("thirty"), "phone": .string("030 1234567"), "shoe_size": .number(42)])
    let r = try #require(lead.results.last)
    #expect(r.state.fields["age"] == nil)
    #expect(r.state.fields["shoe_size"] == nil)
    #expect(r.state.phoneE164 == "+49301234567")
    #expect(r.state.fields["registered_at"] == .time(at(monday)))
    #expect(r.text.contains("'age' must be NUMBER, found STRING"))
    #expect(r.state.timeZone == "Europe/Berlin" && r.state.timeZoneSource == "timezone")
}

@Test func aDuplicateLeadIsLinkedAndNeverDialled() throws {
    var lead = Driver(try engine(), lead: "L2")
    let r = lead.send("lead_created", at: at(monday), capture(), context: StepContext(duplicateOf: "L1"))
    #expect(r.state.duplicateOf == "L1")
    #expect(r.tasks.isEmpty)
    #expect(r.text.contains("duplicate of lead L1"))
    let chat = lead.send("live_chat_started", at: at(monday) + hour)
    #expect(chat.tasks.isEmpty)
}

@Test func pendingTasksAreRememberedUntilTheirDueTimePasses() throws {
    var lead = try warmLead()
    let retry = lead.send("call_outcome", at: outcomeTime, ["code": .string("N02")])
    // The first dial was due at capture, before this input: delivered.
    #expect(retry.state.pendingTasks.map(\.kind) == [.dial])
    #expect(retry.state.pendingTasks.map(\.due) == [outcomeTime + 2 * hour])
    let later = lead.send("site_visit", at: outcomeTime + 3 * hour)
    #expect(later.state.pendingTasks.isEmpty)
}

@Test func aLeadStateSurvivesAJsonRoundTrip() throws {
    let results = scenario(try engine())
    for r in results {
        let data = try JSONEncoder().encode(r.state)
        let back = try JSONDecoder().decode(LeadState.self, from: data)
        #expect(back == r.state)
    }
    let quarantined = try #require(results.first?.state.quarantine)
    #expect(quarantined.phase == .holding)
}

@Test func valuesKeepTheirTypesThroughJson() throws {
    let values: [Value] = [.string("GB"), .number(2.5), .bool(true), .time(1_774_260_000_000), .duration(60_000),
                           .list([.number(1), .missing]), .missing]
    let back = try JSONDecoder().decode([Value].self, from: try JSONEncoder().encode(values))
    #expect(back == values)
}
