// The engine: one pure function from a lead's state and one input to the
// lead's next state, the tasks to issue, the timers to set or cancel and an
// explanation (docs/LANGUAGE.md §9). No clock, no I/O, no globals (but the
// memo of the tz database in ZoneOffsets.swift, which changes no answer):
// `now` is the input's own time (an event's `at`, a timer's `due`), so the same
// program, state and input always give the same result, and `rulesd`,
// `rules simulate`, `rules eval` and `rules test` all share this one copy of
// the semantics.
//
// Choices the language reference leaves to the engine:
//
// - Events before `lead_created` (out of order, or a lead captured
//   elsewhere) create a bare, uncaptured state: the event is counted, no
//   rule runs. When `lead_created` comes, the counts are already there.
// - `lead_created`, `call_outcome` and `opt_out` have built-in effects on
//   top of the rules: capture and enrichment; one more dial attempt;
//   consent withdrawn at once, with pending tasks of that channel cancelled
//   (whatever the rules say).
// - A closed lead still has its events counted and its consent updated
//   (an opt-out still cancels pending tasks), but no rule runs for it.
// - Timers and task cancellations of a step apply before its tasks are
//   added, so a CLOSE cancels the tasks of earlier steps and keeps those of
//   its own action list.

import Foundation
import RulesCompiler

/// One line of a step's explanation: what happened and the rule behind it.
public struct ExplanationLine: Sendable, Hashable, CustomStringConvertible {
    /// `file:line` of the rule, nil for the engine's own steps (capture,
    /// consent, guards without a rule).
    public var rule: String?
    public var text: String
    public init(rule: String?, text: String) {
        self.rule = rule
        self.text = text
    }
    public var description: String { rule.map { "\($0): \(text)" } ?? text }
}

/// What one step yields.
public struct StepResult: Sendable, Hashable {
    public var state: LeadState
    /// Guarded, timed and with their ids: ready to deliver.
    public var tasks: [LeadTask]
    /// To apply before the tasks are added (see the file comment).
    public var timers: [TimerRequest]
    public var explanation: [ExplanationLine]
}

/// What the driver knows that a single lead cannot: facts across leads.
public struct StepContext: Sendable, Hashable {
    /// The lead this one duplicates, from the driver's `DuplicateIndex`
    /// (same normalised phone or email): it is linked and never dialled.
    public var duplicateOf: String?
    /// False when the driver drops `StepResult.explanation` (a large
    /// simulation without history): the step then leaves it empty and
    /// spends nothing on it. Tasks, timers and state are the same either way.
    public var explains: Bool
    public init(duplicateOf: String? = nil, explains: Bool = true) {
        self.duplicateOf = duplicateOf
        self.explains = explains
    }
}

/// Timer purposes the engine sets and understands.
public enum TimerPurpose {
    /// The end of a quarantine hold.
    public static let quarantineEnd = "quarantine_end"
    /// The end of a quarantine's email-only nurture.
    public static let quarantineNurtureEnd = "quarantine_nurture_end"
}

/// A compiled playbook ready to run leads through.
public struct Engine: Sendable {
    public let compiled: CompiledProgram
    public var program: Program { compiled.program }
    /// Calling hours, business days and holidays.
    public let calendar: CallingCalendar
    /// What each cadence's plan depends on, fingerprinted (`reevaluate`).
    let planKeys: CadencePlanKeys

    /// `holidays`: the calendar of the playbook's HOLIDAYS file, as
    /// `LoadedPlaybook.load` read it (the engine does no I/O):
    ///
    ///     let playbook = try LoadedPlaybook.load(directory: "rules")
    ///     if let program = playbook.program { Engine(program: program, holidays: playbook.holidays) }
    public init(program: Program, holidays: HolidayCalendar = .none) {
        self.init(compiled: CompiledProgram(program: program), holidays: holidays)
    }

    public init(compiled: CompiledProgram, holidays: HolidayCalendar = .none) {
        self.compiled = compiled
        calendar = CallingCalendar(program: compiled.program, holidays: holidays)
        planKeys = CadencePlanKeys(program: compiled.program, calendar: calendar)
    }

    /// Holidays of every country only (no per-country calendar).
    public init(program: Program, holidays: Set<LocalDate>) {
        self.init(program: program, holidays: HolidayCalendar(everywhere: holidays))
    }

    /// Holidays of every country only (no per-country calendar).
    public init(compiled: CompiledProgram, holidays: Set<LocalDate>) {
        self.init(compiled: compiled, holidays: HolidayCalendar(everywhere: holidays))
    }

    /// Applies one input to a lead. `state` is nil for a lead never seen.
    /// The state is consumed: a driver that hands over its only copy
    /// (`step(consume state, …)`) spares the step a copy of every buffer.
    public func step(_ state: consuming LeadState?, _ input: Input, context: StepContext = StepContext()) -> StepResult {
        switch input {
        case .event(let event):
            var step = Step(engine: self, state: (consume state) ?? LeadState(id: event.leadID), now: event.at,
                            explains: context.explains)
            step.handle(event, context: context)
            return step.finish()
        case .timer(let timer):
            let seen = state != nil
            var step = Step(engine: self, state: (consume state) ?? LeadState(id: timer.leadID), now: timer.due,
                            explains: context.explains)
            if !seen {
                step.explain(nil, "timer '\(timer.purpose)' for a lead never seen: ignored")
                return step.finish()
            }
            step.handle(timer)
            return step.finish()
        }
    }

    /// The IANA zone a lead's local times are counted in; UTC when unknown.
    func zone(of state: LeadState) -> TimeZone {
        guard let name = state.timeZone else { return Self.utc }
        // The zone kept with its offset table: no ICU lookup per call.
        if #available(macOS 15, *), let table = ZoneTable.shared.offsets(named: name) { return table.zone }
        return TimeZone(identifier: name) ?? Self.utc
    }

    /// The lead's ISO country code (the capture field `country`), whose
    /// holidays are not business days for it; nil when unknown.
    func country(of state: LeadState) -> String? {
        guard case .string(let code)? = state.fields["country"], !code.isEmpty else { return nil }
        return code.uppercased()
    }

    static let utc: TimeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? TimeZone.current
}
