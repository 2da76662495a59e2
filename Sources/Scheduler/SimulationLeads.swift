// Per-lead bookkeeping of a simulation: the lead's state between steps and
// what it has waiting in the wheel. The wheel itself holds only small
// (lead, serial) keys; the timer, task or generated event they stand for
// lives here, with the lead, so that
//
// - cancelling "every pending dial of L7" or "task dial-…" looks only at
//   L7's own pending work (a handful of entries), never at the wheel;
// - `pendingTasks(of:)` can list a lead's tasks without peeking into the
//   wheel;
// - each task is stored once, however large the wheel grows.
//
// Records live in fixed-size pages rather than one array, so a million
// leads never need one contiguous reallocation of the whole table.

import RulesEngine

/// What a wheel entry stands for. Indirect: an entry is then one pointer
/// wide, so a lead's list of pending entries (and the spare capacity it
/// keeps after removals) costs a few bytes per slot instead of a whole task.
indirect enum PendingWork {
    /// A wake-up the engine asked for.
    case timer(TimerFiring)
    /// A task to issue when due.
    case task(LeadTask)
    /// An event of the outcome model (a call outcome, a deposit).
    case generated(Event)
}

/// One entry of a lead in the wheel.
struct PendingEntry {
    var serial: UInt32
    var handle: TimerHandle
    var work: PendingWork

    /// The timer's or task's id, for cancellation by id.
    var id: String? {
        switch work {
        case .timer(let t): t.id
        case .task(let t): t.id
        case .generated: nil
        }
    }
}

/// The wheel's element: which lead, which of its entries.
struct WheelKey {
    var lead: Int32
    var serial: UInt32
}

/// One lead's record.
struct LeadRecord {
    let id: String
    var state: LeadState?
    var pending: [PendingEntry] = []
    var nextSerial: UInt32 = 0
    /// Inputs the lead made for itself (timers, outcome events): the runaway cap.
    var selfInputs: Int = 0
    /// Set when the lead was stopped as a runaway: it takes no more input.
    var halted = false
    /// Every step's explanation, when the simulation keeps history.
    var history: [ExplanationLine] = []

    init(id: String) {
        self.id = id
    }

    /// Removes and returns the entry with `serial`, if it is still pending.
    mutating func removeEntry(serial: UInt32) -> PendingEntry? {
        guard let i = pending.firstIndex(where: { $0.serial == serial }) else { return nil }
        return pending.remove(at: i)
    }
}

/// Lead records by id, in pages.
struct LeadTable {
    static let pageBits = 12
    static let pageSize = 1 << pageBits

    private var pages: [[LeadRecord]] = []
    private var index: [String: Int32] = [:]

    var count: Int { index.count }

    /// The number of an existing lead.
    func number(of id: String) -> Int32? { index[id] }

    /// The number of the lead, created empty if new.
    mutating func number(creating id: String) -> Int32 {
        if let n = index[id] { return n }
        let n = Int32(truncatingIfNeeded: index.count)
        if pages.isEmpty || pages[pages.count - 1].count == Self.pageSize {
            var page: [LeadRecord] = []
            page.reserveCapacity(Self.pageSize)
            pages.append(page)
        }
        pages[pages.count - 1].append(LeadRecord(id: id))
        index[id] = n
        return n
    }

    subscript(number: Int32) -> LeadRecord {
        get { pages[Int(number) >> Self.pageBits][Int(number) & (Self.pageSize - 1)] }
        _modify { yield &pages[Int(number) >> Self.pageBits][Int(number) & (Self.pageSize - 1)] }
    }

    /// Every record, in the order leads were first seen.
    func forEach(_ body: (LeadRecord) -> Void) {
        for page in pages {
            for record in page { body(record) }
        }
    }
}

/// Shares one copy of the texts that tasks repeat by the million (rule
/// locations, queues, reasons such as "disposition V01 …: RETRY IN 4h"):
/// equal strings come out as the same storage. Short strings are stored
/// inline by Swift and skipped; the table stops growing at `limit` texts,
/// so reasons that embed times cannot make it grow without bound.
struct TextInterner {
    static let limit = 100_000
    private var table: Set<String> = []

    mutating func intern(_ text: String) -> String {
        guard text.utf8.count > 15 else { return text }
        if table.count < Self.limit { return table.insert(text).memberAfterInsert }
        return table.firstIndex(of: text).map { table[$0] } ?? text
    }

    mutating func intern(_ text: String?) -> String? { text.map { intern($0) } }

    /// The task with its repeated texts shared.
    mutating func intern(_ task: LeadTask) -> LeadTask {
        var t = task
        t.queue = intern(t.queue)
        t.priority = intern(t.priority)
        t.dialMode = intern(t.dialMode)
        t.template = intern(t.template)
        t.rule = intern(t.rule)
        t.reason = intern(t.reason)
        t.slaBreach = intern(t.slaBreach)
        return t
    }
}
