// Whole-store walks: leads in id order page by page, capture events by
// sequence number, and the counts the daemon reports.

import Foundation
import RulesEngine
import Testing
@testable import RulesStore

@Suite struct PagingTests {
    @Test func leadsPageInIDOrderWhateverTheirStatus() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        let ids = (0..<25).map { "L\(String($0, radix: 7))" }.shuffled()
        var operations: [StoreOperation] = []
        for (n, id) in ids.enumerated() {
            var state = LeadState(id: id)
            state.status = n % 3 == 0 ? .closed : .open
            state.attempts = n
            operations.append(.saveLead(StoredLead(state: state, rulesVersion: "v1", updatedAt: Int64(n))))
        }
        _ = try await store.commit(events: [], receivedAt: 0, operations: operations, now: 0)
        #expect(try await store.leadCount() == 25)

        var seen: [StoredLead] = []
        var after: String? = nil
        var pages = 0
        while true {
            let page = try await store.leads(afterID: after, limit: 10)
            if page.isEmpty { break }
            pages += 1
            seen += page
            after = page.last?.state.id
        }
        #expect(pages == 3)
        #expect(seen.map(\.state.id) == ids.sorted())
        #expect(seen.filter { $0.state.status == .closed }.count == 9)
        let first = try #require(seen.first)
        #expect(try await store.loadLead(first.state.id) == first)
        #expect(try await store.leads(afterID: ids.max(), limit: 10).isEmpty)
        #expect(try await store.leads(afterID: nil, limit: 0).isEmpty)
    }

    /// Pages large enough to be decoded on several threads come back whole and in order.
    @Test func largePagesOfRealStates() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path, synchronousFull: false)
        let states = try playbookStates(count: 600)
        _ = try await store.commit(events: [], receivedAt: 0, operations: states.map {
            .saveLead(StoredLead(state: $0, rulesVersion: "v1", updatedAt: 1))
        }, now: 1)
        let first = try await store.leads(afterID: nil, limit: 500)
        #expect(first.count == 500 && first.count >= ParallelMap.minimum)
        let rest = try await store.leads(afterID: first.last?.state.id, limit: 500)
        let byID = Dictionary(uniqueKeysWithValues: states.map { ($0.id, $0) })
        #expect((first + rest).map(\.state.id) == states.map(\.id).sorted())
        #expect((first + rest).allSatisfy { byID[$0.state.id] == $0.state })
    }

    @Test func captureEventsInStoreOrderBySequence() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        var events: [Event] = []
        for n in 0..<30 {
            // Interleaved with other event types, captured out of time order.
            events.append(storeEvent("c\(n)", lead: "L\(n)", type: "lead_created", at: Int64(1_000 - n)))
            events.append(storeEvent("o\(n)", lead: "L\(n)", type: "call_outcome", at: Int64(2_000 + n)))
        }
        _ = try await store.appendEvents(Array(events[..<40]), receivedAt: 1)
        _ = try await store.appendEvents(Array(events[40...]) + [events[0]], receivedAt: 2)

        var captured: [(sequence: Int64, event: Event)] = []
        var after: Int64 = 0
        while true {
            let page = try await store.captureEvents(afterSequence: after, limit: 7)
            guard let last = page.last else { break }
            #expect(page.count <= 7)
            captured += page
            after = last.sequence
        }
        #expect(captured.map(\.event.id) == (0..<30).map { "c\($0)" })
        #expect(captured.map(\.sequence) == captured.map(\.sequence).sorted())
        #expect(Set(captured.map(\.sequence)).count == 30)
        #expect(captured[3].event == events[6])
        #expect(try await store.captureEvents(afterSequence: after, limit: 7).isEmpty)
    }

    @Test func pendingTimerCountFollowsSetsAndCancels() async throws {
        let db = try TempDatabase()
        let store = try SQLiteStore(path: db.path)
        #expect(try await store.pendingTimerCount() == 0)
        #expect(try await store.leadCount() == 0)
        _ = try await store.commit(events: [], receivedAt: 0, operations: [
            .setTimer(TimerFiring(id: "t1", leadID: "L1", purpose: "cadence", due: 1)),
            .setTimer(TimerFiring(id: "t2", leadID: "L1", purpose: "cadence", due: 2)),
            .setTimer(TimerFiring(id: "t1", leadID: "L1", purpose: "cadence", due: 3)),
            .setTimer(TimerFiring(id: "t3", leadID: "L2", purpose: "quarantine", due: 3)),
            .cancelTimer(id: "t2"),
        ], now: 0)
        #expect(try await store.pendingTimerCount() == 2)
    }
}
