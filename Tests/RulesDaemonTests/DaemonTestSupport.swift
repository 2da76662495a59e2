// What the daemon tests share: a temp directory with a copy of the shipped
// playbook (rules/) and a SQLite file, a daemon on a VirtualClock, event
// builders, and a metrics factory that records what it is given.

import CoreMetrics
import Foundation
import Logging
import RulesEngine
import RulesStore
import Scheduler
@testable import RulesDaemon

/// Monday 2026-03-16 09:12:00 UTC, inside the shipped calling hours in London.
let mondayMorning: Int64 = 1_773_652_320_000
let minute: Int64 = 60_000

/// A temp directory holding `rules/` (a copy of the shipped playbook) and
/// `rulesd.sqlite`; removed afterwards.
final class DaemonSandbox: @unchecked Sendable {
    let directory: URL
    var rulesDirectory: String { directory.appendingPathComponent("rules").path }
    var databasePath: String { directory.appendingPathComponent("rulesd.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("rulesdaemon-\(UUID().uuidString)", isDirectory: true)
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let target = directory.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: shipped.path)
        where name.hasSuffix(".rules") || name.hasSuffix(".txt") {
            try FileManager.default.copyItem(at: shipped.appendingPathComponent(name),
                                             to: target.appendingPathComponent(name))
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Rewrites a rules file with `edit` applied to its text.
    func edit(_ file: String, _ edit: (String) -> String) throws {
        let path = directory.appendingPathComponent("rules").appendingPathComponent(file)
        let text = try String(contentsOf: path, encoding: .utf8)
        try edit(text).write(to: path, atomically: true, encoding: .utf8)
    }

    func snapshot() throws -> RulesSnapshot {
        try RulesSnapshot.load(directory: rulesDirectory)
    }

    func store() throws -> SQLiteStore {
        try SQLiteStore(path: databasePath, synchronousFull: false)
    }

    func daemon(store: any Store, clock: VirtualClock, metrics: RecordingMetrics = RecordingMetrics(),
                snapshot given: RulesSnapshot? = nil,
                configure: (inout DaemonOptions) -> Void = { _ in }) throws -> Daemon {
        var options = DaemonOptions(rulesDirectory: rulesDirectory)
        configure(&options)
        return Daemon(store: store, snapshot: try given ?? snapshot(), options: options, clock: clock,
                      metrics: DaemonMetrics(factory: metrics), logger: Logger(label: "test"))
    }
}

// MARK: - Events

func capture(_ id: String, lead: String, at: Int64, source: String = "organic_search", email: String? = nil,
             phone: String? = "+447700900123", language: String = "English") -> Event {
    var data: [String: Value] = [
        "name": .string("Lead \(lead)"), "email": .string(email ?? "\(lead.lowercased())@example-firm.co.uk"),
        "country": .string("GB"), "language": .string(language), "source": .string(source),
        "timezone": .string("Europe/London"), "age": .number(38),
    ]
    if let phone { data["phone"] = .string(phone) }
    if source == "affiliate" { data["affiliate_id"] = .string("aff_3301") }
    return Event(id: id, leadID: lead, type: "lead_created", at: at, data: data)
}

func event(_ id: String, lead: String, _ type: String, at: Int64, data: [String: Value] = [:]) -> Event {
    Event(id: id, leadID: lead, type: type, at: at, data: data)
}

/// A lead that becomes hot: captured warm (45 points), then a demo account
/// and a demo trade (70).
func hotLead(_ lead: String, at: Int64, phone: String) -> [Event] {
    [capture("\(lead)-c", lead: lead, at: at, phone: phone),
     event("\(lead)-d", lead: lead, "demo_account_created", at: at + minute),
     event("\(lead)-t", lead: lead, "demo_trade", at: at + 2 * minute)]
}

// MARK: - Metrics

/// Records every metric value by "label{k=v,...}".
final class RecordingMetrics: MetricsFactory, @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int64] = [:]
    private var values: [String: [Double]] = [:]

    func counter(_ label: String, _ dimensions: [(String, String)] = []) -> Int64 {
        lock.withLock { counts[Self.key(label, dimensions)] ?? 0 }
    }

    func recorded(_ label: String, _ dimensions: [(String, String)] = []) -> [Double] {
        lock.withLock { values[Self.key(label, dimensions)] ?? [] }
    }

    static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        dimensions.isEmpty ? label : label + "{" + dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ",") + "}"
    }

    fileprivate func add(_ key: String, _ amount: Int64) { lock.withLock { counts[key, default: 0] += amount } }
    fileprivate func record(_ key: String, _ value: Double) { lock.withLock { values[key, default: []].append(value) } }

    func makeCounter(label: String, dimensions: [(String, String)]) -> CounterHandler {
        Handler(self, Self.key(label, dimensions))
    }
    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> FloatingPointCounterHandler {
        Handler(self, Self.key(label, dimensions))
    }
    func makeMeter(label: String, dimensions: [(String, String)]) -> MeterHandler {
        Handler(self, Self.key(label, dimensions))
    }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> RecorderHandler {
        Handler(self, Self.key(label, dimensions))
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> TimerHandler {
        Handler(self, Self.key(label, dimensions))
    }
    func destroyCounter(_ handler: CounterHandler) {}
    func destroyFloatingPointCounter(_ handler: FloatingPointCounterHandler) {}
    func destroyMeter(_ handler: MeterHandler) {}
    func destroyRecorder(_ handler: RecorderHandler) {}
    func destroyTimer(_ handler: TimerHandler) {}

    private final class Handler: CounterHandler, FloatingPointCounterHandler, MeterHandler, RecorderHandler,
        TimerHandler, @unchecked Sendable {
        let owner: RecordingMetrics
        let key: String
        init(_ owner: RecordingMetrics, _ key: String) {
            self.owner = owner
            self.key = key
        }
        func increment(by amount: Int64) { owner.add(key, amount) }
        func increment(by amount: Double) { owner.add(key, Int64(amount)) }
        func reset() {}
        func set(_ value: Int64) { owner.record(key, Double(value)) }
        func set(_ value: Double) { owner.record(key, value) }
        func decrement(by amount: Double) {}
        func record(_ value: Int64) { owner.record(key, Double(value)) }
        func record(_ value: Double) { owner.record(key, value) }
        func recordNanoseconds(_ duration: Int64) { owner.record(key, Double(duration) / 1e9) }
    }
}
