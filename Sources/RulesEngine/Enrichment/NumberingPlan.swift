// What national numbering plans say about writing a number at home: the
// trunk prefix dialled before a national number, the prefixes for dialling
// abroad, and how many digits a national (significant) number has.
//
// Trunk prefixes: `0` in most countries; `1` in the NANP; `8` in Russia,
// Kazakhstan and other former Soviet plans that kept it (Lithuania moved to
// `0` and both are still written); `80` in Belarus; `06` in Hungary; the
// Mexican `01`/`044`/`045` dropped in 2019 but still found in old data.
// Countries whose numbers are dialled the same at home and abroad (Italy,
// where the leading 0 belongs to the number, Spain, Portugal, Scandinavia,
// Poland, the Gulf states, most of Central America, ...) have none.
//
// Lengths are those of fixed and mobile numbers (not short codes or premium
// services) for the countries brokers see most; a country not listed is held
// to the global rule that a whole E.164 number has 8 to 15 digits. Niue,
// Tokelau and St Helena are listed because their numbers are shorter.

/// Numbering-plan facts by ISO country.
enum NumberingPlan {
    /// Trunk prefixes of `country`, longest first (empty: none).
    static func trunkPrefixes(for country: String) -> [String] {
        if CallingCodeTable.byCountry[country] == "1" { return ["1"] }
        if let special = specialTrunkPrefixes[country] { return special }
        return noTrunkPrefix.contains(country) ? [] : ["0"]
    }

    /// Prefixes for dialling abroad from `country`, longest first; `00`
    /// (and `+`) are understood everywhere.
    static func internationalPrefixes(for country: String?) -> [String] {
        guard let country else { return ["00"] }
        if CallingCodeTable.byCountry[country] == "1" { return ["011", "00"] }
        return (specialInternationalPrefixes[country] ?? []) + ["00"]
    }

    /// Digits in a national significant number of `country`, when known.
    static func nationalLength(for country: String) -> ClosedRange<Int>? {
        if CallingCodeTable.byCountry[country] == "1" { return 10...10 }
        return nationalLengths[country]
    }

    /// True for a trunk prefix that national numbers may also start with
    /// (the former Soviet `8`: Russia's 812, 843, 861 ... area codes).
    static func mayBeginNationalNumber(_ trunkPrefix: String) -> Bool {
        trunkPrefix == "8"
    }

    /// Digits of a carrier-selection code written after the trunk prefix:
    /// Brazilians write `0 XX AA NNNNNNNN`, XX choosing the long-distance carrier.
    static func carrierCodeLength(for country: String) -> Int {
        country == "BR" ? 2 : 0
    }

    private static let specialTrunkPrefixes: [String: [String]] = [
        "RU": ["8"], "KZ": ["8"], "TM": ["8"], "TJ": ["8"], "UZ": ["8"],
        "BY": ["80", "0"], "LT": ["8", "0"], "HU": ["06"], "MX": ["044", "045", "01"],
    ]

    private static let noTrunkPrefix: Set<String> = [
        "AD", "BH", "BJ", "BZ", "CI", "CL", "CO", "CR", "CY", "CZ", "DK", "EE", "ES", "FO", "GL",
        "GR", "GT", "HK", "HN", "IS", "IT", "KW", "LU", "LV", "MC", "MO", "MT", "MU", "NI", "NO",
        "OM", "PA", "PL", "PT", "QA", "SG", "SJ", "SM", "SN", "SV", "TN", "VA",
    ]

    private static let specialInternationalPrefixes: [String: [String]] = [
        "AU": ["0011"], "JP": ["010"], "RU": ["810"], "KZ": ["810"], "BY": ["810"],
    ]

    private static let nationalLengths: [String: ClosedRange<Int>] = [
        // Europe
        "GB": 7...10, "GG": 10...10, "JE": 10...10, "IM": 10...10, "IE": 7...9, "DE": 6...13,
        "FR": 9...9, "IT": 6...11, "ES": 9...9, "PT": 9...9, "NL": 9...9, "BE": 8...9,
        "CH": 9...9, "DK": 8...8, "NO": 8...8, "SE": 7...10, "PL": 9...9, "CZ": 9...9,
        "SK": 9...9, "HU": 8...9, "RO": 9...9, "BG": 7...9, "GR": 10...10, "CY": 8...8,
        "MT": 8...8, "IS": 7...7, "EE": 7...8, "LV": 8...8, "LT": 8...8, "SI": 8...8,
        "HR": 8...9, "UA": 9...9, "BY": 9...9, "RU": 10...10, "KZ": 10...10, "TR": 10...10,
        "UZ": 9...9, "TM": 8...8, "TJ": 9...9,
        // Middle East and Africa
        "IL": 8...9, "AE": 8...9, "SA": 9...9, "QA": 8...8, "KW": 8...8, "BH": 8...8,
        "OM": 8...8, "JO": 8...9, "LB": 7...8, "EG": 8...10, "ZA": 9...9, "NG": 8...10,
        "KE": 9...9, "GH": 9...9, "MA": 9...9, "TN": 8...8, "DZ": 8...9,
        // Asia and Oceania
        "IN": 10...10, "PK": 9...10, "BD": 8...10, "LK": 9...9, "JP": 9...10, "KR": 8...10,
        "TW": 8...9, "HK": 8...8, "MO": 8...8, "SG": 8...8, "MY": 8...10, "TH": 8...9,
        "VN": 9...10, "PH": 8...10, "ID": 8...12, "AU": 9...9, "NZ": 8...10,
        "NU": 4...7, "TK": 4...7, "SH": 4...5,
        // Latin America
        "BR": 10...11, "MX": 10...10, "AR": 10...11, "CL": 9...9, "CO": 10...10,
        "PE": 8...9, "VE": 10...10, "EC": 8...9, "UY": 8...8,
    ]
}
