// A minimal driver for `TestDriver` until the scheduler's `Simulation`
// lands on main; it is replaced by `SimulationDriver` then. It follows the
// engine contract (Engine.swift, LeadTask.swift): a step's timer requests
// are applied before its tasks are added; tasks due later are held and
// issued when due; timers fire in (due, id) order; a timer and a held task
// due at the same time: the task is issued first (it was decided earlier).

import RulesEngine

final class InterimDriver: TestDriver {
    let engine: Engine
    private(set) var now: Int64
    private var states: [String: LeadState] = [:]
    private var timers: [TimerFiring] = []
    private var held: [LeadTask] = []
    private var histories: [String: [ExplanationLine]] = [:]
    private var duplicates = DuplicateIndex()
    private(set) var issued: [IssuedTestTask] = []

    init(engine: Engine, start: Int64) {
        self.engine = engine
        self.now = start
    }

    func ingest(_ event: Event) throws(DriverError) {
        guard event.at >= now else {
            throw DriverError("event at \(Timestamp.format(event.at)) is before the clock (\(Timestamp.format(now)))")
        }
        run(until: event.at)
        var context = StepContext()
        if event.type == "lead_created", states[event.leadID]?.captured != true {
            context.duplicateOf = duplicates.register(leadID: event.leadID, email: text(event, "email"),
                                                      phone: phone(event))?.primaryLeadID
        }
        apply(engine.step(states[event.leadID], .event(event), context: context), leadID: event.leadID)
    }

    func run(until time: Int64) {
        while true {
            let task = held.indices.min { (held[$0].due, held[$0].id) < (held[$1].due, held[$1].id) }
            let timer = timers.indices.min { (timers[$0].due, timers[$0].id) < (timers[$1].due, timers[$1].id) }
            if let t = task, held[t].due <= time, timer.map({ held[t].due <= timers[$0].due }) ?? true {
                let next = held.remove(at: t)
                now = max(now, next.due)
                issued.append(IssuedTestTask(task: next, issuedAt: now))
            } else if let f = timer, timers[f].due <= time {
                let firing = timers.remove(at: f)
                now = max(now, firing.due)
                apply(engine.step(states[firing.leadID], .timer(firing)), leadID: firing.leadID)
            } else {
                break
            }
        }
        now = max(now, time)
    }

    func state(of leadID: String) -> LeadState? { states[leadID] }

    func pendingTasks(of leadID: String) -> [LeadTask] {
        held.filter { $0.leadID == leadID }.sorted { ($0.due, $0.id) < ($1.due, $1.id) }
    }

    func history(of leadID: String) -> [ExplanationLine] { histories[leadID] ?? [] }

    private func apply(_ result: StepResult, leadID: String) {
        for request in result.timers {
            switch request {
            case .set(let firing):
                timers.removeAll { $0.id == firing.id }
                timers.append(firing)
            case .cancel(let id):
                timers.removeAll { $0.id == id }
            case .cancelTasks(let lead, let kinds, _):
                held.removeAll { $0.leadID == lead && kinds.contains($0.kind) }
            case .cancelTask(let id, _):
                held.removeAll { $0.id == id }
            }
        }
        states[leadID] = result.state
        histories[leadID, default: []].append(contentsOf: result.explanation)
        for task in result.tasks.sorted(by: { ($0.due, $0.id) < ($1.due, $1.id) }) {
            if task.due <= now {
                issued.append(IssuedTestTask(task: task, issuedAt: now))
            } else {
                held.removeAll { $0.id == task.id }
                held.append(task)
            }
        }
    }

    private func text(_ event: Event, _ key: String) -> String? {
        if case .string(let s)? = event.data[key] { return s }
        return nil
    }

    private func phone(_ event: Event) -> E164? {
        guard let raw = text(event, "phone"),
              case .success(let number) = PhoneNumber.normalize(raw: raw, country: text(event, "country")) else { return nil }
        return number
    }
}
