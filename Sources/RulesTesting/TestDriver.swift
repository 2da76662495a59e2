// What the runner needs from the thing that plays a test's events through
// the engine on a virtual clock: the scheduler's `Simulation` (the same
// driver `rules simulate` and `rulesd` use), seen through this protocol so
// the runner's comparisons do not depend on how the driver is built.

import RulesEngine
import Scheduler

/// A task and when it was handed to the floor: the scheduler's own record.
public typealias IssuedTestTask = IssuedTask

/// Why the driver refused an event.
public struct DriverError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Runs one test's leads through the engine in virtual time.
public protocol TestDriver: AnyObject {
    /// Runs up to the event's time, then applies it.
    func ingest(_ event: Event) throws(DriverError)
    /// Fires timers and issues tasks due at or before `time`.
    func run(until time: Int64)
    func state(of leadID: String) -> LeadState?
    /// Scheduled, not yet issued.
    func pendingTasks(of leadID: String) -> [LeadTask]
    /// Every step's explanation, in order.
    func history(of leadID: String) -> [ExplanationLine]
    /// Every task issued so far, in issue order.
    var issued: [IssuedTestTask] { get }
}

/// Makes a fresh driver for one test.
public typealias TestDriverFactory = @Sendable (_ engine: Engine, _ start: Int64) -> any TestDriver
