// The swift-metrics factory rulesd's metrics are made with: one
// swift-prometheus registry (what `GET /metrics` renders) with the
// histogram buckets that suit rulesd's two histograms. No global
// bootstrap: the process and each test make their own.

import Prometheus

public enum RulesdMetrics {
    /// Speed to lead, seconds: a hot lead's SLA is a minute, a warm one's hours.
    static let speedToLeadBuckets: [Double] = [1, 5, 10, 30, 60, 120, 300, 900, 3600, 7200]
    /// One group commit: a millisecond or two, tens under load, more on a slow disk.
    static let commitBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
    ]

    /// A factory over `registry`, for `DaemonMetrics(factory:)` and `WebhookMetrics(factory:)`.
    public static func factory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets = ["rulesd_speed_to_lead_seconds": speedToLeadBuckets]
        factory.durationHistogramBuckets = ["rulesd_ingest_commit_seconds": commitBuckets]
        return factory
    }
}
