import Testing
@testable import RulesEngine

@Test func missingIsDistinctFromEveryPresentValue() {
    let present: [Value] = [.string(""), .number(0), .bool(false), .time(0), .duration(0), .list([])]
    for v in present { #expect(v != .missing) }
}
