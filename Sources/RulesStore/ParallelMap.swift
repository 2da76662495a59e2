// Encoding and decoding a large batch of rows on every core: a group commit
// of a thousand steps spends most of its CPU encoding lead states, and a page
// of a thousand leads most of its CPU decoding them, while SQLite itself is
// single-threaded. Small batches stay on the caller's thread.

import Foundation

enum ParallelMap {
    /// Below this many items the work stays on the caller's thread.
    static let minimum = 256

    /// `items.map(transform)` in order, split over the active cores when large;
    /// the first error (in item order) is thrown.
    static func map<T: Sendable, R: Sendable>(_ items: [T],
                                              _ transform: @Sendable (T) throws(StoreError) -> R) throws(StoreError) -> [R] {
        let cores = min(ProcessInfo.processInfo.activeProcessorCount, 8)
        guard items.count >= minimum, cores > 1 else {
            return try items.map { item throws(StoreError) in try transform(item) }
        }
        // One slot per part, each written by exactly one iteration.
        let slots = Slots<Result<[R], StoreError>>(count: cores, initial: .success([]))
        defer { slots.free() }
        DispatchQueue.concurrentPerform(iterations: cores) { part in
            let range = (items.count * part / cores)..<(items.count * (part + 1) / cores)
            slots.base[part] = Result { () throws(StoreError) in
                try items[range].map { item throws(StoreError) in try transform(item) }
            }
        }
        var results: [R] = []
        results.reserveCapacity(items.count)
        for part in 0..<cores { results += try slots.base[part].get() }
        return results
    }
}

/// Result slots shared by the iterations of a concurrentPerform; safe
/// because each iteration writes only its own slot and the caller reads
/// them after all have finished.
private struct Slots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    let count: Int

    init(count: Int, initial: T) {
        self.count = count
        base = .allocate(capacity: count)
        base.initialize(repeating: initial, count: count)
    }

    func free() {
        base.deinitialize(count: count)
        base.deallocate()
    }
}
