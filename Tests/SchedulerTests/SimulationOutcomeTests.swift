// The outcome model: dials answered after a seeded delay, codes drawn at
// the model's rates, the same campaign for the same seed, and the model's
// own checks.

import Testing
import RulesEngine
import RulesLanguage
@testable import Scheduler

private func dial(_ id: String, lead: String = "L1") -> LeadTask {
    LeadTask(id: id, leadID: lead, kind: .dial, queue: "q", due: t0, rule: "test.rules:1", reason: "test")
}

@Test func everyDialIsAnsweredWithACallOutcomeAfterTheModelsDelay() throws {
    let model = OutcomeModel.standard
    for i in 0..<2_000 {
        let events = model.answer(dial("dial-\(i)"), issuedAt: t0, seed: 9)
        let outcome = try #require(events.first)
        #expect(outcome.type == "call_outcome" && outcome.leadID == "L1")
        #expect(model.delay.contains(outcome.at - t0))
        guard case .string(let code)? = outcome.data["code"] else {
            Issue.record("no code")
            continue
        }
        #expect(model.codes.contains(code))
        #expect((outcome.data["callback_at"] != nil) == (code == "C01"), "only C01 books a callback")
        if let deposit = events.dropFirst().first {
            #expect(deposit.type == "first_deposit" && deposit.at > outcome.at)
            #expect(["C01", "C02"].contains(code))
        }
    }
}

@Test func codesAreDrawnAtTheModelsRates() {
    let n = 60_000
    var classes: [String: Int] = [:]
    var codes: [String: Int] = [:]
    let model = OutcomeModel.standard
    for i in 0..<n {
        guard case .string(let code)? = model.answer(dial("dial-\(i)"), issuedAt: t0, seed: 1).first?.data["code"] else {
            continue
        }
        codes[code, default: 0] += 1
        classes[String(code.prefix(1)), default: 0] += 1
    }
    func share(_ x: Int?) -> Double { Double(x ?? 0) / Double(n) }
    // 60,000 draws: a standard error under 0.2 points; 1 point is over 5 of them.
    #expect(abs(share(classes["C"]) - 0.30) < 0.01)
    #expect(abs(share(classes["V"]) - 0.45) < 0.01)
    #expect(abs(share(classes["N"]) - 0.25) < 0.01)
    #expect(abs(share(codes["C02"]) - 0.30 * 0.40) < 0.01)
    #expect(abs(share(codes["V01"]) - 0.45 * 0.85) < 0.01)
    #expect(abs(share(codes["N03"]) - 0.25 * 0.10) < 0.01)
}

@Test func aDialsOutcomeDependsOnlyOnTheSeedAndTheTaskId() {
    let model = OutcomeModel.standard
    let a = model.answer(dial("dial-x"), issuedAt: t0, seed: 5)
    #expect(a == model.answer(dial("dial-x"), issuedAt: t0, seed: 5))
    let others = (0..<50).map { model.answer(dial("dial-\($0)"), issuedAt: t0, seed: 5) }
    #expect(a == model.answer(dial("dial-x"), issuedAt: t0, seed: 5), "answering other dials first changes nothing")
    let reseeded = (0..<50).map { model.answer(dial("dial-\($0)"), issuedAt: t0, seed: 6) }
    #expect(others != reseeded)
}

/// The issued tasks of a campaign of `leads` warm leads on the default playbook.
private func campaign(leads: Int, seed: UInt64, history: Bool = false) throws -> [IssuedTask] {
    let sim = Simulation(engine: try defaultEngine(), start: t0, outcomes: .standard, seed: seed)
    sim.keepsHistory = history
    var issued: [IssuedTask] = []
    sim.onIssue = { issued.append($0) }
    for i in 0..<leads {
        var event = capture("L\(i)", at: t0 + Int64(i) * minute, source: "organic_search",
                            phone: "+44 7700 9\(String(100_000 + i).suffix(5))")
        event.data["timezone"] = .string("Europe/London")
        try sim.ingest(event)
    }
    sim.run(until: t0 + 30 * day)
    #expect(sim.faults.isEmpty)
    return issued
}

@Test func theSameSeedPlaysTheSameCampaignAndAnotherSeedAnother() throws {
    let first = try campaign(leads: 40, seed: 11)
    #expect(first == (try campaign(leads: 40, seed: 11)))
    #expect(first != (try campaign(leads: 40, seed: 12)))
    let dials = first.filter { $0.task.kind == .dial }
    #expect(dials.count > 40, "outcomes bring retries and callbacks")
    #expect(first.contains { $0.task.reason.contains("disposition") })
    #expect(zip(first, first.dropFirst()).allSatisfy { $0.issuedAt <= $1.issuedAt }, "due order")
}

@Test func keepingNoHistoryChangesNoTaskOfACampaign() throws {
    // Without history the engine builds no explanation text at all
    // (StepContext.explains); what it decides must not depend on that.
    let quiet = try campaign(leads: 40, seed: 5)
    #expect(quiet == (try campaign(leads: 40, seed: 5, history: true)))
    #expect(quiet.count > 100)
}

@Test func anInterestedLeadsDepositIsPlayedForwardIntoAConversion() throws {
    let model = try OutcomeModel(delay: 60_000...60_000, classes: [
        .init(name: "live", rate: 1, codes: [
            .init("C01", weight: 1, callbackAfter: hour...hour,
                  deposit: .init(rate: 1, after: (2 * hour)...(2 * hour), amount: 500...500)),
        ]),
    ])
    let sim = try simulation(smallPlaybook, outcomes: model)
    var issued: [IssuedTask] = []
    sim.onIssue = { issued.append($0) }
    try sim.ingest(capture("A", at: t0, source: "warm"))
    sim.run(until: t0 + day)
    #expect(issued.map(\.task.kind) == [.dial, .dial, .close])
    #expect(issued.map(\.issuedAt) == [t0, t0 + minute + hour, t0 + minute + 2 * hour])
    #expect(sim.state(of: "A")?.closedReason == "converted")
    #expect(sim.statistics.generatedEvents == 3, "two outcomes and one deposit")
}

// MARK: - The model's checks

@Test(arguments: [
    ("rates", 0.5, 1, Int64(1000), "classes: rates sum to 0.5, not 1"),
    ("weight", 1.0, 0, Int64(1000), "weight must be at least 1"),
    ("delay", 1.0, 1, Int64(999), "delay: must be at least 1s"),
    ("rate", 1.5, 1, Int64(1000), "must be between 0 and 1"),
])
func aModelThatCannotBeDrawnFromIsRefused(_ what: String, rate: Double, weight: Int, delay: Int64, message: String) {
    #expect(performing: {
        _ = try OutcomeModel(delay: delay...2000, classes: [.init(name: "x", rate: rate, codes: [.init("C01", weight: weight)])])
    }, throws: { error in
        (error as? OutcomeModelError)?.description.contains(message) == true
    })
}

@Test func theStandardModelTakesTheMiddleOfTheSeedsBands() {
    let rates = Dictionary(uniqueKeysWithValues: OutcomeModel.standard.classes.map { ($0.name, $0.rate) })
    #expect(rates == ["live": 0.30, "voicemail": 0.45, "no_answer": 0.25])
    #expect(OutcomeModel.standard.codes == ["C01", "C02", "C03", "C04", "V01", "V02", "N01", "N02", "N03"])
}
