// Helpers for the engine tests: the default playbook compiled once, times
// written as RFC 3339, and a small driver that feeds events and timers to
// `Engine.step` the way `rulesd` would (applying task cancellations).

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesEngine
import RulesLanguage

/// rules/*.rules of the repository, in sorted file-name order.
func defaultPlaybookFiles() throws -> [SourceFile] {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../rules").standardized
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".rules") }.sorted()
    return try names.map { name in
        SourceFile(path: "rules/\(name)", bytes: Array(try Data(contentsOf: dir.appendingPathComponent(name))))
    }
}

/// The default playbook's engine, compiled once for the whole test run.
let playbookEngine: Engine? = {
    guard let files = try? defaultPlaybookFiles(), let program = Compiler.compile(files).program else { return nil }
    return Engine(program: program)
}()

func engine() throws -> Engine { try #require(playbookEngine) }

/// An engine for a playbook given as text (one file).
func engine(_ text: String) throws -> Engine {
    let result = Compiler.compile([SourceFile(path: "test.rules", text: text)])
    let program = try #require(result.program, "\(result.diagnostics.map(\.message))")
    return Engine(program: program)
}

/// `2026-03-23T10:00:00Z` (or with an offset) as ms since the epoch.
func at(_ text: String) -> Int64 {
    let f = ISO8601DateFormatter()
    guard let date = f.date(from: text) else {
        Issue.record("bad time \(text)")
        return 0
    }
    return Int64(date.timeIntervalSince1970 * 1000)
}

func iso(_ ms: Int64) -> String {
    let f = ISO8601DateFormatter()
    return f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
}

let minute: Int64 = 60_000
let hour: Int64 = 3_600_000
let day: Int64 = 86_400_000

/// A lead as the tests drive it: every step's result kept, pending tasks
/// tracked the way a scheduler would.
struct Driver {
    var engine: Engine
    let leadID: String
    var state: LeadState?
    var results: [StepResult] = []
    /// Issued and not cancelled, in issue order.
    var live: [LeadTask] = []
    var pendingTimers: [TimerFiring] = []
    private var nextEvent = 0

    init(_ engine: Engine, lead: String = "L1") {
        self.engine = engine
        leadID = lead
    }

    @discardableResult
    mutating func send(_ type: String, at time: String, _ data: [String: Value] = [:]) -> StepResult {
        send(type, at: at(time), data)
    }

    @discardableResult
    mutating func send(_ type: String, at time: Int64, _ data: [String: Value] = [:],
                       context: StepContext = StepContext()) -> StepResult {
        nextEvent += 1
        let event = Event(id: "e\(nextEvent)", leadID: leadID, type: type, at: time, data: data)
        return apply(engine.step(state, .event(event), context: context), now: time)
    }

    /// Fires the earliest pending timer.
    @discardableResult
    mutating func fireNextTimer() -> StepResult? {
        guard let next = pendingTimers.min(by: { $0.due < $1.due }) else { return nil }
        pendingTimers.removeAll { $0.id == next.id }
        return apply(engine.step(state, .timer(next)), now: next.due)
    }

    /// Timers and cancellations first, then the new tasks (the contract of
    /// `StepResult`); a cancellation reaches tasks not yet due.
    mutating func apply(_ r: StepResult, now: Int64) -> StepResult {
        for t in r.timers {
            switch t {
            case .set(let firing): pendingTimers.append(firing)
            case .cancel(let id): pendingTimers.removeAll { $0.id == id }
            case .cancelTasks(_, let kinds, _): live.removeAll { kinds.contains($0.kind) && $0.due >= now }
            case .cancelTask(let id, _): live.removeAll { $0.id == id && $0.due >= now }
            }
        }
        live += r.tasks
        state = r.state
        results.append(r)
        return r
    }
}

/// The capture payload of a typical lead; override fields per test.
func capture(_ overrides: [String: Value] = [:]) -> [String: Value] {
    var data: [String: Value] = [
        "name": .string("Anna Schmidt"), "email": .string("anna@schmidt-consulting.de"),
        "phone": .string("+49 30 1234567"), "country": .string("DE"), "language": .string("German"),
        "source": .string("organic_search"), "timezone": .string("Europe/Berlin"), "age": .number(34),
    ]
    for (k, v) in overrides { data[k] = v }
    return data
}

extension StepResult {
    func tasks(_ kind: TaskKind) -> [LeadTask] { tasks.filter { $0.kind == kind } }
    var text: String { explanation.map(\.description).joined(separator: "\n") }
}

/// `rules/<file>:<line>` of the first line of a playbook file containing `text`:
/// tests name rules by content, not by line numbers that edits would shift.
func rule(_ file: String, _ text: String) throws -> String {
    let files = try defaultPlaybookFiles()
    let source = try #require(files.first { $0.path == "rules/\(file)" })
    let lines = String(decoding: source.bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    let index = try #require(lines.firstIndex { $0.contains(text) }, "no line with \(text) in \(file)")
    return "rules/\(file):\(index + 1)"
}

/// Monday 23 March 2026, 11:00 in Berlin (CET, UTC+1): inside calling hours.
let monday = "2026-03-23T10:00:00Z"

/// A warm lead (score 45: DE 15 + professional email 5 + phone 10 + age 5,
/// capped at 30, organic search 15), captured on Monday at 11:00 Berlin time.
func warmLead(_ overrides: [String: Value] = [:]) throws -> Driver {
    var lead = Driver(try engine())
    lead.send("lead_created", at: monday, capture(overrides))
    return lead
}

/// A cold lead (score 10: social 5, age 5; French, gmail, no phone), nurturing.
func coldLead(registered: Int64? = nil) throws -> Driver {
    var overrides: [String: Value] = [
        "email": .string("jean@gmail.com"), "phone": .missing, "country": .string("FR"),
        "language": .string("French"), "source": .string("social"), "timezone": .string("Europe/Paris"),
    ]
    if let registered { overrides["registered_at"] = .time(registered) }
    return try warmLead(overrides)
}
