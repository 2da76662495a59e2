// Cadences in the lead's own calendar: call days pass over the holidays of
// the lead's country (not only those of every country), message intervals
// written in days keep the wall-clock time across a DST change, and RETRY
// PER CADENCE counts the cadence's days and weeks as local days
// (docs/LOCAL-TIME.md, "Days are calendar days").

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesEngine

struct CountryCadenceCase: Sendable, CustomStringConvertible {
    let zone: String
    let country: String?
    let firstCall: String
    let why: String
    var description: String { "\(zone) \(country ?? "no country"): \(why)" }
}

/// Thursday 26 March 2026 is a GB holiday and Friday 27 a DE one in the
/// calendar of these cases; neither is a holiday of every country.
let countryCadenceCases: [CountryCadenceCase] = [
    CountryCadenceCase(zone: "Europe/London", country: "GB", firstCall: "2026-03-31T09:50:00Z",
                       why: "business day 5 passes over the GB Thursday: Tuesday 31 March 10:50 BST"),
    CountryCadenceCase(zone: "Europe/Berlin", country: "DE", firstCall: "2026-03-31T08:50:00Z",
                       why: "business day 5 passes over the DE Friday: Tuesday 31 March 10:50 CEST"),
    CountryCadenceCase(zone: "Europe/Paris", country: "FR", firstCall: "2026-03-30T08:50:00Z",
                       why: "neither holiday is French: Monday 30 March 10:50 CEST"),
    CountryCadenceCase(zone: "Europe/London", country: nil, firstCall: "2026-03-30T09:50:00Z",
                       why: "a lead of no known country keeps only every country's holidays"),
]

func countryHolidays() -> HolidayCalendar {
    var calendar = HolidayCalendar()
    calendar.add(LocalDate(year: 2026, month: 3, day: 26), country: "GB", name: "a GB holiday of the test")
    calendar.add(LocalDate(year: 2026, month: 3, day: 27), country: "DE", name: "a DE holiday of the test")
    return calendar
}

/// A cold lead of `country` living in `zone`, nurturing from `t0` (Monday 23 March).
func coldLead(_ e: Engine, zone: String, country: String?) -> Driver {
    var lead = Driver(e)
    lead.send("lead_created", at: t0, capture([
        "source": .string("cold"), "timezone": .string(zone), "country": country.map(Value.string) ?? .missing,
    ]))
    return lead
}

@Test(arguments: countryCadenceCases)
func cadenceCallDaysPassOverTheHolidaysOfTheLeadsCountry(_ c: CountryCadenceCase) throws {
    let plain = try engine(cadenceVocabulary + """
        CALLING HOURS MON-FRI 09:00-20:00
        CADENCE weekly DAYS 1-30:
            CALL 1 PER WEEK
        """)
    let lead = coldLead(Engine(compiled: plain.compiled, holidays: countryHolidays()), zone: c.zone, country: c.country)
    #expect(lead.timers(TimerPurpose.cadenceCall).map { iso($0.due) } == [iso(at(c.firstCall))])
}

@Test func aDailyCadenceMakesNoCallOnTheLeadsOwnHoliday() throws {
    let plain = try engine(cadenceVocabulary + """
        CALLING HOURS MON-FRI 09:00-20:00
        CADENCE daily DAYS 1-30:
            CALL 5 PER WEEK
        """)
    let e = Engine(compiled: plain.compiled, holidays: countryHolidays())
    var london = coldLead(e, zone: "Europe/London", country: "GB")
    london.runTimers(until: at("2026-03-28T00:00:00Z"))
    // Tuesday 10:50, Wednesday 14:30, then Friday (Thursday is a GB holiday) 18:10 GMT.
    #expect(london.live.filter { $0.kind == .dial }.map { iso($0.due) }
            == ["2026-03-24T10:50:00Z", "2026-03-25T14:30:00Z", "2026-03-27T18:10:00Z"].map { iso(at($0)) })
    var berlin = coldLead(e, zone: "Europe/Berlin", country: "DE")
    berlin.runTimers(until: at("2026-03-28T00:00:00Z"))
    // Tuesday, Wednesday, Thursday (Friday is the DE holiday), in CET.
    #expect(berlin.live.filter { $0.kind == .dial }.map { iso($0.due) }
            == ["2026-03-24T09:50:00Z", "2026-03-25T13:30:00Z", "2026-03-26T17:10:00Z"].map { iso(at($0)) })
}

@Test func cadenceMessagesEveryFewDaysKeepTheLeadsWallClockAcrossTheChange() throws {
    let e = try engine(cadenceVocabulary + """
        TEMPLATE c EMAIL
        CADENCE early DAYS 1-30:
            EMAIL a, b, c EVERY 4d
            SMS t EVERY 1w
        """)
    // Entered Monday 23 March 11:00 CET; Paris moves to CEST on Sunday 29 March.
    var lead = coldLead(e, zone: "Europe/Paris", country: "FR")
    lead.runTimers(until: at("2026-04-08T00:00:00Z"))
    #expect(lead.live.filter { $0.kind == .email }.map { iso($0.due) }
            == ["2026-03-23T10:00:00Z", "2026-03-27T10:00:00Z", "2026-03-31T09:00:00Z"].map { iso(at($0)) },
            "11:00 local each time: 11:00 CEST on Tuesday 31 March, 95 hours after Friday's")
    #expect(lead.live.filter { $0.kind == .sms }.map { iso($0.due) }
            == ["2026-03-23T10:00:00Z", "2026-03-30T09:00:00Z", "2026-04-06T09:00:00Z"].map { iso(at($0)) })
    #expect(lead.timers(TimerPurpose.cadenceMessage).map { iso($0.due) } == [iso(at("2026-04-13T09:00:00Z"))])
}

@Test(arguments: [
    // The CALL line, the retry's due time after no answer on Friday 27 March
    // 10:00 CET (09:00Z); Berlin moves to CEST on Sunday 29 March.
    ("CALL EVERY 1w", "2026-04-03T08:00:00Z"),       // 7 local days: Friday 10:00 CEST, 167 h
    ("CALL 1 PER WEEK", "2026-04-03T08:00:00Z"),     // a week of 7 local days
    ("CALL 2 PER WEEK", "2026-03-30T20:00:00Z"),     // 3 local days and 12 h: Monday 22:00 CEST
    ("CALL 3 PER WEEK", "2026-03-29T16:00:00Z"),     // 2 local days and 8 h: Sunday 18:00 CEST (55 h)
    ("CALL EVERY 60h", "2026-03-29T21:00:00Z"),      // hours are elapsed time
])
func retryPerCadenceCountsTheCadencesDaysAsLocalDays(calls: String, due: String) throws {
    let e = try engine(cadenceVocabulary + """
        EVENT call_outcome(code: STRING)
        DISPOSITION N01 "No answer": RETRY PER CADENCE
        CADENCE early DAYS 1-30:
            \(calls)
        """)
    var lead = coldLead(e, zone: "Europe/Berlin", country: "DE")
    let r = lead.send("call_outcome", at: at("2026-03-27T09:00:00Z"), ["code": .string("N01")])
    #expect(r.tasks(.dial).map { iso($0.due) } == [iso(at(due))])
}

@Test func retryPerCadenceWithoutACadenceIsOneLocalDay() throws {
    let e = try engine(cadenceVocabulary + """
        EVENT call_outcome(code: STRING)
        DISPOSITION N01 "No answer": RETRY PER CADENCE
        """)
    var lead = coldLead(e, zone: "Europe/Berlin", country: "DE")
    // Saturday 28 March 10:00 CET: Sunday 10:00 CEST, 23 hours later.
    let r = lead.send("call_outcome", at: at("2026-03-28T09:00:00Z"), ["code": .string("N01")])
    #expect(r.tasks(.dial).map { iso($0.due) } == [iso(at("2026-03-29T08:00:00Z"))])
    #expect(r.tasks(.dial).first?.reason.contains("PER CADENCE (no cadence call slot: 1d)") == true)
}
