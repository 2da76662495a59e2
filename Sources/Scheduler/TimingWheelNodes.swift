// The timing wheel's storage: one slab of nodes (struct of plain values in a
// ContiguousArray, no object per timer), linked by Int32 index into
// intrusive doubly-linked slot lists, a free list of released nodes, and the
// ready queue, a binary heap of node indices.
//
// A node's links say where it is, so cancel needs no search:
//   free     prev == freeMark, next = next free node (or -1)
//   ready    next == readyMark, prev = its position in the `ready` heap
//   in slot  next = following node or -1; prev = preceding node, or, for the
//            first node of a slot, -(slot number + 1)

extension TimingWheel {
    @usableFromInline
    struct Node {
        // Element first: an Element? of 9 bytes (Int) packs with the 4-byte
        // fields below into 40 bytes instead of 48.
        @usableFromInline var element: Element?
        @usableFromInline var generation: UInt32
        @usableFromInline var next: Int32
        @usableFromInline var prev: Int32
        @usableFromInline var due: Int64
        @usableFromInline var sequence: UInt64

        @inlinable
        init(element: Element?, generation: UInt32, next: Int32, prev: Int32, due: Int64, sequence: UInt64) {
            self.element = element
            self.generation = generation
            self.next = next
            self.prev = prev
            self.due = due
            self.sequence = sequence
        }
    }

    @inlinable static var freeMark: Int32 { .min }
    @inlinable static var readyMark: Int32 { .min }

    @inlinable
    func isPending(_ handle: TimerHandle) -> Bool {
        let index = Int(handle.index)
        return index >= 0 && index < nodes.count
            && nodes[index].generation == handle.generation
            && nodes[index].prev != Self.freeMark
    }

    // MARK: Slab

    /// A node for a new timer: a released one if any, else a new one. The
    /// slab grows by half, not double, to keep its slack within the memory
    /// budget of 64 bytes per pending timer.
    @inlinable
    mutating func allocate(_ element: Element, due: Int64) -> Int32 {
        sequence &+= 1
        if freeList >= 0 {
            let index = freeList
            let i = Int(index)
            freeList = nodes[i].next
            nodes[i].element = element
            nodes[i].due = due
            nodes[i].sequence = sequence
            return index
        }
        precondition(nodes.count < Int(Int32.max), "TimingWheel: more than 2^31 - 1 pending timers")
        if nodes.count == nodes.capacity {
            nodes.reserveCapacity(min(Int(Int32.max), nodes.count + max(nodes.count / 2, 64)))
        }
        nodes.append(Node(element: element, generation: 0, next: -1, prev: -1, due: due, sequence: sequence))
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
        nodes[i].prev = Self.freeMark
        nodes[i].next = freeList
        freeList = index
        guard let element else { preconditionFailure("TimingWheel: a pending timer without its element") }
        return element
    }

    /// Takes a pending node out of its slot list or the ready queue.
    @inlinable
    mutating func detach(_ index: Int32) {
        let i = Int(index)
        if nodes[i].next == Self.readyMark {
            removeReady(at: Int(nodes[i].prev))
        } else {
            unlink(index)
        }
    }

    // MARK: Slot lists

    @inlinable
    mutating func link(_ index: Int32, level: Int, slot: Int) {
        let i = Int(index)
        let list = level &* slotsPerLevel &+ slot
        let first = heads[list]
        nodes[i].next = first
        nodes[i].prev = -Int32(truncatingIfNeeded: list) - 1
        if first >= 0 {
            nodes[Int(first)].prev = index
        } else {
            occupancy[level &* wordsPerLevel &+ slot &>> 6] |= 1 &<< UInt64(slot & 63)
        }
        heads[list] = index
    }

    @inlinable
    mutating func unlink(_ index: Int32) {
        let i = Int(index)
        let next = nodes[i].next, prev = nodes[i].prev
        if next >= 0 { nodes[Int(next)].prev = prev }
        if prev >= 0 {
            nodes[Int(prev)].next = next
            return
        }
        let list = Int(-(prev + 1))
        heads[list] = next
        if next < 0 {
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
        nodes[Int(index)].next = Self.readyMark
        ready.append(index)
        siftUp(ready.count - 1)
    }

    @inlinable
    mutating func removeReady(at position: Int) {
        let last = ready.removeLast()
        guard position < ready.count else { return }
        ready[position] = last
        nodes[Int(last)].prev = Int32(truncatingIfNeeded: position)
        siftDown(position)
        siftUp(Int(nodes[Int(last)].prev))
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
            nodes[Int(above)].prev = Int32(truncatingIfNeeded: position)
            position = parent
        }
        ready[position] = moving
        nodes[Int(moving)].prev = Int32(truncatingIfNeeded: position)
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
            nodes[Int(below)].prev = Int32(truncatingIfNeeded: position)
            position = child
        }
        ready[position] = moving
        nodes[Int(moving)].prev = Int32(truncatingIfNeeded: position)
    }
}

extension TimingWheel.Node: Sendable where Element: Sendable {}
