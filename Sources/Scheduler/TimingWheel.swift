// A hierarchical timing wheel (Varghese & Lauck 1987; Kafka's purgatory
// timer; the Linux timer wheel): the scheduler's store of pending timers.
//
// Time is cut into ticks of `tickMilliseconds`, counted from `start`. Level 0
// has `slotsPerLevel` (S) slots of one tick each; every slot of level L+1
// spans a whole turn of level L (S^(L+1) ticks). A timer goes to the lowest
// level whose next S slots, counted from the slot the wheel is in, reach its
// due tick. Levels above 0 are made on first need, like Kafka's overflow
// wheels, until one level's turn covers every tick an Int64 time can have,
// so there is no overflow list and any due time, Int64.max included, has a
// slot.
//
// Worked example, 1 ms tick and 64 slots (the default):
//
//     level   slot spans        turn (64 slots)
//       0     1 ms              64 ms
//       1     64 ms             4.096 s
//       2     4.096 s           4 min 22 s
//       3     4 min 22 s        4 h 40 min
//       4     4 h 40 min        12.4 days
//       5     12.4 days         2.2 years
//      ...    ...               (level 10's turn covers 2^66 ms)
//
// With the wheel at 0, a timer due in 3 days (259,200,000 ms) does not fit in
// level 3's turn but does in level 4's: it lands in level 4, slot 15, which
// spans [251,658,240, 268,435,456). Nothing looks at it until the wheel gets
// to that slot's start, 2 d 21 h 54 min in; then the slot is opened and its
// timers re-placed relative to the new now: ours, 7,541,760 ms away, goes to
// level 3 (slot 28, opened at 258,998,272), then level 2 (slot 49, opened at
// 259,198,976), then level 1 (slot 16, opened at 259,200,000 = its due), and
// from there to the ready queue. Five placements in three days, each O(1).
//
// Nothing fires early. A slot's span contains the due times of all its
// timers, so a slot opens at or before each of them; opening one only moves
// its timers to finer levels (Kafka's "reinsert", relative to the new now)
// or, for timers whose tick has come, to the ready queue. Only the ready queue
// fires, and `popNext(upTo:)` compares the exact due time with the caller's
// time: with a tick longer than 1 ms, a level-0 slot holds several due times
// and the comparison is what keeps the late part of the tick waiting. (Linux
// rounds a timer up to the next bucket boundary instead, because it fires
// whole buckets; this wheel can be exact because it fires timer by timer.)
//
// Order is exact: timers fire by (due time, order of scheduling), the order a
// heap of (due, sequence) would give. The wheel never ticks through empty
// slots: per-level occupancy bitmaps find the next occupied slot of each
// level, and the wheel jumps straight to the earliest one, opening every slot
// of every level that starts at that tick before anything fires, so a timer
// still in a coarse slot cannot be overtaken by a later-scheduled one at the
// same due time. Timers whose tick has come (opened slots, and timers
// scheduled at or before the wheel's position) wait in the ready queue, a
// small binary heap on (due, sequence). With 16 to 64 slots, a level-1 slot
// holding few timers is opened together with all of level 0 straight into
// the ready queue (its span is exactly level 0's turn), and the wheel's
// position moves to the slot's last tick: a sparse wheel then does not pass
// each timer through its own level-1 and level-0 slot.
//
// Storage (TimingWheelStorage.swift) is one object of raw buffers, checked
// for uniqueness once per mutating call: a slab of records (element,
// sequence) with a free list, a dense array of generations, and per slot a
// buffer of 16-byte entries (due, record index, generation), so a cascade
// reads due times sequentially and never touches the slab. Cancel is lazy:
// it frees the record at once (new generation, so the handle goes stale) and
// leaves the slot entry as a tombstone, dropped when its slot opens or by a
// compaction once tombstones outnumber pending timers.
//
// Cost of each operation (n pending timers, S slots, r timers in the ready
// queue — normally those of one tick, or of one level-1 slot):
//   schedule    O(1): pick the level (a table lookup and one comparison when
//               S is a power of two), append to the slot's buffer; O(log r)
//               if already due.
//   cancel      O(1) amortized: free the record; compaction, O(n) when
//               tombstones outnumber pending timers, costs about two entry
//               checks per cancel.
//   popNext,    amortized O(1) per timer plus O(log r): a timer is re-placed
//   nextDue     at most once per level on its way down (log_S of how far
//               ahead it was scheduled, plus one); finding the next occupied
//               slot scans S/64 bitmap words per level and stops at the first
//               level that cannot beat the best slot found.
//   memory      a 24-byte record (Element = Int) and a 4-byte generation per
//               timer in a slab that grows by a quarter and reuses freed
//               records, plus a 16-byte slot entry: about 55 bytes a pending
//               timer measured at 1M; with cancels, at most about one
//               tombstone entry more per pending timer. A handle is 8 bytes
//               (record index + generation, so a stale handle cancels
//               nothing).
//
// Thread safety: a value type, not thread-safe. One owner drives it — the
// simulation loop, or the daemon's scheduler actor — and nobody else touches
// it. Copies are independent (copy-on-write of the storage object); copying
// a large wheel copies its slab on the first change.

/// Identifies one scheduled timer of one `TimingWheel`, for `cancel(_:)`.
///
/// Stays valid until the timer fires or is cancelled; after that it refers
/// to nothing, even when the wheel reuses its storage for a new timer.
public struct TimerHandle: Hashable, Sendable {
    @usableFromInline let index: Int32
    @usableFromInline let generation: UInt32

    @inlinable
    init(index: Int32, generation: UInt32) {
        self.index = index
        self.generation = generation
    }
}

/// Pending timers, each carrying an `Element`, fired in (due time,
/// scheduling order). See the header of TimingWheel.swift for the design.
public struct TimingWheel<Element> {
    // Shape (fixed at init).
    @usableFromInline let origin: Int64
    @usableFromInline let tickLength: UInt64
    @usableFromInline let slotsPerLevel: Int
    /// log2(slotsPerLevel) when it is a power of two (shifts instead of
    /// divisions), else 0.
    @usableFromInline let slotShift: Int
    @usableFromInline let wordsPerLevel: Int
    /// Ticks spanned by one slot of each level that can exist: S^level.
    @usableFromInline let widths: ContiguousArray<UInt64>
    /// floor(bit / log2(S)) for each bit of a distance in ticks, when S is a
    /// power of two (`level(of:)`).
    @usableFromInline let levelOfBit: ContiguousArray<UInt8>

    // State.
    /// Slab, slots, bitmaps and ready queue (TimingWheelStorage.swift).
    @usableFromInline var storage: TimingWheelStorage<Element>
    @usableFromInline var levelCount = 1
    /// The tick the wheel has opened slots up to. Timers at or before it are
    /// in the ready queue; every other timer is in a slot and due after it.
    @usableFromInline var cursor: UInt64 = 0
    @usableFromInline var sequence: UInt64 = 0
    @usableFromInline var pending = 0
    /// Entries of cancelled timers still in a slot or the ready queue.
    @usableFromInline var stale = 0
    @usableFromInline var advanced: Int64

    /// An empty wheel whose time starts at `start` (ms since the epoch).
    ///
    /// - Parameters:
    ///   - tickMilliseconds: the span of one level-0 slot, at least 1. Firing
    ///     stays exact to the millisecond whatever the tick; a longer tick
    ///     trades a few more comparisons in the ready queue for fewer slots.
    ///   - slotsPerLevel: slots in each level, at least 2 and at most 65,536;
    ///     a power of two makes placement a shift instead of a division.
    public init(start: Int64, tickMilliseconds: Int64 = 1, slotsPerLevel: Int = 64) {
        precondition(tickMilliseconds >= 1, "TimingWheel: tickMilliseconds must be at least 1")
        precondition((2...65_536).contains(slotsPerLevel), "TimingWheel: slotsPerLevel must be in 2...65536")
        origin = start
        advanced = start
        tickLength = UInt64(tickMilliseconds)
        self.slotsPerLevel = slotsPerLevel
        slotShift = slotsPerLevel.nonzeroBitCount == 1 ? slotsPerLevel.trailingZeroBitCount : 0
        wordsPerLevel = (slotsPerLevel + 63) / 64
        var widths: ContiguousArray<UInt64> = [1]
        let perLevel = UInt64(slotsPerLevel)
        while let widest = widths.last, widest <= UInt64.max / perLevel {
            widths.append(widest * perLevel)
        }
        self.widths = widths
        let shift = slotShift
        levelOfBit = ContiguousArray((0..<64).map { UInt8(shift > 0 ? $0 / shift : 0) })
        storage = TimingWheelStorage(slotCount: slotsPerLevel, wordCount: wordsPerLevel)
    }

    /// How far the wheel has been run: the greatest of `start`, the due time
    /// of every timer popped, and the time of every `popNext(upTo:)` that
    /// found nothing due.
    @inlinable public var now: Int64 { advanced }

    /// Pending timers: scheduled, neither fired nor cancelled.
    @inlinable public var count: Int { pending }

    /// Schedules `element` to fire at `due` (ms since the epoch) and returns
    /// the handle that cancels it. A due time at or before `now`, or before
    /// `start`, fires at the next `popNext(upTo:)`, in due order among the
    /// others. O(1).
    @inlinable
    @discardableResult
    public mutating func schedule(_ element: Element, at due: Int64) -> TimerHandle {
        makeUnique()
        sequence &+= 1
        let (index, generation) = storage.allocate(element, sequence: sequence)
        let tick = tick(of: due)
        if tick > cursor {
            link(TimingWheelEntry(due: due, index: index, generation: generation), tick: tick)
        } else {
            storage.pushReady(TimingWheelReadyEntry(due: due, sequence: sequence, index: index, generation: generation))
        }
        pending &+= 1
        return TimerHandle(index: index, generation: generation)
    }

    /// Cancels a pending timer and returns its element; nil when the timer
    /// already fired or was cancelled (the handle is stale). O(1) amortized:
    /// the timer's entry stays behind as a tombstone until its slot opens or
    /// a compaction drops it.
    @inlinable
    @discardableResult
    public mutating func cancel(_ handle: TimerHandle) -> Element? {
        guard storage.isPending(index: handle.index, generation: handle.generation) else { return nil }
        makeUnique()
        let element = storage.release(handle.index)
        pending &-= 1
        stale &+= 1
        if stale > pending && stale > 4_096 { compact() }
        return element
    }

    /// The exact earliest due time of a pending timer, nil when none is.
    ///
    /// Mutating because it may open slots on the way (work `popNext` would
    /// do anyway); it does not move `now` and fires nothing.
    @inlinable
    public mutating func nextDue() -> Int64? {
        makeUnique()
        return firstReady(through: UInt64.max)?.due
    }

    /// Removes and returns the earliest pending timer due at or before
    /// `time`, in (due, scheduling order); nil when none is, and then `now`
    /// becomes `time` (if later). Never returns a timer due after `time`.
    @inlinable
    public mutating func popNext(upTo time: Int64) -> (handle: TimerHandle, element: Element, due: Int64)? {
        makeUnique()
        guard let first = firstReady(through: tick(of: time)), first.due <= time else {
            advanced = max(advanced, time)
            return nil
        }
        storage.removeFirstReady()
        pending &-= 1
        advanced = max(advanced, first.due)
        return (TimerHandle(index: first.index, generation: first.generation), storage.release(first.index), first.due)
    }

    /// The first pending timer of the ready queue, after opening slots up to
    /// tick `limit` if the queue is empty; tombstones met on the way are
    /// dropped. nil when no timer is due by then.
    @inlinable
    mutating func firstReady(through limit: UInt64) -> TimingWheelReadyEntry? {
        while true {
            if storage.readyCount == 0 {
                openSlots(through: limit)
                if storage.readyCount == 0 { return nil }
            }
            let first = storage.ready[0]
            if storage.generations[Int(first.index)] == first.generation { return first }
            storage.removeFirstReady()
            stale &-= 1
        }
    }

    /// The one uniqueness check of a mutating call: copies the storage when
    /// another copy of the wheel shares it.
    @inlinable
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }
}

extension TimingWheel: Sendable where Element: Sendable {}
