// EventDecoder: what a good line becomes, and every kind of bad line with
// the exact issue it gets (line, field, message, note).

import Testing
import RulesCompiler
import RulesLanguage
@testable import RulesEngine

enum EventFixtures {
    /// A playbook with a parameter of every type the decoder converts.
    static let playbook = """
        EVENT lead_created
        EVENT demo_trade
        EVENT webinar_attended(ends_at: TIME)
        EVENT first_deposit(amount: NUMBER)
        EVENT call_outcome(code: STRING, callback_at: TIME?, agent_id: STRING?)
        EVENT pause(length: DURATION, manual: BOOL, place: COUNTRY?)
        FIELD age: NUMBER?
        FIELD desk: STRING
        """

    static let program: Program? = Compiler.compile([SourceFile(path: "test.rules", text: playbook)]).program

    static func decode(_ text: String) throws -> EventLog {
        try decode(Array(text.utf8))
    }

    static func decode(_ bytes: [UInt8]) throws -> EventLog {
        EventDecoder(program: try #require(program)).decode(bytes, path: "events.jsonl")
    }
}

struct EventDecoderTests {
    typealias F = EventFixtures

    @Test func leadCreatedCarriesCaptureFieldsAndDeclaredFieldsTyped() throws {
        let log = try F.decode("""
            {"id":"e1","lead_id":"L1","type":"lead_created","at":"2026-03-21T10:00:00Z","data":{"name":"Ann","country":"GB","registered_at":"2026-03-21T09:59:00Z","age":31,"desk":"uk","affiliate":null}}
            """)
        let event = try #require(log.events.first?.event)
        #expect(event == Event(id: "e1", leadID: "L1", type: "lead_created", at: 1_774_087_200_000, data: [
            "name": .string("Ann"), "country": .string("GB"), "registered_at": .time(1_774_087_140_000),
            "age": .number(31), "desk": .string("uk"),
        ]))
        // `affiliate` is no field of this playbook: warned, not kept.
        #expect(log.issues.map(\.description) == [
            "events.jsonl:1: warning: field 'data.affiliate': not a capture field, a declared FIELD or a parameter of lead_created; ignored",
        ])
    }

    @Test func parametersOfEveryTypeAreConverted() throws {
        let log = try F.decode("""
            {"id":"e1","lead_id":"L1","type":"pause","at":"2026-03-21T11:00:00.250+01:00","data":{"length":"1h30m","manual":true,"place":"DE"}}
            {"id":"e2","lead_id":"L1","type":"pause","at":"2026-03-21T10:00:00Z","data":{"length":5400000,"manual":false}}
            {"id":"e3","lead_id":"L1","type":"call_outcome","at":"2026-03-21T10:00:00Z","data":{"code":"V01","callback_at":null}}
            """)
        #expect(log.issues.isEmpty)
        #expect(log.events.map(\.event.data) == [
            ["length": .duration(5_400_000), "manual": .bool(true), "place": .string("DE")],
            ["length": .duration(5_400_000), "manual": .bool(false)],
            ["code": .string("V01"), "callback_at": .missing],
        ])
        #expect(log.events.map(\.event.at) == [1_774_087_200_250, 1_774_087_200_000, 1_774_087_200_000])
        #expect(log.events.map(\.line) == [1, 2, 3])
    }

    struct BadLine: Sendable, CustomTestStringConvertible {
        let name: String
        let line: String
        let issues: [String]
        var testDescription: String { name }
    }

    static let created = #""id":"e1","lead_id":"L1","type":"lead_created","at":"2026-03-21T10:00:00Z""#

    static let badLines: [BadLine] = [
        .init(name: "malformed JSON", line: #"{"id":"e1","#,
              issues: ["error: malformed JSON: expected a quoted key, found end of line at column 12"]),
        .init(name: "trailing text", line: #"{"id":"e1"} x"#,
              issues: ["error: malformed JSON: unexpected 'x' after the JSON value at column 13"]),
        .init(name: "not an object", line: #"["e1","L1"]"#,
              issues: [#"error: expected an event object {"id", "lead_id", "type", "at", "data"}, found an array"#]),
        .init(name: "unknown type with suggestion",
              line: #"{"id":"e2","lead_id":"L1","type":"demo_trde","at":"2026-03-21T10:00:00Z"}"#,
              issues: ["error: field 'type': unknown event type 'demo_trde'\n  note: did you mean 'demo_trade'?"]),
        .init(name: "unknown type, nothing close",
              line: #"{"id":"e2","lead_id":"L1","type":"pageview","at":"2026-03-21T10:00:00Z"}"#,
              issues: ["error: field 'type': unknown event type 'pageview'"]),
        .init(name: "missing lead_id and at", line: #"{"id":"e2","type":"demo_trade"}"#,
              issues: ["error: field 'lead_id': missing", "error: field 'at': missing"]),
        .init(name: "missing id and type", line: #"{"lead_id":"L1","at":"2026-03-21T10:00:00Z"}"#,
              issues: ["error: field 'id': missing", "error: field 'type': missing"]),
        .init(name: "time without zone",
              line: #"{"id":"e2","lead_id":"L1","type":"demo_trade","at":"2026-03-21 10:00"}"#,
              issues: [#"error: field 'at': time "2026-03-21 10:00" has no zone (add Z or an offset like +01:00)"#]),
        .init(name: "date without time",
              line: #"{"id":"e2","lead_id":"L1","type":"demo_trade","at":"2026-03-21"}"#,
              issues: [#"error: field 'at': time "2026-03-21" has no time of day (write it like 2026-03-21T10:00:00Z)"#]),
        .init(name: "impossible date",
              line: #"{"id":"e2","lead_id":"L1","type":"demo_trade","at":"2026-02-30T10:00:00Z"}"#,
              issues: [#"error: field 'at': time "2026-02-30T10:00:00Z" has the day 30 out of range"#]),
        .init(name: "time as a number",
              line: #"{"id":"e2","lead_id":"L1","type":"demo_trade","at":1774087200}"#,
              issues: ["error: field 'at': expected a string, found a number 1774087200"]),
        .init(name: "ids that are not strings",
              line: #"{"id":7,"lead_id":"","type":"demo_trade","at":"2026-03-21T10:00:00Z"}"#,
              issues: ["error: field 'id': expected a string, found a number 7", "error: field 'lead_id': empty"]),
        .init(name: "key given twice",
              line: #"{"id":"e2","id":"e3","lead_id":"L1","type":"demo_trade","at":"2026-03-21T10:00:00Z"}"#,
              issues: ["error: field 'id': given twice"]),
        .init(name: "data not an object",
              line: #"{"id":"e2","lead_id":"L1","type":"demo_trade","at":"2026-03-21T10:00:00Z","data":[1]}"#,
              issues: ["error: field 'data': expected an object, found an array"]),
        .init(name: "number sent as a string",
              line: #"{"id":"e2","lead_id":"L1","type":"first_deposit","at":"2026-03-21T10:00:00Z","data":{"amount":"2500"}}"#,
              issues: [#"error: field 'data.amount': expected a number (NUMBER), found a string "2500""#]),
        .init(name: "TIME parameter without zone",
              line: #"{"id":"e2","lead_id":"L1","type":"webinar_attended","at":"2026-03-21T10:00:00Z","data":{"ends_at":"2026-03-21T09:00:00"}}"#,
              issues: [#"error: field 'data.ends_at': time "2026-03-21T09:00:00" has no zone (add Z or an offset like +01:00)"#]),
        .init(name: "required parameter left out",
              line: #"{"id":"e2","lead_id":"L1","type":"webinar_attended","at":"2026-03-21T10:00:00Z"}"#,
              issues: ["error: field 'data.ends_at': missing; webinar_attended requires ends_at: TIME"]),
        .init(name: "required parameter null",
              line: #"{"id":"e2","lead_id":"L1","type":"first_deposit","at":"2026-03-21T10:00:00Z","data":{"amount":null}}"#,
              issues: ["error: field 'data.amount': null, but the type NUMBER is not optional"]),
        .init(name: "BOOL and DURATION of the wrong form",
              line: #"{"id":"e2","lead_id":"L1","type":"pause","at":"2026-03-21T10:00:00Z","data":{"length":"15 min","manual":"yes"}}"#,
              issues: [#"error: field 'data.length': duration "15 min" is not like "15m", "2h" or "1h30m""#,
                       #"error: field 'data.manual': expected true or false (BOOL), found a string "yes""#]),
        .init(name: "negative milliseconds",
              line: #"{"id":"e2","lead_id":"L1","type":"pause","at":"2026-03-21T10:00:00Z","data":{"length":-5,"manual":true}}"#,
              issues: ["error: field 'data.length': a duration in milliseconds must be a whole number, 0 or more; found -5"]),
        .init(name: "UK read as GB",
              line: #"{"id":"e2","lead_id":"L1","type":"pause","at":"2026-03-21T10:00:00Z","data":{"length":"1m","manual":true,"place":"UK"}}"#,
              issues: [#"warning: field 'data.place': country "UK" read as "GB"; "UK" is not an ISO 3166-1 code"#]),
        .init(name: "country that is no code",
              line: #"{"id":"e2","lead_id":"L1","type":"pause","at":"2026-03-21T10:00:00Z","data":{"length":"1m","manual":true,"place":"Germany"}}"#,
              issues: [#"error: field 'data.place': "Germany" is not an ISO 3166-1 alpha-2 country code"#]),
        .init(name: "unknown parameter with suggestion",
              line: #"{"id":"e2","lead_id":"L1","type":"first_deposit","at":"2026-03-21T10:00:00Z","data":{"amount":5,"amuont":5}}"#,
              issues: ["warning: field 'data.amuont': not a parameter of EVENT first_deposit; ignored\n  note: did you mean 'amount'?"]),
        .init(name: "declared FIELD not optional",
              line: "{\(created),\"data\":{}}",
              issues: ["error: field 'data.desk': missing; FIELD desk: STRING is not optional"]),
        .init(name: "unknown envelope key",
              line: #"{"id":"e2","lead_id":"L1","type":"demo_trade","at":"2026-03-21T10:00:00Z","dta":{}}"#,
              issues: ["warning: field 'dta': not an event field; ignored\n  note: did you mean 'data'?"]),
        .init(name: "nesting past the limit",
              line: "{\"id\":" + String(repeating: "[", count: 5000) + "}",
              issues: ["error: malformed JSON: nesting deeper than 64 levels at column 70"]),
        .init(name: "control character in a string",
              line: "{\"id\":\"e\u{01}\"}",
              issues: ["error: malformed JSON: control character (byte 0x01) in a string; write it escaped at column 9"]),
    ]

    @Test(arguments: badLines)
    func badLineGetsItsIssues(_ bad: BadLine) throws {
        let log = try F.decode(bad.line)
        #expect(log.issues.map(\.description) == bad.issues.map { "events.jsonl:1: " + $0 })
        let errors = bad.issues.contains { $0.hasPrefix("error") }
        #expect(log.events.isEmpty == errors, "an event is kept exactly when its line has no error")
    }

    @Test func invalidUTF8IsAnErrorNamingTheByte() throws {
        let bytes = Array(#"{"id":"e"#.utf8) + [0xC3, 0x28] + Array(#"","lead_id":"L1"}"#.utf8)
        let log = try F.decode(bytes)
        #expect(log.issues.map(\.description) == ["events.jsonl:1: error: malformed JSON: invalid UTF-8 (byte 0xC3) at column 9"])
    }

    @Test func blankLinesAreSkippedAndLinesKeepTheirNumbers() throws {
        let log = try F.decode("\n   \n\t\n" + #"{"id":"e1","lead_id":"L1","type":"demo_trade","at":"2026-03-21T10:00:00"}"#
            + "\n\n" + #"{"id":"e2","lead_id":"L1","type":"demo_trade","at":"2026-03-21T10:00:00Z"}"# + "\n")
        #expect(log.issues.map(\.description) == [
            #"events.jsonl:4: error: field 'at': time "2026-03-21T10:00:00" has no zone (add Z or an offset like +01:00)"#,
        ])
        #expect(log.events.map(\.line) == [6])
    }

    @Test func duplicateIdIsIgnoredCountedAndWarned() throws {
        let log = try F.decode("""
            {"id":"e1","lead_id":"L1","type":"demo_trade","at":"2026-03-21T10:00:00Z"}
            {"id":"e2","lead_id":"L1","type":"demo_trade","at":"2026-03-21T10:05:00Z"}
            {"id":"e1","lead_id":"L1","type":"demo_trade","at":"2026-03-21T11:00:00Z"}
            {"id":"e1","lead_id":"L2","type":"demo_trade","at":"2026-03-21T12:00:00Z"}
            """)
        #expect(log.duplicates == 2)
        #expect(!log.hasErrors)
        #expect(log.events.map(\.event.id) == ["e1", "e2"])
        #expect(log.events.first?.event.at == 1_774_087_200_000)
        #expect(log.issues.map(\.description) == [
            #"events.jsonl:3: warning: field 'id': duplicate event id "e1" (first on line 1); ignored"#,
            #"events.jsonl:4: warning: field 'id': duplicate event id "e1" (first on line 1); ignored"#,
        ])
    }

    @Test func crlfLineEndingsAndAByteOrderMarkAreRead() throws {
        let text = "\u{FEFF}" + #"{"id":"e1","lead_id":"L1","type":"demo_trade","at":"2026-03-21T10:00:00Z"}"# + "\r\n"
            + #"{"id":"e2","lead_id":"L1","type":"demo_trade","at":"2026-03-21T10:00:00Z"}"# + "\r\n"
        let log = try F.decode(text)
        #expect(log.issues.isEmpty)
        #expect(log.events.map(\.line) == [1, 2])
    }

    @Test func everyLineIsReportedNotJustTheFirst() throws {
        let log = try F.decode("nope\n{}\n" + #"{"id":"e3","lead_id":"L1","type":"demo_trade","at":"2026-03-21T10:00:00Z"}"#)
        #expect(log.issues.map(\.line) == [1, 2, 2, 2, 2])
        #expect(log.errorCount == 5)
        #expect(log.events.map(\.line) == [3])
    }

    @Test func longValuesAreShortenedInMessages() throws {
        let long = String(repeating: "x", count: 100_000)
        let log = try F.decode(#"{"id":"e1","lead_id":"L1","type":"demo_trade","at":""# + long + #""}"#)
        let message = try #require(log.issues.first?.description)
        #expect(message.count < 200)
        #expect(message.contains("x…\""))
    }

    @Test func arbitraryBytesNeverCrashAndIssuesStayOnTheirLines() throws {
        var rng = SplitMix64(seed: 0x5EED)
        let alphabet = Array(#"{}[]",:0123456789.-+eE truefalsnul\idtypeat"#.utf8) + [0x0A, 0x0A, 0xFF, 0xC3, 0x80, 0xE2]
        for _ in 0..<500 {
            let count = Int(rng.next() % 300)
            let bytes = (0..<count).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let log = try F.decode(bytes)
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).count
            #expect(log.issues.allSatisfy { (1...lines).contains($0.line) })
            #expect(log.events.allSatisfy { (1...lines).contains($0.line) })
        }
    }
}

