// The timing wheel's levels: which slot a timer goes to, how the wheel finds
// the next occupied slot without ticking through empty ones, what happens
// when it opens one (the cascade), and the compaction that clears out the
// tombstones cancels leave. Ticks are counted as UInt64 from `start`, so
// every Int64 due time at or after it has one; earlier ones count as tick 0,
// which the wheel is always at or past.
//
// Kafka's rule decides the level: the lowest level L whose S slots from the
// current one reach the timer's tick, i.e. block(tick, L) - block(cursor, L)
// < S with block(t, L) = t / S^L. Slots are absolute (slot = block mod S), so
// a slot holds exactly one block until it is opened; a level above 0 never
// holds a timer in its current block (it would have fitted one level down).

extension TimingWheel {
    /// The tick of a time: 0 before `start`.
    @inlinable @inline(__always)
    func tick(of time: Int64) -> UInt64 {
        guard time > origin else { return 0 }
        let offset = UInt64(bitPattern: time &- origin)   // exact: time - origin < 2^64
        return tickLength == 1 ? offset : offset / tickLength
    }

    @inlinable @inline(__always)
    func block(_ tick: UInt64, level: Int) -> UInt64 {
        // level * slotShift <= 63: a level exists only while S^level fits in UInt64.
        slotShift > 0 ? tick &>> UInt64(level &* slotShift) : tick / widths[level]
    }

    @inlinable @inline(__always)
    func slot(ofBlock block: UInt64) -> Int {
        slotShift > 0
            ? Int(truncatingIfNeeded: block & UInt64(slotsPerLevel &- 1))
            : Int(truncatingIfNeeded: block % UInt64(slotsPerLevel))
    }

    /// The lowest level whose next S slots reach `due` (after the cursor).
    ///
    /// With S = 2^b the answer is L or L + 1, where L = floor(log2(due -
    /// cursor)) / b: below L the distance alone is S blocks or more, and at
    /// L + 1 it is less than one block, so at most one block boundary lies
    /// between cursor and due. A table gives L, one comparison the rest
    /// (a loop from level 0 mispredicted a branch on nearly every timer).
    @inlinable @inline(__always)
    func level(of due: UInt64) -> Int {
        let perLevel = UInt64(slotsPerLevel)
        if slotShift > 0 {
            let level = Int(levelOfBit[63 &- (due &- cursor).leadingZeroBitCount])
            return block(due, level: level) &- block(cursor, level: level) < perLevel ? level : level &+ 1
        }
        var level = 0
        // Terminates: the top level's S slots cover every UInt64 tick.
        while block(due, level: level) &- block(cursor, level: level) >= perLevel { level &+= 1 }
        return level
    }

    /// Puts an entry due after the cursor in its slot.
    @inlinable @inline(__always)
    mutating func link(_ entry: TimingWheelEntry, tick due: UInt64) {
        let level = level(of: due)
        if level >= levelCount { addLevels(through: level) }
        let slot = slot(ofBlock: block(due, level: level))
        if storage.append(entry, to: level &* slotsPerLevel &+ slot) {
            storage.occupancy[level &* wordsPerLevel &+ slot &>> 6] |= 1 &<< UInt64(slot & 63)
        }
    }

    /// Kafka's overflow wheels, made on first need.
    @inlinable
    mutating func addLevels(through level: Int) {
        while levelCount <= level {
            storage.addLevel(slotsPerLevel: slotsPerLevel, words: wordsPerLevel)
            levelCount += 1
        }
    }

    // MARK: Finding and opening slots

    /// Opens slots, earliest first, until a timer is ready or the next
    /// occupied slot starts after tick `limit`.
    @inlinable
    mutating func openSlots(through limit: UInt64) {
        while storage.readyCount == 0, pending > 0 {
            let (start, levels) = earliestSlot()
            guard levels != 0, start <= limit else { return }
            open(start, levels: levels)
        }
    }

    /// The start tick of the earliest occupied slot, and the set of levels
    /// (bit L for level L) that have an occupied slot starting there; levels
    /// is 0 when every slot is empty.
    @inlinable
    func earliestSlot() -> (start: UInt64, levels: UInt64) {
        var best = UInt64.max
        var levels: UInt64 = 0
        let occupancy = storage.occupancy
        for level in 0..<levelCount where !isEmpty(level: level, occupancy) {
            let current = block(cursor, level: level)
            let width = slotShift > 0 ? 1 &<< UInt64(level &* slotShift) : widths[level]
            // No overflow: an occupied slot of this level starts at or after
            // this, and at or before a due tick.
            let earliestPossible = (current &+ 1) &* width
            // Levels further up cannot start earlier: stop.
            if levels != 0 && earliestPossible > best { break }
            let distance = distanceToOccupied(level: level, from: slot(ofBlock: current), occupancy)
            let start = (current &+ UInt64(distance)) &* width
            if start < best {
                best = start
                levels = 1 &<< UInt64(level)
            } else if start == best {
                levels |= 1 &<< UInt64(level)
            }
        }
        return (best, levels)
    }

    /// Moves the cursor to `start` and empties the slots of `levels` that
    /// begin there: each timer goes one or more levels down, or, if its tick
    /// has come, to the ready queue. Nothing goes back into a slot being
    /// opened (its timers all go further down or to the ready queue), so the
    /// slot's buffer is read in place and emptied afterwards.
    @inlinable
    mutating func open(_ start: UInt64, levels: UInt64) {
        if levels & ~3 == 0 && levels & 2 != 0 && flushesLevelOne && flushLevelOne(start) { return }
        cursor = start
        var remaining = levels
        while remaining != 0 {
            let level = remaining.trailingZeroBitCount
            remaining &= remaining &- 1
            let slot = slot(ofBlock: block(start, level: level))
            let header = storage.slots + (level &* slotsPerLevel &+ slot)
            storage.occupancy[level &* wordsPerLevel &+ slot &>> 6] &= ~(1 &<< UInt64(slot & 63))
            guard let entries = header.pointee.entries else { continue }
            var count = header.pointee.count
            header.pointee.count = 0
            if stale > 0 || count <= Self.touchLimit { count = dropTombstones(entries, count) }
            if count <= Self.touchLimit { touchRecords(entries, count) }
            replace(entries, count)
            // A large buffer goes back to the allocator; a small one stays
            // for the slot's next turn.
            if header.pointee.capacity > 4_096 {
                TimingWheelMemory.deallocate(entries)
                header.pointee = TimingWheelSlot()
            }
        }
    }

    /// Whether a level-1 slot may be opened straight into the ready queue:
    /// levels of 16 to 64 slots (one bitmap word; a tiny wheel would gain
    /// nothing, and its tests watch timers step down every level).
    @inlinable
    var flushesLevelOne: Bool { wordsPerLevel == 1 && slotsPerLevel >= 16 }

    /// Opens the level-1 slot starting at `start` and the whole of level 0
    /// at once, straight into the ready queue, and moves the cursor to the
    /// slot's last tick, when they hold at most `flushLimit` entries in all.
    ///
    /// Valid because the slot spans exactly one turn of level 0: every timer
    /// in level 0 is due before the slot ends, no slot of a higher level
    /// starts inside it (their starts are multiples of its span), and so
    /// after the flush every timer due up to the new cursor is in the ready
    /// queue and every timer in a slot is due after it — the wheel's
    /// invariant. On a sparse wheel (10M timers over 90 days: one timer per
    /// 778 ms) this saves a slot search and an open per timer: without it,
    /// each timer went through its own level-1 and level-0 slot alone.
    /// Returns false, having done nothing, when the slots hold more.
    @inlinable
    mutating func flushLevelOne(_ start: UInt64) -> Bool {
        let slot = slot(ofBlock: block(start, level: 1))
        let header = storage.slots + (slotsPerLevel &+ slot)
        var total = header.pointee.count
        var bits = storage.occupancy[0]
        while bits != 0 {
            total &+= storage.slots[bits.trailingZeroBitCount].count
            bits &= bits &- 1
        }
        guard total <= Self.flushLimit else { return false }
        cursor = start &+ UInt64(slotsPerLevel &- 1)
        storage.occupancy[1] &= ~(1 &<< UInt64(slot))
        makeReady(header)
        bits = storage.occupancy[0]
        storage.occupancy[0] = 0
        while bits != 0 {
            makeReady(storage.slots + bits.trailingZeroBitCount)
            bits &= bits &- 1
        }
        return true
    }

    @inlinable static var flushLimit: Int { 256 }

    /// Moves every live entry of a slot to the ready queue and empties it.
    @inlinable
    mutating func makeReady(_ header: UnsafeMutablePointer<TimingWheelSlot>) {
        guard let entries = header.pointee.entries else { return }
        let count = dropTombstones(entries, header.pointee.count)
        header.pointee.count = 0
        let records = storage.records
        for k in 0..<count {
            let entry = entries[k]
            storage.pushReady(TimingWheelReadyEntry(due: entry.due, sequence: records[Int(entry.index)].sequence,
                                                    index: entry.index, generation: entry.generation))
        }
    }

    /// Slots of at most this many entries have their records read when
    /// opened (`touchRecords`). Their timers are due within the slot's span,
    /// so the records will be read again soon (at the latest when the timers
    /// fire) and stay in cache meanwhile. Larger slots (a top level's,
    /// millions of timers due over days) are cascaded without reading the
    /// slab; their tombstones, if any, are found in the dense generations.
    @inlinable static var touchLimit: Int { 4_096 }

    /// Removes the entries of cancelled timers (stale generation) in place;
    /// returns how many are left.
    @inlinable
    mutating func dropTombstones(_ entries: UnsafeMutablePointer<TimingWheelEntry>, _ count: Int) -> Int {
        let generations = storage.generations
        var kept = 0
        for k in 0..<count {
            let entry = entries[k]
            entries[kept] = entry
            kept &+= generations[Int(entry.index)] == entry.generation ? 1 : 0
        }
        stale &-= count &- kept
        return kept
    }

    /// Reads the record of every entry, in a loop of independent loads the
    /// processor overlaps, so that they are in cache when the timers reach
    /// the ready queue and fire (one cache miss at a time there was more than
    /// half the wheel's time on 10M timers). The sum is stored only so that
    /// the loads are not optimized away.
    @inlinable
    func touchRecords(_ entries: UnsafeMutablePointer<TimingWheelEntry>, _ count: Int) {
        let records = storage.records
        var sum: UInt64 = 0
        for k in 0..<count { sum &+= records[Int(entries[k].index)].sequence }
        storage.touched = sum
    }

    /// Places the entries of an opened slot relative to the new cursor. Only
    /// timers whose tick has come read their record (for the sequence that
    /// orders the ready queue); tombstones found there are dropped.
    @inlinable
    mutating func replace(_ entries: UnsafeMutablePointer<TimingWheelEntry>, _ count: Int) {
        for k in 0..<count {
            let entry = entries[k]
            let due = tick(of: entry.due)
            if due > cursor {
                link(entry, tick: due)
            } else {
                if storage.generations[Int(entry.index)] == entry.generation {
                    let sequence = storage.records[Int(entry.index)].sequence
                    storage.pushReady(TimingWheelReadyEntry(due: entry.due, sequence: sequence,
                                                            index: entry.index, generation: entry.generation))
                } else {
                    stale &-= 1
                }
            }
        }
    }

    @inlinable
    func isEmpty(level: Int, _ occupancy: UnsafeMutablePointer<UInt64>) -> Bool {
        let base = level &* wordsPerLevel
        for word in base..<(base &+ wordsPerLevel) where occupancy[word] != 0 { return false }
        return true
    }

    /// How many slots after `current` the next occupied slot of a non-empty
    /// level is, going round (1...S-1: the current slot is always empty).
    @inlinable
    func distanceToOccupied(level: Int, from current: Int, _ occupancy: UnsafeMutablePointer<UInt64>) -> Int {
        if let slot = firstOccupied(level: level, from: current &+ 1, to: slotsPerLevel, occupancy) {
            return slot &- current
        }
        let slot = firstOccupied(level: level, from: 0, to: current, occupancy) ?? current
        return slot &+ slotsPerLevel &- current
    }

    /// The first occupied slot in lower..<upper of a level.
    @inlinable
    func firstOccupied(level: Int, from lower: Int, to upper: Int, _ occupancy: UnsafeMutablePointer<UInt64>) -> Int? {
        guard lower < upper else { return nil }
        let base = level &* wordsPerLevel
        var word = lower &>> 6
        var bits = occupancy[base &+ word] & (UInt64.max &<< UInt64(lower & 63))
        while true {
            if bits != 0 {
                let slot = word &* 64 &+ bits.trailingZeroBitCount
                return slot < upper ? slot : nil
            }
            word &+= 1
            if word &* 64 >= upper { return nil }
            bits = occupancy[base &+ word]
        }
    }

    // MARK: Compaction

    /// Drops every tombstone from every slot and the ready queue: O(entries),
    /// run when tombstones outnumber pending timers (and a few thousand), so
    /// each cancel pays for at most about two entries checked, and the wheel
    /// holds at most about two entries per pending timer.
    @inlinable
    @inline(never)
    mutating func compact() {
        for level in 0..<levelCount {
            for slot in 0..<slotsPerLevel {
                let header = storage.slots + (level &* slotsPerLevel &+ slot)
                guard let entries = header.pointee.entries, header.pointee.count > 0 else { continue }
                let kept = dropTombstones(entries, header.pointee.count)
                header.pointee.count = kept
                if kept == 0 {
                    storage.occupancy[level &* wordsPerLevel &+ slot &>> 6] &= ~(1 &<< UInt64(slot & 63))
                    TimingWheelMemory.deallocate(entries)
                    header.pointee = TimingWheelSlot()
                }
            }
        }
        stale &-= storage.compactReady()
    }
}

// MARK: Inspection (tests)

extension TimingWheel {
    /// Where a pending timer waits: in the ready queue (level nil, slot = its
    /// place in the heap) or in a slot. A linear search, for tests only.
    func placement(of handle: TimerHandle) -> (level: Int?, slot: Int)? {
        guard storage.isPending(index: handle.index, generation: handle.generation) else { return nil }
        for k in 0..<storage.readyCount where storage.ready[k].index == handle.index && storage.ready[k].generation == handle.generation {
            return (nil, k)
        }
        for list in 0..<(levelCount * slotsPerLevel) {
            let header = storage.slots[list]
            for k in 0..<header.count {
                let entry = header.entries.unsafelyUnwrapped[k]
                if entry.index == handle.index && entry.generation == handle.generation {
                    return (list / slotsPerLevel, list % slotsPerLevel)
                }
            }
        }
        return nil
    }

    /// Records in the slab, pending or free: what the wheel's memory grows with.
    var slabSize: Int { storage.recordCount }
    var levelsMade: Int { levelCount }
    /// Entries of cancelled timers not yet dropped.
    var tombstones: Int { stale }
}
