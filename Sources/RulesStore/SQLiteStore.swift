// The embedded Store: one SQLite file in WAL mode through a GRDB
// DatabasePool (one writer, concurrent readers). Every public call is one
// transaction; `synchronous = FULL` by default so a returned write survives
// a power cut, not only a crash. Rows are plain structs (the *Row types).

import Foundation
import GRDB
import RulesEngine

public final class SQLiteStore: Store, Sendable {
    let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) and migrates the database at `path`.
    /// - Parameters:
    ///   - busyTimeout: how long to wait for another process's lock before failing with `.locked`.
    ///   - synchronousFull: fsync the WAL at every commit (durable on power loss); false keeps
    ///     crash safety (kill -9) but not power-loss safety.
    /// - Throws: `.newerSchema` when a newer rulesd migrated the file, `.locked`, `.corrupt`, `.io`.
    public init(path: String, busyTimeout: TimeInterval = 5, synchronousFull: Bool = true) throws(StoreError) {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.prepareDatabase { db in
            try db.execute(sql: synchronousFull ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            let migrator = Migrations.migrator
            // Refuse before migrating: a newer binary's schema is not ours to touch.
            let unknown = try pool.read { db -> [String] in
                guard try db.tableExists("grdb_migrations") else { return [] }
                let known = Set(migrator.migrations)
                return try migrator.appliedIdentifiers(db).filter { !known.contains($0) }.sorted()
            }
            if !unknown.isEmpty { throw StoreError.newerSchema(unknown: unknown) }
            try migrator.migrate(pool)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(error, path: path)
        }
    }

    // MARK: Events

    public func appendEvents(_ events: [Event], receivedAt: Int64) async throws(StoreError) -> [String] {
        if events.isEmpty { return [] }
        let rows = try events.map { event throws(StoreError) in try EventRow(event, receivedAt: receivedAt) }
        return try await write { db in try SQLiteWrites.appendEvents(rows, db) }
    }

    public func events(ofLead leadID: String) async throws(StoreError) -> [Event] {
        let rows = try await read { db in
            try EventRow.filter(Column("lead_id") == leadID).order(Column("at"), Column("seq")).fetchAll(db)
        }
        return try rows.map { row throws(StoreError) in try row.event() }
    }

    public func containsEvent(id: String) async throws(StoreError) -> Bool {
        try await read { db in try EventRow.filter(Column("id") == id).fetchCount(db) > 0 }
    }

    public func eventCount() async throws(StoreError) -> Int {
        try await read { db in try EventRow.fetchCount(db) }
    }

    // MARK: Leads

    public func loadLead(_ leadID: String) async throws(StoreError) -> StoredLead? {
        guard let row = try await read({ db in try LeadRow.fetchOne(db, key: leadID) }) else { return nil }
        return try row.stored()
    }

    public func saveLead(_ lead: StoredLead) async throws(StoreError) {
        let row = try LeadRow(lead)
        try await write { db in try SQLiteWrites.saveLead(row, db) }
    }

    public func leadIDs() async throws(StoreError) -> [String] {
        try await read { db in try String.fetchAll(db, sql: "SELECT id FROM leads ORDER BY id") }
    }

    // MARK: Timers

    public func setTimer(_ timer: TimerFiring) async throws(StoreError) {
        let row = TimerRow(timer)
        try await write { db in try SQLiteWrites.setTimer(row, db) }
    }

    public func cancelTimer(id: String) async throws(StoreError) -> Bool {
        try await write { db in try SQLiteWrites.cancelTimer(id: id, db) }
    }

    public func timers(dueAtOrBefore time: Int64, limit: Int?) async throws(StoreError) -> [TimerFiring] {
        try await read { db in
            try TimerRow.filter(Column("due") <= time).order(Column("due"), Column("id"))
                .limit(limit ?? Int.max).fetchAll(db).map(\.firing)
        }
    }

    public func timers(ofLead leadID: String) async throws(StoreError) -> [TimerFiring] {
        try await read { db in
            try TimerRow.filter(Column("lead_id") == leadID).order(Column("due"), Column("id")).fetchAll(db).map(\.firing)
        }
    }

    // MARK: Task outbox

    public func insertTasks(_ tasks: [LeadTask], rulesVersion: String, createdAt: Int64) async throws(StoreError) -> [String] {
        if tasks.isEmpty { return [] }
        let rows = tasks.map { TaskRow($0, rulesVersion: rulesVersion, createdAt: createdAt) }
        return try await write { db in try SQLiteWrites.insertTasks(rows, db) }
    }

    public func claimTasks(queue: String?, kind: TaskKind?, limit: Int, leaseMilliseconds: Int64,
                           now: Int64) async throws(StoreError) -> [ClaimedTask] {
        if limit <= 0 { return [] }
        let expires = now + leaseMilliseconds
        var filters: [String] = []
        var arguments: StatementArguments = []
        if let queue { filters.append("queue = ?"); arguments += [queue] }
        if let kind { filters.append("kind = ?"); arguments += [kind.rawValue] }
        arguments += [now, now, limit]
        let filterArguments = arguments
        // One cached statement per combination of filters; each has its index
        // (tasks_claimable by queue, tasks_claimable_by_kind by kind). `state IN`
        // keeps the search to open tasks: a queue's acked history is never scanned.
        let sql = """
            SELECT * FROM tasks
            WHERE \(filters.map { $0 + " AND " }.joined())state IN ('pending', 'leased') AND due <= ?
              AND (state = 'pending' OR lease_expires_at <= ?)
            ORDER BY priority_rank, due, id
            LIMIT ?
            """
        let leased = try await write { db -> [(row: TaskRow, token: String)] in
            // Single writer: the select and the updates see no other claimant in between.
            let rows = try TaskRow.fetchAll(db.cachedStatement(sql: sql), arguments: filterArguments)
            let lease = try db.cachedStatement(sql: """
                UPDATE tasks SET state = 'leased', lease_token = ?, lease_expires_at = ?, claims = claims + 1 WHERE id = ?
                """)
            return try rows.map { row in
                let token = UUID().uuidString.lowercased()
                try lease.execute(arguments: [token, expires, row.id])
                return (row, token)
            }
        }
        return try leased.map { row, token throws(StoreError) in
            ClaimedTask(task: try row.leadTask(), leaseToken: token, leaseExpiresAt: expires, claims: row.claims + 1)
        }
    }

    public func ackTask(id: String, leaseToken: String, now: Int64) async throws(StoreError) -> LeaseOutcome {
        try await endLease(id: id, leaseToken: leaseToken) { row in
            row.state = TaskState.acked.rawValue
            row.ackedAt = now
            row.leaseExpiresAt = nil
            return ["state", "acked_at", "lease_expires_at"]
        }
    }

    public func releaseTask(id: String, leaseToken: String) async throws(StoreError) -> LeaseOutcome {
        try await endLease(id: id, leaseToken: leaseToken) { row in
            row.state = TaskState.pending.rawValue
            row.leaseToken = nil
            row.leaseExpiresAt = nil
            return ["state", "lease_token", "lease_expires_at"]
        }
    }

    /// Ack and release: only the holder of the task's current lease may end
    /// it. `change` edits the row and names the columns it changed.
    private func endLease(id: String, leaseToken: String,
                          _ change: @escaping @Sendable (inout TaskRow) -> [String]) async throws(StoreError) -> LeaseOutcome {
        try await write { db in
            guard var row = try TaskRow.fetchOne(db, key: id) else { return .notFound }
            switch TaskState(rawValue: row.state) {
            case .acked, .cancelled, .deadLettered: return .alreadyFinished
            case .leased where row.leaseToken == leaseToken:
                let columns = change(&row)
                try row.update(db, columns: columns)
                return .done
            default: return .leaseLost
            }
        }
    }

    public func cancelTask(id: String, reason: String) async throws(StoreError) -> Bool {
        try await write { db in try SQLiteWrites.cancelTask(id: id, reason: reason, db) }
    }

    public func cancelTasks(leadID: String, kinds: Set<TaskKind>, reason: String) async throws(StoreError) -> [String] {
        try await write { db in try SQLiteWrites.cancelTasks(leadID: leadID, kinds: kinds, reason: reason, db) }
    }

    public func task(id: String) async throws(StoreError) -> StoredTask? {
        try await read { db in try TaskRow.fetchOne(db, key: id) }.map { row throws(StoreError) in try row.stored() }
    }

    public func tasks(ofLead leadID: String) async throws(StoreError) -> [StoredTask] {
        let rows = try await read { db in
            try TaskRow.filter(Column("lead_id") == leadID).order(Column("due"), Column("id")).fetchAll(db)
        }
        return try rows.map { row throws(StoreError) in try row.stored() }
    }

    // MARK: Rules versions and reloads

    public func recordRulesVersion(_ version: RulesVersionRecord) async throws(StoreError) {
        let row = RulesVersionRow(seq: nil, hash: version.hash, files: try encodeJSON(version.files),
                                  loadedAt: version.loadedAt, how: version.how, loadedBy: version.by)
        try await write { db in try row.insert(db) }
    }

    public func currentRulesVersion() async throws(StoreError) -> RulesVersionRecord? {
        guard let row = try await read({ db in
            try RulesVersionRow.order(Column("seq").desc).fetchOne(db)
        }) else { return nil }
        return RulesVersionRecord(hash: row.hash, files: try decodeJSON([RulesFile].self, row.files, what: "rules version \(row.hash)"),
                                  loadedAt: row.loadedAt, how: row.how, by: row.loadedBy)
    }

    public func recordReloadAttempt(_ attempt: ReloadAttempt) async throws(StoreError) {
        let row = ReloadAttemptRow(seq: nil, at: attempt.at, how: attempt.how, succeeded: attempt.succeeded,
                                   rulesVersion: attempt.rulesVersion, diagnostics: attempt.diagnostics)
        try await write { db in try row.insert(db) }
    }

    public func reloadAttempts(limit: Int) async throws(StoreError) -> [ReloadAttempt] {
        try await read { db in
            try ReloadAttemptRow.order(Column("seq").desc).limit(limit).fetchAll(db).map {
                ReloadAttempt(at: $0.at, how: $0.how, succeeded: $0.succeeded,
                              rulesVersion: $0.rulesVersion, diagnostics: $0.diagnostics)
            }
        }
    }

    // MARK: Plumbing

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await pool.write(body) } catch { throw StoreError(error, path: path) }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await pool.read(body) } catch { throw StoreError(error, path: path) }
    }
}

extension StoreError {
    /// Maps a GRDB/SQLite error to what an operator can act on.
    init(_ error: any Error, path: String) {
        if let error = error as? StoreError { self = error; return }
        guard let error = error as? DatabaseError else {
            self = .io("\(path): \(error)")
            return
        }
        let detail = "\(path): \(error.message ?? "\(error.resultCode)")"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: self = .locked(detail)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: self = .corrupt(detail)
        default: self = .io(detail)
        }
    }
}

func encodeJSON<T: Encodable>(_ value: T) throws(StoreError) -> String {
    try StoreJSON.encode(value)
}

func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String, what: String) throws(StoreError) -> T {
    try StoreJSON.decode(type, text, what: what)
}

// MARK: Rows

struct EventRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "events"
    var id: String
    var leadID: String
    var type: String
    var at: Int64
    var data: String
    var receivedAt: Int64
    enum CodingKeys: String, CodingKey {
        case id, leadID = "lead_id", type, at, data, receivedAt = "received_at"
    }

    init(_ event: Event, receivedAt: Int64) throws(StoreError) {
        id = event.id
        leadID = event.leadID
        type = event.type
        at = event.at
        data = try encodeJSON(event.data)
        self.receivedAt = receivedAt
    }

    func event() throws(StoreError) -> Event {
        Event(id: id, leadID: leadID, type: type, at: at, data: try decodeJSON([String: Value].self, data, what: "event \(id)"))
    }
}

struct LeadRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "leads"
    var id: String
    var state: String
    var rulesVersion: String
    var updatedAt: Int64
    enum CodingKeys: String, CodingKey {
        case id, state, rulesVersion = "rules_version", updatedAt = "updated_at"
    }

    init(_ lead: StoredLead) throws(StoreError) {
        id = lead.state.id
        state = try encodeJSON(lead.state)
        rulesVersion = lead.rulesVersion
        updatedAt = lead.updatedAt
    }

    func stored() throws(StoreError) -> StoredLead {
        StoredLead(state: try decodeJSON(LeadState.self, state, what: "lead \(id)"),
                   rulesVersion: rulesVersion, updatedAt: updatedAt)
    }
}

struct TimerRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "timers"
    var id: String
    var leadID: String
    var purpose: String
    var due: Int64
    enum CodingKeys: String, CodingKey { case id, leadID = "lead_id", purpose, due }
    init(_ timer: TimerFiring) {
        id = timer.id
        leadID = timer.leadID
        purpose = timer.purpose
        due = timer.due
    }
    var firing: TimerFiring { TimerFiring(id: id, leadID: leadID, purpose: purpose, due: due) }
}

struct TaskRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "tasks"
    var id: String
    var leadID: String
    var kind: String
    var queue: String?
    var priority: String?
    var priorityRank: Int64
    var dialMode: String?
    var template: String?
    var channel: String?
    var attempt: Int?
    var due: Int64
    var deadline: Int64?
    var rule: String
    var reason: String
    var slaBreach: String?
    var rulesVersion: String
    var createdAt: Int64
    var state: String
    var leaseToken: String?
    var leaseExpiresAt: Int64?
    var claims: Int
    var ackedAt: Int64?
    var cancelReason: String?
    var deliveryAttempts: Int
    var nextDeliveryAt: Int64?
    var lastDeliveryError: String?
    var deadLetteredAt: Int64?

    enum CodingKeys: String, CodingKey {
        case id, leadID = "lead_id", kind, queue, priority, priorityRank = "priority_rank",
             dialMode = "dial_mode", template, channel, attempt, due, deadline, rule, reason,
             slaBreach = "sla_breach", rulesVersion = "rules_version", createdAt = "created_at", state,
             leaseToken = "lease_token", leaseExpiresAt = "lease_expires_at", claims,
             ackedAt = "acked_at", cancelReason = "cancel_reason", deliveryAttempts = "delivery_attempts",
             nextDeliveryAt = "next_delivery_at", lastDeliveryError = "last_delivery_error",
             deadLetteredAt = "dead_lettered_at"
    }

    init(_ task: LeadTask, rulesVersion: String, createdAt: Int64) {
        id = task.id
        leadID = task.leadID
        kind = task.kind.rawValue
        queue = task.queue
        priority = task.priority
        priorityRank = TaskPriority.rank(task.priority)
        dialMode = task.dialMode
        template = task.template
        channel = task.channel
        attempt = task.attempt
        due = task.due
        deadline = task.deadline
        rule = task.rule
        reason = task.reason
        slaBreach = task.slaBreach
        self.rulesVersion = rulesVersion
        self.createdAt = createdAt
        state = TaskState.pending.rawValue
        claims = 0
        deliveryAttempts = 0
    }

    func leadTask() throws(StoreError) -> LeadTask {
        guard let kind = TaskKind(rawValue: kind) else {
            throw StoreError.invalidRecord("task \(id): unknown kind \(self.kind)")
        }
        return LeadTask(id: id, leadID: leadID, kind: kind, queue: queue, priority: priority, dialMode: dialMode,
                        template: template, attempt: attempt, due: due, deadline: deadline, rule: rule,
                        reason: reason, slaBreach: slaBreach, channel: channel)
    }

    func stored() throws(StoreError) -> StoredTask {
        guard let taskState = TaskState(rawValue: state) else {
            throw StoreError.invalidRecord("task \(id): unknown state \(state)")
        }
        return StoredTask(task: try leadTask(), state: taskState, rulesVersion: rulesVersion, createdAt: createdAt,
                          leaseToken: leaseToken, leaseExpiresAt: leaseExpiresAt, claims: claims,
                          ackedAt: ackedAt, cancelReason: cancelReason, deliveryAttempts: deliveryAttempts,
                          nextDeliveryAt: nextDeliveryAt, lastDeliveryError: lastDeliveryError,
                          deadLetteredAt: deadLetteredAt)
    }
}

struct RulesVersionRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "rules_versions"
    var seq: Int64?
    var hash: String
    var files: String
    var loadedAt: Int64
    var how: String
    var loadedBy: String?
    enum CodingKeys: String, CodingKey {
        case seq, hash, files, loadedAt = "loaded_at", how, loadedBy = "loaded_by"
    }
}

struct ReloadAttemptRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "reload_attempts"
    var seq: Int64?
    var at: Int64
    var how: String
    var succeeded: Bool
    var rulesVersion: String?
    var diagnostics: String
    enum CodingKeys: String, CodingKey {
        case seq, at, how, succeeded, rulesVersion = "rules_version", diagnostics
    }
}
