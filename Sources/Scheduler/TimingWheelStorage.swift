// The timing wheel's storage: one object that owns every buffer, so a
// mutating call checks uniqueness once (copy-on-write) and the hot loops run
// on raw pointers without bounds checks.
//
//   records  the slab: per timer its element and scheduling sequence; a
//            free list threaded through the released records (the free
//            record's `sequence` holds the next free index).
//   generations  per record a 4-byte generation, bumped when it is freed,
//            in an array of its own: the cancel check and the tombstone
//            sweeps read 16 generations per cache line instead of one record.
//   slots    per slot (level * S + slot) a growable buffer of 16-byte
//            entries (due, record index, generation): a cascade reads a
//            slot's due times sequentially and never touches the records.
//   ready    the ready queue, a binary heap of 24-byte entries
//            (due, sequence, index, generation) compared without the slab.
//
// Cancellation is lazy: cancel frees the record at once (new generation) and
// leaves the slot entry behind as a tombstone, which is recognised by its
// old generation and dropped when its slot is opened or its heap entry
// surfaces, or by a compaction of the whole wheel once tombstones outnumber
// pending timers (TimingWheelLevels.swift). Entries do not move when others
// are cancelled, so nothing has to track positions, and a cascade writes
// nothing but the slots it appends to.

/// One timer's record in the slab (24 bytes for Element = Int).
@usableFromInline
struct TimingWheelRecord<Element> {
    /// nil when the record is free.
    @usableFromInline var element: Element?
    /// Scheduling order of a pending timer; the next free record (as an
    /// Int32 bit pattern, -1 for none) of a free one.
    @usableFromInline var sequence: UInt64

    @inlinable
    init(element: Element?, sequence: UInt64) {
        self.element = element
        self.sequence = sequence
    }
}

/// A timer in a slot.
@usableFromInline
struct TimingWheelEntry {
    @usableFromInline var due: Int64
    @usableFromInline var index: Int32
    @usableFromInline var generation: UInt32

    @inlinable
    init(due: Int64, index: Int32, generation: UInt32) {
        self.due = due
        self.index = index
        self.generation = generation
    }
}

/// A timer in the ready queue, ordered by (due, sequence).
@usableFromInline
struct TimingWheelReadyEntry {
    @usableFromInline var due: Int64
    @usableFromInline var sequence: UInt64
    @usableFromInline var index: Int32
    @usableFromInline var generation: UInt32

    @inlinable
    init(due: Int64, sequence: UInt64, index: Int32, generation: UInt32) {
        self.due = due
        self.sequence = sequence
        self.index = index
        self.generation = generation
    }

    @inlinable
    func firesBefore(_ other: TimingWheelReadyEntry) -> Bool {
        due < other.due || (due == other.due && sequence < other.sequence)
    }
}

/// One slot's entries: a buffer grown on demand.
@usableFromInline
struct TimingWheelSlot {
    @usableFromInline var entries: UnsafeMutablePointer<TimingWheelEntry>?
    @usableFromInline var count: Int
    @usableFromInline var capacity: Int

    @inlinable
    init() {
        entries = nil
        count = 0
        capacity = 0
    }
}

/// Every buffer pointer and count of a `TimingWheelStorage`, kept behind a
/// pointer: the class's properties are views of it. (Stored `var`s of a
/// class get a dynamic exclusivity check on every access, which was a third
/// of the wheel's time; memory behind a pointer gets none.)
@usableFromInline
struct TimingWheelBuffers<Element> {
    @usableFromInline var records: UnsafeMutablePointer<TimingWheelRecord<Element>>
    /// Bumped when a record is freed: old handles and entries go stale.
    @usableFromInline var generations: UnsafeMutablePointer<UInt32>
    @usableFromInline var recordCount = 0
    @usableFromInline var recordCapacity = 0
    @usableFromInline var firstFree: Int32 = -1
    @usableFromInline var slots: UnsafeMutablePointer<TimingWheelSlot>
    @usableFromInline var slotCount: Int
    /// One bit per slot, set while its buffer holds entries.
    @usableFromInline var occupancy: UnsafeMutablePointer<UInt64>
    @usableFromInline var wordCount: Int
    @usableFromInline var ready: UnsafeMutablePointer<TimingWheelReadyEntry>
    @usableFromInline var readyCount = 0
    @usableFromInline var readyCapacity = 0
    /// Sink of `TimingWheel.touchRecords`.
    @usableFromInline var touched: UInt64 = 0

    @inlinable
    init(slotCount: Int, wordCount: Int) {
        records = TimingWheelMemory.allocate(TimingWheelRecord<Element>.self, capacity: 0)
        generations = TimingWheelMemory.allocate(UInt32.self, capacity: 0)
        self.slotCount = slotCount
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: TimingWheelSlot(), count: slotCount)
        self.wordCount = wordCount
        occupancy = .allocate(capacity: wordCount)
        occupancy.initialize(repeating: 0, count: wordCount)
        ready = TimingWheelMemory.allocate(TimingWheelReadyEntry.self, capacity: 0)
    }
}

@usableFromInline
final class TimingWheelStorage<Element> {
    @usableFromInline typealias Record = TimingWheelRecord<Element>

    @usableFromInline let buffers: UnsafeMutablePointer<TimingWheelBuffers<Element>>

    @inlinable var records: UnsafeMutablePointer<TimingWheelRecord<Element>> {
        get { buffers.pointee.records }
        set { buffers.pointee.records = newValue }
    }
    @inlinable var generations: UnsafeMutablePointer<UInt32> {
        get { buffers.pointee.generations }
        set { buffers.pointee.generations = newValue }
    }
    @inlinable var touched: UInt64 {
        get { buffers.pointee.touched }
        set { buffers.pointee.touched = newValue }
    }
    @inlinable var recordCount: Int {
        get { buffers.pointee.recordCount }
        set { buffers.pointee.recordCount = newValue }
    }
    @inlinable var recordCapacity: Int {
        get { buffers.pointee.recordCapacity }
        set { buffers.pointee.recordCapacity = newValue }
    }
    @inlinable var firstFree: Int32 {
        get { buffers.pointee.firstFree }
        set { buffers.pointee.firstFree = newValue }
    }
    @inlinable var slots: UnsafeMutablePointer<TimingWheelSlot> {
        get { buffers.pointee.slots }
        set { buffers.pointee.slots = newValue }
    }
    @inlinable var slotCount: Int {
        get { buffers.pointee.slotCount }
        set { buffers.pointee.slotCount = newValue }
    }
    @inlinable var occupancy: UnsafeMutablePointer<UInt64> {
        get { buffers.pointee.occupancy }
        set { buffers.pointee.occupancy = newValue }
    }
    @inlinable var wordCount: Int {
        get { buffers.pointee.wordCount }
        set { buffers.pointee.wordCount = newValue }
    }
    @inlinable var ready: UnsafeMutablePointer<TimingWheelReadyEntry> {
        get { buffers.pointee.ready }
        set { buffers.pointee.ready = newValue }
    }
    @inlinable var readyCount: Int {
        get { buffers.pointee.readyCount }
        set { buffers.pointee.readyCount = newValue }
    }
    @inlinable var readyCapacity: Int {
        get { buffers.pointee.readyCapacity }
        set { buffers.pointee.readyCapacity = newValue }
    }

    /// Storage for one level of `slotCount` slots and `wordCount` bitmap words.
    @inlinable
    init(slotCount: Int, wordCount: Int) {
        buffers = .allocate(capacity: 1)
        buffers.initialize(to: TimingWheelBuffers(slotCount: slotCount, wordCount: wordCount))
    }

    deinit {
        records.deinitialize(count: recordCount)
        TimingWheelMemory.deallocate(records)
        TimingWheelMemory.deallocate(generations)
        for i in 0..<slotCount { if let entries = slots[i].entries { TimingWheelMemory.deallocate(entries) } }
        slots.deallocate()
        occupancy.deallocate()
        TimingWheelMemory.deallocate(ready)
        buffers.deinitialize(count: 1)
        buffers.deallocate()
    }

    /// An independent copy (the copy in copy-on-write).
    @inlinable
    @inline(never)
    func copy() -> TimingWheelStorage {
        let copy = TimingWheelStorage(slotCount: slotCount, wordCount: wordCount)
        TimingWheelMemory.deallocate(copy.records)
        copy.records = TimingWheelMemory.allocate(Record.self, capacity: recordCapacity)
        copy.records.initialize(from: records, count: recordCount)
        TimingWheelMemory.deallocate(copy.generations)
        copy.generations = TimingWheelMemory.allocate(UInt32.self, capacity: recordCapacity)
        copy.generations.initialize(from: generations, count: recordCount)
        copy.recordCount = recordCount
        copy.recordCapacity = recordCapacity
        copy.firstFree = firstFree
        for i in 0..<slotCount where slots[i].count > 0 {
            let entries = TimingWheelMemory.allocate(TimingWheelEntry.self, capacity: slots[i].count)
            entries.initialize(from: slots[i].entries!, count: slots[i].count)
            copy.slots[i] = TimingWheelSlot()
            copy.slots[i].entries = entries
            copy.slots[i].count = slots[i].count
            copy.slots[i].capacity = slots[i].count
        }
        copy.occupancy.update(from: occupancy, count: wordCount)
        TimingWheelMemory.deallocate(copy.ready)
        copy.ready = TimingWheelMemory.allocate(TimingWheelReadyEntry.self, capacity: readyCapacity)
        copy.ready.initialize(from: ready, count: readyCount)
        copy.readyCount = readyCount
        copy.readyCapacity = readyCapacity
        return copy
    }

    // MARK: Slab

    /// A record for a new timer: a released one if any, else a new one. The
    /// slab grows by a quarter, not double, so that its unused tail stays
    /// small (24-byte records: at most 30 bytes a timer after a growth).
    @inlinable
    func allocate(_ element: Element, sequence: UInt64) -> (index: Int32, generation: UInt32) {
        if firstFree >= 0 {
            let index = firstFree
            let record = records + Int(index)
            firstFree = Int32(truncatingIfNeeded: record.pointee.sequence)
            record.pointee.element = element
            record.pointee.sequence = sequence
            return (index, generations[Int(index)])
        }
        if recordCount == recordCapacity { growRecords() }
        (records + recordCount).initialize(to: Record(element: element, sequence: sequence))
        (generations + recordCount).initialize(to: 0)
        recordCount &+= 1
        return (Int32(truncatingIfNeeded: recordCount &- 1), 0)
    }

    @inlinable
    @inline(never)
    func growRecords() {
        precondition(recordCount < Int(Int32.max), "TimingWheel: more than 2^31 - 1 pending timers")
        let capacity = min(Int(Int32.max), recordCount + max(recordCount / 4, 64))
        records = TimingWheelMemory.grow(records, count: recordCount, to: capacity)
        generations = TimingWheelMemory.grow(generations, count: recordCount, to: capacity)
        recordCapacity = capacity
    }

    /// Whether `index`/`generation` name a pending timer.
    @inlinable
    func isPending(index: Int32, generation: UInt32) -> Bool {
        let i = Int(index)
        return i >= 0 && i < recordCount && generations[i] == generation && records[i].element != nil
    }

    /// Frees a pending timer's record and hands back its element. The new
    /// generation makes its handle and any entry left in a slot stale.
    @inlinable
    func release(_ index: Int32) -> Element {
        let record = records + Int(index)
        let element = record.pointee.element.take()
        generations[Int(index)] &+= 1
        record.pointee.sequence = UInt64(truncatingIfNeeded: Int64(firstFree))
        firstFree = index
        guard let element else { preconditionFailure("TimingWheel: a pending timer without its element") }
        return element
    }

    // MARK: Slots

    /// Appends an entry to a slot; true when the slot was empty before.
    @inlinable
    func append(_ entry: TimingWheelEntry, to slot: Int) -> Bool {
        let header = slots + slot
        let count = header.pointee.count
        if count == header.pointee.capacity { grow(header) }
        header.pointee.entries.unsafelyUnwrapped[count] = entry
        header.pointee.count = count &+ 1
        return count == 0
    }

    /// Doubles a small slot buffer, grows a large one by half (a 90-day
    /// wheel keeps most timers in a few large top-level slots, where
    /// doubling would waste up to 16 bytes a timer).
    @inlinable
    @inline(never)
    func grow(_ header: UnsafeMutablePointer<TimingWheelSlot>) {
        let old = header.pointee.capacity
        let capacity = old < 8 ? 8 : (old < 4_096 ? old * 2 : old + old / 2)
        if let entries = header.pointee.entries {
            header.pointee.entries = TimingWheelMemory.grow(entries, count: header.pointee.count, to: capacity)
        } else {
            header.pointee.entries = TimingWheelMemory.allocate(TimingWheelEntry.self, capacity: capacity)
        }
        header.pointee.capacity = capacity
    }

    /// Adds one level of `slotsPerLevel` empty slots and `words` bitmap words.
    @inlinable
    @inline(never)
    func addLevel(slotsPerLevel: Int, words: Int) {
        let grown = UnsafeMutablePointer<TimingWheelSlot>.allocate(capacity: slotCount + slotsPerLevel)
        grown.moveInitialize(from: slots, count: slotCount)
        (grown + slotCount).initialize(repeating: TimingWheelSlot(), count: slotsPerLevel)
        slots.deallocate()
        slots = grown
        slotCount += slotsPerLevel
        let bits = UnsafeMutablePointer<UInt64>.allocate(capacity: wordCount + words)
        bits.moveInitialize(from: occupancy, count: wordCount)
        (bits + wordCount).initialize(repeating: 0, count: words)
        occupancy.deallocate()
        occupancy = bits
        wordCount += words
    }
}

extension TimingWheelStorage: @unchecked Sendable where Element: Sendable {}
extension TimingWheelRecord: Sendable where Element: Sendable {}
