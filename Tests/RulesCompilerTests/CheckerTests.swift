// Behaviour of the checker beyond single codes: the seed fixture, queues
// declared implicitly, resolution across files, error recovery after parse
// errors, notes, and the type and name side tables.

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesLanguage

@Test func seedRoutingFixtureChecksWithNoErrors() throws {
    let seed = try sourceFile(at: fixturesURL().appendingPathComponent("seed-routing.rules"))
    let r = Compiler.compile([seed])
    #expect(r.errorCount == 0)
    // No CALLING HOURS in the four blocks alone: a warning, never an error.
    #expect(lines(r) == ["seed-routing.rules:1:1: warning: calls are scheduled but no CALLING HOURS are defined [W308]"])
    let program = try #require(r.program)
    #expect(program.routes.map(\.queue) == ["german_hot_lead_queue", "english_hot_lead_queue", "warm_lead_queue",
                                            "nurture_sequence"])
    #expect(program.routes.map(\.priority) == [.immediate, .immediate, .within(milliseconds: 7_200_000), .automated])
    #expect(program.routes.map(\.dialMode) == ["power_dialer", "power_dialer", "power_dialer", "none"])
    #expect(program.queues.values.filter { !$0.implicit }.isEmpty)
    #expect(program.queues.count == 4)
    #expect(program.routes.map(\.source.description) == ["seed-routing.rules:1", "seed-routing.rules:6",
                                                        "seed-routing.rules:11", "seed-routing.rules:16"])
}

@Test func assignDeclaresQueuesOnlyWhenNoQueueIsDeclared() {
    let routes = "IF lead_score >= 70:\n    ASSIGN TO hot_queue\n    DIAL_MODE = none\n"
    #expect(lines(compile(routes)) == [])
    #expect(lines(compile("QUEUE warm_queue\n" + routes)) == [
        "test.rules:1:7: warning: QUEUE 'warm_queue' is declared but never used [W310]",
        "test.rules:3:15: error: undefined queue 'hot_queue' [E204]",
    ])
}

@Test func callbackQueuesMustBeAssignedWhenQueuesAreImplicit() {
    let r = compile("""
    EVENT demo_trade
    IF TRUE:
        ASSIGN TO warm_lead_queue
        DIAL_MODE = none
    ON demo_trade: CALLBACK NOW TO warm_leads_queue
    CALLING HOURS MON-FRI 09:00-20:00
    """)
    #expect(withNotes(r) == [
        "test.rules:5:32: error: undefined queue 'warm_leads_queue' [E204]",
        "  note: did you mean 'warm_lead_queue'?",
    ])
}

@Test func namesResolveAcrossFilesInAnyOrder() {
    let r = compile(files: [
        ("a.rules", "ON webinar_attended: CALLBACK AT event.ends_at + 30m TO desk\nCALLING HOURS MON-FRI 09:00-20:00"),
        ("b.rules", "EVENT webinar_attended(ends_at: TIME)\nQUEUE desk"),
    ])
    #expect(lines(r) == [])
    #expect(r.program != nil)
}

@Test func duplicateAcrossFilesPointsToTheFirstDeclaration() {
    let r = compile(files: [("a.rules", "EVENT demo_trade\n"), ("b.rules", "\nEVENT demo_trade\n")])
    #expect(withNotes(r) == [
        "b.rules:2:7: error: EVENT 'demo_trade' is declared twice [E201]",
        "  note: first declared at a.rules:1",
    ])
    #expect(r.program == nil)
}

@Test func parseErrorsHoldBackUndefinedAndUnusedFindings() {
    let text = """
    EVENT platform_download(
    QUEUE spare
    ON platform_download: CALLBACK IN 15 TO callbacks
    CALLING HOURS MON-FRI 09:00-20:00
    """
    // The broken EVENT line explains the undefined event and queue; the
    // checker still reports the type error on the trigger line.
    #expect(codes(compile(text)) == ["E100", "E214"])
    let repaired = text.replacingOccurrences(of: "platform_download(\n", with: "platform_download\n")
    #expect(codes(compile(repaired)) == ["W310", "E214", "E204"])
}

@Test func parseErrorsHoldBackFindingsAboutMissingDeclarations() {
    // The misspelt CALLING HOURS line and the broken tier would explain the
    // missing calling hours (W308) and the uncovered scores (W302, W305).
    let text = """
    SCORE s MAX 100:
        TRUE => 50
    TIER hot WHEN lead_score >= 70: CALL WITHIN 60s
    TIER cold WHEN lead_score < 70 NURTURE
    QUEUE q
    IF lead_score >= 70:
        ASSIGN TO q
    CALING HOURS MON-FRI 09:00-20:00
    """
    #expect(codes(compile(text)) == ["E100", "E104"])
    let repaired = text.replacingOccurrences(of: "< 70 NURTURE", with: "< 70: NURTURE")
        .replacingOccurrences(of: "CALING", with: "CALLING")
    #expect(codes(compile(repaired)) == ["W305"])
    let noHours = repaired.replacingOccurrences(of: "CALLING HOURS MON-FRI 09:00-20:00", with: "")
    #expect(codes(compile(noHours)) == ["W308", "W305"])
}

@Test func undefinedNameNotesTheKindOfASimilarDeclaration() {
    let r = compile("""
    EVENT a
    SCORE behavioral MAX 10:
        a => 10
    TIER hot WHEN TRUE: NURTURE
    ON a WHERE behavioral > 5: CLOSE
    ON a WHERE hot: CLOSE
    """)
    #expect(withNotes(r) == [
        "test.rules:5:12: error: undefined name 'behavioral' [E200]",
        "  note: 'behavioral' is a score category: its points are points(behavioral)",
        "test.rules:6:12: error: undefined name 'hot' [E200]",
        "  note: 'hot' is a tier: test it with lead_tier = \"hot\"",
    ])
}

@Test func anEventNameComparedWithANumberExplainsSeenAndCount() {
    let r = compile("EVENT email_open\nSCORE s MAX 5:\n    email_open >= 3 => 5")
    #expect(withNotes(r) == [
        "test.rules:3:5: error: '>=' needs NUMBER, DURATION or TIME operands, found BOOL [E212]",
        "  note: 'email_open' is an event: alone it means seen(email_open); count(email_open) is how many times it happened",
    ])
}

@Test func anEventNameGivenAsPointsSuggestsCount() {
    let r = compile("EVENT email_open\nSCORE s MAX 5:\n    TRUE => email_open")
    #expect(withNotes(r) == [
        "test.rules:3:13: error: the points value of a score row needs a NUMBER, found BOOL [E214]",
        "  note: 'email_open' is an event: alone it means seen(email_open); count(email_open) is how many times it happened",
    ])
}

@Test func aBareNumberWhereADurationBelongsSuggestsAUnit() {
    let r = compile("EVENT a\nON a: CALLBACK IN 15\nCALLING HOURS MON 09:00-10:00")
    #expect(r.diagnostics.first?.notes == ["a duration needs a unit, as in 15m or 15h (ms, s, m, h, d, w)"])
}

@Test func invalidExpressionsSilenceFollowUpMessages() {
    // The duration is too large (E004, an invalid expression): no type error follows.
    let r = compile("EVENT a\nQUEUE q\nON a: CALLBACK IN 99999999999999999999w TO q\nCALLING HOURS MON 09:00-10:00")
    #expect(codes(r) == ["E004"])
}

@Test func errorTypesDoNotCascade() {
    // One undefined name, one message: the comparison and the AND accept the error type.
    let r = compile("EVENT a\nON a WHERE lenguage = \"de\" AND lenguage != \"fr\" OR 1 + lenguage > 2: CLOSE")
    #expect(codes(r) == ["E200", "E200", "E200"])
}

@Test func typesAndNamesAreRecordedByExpressionID() throws {
    let r = compile("""
    EVENT webinar_attended(ends_at: TIME)
    QUEUE q
    LIST langs = ["German"]
    ON webinar_attended WHERE language IN langs: CALLBACK AT event.ends_at + 30m TO q
    CALLING HOURS MON-FRI 09:00-20:00
    """)
    let program = try #require(r.program)
    let trigger = try #require(program.triggers.first)
    let condition = try #require(trigger.condition)
    guard case .membership(let value, let list, negated: false) = condition.kind,
          case .callback(let timing, _, _) = trigger.actions.first?.action.kind,
          case .at(let at) = timing.kind else {
        Issue.record("unexpected trigger shape")
        return
    }
    #expect(program.types[condition.id] == .bool)
    #expect(program.types[value.id] == .string)
    #expect(program.types[list.id] == .list(.string))
    #expect(program.types[at.id] == .time)
    #expect(program.names[value.id] == .field("language"))
    #expect(program.names[list.id] == .list("langs"))
    #expect(program.sourceLocation(of: at.id) == "test.rules:4")
    #expect(program.sourceLocation(of: trigger.actions[0].action.id) == "test.rules:4")
}

@Test func diagnosticsOfAllFilesComeSortedByFileAndPosition() {
    let r = compile(files: [
        ("b.rules", "ON nothing: CLOSE\n"),
        ("a.rules", "EVENT a(x: TXT)\nON a WHERE nope: CLOSE\n"),
    ])
    #expect(lines(r).map { String($0.prefix(9)) } == ["a.rules:1", "a.rules:2", "b.rules:1"])
}
