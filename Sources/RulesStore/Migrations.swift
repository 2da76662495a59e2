// The SQLite schema as GRDB named migrations. Append new migrations at the
// end, never edit or rename one that shipped: each runs once, in order, in
// its own transaction, and a database that has run a migration this binary
// does not know is refused (see SQLiteStore.open).

import GRDB

enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-events-leads-timers-tasks-rules") { db in
            try db.create(table: "events") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("id", .text).notNull().unique()
                t.column("lead_id", .text).notNull()
                t.column("type", .text).notNull()
                t.column("at", .integer).notNull()
                t.column("data", .text).notNull()          // JSON, Value's storage form
                t.column("received_at", .integer).notNull()
            }
            try db.create(index: "events_by_lead", on: "events", columns: ["lead_id", "at", "seq"])

            try db.create(table: "leads") { t in
                t.primaryKey("id", .text)
                t.column("state", .text).notNull()         // LeadState as JSON
                t.column("rules_version", .text).notNull()
                t.column("updated_at", .integer).notNull()
            }

            try db.create(table: "timers") { t in
                t.primaryKey("id", .text)
                t.column("lead_id", .text).notNull()
                t.column("purpose", .text).notNull()
                t.column("due", .integer).notNull()
            }
            try db.create(index: "timers_by_due", on: "timers", columns: ["due", "id"])
            try db.create(index: "timers_by_lead", on: "timers", columns: ["lead_id"])

            try db.create(table: "tasks") { t in
                t.primaryKey("id", .text)
                t.column("lead_id", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("queue", .text)
                t.column("priority", .text)
                t.column("priority_rank", .integer).notNull()
                t.column("dial_mode", .text)
                t.column("template", .text)
                t.column("channel", .text)
                t.column("attempt", .integer)
                t.column("due", .integer).notNull()
                t.column("deadline", .integer)
                t.column("rule", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("sla_breach", .text)
                t.column("rules_version", .text).notNull()
                t.column("created_at", .integer).notNull()
                t.column("state", .text).notNull()
                t.column("lease_token", .text)
                t.column("lease_expires_at", .integer)
                t.column("claims", .integer).notNull().defaults(to: 0)
                t.column("acked_at", .integer)
                t.column("cancel_reason", .text)
            }
            // The claim query: one queue's claimable tasks in priority, due order.
            try db.create(index: "tasks_claimable", on: "tasks",
                          columns: ["queue", "state", "priority_rank", "due", "id"])
            try db.create(index: "tasks_by_lead", on: "tasks", columns: ["lead_id", "due"])

            try db.create(table: "rules_versions") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("hash", .text).notNull()
                t.column("files", .text).notNull()         // [RulesFile] as JSON
                t.column("loaded_at", .integer).notNull()
                t.column("how", .text).notNull()
                t.column("loaded_by", .text)
            }

            try db.create(table: "reload_attempts") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("at", .integer).notNull()
                t.column("how", .text).notNull()
                t.column("succeeded", .boolean).notNull()
                t.column("rules_version", .text)
                t.column("diagnostics", .text).notNull()
            }
        }
        migrator.registerMigration("v2-history-delivery") { db in
            // One row per engine step of a lead; `seq` keeps the order steps were committed in.
            try db.create(table: "history") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("lead_id", .text).notNull()
                t.column("at", .integer).notNull()
                t.column("input", .text).notNull()
                t.column("input_id", .text).notNull()
                t.column("what", .text).notNull()
                t.column("rules_version", .text).notNull()
                t.column("lines", .text).notNull()         // [ExplanationLine] as JSON
                t.column("tasks", .text).notNull()         // [String] as JSON
            }
            try db.create(index: "history_by_lead", on: "history", columns: ["lead_id", "seq"])

            // Webhook delivery state of a task.
            try db.alter(table: "tasks") { t in
                t.add(column: "delivery_attempts", .integer).notNull().defaults(to: 0)
                t.add(column: "next_delivery_at", .integer)
                t.add(column: "last_delivery_error", .text)
                t.add(column: "dead_lettered_at", .integer)
            }
            // A mailer or SMS gateway claims by kind (emails and SMS have no queue).
            try db.create(index: "tasks_claimable_by_kind", on: "tasks",
                          columns: ["kind", "state", "priority_rank", "due", "id"])
            // The webhook's query: pending tasks in priority, due order.
            try db.execute(sql: """
                CREATE INDEX tasks_deliverable ON tasks (priority_rank, due, id) WHERE state = 'pending'
                """)
            try db.execute(sql: """
                CREATE INDEX tasks_dead_letters ON tasks (dead_lettered_at, id) WHERE dead_lettered_at IS NOT NULL
                """)
            // Rebuilding the duplicate index at start reads only the captures.
            try db.execute(sql: "CREATE INDEX events_captures ON events (seq) WHERE type = 'lead_created'")
        }
        return migrator
    }
}
