// The UTC offsets of IANA zones as tables of their transitions, so local
// time costs a binary search instead of a trip into ICU. Foundation's
// `TimeZone.secondsFromGMT(for:)` took ~70 ns and a lock per call, and a
// cadence slot placement asks it for dozens of offsets (every wall-clock
// time turned into an instant asks three or four: LocalDay.swift); with two
// threads stepping leads the lock is shared too (docs/BENCHMARKS.md,
// "Local time").
//
// A zone's table is read once from the same tz database through
// `nextDaylightSavingTimeTransition(after:)`, which reports every change of
// offset (standard-time changes included; the unit tests check every known
// zone against `secondsFromGMT` at random instants), for 1970 to 2100.
// Outside those years, and for a zone the system does not list (a fixed
// offset such as `GMT+0100`), the offset is asked of `TimeZone` itself.
//
// Thread safety: `ZoneTable.shared` is immutable once built (the index of
// the known zone names) but for one `AtomicLazyReference` per zone, which is
// set once with the zone's table, lock-free; two threads that both build a
// table keep the first stored. A table never changes afterwards, so readers
// need no lock. The engine stays a pure function: the table is a memo of
// the tz database it already read.

import Foundation
import Synchronization

/// The offsets of one zone between two instants, by transition.
final class ZoneOffsets: Sendable {
    let zone: TimeZone
    /// Ascending instants (ms) at which an offset starts; the first is `lower`.
    private let starts: [Int64]
    /// `offsets[i]` (ms) is in force from `starts[i]` until `starts[i + 1]`.
    private let offsets: [Int64]
    private let upper: Int64

    /// 1970-01-01T00:00:00Z and 2100-01-01T00:00:00Z.
    static let tableRange: Range<Int64> = 0..<4_102_444_800_000

    /// The table of `zone` over `tableRange`.
    init(zone: TimeZone) {
        self.zone = zone
        var starts = [Self.tableRange.lowerBound]
        var offsets = [Self.direct(zone, Self.tableRange.lowerBound)]
        let end = Date(timeIntervalSince1970: Double(Self.tableRange.upperBound) / 1000)
        var date = Date(timeIntervalSince1970: Double(Self.tableRange.lowerBound) / 1000)
        while let next = zone.nextDaylightSavingTimeTransition(after: date), next < end, next > date {
            let at = Int64((next.timeIntervalSince1970 * 1000).rounded())
            starts.append(at)
            offsets.append(Self.direct(zone, at))
            date = next
        }
        self.starts = starts
        self.offsets = offsets
        upper = Self.tableRange.upperBound
    }

    /// The zone's offset from UTC at an instant, in milliseconds.
    func offset(at time: Int64) -> Int64 {
        guard time >= Self.tableRange.lowerBound, time < upper else { return Self.direct(zone, time) }
        // The last start at or before `time` (starts[0] is the range's start).
        return starts.withUnsafeBufferPointer { starts in
            var low = 0, high = starts.count
            while high - low > 1 {
                let mid = (low + high) / 2
                if starts[mid] <= time { low = mid } else { high = mid }
            }
            return offsets.withUnsafeBufferPointer { $0[low] }
        }
    }

    /// Foundation's answer, for instants outside the table.
    static func direct(_ zone: TimeZone, _ time: Int64) -> Int64 {
        let clamped = min(max(time, Instant.earliest), Instant.latest)
        return Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(clamped) / 1000))) * 1000
    }
}

/// The offset tables of the system's zones, each built on first use.
@available(macOS 15, *)  // AtomicLazyReference; Linux has it
final class ZoneTable: Sendable {
    static let shared = ZoneTable()

    private final class Slot: Sendable {
        let name: String
        let offsets = AtomicLazyReference<ZoneOffsets>()
        init(name: String) { self.name = name }
    }

    private let index: [String: Slot]

    private init() {
        var index: [String: Slot] = [:]
        for name in TimeZone.knownTimeZoneIdentifiers + ["UTC", "GMT"] { index[name] = Slot(name: name) }
        self.index = index
    }

    /// The offsets of the zone named `name`; nil for a name the system does
    /// not list (or that names no zone).
    func offsets(named name: String) -> ZoneOffsets? {
        guard let slot = index[name] else { return nil }
        if let built = slot.offsets.load() { return built }
        guard let zone = TimeZone(identifier: name) else { return nil }
        return slot.offsets.storeIfNil(ZoneOffsets(zone: zone))
    }

}

/// How LocalDay reads a zone's offsets: from its table, or from Foundation.
enum ZoneReader: Sendable {
    case table(ZoneOffsets)
    case direct(TimeZone)

    /// The table of `zone` when the system lists its name, else a reader
    /// that asks `zone` each time (no table is built for it).
    init(_ zone: TimeZone) {
        if #available(macOS 15, *), let table = ZoneTable.shared.offsets(named: zone.identifier) {
            self = .table(table)
        } else {
            self = .direct(zone)
        }
    }

    func offset(at time: Int64) -> Int64 {
        switch self {
        case .table(let t): t.offset(at: time)
        case .direct(let zone): ZoneOffsets.direct(zone, time)
        }
    }
}
