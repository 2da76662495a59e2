// The simulation driver: runs the engine over a stream of events on a
// virtual clock, with one timing wheel holding everything that waits for a
// time — the engine's timers (end of a quarantine hold, cadence steps),
// tasks due later (CALLBACK IN 15m, RETRY NEXT BUSINESS DAY) and the events
// of the outcome model (the answer to a dial a few minutes after it).
// `rules simulate`, `rules test` and later `rulesd` drive leads through it.
//
// Time only moves forward. `ingest(event)` first runs everything due at or
// before the event's time, in due order (ties in the order they were
// scheduled, so a timer due at the same millisecond as an event fires
// first, as `Replay` does for `rules eval`), then steps the event's lead.
// The clock jumps from one due entry to the next; an empty week costs
// nothing.
//
// The engine contract: a step's timer requests (set, cancel, cancelTasks,
// cancelTask) are applied before its tasks are added, so a CLOSE withdraws
// what earlier steps scheduled and keeps what its own step issues. A task
// with the id of one still pending replaces it (ids are deterministic: the
// same lead, rule and due time). Withdrawn tasks are never issued.
//
// Duplicates are found live: the first capture of a lead registers its
// phone and email in a `DuplicateIndex`, and a later lead with the same
// normalised phone or email is linked to the first (first capture wins, as
// `Replay.duplicateLinks`; leads captured at the same millisecond in the
// order ingested).
//
// Not thread-safe: one thread (or one actor) owns a simulation.

import RulesCompiler
import RulesEngine

/// A task as it came due.
public struct IssuedTask: Sendable, Hashable {
    public var task: LeadTask
    /// The virtual time it was issued at (its due time).
    public var issuedAt: Int64

    public init(task: LeadTask, issuedAt: Int64) {
        self.task = task
        self.issuedAt = issuedAt
    }
}

/// Counts kept while simulating.
public struct SimulationStatistics: Sendable, Hashable {
    /// Events ingested from the caller.
    public var events = 0
    /// Events made by the outcome model (call outcomes, deposits) and applied.
    public var generatedEvents = 0
    public var timersFired = 0
    /// Tasks issued, by kind.
    public var issued: [TaskKind: Int] = [:]
    /// Tasks withdrawn before they came due (cancelTasks, cancelTask).
    public var withdrawn = 0
    /// Tasks replaced by a task with the same id before they came due.
    public var replaced = 0
    /// The most entries (timers, tasks, outcome events) waiting at once.
    public var peakPending = 0

    public var issuedTotal: Int { issued.values.reduce(0, +) }

    public init() {}
}

/// Runs a playbook's engine over events on a virtual clock.
public final class Simulation {
    /// Event times accepted: 2000-01-01T00:00:00Z up to, not including,
    /// 2100-01-01T00:00:00Z. Anything outside is a typo or a unit mistake.
    public static let window: Range<Int64> = 946_684_800_000..<4_102_444_800_000
    static let windowDescription = "2000-01-01T00:00:00Z up to 2100-01-01T00:00:00Z"
    /// Inputs a lead may make for itself (timer firings and outcome-model
    /// events) before it is stopped as a runaway; as `Replay.timerLimit`.
    public static let defaultInputLimit = 100_000

    public let engine: Engine
    public let outcomes: OutcomeModel?
    public let seed: UInt64
    /// The simulation's time; it only moves forward.
    public let clock: VirtualClock
    /// Keep every step's explanation for `history(of:)`. Set it before the
    /// first input; turn it off for large runs (a million leads'
    /// explanations do not fit in memory).
    public var keepsHistory = true
    /// See `defaultInputLimit`; a campaign of 90 days needs a few hundred.
    public var inputLimit = Simulation.defaultInputLimit
    /// Called with every task as it comes due, in due order.
    public var onIssue: ((IssuedTask) -> Void)?
    public private(set) var statistics = SimulationStatistics()
    /// Leads stopped as runaways, in the order found.
    public private(set) var faults: [SimulationError] = []

    private var wheel: TimingWheel<WheelKey>
    private var leads = LeadTable()
    private var duplicates = DuplicateIndex()
    private var texts = TextInterner()

    /// `start`: the earliest time an event may have. `outcomes`: answer
    /// every dial issued with simulated call outcomes drawn with `seed`.
    public init(engine: Engine, start: Int64, outcomes: OutcomeModel? = nil, seed: UInt64 = 0) {
        self.engine = engine
        self.outcomes = outcomes
        self.seed = seed
        clock = VirtualClock(start: start)
        wheel = TimingWheel(start: start)
    }

    /// The simulation's present, ms since the epoch.
    public var now: Int64 { clock.now() }

    /// Leads seen so far.
    public var leadCount: Int { leads.count }

    /// Timers, tasks and outcome events waiting in the wheel.
    public var pendingCount: Int { wheel.count }

    /// Runs everything due up to the event's time, then applies the event.
    /// Throws, without applying it, when the event is earlier than `now`,
    /// outside `window`, or when running up to it stopped a runaway lead.
    public func ingest(_ event: Event) throws(SimulationError) {
        guard Self.window.contains(event.at) else {
            throw .outOfWindow(eventID: event.id, leadID: event.leadID, at: event.at)
        }
        let present = now
        guard event.at >= present else {
            throw .outOfOrder(eventID: event.id, leadID: event.leadID, at: event.at, now: present)
        }
        let known = faults.count
        run(until: event.at)
        if faults.count > known { throw faults[known] }
        statistics.events += 1
        let n = leads.number(creating: event.leadID)
        guard !leads[n].halted else { return }
        step(n, .event(event))
    }

    /// Fires timers, issues tasks and applies outcome events due at or
    /// before `time`, in due order; then the clock stands at `time` (or
    /// where it was, if that is later).
    public func run(until time: Int64) {
        while let (_, key, due) = wheel.popNext(upTo: time) {
            clock.advance(to: due)
            guard let entry = leads[key.lead].removeEntry(serial: key.serial) else { continue }
            fire(entry, lead: key.lead)
        }
        clock.advance(to: time)
    }

    /// The lead's state after its last step, nil for a lead never seen.
    public func state(of leadID: String) -> LeadState? {
        leads.number(of: leadID).flatMap { leads[$0].state }
    }

    /// The lead's tasks scheduled and not yet issued, by due time.
    public func pendingTasks(of leadID: String) -> [LeadTask] {
        guard let n = leads.number(of: leadID) else { return [] }
        return leads[n].pending.compactMap { entry -> (LeadTask, UInt32)? in
            if case .task(let t) = entry.work { return (t, entry.serial) }
            return nil
        }.sorted { a, b in a.0.due != b.0.due ? a.0.due < b.0.due : a.1 < b.1 }.map(\.0)
    }

    /// Every step of the lead in order: a heading line per input (time and
    /// what it was), then the engine's explanation; tasks issued and
    /// withdrawn. Empty when `keepsHistory` is off.
    public func history(of leadID: String) -> [ExplanationLine] {
        leads.number(of: leadID).map { leads[$0].history } ?? []
    }

    /// Calls `body` with every lead's state, in the order leads were first seen.
    public func forEachLead(_ body: (LeadState) -> Void) {
        leads.forEach { record in
            if let state = record.state { body(state) }
        }
    }

    // MARK: - Stepping

    private func fire(_ entry: PendingEntry, lead n: Int32) {
        switch entry.work {
        case .task(let task):
            statistics.issued[task.kind, default: 0] += 1
            if keepsHistory {
                note(n, "issued \(task.kind.rawValue) \(task.id)\(task.queue.map { " (\($0))" } ?? "")")
            }
            onIssue?(IssuedTask(task: task, issuedAt: now))
            if task.kind == .dial, let outcomes {
                for event in outcomes.answer(task, issuedAt: now, seed: seed) {
                    schedule(.generated(event), at: event.at, lead: n)
                }
            }
        case .timer(let timer):
            guard countSelfInput(n) else { return }
            statistics.timersFired += 1
            step(n, .timer(timer))
        case .generated(let event):
            // A first deposit happens once: a second interested call does not fund the account again.
            if event.type == OutcomeModel.depositEvent, leads[n].state?.events[event.type] != nil { return }
            guard countSelfInput(n) else { return }
            statistics.generatedEvents += 1
            step(n, .event(event))
        }
    }

    /// One engine step for lead `n`: timer requests first, then the new
    /// state, then the tasks (the engine contract).
    private func step(_ n: Int32, _ input: Input) {
        var state: LeadState?
        swap(&state, &leads[n].state)  // the engine gets the only copy: no copy-on-write of its storage
        var context = StepContext(explains: keepsHistory)
        if case .event(let event) = input, event.type == LeadHistory.creation, !(state?.captured ?? false) {
            context.duplicateOf = registerCapture(event)
        }
        let result = engine.step(consume state, input, context: context)
        if keepsHistory {
            leads[n].history.append(ExplanationLine(rule: nil, text: heading(input)))
            leads[n].history += result.explanation
        }
        apply(result.timers, lead: n)
        leads[n].state = result.state
        for task in result.tasks {
            if let old = removeTask(lead: n, where: { $0.id == task.id }).first {
                statistics.replaced += 1
                if keepsHistory { note(n, "replaced \(old.id) (same id, scheduled again)") }
            }
            schedule(.task(texts.intern(task)), at: task.due, lead: n)
        }
    }

    /// One campaign split over several simulations, one per core (leads
    /// partitioned by id; leads never see each other but for duplicates):
    /// each simulation registers the first capture of every lead the others
    /// run too, in the stream's order between its own `ingest`s, so that a
    /// duplicate is linked to the same primary as one simulation would link
    /// it (first capture wins). Nothing is stepped; the clock does not move.
    public func registerCapture(elsewhere capture: Event) {
        guard capture.type == LeadHistory.creation else { return }
        _ = registerCapture(capture)
    }

    /// The primary lead a new capture duplicates, registering its keys.
    private func registerCapture(_ capture: Event) -> String? {
        duplicates.register(capture: capture)?.primaryLeadID
    }

    /// A step's timer requests, for lead `n` (internal: tests send requests
    /// the shipped playbook does not make yet).
    func apply(_ requests: [TimerRequest], lead n: Int32) {
        for request in requests { apply(request, lead: n) }
    }

    /// `apply` for a lead by id; false for a lead never seen.
    func apply(_ requests: [TimerRequest], leadID: String) -> Bool {
        guard let n = leads.number(of: leadID) else { return false }
        apply(requests, lead: n)
        return true
    }

    private func apply(_ request: TimerRequest, lead n: Int32) {
        switch request {
        case .set(let firing):
            let m = firing.leadID == leads[n].id ? n : leads.number(creating: firing.leadID)
            removeTimer(lead: m, id: firing.id)
            schedule(.timer(firing), at: firing.due, lead: m)
        case .cancel(let id):
            removeTimer(lead: n, id: id)
        case .cancelTasks(let leadID, let kinds, let reason):
            guard let m = leadID == leads[n].id ? n : leads.number(of: leadID) else { return }
            withdraw(removeTask(lead: m) { kinds.contains($0.kind) }, lead: m, reason: reason)
        case .cancelTask(let id, let reason):
            withdraw(removeTask(lead: n) { $0.id == id }, lead: n, reason: reason)
        }
    }

    private func withdraw(_ tasks: [LeadTask], lead n: Int32, reason: String) {
        statistics.withdrawn += tasks.count
        guard keepsHistory else { return }
        for task in tasks { note(n, "withdrawn \(task.kind.rawValue) \(task.id): \(reason)") }
    }

    // MARK: - The wheel and the lead's index of it

    private func schedule(_ work: PendingWork, at due: Int64, lead n: Int32) {
        let serial = leads[n].nextSerial
        leads[n].nextSerial &+= 1
        let handle = wheel.schedule(WheelKey(lead: n, serial: serial), at: due)
        leads[n].pending.append(PendingEntry(serial: serial, handle: handle, work: work))
        statistics.peakPending = max(statistics.peakPending, wheel.count)
    }

    private func removeTimer(lead n: Int32, id: String) {
        leads[n].pending.removeAll { entry in
            guard case .timer(let t) = entry.work, t.id == id else { return false }
            wheel.cancel(entry.handle)
            return true
        }
    }

    /// Takes the lead's pending tasks matching `match` out of the wheel.
    private func removeTask(lead n: Int32, where match: (LeadTask) -> Bool) -> [LeadTask] {
        var removed: [LeadTask] = []
        leads[n].pending.removeAll { entry in
            guard case .task(let t) = entry.work, match(t) else { return false }
            wheel.cancel(entry.handle)
            removed.append(t)
            return true
        }
        return removed
    }

    /// Counts an input the lead made for itself; past the limit the lead is
    /// stopped, its pending work dropped, and the fault recorded.
    private func countSelfInput(_ n: Int32) -> Bool {
        leads[n].selfInputs += 1
        guard leads[n].selfInputs > inputLimit else { return true }
        for entry in leads[n].pending { wheel.cancel(entry.handle) }
        leads[n].pending = []
        leads[n].halted = true
        faults.append(.runaway(leadID: leads[n].id, limit: inputLimit, at: now))
        return false
    }

    // MARK: - History

    private func note(_ n: Int32, _ text: String) {
        leads[n].history.append(ExplanationLine(rule: nil, text: "\(Timestamp.format(now)) \(text)"))
    }

    private func heading(_ input: Input) -> String {
        switch input {
        case .event(let e): "\(Timestamp.format(e.at)) event \(e.type) (\(e.id))"
        case .timer(let t): "\(Timestamp.format(t.due)) timer \(t.purpose) (\(t.id))"
        }
    }
}
