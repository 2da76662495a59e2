// Every route but ingest against a scripted daemon: the bodies docs/API.md
// shows, and each error (unknown lead or task, lease lost, bad claim
// bodies, reload refused, unknown routes).

import Foundation
import HTTPTypes
import Prometheus
import RulesDaemon
import RulesEngine
import Testing
@testable import RulesServer
@testable import RulesStore

@Suite struct APIRoutesTests {
    @Test func healthAndReadiness() async throws {
        let daemon = ScriptedDaemon()
        try await APIHarness(daemon: daemon).run { api async throws in
            let health = try await api.get("/healthz")
            #expect(health.status == .ok)
            #expect(health.text == "{\"status\":\"ok\"}\n")
            let ready = try await api.get("/readyz")
            #expect(ready.status == .ok)
            #expect(ready.text == "{\"status\":\"ready\"}\n")
            await daemon.set { $0.ready = Readiness(ready: false, reason: "recovering: 120 timers to load") }
            let notReady = try await api.get("/readyz")
            #expect(notReady.status == .serviceUnavailable)
            #expect(notReady.text == "{\"status\":\"not_ready\",\"reason\":\"recovering: 120 timers to load\"}\n")
        }
    }

    @Test func metricsShowTheRegistryInPrometheusText() async throws {
        var harness = APIHarness(daemon: ScriptedDaemon())
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(name: "rulesd_events_ingested_total", labels: [("type", "lead_created")]).increment(by: Int64(3))
        harness.registry = registry
        try await harness.run { api async throws in
            let reply = try await api.get("/metrics")
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(reply.text.contains("# TYPE rulesd_events_ingested_total counter"))
            #expect(reply.text.contains("rulesd_events_ingested_total{type=\"lead_created\"} 3"))
        }
    }

    @Test func unknownRoutesAndMethodsAre404JSON() async throws {
        try await APIHarness(daemon: ScriptedDaemon()).run { api async throws in
            let unknown = try await api.get("/v2/nothing")
            #expect(unknown.status == .notFound)
            #expect(unknown.text == "{\"error\":{\"code\":\"not_found\",\"message\":\"no route GET /v2/nothing\"}}\n")
            let wrongMethod = try await api.request(.delete, "/v1/events")
            #expect(wrongMethod.status == .notFound)
            #expect(wrongMethod.string("error.message") == "no route DELETE /v1/events")
        }
    }

    @Test func aLeadWithItsTimersTasksAndHistory() async throws {
        let daemon = ScriptedDaemon()
        var state = LeadState(id: "L1")
        state.captured = true
        state.tier = "hot"
        state.lastEvaluation = EvaluationSummary(score: 85, points: ["engagement": 40, "demographics": 45], tier: "hot",
                                                 tierRule: "tiers.rules:3",
                                                 route: DialTarget(queue: "hot_leads", priority: "IMMEDIATE", dialMode: "power_dialer"),
                                                 routeRule: "routing.rules:12")
        let stored = StoredTask(task: Fixture.task("T1"), state: .leased, rulesVersion: "3f2a9c", createdAt: 1_773_652_320_000,
                                leaseToken: "secret", leaseExpiresAt: 1_773_652_380_000, claims: 1, ackedAt: nil, cancelReason: nil)
        let view = LeadView(
            lead: StoredLead(state: state, rulesVersion: "3f2a9c", updatedAt: 1_773_652_320_000),
            timers: [TimerFiring(id: "tm1", leadID: "L1", purpose: "cadence", due: 1_773_738_720_000)],
            tasks: [stored],
            history: [HistoryEntry(at: 1_773_652_320_000, input: "event", inputID: "e1", what: "lead_created",
                                   rulesVersion: "3f2a9c", lines: [ExplanationLine(rule: "routing.rules:12", text: "route hot_leads")],
                                   tasks: ["T1"])])
        await daemon.set { $0.leads["L1"] = view }
        try await APIHarness(daemon: daemon).run { api async throws in
            let reply = try await api.get("/v1/leads/L1")
            #expect(reply.status == .ok)
            #expect(reply.string("lead_id") == "L1")
            #expect(reply.string("rules_version") == "3f2a9c")
            #expect(reply.string("updated_at") == "2026-03-16T09:12:00Z")
            #expect(reply.string("status") == "open")
            #expect(reply.number("score") == 85)
            #expect(reply["categories"] == .object([JSONMember("demographics", .number(45)), JSONMember("engagement", .number(40))]))
            #expect(reply.string("tier") == "hot")
            #expect(reply["route"] == .object([
                JSONMember("queue", .string("hot_leads")), JSONMember("priority", .string("IMMEDIATE")),
                JSONMember("dial_mode", .string("power_dialer")), JSONMember("rule", .string("routing.rules:12")),
            ]))
            #expect(reply.string("timers.0.purpose") == "cadence")
            #expect(reply.string("timers.0.due") == "2026-03-17T09:12:00Z")
            #expect(reply.string("tasks.0.id") == "T1")
            #expect(reply.string("tasks.0.state") == "leased")
            #expect(reply.string("tasks.0.rules_version") == "3f2a9c")
            #expect(reply.number("tasks.0.claims") == 1)
            #expect(reply.string("tasks.0.due") == "2026-03-16T09:12:00Z")
            #expect(!reply.text.contains("secret"), "a lead view never shows a lease token")
            #expect(reply.string("history.0.input_id") == "e1")
            #expect(reply.string("history.0.lines.0.rule") == "routing.rules:12")
            #expect(reply.string("history.0.tasks.0") == "T1")
            #expect(reply.string("state.id") == "L1")
            #expect(reply.string("state.tier") == "hot")
            let missing = try await api.get("/v1/leads/L404")
            #expect(missing.status == .notFound)
            #expect(missing.text == "{\"error\":{\"code\":\"not_found\",\"message\":\"no lead \\\"L404\\\"\"}}\n")
        }
    }

    @Test func explainIsTheEvalReport() async throws {
        let daemon = ScriptedDaemon()
        let log = EventDecoder(program: Fixture.program).decode(Array((Fixture.created + "\n" + Fixture.demo).utf8), path: "t")
        let histories = LeadHistory.histories(of: log, path: "t").histories
        let engine = Engine(program: Fixture.program, holidays: Fixture.playbook.holidays)
        let report = try Replay(engine: engine).reports(histories, now: try Timestamp.parse("2026-03-16T10:00:00Z"))[0]
        await daemon.set { $0.reports["L1"] = report }
        try await APIHarness(daemon: daemon).run { api async throws in
            let reply = try await api.get("/v1/leads/L1/explain")
            #expect(reply.status == .ok)
            #expect(reply.text == JSON.serialize(report.json) + "\n")
            #expect(reply.string("lead_id") == "L1")
            #expect(try await api.get("/v1/leads/L2/explain").status == .notFound)
        }
    }

    @Test func claimHandsOutLeasedTasksInTheTimelineShape() async throws {
        let daemon = ScriptedDaemon()
        let claimed = ClaimedTask(task: Fixture.task("T1"), leaseToken: "lt-1", leaseExpiresAt: 1_773_652_380_000, claims: 1)
        await daemon.set { $0.claimAnswer = [claimed] }
        try await APIHarness(daemon: daemon).run { api async throws in
            let reply = try await api.post("/v1/tasks/claim", #"{"queue":"hot_leads","kind":"dial","limit":5,"lease_seconds":90}"#)
            #expect(reply.status == .ok)
            #expect(reply.text == #"{"tasks":[{"id":"T1","lead_id":"L1","kind":"dial","queue":"hot_leads","priority":"IMMEDIATE","dial_mode":"power_dialer","template":null,"attempt":1,"due":"2026-03-16T09:12:00Z","deadline":"2026-03-16T09:13:00Z","rule":"routing.rules:12","reason":"hot lead: call within 60s","lease_token":"lt-1","lease_expires_at":"2026-03-16T09:13:00Z","claims":1}]}"# + "\n")
            let byKind = try await api.post("/v1/tasks/claim", #"{"kind":"email"}"#)
            #expect(byKind.status == .ok)
        }
        let claims = await daemon.claims
        #expect(claims == [
            ClaimRequest(queue: "hot_leads", kind: .dial, limit: 5, leaseMilliseconds: 90_000),
            ClaimRequest(queue: nil, kind: .email, limit: 10, leaseMilliseconds: 60_000),
        ])
    }

    @Test(arguments: [
        ("", "empty body: expected a JSON object with queue, kind, limit, lease_seconds"),
        ("{\"queue\":", "malformed JSON: "),
        ("[1]", "expected a JSON object, found an array"),
        ("{}", "name the tasks to claim: 'queue' (a dialer's queue), 'kind' (email, sms, ...) or both"),
        (#"{"queue":7}"#, "field 'queue': expected a string, found a number"),
        (#"{"queue":"  "}"#, "field 'queue': empty"),
        (#"{"kind":"dail"}"#, "field 'kind': unknown task kind \"dail\" (did you mean 'dial'?)"),
        (#"{"kind":"fax"}"#, "field 'kind': unknown task kind \"fax\"; expected one of dial, email, sms, handoff, close, block"),
        (#"{"queue":"q","limit":0}"#, "field 'limit': expected a whole number from 1 to 1000, found 0"),
        (#"{"queue":"q","limit":2.5}"#, "field 'limit': expected a whole number from 1 to 1000, found 2.5"),
        (#"{"queue":"q","limit":"5"}"#, "field 'limit': expected a whole number, found a string"),
        (#"{"queue":"q","lease_seconds":100000}"#, "field 'lease_seconds': expected a whole number from 1 to 86400, found 100000"),
        (#"{"queue":"q","lease":60}"#, "unknown field \"lease\"; expected queue, kind, limit, lease_seconds"),
        (#"{"queue":"q","limt":60}"#, "unknown field \"limt\" (did you mean 'limit'?)"),
        (#"{"queue":"q","queue":"r"}"#, "field 'queue' given twice"),
    ])
    func badClaimsAre400(body: String, message: String) async throws {
        let daemon = ScriptedDaemon()
        try await APIHarness(daemon: daemon).run { api async throws in
            let reply = try await api.post("/v1/tasks/claim", body)
            #expect(reply.status == .badRequest)
            #expect(reply.string("error.code") == "bad_request")
            #expect(reply.string("error.message")?.hasPrefix(message) == true, "\(reply.text)")
        }
        #expect(await daemon.claims.isEmpty)
    }

    @Test func ackAndReleaseAnswerForEveryOutcome() async throws {
        let daemon = ScriptedDaemon()
        await daemon.set {
            $0.leaseAnswers = ["T1": .done, "T2": .alreadyFinished, "T3": .leaseLost]
        }
        try await APIHarness(daemon: daemon).run { api async throws in
            let acked = try await api.post("/v1/tasks/T1/ack", #"{"lease_token":"lt-1"}"#)
            #expect(acked.status == .ok)
            #expect(acked.text == "{\"task_id\":\"T1\",\"status\":\"acked\"}\n")
            let released = try await api.post("/v1/tasks/T1/release", #"{"lease_token":"lt-1"}"#)
            #expect(released.text == "{\"task_id\":\"T1\",\"status\":\"released\"}\n")
            let finished = try await api.post("/v1/tasks/T2/ack", #"{"lease_token":"lt-2"}"#)
            #expect(finished.status == .ok)
            #expect(finished.string("status") == "already_finished")
            let lost = try await api.post("/v1/tasks/T3/ack", #"{"lease_token":"old"}"#)
            #expect(lost.status == .conflict)
            #expect(lost.string("error.code") == "conflict")
            #expect(lost.string("error.message")?.hasPrefix("lease lost") == true)
            let unknown = try await api.post("/v1/tasks/T9/release", #"{"lease_token":"x"}"#)
            #expect(unknown.status == .notFound)
            #expect(unknown.string("error.message") == "no task \"T9\"")
            let noToken = try await api.post("/v1/tasks/T1/ack", "{}")
            #expect(noToken.status == .badRequest)
            #expect(noToken.string("error.message") == "field 'lease_token': missing (the token the claim returned)")
            let wrongType = try await api.post("/v1/tasks/T1/ack", #"{"lease_token":5}"#)
            #expect(wrongType.string("error.message") == "field 'lease_token': expected a string, found a number")
        }
        let calls = await daemon.leaseCalls
        #expect(calls.map(\.0) == ["ack", "release", "ack", "ack", "release"])
        #expect(calls.map(\.1) == ["T1", "T1", "T2", "T3", "T9"])
        #expect(calls.first?.2 == "lt-1")
    }

    @Test func taskIDsInThePathArePercentDecoded() async throws {
        let daemon = ScriptedDaemon()
        await daemon.set { $0.leaseAnswers = ["L1:dial:1": .done] }
        try await APIHarness(daemon: daemon).run { api async throws in
            let reply = try await api.post("/v1/tasks/L1%3Adial%3A1/ack", #"{"lease_token":"t"}"#)
            #expect(reply.status == .ok)
            #expect(reply.string("task_id") == "L1:dial:1")
        }
    }

    @Test func deadLetters() async throws {
        let daemon = ScriptedDaemon()
        let dead = StoredTask(task: Fixture.task("T7", kind: .email), state: .deadLettered, rulesVersion: "3f2a9c",
                              createdAt: 1_773_652_320_000, deliveryAttempts: 10,
                              lastDeliveryError: "HTTP 500 from crm.example.com", deadLetteredAt: 1_773_652_380_000)
        await daemon.set { $0.deadLetterAnswer = [dead, dead, dead] }
        try await APIHarness(daemon: daemon).run { api async throws in
            let reply = try await api.get("/v1/tasks/dead-letter")
            #expect(reply.status == .ok)
            #expect(reply.count("tasks") == 3)
            #expect(reply.string("tasks.0.id") == "T7")
            #expect(reply.string("tasks.0.kind") == "email")
            #expect(reply.string("tasks.0.template") == "welcome")
            #expect(reply.string("tasks.0.state") == "dead_lettered")
            #expect(reply.number("tasks.0.delivery_attempts") == 10)
            #expect(reply.string("tasks.0.last_delivery_error") == "HTTP 500 from crm.example.com")
            #expect(reply.string("tasks.0.dead_lettered_at") == "2026-03-16T09:13:00Z")
            #expect(try await api.get("/v1/tasks/dead-letter?limit=2").count("tasks") == 2)
            let bad = try await api.get("/v1/tasks/dead-letter?limit=lots")
            #expect(bad.status == .badRequest)
            #expect(bad.string("error.message") == "query 'limit': expected a whole number from 1 to 1000, found \"lots\"")
        }
    }

    @Test func rulesShowTheVersionAndTheLastReload() async throws {
        let daemon = ScriptedDaemon()
        try await APIHarness(daemon: daemon).run { api async throws in
            let fresh = try await api.get("/v1/rules")
            #expect(fresh.text == #"{"version":"3f2a9c","files":[{"path":"scoring.rules","sha256":"ab12"}],"loaded_at":"2026-03-21T10:00:00Z","how":"startup","by":null,"last_reload":null}"# + "\n")
            await daemon.set {
                $0.attempts = [ReloadAttempt(at: 1_774_090_800_000, how: "inotify", succeeded: false,
                                             diagnostics: "scoring.rules:3:1: error: unknown word")]
            }
            let refused = try await api.get("/v1/rules")
            #expect(refused["last_reload"] == .object([
                JSONMember("at", .string("2026-03-21T11:00:00Z")), JSONMember("how", .string("inotify")),
                JSONMember("succeeded", .bool(false)), JSONMember("rules_version", .null),
                JSONMember("diagnostics", .string("scoring.rules:3:1: error: unknown word")),
            ]))
        }
    }

    @Test func reloadSucceedsOrIsRefusedWith422() async throws {
        let daemon = ScriptedDaemon()
        await daemon.set {
            $0.reloadAnswer = ReloadOutcome(attempt: ReloadAttempt(at: 0, how: "api", succeeded: true, rulesVersion: "77aa"),
                                            unchanged: false, reevaluated: 12)
        }
        try await APIHarness(daemon: daemon).run { api async throws in
            let good = try await api.post("/-/reload")
            #expect(good.status == .ok)
            #expect(good.text == #"{"succeeded":true,"unchanged":false,"version":"77aa","reevaluated":12,"diagnostics":""}"# + "\n")
            await daemon.set {
                $0.reloadAnswer = ReloadOutcome(
                    attempt: ReloadAttempt(at: 0, how: "api", succeeded: false, diagnostics: "routing.rules:4:7: error: unknown queue"),
                    unchanged: false, reevaluated: 0)
            }
            let refused = try await api.post("/-/reload")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text == #"{"error":{"code":"rules_refused","message":"the new rules have errors; the rules in force are unchanged","diagnostics":"routing.rules:4:7: error: unknown queue"}}"# + "\n")
        }
        let reloads = await daemon.reloads
        #expect(reloads.map(\.0) == [.api, .api])
        #expect(reloads.map(\.1) == [nil, nil])
    }
}
