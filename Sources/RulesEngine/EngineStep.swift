// One step of the engine in progress: the state being changed, the tasks
// drafted so far (not yet guarded or timed), the timers, the explanation.
// The order is docs/LANGUAGE.md §9: record, score, tier and route,
// triggers, guard, schedule. `Engine.step` makes one, feeds it the input
// and calls `finish`.

import RulesCompiler

/// The lines of a step's explanation (see `Step.explain`).
final class ExplanationSink {
    var lines: [ExplanationLine] = []
}

/// A task before the guards. `origin` is the action list that drafted it:
/// a CLOSE keeps the tasks of its own list and drops the others.
/// The name-keyed part of a step's facts (fields and event counters), kept
/// with the dictionaries it was built from: rebuilding it hashed every field
/// and event name 2-4 times a step. The dictionaries change only at capture
/// and record, before the first evaluation; comparing them is a pointer
/// comparison while they share storage.
final class FactsCache {
    private var fields: [String: Value]?
    private var events: [String: EventStats]?
    private var base: LeadFacts?

    func facts(fields: [String: Value], events: [String: EventStats], layout: FactLayout) throws(FactsError) -> LeadFacts {
        if let base, self.fields == fields, self.events == events { return base }
        let built = try LeadFacts(fields: fields, events: events, layout: layout)
        (self.fields, self.events, base) = (fields, events, built)
        return built
    }

    private var pointsByIndex: ContiguousArray<Double> = []
    private var pointsByName: [String: Double] = [:]

    /// Points by category name; a step's evaluations mostly agree, so the
    /// dictionary is built once and shared while they do.
    func points(_ byIndex: ContiguousArray<Double>, categories: [CompiledCategory]) -> [String: Double] {
        if byIndex == pointsByIndex, !pointsByName.isEmpty || byIndex.isEmpty { return pointsByName }
        var byName: [String: Double] = [:]
        for (i, category) in categories.enumerated() where i < byIndex.count {
            byName[category.name] = byIndex[i]
        }
        (pointsByIndex, pointsByName) = (byIndex, byName)
        return byName
    }
}

struct DraftTask {
    var task: LeadTask
    var origin: Int
    /// Tells apart two tasks of one rule line with the same kind and due.
    var discriminator: String
    /// What the task stands for when a later input re-plans (kept in `PendingTask`).
    var role: PendingTask.Role?
}

struct Step {
    let engine: Engine
    var state: LeadState
    /// The input's time: an event's `at`, a timer's `due`.
    let now: Int64
    var drafts: [DraftTask] = []
    var timers: [TimerRequest] = []
    /// A box, so `explain` need not be `mutating` and its lazy text may
    /// read the step (no overlapping access); nil when not explaining.
    private let explanation: ExplanationSink?
    /// The facts of the state's fields and counters, built once and reused
    /// by the step's later evaluations (a box: `evaluate` is not mutating).
    private let factsCache = FactsCache()
    private var origins = 0
    /// The action list that closed the lead during this step.
    var closedBy: Int?
    /// Set by ESCALATE TO: the tier is entered again after the triggers.
    var reenter = false
    /// Set by RELEASE: the tier is entered again, and its dial issued even
    /// if the tier did not change.
    var reenterForced = false

    var compiled: CompiledProgram { engine.compiled }
    init(engine: Engine, state: consuming LeadState, now: Int64, explains: Bool = true) {
        self.engine = engine
        self.state = state
        self.now = now
        explanation = explains ? ExplanationSink() : nil
    }

    /// The text is built only when the driver keeps explanations
    /// (`StepContext.explains`): most of a simulated step's cost was
    /// formatting lines nobody read.
    func explain(_ rule: @autoclosure () -> String?, _ text: @autoclosure () -> String) {
        explanation?.lines.append(ExplanationLine(rule: rule(), text: text()))
    }

    func explain(_ rule: SourceRef, _ text: @autoclosure () -> String) {
        explanation?.lines.append(ExplanationLine(rule: rule.description, text: text()))
    }

    var explains: Bool { explanation != nil }

    /// A new action-list identity for `DraftTask.origin`.
    mutating func newOrigin() -> Int {
        origins += 1
        return origins
    }

    // MARK: - Inputs

    mutating func handle(_ event: Event, context: StepContext) {
        let original = state
        guard compiled.layout.event(event.type) != nil else {
            explain(nil, "unknown event type '\(event.type)': not applied")
            return
        }
        forgetDelivered()
        record(event)
        let firstCapture = event.type == BuiltinEvent.leadCreated && !state.captured
        if event.type == BuiltinEvent.leadCreated { capture(event, context: context) }
        if event.type == BuiltinEvent.optOut { applyOptOut(event) }
        if event.type == BuiltinEvent.callOutcome && state.captured {
            state.attempts += 1
            let attempt = state.attempts
            explain(nil, "call attempt \(attempt) reported")
        }
        guard state.captured else {
            explain(nil, "'\(event.type)' counted; rules run once lead_created arrives")
            return
        }
        guard state.status != .closed else {
            explain(nil, "lead is closed: '\(event.type)' counted, no rule runs")
            return
        }
        do throws(FactsError) {
            try runRules(for: event, firstCapture: firstCapture)
        } catch {
            state = original
            drafts = []
            timers = []
            explain(nil, "input not applied: \(error)")
        }
    }

    private mutating func runRules(for event: Event, firstCapture: Bool) throws(FactsError) {
        let handled = HandledEvent(type: event.type, payload: event.data)
        var (facts, evaluation) = try evaluate(handled)
        summarize(evaluation, explain: true)
        updateCadence(facts, evaluation)
        if firstCapture, let q = quarantineHolding(facts, evaluation) {
            enterQuarantine(q, evaluation)
        } else if graduates(on: event.type) {
            graduate(event.type, evaluation)
            (facts, evaluation) = try evaluate(handled)
            enterTier(facts, evaluation, force: true)
        } else {
            enterTier(facts, evaluation, force: false)
        }
        (facts, evaluation) = try evaluate(handled)
        runTriggers(event, facts, evaluation)
        if reenter || reenterForced {
            (facts, evaluation) = try evaluate(handled)
            summarize(evaluation, explain: false)
            enterTier(facts, evaluation, force: reenterForced)
        }
    }

    mutating func handle(_ timer: TimerFiring) {
        forgetDelivered()
        guard state.status != .closed else {
            explain(nil, "timer '\(timer.purpose)': lead is closed, nothing to do")
            return
        }
        do throws(FactsError) {
            switch timer.purpose {
            case TimerPurpose.quarantineEnd: try endHold(timer)
            case TimerPurpose.quarantineNurtureEnd: try endEmailOnly(timer)
            case TimerPurpose.cadenceCall: try callTimer(timer)
            case TimerPurpose.cadenceMessage: try messageTimer(timer)
            case TimerPurpose.cadenceWindow: try crossWindow(timer)
            default: explain(nil, "timer purpose '\(timer.purpose)' unknown: ignored")
            }
        } catch {
            explain(nil, "timer not applied: \(error)")
        }
    }

    // MARK: - Record

    /// Step 1: count the event and stamp its first and last times.
    private mutating func record(_ event: Event) {
        if var stats = state.events[event.type] {
            stats.count += 1
            stats.first = min(stats.first, event.at)
            stats.last = max(stats.last, event.at)
            state.events[event.type] = stats
        } else {
            state.events[event.type] = EventStats(count: 1, first: event.at, last: event.at)
        }
    }

    /// Tasks due before this input have been delivered by now: an opt-out can
    /// no longer withdraw them.
    mutating func forgetDelivered() {
        let now = self.now
        guard state.pendingTasks.contains(where: { $0.due < now }) else { return }
        state.pendingTasks.removeAll { $0.due < now }
    }

    // MARK: - Evaluate

    /// The lead's facts as the state has them now, and their score, tier and route.
    func evaluate(_ event: HandledEvent?) throws(FactsError) -> (LeadFacts, Evaluation) {
        let layout = compiled.layout
        // Tiers first: an unknown tier is reported before a bad field, as `LeadFacts.init(_:for:)` does.
        let tier = try layout.tierIndex(state.tier)
        let escalatedTier = try layout.tierIndex(state.escalatedTier)
        var facts = try factsCache.facts(fields: state.fields, events: state.events, layout: layout)
        try facts.update(status: state.status, tier: tier, escalatedTier: escalatedTier, attempts: state.attempts,
                         now: now, event: event, layout: layout)
        return (facts, compiled.evaluate(facts))
    }

    /// Keeps the evaluation in the state (`lastEvaluation`) and says what it found.
    mutating func summarize(_ e: Evaluation, explain say: Bool) {
        let points = factsCache.points(e.points, categories: compiled.categories)
        let tier = e.tierIndex.map { compiled.tiers[$0] }
        let route = e.routeIndex.map { compiled.routes[$0].definition }
        let layout = compiled.layout
        state.lastEvaluation = EvaluationSummary(
            score: e.score, points: points, tier: tier?.name, tierRule: e.tierIndex.map { layout.tierRules[$0] },
            route: e.routeIndex.map { layout.routeTargets[$0] }, routeRule: e.routeIndex.map { layout.routeRules[$0] })
        guard say, explains else { return }
        let parts = compiled.categories.map { c in "\(c.name) \(Format.number(points[c.name] ?? 0))/\(Format.number(c.max))" }
        explain(nil, "score \(Format.number(e.score)) (\(parts.joined(separator: ", ")))")
        if let tier { explain(tier.definition.source, "tier \(tier.name)") }
        if let route { explain(route.source, "route \(route.queue)") }
    }

    // MARK: - Finish

    /// Steps 5 and 6: guard and time every draft, give it its id, and
    /// return the result.
    consuming func finish() -> StepResult {
        planCadence()
        var issued: [(draft: DraftTask, task: LeadTask)] = []
        for draft in drafts {
            guard let task = guarded(draft) else { continue }
            issued.append((draft, task))
        }
        coverTierDial(&issued)
        supersedePendingTierDials(issued)
        let tasks = issued.map(\.task)
        for (draft, task) in issued {
            state.pendingTasks.append(PendingTask(id: task.id, kind: task.kind, due: task.due, role: draft.role,
                                                 deadline: task.deadline))
            if task.kind == .dial, let queue = task.queue {
                state.lastDial = DialTarget(queue: queue, priority: task.priority, dialMode: task.dialMode)
            }
        }
        reanchorCadenceCalls(after: tasks, roles: issued.map(\.draft.role))
        var unique: [TimerRequest] = []
        for t in timers where !unique.contains(t) { unique.append(t) }
        return StepResult(state: state, tasks: tasks, timers: unique, explanation: explanation?.lines ?? [])
    }
}

/// The events with built-in effects (see Engine.swift).
enum BuiltinEvent {
    static let leadCreated = "lead_created"
    static let callOutcome = "call_outcome"
    static let optOut = "opt_out"
}

extension DialTarget {
    init(route: RouteDefinition) {
        self.init(queue: route.queue, priority: route.priorityName?.uppercased(), dialMode: route.dialMode?.lowercased())
    }
}

/// Numbers and durations as the explanations print them.
enum Format {
    static func number(_ n: Double) -> String {
        n.isNaN ? "?" : (n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n))
    }

    /// `60s`, `15m`, `2h`, `7d`: the largest unit that divides it exactly.
    static func duration(_ ms: Int64) -> String {
        if ms > 0 && ms < 120_000 && ms % 1000 == 0 { return "\(ms / 1000)s" }
        let units: [(Int64, String)] = [(86_400_000, "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s")]
        for (size, unit) in units where ms != 0 && ms % size == 0 { return "\(ms / size)\(unit)" }
        return "\(ms)ms"
    }
}
