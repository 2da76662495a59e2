// Which country a phone number is in, from its calling code and, where a
// code is shared, its leading national digits.
//
// Covered within shared codes: +1 by area code (NANPAreaCodes); +7 Kazakhstan
// (national numbers starting 6 or 7) vs Russia; +44 Guernsey, Jersey and the
// Isle of Man by their landline codes and main mobile blocks; +47 Svalbard
// (79); +61 Christmas (8 9164) and Cocos (8 9162) Islands; +262 Mayotte (269,
// 639); +599 Curaçao (9) vs Bonaire, Sint Eustatius and Saba (3, 4, 7);
// +358 Åland (18); +39 Vatican (06 698); +212 Western Sahara (5288, 5289);
// +672 Australian Antarctic stations (1) vs Norfolk Island. Anything else
// falls to the code's primary country (CallingCodeTable.primaryCountry):
// a +1 number with an unlisted area code is "US".

/// Country of a phone number.
enum PhoneRegion {
    /// Leading national digits → country, per shared calling code; the
    /// longest listed prefix wins.
    static let prefixes: [String: [String: String]] = [
        "7": ["6": "KZ", "7": "KZ"],
        "44": ["1481": "GG", "7781": "GG", "7839": "GG", "7911": "GG",
               "1534": "JE", "7509": "JE", "7797": "JE", "7829": "JE", "7937": "JE",
               "1624": "IM", "7524": "IM", "7624": "IM", "7924": "IM"],
        "47": ["79": "SJ"],
        "61": ["89164": "CX", "89162": "CC"],
        "262": ["269": "YT", "639": "YT"],
        "599": ["9": "CW", "3": "BQ", "4": "BQ", "7": "BQ"],
        "358": ["18": "AX"],
        "39": ["06698": "VA"],
        "212": ["5288": "EH", "5289": "EH"],
        "672": ["1": "AQ", "3": "NF"],
    ]

    /// The ISO country of the number `+<callingCode><nationalNumber>`, or nil
    /// when the calling code is not assigned.
    static func country(callingCode: String, nationalNumber: String) -> String? {
        if callingCode == "1" {
            let areaCode = String(nationalNumber.prefix(3))
            return NANPAreaCodes.table[areaCode]?.country ?? "US"
        }
        if let table = prefixes[callingCode],
           let hit = longestPrefixMatch(nationalNumber, in: table) {
            return hit.value
        }
        return CallingCodeTable.countryByCode[callingCode]
    }

    /// The value of the longest key of `table` that starts `digits`.
    static func longestPrefixMatch(_ digits: String, in table: [String: String])
        -> (prefix: String, value: String)?
    {
        var length = digits.count
        while length > 0 {
            let prefix = String(digits.prefix(length))
            if let value = table[prefix] { return (prefix, value) }
            length -= 1
        }
        return nil
    }
}
