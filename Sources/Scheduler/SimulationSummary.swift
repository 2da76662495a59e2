// What an analyst reads after a simulation (`rules simulate` prints it on
// stderr): tasks per kind, agent load per queue per day, speed-to-lead per
// tier and the SLA breaches with their causes. It is fed each task as it is
// issued and keeps counts, not tasks: a million leads cost a set of dialled
// lead ids and one duration per first dial.
//
// Speed-to-lead is the time from the lead's `lead_created` to the first dial
// issued for it, grouped by the lead's tier at that dial. Median and p95 are
// nearest-rank percentiles of those durations.

import RulesEngine

/// Aggregates of a simulation's issued tasks.
public struct SimulationSummary: Sendable {
    /// Breaches listed one by one before only their causes are counted.
    public static let listedBreaches = 10

    public private(set) var byKind: [TaskKind: Int] = [:]
    /// Day (days since the epoch, UTC) → queue (or `(email)`, `(sms)`, …) → tasks.
    public private(set) var perDay: [Int64: [String: Int]] = [:]
    /// Tier at the first dial → time from capture to that dial, ms.
    public private(set) var speedToLead: [String: [Int64]] = [:]
    public private(set) var breachCount = 0
    /// Cause → count (`outside calling hours in Europe/London`, `due after the deadline`).
    public private(set) var breachCauses: [String: Int] = [:]
    /// The first `listedBreaches` breaches, in due order.
    public private(set) var breaches: [IssuedTask] = []
    public private(set) var firstIssue: Int64?
    public private(set) var lastIssue: Int64?
    private var dialled: Set<String> = []

    public init() {}

    /// Counts one issued task. `simulation` is read for a lead's first dial
    /// (its tier and capture time).
    public mutating func record(_ issued: IssuedTask, in simulation: Simulation) {
        let task = issued.task
        byKind[task.kind, default: 0] += 1
        let day = Self.floorDiv(issued.issuedAt, 86_400_000)
        perDay[day, default: [:]][task.queue ?? "(\(task.kind.rawValue))", default: 0] += 1
        if firstIssue == nil { firstIssue = issued.issuedAt }
        lastIssue = issued.issuedAt
        if let breach = task.slaBreach {
            breachCount += 1
            breachCauses[Self.cause(of: breach), default: 0] += 1
            if breaches.count < Self.listedBreaches { breaches.append(issued) }
        }
        guard task.kind == .dial, dialled.insert(task.leadID).inserted,
              let state = simulation.state(of: task.leadID),
              let captured = state.events[LeadHistory.creation]?.first else { return }
        speedToLead[state.tier ?? "(no tier)", default: []].append(max(0, issued.issuedAt - captured))
    }

    /// Adds the summary of another shard of the same campaign (disjoint
    /// leads). Counts, days and speed-to-lead samples add up to what one
    /// simulation records; the listed breaches are the first of each shard.
    public mutating func merge(_ other: SimulationSummary) {
        for (kind, n) in other.byKind { byKind[kind, default: 0] += n }
        for (day, queues) in other.perDay {
            for (queue, n) in queues { perDay[day, default: [:]][queue, default: 0] += n }
        }
        for (tier, samples) in other.speedToLead { speedToLead[tier, default: []] += samples }
        breachCount += other.breachCount
        for (cause, n) in other.breachCauses { breachCauses[cause, default: 0] += n }
        breaches += other.breaches.prefix(max(0, Self.listedBreaches - breaches.count))
        firstIssue = [firstIssue, other.firstIssue].compactMap { $0 }.min()
        lastIssue = [lastIssue, other.lastIssue].compactMap { $0 }.max()
        dialled.formUnion(other.dialled)
    }

    /// Whether a first dial of the lead was recorded.
    public func wasDialled(_ leadID: String) -> Bool { dialled.contains(leadID) }

    /// The cause of a breach without its times: what to count breaches by.
    static func cause(of breach: String) -> String {
        if breach.hasPrefix("due ") { return "due after the deadline" }
        return breach.split(separator: ":", maxSplits: 1).first.map(String.init) ?? breach
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Nearest-rank percentile (`p` in 0...100) of sorted values.
    public static func percentile(_ sorted: [Int64], _ p: Double) -> Int64? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

extension SimulationSummary {
    /// The text `rules simulate` prints on stderr.
    public func render(_ simulation: Simulation) -> String {
        let stats = simulation.statistics
        var lines: [String] = []
        var span = ""
        if let firstIssue, let lastIssue {
            span = ", tasks from \(Timestamp.format(firstIssue)) to \(Timestamp.format(lastIssue))"
        }
        lines.append("simulated \(Self.count(simulation.leadCount, "lead")): \(Self.count(stats.events, "event"))"
                     + " from the input, \(stats.generatedEvents) from the outcome model, "
                     + "\(Self.count(stats.timersFired, "timer")) fired\(span)")
        let kinds = TaskKind.allCases.map { "\($0.rawValue) \(byKind[$0] ?? 0)" }.joined(separator: ", ")
        lines.append("tasks issued: \(byKind.values.reduce(0, +)) (\(kinds)); \(stats.withdrawn) withdrawn "
                     + "before due, \(stats.replaced) replaced, \(simulation.pendingCount) still pending")
        lines.append("tasks per queue per day (UTC):")
        for day in perDay.keys.sorted() {
            let queues = (perDay[day] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            lines.append("  \(Self.date(day))  \(queues.joined(separator: ", "))")
        }
        if perDay.isEmpty { lines.append("  (none)") }
        lines += speedLines(simulation)
        lines.append("SLA breaches: \(breachCount)")
        for (cause, n) in breachCauses.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            lines.append("  \(n) \(cause)")
        }
        for b in breaches {
            lines.append("  \(b.task.leadID) \(b.task.kind.rawValue) \(b.task.queue ?? "") at "
                         + "\(Timestamp.format(b.issuedAt)): \(b.task.slaBreach ?? "")")
        }
        if breachCount > breaches.count { lines.append("  ... and \(breachCount - breaches.count) more") }
        return lines.map { $0 + "\n" }.joined()
    }

    /// Speed-to-lead per tier, in the playbook's tier order, with the leads
    /// of each tier never dialled.
    private func speedLines(_ simulation: Simulation) -> [String] {
        var notDialled: [String: Int] = [:]
        simulation.forEachLead { state in
            guard state.captured, !dialled.contains(state.id) else { return }
            notDialled[state.tier ?? "(no tier)", default: 0] += 1
        }
        var tiers = simulation.engine.program.tiers.map(\.name)
        for extra in Set(speedToLead.keys).union(notDialled.keys).sorted() where !tiers.contains(extra) {
            tiers.append(extra)
        }
        var lines = ["speed-to-lead (lead_created to first dial issued), by tier at that dial:"]
        for tier in tiers {
            let sorted = (speedToLead[tier] ?? []).sorted()
            let median = Self.percentile(sorted, 50).map(Self.duration) ?? "-"
            let p95 = Self.percentile(sorted, 95).map(Self.duration) ?? "-"
            lines.append("  \(tier.padded(10)) dialled \(String(sorted.count).padded(6)) median \(median.padded(8)) "
                         + "p95 \(p95.padded(8)) not dialled \(notDialled[tier] ?? 0)")
        }
        return lines
    }

    static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

    static func date(_ day: Int64) -> String { String(Timestamp.format(day * 86_400_000).prefix(10)) }

    /// `0s`, `45s`, `14m 3s`, `16h 10m`, `3d 2h`: the two largest units.
    public static func duration(_ ms: Int64) -> String {
        let s = ms / 1000
        let (d, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60)
        if d > 0 { return h > 0 ? "\(d)d \(h)h" : "\(d)d" }
        if h > 0 { return m > 0 ? "\(h)h \(m)m" : "\(h)h" }
        if m > 0 { return sec > 0 ? "\(m)m \(sec)s" : "\(m)m" }
        return ms < 1000 && ms > 0 ? "\(ms)ms" : "\(sec)s"
    }
}

extension String {
    fileprivate func padded(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
