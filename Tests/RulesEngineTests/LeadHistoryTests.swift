// LeadHistory: events grouped per lead in time order whatever the file
// order, leads never created reported line by line, and the --at cut-off.

import Testing
@testable import RulesEngine

struct LeadHistoryTests {
    typealias F = EventFixtures

    static func line(_ id: String, _ lead: String, _ type: String, _ at: String) -> String {
        #"{"id":"\#(id)","lead_id":"\#(lead)","type":"\#(type)","at":"\#(at)","data":{"# + (type == "lead_created" ? #""desk":"d""# : "") + "}}"
    }

    static let file = [
        line("e1", "L10", "demo_trade", "2026-03-21T10:05:00Z"),
        line("e2", "L10", "lead_created", "2026-03-21T10:00:00Z"),
        line("e3", "L2", "lead_created", "2026-03-21T09:00:00Z"),
        line("e4", "L10", "demo_trade", "2026-03-21T10:05:00Z"),
        line("e5", "L10", "demo_trade", "2026-03-21T09:30:00Z"),
        line("e6", "L2", "demo_trade", "2026-03-21T12:00:00Z"),
        line("e7", "L9", "lead_created", "2026-03-21T13:00:00Z"),
    ].joined(separator: "\n")

    @Test func eventsAreInTimeOrderAndTiesKeepFileOrder() throws {
        let log = try F.decode(Self.file)
        let (histories, issues) = LeadHistory.histories(of: log, path: "events.jsonl")
        #expect(issues.isEmpty)
        #expect(histories.map(\.leadID) == ["L2", "L9", "L10"])
        #expect(histories.last?.events.map(\.event.id) == ["e5", "e2", "e1", "e4"])
        #expect(histories.first?.events.map(\.line) == [3, 6])
    }

    @Test func untilLeavesOutLaterEventsAndLeadsNotYetCreated() throws {
        let log = try F.decode(Self.file)
        let tenOClock = try Timestamp.parse("2026-03-21T10:00:00Z")
        let (histories, _) = LeadHistory.histories(of: log, path: "events.jsonl", until: tenOClock)
        #expect(histories.map(\.leadID) == ["L2", "L10"])
        #expect(histories.map { $0.events.map(\.event.id) } == [["e3"], ["e5", "e2"]])
    }

    @Test func everyEventOfALeadNeverCreatedIsAnErrorOnItsLine() throws {
        let log = try F.decode(Self.file + "\n" + Self.line("e8", "L404", "demo_trade", "2026-03-21T10:00:00Z")
            + "\n" + Self.line("e9", "L404", "demo_trade", "2026-03-21T11:00:00Z"))
        let (histories, issues) = LeadHistory.histories(of: log, path: "events.jsonl")
        #expect(histories.count == 3)
        #expect(issues.map(\.description) == [
            #"events.jsonl:8: error: field 'lead_id': no lead_created event for lead "L404" in the file"#,
            #"events.jsonl:9: error: field 'lead_id': no lead_created event for lead "L404" in the file"#,
        ])
    }

    @Test(arguments: [("L2", "L10"), ("L9", "L10"), ("A", "B"), ("L1", "L1a"), ("L02", "L2"), ("L2", "L03"),
                      ("lead-7-b", "lead-07-c"), ("", "0"), ("x9", "x10y")])
    func leadIdsCompareNumbersByValue(_ a: String, _ b: String) {
        #expect(LeadHistory.precedes(a, b))
        #expect(!LeadHistory.precedes(b, a))
    }
}
