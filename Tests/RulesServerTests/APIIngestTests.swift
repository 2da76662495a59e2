// POST /v1/events: one event, NDJSON batches, arrays; per-line rejections
// with the good lines still ingested; size and batch limits; the daemon's
// errors as HTTP statuses.

import Foundation
import HTTPTypes
import RulesDaemon
import RulesEngine
import Testing
@testable import RulesServer

@Suite struct APIIngestTests {
    @Test func oneEventIsAcceptedWith202() async throws {
        let daemon = ScriptedDaemon()
        try await APIHarness(daemon: daemon).run { api async throws in
            let reply = try await api.post("/v1/events", Fixture.created)
            #expect(reply.status == .accepted)
            #expect(reply.text == #"{"accepted":1,"duplicates":0,"accepted_ids":["e1"],"duplicate_ids":[]}"# + "\n")
            #expect(reply.headers[.contentType] == "application/json; charset=utf-8")
        }
        let events = await daemon.ingested
        #expect(events.map(\.id) == ["e1"])
        let at = try Timestamp.parse("2026-03-16T09:12:00Z")
        #expect(events.first?.at == at)
        #expect(events.first?.data["country"] == .string("GB"))
    }

    @Test func aBatchOfNDJSONAndTheResendAreIdempotent() async throws {
        let daemon = ScriptedDaemon()
        try await APIHarness(daemon: daemon).run { api async throws in
            let body = Fixture.created + "\n" + Fixture.demo + "\n"
            let first = try await api.post("/v1/events", body)
            #expect(first.status == .accepted)
            #expect(first.string("accepted_ids.1") == "e2")
            let again = try await api.post("/v1/events", body)
            #expect(again.status == .accepted)
            #expect(again.text == #"{"accepted":0,"duplicates":2,"accepted_ids":[],"duplicate_ids":["e1","e2"]}"# + "\n")
        }
        #expect(await daemon.ingested.map(\.id) == ["e1", "e2"])
    }

    @Test func aPrettyPrintedObjectAndAJSONArrayAreAccepted() async throws {
        let daemon = ScriptedDaemon()
        try await APIHarness(daemon: daemon).run { api async throws in
            let pretty = "{\n  \"id\": \"p1\",\n  \"lead_id\": \"L9\",\n  \"type\": \"site_visit\",\n  \"at\": \"2026-03-16T09:00:00Z\"\n}\n"
            #expect(try await api.post("/v1/events", pretty).status == .accepted)
            let array = "[" + Fixture.created + ",\n" + Fixture.demo + "]"
            let reply = try await api.post("/v1/events", array)
            #expect(reply.status == .accepted)
            #expect(reply.number("accepted") == 2)
        }
        #expect(await daemon.ingested.map(\.id) == ["p1", "e1", "e2"])
    }

    @Test func badLinesAreRejectedAndTheGoodOnesStillIngested() async throws {
        let daemon = ScriptedDaemon()
        let body = [
            Fixture.created,
            #"{"id":"e3","lead_id":"L1","type":"lead_creatd","at":"2026-03-16T09:13:00Z"}"#,
            #"{"id":"e4","lead_id":"L1","type":"site_visit","at":1773652380}"#,
            #"{"id":"e5","lead_id":"L1","type":"site_visit","at":"2026-03-16T09:14:00Z""#,
            Fixture.demo,
            #"{"id":"e6","lead_id":"L1","type":"first_deposit","at":"2026-03-16T09:15:00Z","data":{"amount":"lots"}}"#,
            #"["not an event"]"#,
        ].joined(separator: "\n")
        try await APIHarness(daemon: daemon).run { api async throws in
            let reply = try await api.post("/v1/events", body)
            #expect(reply.status == .badRequest)
            #expect(reply.string("error.code") == "bad_request")
            #expect(reply.string("error.message") == "5 lines rejected; 2 events accepted")
            #expect(reply.number("accepted") == 2)
            #expect(reply.string("accepted_ids.0") == "e1")
            #expect(reply.string("accepted_ids.1") == "e2")
            #expect(reply.count("rejected") == 5)
            #expect(reply.number("rejected.0.line") == 2)
            #expect(reply.string("rejected.0.field") == "type")
            #expect(reply.string("rejected.0.message") == "unknown event type 'lead_creatd' (did you mean 'lead_created'?)")
            #expect(reply.number("rejected.1.line") == 3)
            #expect(reply.string("rejected.1.field") == "at")
            #expect(reply.string("rejected.1.message")?.hasPrefix("expected a string, found a number") == true)
            #expect(reply.number("rejected.2.line") == 4)
            #expect(reply["rejected.2.field"] == .null)
            #expect(reply.string("rejected.2.message")?.hasPrefix("malformed JSON") == true)
            #expect(reply.number("rejected.3.line") == 6)
            #expect(reply.string("rejected.3.field") == "data.amount")
            #expect(reply.number("rejected.4.line") == 7)
            #expect(reply.string("rejected.4.message")?.hasPrefix("expected an event object") == true)
        }
        #expect(await daemon.ingested.map(\.id) == ["e1", "e2"])
    }

    @Test func anIDRepeatedInTheBatchCountsOnceAndIsReported() async throws {
        let daemon = ScriptedDaemon()
        try await APIHarness(daemon: daemon).run { api async throws in
            let reply = try await api.post("/v1/events", Fixture.created + "\n" + Fixture.created)
            #expect(reply.status == .accepted)
            #expect(reply.number("accepted") == 1)
            #expect(reply.string("duplicate_ids.0") == "e1")
            #expect(reply.number("warnings.0.line") == 2)
        }
        #expect(await daemon.ingested.count == 1)
    }

    @Test func anUnknownEnvelopeKeyIsAWarningWithAGuess() async throws {
        let daemon = ScriptedDaemon()
        try await APIHarness(daemon: daemon).run { api async throws in
            let reply = try await api.post("/v1/events",
                                           #"{"id":"w1","lead_id":"L1","type":"site_visit","at":"2026-03-16T09:00:00Z","date":{}}"#)
            #expect(reply.status == .accepted)
            #expect(reply.string("warnings.0.field") == "date")
            #expect(reply.string("warnings.0.message") == "not an event field; ignored (did you mean 'data'?)")
        }
    }

    @Test(arguments: ["", "\n\n  \n"])
    func anEmptyBodyIsABadRequest(body: String) async throws {
        try await APIHarness(daemon: ScriptedDaemon()).run { api async throws in
            let reply = try await api.post("/v1/events", body)
            #expect(reply.status == .badRequest)
            #expect(reply.string("error.message")?.hasPrefix("no events in the request body") == true)
        }
    }

    @Test func aMalformedArrayIsABadRequest() async throws {
        try await APIHarness(daemon: ScriptedDaemon()).run { api async throws in
            let reply = try await api.post("/v1/events", "[" + Fixture.created)
            #expect(reply.status == .badRequest)
            #expect(reply.string("error.message")?.hasPrefix("malformed JSON array of events") == true)
        }
    }

    @Test func anOversizedBodyIs413AndNothingIsIngested() async throws {
        let daemon = ScriptedDaemon()
        var harness = APIHarness(daemon: daemon)
        harness.limits.maxBodyBytes = 300
        try await harness.run { api async throws in
            let reply = try await api.post("/v1/events", Fixture.created + "\n" + Fixture.demo)
            #expect(reply.status == .contentTooLarge)
            #expect(reply.string("error.code") == "payload_too_large")
            #expect(reply.string("error.message") == "request body over the limit of 300 bytes (limits.max_body_bytes)")
            #expect(try await api.post("/v1/events", Fixture.demo).status == .accepted)
        }
        #expect(await daemon.ingested.map(\.id) == ["e2"])
    }

    @Test func aBatchOverTheEventLimitIs413() async throws {
        let daemon = ScriptedDaemon()
        var harness = APIHarness(daemon: daemon)
        harness.limits.maxBatchEvents = 1
        try await harness.run { api async throws in
            let reply = try await api.post("/v1/events", Fixture.created + "\n\n" + Fixture.demo + "\n")
            #expect(reply.status == .contentTooLarge)
            #expect(reply.string("error.message") == "a batch of 2 events is over the limit of 1 (limits.max_batch_events); split it")
        }
        #expect(await daemon.ingested.isEmpty)
    }

    @Test(arguments: [
        (DaemonError.store(.io("disk full")), HTTPResponse.Status.serviceUnavailable, "unavailable"),
        (DaemonError.unavailable("recovering"), HTTPResponse.Status.serviceUnavailable, "unavailable"),
        (DaemonError.invalid("event e1 is 2 days in the future"), HTTPResponse.Status.badRequest, "bad_request"),
    ])
    func daemonErrorsBecomeStatuses(error: DaemonError, status: HTTPResponse.Status, code: String) async throws {
        let daemon = ScriptedDaemon()
        await daemon.set { $0.ingestError = error }
        try await APIHarness(daemon: daemon).run { api async throws in
            let reply = try await api.post("/v1/events", Fixture.created)
            #expect(reply.status == status)
            #expect(reply.string("error.code") == code)
            #expect(reply.string("error.message") == APIError(error).message)
            #expect(reply["accepted"] == nil)
        }
    }
}
