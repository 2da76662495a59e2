// Lowering: what the engine receives from a clean playbook.

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesLanguage

private let playbook = """
EVENT demo_trade
EVENT call_outcome(code: STRING, callback_at: TIME?)
EVENT email_open
FIELD affiliate_id: STRING?
LIST tier1_countries = ["GB", "AU", "DE"]
TABLE affiliate_quality BY affiliate_id DEFAULT 5:
    "aff_1" => 10
QUEUE hot_queue "Hot leads"
QUEUE nurture_sequence
TEMPLATE tips EMAIL "Platform tips"
TEMPLATE book_callback SMS
SCORE behavioral MAX 50:
    count(demo_trade) > 0 => 15
SCORE source MAX 70:
    country IN tier1_countries => 10
    source = "affiliate" => affiliate_quality
    TRUE => points(behavioral)
TIER hot WHEN lead_score >= 40: CALL WITHIN 60s
TIER cold WHEN lead_score < 40: NURTURE demo
IF lead_score >= 40:
    ASSIGN TO hot_queue
    PRIORITY = within_2_hours
    DIAL_MODE = Power_Dialer
IF lead_score < 40:
    ASSIGN TO nurture_sequence
    DIAL_MODE = none
ON demo_trade: CALLBACK IN 15m TO hot_queue PRIORITY URGENT
CADENCE demo DAYS 1-14 WHEN NOT seen(demo_trade):
    CALL 2-3 PER WEEK
    CALL EVERY 2w
    EMAIL tips EVERY 4d
    SMS book_callback EVERY 1w
    ON email_open: ESCALATE TO hot
    EXIT WHEN seen(demo_trade)
DISPOSITION C01 "Connected - Interested": CALLBACK AT event.callback_at
DISPOSITION V01 "Voicemail left": RETRY NEXT BUSINESS DAY; SMS book_callback
CALLING HOURS MON-FRI 09:00-20:00, SAT 10:00-14:00, FRI 21:00-22:00
BUSINESS DAYS MON-THU, SAT
HOLIDAYS "holidays.txt"
QUARANTINE affiliate_hold WHEN source = "affiliate" FOR 30m:
    RELEASE WHEN lead_score >= 40
    EMAIL tips EVERY 2d FOR 7d
    GRADUATE ON email_open, demo_trade
"""

private func compiled() throws -> Program {
    let r = compile(playbook, path: "p.rules")
    #expect(lines(r) == [])
    return try #require(r.program)
}

@Test func programHoldsVocabularyWithTypesAndValues() throws {
    let p = try compiled()
    #expect(p.events["call_outcome"]?.params.map(\.name) == ["code", "callback_at"])
    #expect(p.events["call_outcome"]?.params.last?.type == DeclaredType(.time, optional: true))
    #expect(p.fields["affiliate_id"]?.type == DeclaredType(.string, optional: true))
    #expect(p.fields["country"]?.type.type == .country)
    #expect(p.fields["country"]?.source == nil)
    #expect(p.lists["tier1_countries"]?.values == [.string("GB"), .string("AU"), .string("DE")])
    #expect(p.tables["affiliate_quality"]?.rows == [.init(key: .string("aff_1"), value: .number(10))])
    #expect(p.tables["affiliate_quality"]?.defaultValue == .number(5))
    #expect(p.tables["affiliate_quality"]?.valueType == .number)
    #expect(p.queues["hot_queue"]?.description == "Hot leads")
    #expect(p.queues["hot_queue"]?.implicit == false)
    #expect(p.templates["book_callback"]?.channel == .sms)
}

@Test func programHoldsScoringTiersAndRoutesInOrder() throws {
    let p = try compiled()
    #expect(p.categories.map(\.name) == ["behavioral", "source"])
    #expect(p.categories.map(\.max) == [50, 70])
    let points = p.categories[1].rows.map(\.points)
    #expect(points.count == 3)
    #expect(points[0] == .constant(10))
    #expect(points[1] == .table("affiliate_quality"))
    if case .expression(let e) = points[2], case .call(let f, _) = e.kind {
        #expect(f.name == "points")
    } else {
        Issue.record("third row should keep its points expression")
    }
    #expect(p.tiers.map(\.action) == [.call(slaMilliseconds: 60_000), .nurture(cadence: "demo")])
    #expect(p.routes.map(\.queue) == ["hot_queue", "nurture_sequence"])
    #expect(p.routes[0].priority == .within(milliseconds: 7_200_000))
    #expect(p.routes[0].priorityName == "within_2_hours")
    #expect(p.routes[0].dialMode == "power_dialer")
    #expect(p.routes[1].priority == nil)
    #expect(p.routes.map(\.source.description) == ["p.rules:20", "p.rules:24"])
}

@Test func programHoldsTriggersCadencesAndDispositions() throws {
    let p = try compiled()
    #expect(p.triggers.map(\.event) == ["demo_trade"])
    #expect(p.triggers[0].actions.map(\.priority) == [.urgent])
    let cadence = try #require(p.cadences.first)
    #expect(cadence.firstDay == 1 && cadence.lastDay == 14)
    #expect(cadence.calls == [.perWeek(min: 2, max: 3), .every(milliseconds: 1_209_600_000)])
    #expect(cadence.sequences == [
        .init(channel: .email, templates: ["tips"], everyMilliseconds: 345_600_000,
              every: CalendarSpan(days: 4, milliseconds: 0)),
        .init(channel: .sms, templates: ["book_callback"], everyMilliseconds: 604_800_000,
              every: CalendarSpan(days: 7, milliseconds: 0)),
    ])
    #expect(cadence.callEvery == CalendarSpan(days: 14, milliseconds: 0))
    #expect(cadence.triggers.map(\.event) == ["email_open"])
    #expect(cadence.triggers.first?.cadence == "demo")
    #expect(cadence.exitConditions.count == 1)
    #expect(p.dispositions.keys.sorted() == ["C01", "V01"])
    #expect(p.dispositions["V01"]?.label == "Voicemail left")
    #expect(p.dispositions["V01"]?.actions.count == 2)
    #expect(p.dispositions["V01"]?.source.description == "p.rules:36")
}

@Test func programHoldsCalendarAndQuarantine() throws {
    let p = try compiled()
    let hours = try #require(p.callingHours)
    #expect(hours.windows[.monday] == [540..<1200])
    #expect(hours.windows[.friday] == [540..<1200, 1260..<1320])
    #expect(hours.windows[.saturday] == [600..<840])
    #expect(hours.windows[.sunday] == nil)
    #expect(p.businessDays == [.monday, .tuesday, .wednesday, .thursday, .saturday])
    #expect(p.holidaysPath == "holidays.txt")
    let q = try #require(p.quarantines.first)
    #expect(q.name == "affiliate_hold")
    #expect(q.holdMilliseconds == 1_800_000)
    #expect(q.releaseConditions.count == 1)
    #expect(q.emailNurture == [.init(templates: ["tips"], everyMilliseconds: 172_800_000, forMilliseconds: 604_800_000)])
    #expect(q.graduateOn == ["email_open", "demo_trade"])
}

@Test func businessDaysDefaultToMondayToFriday() throws {
    let p = try #require(compile("EVENT a").program)
    #expect(p.businessDays == [.monday, .tuesday, .wednesday, .thursday, .friday])
    #expect(p.callingHours == nil)
}

@Test func noProgramWhenThereAreErrors() {
    let r = compile("EVENT a\nON b: CLOSE")
    #expect(r.errorCount == 1)
    #expect(r.program == nil)
}

@Test func sourceLocationNamesFileAndLineOfAnyNode() throws {
    let p = try compiled()
    let route = p.routes[1]
    #expect(p.sourceLocation(of: route.condition.id) == "p.rules:24")
    #expect(p.sourceLocation(of: route.condition.range, in: route.source.file) == "p.rules:24")
    #expect(p.sourceLocation(of: Int.max) == nil)
}
