// The API in front of the real Daemon, on a temp SQLite store, a copy of
// the shipped playbook and a VirtualClock: a hot lead from ingest to an
// acked dial, the lead view and its explanation, leases lost, reloads good
// and refused, metrics, readiness and per-line rejections of future events.

import Foundation
import HTTPTypes
import Logging
import Prometheus
import RulesDaemon
import RulesEngine
import RulesStore
import Scheduler
import Testing
@testable import RulesServer

/// Monday 2026-03-16 09:12:00 UTC, inside the shipped calling hours in London.
private let monday: Int64 = 1_773_652_320_000
private let minute: Int64 = 60_000

/// A temp directory with a copy of rules/ and a database; removed afterwards.
final class APISandbox: @unchecked Sendable {
    let directory: String
    var rulesDirectory: String { directory + "/rules" }
    var databasePath: String { directory + "/rulesd.sqlite" }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rulesd-api-\(UUID().uuidString)").path
        let fm = FileManager.default
        try fm.createDirectory(atPath: rulesDirectory, withIntermediateDirectories: true)
        for name in try fm.contentsOfDirectory(atPath: Fixture.rulesDirectory)
        where name.hasSuffix(".rules") || name.hasSuffix(".txt") {
            try fm.copyItem(atPath: Fixture.rulesDirectory + "/" + name, toPath: rulesDirectory + "/" + name)
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func append(_ file: String, _ text: String) throws {
        let path = rulesDirectory + "/" + file
        let old = try String(contentsOfFile: path, encoding: .utf8)
        try (old + text).write(toFile: path, atomically: true, encoding: .utf8)
    }

    func write(_ file: String, _ text: String) throws {
        try text.write(toFile: rulesDirectory + "/" + file, atomically: true, encoding: .utf8)
    }

    func read(_ file: String) throws -> String {
        try String(contentsOfFile: rulesDirectory + "/" + file, encoding: .utf8)
    }
}

/// The real daemon and the API in front of it.
struct LiveDaemon {
    let sandbox: APISandbox
    let clock: VirtualClock
    let daemon: Daemon
    let registry: PrometheusCollectorRegistry
    var harness: APIHarness

    init(start: Bool = true, at now: Int64 = monday + 3 * minute) async throws {
        sandbox = try APISandbox()
        clock = VirtualClock(start: now)
        registry = PrometheusCollectorRegistry()
        let options = DaemonOptions(rulesDirectory: sandbox.rulesDirectory)
        daemon = Daemon(store: try SQLiteStore(path: sandbox.databasePath, synchronousFull: false),
                        snapshot: try RulesSnapshot.load(directory: sandbox.rulesDirectory), options: options,
                        clock: clock, metrics: DaemonMetrics(factory: RulesdMetrics.factory(registry: registry)),
                        logger: Logger(label: "test"))
        if start { try await daemon.start() }
        harness = APIHarness(daemon: daemon)
        harness.registry = registry
        let clock = clock
        let skew = options.maxClockSkewMilliseconds
        harness.latestEventTime = { clock.now() + skew }
    }
}

private func line(_ id: String, _ lead: String, _ type: String, at: Int64, data: String = "{}") -> String {
    #"{"id":"\#(id)","lead_id":"\#(lead)","type":"\#(type)","at":"\#(Timestamp.format(at))","data":\#(data)}"#
}

private func capture(_ id: String, _ lead: String, at: Int64, phone: String = "+447700900123") -> String {
    line(id, lead, "lead_created", at: at, data: #"{"name":"Lead \#(lead)","email":"\#(lead.lowercased())@example-firm.co.uk","phone":"\#(phone)","country":"GB","language":"English","source":"organic_search","timezone":"Europe/London","age":38}"#)
}

/// A lead that turns hot: captured warm, then a demo account and a demo trade.
private func hotLead(_ lead: String, at: Int64, phone: String = "+447700900123") -> String {
    [capture("\(lead)-c", lead, at: at, phone: phone),
     line("\(lead)-d", lead, "demo_account_created", at: at + minute),
     line("\(lead)-t", lead, "demo_trade", at: at + 2 * minute)].joined(separator: "\n")
}

@Suite struct APIDaemonTests {
    @Test func aHotLeadFromIngestToAnAckedDial() async throws {
        let live = try await LiveDaemon()
        try await live.harness.run { api async throws in
            let ingested = try await api.post("/v1/events", hotLead("L1", at: monday))
            #expect(ingested.status == .accepted)
            #expect(ingested.text == #"{"accepted":3,"duplicates":0,"accepted_ids":["L1-c","L1-d","L1-t"],"duplicate_ids":[]}"# + "\n")

            // Claimable as soon as the ingest answered.
            let claim = try await api.post("/v1/tasks/claim", #"{"queue":"english_hot_lead_queue","kind":"dial","limit":10,"lease_seconds":60}"#)
            #expect(claim.status == .ok)
            #expect(claim.count("tasks") == 1)
            #expect(claim.string("tasks.0.lead_id") == "L1")
            #expect(claim.string("tasks.0.priority") == "IMMEDIATE")
            #expect(claim.number("tasks.0.claims") == 1)
            #expect(claim.string("tasks.0.lease_expires_at") == Timestamp.format(monday + 4 * minute))
            let id = try #require(claim.string("tasks.0.id"))
            let token = try #require(claim.string("tasks.0.lease_token"))

            let lead = try await api.get("/v1/leads/L1")
            #expect(lead.status == .ok)
            #expect(lead.string("tier") == "hot")
            #expect(lead.string("route.queue") == "english_hot_lead_queue")
            #expect(lead.string("rules_version")?.count == 64)
            #expect(lead.count("history") == 3)
            #expect(lead.string("history.0.input") == "event")
            #expect(lead.string("history.0.what") == "lead_created")
            #expect(lead.string("history.2.input_id") == "L1-t")
            if case .array(let tasks)? = lead["tasks"] {
                let leased = tasks.filter { task in
                    guard case .object(let m) = task else { return false }
                    return m.contains(JSONMember("id", .string(id))) && m.contains(JSONMember("state", .string("leased")))
                }
                #expect(leased.count == 1)
            } else {
                Issue.record("no tasks in \(lead.text)")
            }
            #expect(!lead.text.contains(token))

            let acked = try await api.post("/v1/tasks/\(id)/ack", #"{"lease_token":"\#(token)"}"#)
            #expect(acked.text == #"{"task_id":"\#(id)","status":"acked"}"# + "\n")
            let again = try await api.post("/v1/tasks/\(id)/ack", #"{"lease_token":"\#(token)"}"#)
            #expect(again.string("status") == "already_finished")
            let unknown = try await api.post("/v1/tasks/no-such-task/release", #"{"lease_token":"\#(token)"}"#)
            #expect(unknown.status == .notFound)

            let explain = try await api.get("/v1/leads/L1/explain")
            #expect(explain.status == .ok)
            #expect(explain.string("lead_id") == "L1")
            #expect(explain.string("tier") == "hot")
            #expect(try await api.get("/v1/leads/L404").status == .notFound)
            #expect(try await api.get("/v1/leads/L404/explain").status == .notFound)

            let metrics = try await api.get("/metrics")
            #expect(metrics.text.contains(#"rulesd_events_ingested_total{type="lead_created"} 1"#))
            #expect(metrics.text.contains(#"rulesd_tasks_acked_total{kind="dial",queue="english_hot_lead_queue"} 1"#))
            #expect(metrics.text.contains("rulesd_speed_to_lead_seconds_bucket"))
        }
    }

    @Test func aResendIsADuplicateAndALostLeaseIs409() async throws {
        let live = try await LiveDaemon()
        try await live.harness.run { api async throws in
            #expect(try await api.post("/v1/events", hotLead("L1", at: monday)).status == .accepted)
            let resend = try await api.post("/v1/events", hotLead("L1", at: monday))
            #expect(resend.status == .accepted)
            #expect(resend.number("accepted") == 0)
            #expect(resend.count("duplicate_ids") == 3)

            let claim = try await api.post("/v1/tasks/claim", #"{"queue":"english_hot_lead_queue","lease_seconds":60}"#)
            let id = try #require(claim.string("tasks.0.id"))
            let wrong = try await api.post("/v1/tasks/\(id)/ack", #"{"lease_token":"not-the-token"}"#)
            #expect(wrong.status == .conflict)
            #expect(wrong.string("error.code") == "conflict")

            // The lease runs out and another dialer claims the task: the first token is lost.
            let token = try #require(claim.string("tasks.0.lease_token"))
            live.clock.advance(by: 2 * minute)
            let reclaim = try await api.post("/v1/tasks/claim", #"{"queue":"english_hot_lead_queue"}"#)
            #expect(reclaim.string("tasks.0.id") == id)
            #expect(reclaim.number("tasks.0.claims") == 2)
            let late = try await api.post("/v1/tasks/\(id)/release", #"{"lease_token":"\#(token)"}"#)
            #expect(late.status == .conflict)
            let newToken = try #require(reclaim.string("tasks.0.lease_token"))
            let released = try await api.post("/v1/tasks/\(id)/release", #"{"lease_token":"\#(newToken)"}"#)
            #expect(released.string("status") == "released")
        }
    }

    @Test func futureEventsAreRejectedLineByLineAndTheRestIngested() async throws {
        let live = try await LiveDaemon()
        try await live.harness.run { api async throws in
            let body = capture("c1", "L1", at: monday) + "\n" + line("v1", "L1", "site_visit", at: monday + 24 * 60 * minute)
            let reply = try await api.post("/v1/events", body)
            #expect(reply.status == .badRequest)
            #expect(reply.string("accepted_ids.0") == "c1")
            #expect(reply.number("rejected.0.line") == 2)
            #expect(reply.string("rejected.0.field") == "at")
            #expect(reply.string("rejected.0.message")?.hasPrefix("2026-03-17T09:12:00Z is later than this server's clock allows") == true)
            #expect(try await api.get("/v1/leads/L1").status == .ok)
        }
    }

    @Test func rulesAndReloadsGoodAndRefused() async throws {
        let live = try await LiveDaemon()
        let original = try live.sandbox.read("tiers.rules")
        try await live.harness.run { api async throws in
            let rules = try await api.get("/v1/rules")
            #expect(rules.status == .ok)
            let version = try #require(rules.string("version"))
            #expect(version.count == 64)
            #expect(rules.string("how") == "startup")
            #expect((rules.count("files") ?? 0) >= 8)

            let unchanged = try await api.post("/-/reload")
            #expect(unchanged.status == .ok)
            #expect(unchanged["unchanged"] == .bool(true))
            #expect(unchanged.string("version") == version)

            try live.sandbox.append("tiers.rules", "\nTIER broken WHEN lead_scor >= 1: CALL WITHIN 60s\n")
            let refused = try await api.post("/-/reload")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.string("error.code") == "rules_refused")
            #expect(refused.string("error.diagnostics")?.contains("tiers.rules") == true)
            let after = try await api.get("/v1/rules")
            #expect(after.string("version") == version)
            #expect(after["last_reload.succeeded"] == .bool(false))
            #expect(after.string("last_reload.how") == "api")
            let metrics = try await api.get("/metrics")
            #expect(metrics.text.contains("rulesd_rules_last_reload_successful 0"))

            try live.sandbox.write("tiers.rules", original + "\n# a comment changes the version\n")
            let good = try await api.post("/-/reload")
            #expect(good.status == .ok)
            #expect(good["unchanged"] == .bool(false))
            #expect(good.string("version") != version)
            #expect(try await api.get("/v1/rules").string("version") == good.string("version"))
        }
    }

    @Test func readyOnlyAfterRecovery() async throws {
        let live = try await LiveDaemon(start: false)
        try await live.harness.run { api async throws in
            let before = try await api.get("/readyz")
            #expect(before.status == .serviceUnavailable)
            #expect(before.string("status") == "not_ready")
            #expect(try await api.get("/healthz").status == .ok)
            try await live.daemon.start()
            #expect(try await api.get("/readyz").status == .ok)
            await live.daemon.stop()
            let stopping = try await api.get("/readyz")
            #expect(stopping.status == .serviceUnavailable)
            #expect(stopping.string("reason") == "stopping")
            let refused = try await api.post("/v1/events", capture("c1", "L1", at: monday))
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.string("error.code") == "unavailable")
        }
    }
}
