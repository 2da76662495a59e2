// Whole-store walks in pages, for re-evaluating every lead after a reload
// and rebuilding the duplicate index at start: each page is one short read
// transaction keyed on where the last one stopped, so a walk over a million
// leads never holds a snapshot open and never skips or repeats a row that
// was there from start to end.

import GRDB
import RulesEngine

extension SQLiteStore {
    public func leads(afterID: String?, limit: Int) async throws(StoreError) -> [StoredLead] {
        if limit <= 0 { return [] }
        let rows = try await read { db -> [LeadRow] in
            if let afterID {
                return try LeadRow.fetchAll(db.cachedStatement(sql: """
                    SELECT id, state, rules_version, updated_at FROM leads WHERE id > ? ORDER BY id LIMIT ?
                    """), arguments: [afterID, limit])
            }
            return try LeadRow.fetchAll(db.cachedStatement(sql: """
                SELECT id, state, rules_version, updated_at FROM leads ORDER BY id LIMIT ?
                """), arguments: [limit])
        }
        // Decoding is most of a page's CPU: on every core.
        return try ParallelMap.map(rows) { row throws(StoreError) in try row.stored() }
    }

    public func captureEvents(afterSequence: Int64, limit: Int) async throws(StoreError) -> [(sequence: Int64, event: Event)] {
        if limit <= 0 { return [] }
        let rows = try await read { db -> [(Int64, EventRow)] in
            // `type = 'lead_created'` as written selects the partial index events_captures.
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT seq, id, lead_id, type, at, data, received_at FROM events
                WHERE type = 'lead_created' AND seq > ? ORDER BY seq LIMIT ?
                """), arguments: [afterSequence, limit]).map { row in (row["seq"], try EventRow(row: row)) }
        }
        return try rows.map { sequence, row throws(StoreError) in (sequence: sequence, event: try row.event()) }
    }

    public func pendingTimerCount() async throws(StoreError) -> Int {
        try await read { db in try TimerRow.fetchCount(db) }
    }

    public func leadCount() async throws(StoreError) -> Int {
        try await read { db in try LeadRow.fetchCount(db) }
    }
}
