// Bad input to a simulation: events out of order, times outside the
// accepted years, and leads whose own timers and outcomes never stop.

import Testing
import RulesEngine
@testable import Scheduler

@Test func anEventEarlierThanTheSimulationsNowIsRefusedNamingBothTimes() throws {
    let sim = try simulation(smallPlaybook)
    try sim.ingest(capture("A", at: t0 + hour, source: "cold"))
    let late = Event(id: "e9", leadID: "B", type: "ping", at: t0 + minute)
    #expect(throws: SimulationError.outOfOrder(eventID: "e9", leadID: "B", at: t0 + minute, now: t0 + hour)) {
        try sim.ingest(late)
    }
    let message = SimulationError.outOfOrder(eventID: "e9", leadID: "B", at: t0 + minute, now: t0 + hour).description
    #expect(message.contains("\"e9\"") && message.contains("2026-03-16T10:01:00Z")
            && message.contains("2026-03-16T11:00:00Z"))
    #expect(sim.state(of: "B") == nil, "the refused event was not applied")
}

@Test func anEventBeforeTheStartIsOutOfOrderAndOneAtNowIsAccepted() throws {
    let sim = try simulation(smallPlaybook)
    #expect(throws: SimulationError.self) { try sim.ingest(capture("A", at: t0 - 1, source: "cold")) }
    try sim.ingest(capture("A", at: t0, source: "cold"))
    try sim.ingest(Event(id: "same", leadID: "A", type: "ping", at: t0))
    #expect(sim.statistics.events == 2)
}

@Test(arguments: [
    ("1999-12-31T23:59:59.999Z", Int64(946_684_799_999)),
    ("2100-01-01T00:00:00Z", Int64(4_102_444_800_000)),
    ("year 9999", Int64(253_402_300_799_999)),
    ("a time in seconds read as ms", Int64(1_773_655_200)),
])
func anEventOutsideTheYearsTheSimulationAcceptsIsRefused(_ what: String, at time: Int64) throws {
    let sim = Simulation(engine: try engine(smallPlaybook), start: Simulation.window.lowerBound)
    let event = Event(id: "x", leadID: "A", type: "ping", at: time)
    #expect(throws: SimulationError.outOfWindow(eventID: "x", leadID: "A", at: time)) { try sim.ingest(event) }
    #expect(SimulationError.outOfWindow(eventID: "x", leadID: "A", at: time).description
            .contains("2000-01-01T00:00:00Z up to 2100-01-01T00:00:00Z"))
}

@Test func theFirstAndLastMillisecondsOfTheWindowAreAccepted() throws {
    let sim = Simulation(engine: try engine(smallPlaybook), start: Simulation.window.lowerBound)
    try sim.ingest(Event(id: "a", leadID: "A", type: "ping", at: Simulation.window.lowerBound))
    try sim.ingest(Event(id: "b", leadID: "A", type: "ping", at: Simulation.window.upperBound - 1))
}

/// Every call fails on the network, so every dial brings a retry in an
/// hour, and that retry's answer another: the lead never stops by itself.
private let endlessRetries: OutcomeModel = {
    let classes = [OutcomeModel.OutcomeClass(name: "no_answer", rate: 1, codes: [.init("N03", weight: 1)])]
    return (try? OutcomeModel(delay: 1000...1000, classes: classes)) ?? .standard
}()

@Test func aLeadThatKeepsFeedingItselfIsStoppedAsARunawayAndTheOthersGoOn() throws {
    let sim = try simulation(smallPlaybook, outcomes: endlessRetries)
    sim.inputLimit = 20
    var issued: [IssuedTask] = []
    sim.onIssue = { issued.append($0) }
    try sim.ingest(capture("A", at: t0, source: "warm"))
    sim.run(until: t0 + 2 * day)
    #expect(sim.faults.count == 1)
    guard case .runaway(let lead, let limit, _)? = sim.faults.first else {
        Issue.record("no runaway reported")
        return
    }
    #expect(lead == "A" && limit == 20)
    #expect(sim.pendingCount == 0, "the runaway's pending work is dropped")
    #expect(issued.count == 21, "the tier's dial and one retry per outcome until the limit")
    // Input for another lead still runs; for the stopped lead it is ignored.
    try sim.ingest(capture("B", at: t0 + 2 * day, source: "cold"))
    try sim.ingest(Event(id: "a9", leadID: "A", type: "ping", at: t0 + 2 * day))
    #expect(sim.state(of: "B")?.captured == true)
    #expect(sim.pendingTasks(of: "A").isEmpty)
}

@Test func aRunawayFoundWhileRunningUpToAnEventIsThrownByIngest() throws {
    let sim = try simulation(smallPlaybook, outcomes: endlessRetries)
    sim.inputLimit = 5
    try sim.ingest(capture("A", at: t0, source: "warm"))
    #expect(throws: SimulationError.self) {
        try sim.ingest(Event(id: "later", leadID: "B", type: "ping", at: t0 + day))
    }
    #expect(sim.state(of: "B") == nil)
    #expect(sim.faults.count == 1)
    #expect(sim.faults.first?.description.contains("more than 5 inputs") == true)
}
