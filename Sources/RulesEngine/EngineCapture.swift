// The built-in effects of `lead_created` and `opt_out`: capture with
// enrichment (fields, E.164 phone, time zone, duplicate link), and consent
// withdrawn at once. Jurisdiction screening is not here: it is the
// playbook's own `ON lead_created WHERE country IN restricted…: BLOCK ALL`.

import RulesCompiler

extension Step {
    /// Takes the capture fields and declared FIELDs of `lead_created`,
    /// normalises the phone and resolves the time zone. A later
    /// `lead_created` updates the fields (and lifts a REMOVE FROM QUEUE: the
    /// data has been entered again).
    mutating func capture(_ event: Event, context: StepContext) {
        let again = state.captured
        for key in event.data.keys.sorted() {
            guard let value = event.data[key] else { continue }
            guard let field = engine.program.fields[key] else {
                explain(nil, "capture: '\(key)' is not a field of the playbook: ignored")
                continue
            }
            guard Self.fits(value, field.type.type) else {
                explain(nil, "capture: '\(key)' must be \(field.type.type), found \(value.typeName): ignored")
                continue
            }
            state.fields[key] = value
        }
        if state.fields["registered_at"] == nil || state.fields["registered_at"] == .missing {
            state.fields["registered_at"] = .time(event.at)
        }
        state.captured = true
        if again {
            state.removedFromQueue = false
            explain(nil, "lead captured again: fields updated")
        }
        normalisePhone()
        resolveZone()
        if let primary = context.duplicateOf, primary != state.id {
            state.duplicateOf = primary
            explain(nil, "duplicate of lead \(primary): linked, never dialled")
        }
    }

    private mutating func normalisePhone() {
        guard case .string(let raw)? = state.fields["phone"] else {
            state.phoneE164 = nil
            return
        }
        switch PhoneNumber.normalize(raw: raw, country: text("country") ?? text("ip_country")) {
        case .success(let number):
            state.phoneE164 = number.description
        case .failure(let error):
            state.phoneE164 = nil
            explain(nil, "phone '\(raw)' not normalised: \(error)")
        }
    }

    private mutating func resolveZone() {
        let resolution = TimeZoneResolver.resolve(timezone: text("timezone"), ipCountry: text("ip_country"),
                                                  country: text("country"), phoneE164: state.phoneE164)
        for warning in resolution.warnings { explain(nil, "time zone: \(warning)") }
        state.timeZone = resolution.zone
        state.timeZoneSource = resolution.source?.rawValue
        if let zone = resolution.zone, let source = resolution.source {
            explain(nil, "time zone \(zone) (from \(source.rawValue))")
        } else {
            explain(nil, "time zone unknown: calling hours are counted in UTC")
        }
    }

    private func text(_ field: String) -> String? {
        if case .string(let s)? = state.fields[field] { return s }
        return nil
    }

    /// True when `value` may be stored in a field of `type`.
    static func fits(_ value: Value, _ type: RuleType) -> Bool {
        switch (value, type) {
        case (.number(let n), .number): n.isFinite
        case (.missing, _), (.string, .string), (.string, .country), (.bool, .bool), (.time, .time),
             (.duration, .duration):
            true
        default: false
        }
    }

    /// `opt_out`: the lead withdraws one channel or all of them. Effective at
    /// once, whatever the rules say: the state changes and every pending
    /// task on the channel is cancelled.
    mutating func applyOptOut(_ event: Event) {
        guard case .string(let word)? = event.data["channel"], let channels = ContactChannel.parse(word) else {
            explain(nil, "opt_out without a channel of phone, email, sms or all: consent unchanged")
            return
        }
        for channel in channels {
            state.optedOut.insert(channel)
            if channel == .phone { state.doNotCall = true }
        }
        let kinds = Set(channels.map(\.taskKind))
        cancelPending(kinds, reason: "opted out of \(word.lowercased())")
        explain(nil, "opted out of \(channels.map(\.rawValue).joined(separator: ", ")): effective now")
    }

    /// Cancels the lead's pending tasks of `kinds`, issued by earlier steps
    /// (this step's drafts meet the guards, which read the changed state).
    mutating func cancelPending(_ kinds: Set<TaskKind>, reason: String) {
        guard !kinds.isEmpty else { return }
        timers.append(.cancelTasks(leadID: state.id, kinds: kinds, reason: reason))
        state.pendingTasks.removeAll { kinds.contains($0.kind) }
    }
}
