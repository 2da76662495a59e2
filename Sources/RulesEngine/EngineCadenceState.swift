// What the engine remembers of a nurturing lead's cadence timers. The
// engine is pure, so the plan lives in `LeadState` (Codable, Hashable) and
// nowhere else: each pending cadence timer's due time is here, and a timer
// whose due time is no longer here is stale and ignored. At most one timer
// per purpose is pending per lead (docs/ENGINE.md, "Cadence scheduling").

/// Timer purposes of the cadences.
extension TimerPurpose {
    /// The next call slot of the lead's cadence.
    public static let cadenceCall = "cadence_call"
    /// The next message of the cadence's `EMAIL`/`SMS` sequences (one timer
    /// for all of them: the earliest next message).
    public static let cadenceMessage = "cadence_message"
    /// The lead's age crosses a window boundary: the end of its cadence's
    /// `DAYS` window, or the start of the next window when it is in none.
    public static let cadenceWindow = "cadence_window"
}

/// The pending timers of a nurturing lead's cadence and where its call
/// plan stands. Present exactly while the lead is nurturing.
public struct CadenceSchedule: Sendable, Hashable, Codable {
    /// The cadence the timers belong to; nil while the lead nurtures outside
    /// every window (only `nextWindow` can then be set).
    public var cadence: String?
    /// When the lead entered the cadence.
    public var enteredAt: Int64
    /// The end of the cadence's `DAYS` window: `registered_at` + last day × 24 h.
    public var windowEnd: Int64?
    /// Due time of the pending `cadence_call` timer.
    public var nextCall: Int64?
    /// Slot of `nextCall` (or of the last call made): slot 0 is the anchor,
    /// the entry or the last dial a rule issued; slots count from it.
    public var callSlot: Int = 0
    /// Business day of that slot, counted from the anchor's local day (1 is
    /// the first business day after it).
    public var callOrdinal: Int = 0
    /// The anchor slots count from: the entry, or the last dial a rule issued.
    public var callAnchor: Int64
    /// An instant on that slot's local day: the next slot counts from it.
    public var callDay: Int64
    /// True once no further call fits before the window's end.
    public var callsDone: Bool = false
    /// Due time of the pending `cadence_message` timer.
    public var nextMessage: Int64?
    /// Due time of the pending `cadence_window` timer.
    public var nextWindow: Int64?
    /// The fingerprint of the cadence and calendar the plan was made under
    /// (`Engine.reevaluate` re-plans when the rules in force give another);
    /// nil in states from before it was kept.
    public var planKey: UInt64?

    public init(cadence: String?, enteredAt: Int64, windowEnd: Int64?) {
        self.cadence = cadence
        self.enteredAt = enteredAt
        self.windowEnd = windowEnd
        callDay = enteredAt
        callAnchor = enteredAt
    }
}

/// How far a lead has got in one `EMAIL`/`SMS` sequence of a cadence. Kept
/// after the lead leaves the cadence, so coming back (after a call, say)
/// resumes the sequence instead of sending its first template again.
public struct SequenceProgress: Sendable, Hashable, Codable {
    /// Messages of the sequence sent so far.
    public var sent: Int
    /// When the last one was sent.
    public var last: Int64

    public init(sent: Int, last: Int64) {
        self.sent = sent
        self.last = last
    }

    /// The key of sequence `index` of `cadence` in `LeadState.cadenceSequences`.
    public static func key(cadence: String, index: Int) -> String { "\(cadence)#\(index)" }
}
