// Cadences driven by timers, over the default playbook: the three nurture
// windows of rules/nurture.rules (calls per week inside calling hours, the
// email sequences at their spacing, the moves at days 15 and 31), nothing
// scheduled after day 90, and re-engagement by an event. The engine is
// driven step by step, firing its timers in due order as a scheduler would
// (`Driver.runTimers`).
//
// The default playbook routes cold leads to nurture_sequence with
// DIAL_MODE none, so its cadence calls are never dialled; `diallingEngine`
// is the same playbook with that route dialling, to see the calls.

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesEngine
import RulesLanguage

/// The default playbook with its nurture route on a power dialer.
let diallingPlaybookEngine: Engine? = {
    guard let files = try? defaultPlaybookFiles() else { return nil }
    let changed = files.map { file -> SourceFile in
        guard file.path == "rules/routing.rules" else { return file }
        let text = String(decoding: file.bytes, as: UTF8.self)
            .replacingOccurrences(of: "DIAL_MODE = none", with: "DIAL_MODE = power_dialer")
        return SourceFile(path: file.path, text: text)
    }
    return Compiler.compile(changed).program.map { Engine(program: $0) }
}()

func diallingEngine() throws -> Engine { try #require(diallingPlaybookEngine) }

extension Driver {
    /// Fires every pending timer due by `time`, in due order.
    mutating func runTimers(until time: Int64) {
        while let next = pendingTimers.min(by: { $0.due < $1.due }), next.due <= time { fireNextTimer() }
    }

    /// Pending timers of one purpose.
    func timers(_ purpose: String) -> [TimerFiring] { pendingTimers.filter { $0.purpose == purpose } }
}

/// The capture time of the cadence tests' leads: Monday 23 March 2026,
/// 11:00 in Paris (CET; CEST from 29 March).
let t0 = at("2026-03-23T10:00:00Z")

/// A cold lead (score 10) in Paris, nurturing from `t0`.
func parisColdLead(_ e: Engine) -> Driver {
    var lead = Driver(e)
    lead.send("lead_created", at: t0, [
        "email": .string("jean@gmail.com"), "country": .string("FR"), "language": .string("French"),
        "source": .string("social"), "timezone": .string("Europe/Paris"), "age": .number(34),
    ])
    return lead
}

/// The cadence dials among `tasks`, by the CALL line that issued them.
func cadenceDials(_ tasks: [LeadTask], line: String) throws -> [LeadTask] {
    let rule = try rule("nurture.rules", line)
    return tasks.filter { $0.kind == .dial && $0.rule == rule }
}

@Test(arguments: [
    // Days 1-14, CALL 2-3 PER WEEK: business days 2, 4, 5, 7, 9 after Monday's
    // entry, at 1/6, 3/6, 5/6 of the day's calling minutes in turn (10:50,
    // 14:30, 18:10 local); the 10th business day's slot is past day 14.
    ("CALL 2-3 PER WEEK", ["2026-03-25T09:50:00Z", "2026-03-27T13:30:00Z", "2026-03-30T16:10:00Z",
                            "2026-04-01T08:50:00Z", "2026-04-03T12:30:00Z"]),
    // Days 15-30, CALL 1 PER WEEK, from Monday 6 April: the Mondays after.
    ("CALL 1 PER WEEK", ["2026-04-13T08:50:00Z", "2026-04-20T12:30:00Z"]),
    // Days 31-90, CALL EVERY 2w, from Wednesday 22 April: every 10th business day.
    ("CALL EVERY 2w", ["2026-05-06T08:50:00Z", "2026-05-20T12:30:00Z", "2026-06-03T16:10:00Z",
                        "2026-06-17T08:50:00Z"]),
])
func eachWindowCallsOnItsSlotsInsideCallingHours(line: String, expected: [String]) throws {
    var lead = parisColdLead(try diallingEngine())
    lead.runTimers(until: t0 + 120 * day)
    let dials = try cadenceDials(lead.live, line: line)
    #expect(dials.map { iso($0.due) } == expected.map { iso(at($0)) })
    for dial in dials {
        #expect(insideFloorHours(dial.due, zone: "Europe/Paris"))
        #expect(dial.queue == "nurture_sequence" && dial.dialMode == "power_dialer" && dial.priority == "AUTOMATED")
    }
}

@Test func theFirstWindowCallsTwoOrThreeTimesInEverySevenDays() throws {
    var lead = parisColdLead(try diallingEngine())
    lead.runTimers(until: t0 + 14 * day)
    let dials = try cadenceDials(lead.live, line: "CALL 2-3 PER WEEK").map(\.due)
    for start in stride(from: t0, through: t0 + 7 * day, by: Int64.Stride(day)) {
        let inWeek = dials.filter { $0 >= start && $0 < start + 7 * day }.count
        #expect((2...3).contains(inWeek), "\(inWeek) calls in the week from \(iso(start))")
    }
    // Never two calls on one local day.
    let days = dials.map { CallingCalendar.localDate(of: $0, in: TimeZone(identifier: "Europe/Paris") ?? .current) }
    #expect(Set(days).count == dials.count)
}

@Test func theEmailSequencesGoOutAtTheirSpacingInEachWindow() throws {
    var lead = parisColdLead(try engine())
    lead.runTimers(until: t0 + 400 * day)
    let emails = lead.live.filter { $0.kind == .email }
    let expected: [(String, Int64, String)] = [
        ("platform_tips", 0, "EMAIL platform_tips"), ("trading_guides", 4 * day, "EMAIL platform_tips"),
        // EVERY 4d is local days: 11:00 in Paris, CEST from 29 March.
        ("market_analysis", 8 * day - hour, "EMAIL platform_tips"),
        // One template: sent every 7 days while the lead is in the window.
        ("success_stories", 14 * day, "EMAIL success_stories"), ("success_stories", 21 * day, "EMAIL success_stories"),
        ("success_stories", 28 * day, "EMAIL success_stories"),
        ("market_alerts", 30 * day, "EMAIL market_alerts"), ("platform_updates", 51 * day, "EMAIL market_alerts"),
        ("regulatory_news", 72 * day, "EMAIL market_alerts"),
    ]
    #expect(emails.map(\.template) == expected.map(\.0))
    #expect(emails.map(\.due) == expected.map { t0 + $0.1 })
    #expect(emails.map(\.rule) == (try expected.map { try rule("nurture.rules", $0.2) }))
    #expect(emails.first?.reason == "cadence demo_active_no_deposit: EMAIL platform_tips (1 of 3)")
}

@Test func theLeadMovesToTheNextWindowOnDays15And31And91() throws {
    var lead = parisColdLead(try engine())
    let table: [(Int64, String?)] = [
        (14 * day - 1, "demo_active_no_deposit"), (14 * day, "demo_inactive"), (30 * day - 1, "demo_inactive"),
        (30 * day, "dormant"), (90 * day - 1, "dormant"), (90 * day, "lapsed"), (365 * day, nil),
    ]
    for (offset, cadence) in table {
        lead.runTimers(until: t0 + offset)
        #expect(lead.state?.cadence == cadence, "at day offset \(Double(offset) / Double(day))")
        #expect(lead.state?.status == .nurturing)
    }
    let move = try #require(lead.results.first { $0.text.contains("enters cadence demo_inactive") })
    #expect(move.text.contains("leaves cadence demo_active_no_deposit: its DAYS window is over"))
}

@Test func nothingIsScheduledAfterDay90() throws {
    var lead = parisColdLead(try diallingEngine())
    lead.runTimers(until: t0 + 2 * 365 * day)
    #expect(lead.live.filter { $0.due >= t0 + 90 * day }.isEmpty)
    #expect(lead.pendingTimers.isEmpty, "\(lead.pendingTimers.map(\.purpose))")
    let last = try #require(lead.results.last)
    #expect(last.text.contains("none ahead: nothing is scheduled until an event re-engages the lead"))
    // Between day 91 and 365 the only timer is the end of the lapsed window.
}

@Test func afterDay90AnEventReEngagesTheLead() throws {
    var lead = parisColdLead(try engine())
    lead.runTimers(until: t0 + 100 * day)
    #expect(lead.pendingTimers.map(\.purpose) == [TimerPurpose.cadenceWindow])
    let visit = lead.send("site_visit", at: t0 + 100 * day)
    let dial = try #require(visit.tasks(.dial).first)
    #expect(dial.queue == "warm_lead_queue" && dial.deadline == t0 + 100 * day + 2 * hour)
    #expect(visit.text.contains("cadence lapsed: ON site_visit: escalated to warm"))
    #expect(visit.state.status == .open && visit.state.cadenceSchedule == nil)
    #expect(lead.pendingTimers.isEmpty, "the lapsed window's timer is cancelled")
}

@Test func afterTheLastWindowATopLevelTriggerStillCalls() throws {
    var lead = parisColdLead(try engine())
    lead.runTimers(until: t0 + 400 * day)
    let r = lead.send("platform_download", at: t0 + 400 * day)
    #expect(r.tasks(.dial).map(\.queue) == ["priority_callback_queue"])
}

@Test func aNurtureRouteWithDialModeNoneFiresItsSlotsWithoutDialling() throws {
    var lead = parisColdLead(try engine())
    lead.runTimers(until: t0 + 3 * day)
    #expect(lead.live.filter { $0.kind == .dial }.isEmpty)
    let slot = try #require(lead.results.first { $0.text.contains("DIAL_MODE none") })
    #expect(slot.text.contains("cadence demo_active_no_deposit: call slot 1: route nurture_sequence has DIAL_MODE none, no dial"))
    #expect(lead.timers(TimerPurpose.cadenceCall).count == 1, "the next slot is still planned")
}

@Test func onlyOneTimerOfEachPurposeIsPendingAtATime() throws {
    var lead = parisColdLead(try diallingEngine())
    var time = t0
    while time < t0 + 100 * day {
        time += 6 * hour
        lead.runTimers(until: time)
        for purpose in [TimerPurpose.cadenceCall, TimerPurpose.cadenceMessage, TimerPurpose.cadenceWindow] {
            #expect(lead.timers(purpose).count <= 1, "\(purpose) at \(iso(time))")
        }
        let schedule = lead.state?.cadenceSchedule
        #expect(lead.timers(TimerPurpose.cadenceCall).map(\.due) == (schedule?.nextCall).map { [$0] } ?? [])
        #expect(lead.timers(TimerPurpose.cadenceMessage).map(\.due) == (schedule?.nextMessage).map { [$0] } ?? [])
    }
}

@Test func theScheduleSurvivesAJsonRoundTrip() throws {
    var lead = parisColdLead(try diallingEngine())
    lead.runTimers(until: t0 + 20 * day)
    let state = try #require(lead.state)
    #expect(state.cadenceSchedule != nil && !state.cadenceSequences.isEmpty)
    let decoded = try JSONDecoder().decode(LeadState.self, from: try JSONEncoder().encode(state))
    #expect(decoded == state)
}
