// rulesd's metrics, through swift-metrics with an injected factory: the
// server passes its Prometheus factory, tests a recording one, and nothing
// here bootstraps the global `MetricsSystem` (tests run in parallel).
// Names and labels are the contract of TEAM.md / docs/API.md; the server
// renders them at GET /metrics.
//
// Labelled metrics are made on first use and kept, keyed by label values,
// so a hot path pays one locked dictionary lookup, not a factory call.

import CoreMetrics
import Foundation
import Metrics
import RulesEngine

/// The daemon's counters, gauges and histograms. Thread-safe.
public final class DaemonMetrics: @unchecked Sendable {
    public let factory: any MetricsFactory
    private let lock = NSLock()
    private var counters: [String: Counter] = [:]
    private var recorders: [String: Recorder] = [:]

    private let duplicates: Counter
    private let timersPending: Gauge
    private let timersFired: Counter
    private let lastReloadSuccessful: Gauge
    private let reevaluated: Counter
    private let commitSeconds: Metrics.Timer

    public init(factory: any MetricsFactory) {
        self.factory = factory
        duplicates = Counter(label: "rulesd_events_duplicate_total", factory: factory)
        timersPending = Gauge(label: "rulesd_timers_pending", factory: factory)
        timersFired = Counter(label: "rulesd_timers_fired_total", factory: factory)
        lastReloadSuccessful = Gauge(label: "rulesd_rules_last_reload_successful", factory: factory)
        reevaluated = Counter(label: "rulesd_leads_reevaluated_total", factory: factory)
        commitSeconds = Metrics.Timer(label: "rulesd_ingest_commit_seconds", dimensions: [], factory: factory)
    }

    // MARK: Events and tasks

    public func eventIngested(type: String) {
        counter("rulesd_events_ingested_total", [("type", type)]).increment()
    }

    public func duplicateEvents(_ count: Int) {
        if count > 0 { duplicates.increment(by: count) }
    }

    public func taskIssued(_ task: LeadTask) {
        counter("rulesd_tasks_issued_total", [("kind", task.kind.rawValue), ("queue", task.queue ?? "")]).increment()
    }

    public func taskClaimed(_ task: LeadTask) {
        counter("rulesd_tasks_claimed_total", [("kind", task.kind.rawValue), ("queue", task.queue ?? "")]).increment()
    }

    public func taskAcked(_ task: LeadTask) {
        counter("rulesd_tasks_acked_total", [("kind", task.kind.rawValue), ("queue", task.queue ?? "")]).increment()
    }

    /// A task withdrawn before delivery; `kind` nil when the daemon no longer knew it.
    public func taskWithdrawn(kind: TaskKind?) {
        counter("rulesd_tasks_withdrawn_total", [("kind", kind?.rawValue ?? "unknown")]).increment()
    }

    /// First dial due minus capture, per tier.
    public func speedToLead(seconds: Double, tier: String?) {
        recorder("rulesd_speed_to_lead_seconds", [("tier", tier ?? "none")]).record(seconds)
    }

    public func slaBreach(tier: String?, reason: String) {
        counter("rulesd_sla_breaches_total", [("tier", tier ?? "none"), ("reason", reason)]).increment()
    }

    // MARK: Timers

    public func timersPending(_ count: Int) {
        timersPending.record(count)
    }

    public func timersFired(_ count: Int) {
        if count > 0 { timersFired.increment(by: count) }
    }

    // MARK: Reloads

    public func reload(succeeded: Bool) {
        counter("rulesd_reloads_total", [("result", succeeded ? "ok" : "failed")]).increment()
        lastReloadSuccessful.record(succeeded ? 1 : 0)
    }

    public func leadsReevaluated(_ count: Int) {
        if count > 0 { reevaluated.increment(by: count) }
    }

    // MARK: Commits
    // (`rulesd_webhook_deliveries_total` is the webhook sink's: WebhookMetrics.)

    public func ingestCommit(nanoseconds: Int64) {
        commitSeconds.recordNanoseconds(nanoseconds)
    }

    // MARK: Plumbing

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        let key = Self.key(label, dimensions)
        return lock.withLock {
            if let counter = counters[key] { return counter }
            let counter = Counter(label: label, dimensions: dimensions, factory: factory)
            counters[key] = counter
            return counter
        }
    }

    private func recorder(_ label: String, _ dimensions: [(String, String)]) -> Recorder {
        let key = Self.key(label, dimensions)
        return lock.withLock {
            if let recorder = recorders[key] { return recorder }
            let recorder = Recorder(label: label, dimensions: dimensions, aggregate: true, factory: factory)
            recorders[key] = recorder
            return recorder
        }
    }

    private static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        dimensions.reduce(label) { $0 + "\u{1}" + $1.0 + "=" + $1.1 }
    }
}
