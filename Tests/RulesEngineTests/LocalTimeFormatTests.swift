// Explanations print instants as RFC 3339 UTC with civil-day arithmetic
// instead of building an ISO8601DateFormatter per call (the formatter cost
// two thirds of a cadence step): the text must stay what the formatter
// printed, seconds truncated, across leap days and centuries.

import Foundation
import Testing
@testable import RulesEngine
import RulesLanguage

@Test func instantsPrintAsTheISO8601FormatterPrintedThem() {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    var rng = SplitMix64(seed: 0x1509)
    let start: Int64 = -2_208_988_800_000  // 1900-01-01
    let span: UInt64 = 9_467_280_000_000   // 300 years
    var samples: [Int64] = [0, -1, 999, 951_782_400_000, 4_107_542_399_999, at("2026-03-29T01:00:00Z")]
    for _ in 0..<20_000 { samples.append(start + Int64(rng.next() % span)) }
    for ms in samples {
        let expected = formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
        #expect(Format.instant(ms) == expected, "\(ms)")
    }
}

@Test func instantsOutsideTheCalendarPrintAsItsEnds() {
    #expect(Format.instant(.max) == "9999-12-31T23:59:59Z")
    #expect(Format.instant(.min) == "0001-01-01T00:00:00Z")
    #expect(Format.instant(at("2024-02-29T23:59:59Z") + 999) == "2024-02-29T23:59:59Z")
}
