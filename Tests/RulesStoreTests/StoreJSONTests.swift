// The store's JSON coder against Foundation's: every state it writes reads
// back with JSONDecoder and every state JSONEncoder wrote reads back with it,
// on hand-made edge cases and on real states of the shipped playbook.

import Foundation
import RulesCompiler
import RulesEngine
import Testing
@testable import RulesStore

/// A state that uses every part of LeadState's Codable form.
func everythingState() -> LeadState {
    var state = LeadState(id: "L-ü-1")
    state.captured = true
    state.fields = [
        "name": .string("Zoë \"Z\" O'Brien\\\n\t\u{1}\u{1F600}/x"),
        "deposit": .number(250.75), "tiny": .number(1e-7), "huge": .number(1.5e300), "negative": .number(-3),
        "whole": .number(42), "zero": .number(0), "verified": .bool(true), "born": .time(-86_400_000),
        "window": .duration(Int64.max), "tags": .list([.string("a"), .number(0.1), .list([]), .missing]),
        "gone": .missing, "": .string(""),
    ]
    state.phoneE164 = "+447700900123"
    state.timeZone = "Europe/London"
    state.timeZoneSource = "phone"
    state.events = ["demo_trade": EventStats(count: 3, first: 1, last: Int64.min), "email_open": EventStats(count: 0, first: 0, last: 0)]
    state.optedOut = [.sms, .email]
    state.blockedChannels = [.phone: "DNC list", .email: "bounced"]
    state.doNotCall = true
    state.blockedReason = nil
    state.status = .nurturing
    state.closedReason = "no \"answer\""
    state.tier = "warm"
    state.escalatedTier = "hot"
    state.cadence = "nurture_eu"
    state.cadenceSequences = ["nurture_eu#0": SequenceProgress(sent: 2, last: 99)]
    state.attempts = 4
    state.flags = ["verify_data", "vip"]
    state.duplicateOf = "L0"
    state.quarantine = QuarantineState(index: 1, name: nil, phase: .emailOnly, heldUntil: 5, emailOnlyUntil: 10)
    state.lastDial = DialTarget(queue: "warm_leads", priority: "WITHIN_2_HOURS", dialMode: nil)
    state.lastEvaluation = EvaluationSummary(score: 61.5, points: ["geo": 20, "engagement": 41.5], tier: "warm",
                                             tierRule: "tiers.rules:4", route: DialTarget(queue: "q", priority: nil, dialMode: "none"),
                                             routeRule: nil)
    state.pendingTasks = [PendingTask(id: "t1", kind: .dial, due: 7, role: .tierDial),
                          PendingTask(id: "t2", kind: .email, due: 8)]
    return state
}

/// Real states: the shipped playbook run over synthetic captures and funnel events.
func playbookStates(count: Int) throws -> [LeadState] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let loaded = try LoadedPlaybook.load(directory: root.appendingPathComponent("rules").path)
    let program = try #require(loaded.program)
    let engine = Engine(program: program, holidays: loaded.holidays)
    var leads = SyntheticLeads(program: program, seed: 7)
    var states: [LeadState] = []
    let at: Int64 = 1_774_087_200_000
    for n in 0..<count {
        let lead = leads.next()
        var state = engine.step(nil, .event(Event(id: "c\(n)", leadID: "L\(n)", type: "lead_created", at: at,
                                                  data: lead.fields))).state
        for (k, name) in lead.events.keys.sorted().prefix(3).enumerated() {
            state = engine.step(state, .event(Event(id: "e\(n)-\(k)", leadID: "L\(n)", type: name,
                                                    at: at + Int64(k + 1) * 60_000))).state
        }
        states.append(state)
    }
    return states
}

@Suite struct StoreJSONTests {
    private func foundationJSON(_ state: LeadState) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(state), as: UTF8.self)
    }

    @Test func everyPartOfTheStateRoundTripsBothWays() throws {
        let state = everythingState()
        let ours = try StoreJSON.encode(state)
        #expect(try JSONDecoder().decode(LeadState.self, from: Data(ours.utf8)) == state)
        // The fast path itself, not the fallback, reads both forms.
        #expect(try CompactJSON.decode(LeadState.self, from: Array(ours.utf8)) == state)
        #expect(try CompactJSON.decode(LeadState.self, from: Array(try foundationJSON(state).utf8)) == state)
    }

    @Test func realStatesOfTheShippedPlaybookRoundTrip() throws {
        let states = try playbookStates(count: 300)
        #expect(states.contains { !$0.pendingTasks.isEmpty } && states.contains { $0.lastEvaluation != nil })
        for state in states {
            let ours = try StoreJSON.encode(state)
            #expect(try JSONDecoder().decode(LeadState.self, from: Data(ours.utf8)) == state)
            #expect(try CompactJSON.decode(LeadState.self, from: Array(try foundationJSON(state).utf8)) == state)
            #expect(try CompactJSON.decode(LeadState.self, from: Array(ours.utf8)) == state)
        }
    }

    @Test(arguments: [0.1, -0.0, 1e21, 123_456_789_012_345_680, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -2.5, 9_007_199_254_740_994])
    func numbersKeepTheirValue(_ number: Double) throws {
        let text = try StoreJSON.encode([number])
        #expect(try JSONDecoder().decode([Double].self, from: Data(text.utf8)) == [number])
        #expect(try CompactJSON.decode([Double].self, from: Array(text.utf8)) == [number])
    }

    @Test func integersAtTheirLimits() throws {
        let values: [Int64] = [.min, .max, 0, -1]
        let text = try StoreJSON.encode(values)
        #expect(text == "[-9223372036854775808,9223372036854775807,0,-1]")
        #expect(try CompactJSON.decode([Int64].self, from: Array(text.utf8)) == values)
        #expect(throws: (any Error).self) { try CompactJSON.decode([Int8].self, from: Array("[128]".utf8)) }
        #expect(try CompactJSON.decode([Int].self, from: Array("[2.0, 3e2]".utf8)) == [2, 300])
    }

    @Test func escapesAndUnicode() throws {
        let text = #"["a\"b\\c\/d\n\u00e9\ud83d\ude00", "plain"]"#
        #expect(try CompactJSON.decode([String].self, from: Array(text.utf8)) == ["a\"b\\c/d\né\u{1F600}", "plain"])
        let odd = ["\u{0}\u{1F}", "\u{7F}", "ß", "\r\t\u{8}\u{C}"]
        #expect(try JSONDecoder().decode([String].self, from: Data(try StoreJSON.encode(odd).utf8)) == odd)
    }

    @Test(arguments: [#"{"id": "L1""#, #"{"id": "L1"} x"#, #"{"id": "\x"}"#, #"{"id": "\ud800"}"#,
                      "{\"id\": \"a\u{1}b\"}", #"{"id": 01}"#, #"{"id": tru}"#, "", #"{"id": -}"#, #"[1,]"#])
    func malformedDocumentsAreRefused(_ text: String) {
        #expect(throws: (any Error).self) { try CompactJSON.decode([String: String].self, from: Array(text.utf8)) }
        let error = #expect(throws: StoreError.self) { try StoreJSON.decode([String: String].self, text, what: "lead L1") }
        if case .invalidRecord(let detail) = error { #expect(detail.hasPrefix("lead L1: ")) } else {
            Issue.record("expected .invalidRecord, got \(String(describing: error))")
        }
    }

    /// Foundation's decoder tolerates trailing commas (so StoreJSON reads them); the tape parser is strict.
    @Test func trailingCommasAreNotJSON() {
        #expect(throws: (any Error).self) { try CompactJSON.decode([String: String].self, from: Array(#"{"id": "L1",}"#.utf8)) }
        #expect(throws: (any Error).self) { try CompactJSON.decode([Int].self, from: Array("[1,]".utf8)) }
    }

    @Test func wrongTypesAreRefused() {
        #expect(throws: (any Error).self) { try CompactJSON.decode(LeadState.self, from: Array(#"{"id": 5}"#.utf8)) }
        #expect(throws: StoreError.self) { try StoreJSON.decode(LeadState.self, #"{"captured": true}"#) }
        #expect(throws: StoreError.self) { try StoreJSON.decode([Int].self, #"["1"]"#) }
    }

    @Test func aNonFiniteNumberCannotBeStored() {
        #expect(throws: StoreError.self) { try StoreJSON.encode([Double.infinity]) }
        var state = LeadState(id: "L1")
        state.fields["x"] = .number(.nan)
        #expect(throws: StoreError.self) { try StoreJSON.encode(state) }
    }

    /// Value and [String: Value] skip the Codable machinery: held here to Value's own Codable form.
    @Test func valuesMatchTheirCodableForm() throws {
        let values: [Value] = [.string("x\"y"), .number(2.5), .number(-7), .bool(false), .time(1_774_087_200_000),
                               .duration(-5), .missing, .list([]), .list([.list([.string("")]), .missing, .bool(true)])]
        let map = Dictionary(uniqueKeysWithValues: values.enumerated().map { ("k\($0.offset)", $0.element) })
        let ours = try StoreJSON.encode(map)
        #expect(try JSONDecoder().decode([String: Value].self, from: Data(ours.utf8)) == map)
        let theirs = try JSONEncoder().encode(map)
        #expect(try CompactJSON.decode([String: Value].self, from: Array(theirs)) == map)
        #expect(try CompactJSON.decode([Value].self, from: Array(try JSONEncoder().encode(values))) == values)
        #expect(try JSONDecoder().decode([Value].self, from: Data(try StoreJSON.encode(values).utf8)) == values)
        // What Value's decoder refuses, the fast path refuses too.
        for bad in [#"{}"#, #"{"string": "a", "number": 1}"#, #"{"strin": "a"}"#, #"{"number": "1"}"#, #"{"stringx": "a"}"#] {
            #expect(throws: (any Error).self) { try JSONDecoder().decode(Value.self, from: Data(bad.utf8)) }
            #expect(throws: (any Error).self) { try CompactJSON.decode(Value.self, from: Array(bad.utf8)) }
        }
    }

    @Test func historyLinesMatchTheirCodableForm() throws {
        let lines = [ExplanationLine(rule: "rules/tiers.rules:11", text: "tier \"warm\"\n"), ExplanationLine(rule: nil, text: "")]
        let text = CompactJSON.encode(lines: lines)
        #expect(try JSONDecoder().decode([ExplanationLine].self, from: Data(text.utf8)) == lines)
        #expect(text == #"[{"rule":"rules/tiers.rules:11","text":"tier \"warm\"\n"},{"text":""}]"#)
        #expect(CompactJSON.encode(lines: []) == "[]")
        #expect(CompactJSON.encode(strings: ["a", "b\"c"]) == #"["a","b\"c"]"#)
    }

    /// Nested containers cannot stream: the value goes through JSONEncoder.
    private struct Nested: Codable, Equatable {
        var a: Int
        var b: [String]
        private enum Key: String, CodingKey { case outer, a, b }
        init(a: Int, b: [String]) { self.a = a; self.b = b }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            let inner = try c.nestedContainer(keyedBy: Key.self, forKey: .outer)
            a = try inner.decode(Int.self, forKey: .a)
            b = try inner.decode([String].self, forKey: .b)
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            var inner = c.nestedContainer(keyedBy: Key.self, forKey: .outer)
            try inner.encode(a, forKey: .a)
            try inner.encode(b, forKey: .b)
        }
    }

    @Test func whatCannotStreamFallsBackToFoundation() throws {
        let value = [Nested(a: 1, b: ["x"]), Nested(a: 2, b: [])]
        #expect(throws: CompactJSON.Unsupported.self) { try CompactJSON.encode(value) }
        let text = try StoreJSON.encode(value)
        #expect(try JSONDecoder().decode([Nested].self, from: Data(text.utf8)) == value)
        #expect(try CompactJSON.decode([Nested].self, from: Array(text.utf8)) == value)
        #expect(try StoreJSON.encode(Data([1, 2, 3])) == #""AQID""#)
    }
}
