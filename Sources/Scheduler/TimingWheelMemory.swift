// Allocation for the timing wheel's buffers (TimingWheelStorage.swift).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The wheel's buffers of plain values (entries, generations, bitmaps, the
/// ready queue, records of a trivial Element) live in malloc's memory so
/// that they grow with `realloc`, which moves a large block by remapping its
/// pages instead of copying it: the slab of 10M timers grows by a quarter at
/// a time, and copying it each time was a tenth of the wheel's time. Other
/// types use Swift's allocator and move their values one by one.
@usableFromInline
enum TimingWheelMemory {
    @inlinable
    static func usesMalloc<T>(_: T.Type) -> Bool {
        _isPOD(T.self) && MemoryLayout<T>.alignment <= 16
    }

    @inlinable
    static func allocate<T>(_: T.Type, capacity: Int) -> UnsafeMutablePointer<T> {
        guard usesMalloc(T.self) else { return .allocate(capacity: capacity) }
        guard let raw = malloc(max(1, capacity * MemoryLayout<T>.stride)) else {
            fatalError("TimingWheel: out of memory")
        }
        return raw.bindMemory(to: T.self, capacity: capacity)
    }

    @inlinable
    static func deallocate<T>(_ pointer: UnsafeMutablePointer<T>) {
        if usesMalloc(T.self) { free(pointer) } else { pointer.deallocate() }
    }

    /// A buffer of `capacity` holding the `count` values of `pointer`, which
    /// is gone afterwards.
    @inlinable
    static func grow<T>(_ pointer: UnsafeMutablePointer<T>, count: Int, to capacity: Int) -> UnsafeMutablePointer<T> {
        if usesMalloc(T.self) {
            guard let raw = realloc(pointer, max(1, capacity * MemoryLayout<T>.stride)) else {
                fatalError("TimingWheel: out of memory")
            }
                return raw.bindMemory(to: T.self, capacity: capacity)
        }
        let grown = UnsafeMutablePointer<T>.allocate(capacity: capacity)
        grown.moveInitialize(from: pointer, count: count)
        pointer.deallocate()
        return grown
    }
}
