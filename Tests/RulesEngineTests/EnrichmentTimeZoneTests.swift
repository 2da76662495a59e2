// Time zone resolution at capture: source precedence, invalid input passed
// over with a warning, and zones taken from phone numbers in countries that
// span several zones.

import Foundation
import Testing
@testable import RulesEngine

struct EnrichmentTimeZoneTests {
    typealias Source = TimeZoneResolver.Source
    typealias Warning = TimeZoneResolver.Warning

    struct PrecedenceCase: Sendable, CustomTestStringConvertible {
        let timezone: String?
        let ipCountry: String?
        let country: String?
        let phone: String?
        let zone: String?
        let source: Source?
        let warnings: [Warning]
        var testDescription: String {
            "tz=\(timezone ?? "-") ip=\(ipCountry ?? "-") country=\(country ?? "-") phone=\(phone ?? "-")"
        }
    }

    static let precedence: [PrecedenceCase] = [
        .init(timezone: "Europe/Berlin", ipCountry: "GB", country: "FR", phone: "+61 2 9374 4000",
              zone: "Europe/Berlin", source: .timezone, warnings: []),
        .init(timezone: nil, ipCountry: "GB", country: "FR", phone: nil,
              zone: "Europe/London", source: .ipCountry, warnings: []),
        .init(timezone: nil, ipCountry: nil, country: "FR", phone: "+44 20 7946 0958",
              zone: "Europe/Paris", source: .country, warnings: []),
        .init(timezone: "", ipCountry: "  ", country: "FR", phone: "",
              zone: "Europe/Paris", source: .country, warnings: []),
        .init(timezone: " America/Chicago ", ipCountry: nil, country: "DE", phone: nil,
              zone: "America/Chicago", source: .timezone, warnings: []),
        .init(timezone: "UTC", ipCountry: nil, country: "DE", phone: nil,
              zone: "UTC", source: .timezone, warnings: []),
        .init(timezone: "Mars/Olympus_Mons", ipCountry: "GB", country: "FR", phone: nil,
              zone: "Europe/London", source: .ipCountry, warnings: [.invalidTimezone("Mars/Olympus_Mons")]),
        .init(timezone: "europe/london", ipCountry: nil, country: "DE", phone: nil,
              zone: "Europe/Berlin", source: .country, warnings: [.invalidTimezone("europe/london")]),
        .init(timezone: "GMT+5", ipCountry: nil, country: "DE", phone: nil,
              zone: "Europe/Berlin", source: .country, warnings: [.invalidTimezone("GMT+5")]),
        .init(timezone: "UTC-03:00", ipCountry: nil, country: "AR", phone: nil,
              zone: "America/Argentina/Buenos_Aires", source: .country, warnings: [.invalidTimezone("UTC-03:00")]),
        .init(timezone: "Nowhere", ipCountry: "XX", country: "FR", phone: nil,
              zone: "Europe/Paris", source: .country,
              warnings: [.invalidTimezone("Nowhere"), .unknownCountry(source: .ipCountry, value: "XX")]),
        .init(timezone: nil, ipCountry: "uk", country: nil, phone: nil,
              zone: "Europe/London", source: .ipCountry, warnings: []),
        .init(timezone: nil, ipCountry: nil, country: " gb ", phone: nil,
              zone: "Europe/London", source: .country, warnings: []),
        .init(timezone: nil, ipCountry: "A1", country: "Germany", phone: "+33 1 23 45 67 89",
              zone: "Europe/Paris", source: .phone,
              warnings: [.unknownCountry(source: .ipCountry, value: "A1"),
                         .unknownCountry(source: .country, value: "Germany")]),
        .init(timezone: nil, ipCountry: nil, country: nil, phone: "+1 415 555 0100",
              zone: "America/Los_Angeles", source: .phone, warnings: []),
        .init(timezone: nil, ipCountry: nil, country: "ES", phone: "call me",
              zone: "Europe/Madrid", source: .country,
              warnings: [.invalidPhone("call me", .invalidCharacter("c"))]),
        .init(timezone: nil, ipCountry: nil, country: nil, phone: nil,
              zone: nil, source: nil, warnings: []),
        .init(timezone: "Bad/Zone", ipCountry: "ZZ", country: nil, phone: "0207 946 0958",
              zone: nil, source: nil,
              warnings: [.invalidPhone("0207 946 0958", .missingCountry), .invalidTimezone("Bad/Zone"),
                         .unknownCountry(source: .ipCountry, value: "ZZ")]),
    ]

    @Test(arguments: precedence)
    func explicitZoneThenIPCountryThenCountryThenPhone(_ c: PrecedenceCase) {
        let r = TimeZoneResolver.resolve(timezone: c.timezone, ipCountry: c.ipCountry,
                                         country: c.country, phoneE164: c.phone)
        #expect(r.zone == c.zone)
        #expect(r.source == c.source)
        #expect(r.warnings == c.warnings)
    }

    struct PhoneCase: Sendable, CustomTestStringConvertible {
        let country: String
        let phone: String?
        let zone: String
        /// The prefix that told, or nil when the most populous zone was taken.
        let prefix: String?
        var testDescription: String { "\(country) \(phone ?? "no phone")" }
    }

    static let phoneCases: [PhoneCase] = [
        .init(country: "US", phone: "+1 212 555 0100", zone: "America/New_York", prefix: "+1 212"),
        .init(country: "US", phone: "+1 415 555 0100", zone: "America/Los_Angeles", prefix: "+1 415"),
        .init(country: "US", phone: "+1 312 555 0100", zone: "America/Chicago", prefix: "+1 312"),
        .init(country: "US", phone: "+1 303 555 0100", zone: "America/Denver", prefix: "+1 303"),
        .init(country: "US", phone: "+1 602 555 0100", zone: "America/Phoenix", prefix: "+1 602"),
        .init(country: "US", phone: "+1 907 555 0100", zone: "America/Anchorage", prefix: "+1 907"),
        .init(country: "US", phone: "+1 808 555 0100", zone: "Pacific/Honolulu", prefix: "+1 808"),
        .init(country: "US", phone: "+1 915 555 0100", zone: "America/Denver", prefix: "+1 915"),
        .init(country: "US", phone: "+1 850 555 0100", zone: "America/Chicago", prefix: "+1 850"),
        .init(country: "US", phone: "+1 313 555 0100", zone: "America/Detroit", prefix: "+1 313"),
        .init(country: "CA", phone: "+1 604 555 0100", zone: "America/Vancouver", prefix: "+1 604"),
        .init(country: "CA", phone: "+1 416 555 0100", zone: "America/Toronto", prefix: "+1 416"),
        .init(country: "CA", phone: "+1 514 555 0100", zone: "America/Toronto", prefix: "+1 514"),
        .init(country: "CA", phone: "+1 403 555 0100", zone: "America/Edmonton", prefix: "+1 403"),
        .init(country: "CA", phone: "+1 306 555 0100", zone: "America/Regina", prefix: "+1 306"),
        .init(country: "CA", phone: "+1 204 555 0100", zone: "America/Winnipeg", prefix: "+1 204"),
        .init(country: "CA", phone: "+1 902 555 0100", zone: "America/Halifax", prefix: "+1 902"),
        .init(country: "CA", phone: "+1 506 555 0100", zone: "America/Moncton", prefix: "+1 506"),
        .init(country: "CA", phone: "+1 709 555 0100", zone: "America/St_Johns", prefix: "+1 709"),
        .init(country: "AU", phone: "+61 8 9225 1234", zone: "Australia/Perth", prefix: "+61 89"),
        .init(country: "AU", phone: "+61 8 6123 4567", zone: "Australia/Perth", prefix: "+61 86"),
        .init(country: "AU", phone: "+61 8 8123 4567", zone: "Australia/Adelaide", prefix: "+61 8"),
        .init(country: "AU", phone: "+61 8 8981 1234", zone: "Australia/Darwin", prefix: "+61 889"),
        .init(country: "AU", phone: "+61 2 6123 4567", zone: "Australia/Sydney", prefix: "+61 2"),
        .init(country: "AU", phone: "+61 3 9123 4567", zone: "Australia/Melbourne", prefix: "+61 3"),
        .init(country: "AU", phone: "+61 3 6123 4567", zone: "Australia/Hobart", prefix: "+61 36"),
        .init(country: "AU", phone: "+61 7 3123 4567", zone: "Australia/Brisbane", prefix: "+61 7"),
        .init(country: "RU", phone: "+7 383 123 45 67", zone: "Asia/Novosibirsk", prefix: "+7 383"),
        .init(country: "RU", phone: "+7 423 123 45 67", zone: "Asia/Vladivostok", prefix: "+7 423"),
        .init(country: "RU", phone: "+7 4012 12 34 56", zone: "Europe/Kaliningrad", prefix: "+7 401"),
        .init(country: "RU", phone: "+7 343 123 45 67", zone: "Asia/Yekaterinburg", prefix: "+7 343"),
        .init(country: "RU", phone: "+7 812 123 45 67", zone: "Europe/Moscow", prefix: "+7 812"),
        .init(country: "BR", phone: "+55 92 3123 4567", zone: "America/Manaus", prefix: "+55 92"),
        .init(country: "BR", phone: "+55 11 98765 4321", zone: "America/Sao_Paulo", prefix: "+55 11"),
        .init(country: "BR", phone: "+55 65 3123 4567", zone: "America/Cuiaba", prefix: "+55 65"),
        .init(country: "BR", phone: "+55 81 3123 4567", zone: "America/Recife", prefix: "+55 81"),
        .init(country: "BR", phone: "+55 91 3123 4567", zone: "America/Belem", prefix: "+55 91"),
        .init(country: "BR", phone: "+55 85 3123 4567", zone: "America/Fortaleza", prefix: "+55 85"),
        .init(country: "BR", phone: "+55 68 3123 4567", zone: "America/Rio_Branco", prefix: "+55 68"),
        .init(country: "MX", phone: "+52 664 123 4567", zone: "America/Tijuana", prefix: "+52 664"),
        .init(country: "MX", phone: "+52 998 123 4567", zone: "America/Cancun", prefix: "+52 998"),
        .init(country: "MX", phone: "+52 662 123 4567", zone: "America/Hermosillo", prefix: "+52 662"),
        .init(country: "ID", phone: "+62 361 123456", zone: "Asia/Makassar", prefix: "+62 36"),
        .init(country: "ID", phone: "+62 967 123456", zone: "Asia/Jayapura", prefix: "+62 9"),
        .init(country: "ID", phone: "+62 21 1234 5678", zone: "Asia/Jakarta", prefix: "+62 2"),
        .init(country: "ID", phone: "+62 561 123456", zone: "Asia/Pontianak", prefix: "+62 56"),
        .init(country: "ES", phone: "+34 928 123 456", zone: "Atlantic/Canary", prefix: "+34 928"),
        .init(country: "PT", phone: "+351 296 123 456", zone: "Atlantic/Azores", prefix: "+351 296"),
        .init(country: "PT", phone: "+351 291 123 456", zone: "Atlantic/Madeira", prefix: "+351 291"),
        .init(country: "NZ", phone: "+64 3 305 1234", zone: "Pacific/Chatham", prefix: "+64 3305"),
        .init(country: "CL", phone: "+56 61 221 1234", zone: "America/Punta_Arenas", prefix: "+56 61"),
        .init(country: "EC", phone: "+593 5 252 6123", zone: "Pacific/Galapagos", prefix: "+593 5252"),
        // Nothing told: the most populous zone.
        .init(country: "US", phone: nil, zone: "America/New_York", prefix: nil),
        .init(country: "US", phone: "+1 604 555 0100", zone: "America/New_York", prefix: nil),
        .init(country: "US", phone: "+44 20 7946 0958", zone: "America/New_York", prefix: nil),
        .init(country: "US", phone: "+1 800 555 0100", zone: "America/New_York", prefix: nil),
        .init(country: "CA", phone: nil, zone: "America/Toronto", prefix: nil),
        .init(country: "CA", phone: "+1 212 555 0100", zone: "America/Toronto", prefix: nil),
        .init(country: "AU", phone: "+61 412 345 678", zone: "Australia/Sydney", prefix: nil),
        .init(country: "RU", phone: "+7 916 123 45 67", zone: "Europe/Moscow", prefix: nil),
        .init(country: "RU", phone: "+7 727 123 4567", zone: "Europe/Moscow", prefix: nil),
        .init(country: "BR", phone: nil, zone: "America/Sao_Paulo", prefix: nil),
        .init(country: "MX", phone: "+52 55 1234 5678", zone: "America/Mexico_City", prefix: nil),
        .init(country: "ID", phone: "+62 812 3456 7890", zone: "Asia/Jakarta", prefix: nil),
        .init(country: "CD", phone: nil, zone: "Africa/Lubumbashi", prefix: nil),
        .init(country: "NZ", phone: "+64 9 123 4567", zone: "Pacific/Auckland", prefix: nil),
    ]

    @Test(arguments: phoneCases)
    func multiZoneCountryTakesThePhonesZoneWhereItTellsElseTheMostPopulous(_ c: PhoneCase) {
        let r = TimeZoneResolver.resolve(timezone: nil, ipCountry: nil, country: c.country, phoneE164: c.phone)
        #expect(r.zone == c.zone)
        #expect(r.source == .country)
        #expect(r.warnings.isEmpty)
        if let prefix = c.prefix {
            #expect(r.basis == .phonePrefix(country: c.country, prefix: prefix))
        } else {
            #expect(r.basis == .mostPopulousZone(country: c.country))
        }
    }

    @Test func ipCountryAlsoReadsThePhoneOfThatCountry() {
        let r = TimeZoneResolver.resolve(timezone: nil, ipCountry: "AU", country: "GB",
                                         phoneE164: "+61 8 9225 1234")
        #expect(r.zone == "Australia/Perth")
        #expect(r.source == .ipCountry)
    }

    @Test func singleZoneCountryDecidesWithoutThePhone() {
        let r = TimeZoneResolver.resolve(timezone: nil, ipCountry: nil, country: "GB", phoneE164: "+44 20 7946 0958")
        #expect(r.zone == "Europe/London")
        #expect(r.basis == .onlyZone(country: "GB"))
    }

    @Test func phoneOnlyLeadGetsTheZoneOfItsNumbersCountry() {
        let r = TimeZoneResolver.resolve(timezone: nil, ipCountry: nil, country: nil, phoneE164: "+1 604 555 0100")
        #expect(r.zone == "America/Vancouver")
        #expect(r.source == .phone)
        #expect(r.basis == .phonePrefix(country: "CA", prefix: "+1 604"))
    }

    @Test(arguments: CountryCode.all)
    func everyCountryResolvesToAValidZoneOfItsOwn(_ country: String) throws {
        let r = TimeZoneResolver.resolve(timezone: nil, ipCountry: nil, country: country, phoneE164: nil)
        let zone = try #require(r.zone)
        #expect(zone == CountryZoneTable.zones[country]?.first)
        #expect(TimeZone(identifier: zone) != nil)
        #expect(r.warnings.isEmpty)
    }

    @Test func ukIsReadAsGBAndOtherNonCodesAreRefused() {
        #expect(CountryCode.normalize("UK") == "GB")
        #expect(CountryCode.normalize(" uk\n") == "GB")
        #expect(CountryCode.normalize("gb") == "GB")
        for bad in ["", "  ", "XX", "EU", "GBR", "United Kingdom", "U K"] {
            #expect(CountryCode.normalize(bad) == nil, "\(bad)")
        }
        #expect(CountryCode.normalize(nil) == nil)
    }

    @Test func warningsSayWhatWasPassedOver() {
        #expect(Warning.invalidTimezone("Mars/Base").description == "timezone 'Mars/Base' is not an IANA time zone")
        #expect(Warning.unknownCountry(source: .ipCountry, value: "XX").description
            == "ip_country 'XX' is not an ISO 3166-1 country code")
        #expect(Warning.invalidPhone("abc", .invalidCharacter("a")).description
            == "phone 'abc' not usable: letter 'a' in phone number")
    }

    @Test func isIANAZoneRefusesOffsetsAndUnknownNames() {
        for good in ["Europe/London", "America/Argentina/Buenos_Aires", "UTC", "Etc/GMT+5", "Asia/Calcutta"] {
            #expect(TimeZoneResolver.isIANAZone(good), "\(good)")
        }
        for bad in ["GMT+5", "gmt-3", "UTC+03:00", "Europe/Londn", "London", "", "localtime"] {
            #expect(!TimeZoneResolver.isIANAZone(bad), "\(bad)")
        }
    }
}
