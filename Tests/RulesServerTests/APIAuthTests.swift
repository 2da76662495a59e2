// Bearer tokens and scopes: 401 for a missing or unknown token, 403 for the
// wrong scope, admin may do everything, reads need any token, probes and
// metrics are open; with no tokens configured the API is open.

import Foundation
import HTTPTypes
import RulesDaemon
import Testing
@testable import RulesServer

private let ingest = "ingest-token-0123456789"
private let dialer = "dialer-token-0123456789"
private let admin = "admin-token-0123456789ab"

private func securedHarness(_ daemon: ScriptedDaemon) -> APIHarness {
    var harness = APIHarness(daemon: daemon)
    harness.auth = AuthConfig(tokens: [
        APIToken(name: "web-forms", secret: ingest, scope: .ingest),
        APIToken(name: "floor-1", secret: dialer, scope: .dialer),
        APIToken(name: "ops", secret: admin, scope: .admin),
    ])
    return harness
}

@Suite struct APIAuthTests {
    @Test func missingAndUnknownTokensAre401() async throws {
        let daemon = ScriptedDaemon()
        try await securedHarness(daemon).run { api async throws in
            let missing = try await api.post("/v1/events", Fixture.created)
            #expect(missing.status == .unauthorized)
            #expect(missing.text == "{\"error\":{\"code\":\"unauthorized\",\"message\":\"missing bearer token: send 'Authorization: Bearer <token>'\"}}\n")
            #expect(missing.headers[.wwwAuthenticate] == "Bearer realm=\"rulesd\"")
            let unknown = try await api.post("/v1/events", Fixture.created, token: "not-a-token-at-all-000")
            #expect(unknown.status == .unauthorized)
            #expect(unknown.string("error.message") == "unknown token")
            let prefix = try await api.post("/v1/events", Fixture.created, token: String(ingest.dropLast()))
            #expect(prefix.status == .unauthorized)
            let basic = try await api.request(.get, "/v1/rules", headers: [.authorization: "Basic dXNlcjpwYXNz"])
            #expect(basic.status == .unauthorized)
            #expect(basic.string("error.message") == "the Authorization header must be 'Bearer <token>'")
        }
        #expect(await daemon.ingested.isEmpty)
    }

    @Test func eachScopeReachesItsRoutesOnly() async throws {
        let daemon = ScriptedDaemon()
        try await securedHarness(daemon).run { api async throws in
            #expect(try await api.post("/v1/events", Fixture.created, token: ingest).status == .accepted)
            let dialerIngest = try await api.post("/v1/events", Fixture.demo, token: dialer)
            #expect(dialerIngest.status == .forbidden)
            #expect(dialerIngest.text == "{\"error\":{\"code\":\"forbidden\",\"message\":\"token 'floor-1' has scope dialer; this needs ingest or admin\"}}\n")
            let claimBody = #"{"queue":"hot_leads"}"#
            #expect(try await api.post("/v1/tasks/claim", claimBody, token: dialer).status == .ok)
            #expect(try await api.post("/v1/tasks/claim", claimBody, token: ingest).status == .forbidden)
            #expect(try await api.post("/v1/tasks/T1/ack", #"{"lease_token":"x"}"#, token: ingest).status == .forbidden)
            #expect(try await api.post("/v1/tasks/T1/release", #"{"lease_token":"x"}"#, token: ingest).status == .forbidden)
            let dialerReload = try await api.post("/-/reload", token: dialer)
            #expect(dialerReload.status == .forbidden)
            #expect(dialerReload.string("error.message") == "token 'floor-1' has scope dialer; this needs admin")
            #expect(try await api.post("/-/reload", token: ingest).status == .forbidden)
        }
        #expect(await daemon.ingested.map(\.id) == ["e1"])
        #expect(await daemon.claims.count == 1)
        #expect(await daemon.reloads.isEmpty)
    }

    @Test func adminMayDoEverythingAndReloadsInItsName() async throws {
        let daemon = ScriptedDaemon()
        try await securedHarness(daemon).run { api async throws in
            #expect(try await api.post("/v1/events", Fixture.created, token: admin).status == .accepted)
            #expect(try await api.post("/v1/tasks/claim", #"{"kind":"sms"}"#, token: admin).status == .ok)
            #expect(try await api.post("/v1/tasks/T1/ack", #"{"lease_token":"x"}"#, token: admin).status == .notFound)
            #expect(try await api.post("/-/reload", token: admin).status == .ok)
            #expect(try await api.get("/v1/rules", token: admin).status == .ok)
        }
        let reloads = await daemon.reloads
        #expect(reloads.map(\.1) == ["ops"])
    }

    @Test func readsNeedAnyValidToken() async throws {
        try await securedHarness(ScriptedDaemon()).run { api async throws in
            for path in ["/v1/rules", "/v1/leads/L1", "/v1/leads/L1/explain", "/v1/tasks/dead-letter"] {
                #expect(try await api.get(path).status == .unauthorized, "\(path)")
                #expect(try await api.get(path, token: "wrong-token-000000000").status == .unauthorized, "\(path)")
                for token in [ingest, dialer, admin] {
                    let status = try await api.get(path, token: token).status
                    #expect(status == .ok || status == .notFound, "\(path) \(status)")
                }
            }
        }
    }

    @Test func probesAndMetricsAreOpen() async throws {
        try await securedHarness(ScriptedDaemon()).run { api async throws in
            #expect(try await api.get("/healthz").status == .ok)
            #expect(try await api.get("/readyz").status == .ok)
            #expect(try await api.get("/metrics").status == .ok)
        }
    }

    @Test func withoutTokensTheAPIIsOpen() async throws {
        let daemon = ScriptedDaemon()
        try await APIHarness(daemon: daemon).run { api async throws in
            #expect(try await api.post("/v1/events", Fixture.created).status == .accepted)
            #expect(try await api.post("/-/reload").status == .ok)
            #expect(try await api.post("/v1/events", Fixture.demo, token: "anything-at-all-00000").status == .accepted)
        }
    }

    @Test func tokenComparisonIsExact() {
        let auth = Authenticator(config: AuthConfig(tokens: [APIToken(name: "a", secret: admin, scope: .admin)]))
        #expect(auth.match(admin)?.name == "a")
        #expect(auth.match(admin + "x") == nil)
        #expect(auth.match(String(admin.dropLast())) == nil)
        #expect(auth.match("") == nil)
        #expect(Authenticator.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!Authenticator.constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        #expect(!Authenticator.constantTimeEqual(Array("abc".utf8), Array("abc\0".utf8)))
        #expect(!Authenticator.constantTimeEqual([], Array("a".utf8)))
    }
}
