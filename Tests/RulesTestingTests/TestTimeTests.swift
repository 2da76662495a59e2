import Testing
@testable import RulesTesting

@Test(arguments: [
    ("+15m", Int64(900_000)), ("+0s", 0), ("+1d2h", 93_600_000), ("+2w", 1_209_600_000), (" +90s ", 90_000),
])
func relativeTimesAreOffsetsFromTheTestStart(text: String, ms: Int64) throws {
    #expect(try TestTime(parsing: text) == .offset(ms))
    #expect(try TestTime(parsing: text).resolve(start: 1_000) == 1_000 + ms)
}

@Test func absoluteTimesNeedAZone() throws {
    #expect(try TestTime(parsing: "2026-03-21T10:00:00Z") == .absolute(1_774_087_200_000))
    #expect(throws: TestTimeError.self) { try TestTime(parsing: "2026-03-21T10:00:00") }
}

@Test(arguments: ["+", "+15", "+15x", "+m", "+99999999999999999w", "soon"])
func malformedTimesAreRefusedWithTheirText(text: String) {
    #expect {
        try TestTime(parsing: text)
    } throws: { error in
        (error as? TestTimeError)?.description.contains(text.trimmingCharacters(in: .whitespaces)) ?? false
    }
}
