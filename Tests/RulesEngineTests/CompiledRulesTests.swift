// Conditions outside scoring, compiled from the default playbook: trigger
// WHERE clauses (with `event.x`), cadence WHEN and EXIT WHEN, quarantine
// WHEN and RELEASE WHEN, and the values of action timings.

import Testing
@testable import RulesCompiler
@testable import RulesEngine

func truth(_ condition: CompiledCondition?, _ lead: LeadSnapshot) throws -> Truth {
    let c = try #require(condition)
    let facts = try LeadFacts(lead, for: playbook.compiled)
    return c.truth(facts, playbook.compiled.evaluate(facts))
}

func handling(_ type: String, _ payload: [String: Value], _ lead: LeadSnapshot = blankLead()) -> LeadSnapshot {
    var copy = lead
    copy.event = HandledEvent(type: type, payload: payload)
    return copy
}

@Test func triggerConditionsReadTheHandledEvent() throws {
    let click = playbook.compiled.triggers.first { $0.definition.event == "email_click" }?.condition
    #expect(try truth(click, handling("email_click", ["cta": .string("book_call")])) == .holds)
    #expect(try truth(click, handling("email_click", ["cta": .string("webinar")])) == .fails)
    #expect(try truth(click, handling("email_click", [:])) == .unknown)

    let optOutAll = playbook.compiled.triggers.first {
        $0.definition.event == "opt_out" && $0.condition != nil
    }?.condition
    #expect(try truth(optOutAll, handling("opt_out", ["channel": .string("all")])) == .holds)
    #expect(try truth(optOutAll, handling("opt_out", ["channel": .string("sms")])) == .fails)
}

@Test func restrictedJurisdictionTriggerChecksBothCountries() throws {
    let restricted = playbook.compiled.triggers.first {
        $0.definition.event == "lead_created" && $0.definition.condition != nil
    }?.condition
    #expect(try truth(restricted, blankLead().with("country", .string("US"))) == .holds)
    #expect(try truth(restricted, blankLead().with("ip_country", .string("RU"))) == .holds)
    #expect(try truth(restricted, blankLead().with("ip_country", .string("DE"))) == .fails)
    // FR declared, no IP country: FALSE OR unknown is unknown, which does not hold.
    #expect(try truth(restricted, blankLead()) == .unknown)
}

@Test func triggerOnDepositPageSkipsNurturingLeads() throws {
    let visit = playbook.compiled.triggers.first { $0.definition.event == "deposit_page_visit" }?.condition
    var lead = blankLead()
    #expect(try truth(visit, lead) == .holds)
    lead.status = .nurturing
    #expect(try truth(visit, lead) == .fails)
}

@Test func cadenceAndQuarantineConditions() throws {
    let early = try #require(playbook.compiled.cadences.first { $0.definition.name == "demo_active_no_deposit" })
    #expect(try truth(early.condition, blankLead()) == .holds)
    #expect(try truth(early.exitConditions.first, blankLead().with("first_deposit")) == .holds)
    let bonus = playbook.compiled.cadences.first { $0.definition.name == "demo_inactive" }?
        .triggers.first { $0.definition.event == "email_open" }
    #expect(try truth(bonus?.condition, blankLead().with("country", .string("BR"))) == .holds)
    #expect(try truth(bonus?.condition, blankLead()) == .fails)  // FR: bonuses restricted

    let hold = try #require(playbook.compiled.quarantines.first)
    #expect(try truth(hold.condition, affiliate("aff_1042")) == .holds)
    #expect(try truth(hold.condition, blankLead()) == .unknown)
    #expect(try truth(hold.releaseConditions.first, lead(score: 40, language: "English")) == .holds)
    #expect(try truth(hold.releaseConditions.first, lead(score: 39, language: "English")) == .fails)
}

@Test func actionTimingsCompileToValues() throws {
    let webinar = try #require(playbook.compiled.triggers.first { $0.definition.event == "webinar_attended" })
    let at = try #require(webinar.actions.first?.timing)
    let lead = handling("webinar_attended", ["ends_at": .time(now - hour)])
    let facts = try LeadFacts(lead, for: playbook.compiled)
    #expect(at.value(facts, playbook.compiled.evaluate(facts)) == .time(now - hour + 30 * 60_000))

    let download = try #require(playbook.compiled.triggers.first { $0.definition.event == "platform_download" })
    #expect(download.actions.first?.timing?.value(facts, Evaluation()) == .duration(15 * 60_000))

    let callback = try #require(playbook.compiled.dispositions["C01"]?.actions.first?.timing)
    let without = try LeadFacts(handling("call_outcome", ["code": .string("C01")]), for: playbook.compiled)
    #expect(callback.value(without, Evaluation()) == .missing)
}
