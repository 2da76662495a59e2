// The timing wheel's levels: which slot a timer goes to, how the wheel finds
// the next occupied slot without ticking through empty ones, and what
// happens when it opens one (the cascade). Ticks are counted as UInt64 from
// `start`, so every Int64 due time at or after it has one; earlier ones
// count as tick 0, which the wheel is always at or past.
//
// Kafka's rule decides the level: the lowest level L whose S slots from the
// current one reach the timer's tick, i.e. block(tick, L) - block(cursor, L)
// < S with block(t, L) = t / S^L. Slots are absolute (slot = block mod S), so
// a slot holds exactly one block until it is opened; a level above 0 never
// holds a timer in its current block (it would have fitted one level down).

extension TimingWheel {
    /// The tick of a time: 0 before `start`.
    @inlinable
    func tick(of time: Int64) -> UInt64 {
        guard time > origin else { return 0 }
        let offset = UInt64(bitPattern: time &- origin)   // exact: time - origin < 2^64
        return tickLength == 1 ? offset : offset / tickLength
    }

    @inlinable
    func block(_ tick: UInt64, level: Int) -> UInt64 {
        // level * slotShift <= 63: a level exists only while S^level fits in UInt64.
        slotShift > 0 ? tick &>> UInt64(level &* slotShift) : tick / widths[level]
    }

    @inlinable
    func slot(ofBlock block: UInt64) -> Int {
        slotShift > 0
            ? Int(truncatingIfNeeded: block & UInt64(slotsPerLevel &- 1))
            : Int(truncatingIfNeeded: block % UInt64(slotsPerLevel))
    }

    /// Puts a detached node where its due time says: the ready queue when its
    /// tick has come, else its slot, relative to the current cursor.
    @inlinable
    mutating func place(_ index: Int32) {
        place(index, tick: tick(of: nodes[Int(index)].due))
    }

    @inlinable
    mutating func place(_ index: Int32, tick due: UInt64) {
        guard due > cursor else {
            pushReady(index)
            return
        }
        let perLevel = UInt64(slotsPerLevel)
        var level = 0
        // Terminates: the top level's S slots cover every UInt64 tick.
        while block(due, level: level) &- block(cursor, level: level) >= perLevel { level &+= 1 }
        if level >= levelCount { addLevels(through: level) }
        link(index, level: level, slot: slot(ofBlock: block(due, level: level)))
    }

    /// Kafka's overflow wheels, made on first need.
    @inlinable
    mutating func addLevels(through level: Int) {
        while levelCount <= level {
            slots.append(contentsOf: repeatElement([], count: slotsPerLevel))
            occupancy.append(contentsOf: repeatElement(0, count: wordsPerLevel))
            levelCount += 1
        }
    }

    // MARK: Finding and opening slots

    /// Opens slots, earliest first, until a timer is ready or the next
    /// occupied slot starts after tick `limit`.
    @inlinable
    mutating func openSlots(through limit: UInt64) {
        while ready.isEmpty, pending > 0 {
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
        for level in 0..<levelCount where !isEmpty(level: level) {
            let current = block(cursor, level: level)
            let width = widths[level]
            // No overflow: an occupied slot of this level starts at or after
            // this, and at or before a due tick.
            let earliestPossible = (current &+ 1) &* width
            // Levels further up cannot start earlier: stop.
            if levels != 0 && earliestPossible > best { break }
            let start = (current &+ UInt64(distanceToOccupied(level: level, from: slot(ofBlock: current)))) &* width
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
    /// has come, to the ready queue.
    @inlinable
    mutating func open(_ start: UInt64, levels: UInt64) {
        cursor = start
        var remaining = levels
        while remaining != 0 {
            let level = remaining.trailingZeroBitCount
            remaining &= remaining &- 1
            let slot = slot(ofBlock: block(start, level: level))
            let list = level &* slotsPerLevel &+ slot
            var members: ContiguousArray<Int32> = []
            swap(&members, &slots[list])
            clearOccupancy(level: level, slot: slot)
            replace(members)
            // Nothing goes back into a slot being opened: keep a small
            // array's storage for the slot's next turn, free a large one.
            if members.capacity <= 4_096 {
                members.removeAll(keepingCapacity: true)
                swap(&members, &slots[list])
            }
        }
    }

    /// Places the nodes of an opened slot, 64 at a time: first every due
    /// time of the batch is read, in a loop of independent loads the
    /// processor can overlap (the nodes are scattered over the slab, and one
    /// cache miss after another was most of the cost of a cascade), then the
    /// batch is placed while its nodes are in cache.
    @inlinable
    mutating func replace(_ members: ContiguousArray<Int32>) {
        let batch = 64
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: batch) { ticks in
            members.withUnsafeBufferPointer { members in
                var first = 0
                while first < members.count {
                    let end = min(first &+ batch, members.count)
                    for k in first..<end { ticks[k &- first] = tick(of: nodes[Int(members[k])].due) }
                    for k in first..<end { place(members[k], tick: ticks[k &- first]) }
                    first = end
                }
            }
        }
    }

    @inlinable
    func isEmpty(level: Int) -> Bool {
        let base = level &* wordsPerLevel
        for word in base..<(base &+ wordsPerLevel) where occupancy[word] != 0 { return false }
        return true
    }

    /// How many slots after `current` the next occupied slot of a non-empty
    /// level is, going round (1...S-1: the current slot is always empty).
    @inlinable
    func distanceToOccupied(level: Int, from current: Int) -> Int {
        if let slot = firstOccupied(level: level, from: current &+ 1, to: slotsPerLevel) {
            return slot &- current
        }
        let slot = firstOccupied(level: level, from: 0, to: current) ?? current
        return slot &+ slotsPerLevel &- current
    }

    /// The first occupied slot in lower..<upper of a level.
    @inlinable
    func firstOccupied(level: Int, from lower: Int, to upper: Int) -> Int? {
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
}

// MARK: Inspection (tests)

extension TimingWheel {
    /// Where a pending timer waits: in the ready queue (level nil) or in a
    /// slot. For tests and debugging.
    func placement(of handle: TimerHandle) -> (level: Int?, slot: Int)? {
        guard isPending(handle) else { return nil }
        let node = nodes[Int(handle.index)]
        if node.list == Self.readyList { return (nil, Int(node.position)) }
        let (level, slot) = levelAndSlot(Int(node.list))
        return (level, slot)
    }

    /// Nodes in the slab, pending or free: what the wheel's memory grows with.
    var slabSize: Int { nodes.count }
    var levelsMade: Int { levelCount }
}
