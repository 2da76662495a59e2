// The timing wheel's ready queue: timers whose tick has come, in a binary
// heap of 24-byte entries ordered by (due, sequence), compared without
// reading the slab. Cancelled timers' entries stay until they surface (or a
// compaction drops them), recognised by their old generation.

extension TimingWheelStorage {
    @inlinable
    func pushReady(_ entry: TimingWheelReadyEntry) {
        if readyCount == readyCapacity { growReady() }
        var position = readyCount
        readyCount &+= 1
        while position > 0 {
            let parent = (position &- 1) &>> 1
            guard entry.firesBefore(ready[parent]) else { break }
            ready[position] = ready[parent]
            position = parent
        }
        ready[position] = entry
    }

    @inlinable
    @inline(never)
    func growReady() {
        let capacity = max(16, readyCapacity * 2)
        ready = TimingWheelMemory.grow(ready, count: readyCount, to: capacity)
        readyCapacity = capacity
    }

    /// Removes the first entry of the ready queue (which must not be empty).
    @inlinable
    func removeFirstReady() {
        readyCount &-= 1
        guard readyCount > 0 else { return }
        siftDown(ready[readyCount], from: 0)
    }

    @inlinable
    func siftDown(_ entry: TimingWheelReadyEntry, from start: Int) {
        var position = start
        let n = readyCount
        while true {
            var child = 2 &* position &+ 1
            guard child < n else { break }
            if child &+ 1 < n && ready[child &+ 1].firesBefore(ready[child]) { child &+= 1 }
            guard ready[child].firesBefore(entry) else { break }
            ready[position] = ready[child]
            position = child
        }
        ready[position] = entry
    }

    /// Drops the ready queue's tombstones and restores the heap in O(r);
    /// returns how many were dropped.
    @inlinable
    func compactReady() -> Int {
        var kept = 0
        for k in 0..<readyCount {
            let entry = ready[k]
            if generations[Int(entry.index)] == entry.generation {
                ready[kept] = entry
                kept &+= 1
            }
        }
        let dropped = readyCount &- kept
        readyCount = kept
        var parent = kept / 2
        while parent > 0 {
            parent &-= 1
            siftDown(ready[parent], from: parent)
        }
        return dropped
    }
}
