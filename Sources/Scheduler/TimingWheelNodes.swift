// The timing wheel's storage: one slab of nodes (plain values in a
// ContiguousArray, no object per timer) with a free list of released nodes;
// per slot, an array of the indices of its nodes; and the ready queue, a
// binary heap of node indices.
//
// A node records where it is, so cancel needs no search:
//   in slot  list = slot number (level * S + slot), position = its index in
//            that slot's array (cancel moves the slot's last node into it)
//   ready    list == readyList, position = its index in the `ready` heap
//   free     list == freeList, position = next free node (or -1)
//
// Slots are arrays rather than linked lists on purpose: opening a slot reads
// its node indices in one sequential sweep, so the processor can fetch many
// nodes at once instead of chasing one pointer per node, and a slot's
// indices stay in roughly ascending (allocation) order at every level.

extension TimingWheel {
    @usableFromInline
    struct Node {
        // Element first: an Element? of 9 bytes (Int) packs with the 4-byte
        // fields below into 40 bytes instead of 48.
        @usableFromInline var element: Element?
        @usableFromInline var generation: UInt32
        @usableFromInline var list: Int32
        @usableFromInline var position: Int32
        @usableFromInline var due: Int64
        @usableFromInline var sequence: UInt64

        @inlinable
        init(element: Element?, generation: UInt32, list: Int32, position: Int32, due: Int64, sequence: UInt64) {
            self.element = element
            self.generation = generation
            self.list = list
            self.position = position
            self.due = due
            self.sequence = sequence
        }
    }

    @inlinable static var readyList: Int32 { -1 }
    @inlinable static var freeList: Int32 { -2 }

    @inlinable
    func isPending(_ handle: TimerHandle) -> Bool {
        let index = Int(handle.index)
        return index >= 0 && index < nodes.count
            && nodes[index].generation == handle.generation
            && nodes[index].list != Self.freeList
    }

    // MARK: Slab

    /// A node for a new timer: a released one if any, else a new one. The
    /// slab grows by a quarter, not double, so that its unused tail stays
    /// within the budget of 64 bytes per pending timer (40-byte nodes: at
    /// most 50 bytes a timer right after a growth).
    @inlinable
    mutating func allocate(_ element: Element, due: Int64) -> Int32 {
        sequence &+= 1
        if firstFree >= 0 {
            let index = firstFree
            let i = Int(index)
            firstFree = nodes[i].position
            nodes[i].element = element
            nodes[i].due = due
            nodes[i].sequence = sequence
            return index
        }
        precondition(nodes.count < Int(Int32.max), "TimingWheel: more than 2^31 - 1 pending timers")
        if nodes.count == nodes.capacity {
            nodes.reserveCapacity(min(Int(Int32.max), nodes.count + max(nodes.count / 4, 64)))
        }
        nodes.append(Node(element: element, generation: 0, list: Self.freeList, position: -1, due: due, sequence: sequence))
        return Int32(nodes.count - 1)
    }

    /// Returns a detached node to the free list and hands back its element.
    /// The new generation makes every handle to the old timer stale.
    @inlinable
    mutating func release(_ index: Int32) -> Element {
        let i = Int(index)
        var element: Element? = nil
        swap(&element, &nodes[i].element)
        nodes[i].generation &+= 1
        nodes[i].list = Self.freeList
        nodes[i].position = firstFree
        firstFree = index
        guard let element else { preconditionFailure("TimingWheel: a pending timer without its element") }
        return element
    }

    /// Takes a pending node out of its slot list or the ready queue.
    @inlinable
    mutating func detach(_ index: Int32) {
        let i = Int(index)
        if nodes[i].list == Self.readyList {
            removeReady(at: Int(nodes[i].position))
        } else {
            unlink(index)
        }
    }

    // MARK: Slots

    @inlinable
    mutating func link(_ index: Int32, level: Int, slot: Int) {
        let i = Int(index)
        let list = level &* slotsPerLevel &+ slot
        let count = slots[list].count
        nodes[i].list = Int32(truncatingIfNeeded: list)
        nodes[i].position = Int32(truncatingIfNeeded: count)
        if count == 0 {
            occupancy[level &* wordsPerLevel &+ slot &>> 6] |= 1 &<< UInt64(slot & 63)
        }
        slots[list].append(index)
    }

    /// Takes a node out of its slot: the slot's last node fills the hole.
    @inlinable
    mutating func unlink(_ index: Int32) {
        let i = Int(index)
        let list = Int(nodes[i].list), position = Int(nodes[i].position)
        let last = slots[list].removeLast()
        if position < slots[list].count {
            slots[list][position] = last
            nodes[Int(last)].position = Int32(truncatingIfNeeded: position)
        } else if position == 0 {
            let (level, slot) = levelAndSlot(list)
            clearOccupancy(level: level, slot: slot)
        }
    }

    @inlinable
    func levelAndSlot(_ list: Int) -> (level: Int, slot: Int) {
        slotShift > 0 ? (list &>> slotShift, list & (slotsPerLevel &- 1)) : list.quotientAndRemainder(dividingBy: slotsPerLevel)
    }

    @inlinable
    mutating func clearOccupancy(level: Int, slot: Int) {
        occupancy[level &* wordsPerLevel &+ slot &>> 6] &= ~(1 &<< UInt64(slot & 63))
    }

    // MARK: Ready queue

    @inlinable
    func firesBefore(_ a: Int32, _ b: Int32) -> Bool {
        let x = Int(a), y = Int(b)
        let dueA = nodes[x].due, dueB = nodes[y].due
        return dueA < dueB || (dueA == dueB && nodes[x].sequence < nodes[y].sequence)
    }

    @inlinable
    mutating func pushReady(_ index: Int32) {
        nodes[Int(index)].list = Self.readyList
        ready.append(index)
        siftUp(ready.count - 1)
    }

    @inlinable
    mutating func removeReady(at position: Int) {
        let last = ready.removeLast()
        guard position < ready.count else { return }
        ready[position] = last
        nodes[Int(last)].position = Int32(truncatingIfNeeded: position)
        siftDown(position)
        siftUp(Int(nodes[Int(last)].position))
    }

    @inlinable
    mutating func siftUp(_ start: Int) {
        var position = start
        let moving = ready[position]
        while position > 0 {
            let parent = (position &- 1) / 2
            let above = ready[parent]
            guard firesBefore(moving, above) else { break }
            ready[position] = above
            nodes[Int(above)].position = Int32(truncatingIfNeeded: position)
            position = parent
        }
        ready[position] = moving
        nodes[Int(moving)].position = Int32(truncatingIfNeeded: position)
    }

    @inlinable
    mutating func siftDown(_ start: Int) {
        var position = start
        let moving = ready[position]
        let n = ready.count
        while true {
            var child = 2 &* position &+ 1
            guard child < n else { break }
            if child &+ 1 < n && firesBefore(ready[child &+ 1], ready[child]) { child &+= 1 }
            let below = ready[child]
            guard firesBefore(below, moving) else { break }
            ready[position] = below
            nodes[Int(below)].position = Int32(truncatingIfNeeded: position)
            position = child
        }
        ready[position] = moving
        nodes[Int(moving)].position = Int32(truncatingIfNeeded: position)
    }
}

extension TimingWheel.Node: Sendable where Element: Sendable {}
