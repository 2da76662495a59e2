// The SQL of every write, shared by the one-call methods of SQLiteStore and
// by `commit`, which runs many of them in one transaction. Each runs a cached
// prepared statement (compiled once per connection) and never reads back the
// row it wrote; callers encode JSON before the write transaction so the single
// writer is held only for the SQL.

import GRDB
import RulesEngine

enum SQLiteWrites {
    /// Inserts the events not stored yet. - Returns: the new ids in order.
    static func appendEvents(_ rows: [EventRow], _ db: Database) throws -> [String] {
        if rows.isEmpty { return [] }
        let statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO events (id, lead_id, type, at, data, received_at) VALUES (?, ?, ?, ?, ?, ?)
            """)
        var new: [String] = []
        new.reserveCapacity(rows.count)
        for row in rows {
            try statement.execute(arguments: [row.id, row.leadID, row.type, row.at, row.data, row.receivedAt])
            if db.changesCount > 0 { new.append(row.id) }
        }
        return new
    }

    static func saveLead(_ row: LeadRow, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO leads (id, state, rules_version, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, rules_version = excluded.rules_version,
                updated_at = excluded.updated_at
            """)
        try statement.execute(arguments: [row.id, row.state, row.rulesVersion, row.updatedAt])
    }

    static func setTimer(_ row: TimerRow, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO timers (id, lead_id, purpose, due) VALUES (?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET lead_id = excluded.lead_id, purpose = excluded.purpose, due = excluded.due
            """)
        try statement.execute(arguments: [row.id, row.leadID, row.purpose, row.due])
    }

    /// - Returns: false when there was no such timer.
    static func cancelTimer(id: String, _ db: Database) throws -> Bool {
        let statement = try db.cachedStatement(sql: "DELETE FROM timers WHERE id = ?")
        try statement.execute(arguments: [id])
        return db.changesCount > 0
    }

    /// Inserts tasks as pending; ids already stored are skipped. - Returns: the new ids in order.
    static func insertTasks(_ rows: [TaskRow], _ db: Database) throws -> [String] {
        if rows.isEmpty { return [] }
        let statement = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO tasks (id, lead_id, kind, queue, priority, priority_rank, dial_mode, template,
                channel, attempt, due, deadline, rule, reason, sla_breach, rules_version, created_at, state, claims)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0)
            """)
        var new: [String] = []
        for row in rows {
            try statement.execute(arguments: [
                row.id, row.leadID, row.kind, row.queue, row.priority, row.priorityRank, row.dialMode, row.template,
                row.channel, row.attempt, row.due, row.deadline, row.rule, row.reason, row.slaBreach,
                row.rulesVersion, row.createdAt,
            ])
            if db.changesCount > 0 { new.append(row.id) }
        }
        return new
    }

    /// Withdraws a pending or leased task. - Returns: false when there was none.
    static func cancelTask(id: String, reason: String, _ db: Database) throws -> Bool {
        let statement = try db.cachedStatement(sql: """
            UPDATE tasks SET state = 'cancelled', cancel_reason = ?, lease_token = NULL, lease_expires_at = NULL
            WHERE id = ? AND state IN ('pending', 'leased')
            """)
        try statement.execute(arguments: [reason, id])
        return db.changesCount > 0
    }

    /// Withdraws the lead's pending or leased tasks of these kinds. - Returns: their ids in (due, id) order.
    static func cancelTasks(leadID: String, kinds: Set<TaskKind>, reason: String, _ db: Database) throws -> [String] {
        if kinds.isEmpty { return [] }
        let kindNames = kinds.map(\.rawValue).sorted()
        let placeholders = Array(repeating: "?", count: kindNames.count).joined(separator: ", ")
        // One cached statement per number of kinds (at most TaskKind.allCases.count of them).
        let select = try db.cachedStatement(sql: """
            SELECT id FROM tasks WHERE lead_id = ? AND state IN ('pending', 'leased') AND kind IN (\(placeholders))
            ORDER BY due, id
            """)
        var arguments: StatementArguments = [leadID]
        arguments += StatementArguments(kindNames)
        let ids = try String.fetchAll(select, arguments: arguments)
        for id in ids { _ = try cancelTask(id: id, reason: reason, db) }
        return ids
    }

    static func appendHistory(_ row: HistoryRow, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO history (lead_id, at, input, input_id, what, rules_version, lines, tasks)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [row.leadID, row.at, row.input, row.inputID, row.what, row.rulesVersion,
                                          row.lines, row.tasks])
    }
}

struct HistoryRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "history"
    var seq: Int64?
    var leadID: String
    var at: Int64
    var input: String
    var inputID: String
    var what: String
    var rulesVersion: String
    var lines: String
    var tasks: String
    enum CodingKeys: String, CodingKey {
        case seq, leadID = "lead_id", at, input, inputID = "input_id", what, rulesVersion = "rules_version", lines, tasks
    }

    init(leadID: String, _ entry: HistoryEntry) {
        seq = nil
        self.leadID = leadID
        at = entry.at
        input = entry.input
        inputID = entry.inputID
        what = entry.what
        rulesVersion = entry.rulesVersion
        lines = CompactJSON.encode(lines: entry.lines)
        tasks = CompactJSON.encode(strings: entry.tasks)
    }

    func entry() throws(StoreError) -> HistoryEntry {
        HistoryEntry(at: at, input: input, inputID: inputID, what: what, rulesVersion: rulesVersion,
                     lines: try decodeJSON([ExplanationLine].self, lines, what: "history \(seq ?? 0) of lead \(leadID)"),
                     tasks: try decodeJSON([String].self, tasks, what: "history \(seq ?? 0) of lead \(leadID)"))
    }
}
