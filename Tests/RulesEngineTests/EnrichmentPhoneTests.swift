// E.164 normalisation: the formats leads type, and every reason a number is
// refused.

import Testing
@testable import RulesEngine

struct EnrichmentPhoneTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        let raw: String
        let country: String?
        let e164: String
        let region: String
        var testDescription: String { "\(raw.debugDescription) in \(country ?? "-")" }
    }

    static let valid: [Valid] = [
        // National forms with the country's trunk prefix.
        .init(raw: "07700 900123", country: "GB", e164: "+447700900123", region: "GB"),
        .init(raw: "020 7946 0958", country: "uk", e164: "+442079460958", region: "GB"),
        .init(raw: "030 12345678", country: "DE", e164: "+493012345678", region: "DE"),
        .init(raw: "0151 1234 5678", country: "DE", e164: "+4915112345678", region: "DE"),
        .init(raw: "(02) 9374 4000", country: "AU", e164: "+61293744000", region: "AU"),
        .init(raw: "0412 345 678", country: "AU", e164: "+61412345678", region: "AU"),
        .init(raw: "(212) 555-0100", country: "US", e164: "+12125550100", region: "US"),
        .init(raw: "1-212-555-0100", country: "US", e164: "+12125550100", region: "US"),
        .init(raw: "212.555.0100", country: "US", e164: "+12125550100", region: "US"),
        .init(raw: "604 555 0100", country: "CA", e164: "+16045550100", region: "CA"),
        .init(raw: "01 23 45 67 89", country: "FR", e164: "+33123456789", region: "FR"),
        .init(raw: "06 12 34 56 78", country: "fr", e164: "+33612345678", region: "FR"),
        .init(raw: "06 1234 5678", country: "IT", e164: "+390612345678", region: "IT"),
        .init(raw: "912 345 678", country: "ES", e164: "+34912345678", region: "ES"),
        .init(raw: "06 1 234 5678", country: "HU", e164: "+3612345678", region: "HU"),
        .init(raw: "8 (916) 123-45-67", country: "RU", e164: "+79161234567", region: "RU"),
        .init(raw: "8 812 123-45-67", country: "RU", e164: "+78121234567", region: "RU"),
        .init(raw: "812 123-45-67", country: "RU", e164: "+78121234567", region: "RU"),
        .init(raw: "8 029 123 45 67", country: "BY", e164: "+375291234567", region: "BY"),
        .init(raw: "(11) 98765-4321", country: "BR", e164: "+5511987654321", region: "BR"),
        .init(raw: "0 21 11 98765-4321", country: "BR", e164: "+5511987654321", region: "BR"),
        .init(raw: "044 55 1234 5678", country: "MX", e164: "+525512345678", region: "MX"),
        .init(raw: "55 1234 5678", country: "MX", e164: "+525512345678", region: "MX"),
        .init(raw: "050 123 4567", country: "AE", e164: "+971501234567", region: "AE"),
        .init(raw: "98765 43210", country: "IN", e164: "+919876543210", region: "IN"),
        // Country code without `+`.
        .init(raw: "447700900123", country: "GB", e164: "+447700900123", region: "GB"),
        .init(raw: "7 916 123 45 67", country: "RU", e164: "+79161234567", region: "RU"),
        // International forms.
        .init(raw: "+44 7700 900123", country: nil, e164: "+447700900123", region: "GB"),
        .init(raw: "0044 20 7946 0958", country: nil, e164: "+442079460958", region: "GB"),
        .init(raw: "0044 20 7946 0958", country: "DE", e164: "+442079460958", region: "GB"),
        .init(raw: "+44 (0) 20 7946 0958", country: nil, e164: "+442079460958", region: "GB"),
        .init(raw: "+44 (0)20 7946 0958", country: "FR", e164: "+442079460958", region: "GB"),
        .init(raw: "0044 (0)20 7946 0958", country: nil, e164: "+442079460958", region: "GB"),
        .init(raw: "+49 (0)30 12345678", country: nil, e164: "+493012345678", region: "DE"),
        .init(raw: "+39 (0)6 1234 5678", country: nil, e164: "+390612345678", region: "IT"),
        .init(raw: "+44 020 7946 0958", country: nil, e164: "+442079460958", region: "GB"),
        .init(raw: "011 44 20 7946 0958", country: "US", e164: "+442079460958", region: "GB"),
        .init(raw: "0011 44 20 7946 0958", country: "AU", e164: "+442079460958", region: "GB"),
        .init(raw: "8 10 49 30 12345678", country: "RU", e164: "+493012345678", region: "DE"),
        .init(raw: "  +1 (212) 555-0100  ", country: nil, e164: "+12125550100", region: "US"),
        .init(raw: "+52 1 55 1234 5678", country: nil, e164: "+525512345678", region: "MX"),
        .init(raw: "+33\u{00A0}1\u{2013}23\u{2013}45\u{2013}67\u{2013}89", country: nil, e164: "+33123456789",
              region: "FR"),
        .init(raw: "٠٧٧٠٠ ٩٠٠١٢٣", country: "GB", e164: "+447700900123", region: "GB"),
        // Regions within shared calling codes.
        .init(raw: "+1 604 555 0100", country: nil, e164: "+16045550100", region: "CA"),
        .init(raw: "+1 876 555 0100", country: nil, e164: "+18765550100", region: "JM"),
        .init(raw: "+1 787 555 0100", country: nil, e164: "+17875550100", region: "PR"),
        .init(raw: "+1 800 555 0100", country: nil, e164: "+18005550100", region: "US"),
        .init(raw: "+7 727 123 4567", country: nil, e164: "+77271234567", region: "KZ"),
        .init(raw: "+7 495 123 4567", country: nil, e164: "+74951234567", region: "RU"),
        .init(raw: "+44 1481 123456", country: nil, e164: "+441481123456", region: "GG"),
        .init(raw: "+44 7624 123456", country: nil, e164: "+447624123456", region: "IM"),
        .init(raw: "+61 8 9164 1234", country: nil, e164: "+61891641234", region: "CX"),
        .init(raw: "+262 269 12 34 56", country: nil, e164: "+262269123456", region: "YT"),
        .init(raw: "+358 18 123 456", country: nil, e164: "+35818123456", region: "AX"),
        .init(raw: "+590 590 12 34 56", country: nil, e164: "+590590123456", region: "GP"),
        // Short plans: Niue has 4-digit numbers, below the global floor.
        .init(raw: "+683 4002", country: nil, e164: "+6834002", region: "NU"),
        .init(raw: "+263 12345", country: nil, e164: "+26312345", region: "ZW"),
    ]

    @Test(arguments: valid)
    func normalizesToE164WithItsRegion(_ c: Valid) throws {
        let number = try PhoneNumber.normalize(raw: c.raw, country: c.country).get()
        #expect(number.description == c.e164)
        #expect(number.region == c.region)
        #expect(number.digits == String(c.e164.dropFirst()))
    }

    @Test(arguments: valid)
    func normalizingAnE164NumberAgainGivesItBack(_ c: Valid) throws {
        let again = try PhoneNumber.normalize(raw: c.e164, country: nil).get()
        #expect(again.description == c.e164)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        let raw: String
        let country: String?
        let error: PhoneError
        var testDescription: String { "\(raw.debugDescription) in \(country ?? "-")" }
    }

    static let invalid: [Invalid] = [
        .init(raw: "", country: "GB", error: .empty),
        .init(raw: "   ", country: "GB", error: .empty),
        .init(raw: "+", country: nil, error: .empty),
        .init(raw: "()-.", country: "GB", error: .empty),
        .init(raw: "call me", country: "GB", error: .invalidCharacter("c")),
        .init(raw: "0800-FLOWERS", country: "US", error: .invalidCharacter("F")),
        .init(raw: "212 555 0100 ext 5", country: "US", error: .invalidCharacter("e")),
        .init(raw: "+44 20 7946 0958 x12", country: nil, error: .invalidCharacter("x")),
        .init(raw: "07700#900123", country: "GB", error: .invalidCharacter("#")),
        .init(raw: "44+7700900123", country: nil, error: .misplacedPlus),
        .init(raw: "++447700900123", country: nil, error: .misplacedPlus),
        .init(raw: "07700 900123", country: nil, error: .missingCountry),
        .init(raw: "07700 900123", country: " ", error: .missingCountry),
        .init(raw: "07700 900123", country: "XX", error: .unknownCountry("XX")),
        .init(raw: "07700 900123", country: "England", error: .unknownCountry("England")),
        .init(raw: "+999 1234 5678", country: nil, error: .unknownCallingCode("999")),
        .init(raw: "+0 20 7946 0958", country: nil, error: .unknownCallingCode("020")),
        .init(raw: "00", country: nil, error: .empty),
        .init(raw: "+44 12345", country: nil, error: .wrongLength(country: "GB", digits: 5, expected: 7...10)),
        .init(raw: "030 12", country: "DE", error: .wrongLength(country: "DE", digits: 4, expected: 6...13)),
        .init(raw: "+1 212 555 01", country: nil, error: .wrongLength(country: "US", digits: 8, expected: 10...10)),
        .init(raw: "555 0100", country: "US", error: .wrongLength(country: "US", digits: 7, expected: 10...10)),
        .init(raw: "01 23 45 67 8", country: "FR", error: .wrongLength(country: "FR", digits: 8, expected: 9...9)),
        .init(raw: "+263 1234", country: nil, error: .tooShort(digits: 7, minimum: 8)),
        .init(raw: "+263 1234 5678 9012 3", country: nil, error: .tooLong(digits: 16, maximum: 15)),
        .init(raw: "+1 012 555 0100", country: nil, error: .invalidAreaCode("012")),
        .init(raw: "+1 212 055 0100", country: nil, error: .invalidExchangeCode("055")),
    ]

    @Test(arguments: invalid)
    func refusesWithTheReason(_ c: Invalid) {
        #expect(PhoneNumber.normalize(raw: c.raw, country: c.country) == .failure(c.error))
    }

    @Test func errorDescriptionsNameTheProblem() {
        let cases: [(PhoneError, String)] = [
            (.empty, "phone number has no digits"),
            (.invalidCharacter("x"), "letter 'x' in phone number"),
            (.invalidCharacter("#"), "character '#' in phone number"),
            (.misplacedPlus, "'+' may only start a phone number"),
            (.missingCountry, "national phone number without a country to read it in"),
            (.unknownCountry("XX"), "unknown country 'XX' for a national phone number"),
            (.unknownCallingCode("999"), "no country calling code starts '+999'"),
            (.tooShort(digits: 7, minimum: 8), "phone number too short: 7 digits, at least 8"),
            (.tooLong(digits: 16, maximum: 15), "phone number too long: 16 digits, at most 15"),
            (.wrongLength(country: "FR", digits: 8, expected: 9...9), "FR national number has 8 digits, expected 9"),
            (.wrongLength(country: "GB", digits: 5, expected: 7...10),
             "GB national number has 5 digits, expected 7 to 10"),
            (.invalidAreaCode("012"), "NANP area code 012 cannot start with 0 or 1"),
            (.invalidExchangeCode("055"), "NANP exchange code 055 cannot start with 0 or 1"),
        ]
        for (error, text) in cases { #expect(error.description == text) }
    }

    @Test func nationalNumberIsReadInTheLeadsCountryNotTheNumbersRegion() throws {
        // A Canadian lead typing a New York number: +1 either way, region US.
        let number = try PhoneNumber.normalize(raw: "212 555 0100", country: "CA").get()
        #expect(number.description == "+12125550100")
        #expect(number.region == "US")
        #expect(number.callingCode == "1")
        #expect(number.nationalNumber == "2125550100")
    }
}
