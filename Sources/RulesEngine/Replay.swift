// Replays each lead's history through `Engine.step` and evaluates the lead
// at a point in time: the library half of `rules eval`.
//
// Between events the timers the engine asked for come due (the end of an
// affiliate quarantine hold, of its email-only nurture), so they are fired
// in due order before every event at or after their due time, and at the
// end up to `now`: a lead evaluated an hour after capture is out of its
// 30-minute hold. A timer due at the same time as an event fires first (it
// was set earlier). Tasks are not kept: eval reports state, not the task
// timeline (that is `rules simulate`).

import RulesCompiler

/// Why a lead could not be evaluated.
public struct ReplayError: Error, Sendable, Hashable, CustomStringConvertible {
    public let leadID: String
    public let reason: String
    public var description: String { "lead \(Quote.text(leadID)): \(reason)" }
}

/// Runs lead histories through the engine and reports each lead as it
/// stands at a given time.
public struct Replay: Sendable {
    public let engine: Engine

    /// Timer firings allowed per lead: far more than any playbook needs, and
    /// a stop if timers ever kept setting each other at the same instant.
    static let timerLimit = 100_000

    public init(engine: Engine) {
        self.engine = engine
    }

    /// The report of every history, in the order given, evaluated at `now`.
    /// Duplicates are found across all of them first (see `duplicateLinks`).
    public func reports(_ histories: [LeadHistory], now: Int64) throws(ReplayError) -> [LeadReport] {
        let links = Self.duplicateLinks(histories)
        var reports: [LeadReport] = []
        reports.reserveCapacity(histories.count)
        for history in histories {
            reports.append(try report(history, now: now, duplicateOf: links[history.leadID]))
        }
        return reports
    }

    /// Which earlier lead each lead duplicates: leads are registered in
    /// capture order (then lead id), so the first lead with a phone number or
    /// email address stays the primary, as it would have live.
    public static func duplicateLinks(_ histories: [LeadHistory]) -> [String: String] {
        let captures = histories.compactMap { history -> Event? in
            history.events.first { $0.event.type == LeadHistory.creation }?.event
        }.sorted { a, b in a.at != b.at ? a.at < b.at : LeadHistory.precedes(a.leadID, b.leadID) }
        var index = DuplicateIndex()
        var links: [String: String] = [:]
        for capture in captures {
            if let match = index.register(capture: capture) {
                links[capture.leadID] = match.primaryLeadID
            }
        }
        return links
    }

    /// One lead's report at `now`, with the explanation.
    public func report(_ history: LeadHistory, now: Int64, duplicateOf: String? = nil) throws(ReplayError) -> LeadReport {
        let state = try self.state(history, until: now, duplicateOf: duplicateOf)
        do {
            let evaluation = try engine.evaluate(state, at: now, explain: true)
            return LeadReport(leadID: history.leadID, evaluation: evaluation, status: state.status,
                              duplicateOf: state.duplicateOf, program: engine.compiled)
        } catch {
            throw ReplayError(leadID: history.leadID, reason: error.description)
        }
    }

    /// The lead's state after its events, with its timers fired up to `until`.
    public func state(_ history: LeadHistory, until: Int64, duplicateOf: String? = nil) throws(ReplayError) -> LeadState {
        var lead = LeadRun(leadID: history.leadID)
        let context = StepContext(duplicateOf: duplicateOf)
        for decoded in history.events {
            try fireTimers(&lead, through: decoded.event.at)
            lead.apply(engine.step(lead.state, .event(decoded.event), context: context))
        }
        try fireTimers(&lead, through: until)
        return lead.state ?? LeadState(id: history.leadID)
    }

    private func fireTimers(_ lead: inout LeadRun, through time: Int64) throws(ReplayError) {
        while let next = lead.nextTimer(dueBy: time) {
            lead.fired += 1
            guard lead.fired <= Self.timerLimit else {
                throw ReplayError(leadID: lead.leadID, reason: "more than \(Self.timerLimit) timers fired; stopped")
            }
            lead.apply(engine.step(lead.state, .timer(next)))
        }
    }
}

/// One lead being replayed: its state and its pending timers.
private struct LeadRun {
    let leadID: String
    var state: LeadState?
    var timers: [TimerFiring] = []
    var fired = 0

    init(leadID: String) {
        self.leadID = leadID
    }

    /// Removes and returns the earliest timer due at or before `time` (ties by id).
    mutating func nextTimer(dueBy time: Int64) -> TimerFiring? {
        guard let i = timers.indices.filter({ timers[$0].due <= time })
            .min(by: { (timers[$0].due, timers[$0].id) < (timers[$1].due, timers[$1].id) }) else { return nil }
        return timers.remove(at: i)
    }

    /// Timer requests first, then the new state (the contract of `StepResult`).
    mutating func apply(_ result: StepResult) {
        for request in result.timers {
            switch request {
            case .set(let firing):
                timers.removeAll { $0.id == firing.id }
                timers.append(firing)
            case .cancel(let id):
                timers.removeAll { $0.id == id }
            case .cancelTasks, .cancelTask:
                break  // eval keeps no tasks
            }
        }
        state = result.state
    }
}

extension Engine {
    /// The score, tier and route of a lead's state at `now` (no input
    /// handled), as the next step would see them.
    public func evaluate(_ state: LeadState, at now: Int64, explain: Bool = false) throws(FactsError) -> Evaluation {
        let snapshot = LeadSnapshot(fields: state.fields, events: state.events, status: state.status,
                                    tier: state.tier, escalatedTier: state.escalatedTier,
                                    attempts: state.attempts, now: now)
        return compiled.evaluate(try LeadFacts(snapshot, for: compiled), explain: explain)
    }
}
