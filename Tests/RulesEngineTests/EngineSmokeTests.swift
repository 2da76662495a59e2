import Testing
@testable import RulesEngine

@Test func hotGermanLeadGetsADialInTheGermanQueueWithinSixtySeconds() throws {
    var lead = Driver(try engine())
    lead.send("lead_created", at: "2026-03-23T10:00:00Z", capture())
    lead.send("demo_account_created", at: "2026-03-23T10:01:00Z")
    let r = lead.send("deposit_page_visit", at: "2026-03-23T10:02:00Z")
    print(r.text)
    print(r.tasks)
    #expect(r.state.tier == "hot")
}
