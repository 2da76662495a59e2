// The mechanisms behind the timing wheel's speed (TimingWheelStorage.swift,
// TimingWheelLevels.swift): lazy cancellation (tombstones, dropped when a
// slot opens or by a compaction), copy-on-write of the single storage
// object, the level-1 flush straight into the ready queue, the table that
// picks a level, and the lifetime of elements held in raw buffers.

import RulesLanguage
import Testing
@testable import Scheduler

private func drain<E>(_ wheel: inout TimingWheel<E>, upTo time: Int64) -> [(E, Int64)] {
    var fired: [(E, Int64)] = []
    while let timer = wheel.popNext(upTo: time) { fired.append((timer.element, timer.due)) }
    return fired
}

@Test func cancelLeavesATombstoneThatOpeningItsSlotDrops() {
    var wheel = TimingWheel<Int>(start: 0)
    let handles = (0..<10).map { wheel.schedule($0, at: 100_000 + Int64($0)) }
    for i in stride(from: 0, to: 10, by: 2) { #expect(wheel.cancel(handles[i]) == i) }
    #expect(wheel.count == 5 && wheel.tombstones == 5)
    #expect(wheel.slabSize == 10, "freed records are reused, not dropped")
    #expect(drain(&wheel, upTo: 200_000).map(\.0) == [1, 3, 5, 7, 9])
    #expect(wheel.tombstones == 0 && wheel.count == 0)
}

@Test func compactionRunsOnceTombstonesOutnumberPendingTimersAndKeepsTheOrder() {
    var wheel = TimingWheel<Int>(start: 0)
    // Far ahead (level 4 and 5 slots), so no slot opens while cancelling.
    let dues = (0..<12_000).map { Int64(86_400_000 + ($0 * 7_919) % 5_000_000_000) }
    let handles = dues.enumerated().map { wheel.schedule($0.offset, at: $0.element) }
    var peak = 0
    for i in 0..<12_000 where i % 3 != 0 {
        wheel.cancel(handles[i])
        peak = max(peak, wheel.tombstones)
    }
    #expect(wheel.count == 4_000)
    // The 6,001st cancel would leave 6,001 tombstones against 5,999 pending
    // timers: it compacts, so 6,000 is the most ever seen.
    #expect(peak == 6_000, "compaction once tombstones outnumber pending timers (and 4,096): \(peak)")
    #expect(wheel.tombstones < peak)
    let expected = (0..<12_000).filter { $0 % 3 == 0 }.sorted { (dues[$0], $0) < (dues[$1], $1) }
    let fired = drain(&wheel, upTo: .max)
    #expect(fired.map(\.0) == expected)
    #expect(fired.allSatisfy { dues[$0.0] == $0.1 })
    #expect(wheel.tombstones == 0)
}

@Test func aCopyOfTheWheelIsIndependentOfTheOriginal() {
    var original = TimingWheel<String>(start: 0)
    let a = original.schedule("a", at: 10)
    original.schedule("b", at: 5_000)
    var copy = original
    #expect(copy.cancel(a) == "a")
    copy.schedule("c", at: 7)
    #expect(drain(&copy, upTo: 10_000).map(\.0) == ["c", "b"])
    #expect(original.count == 2)
    #expect(drain(&original, upTo: 10_000).map(\.0) == ["a", "b"])
    // And the other way round: the original changes, the copy does not.
    var second = TimingWheel<String>(start: 0)
    second.schedule("x", at: 3)
    let snapshot = second
    #expect(second.popNext(upTo: 3)?.element == "x")
    #expect(snapshot.count == 1)
}

@Test func aSparseLevelOneSlotOpensStraightIntoTheReadyQueueInSequenceOrder() {
    var wheel = TimingWheel<String>(start: 0)              // 64 slots: flushes level 1
    let early = wheel.schedule("level 1, first", at: 130)  // level 1, slot 2: ticks 128..<192
    wheel.schedule("level 1, other", at: 190)
    #expect(drain(&wheel, upTo: 100).isEmpty)              // nothing opened: 128 is the first slot
    #expect(wheel.placement(of: early)?.level == 1)
    let late = wheel.schedule("level 0, later", at: 130)   // cursor still 0: level 1 as well
    #expect(wheel.placement(of: late)?.level == 1)
    #expect(wheel.nextDue() == 130)                        // opens 128: the slot and level 0 go ready
    #expect(wheel.placement(of: early)?.level == nil && wheel.placement(of: late)?.level == nil)
    // Scheduled inside the flushed span (before its end, 191): ready at once, in order.
    let inside = wheel.schedule("inside", at: 150)
    #expect(wheel.placement(of: inside)?.level == nil)
    wheel.schedule("after", at: 192)
    #expect(drain(&wheel, upTo: 129).isEmpty, "never early")
    #expect(drain(&wheel, upTo: 192).map(\.0) == ["level 1, first", "level 0, later", "inside", "level 1, other", "after"])
}

@Test func aCrowdedLevelOneSlotCascadesAsUsual() {
    var wheel = TimingWheel<Int>(start: 0)
    let handles = (0..<300).map { wheel.schedule($0, at: 128 + Int64($0 % 64)) }
    #expect(wheel.nextDue() == 128)
    // More than the flush limit: the slot cascaded into level 0 slots.
    #expect(wheel.placement(of: handles[1])?.level == 0)
    #expect(drain(&wheel, upTo: 191).map(\.0) == (0..<300).sorted { ($0 % 64, $0) < ($1 % 64, $1) })
}

@Test(arguments: [2, 4, 8, 64, 1_024])
func theLevelTableAgreesWithKafkasRule(slots: Int) {
    var random = SplitMix64(seed: UInt64(slots))
    var wheel = TimingWheel<Int>(start: 0, slotsPerLevel: slots)
    for _ in 0..<2_000 {
        let distance = UInt64.random(in: 1...(UInt64.max - wheel.cursor) >> UInt64.random(in: 0...63, using: &random), using: &random)
        let due = wheel.cursor + max(1, distance)
        var expected = 0
        while wheel.block(due, level: expected) - wheel.block(wheel.cursor, level: expected) >= UInt64(slots) { expected += 1 }
        #expect(wheel.level(of: due) == expected, "cursor \(wheel.cursor), due \(due)")
        if Int.random(in: 0..<10, using: &random) == 0 {
            // Move the cursor somewhere else (no timers pending, so nothing to break).
            wheel.cursor = UInt64.random(in: 0...UInt64.max / 2, using: &random)
        }
    }
}

private final class Payload {
    let id: Int
    init(_ id: Int) { self.id = id }
}

@Test func elementsAreReleasedWhenFiredCancelledCompactedOrTheWheelGoes() {
    weak var fired: Payload?, cancelled: Payload?, pending: Payload?
    do {
        var wheel = TimingWheel<Payload>(start: 0)
        do {
            let a = Payload(1), b = Payload(2), c = Payload(3)
            (fired, cancelled, pending) = (a, b, c)
            wheel.schedule(a, at: 10)
            let handle = wheel.schedule(b, at: 20)
            wheel.schedule(c, at: 30)
            #expect(wheel.cancel(handle)?.id == 2)
            #expect(wheel.popNext(upTo: 10)?.element.id == 1)
        }
        #expect(fired == nil && cancelled == nil)
        #expect(pending != nil)
        // Many cancels of class elements: compaction must neither leak nor free twice.
        let handles = (0..<10_000).map { wheel.schedule(Payload($0), at: 1_000_000 + Int64($0)) }
        for handle in handles { wheel.cancel(handle) }
        #expect(wheel.count == 1)
        let copy = wheel
        #expect(copy.count == 1)
    }
    #expect(pending == nil, "a dropped wheel releases its pending elements")
}
