// The webhook's side of the task outbox: which tasks to push now, and what
// came of a push. A push that the receiver acknowledged acks the task; a
// failed one counts an attempt and waits for its retry time; the last one
// dead-letters the task, which then is never claimed or pushed again.

import GRDB
import RulesEngine

extension SQLiteStore {
    public func tasksForDelivery(now: Int64, limit: Int) async throws(StoreError) -> [StoredTask] {
        if limit <= 0 { return [] }
        let rows = try await read { db in
            // `state = 'pending'` as written selects the partial index tasks_deliverable.
            try TaskRow.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM tasks
                WHERE state = 'pending' AND due <= ? AND (next_delivery_at IS NULL OR next_delivery_at <= ?)
                ORDER BY priority_rank, due, id
                LIMIT ?
                """), arguments: [now, now, limit])
        }
        return try rows.map { row throws(StoreError) in try row.stored() }
    }

    public func recordDelivery(id: String, _ result: DeliveryResult, now: Int64) async throws(StoreError) -> Bool {
        try await write { db in
            switch result {
            case .delivered:
                try db.cachedStatement(sql: """
                    UPDATE tasks SET state = 'acked', acked_at = ?, next_delivery_at = NULL
                    WHERE id = ? AND state = 'pending'
                    """).execute(arguments: [now, id])
            case .failed(let error, let retryAt):
                try db.cachedStatement(sql: """
                    UPDATE tasks SET delivery_attempts = delivery_attempts + 1, last_delivery_error = ?,
                        next_delivery_at = ?
                    WHERE id = ? AND state = 'pending'
                    """).execute(arguments: [error, retryAt, id])
            case .deadLettered(let error):
                try db.cachedStatement(sql: """
                    UPDATE tasks SET state = 'dead_lettered', delivery_attempts = delivery_attempts + 1,
                        last_delivery_error = ?, next_delivery_at = NULL, dead_lettered_at = ?
                    WHERE id = ? AND state = 'pending'
                    """).execute(arguments: [error, now, id])
            }
            return db.changesCount > 0
        }
    }

    public func deadLetters(limit: Int) async throws(StoreError) -> [StoredTask] {
        if limit <= 0 { return [] }
        let rows = try await read { db in
            try TaskRow.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM tasks WHERE dead_lettered_at IS NOT NULL
                ORDER BY dead_lettered_at DESC, id DESC
                LIMIT ?
                """), arguments: [limit])
        }
        return try rows.map { row throws(StoreError) in try row.stored() }
    }
}
