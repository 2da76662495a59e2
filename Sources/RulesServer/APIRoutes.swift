// Every route of the HTTP API, in one place (docs/API.md describes each).
// Routes talk to the daemon only through `DaemonAPI`; each names the access
// it needs, and `APIErrorMiddleware` renders whatever they throw as JSON.

import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus
import RulesDaemon
import RulesEngine
import RulesLanguage
import RulesStore

/// The HTTP API over a daemon.
public struct APIServer: Sendable {
    public let daemon: any DaemonAPI
    public let auth: AuthConfig
    public let limits: RulesdConfig.Limits
    /// What `/metrics` shows: the registry the daemon's metrics are made in.
    public let registry: PrometheusCollectorRegistry
    /// The latest event time the daemon accepts (now + allowed clock skew):
    /// later events are rejected line by line, so the rest of their batch
    /// still goes in. nil: no check here (the daemon's own check stands).
    public let latestEventTime: (@Sendable () -> Int64)?

    public init(daemon: any DaemonAPI, auth: AuthConfig, limits: RulesdConfig.Limits,
                registry: PrometheusCollectorRegistry, latestEventTime: (@Sendable () -> Int64)? = nil) {
        self.daemon = daemon
        self.auth = auth
        self.limits = limits
        self.registry = registry
        self.latestEventTime = latestEventTime
    }

    /// Most tasks one claim may take.
    static let maxClaimLimit = 1000
    /// Longest lease a claim may ask for: a day.
    static let maxLeaseSeconds = 86_400

    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: APIErrorMiddleware())
        let authenticator = Authenticator(config: auth)

        /// Registers a route behind its access check.
        func route(_ method: HTTPRequest.Method, _ path: RouterPath, _ access: Access,
                   _ handler: @escaping @Sendable (Request, BasicRequestContext, Caller) async throws -> Response) {
            router.on(path, method: method) { request, context in
                let caller = try authenticator.authorize(header: request.headers[.authorization], access: access)
                return try await handler(request, context, caller)
            }
        }

        route(.post, "/v1/events", .scope(.ingest)) { request, _, _ in try await ingest(request) }
        route(.get, "/v1/leads/:id", .anyToken) { _, context, _ in try await lead(context) }
        route(.get, "/v1/leads/:id/explain", .anyToken) { _, context, _ in try await explain(context) }
        route(.post, "/v1/tasks/claim", .scope(.dialer)) { request, _, _ in try await claim(request) }
        route(.post, "/v1/tasks/:id/ack", .scope(.dialer)) { request, context, _ in
            try await finish(request, context, release: false)
        }
        route(.post, "/v1/tasks/:id/release", .scope(.dialer)) { request, context, _ in
            try await finish(request, context, release: true)
        }
        route(.get, "/v1/tasks/dead-letter", .anyToken) { request, _, _ in try await deadLetters(request) }
        route(.get, "/v1/rules", .anyToken) { _, _, _ in APIResponse.json(APIJSON.rules(await daemon.rules())) }
        route(.post, "/-/reload", .scope(.admin)) { _, _, caller in try await reload(caller) }
        route(.get, "/metrics", .open) { _, _, _ in
            APIResponse.text(registry.emitToString(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        route(.get, "/healthz", .open) { _, _, _ in APIResponse.json(.object([JSONMember("status", .string("ok"))])) }
        route(.get, "/readyz", .open) { _, _, _ in
            let readiness = await daemon.readiness()
            if readiness.ready { return APIResponse.json(.object([JSONMember("status", .string("ready"))])) }
            return APIResponse.json(.object([
                JSONMember("status", .string("not_ready")),
                JSONMember("reason", APIJSON.text(readiness.reason)),
            ]), status: .serviceUnavailable)
        }
        return router
    }

    // MARK: Handlers

    /// `POST /v1/events`: 202 when every line was good, else 400 listing the
    /// bad lines; the good lines are durable either way before the answer.
    func ingest(_ request: Request) async throws -> Response {
        let body = try await self.body(request)
        let program = await daemon.rules().program
        var batch = try EventBatch.decode(body, program: program, maxEvents: limits.maxBatchEvents)
        if let latestEventTime { batch.rejectFuture(after: latestEventTime()) }
        var result = IngestResult(accepted: [], duplicates: [])
        if !batch.events.isEmpty {
            do {
                result = try await daemon.ingest(batch.events)
            } catch {
                throw APIError(error)
            }
        }
        let duplicates = result.duplicates + batch.repeatedIDs
        var members = [
            JSONMember("accepted", .number(Double(result.accepted.count))),
            JSONMember("duplicates", .number(Double(duplicates.count))),
            JSONMember("accepted_ids", APIJSON.strings(result.accepted)),
            JSONMember("duplicate_ids", APIJSON.strings(duplicates)),
        ]
        if !batch.warnings.isEmpty { members.append(JSONMember("warnings", .array(batch.warnings.map(\.json)))) }
        guard batch.rejected.isEmpty else {
            members.append(JSONMember("rejected", .array(batch.rejected.map(\.json))))
            if batch.moreRejected > 0 { members.append(JSONMember("rejected_not_listed", .number(Double(batch.moreRejected)))) }
            let lines = Set(batch.rejected.map(\.line)).count + batch.moreRejected
            throw APIError(.badRequest, "\(lines) line\(lines == 1 ? "" : "s") rejected; "
                           + "\(result.accepted.count) event\(result.accepted.count == 1 ? "" : "s") accepted",
                           body: members)
        }
        return APIResponse.json(.object(members), status: .accepted)
    }

    func lead(_ context: BasicRequestContext) async throws -> Response {
        let id = try parameter(context, "id")
        let view: LeadView?
        do { view = try await daemon.lead(id) } catch { throw APIError(error) }
        guard let view else { throw APIError(.notFound, "no lead \(Self.quote(id))") }
        return APIResponse.json(try APIJSON.lead(view))
    }

    func explain(_ context: BasicRequestContext) async throws -> Response {
        let id = try parameter(context, "id")
        let report: LeadReport?
        do { report = try await daemon.explain(id) } catch { throw APIError(error) }
        guard let report else { throw APIError(.notFound, "no captured lead \(Self.quote(id))") }
        return APIResponse.json(report.json)
    }

    func claim(_ request: Request) async throws -> Response {
        var object = try JSONObjectReader(try await body(request), allowed: ["queue", "kind", "limit", "lease_seconds"])
        let queue = try object.string("queue")
        let kindName = try object.string("kind")
        var kind: TaskKind?
        if let kindName {
            guard let parsed = TaskKind(rawValue: kindName) else {
                let names = TaskKind.allCases.map(\.rawValue)
                let guess = Suggestion.closest(to: kindName, among: names)
                throw APIError(.badRequest, "field 'kind': unknown task kind \(Self.quote(kindName))"
                               + (guess.map { " (did you mean '\($0)'?)" } ?? "; expected one of \(names.joined(separator: ", "))"))
            }
            kind = parsed
        }
        guard queue != nil || kind != nil else {
            throw APIError(.badRequest, "name the tasks to claim: 'queue' (a dialer's queue), 'kind' (email, sms, ...) or both")
        }
        let limit = try object.integer("limit", range: 1...Self.maxClaimLimit) ?? 10
        let lease = try object.integer("lease_seconds", range: 1...Self.maxLeaseSeconds) ?? 60
        let claimed: [ClaimedTask]
        do {
            claimed = try await daemon.claim(ClaimRequest(queue: queue, kind: kind, limit: limit,
                                                          leaseMilliseconds: Int64(lease) * 1000))
        } catch {
            throw APIError(error)
        }
        return APIResponse.json(.object([JSONMember("tasks", .array(claimed.map(APIJSON.claimed)))]))
    }

    /// `POST /v1/tasks/{id}/ack` and `/release`.
    func finish(_ request: Request, _ context: BasicRequestContext, release: Bool) async throws -> Response {
        let id = try parameter(context, "id")
        var object = try JSONObjectReader(try await body(request), allowed: ["lease_token"])
        guard let token = try object.string("lease_token") else {
            throw APIError(.badRequest, "field 'lease_token': missing (the token the claim returned)")
        }
        let outcome: LeaseOutcome
        do {
            outcome = release ? try await daemon.release(taskID: id, leaseToken: token)
                : try await daemon.ack(taskID: id, leaseToken: token)
        } catch {
            throw APIError(error)
        }
        let status: String
        switch outcome {
        case .done: status = release ? "released" : "acked"
        case .alreadyFinished: status = "already_finished"
        case .notFound: throw APIError(.notFound, "no task \(Self.quote(id))")
        case .leaseLost:
            throw APIError(.conflict, "lease lost: the lease on task \(Self.quote(id)) expired and the task was claimed again, "
                           + "or the lease token is wrong")
        }
        return APIResponse.json(.object([JSONMember("task_id", .string(id)), JSONMember("status", .string(status))]))
    }

    func deadLetters(_ request: Request) async throws -> Response {
        var limit = 100
        if let text = request.uri.queryParameters.get("limit") {
            guard let n = Int(text), (1...1000).contains(n) else {
                throw APIError(.badRequest, "query 'limit': expected a whole number from 1 to 1000, found \(Self.quote(text))")
            }
            limit = n
        }
        let tasks: [StoredTask]
        do { tasks = try await daemon.deadLetters(limit: limit) } catch { throw APIError(error) }
        return APIResponse.json(.object([JSONMember("tasks", .array(tasks.map(APIJSON.stored)))]))
    }

    func reload(_ caller: Caller) async throws -> Response {
        let outcome = await daemon.reload(.api, by: caller.name)
        guard outcome.attempt.succeeded else {
            throw APIError(.rulesRefused, "the new rules have errors; the rules in force are unchanged",
                           details: [JSONMember("diagnostics", .string(outcome.attempt.diagnostics))])
        }
        return APIResponse.json(.object([
            JSONMember("succeeded", .bool(true)),
            JSONMember("unchanged", .bool(outcome.unchanged)),
            JSONMember("version", APIJSON.text(outcome.attempt.rulesVersion)),
            JSONMember("reevaluated", .number(Double(outcome.reevaluated))),
            JSONMember("diagnostics", .string(outcome.attempt.diagnostics)),
        ]))
    }

    // MARK: Helpers

    /// The request body, refused with 413 above `limits.maxBodyBytes`.
    func body(_ request: Request) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limits.maxBodyBytes {
            throw Self.tooLarge(limits.maxBodyBytes)
        }
        do {
            var buffer = try await request.body.collect(upTo: limits.maxBodyBytes)
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch is NIOTooManyBytesError {
            throw Self.tooLarge(limits.maxBodyBytes)
        }
    }

    static func tooLarge(_ limit: Int) -> APIError {
        APIError(.payloadTooLarge, "request body over the limit of \(limit) bytes (limits.max_body_bytes)")
    }

    func parameter(_ context: BasicRequestContext, _ name: String) throws(APIError) -> String {
        guard let value = context.parameters.get(name), !value.isEmpty else {
            throw APIError(.badRequest, "missing \(name) in the path")
        }
        return value.removingPercentEncoding ?? value
    }

    static func quote(_ s: String) -> String {
        JSON.serialize(.string(s.count > 80 ? String(s.prefix(80)) + "…" : s))
    }
}

/// The members of a small JSON request body (claim, ack), with precise
/// errors for a wrong type or an unknown field.
struct JSONObjectReader {
    private var members: [String: JSONValue] = [:]

    init(_ body: [UInt8], allowed: [String]) throws(APIError) {
        guard body.contains(where: { !EventBatch.isBlank($0) }) else {
            throw APIError(.badRequest, "empty body: expected a JSON object with \(allowed.joined(separator: ", "))")
        }
        let value: JSONValue
        do {
            value = try JSON.parse(body[...])
        } catch {
            throw APIError(.badRequest, "malformed JSON: \(error)")
        }
        guard case .object(let list) = value else {
            throw APIError(.badRequest, "expected a JSON object, found \(value.kindName)")
        }
        for member in list {
            guard allowed.contains(member.key) else {
                let guess = Suggestion.closest(to: member.key, among: allowed)
                throw APIError(.badRequest, "unknown field \(APIServer.quote(member.key))"
                               + (guess.map { " (did you mean '\($0)'?)" } ?? "; expected \(allowed.joined(separator: ", "))"))
            }
            guard members[member.key] == nil else { throw APIError(.badRequest, "field '\(member.key)' given twice") }
            members[member.key] = member.value
        }
    }

    /// nil when absent or null.
    mutating func string(_ key: String) throws(APIError) -> String? {
        switch members[key] {
        case nil, .null?: return nil
        case .string(let s)?:
            guard !s.allSatisfy(\.isWhitespace) else { throw APIError(.badRequest, "field '\(key)': empty") }
            return s
        case let other?: throw APIError(.badRequest, "field '\(key)': expected a string, found \(other.kindName)")
        }
    }

    mutating func integer(_ key: String, range: ClosedRange<Int>) throws(APIError) -> Int? {
        switch members[key] {
        case nil, .null?: return nil
        case .number(let n)?:
            guard n == n.rounded(), n >= Double(range.lowerBound), n <= Double(range.upperBound) else {
                throw APIError(.badRequest, "field '\(key)': expected a whole number from \(range.lowerBound) to \(range.upperBound), found \(JSON.serialize(.number(n)))")
            }
            return Int(n)
        case let other?:
            throw APIError(.badRequest, "field '\(key)': expected a whole number, found \(other.kindName)")
        }
    }
}
