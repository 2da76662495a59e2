// Reload through the daemon: a refused set keeps the rules in force; an
// unchanged set does nothing; a good set is swapped in and every open lead
// re-evaluated under it, each step recorded with its rules version.

import Foundation
import RulesEngine
import RulesStore
import Scheduler
import Testing
@testable import RulesDaemon

/// Moves the hot threshold from 70 to 45 points (tiers and routes together,
/// so they still partition the score range): a 45-point capture turns hot.
private func lowerHotThreshold(_ box: DaemonSandbox) throws {
    try box.edit("tiers.rules") { text in
        text.replacingOccurrences(of: "lead_score >= 70", with: "lead_score >= 45")
            .replacingOccurrences(of: "lead_score 40-69", with: "lead_score 30-44")
            .replacingOccurrences(of: "lead_score < 40", with: "lead_score < 30")
    }
    try box.edit("routing.rules") { text in
        text.replacingOccurrences(of: "lead_score >= 70", with: "lead_score >= 45")
            .replacingOccurrences(of: "lead_score 40-69", with: "lead_score 30-44")
            .replacingOccurrences(of: "lead_score < 40", with: "lead_score < 30")
    }
}

@Suite struct DaemonReloadTests {
    @Test func aRefusedSetKeepsTheRulesInForce() async throws {
        let box = try DaemonSandbox()
        let store = try box.store()
        let clock = VirtualClock(start: mondayMorning)
        let metrics = RecordingMetrics()
        let daemon = try box.daemon(store: store, clock: clock, metrics: metrics)
        try await daemon.start()
        let version = await daemon.rules().version.hash
        let good = try box.snapshot()
        try box.edit("tiers.rules") { $0 + "\nTIER broken WHEN lead_scor >= 1: CALL WITHIN 60s\n" }

        let outcome = await daemon.reload(.api, by: "ops")
        #expect(!outcome.attempt.succeeded)
        #expect(!outcome.unchanged)
        #expect(outcome.reevaluated == 0)
        #expect(outcome.attempt.diagnostics.contains("tiers.rules"))
        #expect(outcome.attempt.how == "api")
        let status = await daemon.rules()
        #expect(status.version.hash == version)
        #expect(status.lastAttempts.first == outcome.attempt)
        #expect(try await store.currentRulesVersion()?.hash == version)
        #expect(try await store.reloadAttempts(limit: 1).first?.succeeded == false)
        #expect(metrics.counter("rulesd_reloads_total", [("result", "failed")]) == 1)
        #expect(metrics.recorded("rulesd_rules_last_reload_successful").last == 0)
        // The old rules keep running leads.
        _ = try await daemon.ingest([capture("c1", lead: "L1", at: mondayMorning)])
        #expect(try await daemon.lead("L1")?.history.first?.rulesVersion == version)

        // A directory that is gone is refused the same way.
        let gone = try box.daemon(store: store, clock: clock, snapshot: good) {
            $0.rulesDirectory = box.rulesDirectory + "-missing"
        }
        try await gone.start()
        let missing = await gone.reload(.sighup, by: nil)
        #expect(!missing.attempt.succeeded)
        #expect(await gone.rules().version.hash == version)

        // Rules refused at start: start fails with the diagnostics, nothing runs.
        let refused = try box.daemon(store: store, clock: clock)
        await #expect(throws: DaemonError.self) { try await refused.start() }
        #expect(await refused.readiness().ready == false)
        #expect(await refused.rules().version.hash == (try box.snapshot()).hash)
    }

    @Test func anUnchangedSetDoesNothing() async throws {
        let box = try DaemonSandbox()
        let store = try box.store()
        let daemon = try box.daemon(store: store, clock: VirtualClock(start: mondayMorning))
        try await daemon.start()
        let attempts = try await store.reloadAttempts(limit: 10).count
        let outcome = await daemon.reload(.inotify, by: nil)
        #expect(outcome.unchanged)
        #expect(outcome.attempt.succeeded)
        #expect(outcome.reevaluated == 0)
        #expect(try await store.reloadAttempts(limit: 10).count == attempts)
    }

    @Test func aGoodSetIsSwappedAndOpenLeadsReevaluated() async throws {
        let box = try DaemonSandbox()
        let store = try box.store()
        let clock = VirtualClock(start: mondayMorning)
        let metrics = RecordingMetrics()
        let daemon = try box.daemon(store: store, clock: clock, metrics: metrics) { $0.reevaluationPageSize = 2 }
        try await daemon.start()
        let old = await daemon.rules().version.hash
        // Five warm leads (45 points each), distinct phones.
        _ = try await daemon.ingest((0..<5).map { n in
            capture("c\(n)", lead: "L\(n)", at: mondayMorning, phone: "+4477009003\(10 + n)")
        })
        let warm = try await daemon.claim(ClaimRequest(queue: "warm_lead_queue", kind: .dial, limit: 1,
                                                       leaseMilliseconds: 60_000))
        #expect(warm.count == 1)  // delivered: the reload must leave it alone

        try lowerHotThreshold(box)
        clock.advance(by: minute)
        let outcome = await daemon.reload(.api, by: "ops")
        #expect(outcome.attempt.succeeded, "\(outcome.attempt.diagnostics)")
        #expect(!outcome.unchanged)
        #expect(outcome.reevaluated == 5)
        let new = await daemon.rules().version
        #expect(new.hash != old && new.hash == outcome.attempt.rulesVersion)
        #expect(new.how == "api" && new.by == "ops")
        #expect(try await store.currentRulesVersion()?.hash == new.hash)
        #expect(metrics.counter("rulesd_leads_reevaluated_total") == 5)
        #expect(metrics.counter("rulesd_reloads_total", [("result", "ok")]) == 2)  // startup + this one

        for n in 0..<5 {
            let view = try #require(try await daemon.lead("L\(n)"))
            #expect(view.lead.state.tier == "hot")
            #expect(view.lead.rulesVersion == new.hash)
            let last = try #require(view.history.last)
            #expect(last.input == "reevaluation" && last.inputID == new.hash && last.rulesVersion == new.hash)
            #expect(view.history.first?.rulesVersion == old)
        }
        let hot = try await daemon.claim(ClaimRequest(queue: "english_hot_lead_queue", kind: .dial, limit: 10,
                                                      leaseMilliseconds: 60_000))
        #expect(hot.count == 5)
        #expect(try await store.tasks(ofLead: "L\(warm[0].task.leadID.dropFirst())").contains {
            $0.task.id == warm[0].task.id && $0.state == .leased
        })
        // The next event runs on the new rules.
        _ = try await daemon.ingest([event("v", lead: "L0", "site_visit", at: clock.now())])
        #expect(try await daemon.lead("L0")?.history.last?.rulesVersion == new.hash)
    }
}
