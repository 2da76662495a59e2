import Testing
@testable import Scheduler

@Test func virtualClockMovesOnlyForwardWhenTold() {
    let clock = VirtualClock(start: 1_000)
    #expect(clock.now() == 1_000)
    #expect(clock.advance(to: 5_000) == 5_000)
    #expect(clock.advance(to: 4_000) == 5_000, "time does not run backwards")
    #expect(clock.advance(by: 250) == 5_250)
    #expect(clock.advance(by: -1_000) == 5_250)
    #expect(clock.advance(by: .max) == .max, "saturates instead of trapping")
}

@Test func systemClockReadsTheWallClockInMilliseconds() {
    let t = SystemClock().now()
    // 2020-01-01 and 2100-01-01: a reading in seconds or microseconds would fall outside.
    #expect(t > 1_577_836_800_000 && t < 4_102_444_800_000)
}
