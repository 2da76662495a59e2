// `TestDriver` on the scheduler's `Simulation`: the driver `rules simulate`
// (and later `rulesd`) runs, so a test exercises the same timing wheel,
// virtual clock, duplicate index and ordering rules as production. The
// tests keep every issued task (a test has a handful of leads) and the
// history, which the failure output quotes.

import RulesEngine
import Scheduler

final class SimulationDriver: TestDriver {
    private let simulation: Simulation
    private(set) var issued: [IssuedTestTask] = []

    init(engine: Engine, start: Int64) {
        simulation = Simulation(engine: engine, start: start)
        simulation.keepsHistory = true
        simulation.onIssue = { [unowned self] task in issued.append(task) }
    }

    func ingest(_ event: Event) throws(DriverError) {
        do {
            try simulation.ingest(event)
        } catch {
            throw DriverError(error.description)
        }
    }

    func run(until time: Int64) { simulation.run(until: time) }
    func state(of leadID: String) -> LeadState? { simulation.state(of: leadID) }
    func pendingTasks(of leadID: String) -> [LeadTask] { simulation.pendingTasks(of: leadID) }
    func history(of leadID: String) -> [ExplanationLine] { simulation.history(of: leadID) }
}
