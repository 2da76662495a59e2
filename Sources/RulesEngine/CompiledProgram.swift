// A checked Program made executable: every expression of every rule
// lowered to closures over slots (CompiledCode.swift), the slot table that
// lays out `LeadFacts`, and the closures of the per-lead evaluation in the
// shapes the evaluator runs them: score rows in one flat array in scoring
// order, tier and route conditions also chained (CompiledChains.swift).
// Immutable and Sendable: one instance serves every thread, and a reload
// builds a new one.

import RulesCompiler
import RulesLanguage

/// A score category with its compiled rows.
public struct CompiledCategory: Sendable {
    public struct Row: Sendable {
        public let condition: CompiledCondition
        /// The row's points as written: a constant, a TABLE, or an expression.
        public let points: ScoreCategory.Points
        public let source: SourceRef
    }
    public let name: String
    public let max: Double
    public let rows: [Row]
    public let source: SourceRef
}

public struct CompiledTier: Sendable {
    public let definition: TierDefinition
    public let condition: CompiledCondition
    public var name: String { definition.name }
}

public struct CompiledRoute: Sendable {
    public let definition: RouteDefinition
    public let condition: CompiledCondition
    /// The parts of the condition's top-level AND chain, for "why not".
    public let conjuncts: [CompiledCondition]
}

/// An action with its expressions compiled (the engine's step function
/// reads them).
public struct CompiledAction: Sendable {
    public let definition: ActionDefinition
    /// The delay of `IN d` (DURATION) or the time of `AT t` (TIME).
    public let timing: CompiledExpression?
    /// `EMAIL … EVERY d`.
    public let every: CompiledExpression?
    /// `HANDOFF … WITHIN d`.
    public let within: CompiledExpression?
    /// `BLOCK expr`: the channel as a STRING.
    public let channel: CompiledExpression?
}

public struct CompiledTrigger: Sendable {
    public let definition: TriggerDefinition
    public let event: EventSlot?
    public let condition: CompiledCondition?
    public let actions: [CompiledAction]
}

public struct CompiledCadence: Sendable {
    public let definition: CadenceDefinition
    public let condition: CompiledCondition?
    public let exitConditions: [CompiledCondition]
    public let triggers: [CompiledTrigger]
    /// `SequenceProgress.key` of each message sequence, made once: every
    /// lead's `cadenceSequences` then shares these strings' storage, and a
    /// step formats none.
    public let sequenceKeys: [String]

    init(definition: CadenceDefinition, condition: CompiledCondition?, exitConditions: [CompiledCondition],
         triggers: [CompiledTrigger]) {
        self.definition = definition
        self.condition = condition
        self.exitConditions = exitConditions
        self.triggers = triggers
        sequenceKeys = definition.sequences.indices.map { SequenceProgress.key(cadence: definition.name, index: $0) }
    }
}

public struct CompiledQuarantine: Sendable {
    public let definition: QuarantineDefinition
    public let condition: CompiledCondition
    public let releaseConditions: [CompiledCondition]
}

public struct CompiledDisposition: Sendable {
    public let definition: DispositionDefinition
    public let actions: [CompiledAction]
}

/// A score row as evaluation runs it.
struct HotRow: Sendable {
    let condition: TruthCode
    /// True when the points are the constant `points`, else `pointsCode`
    /// computes them (NaN when missing).
    let constant: Bool
    let points: Double
    let pointsCode: NumberCode

    init(condition: @escaping TruthCode, points: Double) {
        self.condition = condition
        constant = true
        self.points = points
        pointsCode = { _, _ in points }
    }

    init(condition: @escaping TruthCode, pointsCode: @escaping NumberCode) {
        self.condition = condition
        constant = false
        points = .nan
        self.pointsCode = pointsCode
    }
}

/// A category as evaluation runs it: its rows are `hotRows[start..<end]`, in scoring order.
struct HotCategory: Sendable {
    let index: Int
    let max: Double
    let start: Int
    let end: Int
}

/// The executable form of a `Program`.
public final class CompiledProgram: Sendable {
    public let program: Program
    /// Where each fact of a lead lives (`LeadFacts` are built against it).
    public let layout: FactLayout
    /// In declaration order (the order of `Evaluation.points`).
    public let categories: [CompiledCategory]
    public let tiers: [CompiledTier]
    public let routes: [CompiledRoute]
    public let triggers: [CompiledTrigger]
    public let cadences: [CompiledCadence]
    public let quarantines: [CompiledQuarantine]
    public let dispositions: [String: CompiledDisposition]
    /// The highest possible `lead_score`.
    public let sumOfCaps: Double

    let hotCategories: ContiguousArray<HotCategory>
    let hotRows: ContiguousArray<HotRow>
    /// The fast path's tier and route choice.
    let tierChain: ChoiceCode
    let routeChain: ChoiceCode
    let expressions: [NodeID: CompiledExpression]

    public init(program: Program) {
        self.program = program
        let lowering = Lowering(program: program)
        categories = program.categories.map { Self.category($0, lowering) }
        tiers = program.tiers.map { CompiledTier(definition: $0, condition: lowering.condition($0.condition, event: nil)) }
        routes = program.routes.map { route in
            CompiledRoute(definition: route, condition: lowering.condition(route.condition, event: nil),
                          conjuncts: Self.conjuncts(route.condition).map { lowering.condition($0, event: nil) })
        }
        triggers = program.triggers.map { Self.trigger($0, lowering) }
        cadences = program.cadences.map { c in
            CompiledCadence(definition: c, condition: c.condition.map { lowering.condition($0, event: nil) },
                            exitConditions: c.exitConditions.map { lowering.condition($0, event: nil) },
                            triggers: c.triggers.map { Self.trigger($0, lowering) })
        }
        quarantines = program.quarantines.map { q in
            CompiledQuarantine(definition: q, condition: lowering.condition(q.condition, event: nil),
                               releaseConditions: q.releaseConditions.map { lowering.condition($0, event: nil) })
        }
        dispositions = program.dispositions.mapValues { d in
            CompiledDisposition(definition: d, actions: d.actions.map { Self.action($0, event: "call_outcome", lowering) })
        }
        sumOfCaps = Scoring.sumOfCaps(program)
        (hotCategories, hotRows) = Self.hot(program, lowering)
        tierChain = Chains.firstHolding(tiers.map(\.condition))
        routeChain = Chains.firstHolding(routes.map(\.condition))
        var expressions: [NodeID: CompiledExpression] = [:]
        for (e, event) in ProgramExpressions.all(program) { expressions[e.id] = lowering.expression(e, event: event) }
        self.expressions = expressions
        // Last: lowering may have added derived slots and kept texts.
        layout = lowering.layout.freeze()
    }

    /// The compiled form of a top-level expression of the program: a
    /// condition, a row's points, a timing or other action value. Nil for
    /// sub-expressions and for expressions of other programs.
    public func expression(_ e: Expr) -> CompiledExpression? { expressions[e.id] }

    private static func category(_ c: ScoreCategory, _ lowering: Lowering) -> CompiledCategory {
        CompiledCategory(name: c.name, max: c.max, rows: c.rows.map { row in
            CompiledCategory.Row(condition: lowering.condition(row.condition, event: nil), points: row.points,
                                 source: row.source)
        }, source: c.source)
    }

    private static func hot(_ program: Program, _ lowering: Lowering)
        -> (ContiguousArray<HotCategory>, ContiguousArray<HotRow>) {
        var categories = ContiguousArray<HotCategory>(), rows = ContiguousArray<HotRow>()
        for index in Scoring.order(program) {
            let c = program.categories[index]
            let start = rows.count
            for row in c.rows {
                let condition = lowering.condition(row.condition, event: nil).code
                switch row.points {
                case .constant(let n):
                    rows.append(HotRow(condition: condition, points: n))
                case .table(let name):
                    let code: NumberCode
                    if let lookup = lowering.lookupTable(name, encode: Lowering.number, missing: Double.nan) {
                        code = { f, _ in lookup(f) }
                    } else {
                        code = { _, _ in .nan }
                    }
                    rows.append(HotRow(condition: condition, pointsCode: code))
                case .expression(let e):
                    rows.append(HotRow(condition: condition, pointsCode: lowering.number(e).code))
                }
            }
            categories.append(HotCategory(index: index, max: c.max, start: start, end: rows.count))
        }
        return (categories, rows)
    }

    private static func trigger(_ t: TriggerDefinition, _ lowering: Lowering) -> CompiledTrigger {
        CompiledTrigger(definition: t, event: lowering.layout.events[t.event].map { EventSlot(index: Int32($0)) },
                        condition: t.condition.map { lowering.condition($0, event: t.event) },
                        actions: t.actions.map { action($0, event: t.event, lowering) })
    }

    private static func action(_ a: ActionDefinition, event: String, _ lowering: Lowering) -> CompiledAction {
        func compile(_ e: Expr?) -> CompiledExpression? { e.map { lowering.expression($0, event: event) } }
        func timing(_ t: Timing?) -> CompiledExpression? {
            switch t?.kind {
            case .after(let e)?, .at(let e)?: compile(e)
            default: nil
            }
        }
        switch a.action.kind {
        case .callback(let t, _, _):
            return CompiledAction(definition: a, timing: timing(t), every: nil, within: nil, channel: nil)
        case .retry(let t):
            return CompiledAction(definition: a, timing: timing(t), every: nil, within: nil, channel: nil)
        case .email(_, let every, let t):
            return CompiledAction(definition: a, timing: timing(t), every: compile(every), within: nil, channel: nil)
        case .sms(_, let t):
            return CompiledAction(definition: a, timing: timing(t), every: nil, within: nil, channel: nil)
        case .handoff(_, let within):
            return CompiledAction(definition: a, timing: nil, every: nil, within: compile(within), channel: nil)
        case .block(.expr(let e), _):
            return CompiledAction(definition: a, timing: nil, every: nil, within: nil, channel: compile(e))
        default:
            return CompiledAction(definition: a, timing: nil, every: nil, within: nil, channel: nil)
        }
    }

    /// The parts of a top-level AND chain, left to right.
    static func conjuncts(_ e: Expr) -> [Expr] {
        if case .binary(.and, let l, let r) = e.kind { return conjuncts(l) + conjuncts(r) }
        return [e]
    }
}
