// The shipped enrichment tables: complete, consistent with each other and
// with this machine's tz database.

import Foundation
import Testing
@testable import RulesEngine

struct EnrichmentTableTests {
    @Test func everyAssignedISOCountryHasZonesAndACallingCode() {
        #expect(CountryZoneTable.zones.count == 249)
        #expect(Set(CallingCodeTable.byCountry.keys) == Set(CountryZoneTable.zones.keys))
        for (country, zones) in CountryZoneTable.zones {
            #expect(!zones.isEmpty, "\(country) has no zone")
            #expect(Set(zones).count == zones.count, "\(country) lists a zone twice")
        }
    }

    @Test func everyTableZoneIsAValidIdentifierInTheSystemTzdata() {
        for (country, zones) in CountryZoneTable.zones {
            for zone in zones {
                #expect(TimeZone(identifier: zone) != nil, "\(country): \(zone)")
            }
        }
    }

    @Test func callingCodesArePrefixFreeSoAtMostOneMatchesAnyNumber() {
        let codes = Set(CallingCodeTable.byCountry.values)
        for code in codes {
            for other in codes where other != code {
                #expect(!other.hasPrefix(code), "+\(code) is a prefix of +\(other)")
            }
        }
    }

    @Test func everySharedCallingCodeNamesAPrimaryCountryThatUsesIt() {
        var countriesByCode: [String: [String]] = [:]
        for (country, code) in CallingCodeTable.byCountry { countriesByCode[code, default: []].append(country) }
        for (code, countries) in countriesByCode where countries.count > 1 {
            let primary = CallingCodeTable.primaryCountry[code]
            #expect(primary.map(countries.contains) == true, "+\(code) shared by \(countries.sorted())")
        }
        for (code, country) in CallingCodeTable.primaryCountry {
            #expect(CallingCodeTable.byCountry[country] == code)
        }
    }

    @Test func regionPrefixesNameCountriesOfTheirCallingCode() {
        for (code, table) in PhoneRegion.prefixes {
            for (prefix, country) in table {
                #expect(CallingCodeTable.byCountry[country] == code, "+\(code) \(prefix) → \(country)")
            }
        }
    }

    @Test func eachNANPAreaCodeIsListedOnceWithAZoneOfItsCountry() {
        let listed = NANPAreaCodes.unitedStates.flatMap { $0.2.split(separator: " ") }
            + NANPAreaCodes.canada.flatMap { $0.2.split(separator: " ") }
            + NANPAreaCodes.otherMembers.map { Substring($0.0) }
        #expect(listed.count == Set(listed).count, "duplicates: \(duplicates(listed))")
        #expect(listed.count == NANPAreaCodes.table.count)
        for (areaCode, entry) in NANPAreaCodes.table {
            #expect(areaCode.count == 3 && areaCode.allSatisfy(\.isNumber))
            #expect(CallingCodeTable.byCountry[entry.country] == "1", "\(areaCode) → \(entry.country)")
            if let zone = entry.zone {
                #expect(CountryZoneTable.zones[entry.country]?.contains(zone) == true, "\(areaCode): \(zone)")
            } else {
                #expect(entry.country != "US" && entry.country != "CA", "\(areaCode) has no zone")
            }
        }
    }

    @Test func usAndCanadianAreaCodeCountsCoverTheWholePlan() {
        let us = NANPAreaCodes.table.values.filter { $0.country == "US" }.count
        let canada = NANPAreaCodes.table.values.filter { $0.country == "CA" }.count
        #expect(us >= 330)
        #expect(canada >= 40)
    }

    @Test func phoneZoneRulesUseZonesOfTheirCountryAndNoPrefixTwice() {
        for (country, groups) in PhoneZoneRules.groupedRules {
            let prefixes = groups.flatMap { $0.1.split(separator: " ") }
            #expect(prefixes.count == Set(prefixes).count, "\(country) duplicates: \(duplicates(prefixes))")
            for (zone, _) in groups {
                #expect(CountryZoneTable.zones[country]?.contains(zone) == true, "\(country): \(zone)")
            }
            #expect((CountryZoneTable.zones[country]?.count ?? 0) > 1, "\(country) has one zone")
        }
    }

    @Test func everyBrazilianDDDCodeHasAZone() {
        // Anatel's list of the 67 DDD codes in use.
        let ddd = ("11 12 13 14 15 16 17 18 19 21 22 24 27 28 31 32 33 34 35 37 38 41 42 43 44 45 46"
            + " 47 48 49 51 53 54 55 61 62 63 64 65 66 67 68 69 71 73 74 75 77 79 81 82 83 84 85 86"
            + " 87 88 89 91 92 93 94 95 96 97 98 99").split(separator: " ")
        #expect(ddd.count == 67)
        for code in ddd {
            #expect(PhoneZoneRules.zone(country: "BR", nationalNumber: code + "912345678") != nil, "DDD \(code)")
        }
    }

    private func duplicates(_ items: [Substring]) -> [Substring] {
        var seen: Set<Substring> = []
        return items.filter { !seen.insert($0).inserted }
    }
}
