// RFC 3339 instants: the forms accepted, every refusal with its reason, and
// formatting as the inverse of parsing.

import Testing
@testable import RulesEngine

struct TimestampTests {
    static let accepted: [(String, Int64)] = [
        ("2026-03-21T10:00:00Z", 1_774_087_200_000),
        ("2026-03-21t10:00:00z", 1_774_087_200_000),
        ("2026-03-21 10:00:00Z", 1_774_087_200_000),
        ("2026-03-21T10:00Z", 1_774_087_200_000),
        ("2026-03-21T11:00:00+01:00", 1_774_087_200_000),
        ("2026-03-21T04:30:00-05:30", 1_774_087_200_000),
        ("2026-03-21T10:00:00.5Z", 1_774_087_200_500),
        ("2026-03-21T10:00:00.123456789Z", 1_774_087_200_123),
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59.999Z", -1),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000),
        ("2000-03-01T00:00:00Z", 951_868_800_000),
    ]

    @Test(arguments: accepted)
    func parsesInstantsWithAZone(_ text: String, _ ms: Int64) throws {
        #expect(try Timestamp.parse(text) == ms)
    }

    static let refused: [(String, TimestampError)] = [
        ("2026-03-21 10:00", .noZone),
        ("2026-03-21T10:00:00", .noZone),
        ("2026-03-21T10:00:00.250", .noZone),
        ("2026-03-21", .noTimeOfDay),
        ("2026-03-21T25:00:00Z", .outOfRange("the hour 25")),
        ("2026-03-21T10:60:00Z", .outOfRange("the minute 60")),
        ("2026-03-21T10:00:60Z", .outOfRange("the second 60")),
        ("2025-02-29T10:00:00Z", .outOfRange("the day 29")),
        ("2026-13-01T10:00:00Z", .outOfRange("the month 13")),
        ("2026-03-21T10:00:00+24:00", .outOfRange("the zone offset")),
        ("2026-3-21T10:00:00Z", .malformed("the month must have two digits")),
        ("21/03/2026 10:00", .malformed("the year must have four digits")),
        ("2026-03-21T10:00:00+0100", .malformed("the offset must be written ±hh:mm")),
        ("2026-03-21T10:00:00Z trailing", .malformed("unexpected text after the zone")),
        ("2026-03-21T10:00:00.Z", .malformed("expected digits after the decimal mark")),
        ("2026-03-21T10", .malformed("it ends early")),
        ("", .malformed("it ends early")),
        ("2026-03-21T10:00:00 Europe/London", .malformed("expected 'Z' or an offset like +01:00 after the time")),
    ]

    @Test(arguments: refused)
    func refusesWithTheReason(_ text: String, _ reason: TimestampError) {
        #expect(throws: reason) { try Timestamp.parse(text) }
    }

    @Test func formatIsTheInverseOfParse() throws {
        for ms: Int64 in [0, -1, 1_774_087_200_000, 1_774_087_200_250, 951_868_799_999, 253_402_300_799_999] {
            #expect(try Timestamp.parse(Timestamp.format(ms)) == ms)
        }
        #expect(Timestamp.format(1_774_087_200_000) == "2026-03-21T10:00:00Z")
        #expect(Timestamp.format(1_774_087_200_250) == "2026-03-21T10:00:00.250Z")
    }
}
