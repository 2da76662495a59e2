// The zone offset tables (ZoneOffsets.swift) must give exactly what
// Foundation's `TimeZone.secondsFromGMT(for:)` gives, for every zone the
// system knows, at random instants and right around each transition, or
// every local time the engine computes would drift.

import Foundation
import Testing
@testable import RulesEngine
import RulesLanguage

@Test func everyKnownZonesTableGivesFoundationsOffsets() throws {
    var rng = SplitMix64(seed: 0x20_26)
    let range = ZoneOffsets.tableRange
    var checked = 0
    for name in TimeZone.knownTimeZoneIdentifiers {
        let zone = try #require(TimeZone(identifier: name))
        let table = ZoneOffsets(zone: zone)
        var samples: [Int64] = [range.lowerBound, range.upperBound - 1, range.upperBound, -1, 7_258_118_400_000]
        for _ in 0..<40 { samples.append(range.lowerBound + Int64(rng.next() % UInt64(range.count))) }
        // Both sides of the transitions of 2026.
        var date = Date(timeIntervalSince1970: 1_767_225_600)
        while let next = zone.nextDaylightSavingTimeTransition(after: date), next.timeIntervalSince1970 < 1_798_761_600 {
            let at = Int64(next.timeIntervalSince1970 * 1000)
            samples += [at - 1, at, at + 1]
            date = next
        }
        for t in samples {
            let expected = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t) / 1000))) * 1000
            if table.offset(at: t) != expected {
                Issue.record("\(name) at \(t): table \(table.offset(at: t)), Foundation \(expected)")
            }
            checked += 1
        }
    }
    #expect(checked > 20_000)
}

@Test func aZoneTheSystemDoesNotListIsAskedOfFoundation() throws {
    let fixed = try #require(TimeZone(secondsFromGMT: 3600))
    guard case .direct = ZoneReader(fixed) else {
        Issue.record("a fixed-offset zone has no table")
        return
    }
    #expect(ZoneReader(fixed).offset(at: 0) == 3_600_000)
    let london = try #require(TimeZone(identifier: "Europe/London"))
    guard case .table(let table) = ZoneReader(london) else {
        Issue.record("Europe/London has a table")
        return
    }
    #expect(table === (ZoneReader(london).tableValue), "one table per zone, built once")
}

extension ZoneReader {
    var tableValue: ZoneOffsets? {
        if case .table(let t) = self { return t }
        return nil
    }
}
