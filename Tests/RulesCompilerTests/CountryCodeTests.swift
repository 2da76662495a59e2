// The ISO 3166-1 alpha-2 table and the suggestions made from it.

import Testing
@testable import RulesCompiler

@Test func countryTableHasTheAssignedAlpha2Codes() {
    #expect(CountryCodes.all.count == 249)
    #expect(CountryCodes.codes.count == 249)
    #expect(CountryCodes.all.allSatisfy { $0.code.count == 2 && $0.code.allSatisfy { $0.isASCII && $0.isUppercase } })
    #expect(CountryCodes.isCode("GB") && CountryCodes.isCode("GR") && CountryCodes.isCode("DE"))
    #expect(!CountryCodes.isCode("UK") && !CountryCodes.isCode("EL") && !CountryCodes.isCode("gb"))
}

@Test(arguments: [
    ("UK", "GB"), ("uk", "GB"), ("EL", "GR"), ("de", "DE"), ("Germany", "DE"), ("germany", "DE"),
    ("Grmany", "DE"), ("United Kingdom", "GB"), ("England", "GB"), ("USA", "US"),
])
func countrySuggestion(_ written: String, _ meant: String) {
    #expect(CountryCodes.suggestion(for: written)?.code == meant)
}

@Test func noSuggestionForAStringUnlikeAnyCountry() {
    #expect(CountryCodes.suggestion(for: "XX") == nil)
    #expect(CountryCodes.suggestion(for: "book_call") == nil)
}
