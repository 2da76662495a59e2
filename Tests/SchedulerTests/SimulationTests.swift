// The simulation driver on small playbooks: due order, tasks held until
// due, timers before events at the same instant, cancellation and
// re-planning, duplicates, history. Helpers shared by the other
// Simulation*Tests files are at the bottom.

import Foundation
import Testing
import RulesCompiler
import RulesEngine
import RulesLanguage
@testable import Scheduler

// MARK: - Order

@Test func tasksComeDueInDueOrderAcrossLeadsAndNeverEarly() throws {
    let sim = try simulation(smallPlaybook)
    var issued: [IssuedTask] = []
    sim.onIssue = { issued.append($0) }
    try sim.ingest(capture("A", at: t0, source: "cold"))
    try sim.ingest(Event(id: "a1", leadID: "A", type: "later", at: t0 + minute))          // A: dial at +16m
    try sim.ingest(capture("B", at: t0 + 2 * minute, source: "cold"))
    try sim.ingest(Event(id: "b1", leadID: "B", type: "soon", at: t0 + 3 * minute))       // B: dial at +8m
    try sim.ingest(Event(id: "b2", leadID: "B", type: "ping", at: t0 + 4 * minute))       // B: dial now
    sim.run(until: t0 + day)
    #expect(issued.map(\.task.leadID) == ["B", "B", "A"])
    #expect(issued.map(\.issuedAt) == [t0 + 4 * minute, t0 + 8 * minute, t0 + 16 * minute])
    #expect(issued.allSatisfy { $0.issuedAt == $0.task.due }, "issued exactly when due, never early")
    #expect(sim.now == t0 + day)
}

@Test func aTaskDueLaterIsHeldInTheWheelUntilItsTime() throws {
    let sim = try simulation(smallPlaybook)
    var issued: [IssuedTask] = []
    sim.onIssue = { issued.append($0) }
    try sim.ingest(capture("A", at: t0, source: "cold"))
    try sim.ingest(Event(id: "a1", leadID: "A", type: "later", at: t0))
    #expect(sim.pendingTasks(of: "A").map(\.due) == [t0 + 15 * minute])
    sim.run(until: t0 + 15 * minute - 1)
    #expect(issued.isEmpty)
    sim.run(until: t0 + 15 * minute)
    #expect(issued.map(\.task.kind) == [.dial])
    #expect(sim.pendingTasks(of: "A").isEmpty)
}

@Test func aTimerDueAtTheSameMillisecondAsAnEventFiresBeforeTheEvent() throws {
    let sim = try simulation(smallPlaybook)
    try sim.ingest(capture("A", at: t0, source: "affiliate"))
    #expect(sim.state(of: "A")?.quarantine?.phase == .holding)
    // The hold ends at t0 + 30m; an engagement event at that very instant
    // meets a lead already in its email-only nurture, so it graduates.
    try sim.ingest(Event(id: "a1", leadID: "A", type: "email_open", at: t0 + 30 * minute))
    #expect(sim.state(of: "A")?.quarantine?.phase == .graduated)
    let headings = sim.history(of: "A").map(\.text).filter { $0.contains(" event ") || $0.contains(" timer ") }
    #expect(headings.count == 3)
    #expect(headings.dropFirst().first?.contains("timer quarantine_end") == true)
    #expect(headings.last?.contains("event email_open") == true)
}

// MARK: - Cancellation and re-planning

@Test func anOptOutWithdrawsPendingDialsWhichAreNeverIssued() throws {
    let sim = try simulation(smallPlaybook)
    var issued: [IssuedTask] = []
    sim.onIssue = { issued.append($0) }
    try sim.ingest(capture("A", at: t0, source: "cold"))
    try sim.ingest(Event(id: "a1", leadID: "A", type: "later", at: t0))
    try sim.ingest(Event(id: "a2", leadID: "A", type: "opt_out", at: t0 + minute, data: ["channel": .string("phone")]))
    sim.run(until: t0 + day)
    #expect(!issued.contains { $0.task.kind == .dial })
    #expect(sim.statistics.withdrawn == 1)
    #expect(sim.history(of: "A").contains { $0.text.contains("withdrawn dial") && $0.text.contains("opted out of phone") })
}

@Test func aClosedLeadsEarlierTasksAreWithdrawnAndItsClosingTaskIssued() throws {
    let sim = try simulation(smallPlaybook)
    var issued: [IssuedTask] = []
    sim.onIssue = { issued.append($0) }
    try sim.ingest(capture("A", at: t0, source: "cold"))
    try sim.ingest(Event(id: "a1", leadID: "A", type: "later", at: t0))
    try sim.ingest(Event(id: "a2", leadID: "A", type: "call_outcome", at: t0 + minute, data: ["code": .string("C03")]))
    sim.run(until: t0 + day)
    #expect(issued.map(\.task.kind) == [.close])
    #expect(sim.pendingCount == 0)
}

@Test func aReplannedTaskIsNeverIssuedAndOnlyThatTaskIsWithdrawn() throws {
    let sim = try simulation(smallPlaybook)
    var issued: [IssuedTask] = []
    sim.onIssue = { issued.append($0) }
    try sim.ingest(capture("A", at: t0, source: "cold"))
    try sim.ingest(Event(id: "a1", leadID: "A", type: "later", at: t0))
    try sim.ingest(Event(id: "a2", leadID: "A", type: "soon", at: t0))
    let pending = sim.pendingTasks(of: "A")
    #expect(pending.map(\.due) == [t0 + 5 * minute, t0 + 15 * minute])
    let replaced = try #require(pending.last)
    #expect(sim.apply([.cancelTask(id: replaced.id, reason: "re-planned")], leadID: "A"))
    sim.run(until: t0 + day)
    #expect(issued.map(\.task.id) == [pending[0].id])
    #expect(sim.statistics.withdrawn == 1)
}

@Test func cancelTasksOfOneKindLeavesTheLeadsOtherKindsAndOtherLeadsAlone() throws {
    let sim = try simulation(smallPlaybook)
    var issued: [IssuedTask] = []
    sim.onIssue = { issued.append($0) }
    for lead in ["A", "B"] {
        try sim.ingest(capture(lead, at: t0, source: "cold"))
        try sim.ingest(Event(id: "\(lead)1", leadID: lead, type: "later", at: t0))
        try sim.ingest(Event(id: "\(lead)2", leadID: lead, type: "mail", at: t0))
    }
    #expect(sim.apply([.cancelTasks(leadID: "A", kinds: [.dial], reason: "test")], leadID: "A"))
    sim.run(until: t0 + day)
    #expect(issued.filter { $0.task.leadID == "A" }.map(\.task.kind) == [.email])
    #expect(issued.filter { $0.task.leadID == "B" }.map(\.task.kind).sorted { $0.rawValue < $1.rawValue } == [.dial, .email])
}

@Test func aTimerSetAgainWithTheSameIdReplacesTheOldOneAndACancelledTimerNeverFires() throws {
    let sim = try simulation(smallPlaybook)
    try sim.ingest(capture("A", at: t0, source: "cold"))
    let firing = TimerFiring(id: "A/custom/1", leadID: "A", purpose: "custom", due: t0 + hour)
    #expect(sim.apply([.set(firing), .set(firing)], leadID: "A"))
    #expect(sim.pendingCount == 1)
    #expect(sim.apply([.cancel(id: firing.id)], leadID: "A"))
    sim.run(until: t0 + day)
    #expect(sim.statistics.timersFired == 0)
}

// MARK: - Duplicates

@Test func aLaterLeadWithTheSamePhoneIsLinkedToTheFirstAndNeverDialled() throws {
    let sim = try simulation(smallPlaybook)
    var issued: [IssuedTask] = []
    sim.onIssue = { issued.append($0) }
    try sim.ingest(capture("A", at: t0, source: "warm", phone: "+44 7700 900123"))
    try sim.ingest(capture("B", at: t0 + minute, source: "warm", phone: "+447700900123", email: "b@example.com"))
    try sim.ingest(capture("C", at: t0 + 2 * minute, source: "warm", email: "b@example.com"))
    sim.run(until: t0 + day)
    #expect(sim.state(of: "B")?.duplicateOf == "A")
    #expect(sim.state(of: "C")?.duplicateOf == "A", "linked to the group's primary, not to B")
    #expect(sim.state(of: "A")?.duplicateOf == nil)
    #expect(issued.filter { $0.task.kind == .dial }.map(\.task.leadID) == ["A"])
}

// MARK: - History

@Test func historyListsEveryStepInOrderAndIsEmptyWhenNotKept() throws {
    let sim = try simulation(smallPlaybook)
    try sim.ingest(capture("A", at: t0, source: "cold"))
    try sim.ingest(Event(id: "a1", leadID: "A", type: "later", at: t0 + minute))
    sim.run(until: t0 + hour)
    let text = sim.history(of: "A").map(\.description)
    let captured = try #require(text.firstIndex { $0.contains("event lead_created (A-created)") })
    let later = try #require(text.firstIndex { $0.contains("event later (a1)") })
    let issue = try #require(text.firstIndex { $0.contains("issued dial") })
    #expect(captured < later && later < issue)
    #expect(text.contains { $0.hasPrefix("test.rules:") }, "the engine's explanation, with its rules")

    let quiet = try simulation(smallPlaybook)
    quiet.keepsHistory = false
    try quiet.ingest(capture("A", at: t0, source: "cold"))
    #expect(quiet.history(of: "A").isEmpty)
    #expect(quiet.state(of: "A")?.captured == true)
}

// MARK: - Helpers

/// Monday 2026-03-16T10:00:00Z.
let t0: Int64 = 1_773_655_200_000
let minute: Int64 = 60_000
let hour: Int64 = 3_600_000
let day: Int64 = 86_400_000

/// Calls at any hour, so due times are never moved.
let smallPlaybook = """
    EVENT lead_created
    EVENT ping
    EVENT soon
    EVENT later
    EVENT mail
    EVENT email_open
    EVENT opt_out(channel: STRING)
    EVENT call_outcome(code: STRING, callback_at: TIME?)
    EVENT first_deposit(amount: NUMBER)
    QUEUE q
    TEMPLATE hello EMAIL
    SCORE s MAX 100:
        source = "hot" => 80
        source = "warm" => 50
    TIER hot WHEN lead_score >= 70: CALL WITHIN 60s
    TIER warm WHEN lead_score 40-69: CALL WITHIN 2h
    TIER cold WHEN lead_score < 40: NURTURE
    IF lead_score >= 0:
        ASSIGN TO q
        DIAL_MODE = power_dialer
    CALLING HOURS MON-SUN 00:00-24:00
    ON ping: CALLBACK NOW TO q
    ON soon: CALLBACK IN 5m TO q
    ON later: CALLBACK IN 15m TO q
    ON mail: EMAIL hello
    ON opt_out: BLOCK event.channel "opted out"
    ON first_deposit: CLOSE "converted"
    QUARANTINE WHEN source = "affiliate" FOR 30m:
        RELEASE WHEN lead_score >= 40
        EMAIL hello EVERY 1d FOR 2d
        GRADUATE ON email_open
    DISPOSITION C01 "Interested": CALLBACK AT event.callback_at
    DISPOSITION C03 "Not interested": CLOSE "not interested"
    DISPOSITION N03 "Network error": RETRY IN 1h
    DISPOSITION V01 "Voicemail": RETRY IN 1d

    """

func engine(_ text: String) throws -> Engine {
    let result = Compiler.compile([SourceFile(path: "test.rules", text: text)])
    let program = try #require(result.program, "\(result.diagnostics.map(\.message))")
    return Engine(program: program)
}

func simulation(_ text: String, outcomes: OutcomeModel? = nil, seed: UInt64 = 0) throws -> Simulation {
    Simulation(engine: try engine(text), start: t0, outcomes: outcomes, seed: seed)
}

/// The default playbook, rules/ of the repository, with its holidays.
func defaultEngine() throws -> Engine {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../rules").standardized
    let playbook = try LoadedPlaybook.load(directory: dir.path)
    return Engine(program: try #require(playbook.program), holidays: playbook.holidays)
}

func capture(_ lead: String, at time: Int64, source: String, phone: String? = nil, email: String? = nil,
             country: String = "GB") -> Event {
    var data: [String: Value] = ["source": .string(source), "country": .string(country)]
    if let phone { data["phone"] = .string(phone) }
    if let email { data["email"] = .string(email) }
    return Event(id: "\(lead)-created", leadID: lead, type: "lead_created", at: time, data: data)
}
