// The crash test (issue 5, "Durability and recovery"): the real `rulesd`
// binary, real TCP, real SQLite, SIGKILL at seeded random moments.
//
// Three posters send synthetic leads concurrently (single events and NDJSON
// batches), two claimants claim and acknowledge tasks as dialers would, and
// each round the controller kills rulesd with SIGKILL and restarts it on the
// same database. A sender whose request got no answer re-sends the same
// batch once rulesd is back (as a real sender must). Each round also
// captures two affiliate leads whose quarantine timer comes due while rulesd
// is up (one) or while it is down (the other: the controller waits for the
// due time to pass before restarting, so it is overdue at recovery).
//
// Then it checks what a sender is promised:
// - every event that got a 202 is in the store, and nothing else is;
// - every task acknowledged with "acked" is acked in the store;
// - no task was handed to two claimants (leases are 600 s: none expires);
// - every quarantine timer fired exactly once (one history step per lead);
// - the outcome is the one a run without crashes gives: a reference rulesd
//   that gets the same events, in the same per-lead order, ends with the same
//   lead states, the same task ids (with the same fields) and the same timers.
//   So a lost step, a step applied twice, or a task issued under a different
//   id after a restart all fail it.
//
// CRASH_SEED=<n> replays a seed; CRASH_ROUNDS=<n> (at least 20) runs longer.

import Foundation
import RulesEngine
import RulesStore
import Testing

@Suite("rulesd crash safety (real binary, SIGKILL)", .serialized)
struct CrashTests {
    static let seed: UInt64 = ProcessInfo.processInfo.environment["CRASH_SEED"].flatMap { UInt64($0) } ?? 20_260_325
    static let rounds = max(20, ProcessInfo.processInfo.environment["CRASH_ROUNDS"].flatMap { Int($0) } ?? 20)
    static let posters = 3
    static let claimants = 2
    static let claimQueues = ["english_hot_lead_queue", "warm_lead_queue", "priority_callback_queue"]

    @Test("kill -9 at random moments loses no acknowledged event and issues no task twice")
    func killNineRounds() async throws {
        // The rounds block (processes, waits on real conditions): on a thread
        // of their own, so the two threads of Swift's cooperative pool stay
        // free for the in-process tests running beside this one.
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread { done.resume(with: Result { try runRounds() }) }
        }
    }

    private func runRounds() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rulesd-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        var keep = false
        defer { if !keep { try? FileManager.default.removeItem(at: scratch) } }
        let rules = try Self.playbookCallableAllDay(in: scratch)

        let crashDir = scratch.appendingPathComponent("crash")
        try FileManager.default.createDirectory(at: crashDir, withIntermediateDirectories: true)
        let daemon = RulesdProcess(directory: crashDir, rules: rules)
        defer { daemon.kill() }

        var rng = SeededGenerator(seed: Self.seed)
        let life = DaemonLife()
        let ledger = CrashLedger()
        let streams = (0..<Self.posters).map { CrashStream(poster: $0, seed: Self.seed) }
        var affiliates: [(lead: String, event: WireEvent)] = []
        var overdueAtRestart: [String] = []
        var affiliateSerial = 0
        let context = "seed \(Self.seed) (CRASH_SEED=\(Self.seed) replays it)"

        // Captures an affiliate lead whose quarantine ends `inMilliseconds` from now.
        func captureAffiliate(name: String, inMilliseconds: Int64) throws -> String {
            affiliateSerial += 1
            let lead = "q-\(name)"
            let thirtyMinutes: Int64 = 30 * 60 * 1000
            let event = CrashEvents.affiliate(lead: lead, serial: affiliateSerial,
                                              at: CrashEvents.nowMilliseconds() - thirtyMinutes + inMilliseconds,
                                              released: affiliateSerial % 2 == 0)
            let answer = try daemon.request("POST", "/v1/events", body: event.json)
            guard answer.status == 202 else {
                throw CrashFailure("POST /v1/events (affiliate \(lead)) answered \(answer.status): \(answer.text.prefix(400))")
            }
            ledger.acknowledged([event.id], duplicates: 0, resent: false)
            affiliates.append((lead, event))
            return lead
        }

        // MARK: Rounds
        try daemon.start()
        life.markUp(port: daemon.port)
        let group = DispatchGroup()
        for stream in streams {
            DispatchQueue.global().async(group: group) { Self.post(stream, life: life, ledger: ledger) }
        }
        for index in 0..<Self.claimants {
            let claimantSeed = Self.seed &+ 7_777 &* UInt64(index + 1)
            DispatchQueue.global().async(group: group) {
                Self.claim(seed: claimantSeed, life: life, ledger: ledger)
            }
        }

        for round in 1...Self.rounds {
            if round > 1 {
                try daemon.start()
                life.markUp(port: daemon.port)
            }
            _ = try captureAffiliate(name: "r\(round)-up", inMilliseconds: 150)
            let upFor = Double.random(in: 0.25...1.2, using: &rng)
            let started = Date()
            let acknowledgedBefore = ledger.acknowledgedRequests
            let progressed = waitUntil(seconds: 30) {
                Date().timeIntervalSince(started) >= upFor && ledger.acknowledgedRequests > acknowledgedBefore + 1
            }
            guard progressed else {
                throw CrashFailure("round \(round): no events acknowledged within 30 s; \(context)\n\(daemon.logTail())")
            }
            // The last thing before the kill: a lead whose timer comes due while rulesd is down.
            let down = try captureAffiliate(name: "r\(round)-down", inMilliseconds: 700)
            let due = try Self.quarantineDue(of: down, daemon: daemon)
            life.markDown()
            daemon.kill()
            if CrashEvents.nowMilliseconds() < due { overdueAtRestart.append(down) }
            // Recovery must find this timer overdue: wait (on the clock) until it is.
            _ = waitUntil(seconds: 5) { CrashEvents.nowMilliseconds() > due + 20 }
            if !ledger.failures.isEmpty { break }
        }

        // MARK: Last start: senders finish what is in doubt, timers catch up
        try daemon.start()
        life.markUp(port: daemon.port)
        life.finish()
        if group.wait(timeout: .now() + 120) == .timedOut {
            ledger.fail("posters/claimants did not finish within 120 s of the last restart")
        }
        for failure in ledger.failures { Issue.record("\(failure) [\(context)]") }
        guard ledger.failures.isEmpty else { keep = true; return }

        let affiliateLeads = affiliates.map(\.lead)
        let allFired = waitUntil(seconds: 30) {
            affiliateLeads.allSatisfy { (try? Self.quarantineFirings(of: $0, daemon: daemon))?.pending == false }
        }
        #expect(allFired, "quarantine timers still pending 30 s after the last restart [\(context)]")
        for lead in affiliateLeads {
            let firings = try Self.quarantineFirings(of: lead, daemon: daemon)
            #expect(firings.steps == 1,
                    "\(lead): the quarantine_end timer ran \(firings.steps) times (history), expected once [\(context)]")
        }

        let status = try daemon.stop()
        #expect(status == 0, "rulesd exited \(status) on SIGTERM\n\(daemon.logTail())")

        // MARK: What the store holds
        let acknowledged = ledger.acknowledged
        let sentEvents = streams.flatMap(\.sent) + affiliates.map(\.event)
        #expect(Set(sentEvents.map(\.id)) == acknowledged,
                "every event sent was eventually acknowledged (in-doubt batches re-sent)")
        let leads = Set(sentEvents.map(\.leadID)).sorted()
        let crashStore = try SQLiteStore(path: daemon.database.path)
        let stored = try Self.snapshot(of: crashStore, leads: leads)
        #expect(stored.eventCount == acknowledged.count,
                "the store holds \(stored.eventCount) events, \(acknowledged.count) were acknowledged [\(context)]")
        let missing = acknowledged.subtracting(stored.eventIDs)
        #expect(missing.isEmpty, "acknowledged events missing after kill -9: \(missing.sorted().prefix(20)) [\(context)]")

        let claims = ledger.claims
        let claimedTwice = claims.filter { $0.value > 1 }
        #expect(claimedTwice.isEmpty, "tasks handed to two claimants under live leases: \(claimedTwice.keys.sorted().prefix(20)) [\(context)]")
        #expect(claims.count >= 20, "the claimants got only \(claims.count) tasks: the claim check would prove little")
        for (id, answer) in ledger.ackStatus {
            let state = stored.taskStates[id]
            switch answer {
            case "acked":
                #expect(state == .acked, "task \(id) was acknowledged (200 acked) but is \(String(describing: state)) after the crashes")
            case "already_finished":
                // Withdrawn between claim and ack (the lead went hot: its warm dial is cancelled).
                #expect(state == .cancelled || state == .acked, "task \(id): ack said already_finished, store says \(String(describing: state))")
            default:
                Issue.record("task \(id): unexpected ack status \(answer)")
            }
        }

        // Every lead whose capture was acknowledged has its dial in the outbox;
        // every hot lead (demo trade acknowledged) its hot dial.
        for stream in streams {
            for (lead, kind) in stream.kinds where acknowledged.contains("\(lead)-c") {
                let tasks = stored.tasks[lead] ?? []
                #expect(tasks.contains { $0.kind == .dial }, "\(lead): captured, no dial in the outbox")
                if kind == .hot, acknowledged.contains("\(lead)-t") {
                    #expect(tasks.contains { $0.kind == .dial && $0.queue == "english_hot_lead_queue" },
                            "\(lead): hot (demo trade acknowledged), no dial in english_hot_lead_queue")
                }
            }
        }
        // Deterministic ids: one id per (kind, rule, due, attempt, template, channel) of a lead.
        for (lead, tasks) in stored.tasks {
            let groups = Dictionary(grouping: tasks) { "\($0.kind)|\($0.rule)|\($0.due)|\($0.attempt ?? 0)|\($0.template ?? "")|\($0.channel ?? "")" }
            for (key, same) in groups where Set(same.map(\.id)).count > 1 {
                Issue.record("\(lead): one task under several ids \(same.map(\.id)) (\(key)) [\(context)]")
            }
        }

        // MARK: The same events without crashes
        let referenceDir = scratch.appendingPathComponent("reference")
        try FileManager.default.createDirectory(at: referenceDir, withIntermediateDirectories: true)
        let reference = RulesdProcess(directory: referenceDir, rules: rules)
        defer { reference.kill() }
        try reference.start()
        var lines = affiliates.map(\.event)
        for stream in streams { lines.append(contentsOf: stream.sent) }
        var index = 0
        while index < lines.count {
            let chunk = lines[index..<min(index + 500, lines.count)]
            var body = Data()
            for event in chunk { body.append(event.json); body.append(0x0A) }
            let answer = try reference.request("POST", "/v1/events", body: body, contentType: "application/x-ndjson", timeout: 60)
            guard answer.status == 202, (answer.object?["accepted"] as? Int) == chunk.count else {
                throw CrashFailure("reference: POST /v1/events answered \(answer.status): \(answer.text.prefix(400))")
            }
            index += chunk.count
        }
        let referenceFired = waitUntil(seconds: 30) {
            affiliateLeads.allSatisfy { (try? Self.quarantineFirings(of: $0, daemon: reference))?.pending == false }
        }
        #expect(referenceFired, "reference: quarantine timers still pending after 30 s")
        let referenceStatus = try reference.stop()
        #expect(referenceStatus == 0)
        let expected = try Self.snapshot(of: try SQLiteStore(path: reference.database.path), leads: leads)

        var differing: [String] = []
        for lead in leads {
            let a = stored.leads[lead], b = expected.leads[lead]
            if a != b { differing.append("\(lead): state differs\n  after crashes: \(Self.json(a))\n  reference:     \(Self.json(b))") }
            let ta = Set(stored.tasks[lead] ?? []), tb = Set(expected.tasks[lead] ?? [])
            if ta != tb {
                differing.append("\(lead): tasks differ\n  only after crashes: \(ta.subtracting(tb).map(\.id).sorted())\n  only in reference:  \(tb.subtracting(ta).map(\.id).sorted())")
            }
            if stored.timers[lead] != expected.timers[lead] {
                differing.append("\(lead): timers differ: \(stored.timers[lead] ?? []) vs \(expected.timers[lead] ?? [])")
            }
        }
        #expect(differing.isEmpty, "\(differing.count) leads differ from a run without crashes [\(context)]:\n\(differing.prefix(5).joined(separator: "\n"))")

        // Evidence that the run exercised what it claims to.
        #expect(daemon.starts >= Self.rounds + 1)
        #expect(overdueAtRestart.count >= Self.rounds / 2, "too few timers were overdue at a restart")
        #expect(ledger.inDoubtResent > 0, "no request was cut off by a kill: the in-doubt path was not exercised")
        print("crash test [\(context)]: \(daemon.starts - 1) kills, \(acknowledged.count) events in \(ledger.acknowledgedRequests) acknowledged requests, \(ledger.inDoubtResent) re-sent after a kill (\(ledger.inDoubtFoundStored) of them already stored), \(claims.count) tasks claimed in \(ledger.claimRequests) claims, \(ledger.ackStatus.count) acked, \(overdueAtRestart.count) timers overdue at a restart, \(leads.count) leads compared with a reference run")
    }

    // MARK: - Senders

    /// Posts the stream's batches until told to finish; a batch without an answer is re-sent as it was.
    static func post(_ stream: CrashStream, life: DaemonLife, ledger: CrashLedger) {
        var pending: (events: [WireEvent], single: Bool)?
        var failedGeneration = 0
        var attempts = 0
        while true {
            if pending == nil {
                if life.isFinishing || !ledger.failures.isEmpty { return }
                usleep(stream.pauseMicroseconds())
                pending = stream.nextBatch()
            }
            guard let (generation, port) = life.awaitUp(after: failedGeneration) else {
                ledger.fail("poster \(stream.poster): rulesd not back within 120 s")
                return
            }
            let (events, single) = pending!
            var body = Data()
            if single {
                body = events[0].json
            } else {
                for event in events { body.append(event.json); body.append(0x0A) }
            }
            do {
                let answer = try LoopbackHTTP.request(port: port, "POST", "/v1/events", body: body,
                                              contentType: single ? "application/json" : "application/x-ndjson")
                guard answer.status == 202, let object = answer.object else {
                    ledger.fail("poster \(stream.poster): POST /v1/events answered \(answer.status): \(answer.text.prefix(400))")
                    return
                }
                let accepted = object["accepted_ids"] as? [String] ?? []
                let duplicates = object["duplicate_ids"] as? [String] ?? []
                let ids = events.map(\.id)
                guard Set(accepted + duplicates) == Set(ids), accepted.count + duplicates.count == ids.count else {
                    ledger.fail("poster \(stream.poster): 202 for \(ids) says accepted \(accepted), duplicates \(duplicates)")
                    return
                }
                if attempts == 0, !duplicates.isEmpty {
                    ledger.fail("poster \(stream.poster): first send of \(ids) reported duplicates \(duplicates)")
                    return
                }
                ledger.acknowledged(ids, duplicates: duplicates.count, resent: attempts > 0)
                pending = nil
                attempts = 0
                failedGeneration = 0
            } catch {
                if life.isCurrent(generation) {
                    ledger.fail("poster \(stream.poster): POST /v1/events failed while rulesd was up: \(error)")
                    return
                }
                attempts += 1
                failedGeneration = generation
            }
        }
    }

    /// Claims from the dial queues with 600 s leases and acknowledges about 70% of what it gets.
    static func claim(seed: UInt64, life: DaemonLife, ledger: CrashLedger) {
        var rng = SeededGenerator(seed: seed)
        var failedGeneration = 0
        while !life.isFinishing && ledger.failures.isEmpty {
            guard let (generation, port) = life.awaitUp(after: failedGeneration) else {
                ledger.fail("claimant: rulesd not back within 120 s")
                return
            }
            let queue = claimQueues.randomElement(using: &rng)!
            let request: [String: Any] = ["queue": queue, "limit": Int.random(in: 1...5, using: &rng), "lease_seconds": 600]
            do {
                let answer = try LoopbackHTTP.request(port: port, "POST", "/v1/tasks/claim", body: LoopbackHTTP.json(request))
                guard answer.status == 200, let tasks = answer.object?["tasks"] as? [[String: Any]] else {
                    ledger.fail("claimant: POST /v1/tasks/claim answered \(answer.status): \(answer.text.prefix(400))")
                    return
                }
                let claimed = tasks.compactMap { task -> (String, String)? in
                    guard let id = task["id"] as? String, let token = task["lease_token"] as? String else { return nil }
                    return (id, token)
                }
                guard claimed.count == tasks.count else {
                    ledger.fail("claimant: a claimed task without id or lease_token: \(answer.text.prefix(400))")
                    return
                }
                ledger.claimed(claimed.map(\.0))
                if claimed.isEmpty {
                    usleep(20_000)   // nothing due: poll again, as a dialer does
                    continue
                }
                for (id, token) in claimed where Int.random(in: 0..<10, using: &rng) < 7 {
                    let ack = try LoopbackHTTP.request(port: port, "POST", "/v1/tasks/\(id)/ack", body: LoopbackHTTP.json(["lease_token": token]))
                    guard ack.status == 200, let status = ack.object?["status"] as? String else {
                        ledger.fail("claimant: POST /v1/tasks/\(id)/ack answered \(ack.status): \(ack.text.prefix(400))")
                        return
                    }
                    ledger.acked(id, status: status)
                }
            } catch {
                if life.isCurrent(generation) {
                    ledger.fail("claimant: request failed while rulesd was up: \(error)")
                    return
                }
                failedGeneration = generation
            }
        }
    }

    // MARK: - Reading the daemon and the store

    /// The lead's pending quarantine_end timer's due time, from GET /v1/leads/{id}.
    static func quarantineDue(of lead: String, daemon: RulesdProcess) throws -> Int64 {
        let answer = try daemon.request("GET", "/v1/leads/\(lead)")
        guard answer.status == 200, let timers = answer.object?["timers"] as? [[String: Any]] else {
            throw CrashFailure("GET /v1/leads/\(lead) answered \(answer.status): \(answer.text.prefix(400))")
        }
        guard let timer = timers.first(where: { $0["purpose"] as? String == TimerPurpose.quarantineEnd }),
              let due = timer["due"] as? String else {
            throw CrashFailure("\(lead): an affiliate lead without a pending quarantine_end timer: \(answer.text.prefix(600))")
        }
        return try Timestamp.parse(due)
    }

    /// Whether the lead's quarantine_end timer is still pending, and how many history steps ran it.
    static func quarantineFirings(of lead: String, daemon: RulesdProcess) throws -> (pending: Bool, steps: Int) {
        let answer = try daemon.request("GET", "/v1/leads/\(lead)")
        guard answer.status == 200, let object = answer.object,
              let timers = object["timers"] as? [[String: Any]], let history = object["history"] as? [[String: Any]] else {
            throw CrashFailure("GET /v1/leads/\(lead) answered \(answer.status): \(answer.text.prefix(400))")
        }
        let pending = timers.contains { $0["purpose"] as? String == TimerPurpose.quarantineEnd }
        let steps = history.filter { $0["input"] as? String == "timer" && $0["what"] as? String == TimerPurpose.quarantineEnd }.count
        return (pending, steps)
    }

    struct StoreSnapshot {
        var eventCount = 0
        var eventIDs: Set<String> = []
        var leads: [String: LeadState] = [:]
        var tasks: [String: [LeadTask]] = [:]
        var taskStates: [String: TaskState] = [:]
        var timers: [String: [TimerFiring]] = [:]
    }

    /// Reads the store after rulesd stopped (the test is the only process on the file).
    static func snapshot(of store: SQLiteStore, leads: [String]) throws -> StoreSnapshot {
        let box = SnapshotBox()
        let done = DispatchSemaphore(value: 0)
        Task {
            do throws(StoreError) {
                var snapshot = StoreSnapshot()
                snapshot.eventCount = try await store.eventCount()
                for lead in leads {
                    snapshot.eventIDs.formUnion(try await store.events(ofLead: lead).map(\.id))
                    snapshot.leads[lead] = try await store.loadLead(lead)?.state
                    let tasks = try await store.tasks(ofLead: lead)
                    snapshot.tasks[lead] = tasks.map(\.task)
                    for task in tasks { snapshot.taskStates[task.task.id] = task.state }
                    snapshot.timers[lead] = try await store.timers(ofLead: lead)
                }
                box.set(.success(snapshot))
            } catch {
                box.set(.failure(error))
            }
            done.signal()
        }
        done.wait()
        return try box.get()
    }

    final class SnapshotBox: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<StoreSnapshot, StoreError>?
        func set(_ value: Result<StoreSnapshot, StoreError>) { lock.lock(); result = value; lock.unlock() }
        func get() throws -> StoreSnapshot { lock.lock(); defer { lock.unlock() }; return try result!.get() }
    }

    static func json(_ state: LeadState?) -> String {
        guard let state else { return "nil" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(state)).map { String(decoding: $0, as: UTF8.self) } ?? "\(state)"
    }

    /// rules/ with calling hours all week, all day: every dial is due when it is
    /// issued, whatever the time the test runs (the claim checks need claimable tasks).
    static func playbookCallableAllDay(in scratch: URL) throws -> URL {
        let source = RulesdProcess.packageRoot.appendingPathComponent("rules")
        let target = scratch.appendingPathComponent("rules")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let fm = FileManager.default
        for name in try fm.contentsOfDirectory(atPath: source.path) {
            var isDirectory: ObjCBool = false
            let from = source.appendingPathComponent(name)
            guard fm.fileExists(atPath: from.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            try fm.copyItem(at: from, to: target.appendingPathComponent(name))
        }
        let compliance = target.appendingPathComponent("compliance.rules")
        let text = try String(contentsOf: compliance, encoding: .utf8)
        let hours = "CALLING HOURS MON-FRI 09:00-20:00, SAT 10:00-14:00"
        guard text.contains(hours) else {
            throw CrashFailure("rules/compliance.rules no longer has '\(hours)': update the crash test's playbook copy")
        }
        try text.replacingOccurrences(of: hours, with: "CALLING HOURS MON-SUN 00:00-24:00")
            .write(to: compliance, atomically: true, encoding: .utf8)
        return target
    }
}

struct CrashFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` every 10 ms until it holds or `seconds` pass; whether it held.
func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}
