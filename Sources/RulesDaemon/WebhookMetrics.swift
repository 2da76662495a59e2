// The webhook sink's counters, made from an injected MetricsFactory so
// tests count on their own factory and never touch the global bootstrap.

import Metrics

/// `rulesd_webhook_deliveries_total{result=delivered|failed|dead_letter}`:
/// one increment per attempt that ended. A failure that uses up the last
/// attempt (or is a permanent rejection) counts as `dead_letter` only, so
/// the three results add up to the attempts made.
public struct WebhookMetrics: Sendable {
    public static let deliveriesName = "rulesd_webhook_deliveries_total"

    let delivered: Counter
    let failed: Counter
    let deadLettered: Counter

    public init(factory: any MetricsFactory) {
        delivered = Counter(label: Self.deliveriesName, dimensions: [("result", "delivered")], factory: factory)
        failed = Counter(label: Self.deliveriesName, dimensions: [("result", "failed")], factory: factory)
        deadLettered = Counter(label: Self.deliveriesName, dimensions: [("result", "dead_letter")], factory: factory)
    }
}
