// What the API tests share: the repository's playbook, a scripted daemon
// (the HTTP layer's view of the daemon, with answers a test sets, to reach
// every error mapping), a helper to run requests in-process and read JSON.

import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Prometheus
import RulesCompiler
import RulesDaemon
import RulesEngine
import Testing
@testable import RulesServer
@testable import RulesStore

enum Fixture {
    /// The repository root (Tests/RulesServerTests/ is two levels down).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let rulesDirectory = root + "/rules"

    static let playbook: LoadedPlaybook = {
        do {
            return try LoadedPlaybook.load(directory: rulesDirectory)
        } catch {
            fatalError("the repository's rules/ could not be loaded: \(error)")
        }
    }()

    static var program: Program {
        guard let program = playbook.program else { fatalError("rules/ has errors") }
        return program
    }

    static let created = #"{"id":"e1","lead_id":"L1","type":"lead_created","at":"2026-03-16T09:12:00Z","data":{"name":"James Whitfield","email":"j@example.co.uk","phone":"+447700900123","country":"GB","language":"English","source":"organic_search","timezone":"Europe/London"}}"#
    static let demo = #"{"id":"e2","lead_id":"L1","type":"demo_account_created","at":"2026-03-16T09:20:00Z","data":{}}"#

    static let version = RulesVersionRecord(hash: "3f2a9c", files: [RulesFile(path: "scoring.rules", sha256: "ab12")],
                                            loadedAt: 1_774_087_200_000, how: "startup")

    static func task(_ id: String, lead: String = "L1", kind: TaskKind = .dial) -> LeadTask {
        LeadTask(id: id, leadID: lead, kind: kind, queue: kind == .dial ? "hot_leads" : nil,
                 priority: kind == .dial ? "IMMEDIATE" : nil, dialMode: kind == .dial ? "power_dialer" : nil,
                 template: kind == .email ? "welcome" : nil, attempt: kind == .dial ? 1 : nil,
                 due: 1_773_652_320_000, deadline: kind == .dial ? 1_773_652_380_000 : nil,
                 rule: "routing.rules:12", reason: "hot lead: call within 60s")
    }
}

/// A daemon whose answers the test sets; it records what it was asked.
actor ScriptedDaemon: DaemonAPI {
    let program: Program
    private(set) var ingested: [Event] = []
    private(set) var claims: [ClaimRequest] = []
    private(set) var leaseCalls: [(String, String, String)] = []
    private(set) var reloads: [(ReloadTrigger, String?)] = []
    var ingestError: DaemonError?
    var leads: [String: LeadView] = [:]
    var reports: [String: LeadReport] = [:]
    var claimAnswer: [ClaimedTask] = []
    var leaseAnswers: [String: LeaseOutcome] = [:]
    var deadLetterAnswer: [StoredTask] = []
    var reloadAnswer = ReloadOutcome(attempt: ReloadAttempt(at: 0, how: "api", succeeded: true, rulesVersion: "3f2a9c"),
                                     unchanged: true, reevaluated: 0)
    var attempts: [ReloadAttempt] = []
    var ready = Readiness(ready: true)

    init(program: Program = Fixture.program) {
        self.program = program
    }

    func set(_ change: @Sendable (isolated ScriptedDaemon) -> Void) { change(self) }

    func ingest(_ events: [Event]) async throws(DaemonError) -> IngestResult {
        if let ingestError { throw ingestError }
        var result = IngestResult(accepted: [], duplicates: [])
        for event in events {
            if ingested.contains(where: { $0.id == event.id }) { result.duplicates.append(event.id) } else {
                ingested.append(event)
                result.accepted.append(event.id)
            }
        }
        return result
    }

    func lead(_ id: String) async throws(DaemonError) -> LeadView? {
        if let ingestError { throw ingestError }
        return leads[id]
    }

    func explain(_ id: String) async throws(DaemonError) -> LeadReport? { reports[id] }

    func claim(_ request: ClaimRequest) async throws(DaemonError) -> [ClaimedTask] {
        claims.append(request)
        return claimAnswer
    }

    func ack(taskID: String, leaseToken: String) async throws(DaemonError) -> LeaseOutcome {
        leaseCalls.append(("ack", taskID, leaseToken))
        return leaseAnswers[taskID] ?? .notFound
    }

    func release(taskID: String, leaseToken: String) async throws(DaemonError) -> LeaseOutcome {
        leaseCalls.append(("release", taskID, leaseToken))
        return leaseAnswers[taskID] ?? .notFound
    }

    func deadLetters(limit: Int) async throws(DaemonError) -> [StoredTask] { Array(deadLetterAnswer.prefix(limit)) }

    func rules() async -> RulesStatus { RulesStatus(version: Fixture.version, program: program, lastAttempts: attempts) }

    func reload(_ trigger: ReloadTrigger, by: String?) async -> ReloadOutcome {
        reloads.append((trigger, by))
        return reloadAnswer
    }

    func readiness() async -> Readiness { ready }
}

/// A response's status, JSON body and headers.
struct Reply {
    var status: HTTPResponse.Status
    var text: String
    var headers: HTTPFields
    var json: JSONValue? { try? JSON.parse(ArraySlice(text.utf8)) }

    /// A member by path (`error.code`, `rejected.0.line`).
    subscript(_ path: String) -> JSONValue? {
        var value = json
        for part in path.split(separator: ".") {
            switch value {
            case .object(let members)?: value = members.first { $0.key == part }?.value
            case .array(let items)?:
                guard let i = Int(part), items.indices.contains(i) else { return nil }
                value = items[i]
            default: return nil
            }
        }
        return value
    }

    func string(_ path: String) -> String? {
        if case .string(let s)? = self[path] { return s }
        return nil
    }

    func number(_ path: String) -> Double? {
        if case .number(let n)? = self[path] { return n }
        return nil
    }

    func count(_ path: String) -> Int? {
        if case .array(let items)? = self[path] { return items.count }
        return nil
    }
}

/// Runs requests against an API server in-process (`app.test(.router)`).
struct APIHarness {
    var daemon: any DaemonAPI
    var auth = AuthConfig()
    var limits = RulesdConfig.Limits()
    var registry = PrometheusCollectorRegistry()
    var latestEventTime: (@Sendable () -> Int64)?

    init(daemon: any DaemonAPI) {
        self.daemon = daemon
    }

    var server: APIServer {
        APIServer(daemon: daemon, auth: auth, limits: limits, registry: registry, latestEventTime: latestEventTime)
    }

    /// Runs `body` with a client of a fresh application.
    func run(_ body: @Sendable @escaping (APIClient) async throws -> Void) async throws {
        let app = Application(router: server.makeRouter(), logger: Logger(label: "rulesd-test"))
        try await app.test(.router) { client in
            try await body(APIClient(client: client))
        }
    }
}

struct APIClient: Sendable {
    let client: any TestClientProtocol

    func request(_ method: HTTPRequest.Method, _ uri: String, body: String? = nil, token: String? = nil,
                 headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: uri, method: method, headers: headers,
                                        body: body.map { ByteBuffer(string: $0) }) { response in
            Reply(status: response.status, text: String(buffer: response.body), headers: response.headers)
        }
    }

    func get(_ uri: String, token: String? = nil) async throws -> Reply {
        try await request(.get, uri, token: token)
    }

    func post(_ uri: String, _ body: String? = nil, token: String? = nil) async throws -> Reply {
        try await request(.post, uri, body: body, token: token)
    }
}
