// Building `LeadFacts` from name-keyed snapshots: what is accepted, what is
// refused (with the field named), and the mutations the engine's step
// function will use: counting an event, switching the handled event.

import Testing
@testable import RulesEngine

@Test func factsRefuseAValueOfTheWrongType() throws {
    let lead = blankLead().with("age", .string("thirty"))
    #expect(throws: FactsError.wrongType(name: "age", expected: "NUMBER", found: "STRING")) {
        try LeadFacts(lead, for: playbook.compiled)
    }
    #expect(throws: FactsError.wrongType(name: "registered_at", expected: "TIME", found: "DURATION")) {
        try LeadFacts(blankLead().with("registered_at", .duration(5)), for: playbook.compiled)
    }
    #expect(throws: FactsError.outOfRange(name: "age")) {
        try LeadFacts(blankLead().with("age", .number(.infinity)), for: playbook.compiled)
    }
}

@Test func factsRefuseUnknownTiersEventsAndBadCounters() throws {
    var lead = blankLead()
    lead.tier = "lukewarm"
    #expect(throws: FactsError.unknownTier("lukewarm")) { try LeadFacts(lead, for: playbook.compiled) }
    lead = blankLead()
    lead.event = HandledEvent(type: "email_bounce")
    #expect(throws: FactsError.unknownEvent("email_bounce")) { try LeadFacts(lead, for: playbook.compiled) }
    lead = blankLead()
    lead.events["demo_trade"] = EventStats(count: 2, first: now, last: now - day)
    #expect(throws: FactsError.badEventStats(event: "demo_trade")) { try LeadFacts(lead, for: playbook.compiled) }
}

@Test func factsIgnoreNamesThePlaybookDoesNotDeclare() throws {
    var lead = blankLead().with("favourite_colour", .string("green"))
    lead.events["email_bounce"] = EventStats(count: 3, first: now, last: now)
    let e = try playbook.evaluate(lead)
    #expect(e.score == 0)
}

@Test func recordingAnEventCountsItAndMovesFirstAndLast() throws {
    var facts = try LeadFacts(blankLead(), for: playbook.compiled)
    let trade = try #require(playbook.compiled.layout.event("demo_trade"))
    let before = playbook.compiled.evaluate(facts)
    facts.record(trade, at: now - hour)
    facts.record(trade, at: now - 2 * hour)
    let after = playbook.compiled.evaluate(facts)
    #expect(playbook.points(before, "behavioral") == 0)
    #expect(playbook.points(after, "behavioral") == 15)
    // The same facts through the reference evaluator: counted twice, first two hours ago.
    var same = blankLead()
    same.events["demo_trade"] = EventStats(count: 2, first: now - 2 * hour, last: now - hour)
    #expect(playbook.reference.evaluate(same) == after)
}

@Test func theHandledEventFillsOnlyItsOwnParameters() throws {
    let trigger = try #require(playbook.compiled.triggers.first { $0.definition.event == "email_click" })
    let condition = try #require(trigger.condition)
    var lead = blankLead()
    lead.event = HandledEvent(type: "email_click", payload: ["cta": .string("book_call")])
    var facts = try LeadFacts(lead, for: playbook.compiled)
    #expect(condition.truth(facts, playbook.compiled.evaluate(facts)) == .holds)
    try facts.handle(HandledEvent(type: "email_click", payload: ["cta": .string("download")]),
                     layout: playbook.compiled.layout)
    #expect(condition.truth(facts, playbook.compiled.evaluate(facts)) == .fails)
    try facts.handle(HandledEvent(type: "first_deposit", payload: ["amount": .number(250)]),
                     layout: playbook.compiled.layout)
    #expect(condition.truth(facts, playbook.compiled.evaluate(facts)) == .unknown)
}

@Test func factsOfOneProgramDoNotFitAnother() throws {
    // A second compilation has its own layout; mixing them is a programming
    // error caught by a precondition, so only the identity is checked here.
    let other = CompiledProgram(program: playbook.program)
    let facts = try LeadFacts(blankLead(), for: other)
    #expect(facts.layout != ObjectIdentifier(playbook.compiled.layout))
    #expect(facts.layout == ObjectIdentifier(other.layout))
}
