// Group commit: the events of a batch and the writes of the steps they caused,
// in one SQLite transaction. Everything is encoded before the transaction
// starts (a bad value fails the commit before it touches the database); inside,
// the operations run in order through SQLiteWrites, and any error rolls the
// whole transaction back, the events included.

import Foundation
import GRDB
import RulesEngine

extension SQLiteStore {
    /// An operation with its JSON already encoded.
    private enum Prepared: Sendable {
        case saveLead(LeadRow)
        case setTimer(TimerRow)
        case cancelTimer(String)
        case insertTasks([TaskRow])
        case cancelTask(id: String, reason: String)
        case cancelTasks(leadID: String, kinds: Set<TaskKind>, reason: String)
        case appendHistory(HistoryRow)
    }

    private static func prepare(_ operation: StoreOperation, now: Int64) throws(StoreError) -> Prepared {
        switch operation {
        case .saveLead(let lead): return .saveLead(try LeadRow(lead))
        case .setTimer(let timer): return .setTimer(TimerRow(timer))
        case .cancelTimer(let id): return .cancelTimer(id)
        case .insertTasks(let tasks, let rulesVersion):
            return .insertTasks(tasks.map { TaskRow($0, rulesVersion: rulesVersion, createdAt: now) })
        case .cancelTask(let id, let reason): return .cancelTask(id: id, reason: reason)
        case .cancelTasks(let leadID, let kinds, let reason): return .cancelTasks(leadID: leadID, kinds: kinds, reason: reason)
        case .appendHistory(let leadID, let entry): return .appendHistory(HistoryRow(leadID: leadID, entry))
        }
    }

    public func commit(events: [Event], receivedAt: Int64, operations: [StoreOperation],
                       now: Int64) async throws(StoreError) -> CommitResult {
        let eventRows = try events.map { event throws(StoreError) in try EventRow(event, receivedAt: receivedAt) }
        // Most of a large group's CPU is encoding its lead states: on every core.
        let prepared = try ParallelMap.map(operations) { operation throws(StoreError) in
            try Self.prepare(operation, now: now)
        }
        if eventRows.isEmpty && prepared.isEmpty { return CommitResult() }
        let operationsToRun = prepared
        return try await write { db in
            var result = CommitResult()
            result.newEventIDs = try SQLiteWrites.appendEvents(eventRows, db)
            for operation in operationsToRun {
                switch operation {
                case .saveLead(let row): try SQLiteWrites.saveLead(row, db)
                case .setTimer(let row): try SQLiteWrites.setTimer(row, db)
                case .cancelTimer(let id): _ = try SQLiteWrites.cancelTimer(id: id, db)
                case .insertTasks(let rows): result.insertedTaskIDs += try SQLiteWrites.insertTasks(rows, db)
                case .cancelTask(let id, let reason):
                    if try SQLiteWrites.cancelTask(id: id, reason: reason, db) { result.cancelledTaskIDs.append(id) }
                case .cancelTasks(let leadID, let kinds, let reason):
                    result.cancelledTaskIDs += try SQLiteWrites.cancelTasks(leadID: leadID, kinds: kinds, reason: reason, db)
                case .appendHistory(let row): try SQLiteWrites.appendHistory(row, db)
                }
            }
            return result
        }
    }

    public func newEventIDs(among ids: [String]) async throws(StoreError) -> Set<String> {
        var unseen = Set(ids)
        if unseen.isEmpty { return [] }
        let candidates = Array(unseen)
        let stored = try await read { db -> [String] in
            var stored: [String] = []
            // Bounded statement size whatever the batch; 500 ids per query.
            for start in stride(from: 0, to: candidates.count, by: 500) {
                let chunk = Array(candidates[start..<min(start + 500, candidates.count)])
                let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
                stored += try String.fetchAll(db, sql: "SELECT id FROM events WHERE id IN (\(placeholders))",
                                              arguments: StatementArguments(chunk))
            }
            return stored
        }
        unseen.subtract(stored)
        return unseen
    }

    public func history(ofLead leadID: String, limit: Int) async throws(StoreError) -> [HistoryEntry] {
        if limit <= 0 { return [] }
        let rows = try await read { db in
            try HistoryRow.fetchAll(db, sql: "SELECT * FROM history WHERE lead_id = ? ORDER BY seq DESC LIMIT ?",
                                    arguments: [leadID, limit])
        }
        return try rows.reversed().map { row throws(StoreError) in try row.entry() }
    }
}

