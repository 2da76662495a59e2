// A seeded property test of the cadence timers: many random leads (the
// generator of EnginePropertyTests, SplitMix64), each run for 100 days with
// sparse random events while its timers fire in due order, on the default
// playbook with the nurture route dialling. On every step:
//
// - a cadence dial is issued only by its own `cadence_call` timer, due at
//   that timer's time (never before it), inside the floor's calling hours
//   on a business day (MON-FRI) in the lead's zone, read independently of
//   CallingCalendar, and never to a lead that is opted out, DNC or blocked;
// - at most one timer of each cadence purpose is pending, and it is the one
//   the state remembers;
// - every other guarantee of `checkGuards` holds.

import Foundation
import Testing
@testable import RulesEngine
import RulesLanguage

/// Monday to Friday in the lead's zone (the playbook's BUSINESS DAYS).
func isFloorBusinessDay(_ time: Int64, zone: String?) -> Bool {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC") ?? calendar.timeZone
    let weekday = calendar.component(.weekday, from: Date(timeIntervalSince1970: Double(time) / 1000))
    return (2...6).contains(weekday)
}

struct CadenceRun {
    var cadenceDials = 0
    var nurturingLeads = 0
}

/// One random lead for 100 days; checks every step (file comment).
func runCadenceLead(_ e: Engine, number: Int, seed: UInt64, callRules: Set<String>, into run: inout CadenceRun) {
    var g = LeadGenerator(random: SplitMix64(seed: seed &+ UInt64(number)))
    var lead = Driver(e, lead: "C\(number)")
    let start = at("2026-01-01T00:00:00Z") + g.between(0, 364 * 24 * 60) * minute
    var data = g.capture()
    // Most leads cold, so that they nurture: no phone number scores less.
    if g.chance(50) { data["source"] = .string("social") }
    check(lead.send("lead_created", at: start, data), input: nil, at: start, e, callRules, &run)
    if lead.state?.status == .nurturing { run.nurturingLeads += 1 }
    var time = start
    while time < start + 100 * day {
        time += g.pick([g.between(1, 48) * hour, g.between(1, 10) * day, g.between(10, 30) * day])
        while let next = lead.pendingTimers.min(by: { $0.due < $1.due }), next.due <= min(time, start + 100 * day) {
            guard let r = lead.fireNextTimer() else { break }
            check(r, input: next, at: next.due, e, callRules, &run)
            checkPending(lead)
        }
        guard time < start + 100 * day, g.chance(60) else { continue }
        let (type, payload) = g.event(at: time)
        check(lead.send(type, at: time, payload), input: nil, at: time, e, callRules, &run)
        checkPending(lead)
    }
}

private func check(_ r: StepResult, input timer: TimerFiring?, at now: Int64, _ e: Engine, _ callRules: Set<String>,
                   _ run: inout CadenceRun) {
    checkGuards(r, before: nil, now: now, sumOfCaps: e.compiled.sumOfCaps)
    for dial in r.tasks(.dial) where callRules.contains(dial.rule) {
        run.cadenceDials += 1
        #expect(timer?.purpose == TimerPurpose.cadenceCall, "cadence dial \(dial.id) without its timer")
        #expect(dial.due == timer?.due, "cadence dial at \(iso(dial.due)), its timer at \(timer.map { iso($0.due) } ?? "-")")
        #expect(insideFloorHours(dial.due, zone: r.state.timeZone) && isFloorBusinessDay(dial.due, zone: r.state.timeZone),
                "cadence dial at \(iso(dial.due)) in \(r.state.timeZone ?? "UTC")")
        #expect(!r.state.phoneBlocked && !r.state.optedOut.contains(.phone) && !r.state.doNotCall)
        #expect(r.state.status == .nurturing && r.state.cadence != nil)
    }
}

private func checkPending(_ lead: Driver) {
    let schedule = lead.state?.cadenceSchedule
    let remembered: [String: Int64?] = [TimerPurpose.cadenceCall: schedule?.nextCall,
                                        TimerPurpose.cadenceMessage: schedule?.nextMessage,
                                        TimerPurpose.cadenceWindow: schedule?.nextWindow]
    for (purpose, due) in remembered {
        let pending = lead.timers(purpose).map(\.due)
        #expect(pending == (due.map { [$0] } ?? []), "\(lead.leadID) \(purpose): pending \(pending), state \(String(describing: due))")
    }
    if lead.state?.status != .nurturing { #expect(schedule == nil) }
}

@Test func cadenceDialsKeepTheirTimersHoursAndConsentOverManyRandomLeads() throws {
    let e = try diallingEngine()
    let callRules = Set(e.compiled.cadences.flatMap { $0.definition.callSources.map(\.description) })
    #expect(callRules.count == 3)
    var run = CadenceRun()
    for n in 0..<400 {
        runCadenceLead(e, number: n, seed: 0xCADE_2026, callRules: callRules, into: &run)
    }
    // The sample must reach what it checks.
    #expect(run.nurturingLeads > 100 && run.cadenceDials > 500, "\(run)")
}

@Test func aCadenceRunIsDeterministic() throws {
    let e = try diallingEngine()
    func run(_ n: Int) -> Driver {
        var lead = Driver(e, lead: "D\(n)")
        lead.send("lead_created", at: t0 + Int64(n) * 7 * hour, capture(["source": .string("social")]))
        lead.runTimers(until: t0 + 120 * day)
        return lead
    }
    for n in 0..<30 {
        let (first, second) = (run(n), run(n))
        #expect(first.results == second.results && first.live == second.live)
        #expect(first.live.contains { $0.kind == .dial } && first.live.contains { $0.kind == .email })
    }
}
