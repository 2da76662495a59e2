// The timing wheel against the obvious reference, a binary heap of
// (due, sequence) with lazy cancellation: random schedules (near, far, past,
// before start, Int64.max), cancels of live and stale handles, runs forward by
// small and large steps, single pops and nextDue, on several wheel shapes
// including the tiny one. Every fired timer, every cancel result, every
// nextDue and the count must agree, and the run ends by draining both.

import HeapModule
import RulesLanguage
import Testing
@testable import Scheduler

/// What the wheel must do, written the slow, obvious way.
private struct ReferenceTimers {
    struct Entry: Comparable {
        var due: Int64
        var sequence: Int
        static func < (a: Entry, b: Entry) -> Bool { (a.due, a.sequence) < (b.due, b.sequence) }
    }

    var heap = Heap<Entry>()
    /// By sequence: scheduled and neither fired nor cancelled.
    var live: [Bool] = []
    var count = 0

    mutating func schedule(_ sequence: Int, at due: Int64) {
        heap.insert(Entry(due: due, sequence: sequence))
        live.append(true)
        count += 1
    }

    mutating func cancel(_ sequence: Int) -> Int? {
        guard live[sequence] else { return nil }
        live[sequence] = false
        count -= 1
        return sequence
    }

    mutating func skipCancelled() {
        while let first = heap.min, !live[first.sequence] { heap.removeMin() }
    }

    mutating func nextDue() -> Int64? {
        skipCancelled()
        return heap.min?.due
    }

    mutating func popNext(upTo time: Int64) -> Entry? {
        skipCancelled()
        guard let first = heap.min, first.due <= time else { return nil }
        heap.removeMin()
        live[first.sequence] = false
        count -= 1
        return first
    }
}

struct WheelShape: Sendable, CustomTestStringConvertible {
    var start: Int64
    var tick: Int64
    var slots: Int
    var operations: Int
    var seed: UInt64
    var testDescription: String { "start \(start), tick \(tick) ms, \(slots) slots, \(operations) ops" }
}

private func saturating(_ time: Int64, _ delta: Int64) -> Int64 {
    let (sum, overflow) = time.addingReportingOverflow(delta)
    return overflow ? (delta > 0 ? .max : .min) : sum
}

/// Drives a wheel and the reference with the same random operations.
private struct Differential {
    var wheel: TimingWheel<Int>
    var reference = ReferenceTimers()
    var handles: [TimerHandle] = []
    var random: SplitMix64
    var time: Int64
    var fired = 0

    init(_ shape: WheelShape) {
        wheel = TimingWheel(start: shape.start, tickMilliseconds: shape.tick, slotsPerLevel: shape.slots)
        random = SplitMix64(seed: shape.seed)
        time = shape.start
    }

    mutating func int(_ bound: Int64) -> Int64 { Int64.random(in: 0..<bound, using: &random) }

    /// Due times from every regime the wheel has: the same tick, the next
    /// slots, each level, months ahead, the past, before start, the end of time.
    mutating func dueTime() -> Int64 {
        let roll = int(100)
        let ahead: Int64
        switch roll {
        case 0..<25: ahead = int(100)
        case 25..<50: ahead = int(10_000)
        case 50..<65: ahead = int(5_000_000)
        case 65..<75: ahead = int(90 * 86_400_000)
        case 75..<85: ahead = -int(2_000)
        case 85..<87: return Int64.max - int(3)
        case 87..<89: return Int64.min + int(3)
        default: ahead = 0
        }
        return saturating(time, ahead)
    }

    mutating func schedule() {
        let sequence = handles.count
        let due = dueTime()
        handles.append(wheel.schedule(sequence, at: due))
        reference.schedule(sequence, at: due)
    }

    /// Mostly recent handles (live, fired or cancelled), sometimes any.
    mutating func cancel() {
        guard !handles.isEmpty else { return }
        let n = Int64(handles.count)
        let sequence = Int(int(4) == 0 ? int(n) : n - 1 - int(min(n, 64)))
        let got = wheel.cancel(handles[sequence])
        let expected = reference.cancel(sequence)
        #expect(got == expected, "cancel #\(sequence)")
    }

    mutating func pop(upTo limit: Int64, all: Bool) -> Bool {
        repeat {
            let got = wheel.popNext(upTo: limit)
            let expected = reference.popNext(upTo: limit)
            guard got?.element == expected?.sequence, got?.due == expected?.due,
                  got.map({ $0.handle == handles[$0.element] }) ?? true else {
                Issue.record("popNext(upTo: \(limit)): wheel \(String(describing: got)), heap \(String(describing: expected))")
                return false
            }
            guard expected != nil else { return true }
            fired += 1
        } while all
        return true
    }

    /// Moves time on: mostly a little, sometimes far, sometimes to the next
    /// due timer as a virtual clock would, now and then backwards.
    mutating func advance() -> Bool {
        switch int(20) {
        case 0: time = reference.nextDue() ?? time
        case 1: time = saturating(time, int(30 * 86_400_000))
        case 2: return pop(upTo: saturating(time, -int(1_000)), all: true)
        default: time = saturating(time, int(2_000))
        }
        return pop(upTo: time, all: true)
    }

    mutating func step() -> Bool {
        switch int(100) {
        case 0..<45: schedule()
        case 45..<65: cancel()
        case 65..<90: return advance()
        case 90..<95: return pop(upTo: time, all: false)
        default:
            let got = wheel.nextDue(), expected = reference.nextDue()
            guard got == expected else {
                Issue.record("nextDue: wheel \(String(describing: got)), heap \(String(describing: expected))")
                return false
            }
        }
        return true
    }
}

private let shapes: [WheelShape] = [
    WheelShape(start: 0, tick: 1, slots: 3, operations: 250_000, seed: 1),
    WheelShape(start: 1_767_225_600_000, tick: 1, slots: 64, operations: 250_000, seed: 2),
    WheelShape(start: -5_000, tick: 10, slots: 8, operations: 200_000, seed: 3),
    WheelShape(start: 123, tick: 7, slots: 5, operations: 200_000, seed: 4),
    WheelShape(start: 0, tick: 1, slots: 256, operations: 150_000, seed: 5),
    WheelShape(start: 1_000, tick: 1_000, slots: 100, operations: 150_000, seed: 6),
    WheelShape(start: Int64.min, tick: 1, slots: 2, operations: 150_000, seed: 7),
]

@Test(arguments: shapes)
func wheelFiresExactlyLikeAHeapOfDueAndSequence(shape: WheelShape) {
    var run = Differential(shape)
    for _ in 0..<shape.operations {
        guard run.step() else { return }
        if run.wheel.count != run.reference.count {
            Issue.record("count: wheel \(run.wheel.count), heap \(run.reference.count)")
            return
        }
    }
    guard run.pop(upTo: .max, all: true) else { return }
    #expect(run.wheel.count == 0 && run.reference.count == 0)
    #expect(run.fired > shape.operations / 10, "too few timers fired to mean anything: \(run.fired)")
}
