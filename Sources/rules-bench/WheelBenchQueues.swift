// The two timer queues `rules-bench wheel` races, behind one small protocol
// so the same workload code (specialized for each) drives both.
//
// The heap side is the fairest heap timer queue we know how to write, not a
// straw man: swift-collections' `Heap` of 24-byte entries (due, sequence,
// slot, generation) ordered by (due, sequence); payloads in a slab with a
// free list and a generation per slot, so cancel is O(1) (bump the
// generation, free the slot) and the heap entry is dropped lazily when it
// surfaces; and, so that lazily cancelled entries cannot pile up for months,
// the heap is rebuilt (filter + O(n) heapify) whenever stale entries
// outnumber live ones, which keeps it within twice the live size at an
// amortized O(1) per cancel.

import HeapModule
import Scheduler

protocol BenchTimerQueue {
    associatedtype Handle
    init(start: Int64, slots: Int)
    mutating func schedule(_ element: Int, at due: Int64) -> Handle
    mutating func cancel(_ handle: Handle) -> Int?
    mutating func popNext(upTo time: Int64) -> (element: Int, due: Int64)?
}

struct WheelQueue: BenchTimerQueue {
    var wheel: TimingWheel<Int>

    init(start: Int64, slots: Int) { wheel = TimingWheel(start: start, slotsPerLevel: slots) }

    @inline(__always)
    mutating func schedule(_ element: Int, at due: Int64) -> TimerHandle { wheel.schedule(element, at: due) }

    @inline(__always)
    mutating func cancel(_ handle: TimerHandle) -> Int? { wheel.cancel(handle) }

    @inline(__always)
    mutating func popNext(upTo time: Int64) -> (element: Int, due: Int64)? {
        guard let timer = wheel.popNext(upTo: time) else { return nil }
        return (timer.element, timer.due)
    }
}

struct HeapQueue: BenchTimerQueue {
    struct Entry: Comparable {
        var due: Int64
        var sequence: UInt64
        var slot: Int32
        var generation: UInt32

        @inline(__always)
        static func < (a: Entry, b: Entry) -> Bool {
            a.due < b.due || (a.due == b.due && a.sequence < b.sequence)
        }

        static func == (a: Entry, b: Entry) -> Bool { a.due == b.due && a.sequence == b.sequence }
    }

    struct Handle {
        var slot: Int32
        var generation: UInt32
    }

    var heap = Heap<Entry>()
    var elements: ContiguousArray<Int?> = []
    var generations: ContiguousArray<UInt32> = []
    var free: ContiguousArray<Int32> = []
    var sequence: UInt64 = 0
    var stale = 0

    init(start: Int64, slots: Int) {}

    mutating func schedule(_ element: Int, at due: Int64) -> Handle {
        let slot: Int32
        if let reused = free.popLast() {
            slot = reused
            elements[Int(slot)] = element
        } else {
            slot = Int32(elements.count)
            elements.append(element)
            generations.append(0)
        }
        sequence &+= 1
        let generation = generations[Int(slot)]
        heap.insert(Entry(due: due, sequence: sequence, slot: slot, generation: generation))
        return Handle(slot: slot, generation: generation)
    }

    mutating func cancel(_ handle: Handle) -> Int? {
        let slot = Int(handle.slot)
        guard generations[slot] == handle.generation, let element = elements[slot] else { return nil }
        retire(slot)
        stale += 1
        if stale > 1_024 && stale > heap.count / 2 { compact() }
        return element
    }

    mutating func popNext(upTo time: Int64) -> (element: Int, due: Int64)? {
        while let first = heap.min {
            let slot = Int(first.slot)
            guard generations[slot] == first.generation else {
                heap.removeMin()
                stale -= 1
                continue
            }
            guard first.due <= time, let element = elements[slot] else { return nil }
            heap.removeMin()
            retire(slot)
            return (element, first.due)
        }
        return nil
    }

    private mutating func retire(_ slot: Int) {
        elements[slot] = nil
        generations[slot] &+= 1
        free.append(Int32(slot))
    }

    /// Drops every cancelled entry and heapifies the rest in O(n).
    private mutating func compact() {
        let generations = self.generations
        heap = Heap(heap.unordered.filter { generations[Int($0.slot)] == $0.generation })
        stale = 0
    }
}
