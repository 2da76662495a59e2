// Replays each lead's history and evaluates the lead at a point in time:
// the library half of `rules eval`.
//
// TEMPORARY: until `Engine.step` lands this folds the events into a
// `LeadSnapshot` itself (capture fields from lead_created, event counters,
// status open). It is replaced by the engine's step function, leaving one
// code path.

import RulesCompiler

/// Why a lead could not be evaluated.
public struct ReplayError: Error, Sendable, Hashable, CustomStringConvertible {
    public let leadID: String
    public let reason: String
    public var description: String { "lead \(Quote.text(leadID)): \(reason)" }
}

/// Runs lead histories and reports each lead as it stands at a given time.
public struct Replay: Sendable {
    public let compiled: CompiledProgram

    public init(compiled: CompiledProgram) {
        self.compiled = compiled
    }

    /// The report of every history, in the order given, evaluated at `now`.
    public func reports(_ histories: [LeadHistory], now: Int64) throws(ReplayError) -> [LeadReport] {
        var reports: [LeadReport] = []
        reports.reserveCapacity(histories.count)
        for history in histories { reports.append(try report(history, now: now)) }
        return reports
    }

    /// One lead's report at `now`, with the explanation.
    public func report(_ history: LeadHistory, now: Int64) throws(ReplayError) -> LeadReport {
        let snapshot = fold(history, now: now)
        do {
            let facts = try LeadFacts(snapshot, for: compiled)
            let evaluation = compiled.evaluate(facts, explain: true)
            return LeadReport(leadID: history.leadID, evaluation: evaluation, status: snapshot.status, program: compiled)
        } catch {
            throw ReplayError(leadID: history.leadID, reason: error.description)
        }
    }

    private func fold(_ history: LeadHistory, now: Int64) -> LeadSnapshot {
        var snapshot = LeadSnapshot(now: now)
        for decoded in history.events {
            let event = decoded.event
            if event.type == LeadHistory.creation {
                for (name, value) in event.data { snapshot.fields[name] = value }
                if snapshot.fields["registered_at"] == nil { snapshot.fields["registered_at"] = .time(event.at) }
            }
            var stats = snapshot.events[event.type] ?? EventStats(count: 0, first: event.at, last: event.at)
            stats.count += 1
            stats.first = min(stats.first, event.at)
            stats.last = max(stats.last, event.at)
            snapshot.events[event.type] = stats
        }
        return snapshot
    }
}
