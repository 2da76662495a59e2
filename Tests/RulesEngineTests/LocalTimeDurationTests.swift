// Durations written in days or weeks are local days wherever the engine
// adds them to a time, beyond IN and EVERY of actions: a quarantine's hold
// and its email-only nurture (EVERY, FOR, and FOR spread over the emails),
// and the constant part of an `AT t + 7d` expression. Hours stay exact.
// All in Berlin around Sunday 29 March 2026 (CET → CEST at 01:00Z).

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesEngine

/// A warm lead in Berlin captured at `time` (quarantined by the playbooks below).
func berlinWarmLead(_ e: Engine, at time: String) -> Driver {
    var d = Driver(e)
    d.send("lead_created", at: at(time), capture(["source": .string("warm")]))
    return d
}

@Test(arguments: [
    // The hold as written, the end of the hold for a lead captured Saturday 28 March 10:00 CET.
    ("1d", "2026-03-29T08:00:00Z"),     // Sunday 10:00 CEST: 23 hours
    ("1w", "2026-04-04T08:00:00Z"),     // Saturday 10:00 CEST
    ("24h", "2026-03-29T09:00:00Z"),    // 24 hours: 11:00 CEST
    ("1d + 2h", "2026-03-29T10:00:00Z"),
])
func aQuarantineHoldInDaysEndsAtTheSameLocalTime(hold: String, end: String) throws {
    let e = try localTimeEngine("""
        QUARANTINE WHEN source = "warm" FOR \(hold):
            RELEASE WHEN lead_score >= 70
            EMAIL a FOR 1d

        """)
    let d = berlinWarmLead(e, at: "2026-03-28T09:00:00Z")
    #expect(d.state?.quarantine.map { iso($0.heldUntil) } == iso(at(end)))
    #expect(d.pendingTimers.map { iso($0.due) } == [iso(at(end))])
}

@Test func theEmailOnlyNurtureCountsItsEveryAndForInLocalDays() throws {
    let e = try localTimeEngine("""
        QUARANTINE WHEN source = "warm" FOR 1h:
            RELEASE WHEN lead_score >= 70
            EMAIL a, b, c EVERY 2d FOR 1w

        """)
    // Captured Friday 27 March 10:00 CET; the hold ends at 11:00 CET.
    var d = berlinWarmLead(e, at: "2026-03-27T09:00:00Z")
    let fired = d.fireNextTimer()
    let r = try #require(fired)
    #expect(r.state.quarantine?.phase == .emailOnly)
    #expect(r.tasks(.email).map { iso($0.due) }
            == ["2026-03-27T10:00:00Z", "2026-03-29T09:00:00Z", "2026-03-31T09:00:00Z"].map { iso(at($0)) },
            "11:00 local each time")
    #expect(r.state.quarantine?.emailOnlyUntil.map(iso) == iso(at("2026-04-03T09:00:00Z")), "a week: Friday 11:00 CEST")
    #expect(d.pendingTimers.map(\.purpose) == [TimerPurpose.quarantineNurtureEnd])
}

@Test func anEmailOnlyNurtureWithoutEverySpreadsItsDaysOverTheEmails() throws {
    let e = try localTimeEngine("""
        QUARANTINE WHEN source = "warm" FOR 1h:
            RELEASE WHEN lead_score >= 70
            EMAIL a, b FOR 4d
            EMAIL c FOR 36h

        """)
    var d = berlinWarmLead(e, at: "2026-03-27T09:00:00Z")
    let fired = d.fireNextTimer()
    let r = try #require(fired)
    // `a, b FOR 4d`: b two local days after a, Sunday 11:00 CEST; `c` at once.
    #expect(r.tasks(.email).map { "\($0.template ?? "") \(iso($0.due))" }
            == ["a \(iso(at("2026-03-27T10:00:00Z")))", "b \(iso(at("2026-03-29T09:00:00Z")))",
                "c \(iso(at("2026-03-27T10:00:00Z")))"])
    #expect(r.state.quarantine?.emailOnlyUntil.map(iso) == iso(at("2026-03-31T09:00:00Z")),
            "the longest FOR, 4 local days")
}

@Test(arguments: [
    // The AT expression, the email's due time for a meeting starting Friday 27 March 10:00 CET.
    ("event.starts + 7d", "2026-04-03T08:00:00Z"),       // Friday 10:00 CEST, 167 h
    ("event.starts + 7d + 2h", "2026-04-03T10:00:00Z"),  // then 2 hours: 12:00 CEST
    ("event.starts + 1w - 30m", "2026-04-03T07:30:00Z"),
    ("2d + event.starts", "2026-03-29T08:00:00Z"),       // Sunday 10:00 CEST
    ("event.starts + 168h", "2026-04-03T09:00:00Z"),     // 168 hours: 11:00 CEST
    ("event.starts + 30m", "2026-03-27T09:30:00Z"),
])
func atATimePlusDaysKeepsTheWallClock(expression: String, due: String) throws {
    let e = try localTimeEngine("""
        EVENT meeting(starts: TIME)
        ON meeting: EMAIL a AT \(expression)

        """)
    var d = localLead(e, zone: "Europe/Berlin", country: "DE")
    let r = d.send("meeting", at: at("2026-03-26T09:00:00Z"), ["starts": .time(at("2026-03-27T09:00:00Z"))])
    #expect(r.tasks(.email).map { iso($0.due) } == [iso(at(due))])
}

@Test func atATimeMinusDaysCountsBackInLocalDays() throws {
    let e = try localTimeEngine("""
        EVENT meeting(starts: TIME)
        ON meeting: EMAIL a AT event.starts - 7d

        """)
    var d = localLead(e, zone: "Europe/Berlin", country: "DE")
    // A week before Friday 3 April 10:00 CEST is Friday 27 March 10:00 CET (169 h before).
    let r = d.send("meeting", at: at("2026-03-26T09:00:00Z"), ["starts": .time(at("2026-04-03T08:00:00Z"))])
    #expect(r.tasks(.email).map { iso($0.due) } == [iso(at("2026-03-27T09:00:00Z"))])
}
