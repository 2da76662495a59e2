// The timing wheel driven by hand: a tiny wheel (1 ms tick, 3 slots) forces
// overflow levels and cascades within a few milliseconds, and the default
// shape replays the worked example of the header in TimingWheel.swift.

import Testing
@testable import Scheduler

/// Pops everything due at or before `time`, as (element, due).
private func drain<E>(_ wheel: inout TimingWheel<E>, upTo time: Int64) -> [(E, Int64)] {
    var fired: [(E, Int64)] = []
    while let timer = wheel.popNext(upTo: time) { fired.append((timer.element, timer.due)) }
    return fired
}

@Test func tinyWheelMakesLevelsOnFirstNeedAndPlacesByKafkasRule() {
    var wheel = TimingWheel<String>(start: 0, tickMilliseconds: 1, slotsPerLevel: 3)
    #expect(wheel.levelsMade == 1)
    // (due, level, slot): level L holds the 3 blocks of 3^L ms after the current one.
    let table: [(Int64, Int?, Int)] = [
        (1, 0, 1), (2, 0, 2), (3, 1, 1), (8, 1, 2), (9, 2, 1), (26, 2, 2), (27, 3, 1), (80, 3, 2), (81, 4, 1),
    ]
    for (due, level, slot) in table {
        let handle = wheel.schedule("t\(due)", at: due)
        let placement = wheel.placement(of: handle)
        #expect(placement?.level == level && placement?.slot == slot, "due \(due): \(String(describing: placement))")
    }
    #expect(wheel.levelsMade == 5)
    #expect(wheel.count == table.count)
}

@Test func tinyWheelFiresEachTimerExactlyAtItsDueWhenAdvancedByOneMillisecond() {
    var wheel = TimingWheel<Int64>(start: 0, tickMilliseconds: 1, slotsPerLevel: 3)
    let dues: [Int64] = [1, 2, 3, 5, 8, 9, 13, 26, 27, 28, 40, 80, 81, 100, 243, 244, 500]
    for due in dues.reversed() { wheel.schedule(due, at: due) }
    var fired: [Int64] = []
    for time in Int64(0)...600 {
        for (element, due) in drain(&wheel, upTo: time) {
            #expect(due == time, "timer due \(due) fired at \(time)")
            #expect(element == due)
            fired.append(due)
        }
    }
    #expect(fired == dues)
    #expect(wheel.count == 0)
}

@Test func tinyWheelCascadesATimerDownOneLevelPerOpenedSlot() {
    var wheel = TimingWheel<String>(start: 0, tickMilliseconds: 1, slotsPerLevel: 3)
    let handle = wheel.schedule("x", at: 25)
    // (run to, level, slot after): 25 = 2·9 + 7 → level 2 slot 2, opens at 18;
    // then 25 = 8·3 + 1 → level 1 slot 2 (block 8), opens at 24; then level 0.
    let steps: [(Int64, Int?, Int)] = [(17, 2, 2), (18, 1, 2), (23, 1, 2), (24, 0, 1)]
    for (time, level, slot) in steps {
        #expect(wheel.popNext(upTo: time) == nil)
        let placement = wheel.placement(of: handle)
        #expect(placement?.level == level && placement?.slot == slot, "at \(time): \(String(describing: placement))")
    }
    #expect(wheel.popNext(upTo: 25)?.element == "x")
}

@Test func theHeaderExampleTimerDueInThreeDaysDescendsLevelFourToOneThenFires() {
    var wheel = TimingWheel<String>(start: 0)
    let due: Int64 = 259_200_000
    let handle = wheel.schedule("3 days", at: due)
    #expect(wheel.placement(of: handle)?.level == 4 && wheel.placement(of: handle)?.slot == 15)
    let steps: [(Int64, Int, Int)] = [
        (251_658_239, 4, 15), (251_658_240, 3, 28), (258_998_272, 2, 49), (259_198_976, 1, 16), (259_199_999, 1, 16),
    ]
    for (time, level, slot) in steps {
        #expect(wheel.popNext(upTo: time) == nil)
        let placement = wheel.placement(of: handle)
        #expect(placement?.level == level && placement?.slot == slot, "at \(time): \(String(describing: placement))")
    }
    let fired = wheel.popNext(upTo: due)
    #expect(fired?.element == "3 days" && fired?.due == due && fired?.handle == handle)
}

@Test func aLongTickNeverFiresTheLatePartOfASlotEarly() {
    var wheel = TimingWheel<Int64>(start: 0, tickMilliseconds: 10, slotsPerLevel: 4)
    for due: Int64 in [19, 15, 11, 20, 10, 39] { wheel.schedule(due, at: due) }
    // (run to, fired in order)
    let table: [(Int64, [Int64])] = [(9, []), (10, [10]), (14, [11]), (18, [15]), (19, [19]), (20, [20]), (38, []), (45, [39])]
    for (time, expected) in table {
        #expect(drain(&wheel, upTo: time).map(\.1) == expected, "run to \(time)")
    }
}

@Test func timersDueAtOrBeforeNowFireAtTheNextPopInDueOrder() {
    var wheel = TimingWheel<String>(start: 1_000)
    wheel.schedule("future", at: 5_000)
    #expect(wheel.popNext(upTo: 2_000) == nil)
    #expect(wheel.now == 2_000)
    wheel.schedule("now", at: 2_000)
    wheel.schedule("past", at: 1_500)
    wheel.schedule("before start", at: -7)
    wheel.schedule("now again", at: 2_000)
    #expect(wheel.nextDue() == -7)
    #expect(drain(&wheel, upTo: 2_000).map(\.0) == ["before start", "past", "now", "now again"])
    #expect(drain(&wheel, upTo: 5_000).map(\.0) == ["future"])
}

@Test func aCoarseSlotTimerIsNotOvertakenByALaterTimerWithTheSameDueInAFinerSlot() {
    var wheel = TimingWheel<String>(start: 0, tickMilliseconds: 1, slotsPerLevel: 3)
    let first = wheel.schedule("first", at: 9)
    wheel.schedule("early", at: 6)
    #expect(drain(&wheel, upTo: 6).map(\.0) == ["early"])
    let second = wheel.schedule("second", at: 9)
    #expect(wheel.placement(of: first)?.level == 2)
    #expect(wheel.placement(of: second)?.level == 1)
    #expect(wheel.nextDue() == 9)
    #expect(drain(&wheel, upTo: 9).map(\.0) == ["first", "second"])
}

@Test func sameDueTimersFireInSchedulingOrderEvenAcrossLevels() {
    var wheel = TimingWheel<Int>(start: 0, tickMilliseconds: 1, slotsPerLevel: 3)
    let old = (0..<50).map { wheel.schedule($0, at: 100) }
    wheel.schedule(-1, at: 72)                  // opening its slot at 54 moves the wheel on
    #expect(drain(&wheel, upTo: 60).isEmpty)
    let middle = (50..<100).map { wheel.schedule($0, at: 100) }
    #expect(wheel.placement(of: old[0])?.level == 4 && wheel.placement(of: middle[0])?.level == 3)
    #expect(drain(&wheel, upTo: 99).map(\.0) == [-1])
    let late = (100..<150).map { wheel.schedule($0, at: 100) }
    #expect(wheel.placement(of: late[0])?.level == 0)
    #expect(drain(&wheel, upTo: 100).map(\.0) == Array(0..<150))
}

@Test func cancelReturnsTheElementOnceAndNilForFiredCancelledAndStaleHandles() {
    var wheel = TimingWheel<String>(start: 0, tickMilliseconds: 1, slotsPerLevel: 3)
    let a = wheel.schedule("a", at: 10)
    let b = wheel.schedule("b", at: 10)     // same slot as a: cancel from the middle of a list
    let c = wheel.schedule("c", at: 10)
    let fired = wheel.schedule("fired", at: 1)
    #expect(wheel.cancel(b) == "b")
    #expect(wheel.cancel(b) == nil, "already cancelled")
    #expect(drain(&wheel, upTo: 1).map(\.0) == ["fired"])
    #expect(wheel.cancel(fired) == nil, "already fired")
    // The freed node is reused; the old handle must not cancel its new timer.
    let reused = wheel.schedule("reused", at: 10)
    #expect(reused.index == b.index || reused.index == fired.index)
    #expect(wheel.cancel(b) == nil && wheel.cancel(fired) == nil)
    #expect(wheel.count == 3)
    #expect(wheel.cancel(c) == "c")
    #expect(drain(&wheel, upTo: 10).map(\.0) == ["a", "reused"])
    #expect(wheel.cancel(a) == nil && wheel.cancel(reused) == nil)
    #expect(wheel.count == 0)
    // A handle from a bigger wheel refers to nothing here.
    var other = TimingWheel<String>(start: 0)
    for i in 0..<20 { other.schedule("\(i)", at: 5) }
    #expect(wheel.cancel(other.schedule("far", at: 9)) == nil)
}

@Test func cancelOfReadyTimersKeepsTheRestInOrder() {
    var wheel = TimingWheel<Int>(start: 100)
    wheel.schedule(-1, at: 200)
    #expect(wheel.popNext(upTo: 200)?.element == -1)
    let handles = (0..<20).map { wheel.schedule($0, at: 200 - Int64($0 % 7)) }
    #expect(handles.allSatisfy { wheel.placement(of: $0)?.level == nil }, "all already due: in the ready queue")
    for i in stride(from: 0, to: 20, by: 3) { #expect(wheel.cancel(handles[i]) == i) }
    let expected = (0..<20).filter { $0 % 3 != 0 }.sorted { (200 - $0 % 7, $0) < (200 - $1 % 7, $1) }
    #expect(drain(&wheel, upTo: 200).map(\.0) == expected)
}

@Test func nextDueIsExactAndNeitherFiresNorMovesNow() {
    var wheel = TimingWheel<Int>(start: 0, tickMilliseconds: 10, slotsPerLevel: 8)
    #expect(wheel.nextDue() == nil)
    let dues: [Int64] = [90_017, 1_234, 1_239, 86_400_003]
    let handles = dues.map { wheel.schedule(Int($0), at: $0) }
    #expect(wheel.nextDue() == 1_234)
    #expect(wheel.count == 4 && wheel.now == 0)
    wheel.cancel(handles[1])
    #expect(wheel.nextDue() == 1_239)
    wheel.cancel(handles[2])
    #expect(wheel.nextDue() == 90_017)
    // nextDue opened slots up to 90,010; a timer scheduled before that still comes first.
    wheel.schedule(5_000, at: 5_000)
    #expect(wheel.nextDue() == 5_000)
    #expect(drain(&wheel, upTo: 90_016).map(\.1) == [5_000])
    #expect(wheel.nextDue() == 90_017)
    #expect(drain(&wheel, upTo: .max).map(\.1) == [90_017, 86_400_003])
    #expect(wheel.nextDue() == nil)
}

@Test(arguments: [(Int64(0), 3), (1_700_000_000_000, 64), (Int64.min, 3), (Int64.min, 64), (-1, 2), (0, 1000)])
func farFutureDueTimesUpToInt64MaxFireInOrder(start: Int64, slots: Int) {
    var wheel = TimingWheel<String>(start: start, tickMilliseconds: 1, slotsPerLevel: slots)
    let threeYears: Int64 = 3 * 365 * 86_400_000
    let base = start == .min ? 0 : start
    wheel.schedule("max", at: .max)
    wheel.schedule("max - 1", at: .max - 1)
    wheel.schedule("3 years", at: base + threeYears)
    wheel.schedule("max again", at: .max)
    wheel.schedule("soon", at: base + 5)
    #expect(wheel.levelsMade <= wheel.widths.count)
    #expect(wheel.nextDue() == base + 5)
    #expect(drain(&wheel, upTo: base + threeYears - 1).map(\.0) == ["soon"])
    #expect(wheel.nextDue() == base + threeYears)
    #expect(drain(&wheel, upTo: .max - 2).map(\.0) == ["3 years"])
    let next = wheel.nextDue()
    #expect(next == Int64.max - 1)
    #expect(drain(&wheel, upTo: .max).map(\.0) == ["max - 1", "max", "max again"])
    #expect(wheel.count == 0)
}

@Test func cancelledAndFiredNodesAreReusedSoTheSlabDoesNotGrow() {
    var wheel = TimingWheel<Int>(start: 0)
    var handles = (0..<1_000).map { wheel.schedule($0, at: Int64($0) * 3_600_000) }
    #expect(wheel.slabSize == 1_000)
    for handle in handles { wheel.cancel(handle) }
    #expect(wheel.count == 0)
    handles = (0..<1_000).map { wheel.schedule($0, at: Int64($0)) }
    #expect(wheel.slabSize == 1_000)
    #expect(drain(&wheel, upTo: 499).count == 500)
    handles = (0..<500).map { wheel.schedule($0, at: 10_000) }
    #expect(wheel.slabSize == 1_000)
    #expect(wheel.count == 1_000)
    #expect(handles.count == 500)
}

private final class Payload {}

@Test func cancelReleasesTheElementItHeld() {
    var wheel = TimingWheel<Payload>(start: 0)
    weak var watched: Payload?
    do {
        let payload = Payload()
        watched = payload
        let handle = wheel.schedule(payload, at: 1_000)
        #expect(wheel.cancel(handle) === payload)
    }
    #expect(watched == nil, "the wheel still holds a cancelled element")
}

@Test func nowIsTheLatestTimeRunToAndNeverGoesBack() {
    var wheel = TimingWheel<Int>(start: 50)
    #expect(wheel.now == 50)
    wheel.schedule(1, at: 80)
    #expect(wheel.popNext(upTo: 100)?.due == 80)
    #expect(wheel.now == 80)
    #expect(wheel.popNext(upTo: 100) == nil)
    #expect(wheel.now == 100)
    #expect(wheel.popNext(upTo: 60) == nil)
    #expect(wheel.now == 100)
}
