// Hot reload end to end, as rulesd wires it: real rule files in a temp
// directory, the real inotify watcher, and the loop the server runs (each
// settled burst is one `daemon.reload(.inotify, by: nil)`), against a
// Daemon on SQLite and a virtual clock. A broken edit keeps the version in
// force and is recorded with its diagnostics; a good edit swaps and every
// open lead is re-evaluated under the new version.

import Foundation
import Logging
import RulesEngine
import RulesStore
import Scheduler
import Testing
@testable import RulesDaemon

/// `tiers.rules` with the tiers moved down (hot from 45, warm 30-44, cold
/// below 30): a 45-point warm lead turns hot. Tiers only, routes unchanged.
private var lowerTiers: String {
    BaseRules.files["tiers.rules"]!
        .replacingOccurrences(of: "lead_score >= 70", with: "lead_score >= 45")
        .replacingOccurrences(of: "lead_score 40-69", with: "lead_score 30-44")
        .replacingOccurrences(of: "lead_score < 40", with: "lead_score < 30")
}

/// `routing.rules` with the hot routes from 45 and the warm one 30-44, to go with `lowerTiers`.
private var lowerRoutes: String {
    BaseRules.files["routing.rules"]!
        .replacingOccurrences(of: "lead_score >= 70", with: "lead_score >= 45")
        .replacingOccurrences(of: "lead_score 40-69", with: "lead_score 30-44")
        .replacingOccurrences(of: "lead_score < 40", with: "lead_score < 30")
}

/// A daemon on a scratch rules directory, its store, and the watcher-driven reload loop.
private final class HotReloadRig: @unchecked Sendable {
    let scratch: RulesScratch
    let store: SQLiteStore
    let clock = VirtualClock(start: mondayMorning)
    let metrics = RecordingMetrics()
    let daemon: Daemon
    let watcher: RulesWatcher
    let outcomes = ArrivalLog<ReloadOutcome>()
    private var loop: Task<Void, Never>?

    init(layout: RulesScratch.Layout) throws {
        scratch = try RulesScratch(layout: layout)
        store = try SQLiteStore(path: scratch.root + "/rulesd.sqlite", synchronousFull: false)
        daemon = Daemon(store: store, snapshot: try RulesSnapshot.load(directory: scratch.rules),
                        options: DaemonOptions(rulesDirectory: scratch.rules), clock: clock,
                        metrics: DaemonMetrics(factory: metrics), logger: Logger(label: "reload-test"))
        watcher = RulesWatcher(directory: scratch.rules, debounce: .milliseconds(100))
    }

    /// Starts the daemon, then the watcher and the loop rulesd runs on it.
    func start() async throws {
        try await daemon.start()
        try watcher.start()
        let (daemon, watcher, outcomes) = (daemon, watcher, outcomes)
        loop = Task {
            for await _ in watcher.changes {
                await outcomes.record(await daemon.reload(.inotify, by: nil))
            }
            await outcomes.end()
        }
    }

    /// Waits for reloads after the first `seen` until one satisfies `done`; that one.
    func reload(after seen: Int, until done: (ReloadOutcome) -> Bool) async -> ReloadOutcome? {
        var next = seen + 1
        while await outcomes.wait(for: next) {
            let outcome = await outcomes.elements[next - 1]
            if done(outcome) { return outcome }
            next += 1
        }
        return nil
    }

    func stop() async {
        watcher.stop()
        await loop?.value
    }
}

@Suite struct ReloadDaemonTests {
    /// A file rewritten in two steps, then a vim save: the half-written state
    /// is refused (old version in force, attempt recorded with file:line:col,
    /// counted, new events still run on the old rules); the completed write
    /// is the version in force again (unchanged); the vim save swaps and
    /// re-evaluates every open lead.
    @Test func halfWrittenFileIsRefusedThenAGoodSaveSwaps() async throws {
        let rig = try HotReloadRig(layout: .plain)
        try await rig.start()
        let old = await rig.daemon.rules().version.hash
        #expect(old == (try referenceSnapshot(BaseRules.files)).hash)
        _ = try await rig.daemon.ingest((0..<3).map { n in
            capture("c\(n)", lead: "L\(n)", at: mondayMorning, phone: "+4477009004\(10 + n)")
        })
        #expect(try await rig.daemon.lead("L0")?.lead.state.tier == "warm")

        // Step 1: truncated, half of it written, the writer pauses.
        let text = Array(BaseRules.files["tiers.rules"]!.utf8)
        let cut = BaseRules.files["tiers.rules"]!.utf8.count - "69: CALL WITHIN 2h\nTIER cold WHEN lead_score < 40: NURTURE  # automated nurture (nurture.rules), no call at first\n".utf8.count
        #expect(String(decoding: text[..<cut], as: UTF8.self).hasSuffix("TIER warm WHEN lead_score 40-"))
        let fd = open(rig.scratch.path("tiers.rules"), O_WRONLY | O_TRUNC)
        #expect(fd >= 0)
        defer { close(fd) }
        try RulesScratch.writeAll(fd, Array(text[..<cut]))
        rig.clock.advance(by: minute)
        let refused = try #require(await rig.reload(after: 0) { !$0.attempt.succeeded })
        let header = "\(rig.scratch.rules)/tiers.rules:11:30: error: expected a number after '-' in range, found end of line [E100]"
        #expect(refused.attempt.diagnostics.contains(header), "\(refused.attempt.diagnostics)")
        #expect(refused.attempt.how == "inotify")
        #expect(refused.attempt.rulesVersion == nil)
        #expect(refused.reevaluated == 0)
        #expect(await rig.daemon.rules().version.hash == old)
        #expect(await rig.daemon.rules().lastAttempts.first == refused.attempt)
        let recorded = try #require(try await rig.store.reloadAttempts(limit: 1).first)
        #expect(!recorded.succeeded && recorded.diagnostics == refused.attempt.diagnostics)
        #expect(try await rig.store.currentRulesVersion()?.hash == old)
        #expect(rig.metrics.counter("rulesd_reloads_total", [("result", "failed")]) == 1)
        #expect(rig.metrics.recorded("rulesd_rules_last_reload_successful").last == 0)
        _ = try await rig.daemon.ingest([capture("c9", lead: "L9", at: rig.clock.now(), phone: "+447700900499")])
        #expect(try await rig.daemon.lead("L9")?.history.last?.rulesVersion == old, "the old rules stay in force")

        // Step 2: the rest of the write: the same rules as in force.
        let afterHalf = await rig.outcomes.count
        try RulesScratch.writeAll(fd, Array(text[cut...]))
        let restored = try #require(await rig.reload(after: afterHalf) { $0.attempt.succeeded })
        #expect(restored.unchanged)
        #expect(restored.attempt.rulesVersion == old)
        #expect(restored.reevaluated == 0)
        #expect(rig.metrics.recorded("rulesd_rules_last_reload_successful").last == 1)

        // Step 3: vim saves new tiers: swapped, every open lead re-evaluated.
        let afterRestore = await rig.outcomes.count
        rig.clock.advance(by: minute)
        try rig.scratch.vimSave("tiers.rules", lowerTiers)
        let expected = try referenceSnapshot(BaseRules.files.with("tiers.rules", lowerTiers))
        let swapped = try #require(await rig.reload(after: afterRestore) { $0.attempt.rulesVersion == expected.hash })
        #expect(swapped.attempt.succeeded && !swapped.unchanged)
        #expect(swapped.reevaluated == 4)
        let version = await rig.daemon.rules().version
        #expect(version.hash == expected.hash && version.how == "inotify")
        #expect(version.files == expected.files)
        #expect(try await rig.store.currentRulesVersion()?.hash == expected.hash)
        for lead in ["L0", "L1", "L2", "L9"] {
            let view = try #require(try await rig.daemon.lead(lead))
            #expect(view.lead.state.tier == "hot", "\(lead) scores 45: hot under the new tiers")
            #expect(view.lead.rulesVersion == expected.hash)
            #expect(view.history.last?.input == "reevaluation" && view.history.last?.rulesVersion == expected.hash)
            #expect(view.history.first?.rulesVersion == old)
        }
        await rig.stop()
    }

    /// The rules directory removed: the reload is refused with the
    /// operator's message and recorded, the rules in force keep running;
    /// a directory put back with new rules is loaded and swapped in.
    @Test func removedDirectoryIsReportedAndItsReturnLoaded() async throws {
        let rig = try HotReloadRig(layout: .plain)
        try await rig.start()
        let old = await rig.daemon.rules().version.hash
        _ = try await rig.daemon.ingest([capture("c0", lead: "L0", at: mondayMorning, phone: "+447700900610")])

        try rig.scratch.removeTree(rig.scratch.rules)
        let message = "rules directory '\(rig.scratch.rules)' does not exist"
        let refused = try #require(await rig.reload(after: 0) { $0.attempt.diagnostics == message })
        #expect(!refused.attempt.succeeded)
        #expect(try await rig.store.reloadAttempts(limit: 1).first?.diagnostics == message)
        #expect(await rig.daemon.rules().version.hash == old)
        #expect(!rig.watcher.directoryPresent)
        _ = try await rig.daemon.ingest([event("v0", lead: "L0", "site_visit", at: mondayMorning + minute)])
        #expect(try await rig.daemon.lead("L0")?.history.last?.rulesVersion == old)

        let afterRemoval = await rig.outcomes.count
        rig.clock.advance(by: 2 * minute)
        let back = BaseRules.files.with("tiers.rules", lowerTiers)
        let expected = try referenceSnapshot(back)
        try rig.scratch.populate(rig.scratch.rules, back)
        let swapped = try #require(await rig.reload(after: afterRemoval) { $0.attempt.rulesVersion == expected.hash })
        #expect(swapped.attempt.succeeded && swapped.reevaluated == 1)
        #expect(rig.watcher.directoryPresent)
        #expect(try await rig.daemon.lead("L0")?.lead.state.tier == "hot")
        await rig.stop()
    }

    /// A ConfigMap update with a broken file is refused as a whole; the next
    /// update (tiers and routes changed together in one `..data` swap) goes in
    /// at once, and the re-evaluated leads get the new hot tier's dial.
    @Test func configMapUpdatesBrokenThenGood() async throws {
        let rig = try HotReloadRig(layout: .configMap)
        try await rig.start()
        let old = await rig.daemon.rules().version.hash
        _ = try await rig.daemon.ingest((0..<2).map { n in
            capture("c\(n)", lead: "L\(n)", at: mondayMorning, phone: "+4477009005\(10 + n)")
        })

        let broken = BaseRules.files.with("tiers.rules", lowerTiers + "TIER vip WHEN lead_scor >= 99: CALL WITHIN 10s\n")
        try rig.scratch.configMapUpdate(broken)
        let refused = try #require(await rig.reload(after: 0) { !$0.attempt.succeeded })
        #expect(refused.attempt.diagnostics == (try RulesSnapshot.load(directory: rig.scratch.rules)).diagnosticsText,
                "rendered as rules check renders them")
        #expect(refused.attempt.diagnostics.contains("\(rig.scratch.rules)/tiers.rules:13:"))
        #expect(await rig.daemon.rules().version.hash == old)
        #expect(try await rig.daemon.lead("L0")?.lead.state.tier == "warm")

        let afterBroken = await rig.outcomes.count
        rig.clock.advance(by: minute)
        let good = BaseRules.files.with("tiers.rules", lowerTiers).with("routing.rules", lowerRoutes)
        let expected = try referenceSnapshot(good)
        try rig.scratch.configMapUpdate(good)
        let swapped = try #require(await rig.reload(after: afterBroken) { $0.attempt.rulesVersion == expected.hash })
        #expect(swapped.attempt.succeeded && swapped.reevaluated == 2)
        #expect(await rig.daemon.rules().version.hash == expected.hash)
        let hot = try await rig.daemon.claim(ClaimRequest(queue: "english_hot_lead_queue", kind: .dial, limit: 10,
                                                          leaseMilliseconds: 60_000))
        #expect(Set(hot.map(\.task.leadID)) == ["L0", "L1"])
        for lead in ["L0", "L1"] {
            let view = try #require(try await rig.daemon.lead(lead))
            #expect(view.tasks.contains { $0.task.queue == "english_hot_lead_queue" && $0.rulesVersion == expected.hash })
        }
        await rig.stop()
    }
}
