// The timer loop the server runs around `Daemon.runDue`: it runs what is
// due, sleeps until the next wake-up, wakes early when poked (an ingest may
// have set an earlier timer) and stops on graceful shutdown. These tests
// wait on real events (the loop's calls), never on elapsed time.

import Foundation
import Logging
import ServiceLifecycle
import Testing
@testable import RulesServer

/// Counts `runDue` calls and reports each one; the next wake is an hour away,
/// so the loop only runs again when poked.
final class CountingTarget: TimerDriven, @unchecked Sendable {
    private let lock = NSLock()
    private var calls = 0
    let runs: AsyncStream<Int>
    private let continuation: AsyncStream<Int>.Continuation

    init() {
        (runs, continuation) = AsyncStream.makeStream(of: Int.self)
    }

    var count: Int { lock.withLock { calls } }

    func runDue() async -> Int {
        let n = lock.withLock { calls += 1; return calls }
        continuation.yield(n)
        return 1
    }

    func nextWake() async -> Int64? { Date.now.millisecondsSince1970 + 3_600_000 }
}

extension Date {
    var millisecondsSince1970: Int64 { Int64(timeIntervalSince1970 * 1000) }
}

@Suite struct APITimerLoopTests {
    @Test func pokesAndDaemonWakeupsWakeTheLoopAndGracefulShutdownStopsIt() async throws {
        let target = CountingTarget()
        let signal = WakeSignal()
        let (wakeups, daemonWakes) = AsyncStream.makeStream(of: Void.self)
        let loop = TimerLoop(target: target, signal: signal, wakeups: wakeups, now: { Date.now.millisecondsSince1970 },
                             logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: .init(services: [loop], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var runs = target.runs.makeAsyncIterator()
            #expect(await runs.next() == 1)
            signal.poke()
            #expect(await runs.next() == 2)
            // The daemon's own signal (an earlier timer was set) wakes it too.
            daemonWakes.yield()
            #expect(await runs.next() == 3)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(target.count == 3)
    }

    /// The HTTP server failing to bind cancels the group: the loop must end.
    @Test func theLoopEndsWhenTheGroupIsCancelled() async throws {
        struct BindFailure: Error {}
        struct FailingServer: Service {
            let started: CountingTarget
            func run() async throws {
                var runs = started.runs.makeAsyncIterator()
                _ = await runs.next()
                throw BindFailure()
            }
        }
        let target = CountingTarget()
        let loop = TimerLoop(target: target, now: { Date.now.millisecondsSince1970 }, logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: .init(services: [loop, FailingServer(started: target)],
                                                      logger: Logger(label: "test")))
        await #expect(throws: BindFailure.self) { try await group.run() }
        #expect(target.count == 1)
    }

    @Test func aPokeWithNobodyWaitingIsRemembered() async {
        let signal = WakeSignal()
        signal.poke()
        // A forgotten poke would sleep the whole 10 minutes and return false.
        let poked = await signal.wait(milliseconds: 600_000)
        #expect(poked)
    }

    @Test func delays() {
        #expect(TimerLoop.delay(until: nil, now: 1000, fired: 0) == TimerLoop.maxSleepMilliseconds)
        #expect(TimerLoop.delay(until: 1500, now: 1000, fired: 0) == 500)
        #expect(TimerLoop.delay(until: 1000 + 10 * 3_600_000, now: 1000, fired: 3) == TimerLoop.maxSleepMilliseconds)
        // Due already and something fired: go again at once (catch-up).
        #expect(TimerLoop.delay(until: 900, now: 1000, fired: 2) == 0)
        // Due already but nothing fired (the catch-up rate is spent): never spin.
        #expect(TimerLoop.delay(until: 900, now: 1000, fired: 0) == TimerLoop.idleMilliseconds)
    }
}
