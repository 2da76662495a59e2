// Why a simulation refused an input or stopped a lead. The simulation knows
// events, not files: callers that read a file add the path and line
// (`rules simulate` names both lines of an out-of-order pair).

import RulesEngine

/// A fault of the input stream, or of the playbook, found while simulating.
public enum SimulationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The event happened before the simulation's present: the stream is not
    /// in time order (or `run(until:)` already went past it).
    case outOfOrder(eventID: String, leadID: String, at: Int64, now: Int64)
    /// The event's time is outside `Simulation.window`: a date typed wrong,
    /// a time in seconds read as milliseconds, a placeholder like 1970 or 9999.
    case outOfWindow(eventID: String, leadID: String, at: Int64)
    /// One lead fed itself more than `Simulation.inputLimit` inputs (timer
    /// firings and events of the outcome model): timers that keep setting
    /// each other. The lead was stopped at `at`; its pending work dropped.
    case runaway(leadID: String, limit: Int, at: Int64)

    public var description: String {
        switch self {
        case let .outOfOrder(eventID, leadID, at, now):
            "event \(Self.quote(eventID)) of lead \(Self.quote(leadID)) at \(Timestamp.format(at)) is earlier than "
                + "the simulation's now \(Timestamp.format(now)): events must come in time order"
        case let .outOfWindow(eventID, leadID, at):
            "event \(Self.quote(eventID)) of lead \(Self.quote(leadID)) at \(Timestamp.format(at)) is outside "
                + "the years the simulation accepts (\(Simulation.windowDescription))"
        case let .runaway(leadID, limit, at):
            "lead \(Self.quote(leadID)) made more than \(limit) inputs for itself (timer firings and simulated "
                + "outcomes) by \(Timestamp.format(at)): timers that keep setting each other; the lead was stopped"
        }
    }

    /// A name in double quotes, cut to 60 characters so a huge id cannot flood the terminal.
    static func quote(_ text: String) -> String {
        text.count > 60 ? "\"\(text.prefix(60))…\"" : "\"\(text)\""
    }
}
