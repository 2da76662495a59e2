// Constructs the default playbook does not exercise, each in a small
// playbook of its own: RELEASE, ESCALATE never lowering, CLOSE keeping its
// own list, EMAIL and SMS timings, HANDOFF without WITHIN, CALLBACK
// PRIORITY WITHIN_n, DIAL_MODE none, NURTURE of a named cadence, CONVERT
// alone, BLOCK EMAIL, no CALLING HOURS, HOLIDAYS.

import Testing
@testable import RulesEngine

let vocabulary = """
    EVENT lead_created
    EVENT ping
    EVENT pong
    EVENT call_outcome(code: STRING)
    QUEUE q
    QUEUE team
    TEMPLATE a EMAIL
    TEMPLATE b EMAIL
    TEMPLATE c EMAIL
    TEMPLATE t SMS
    SCORE s MAX 100:
        source = "hot" => 80
        source = "warm" => 50
    TIER hot WHEN lead_score >= 70: CALL WITHIN 60s
    TIER warm WHEN lead_score 40-69: CALL WITHIN 2h
    TIER cold WHEN lead_score < 40: NURTURE
    IF lead_score >= 40:
        ASSIGN TO q
        PRIORITY = HIGH
        DIAL_MODE = power_dialer
    IF lead_score < 40:
        ASSIGN TO q
        DIAL_MODE = none
    CALLING HOURS MON-FRI 09:00-20:00
    BUSINESS DAYS MON-FRI

    """

func playbook(_ rules: String, holidays: Set<LocalDate> = []) throws -> Engine {
    let e = try engine(vocabulary + rules)
    return Engine(compiled: e.compiled, holidays: holidays)
}

func lead(_ e: Engine, source: String) -> Driver {
    var d = Driver(e)
    d.send("lead_created", at: monday, capture(["source": .string(source)]))
    return d
}

@Test func releaseEndsAQuarantineHoldEarlyAndTheTiersDialFollows() throws {
    let e = try playbook("""
        QUARANTINE WHEN source = "warm" FOR 1h:
            RELEASE WHEN lead_score >= 70
        ON ping: RELEASE
        """)
    var d = lead(e, source: "warm")
    #expect(d.state?.status == .quarantined && d.results.last?.tasks.isEmpty == true)
    let r = d.send("ping", at: at(monday) + 10 * minute)
    #expect(r.state.status == .open && r.state.quarantine?.phase == .released)
    #expect(r.tasks(.dial).map(\.deadline) == [at(monday) + 10 * minute + 2 * hour])
    #expect(d.pendingTimers.isEmpty)
}

@Test func escalationNeverLowersAHotLead() throws {
    let e = try playbook("ON ping: ESCALATE TO warm\n")
    var d = lead(e, source: "hot")
    let r = d.send("ping", at: at(monday) + minute)
    #expect(r.state.tier == "hot" && r.state.escalatedTier == nil)
    #expect(r.tasks.isEmpty)
    #expect(r.text.contains("already in tier hot"))
}

@Test func escalationBringsANurturedLeadOfACallingTierBackToItsDial() throws {
    // A warm lead sent to nurture by a disposition re-engages: the escalation
    // to the tier it already scores takes it out of nurture, with the dial.
    let e = try playbook("""
        DISPOSITION C02 "Not ready": NURTURE
        ON ping: ESCALATE TO warm
        """)
    var d = lead(e, source: "warm")
    d.send("call_outcome", at: at(monday) + 5 * minute, ["code": .string("C02")])
    #expect(d.state?.status == .nurturing)
    let r = d.send("ping", at: at(monday) + 3 * hour)
    #expect(r.state.status == .open && r.state.tier == "warm")
    #expect(r.tasks(.dial).map(\.deadline) == [at(monday) + 5 * hour])
    #expect(r.text.contains("leaves nurture to be called"))
}

@Test func closeKeepsTheTasksOfItsOwnListEvenAfterItAndDropsOtherLists() throws {
    let e = try playbook("""
        ON ping: EMAIL a
        ON ping:
            CLOSE "done"
            EMAIL b
        ON ping: EMAIL c
        """)
    var d = lead(e, source: "warm")
    let r = d.send("ping", at: at(monday) + minute)
    #expect(r.tasks.map(\.kind) == [.close, .email])
    #expect(r.tasks(.email).map(\.template) == ["b"])
    #expect(r.text.contains("lead already closed, skipped"))
}

@Test func emailSequencesStartAtTheirTimingAndSmsWaitsForCallingHours() throws {
    let e = try playbook("""
        ON ping: EMAIL a, b, c EVERY 1d IN 2h
        ON pong: SMS t IN 12h
        """)
    var d = lead(e, source: "warm")
    let t = at(monday) + minute
    let r = d.send("ping", at: t)
    #expect(r.tasks.map(\.due) == [t + 2 * hour, t + 26 * hour, t + 50 * hour])
    #expect(Set(r.tasks.map(\.id)).count == 3)
    // 11:01 + 12h is 23:01 in Berlin: the text goes out at 09:00 on Tuesday.
    let sms = d.send("pong", at: t)
    #expect(sms.tasks.map { iso($0.due) } == ["2026-03-24T08:00:00Z"])
}

@Test func handoffWithoutWithinHasNoDeadlineAndCallbackPriorityWithinSetsOne() throws {
    let e = try playbook("""
        ON ping: HANDOFF TO team
        ON pong: CALLBACK IN 1h TO q PRIORITY WITHIN_15_MINUTES
        """)
    var d = lead(e, source: "warm")
    let h = d.send("ping", at: at(monday) + minute)
    #expect(h.tasks.map(\.kind) == [.handoff] && h.tasks.first?.deadline == nil && h.tasks.first?.queue == "team")
    let c = d.send("pong", at: at(monday) + minute)
    let dial = try #require(c.tasks.first)
    #expect(dial.priority == "WITHIN_15_MINUTES" && dial.deadline == dial.due + 15 * minute)
}

@Test func aRouteWithDialModeNoneNeverDialsButACallbackToANamedQueueDoes() throws {
    let e = try playbook("""
        ON ping: CALLBACK NOW
        ON pong: CALLBACK NOW TO team
        """)
    var d = lead(e, source: "cold")
    #expect(d.state?.status == .nurturing)
    let own = d.send("ping", at: at(monday) + minute)
    #expect(own.tasks.isEmpty)
    #expect(own.text.contains("DIAL_MODE none"))
    let named = d.send("pong", at: at(monday) + minute)
    #expect(named.tasks.map(\.queue) == ["team"])
}

@Test func nurtureOfANamedCadenceAndConvertAlone() throws {
    let e = try playbook("""
        CADENCE slow DAYS 1-30:
            CALL 1 PER WEEK
        ON ping: NURTURE slow
        ON pong: CONVERT
        ON call_outcome: RETRY PER CADENCE
        """)
    var d = lead(e, source: "warm")
    let n = d.send("ping", at: at(monday) + minute)
    #expect(n.state.status == .nurturing && n.state.cadence == "slow")
    let retry = d.send("call_outcome", at: at(monday) + hour, ["code": .string("X")])
    // A week of 7 local days: Berlin moves to CEST on 29 March, an hour less.
    #expect(retry.tasks.map(\.due) == [at(monday) + hour + 7 * day - hour])
    let c = d.send("pong", at: at(monday) + 2 * hour)
    #expect(c.state.status == .converted && c.state.converted)
}

@Test func blockEmailStopsEmailsForGood() throws {
    let e = try playbook("""
        ON ping: BLOCK EMAIL "bounced"
        ON pong: EMAIL a
        """)
    var d = lead(e, source: "warm")
    let b = d.send("ping", at: at(monday) + minute)
    #expect(b.tasks.map(\.channel) == ["email"] && b.state.blockedChannels == [.email: "bounced"])
    #expect(cancelled(b) == [.email])
    #expect(d.send("pong", at: at(monday) + hour).tasks.isEmpty)
}

@Test func withoutCallingHoursADialAtNightIsNotMoved() throws {
    let e = try engine("""
        EVENT lead_created
        SCORE s MAX 100:
            TRUE => 50
        TIER warm WHEN lead_score >= 40: CALL WITHIN 2h
        IF TRUE:
            ASSIGN TO q
        """)
    var d = Driver(e)
    let r = d.send("lead_created", at: "2026-03-29T01:00:00Z", capture())
    #expect(r.tasks.map { iso($0.due) } == ["2026-03-29T01:00:00Z"])
    #expect(r.tasks.first?.slaBreach == nil)
}

@Test func nextBusinessDaySkipsAHolidayGivenToTheEngine() throws {
    let e = try playbook("ON ping: CALLBACK NEXT BUSINESS DAY\n", holidays: [LocalDate(year: 2026, month: 3, day: 24)])
    var d = lead(e, source: "warm")
    let r = d.send("ping", at: at(monday) + minute)
    #expect(r.tasks.map { iso($0.due) } == ["2026-03-25T08:00:00Z"], "Wednesday 09:00 CET")
}

@Test func extremeTimesAndDurationsFromPayloadsNeverTrap() throws {
    let e = try engine("""
        EVENT lead_created
        EVENT ping(d: DURATION)
        EVENT pong(t: TIME)
        QUEUE q
        TEMPLATE a EMAIL
        TEMPLATE b EMAIL
        CALLING HOURS MON-FRI 09:00-20:00
        ON ping: CALLBACK IN event.d TO q; EMAIL a, b EVERY event.d
        ON pong: CALLBACK AT event.t TO q
        """)
    var d = Driver(e)
    d.send("lead_created", at: monday, capture())
    let far = d.send("ping", at: at(monday) + minute, ["d": .duration(Int64.max / 2)])
    #expect(far.tasks.map(\.template) == ["a"])
    #expect(far.text.contains("due after the year 9999"))
    let end = d.send("pong", at: at(monday) + minute, ["t": .time(Int64.max - 5)])
    #expect(end.tasks.isEmpty)
    let start = d.send("pong", at: at(monday) + minute, ["t": .time(Int64.min + 5)])
    #expect(start.tasks.map(\.due) == [at(monday) + minute])
    #expect(floorHours.nextOpening(atOrAfter: Int64.max, in: try zone("Europe/Berlin")) == nil)
}
