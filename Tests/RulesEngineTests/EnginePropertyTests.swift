// A seeded property test: thousands of random leads, each with a random
// event sequence (every declared event, random payloads, gaps from seconds
// to days across nights, weekends and the 2026 DST changes), timers fired
// as a scheduler would. On every step and every task it checks the
// guarantees the engine keeps whatever the rules say, with an independent
// reading of the floor's calling hours (Calendar components, not
// CallingCalendar), and that the whole run is deterministic.

import Foundation
import Testing
@testable import RulesEngine
import RulesLanguage

struct LeadGenerator {
    var random: SplitMix64

    mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
    mutating func between(_ low: Int64, _ high: Int64) -> Int64 { low + Int64(random.next() % UInt64(high - low + 1)) }

    mutating func capture() -> [String: Value] {
        var data: [String: Value] = [:]
        let places: [(String, String?)] = [("GB", "Europe/London"), ("DE", "Europe/Berlin"), ("AU", "Australia/Sydney"),
                                           ("FR", nil), ("PL", "Europe/Warsaw"), ("US", "America/New_York"),
                                           ("ZA", nil), ("BR", "America/Sao_Paulo"), ("JP", nil)]
        let (country, zone) = pick(places)
        if chance(90) { data["country"] = .string(country) }
        if let zone, chance(70) { data["timezone"] = .string(zone) }
        if chance(20) { data["ip_country"] = .string(pick(["GB", "DE", "RU", "US", "NL"])) }
        if chance(60) { data["phone"] = .string(pick(["+44 20 7946 0958", "+49 30 1234567", "+61 2 9374 4000",
                                                      "+1 212 555 0100", "07700 900123", "not a phone"])) }
        if chance(85) { data["email"] = .string(pick(["a@gmail.com", "b@firm.example", "c@mailinator.com", "d@web.de"])) }
        data["source"] = .string(pick(["organic_search", "google_ads_branded", "google_ads_generic", "affiliate",
                                       "social", "webinar"]))
        if chance(50) { data["affiliate_id"] = .string(pick(["aff_1042", "aff_1077", "aff_3301", "aff_9999"])) }
        if chance(60) { data["age"] = .number(Double(between(18, 80))) }
        data["language"] = .string(pick(["German", "English", "French", "Polish"]))
        return data
    }

    mutating func event(at time: Int64) -> (String, [String: Value]) {
        let types = ["demo_account_created", "demo_trade", "deposit_page_visit", "platform_download", "platform_login",
                     "site_visit", "live_chat_started", "webinar_attended", "email_open", "email_click",
                     "first_deposit", "call_outcome", "call_outcome", "call_outcome", "opt_out"]
        let type = pick(types)
        switch type {
        case "webinar_attended": return (type, ["ends_at": .time(time + between(-2 * hour, hour))])
        case "email_click": return (type, ["cta": .string(pick(["book_call", "read_more"]))])
        case "first_deposit": return (type, ["amount": .number(Double(between(100, 5000)))])
        case "opt_out": return (type, ["channel": .string(pick(["phone", "email", "sms", "all", "fax"]))])
        case "call_outcome":
            var data: [String: Value] = ["code": .string(pick(["C01", "C02", "C03", "C04", "V01", "V02", "N01", "N02",
                                                                "N03", "D01", "Z99"]))]
            if chance(70) { data["callback_at"] = .time(time + between(-hour, 3 * day)) }
            return (type, data)
        default: return (type, [:])
        }
    }
}

/// The default playbook's CALLING HOURS read directly from the wall clock.
func insideFloorHours(_ time: Int64, zone: String?) -> Bool {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC") ?? calendar.timeZone
    let c = calendar.dateComponents([.weekday, .hour, .minute], from: Date(timeIntervalSince1970: Double(time) / 1000))
    let minuteOfDay = (c.hour ?? 0) * 60 + (c.minute ?? 0)
    switch c.weekday {
    case 2, 3, 4, 5, 6: return (540..<1200).contains(minuteOfDay)
    case 7: return (600..<840).contains(minuteOfDay)
    default: return false
    }
}

/// The guarantees on one step: `before` is the state it started from, `now` the input's time.
func checkGuards(_ r: StepResult, before: LeadState?, now: Int64, sumOfCaps: Double) {
    if let score = r.state.lastEvaluation?.score {
        #expect(score >= 0 && score <= sumOfCaps, "score \(score) of \(r.state.id)")
    }
    if before?.status == .closed {
        #expect(r.tasks.isEmpty, "a closed lead got \(r.tasks.map(\.kind))")
    }
    #expect(Set(r.tasks.map(\.id)).count == r.tasks.count)
    for task in r.tasks {
        #expect(task.due >= now, "\(task.kind) due before its input")
        if let deadline = task.deadline, task.due > deadline { #expect(task.slaBreach != nil) }
        switch task.kind {
        case .dial:
            #expect(!r.state.phoneBlocked, "dial to a blocked, DNC or opted-out lead \(r.state.id)")
            #expect(r.state.duplicateOf == nil && !(r.state.quarantine?.restrictsCalls ?? false))
            #expect(insideFloorHours(task.due, zone: r.state.timeZone), "dial at \(iso(task.due)) in \(r.state.timeZone ?? "UTC")")
        case .sms:
            #expect(!r.state.isBlocked(.sms), "sms to a blocked or opted-out lead \(r.state.id)")
            #expect(insideFloorHours(task.due, zone: r.state.timeZone), "sms at \(iso(task.due))")
        case .email:
            #expect(!r.state.isBlocked(.email))
        case .handoff, .close, .block:
            break
        }
    }
}

/// Runs one random lead: capture, then events with timers fired in due order.
func randomLead(_ e: Engine, number: Int, seed: UInt64, check: Bool) -> [StepResult] {
    var g = LeadGenerator(random: SplitMix64(seed: seed &+ UInt64(number)))
    var lead = Driver(e, lead: "P\(number)")
    // Anywhere in 2026, to the minute: across every DST change of the sample zones.
    var time = at("2026-01-01T00:00:00Z") + g.between(0, 364 * 24 * 60) * minute
    if g.chance(90) {
        let before = lead.state
        let r = lead.send("lead_created", at: time, g.capture())
        if check { checkGuards(r, before: before, now: time, sumOfCaps: e.compiled.sumOfCaps) }
    }
    for _ in 0..<g.between(1, 14) {
        time += g.pick([g.between(0, 120) * 1000, g.between(1, 180) * minute, g.between(1, 72) * hour])
        while let next = lead.pendingTimers.min(by: { $0.due < $1.due }), next.due <= time {
            let before = lead.state
            lead.fireNextTimer()
            if check, let r = lead.results.last { checkGuards(r, before: before, now: next.due, sumOfCaps: e.compiled.sumOfCaps) }
        }
        let (type, data) = g.event(at: time)
        let before = lead.state
        let r = lead.send(type, at: time, data)
        if check { checkGuards(r, before: before, now: time, sumOfCaps: e.compiled.sumOfCaps) }
    }
    return lead.results
}

@Test func theGuardsHoldOnEveryTaskOfThreeThousandRandomLeads() throws {
    let e = try engine()
    #expect(e.calendar.windows == floorHours.windows, "the independent check reads the playbook's hours")
    var dials = 0, moved = 0, closed = 0
    for n in 0..<3000 {
        let results = randomLead(e, number: n, seed: 0x5EED_2026, check: true)
        dials += results.flatMap { $0.tasks(.dial) }.count
        moved += results.flatMap(\.tasks).filter { $0.slaBreach != nil }.count
        if results.last?.state.status == .closed { closed += 1 }
    }
    // The sample must reach what it checks: dials, breaches and closed leads.
    #expect(dials > 1000 && moved > 50 && closed > 300, "dials \(dials), breaches \(moved), closed \(closed)")
}

@Test func aRandomRunIsDeterministic() throws {
    let e = try engine()
    for n in 0..<200 {
        let first = randomLead(e, number: n, seed: 77, check: false)
        let second = randomLead(e, number: n, seed: 77, check: false)
        #expect(first == second)
    }
}
