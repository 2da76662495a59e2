// Reading the events of `rules simulate`. A simulation is a stream: events
// are applied in the order of the file, so the file must be in time order
// (events at the same time keep their file order). Every fault is reported
// before anything is simulated, each with its line — decoding errors, a
// lead with no `lead_created` (as `rules eval` reports it), an event
// earlier than the one before it, a time outside the years the simulation
// accepts — and then the command exits 2 without a timeline.

import RulesCompiler
import RulesEngine
import RulesLanguage
import Scheduler

/// The events of a file, checked and in time order.
struct EventInput {
    let path: String
    private(set) var events: [DecodedEvent]

    init(path: String, events: [DecodedEvent]) {
        self.path = path
        self.events = events
    }

    /// With an outcome model the model answers every dial: the input's own
    /// call outcomes would answer some twice. Returns how many were dropped.
    mutating func dropCallOutcomes() -> Int {
        let before = events.count
        events.removeAll { $0.event.type == OutcomeModel.outcomeEvent }
        return before - events.count
    }
}

extension RulesCommand.Simulate {
    func readEvents(_ program: Program) throws(CommandFailure) -> EventInput {
        let (path, bytes) = try CommandInput.eventsFile(events)
        let log = EventDecoder(program: program).decode(bytes, path: path)
        let (_, leadIssues) = LeadHistory.histories(of: log, path: path)
        let timeIssues = Self.orderIssues(log.events, path: path)
        let issues = CommandInput.byLine(log.issues + leadIssues + timeIssues)
        CommandInput.report(issues, dropped: log.droppedIssues)
        let errors = log.errorCount + leadIssues.count + timeIssues.count
        guard errors == 0 else {
            throw CommandFailure(message: "\(CommandInput.count(errors, "error")) in \(path); nothing simulated")
        }
        return EventInput(path: path, events: log.events)
    }

    /// An error for every event earlier than an event above it, and for
    /// every time outside `Simulation.window`.
    static func orderIssues(_ events: [DecodedEvent], path: String) -> [EventIssue] {
        var issues: [EventIssue] = []
        var latest: DecodedEvent?
        for decoded in events {
            let at = decoded.event.at
            guard Simulation.window.contains(at) else {
                issues.append(EventIssue(path: path, line: decoded.line, severity: .error, field: "at",
                                         message: "\(Timestamp.format(at)) is outside the years the simulation "
                                             + "accepts (2000-01-01T00:00:00Z up to 2100-01-01T00:00:00Z)"))
                continue
            }
            if let latest, at < latest.event.at {
                issues.append(EventIssue(
                    path: path, line: decoded.line, severity: .error, field: "at",
                    message: "event \(quote(decoded.event.id)) at \(Timestamp.format(at)) is earlier than "
                        + "event \(quote(latest.event.id)) at \(Timestamp.format(latest.event.at)) on line "
                        + "\(latest.line): a simulation reads events in time order (sort the file by 'at')"))
                continue
            }
            latest = decoded
        }
        return issues
    }

    private static func quote(_ id: String) -> String { id.count > 40 ? "\"\(id.prefix(40))…\"" : "\"\(id)\"" }
}
