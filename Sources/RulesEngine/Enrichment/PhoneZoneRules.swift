// Time zones from phone numbers inside countries that span several zones.
//
// A fixed-line number's area code says where the line is; a mobile number
// says nothing (Australian 4xx, Brazilian and Russian mobiles keep their
// region's code but Russian 9xx does not, Indonesian 8xx, ...). Covered:
//
// - US and Canada: every geographic area code (NANPAreaCodes.swift).
// - Australia: 2 NSW/ACT → Sydney; 3 Victoria → Melbourne, 3 6 Tasmania →
//   Hobart; 7 Queensland → Brisbane; 8 → Adelaide, except 8 6 and 8 9
//   (Western Australia) → Perth, 8 89 (Northern Territory) → Darwin and 8 80
//   (Broken Hill, far-west NSW) → Broken_Hill.
// - Brazil: every DDD code (two digits) → its state's zone.
// - Russia: the ABC codes (three digits) of every region not on Moscow time,
//   and of the larger ones that are. Mobile (9xx) numbers tell nothing.
// - Mexico: the area codes of the cities outside the Mexico City zone
//   (Tijuana, Sonora, Sinaloa and Baja California Sur, Chihuahua, Ciudad
//   Juárez, Ojinaga, Quintana Roo, Yucatán and Campeche, the Tamaulipas and
//   Coahuila border) and Monterrey.
// - Indonesia: the first digits of the area code: Java and Sumatra → Jakarta,
//   west and central Kalimantan (53, 56) → Pontianak, Bali, Nusa Tenggara,
//   Sulawesi and south, east and north Kalimantan → Makassar, Maluku and
//   Papua (9) → Jayapura.
// - Chile: 61 Magallanes → Punta_Arenas, 67 Aysén → Coyhaique. Ecuador: 5 252
//   Galápagos. Spain: 822, 828, 922, 928 Canary Islands. Portugal: 291
//   Madeira, 292, 295, 296 Azores. New Zealand: 3 305 Chatham Islands.
//
// Not covered (the country's most populous zone is used): Mongolia, the DR
// Congo, Kiribati, Micronesia, French Polynesia, Papua New Guinea, Greenland,
// Easter Island. Kazakhstan, Argentina, China, Ukraine, Uzbekistan, Germany,
// Cyprus, Malaysia and Palestine list several zones that keep one offset.

/// Zone lookups by national-number prefix.
enum PhoneZoneRules {
    /// The zone a number in `country` is in, with the prefix that told, when
    /// the number's leading digits say; nil for a mobile number, an unlisted
    /// area code or a country without rules.
    static func zone(country: String, nationalNumber: String) -> (zone: String, prefix: String)? {
        if country == "US" || country == "CA" {
            let areaCode = String(nationalNumber.prefix(3))
            guard let entry = NANPAreaCodes.table[areaCode], entry.country == country,
                  let zone = entry.zone else { return nil }
            return (zone, areaCode)
        }
        guard let table = tables[country],
              let hit = PhoneRegion.longestPrefixMatch(nationalNumber, in: table) else { return nil }
        return (hit.value, hit.prefix)
    }

    /// Country → national-number prefix → zone (longest prefix wins).
    static let tables: [String: [String: String]] = {
        var tables: [String: [String: String]] = [:]
        for (country, groups) in groupedRules {
            var table: [String: String] = [:]
            for (zone, prefixes) in groups {
                for prefix in prefixes.split(separator: " ") { table[String(prefix)] = zone }
            }
            tables[country] = table
        }
        return tables
    }()

    /// Rules as written: country → [(zone, space-separated prefixes)].
    static let groupedRules: [String: [(String, String)]] = [
        "AU": [
            ("Australia/Sydney", "2"), ("Australia/Melbourne", "3"), ("Australia/Hobart", "36"),
            ("Australia/Brisbane", "7"), ("Australia/Adelaide", "8"), ("Australia/Perth", "86 89"),
            ("Australia/Darwin", "889"), ("Australia/Broken_Hill", "880"),
        ],
        "BR": brazil,
        "RU": russia,
        "MX": mexico,
        "ID": [
            ("Asia/Jakarta", "2 3 6 7"), ("Asia/Pontianak", "53 56"),
            ("Asia/Makassar", "36 37 38 4 511 512 517 518 54 55"), ("Asia/Jayapura", "9"),
        ],
        "CL": [("America/Punta_Arenas", "61"), ("America/Coyhaique", "67")],
        "EC": [("Pacific/Galapagos", "5252")],
        "ES": [("Atlantic/Canary", "822 828 922 928")],
        "PT": [("Atlantic/Madeira", "291"), ("Atlantic/Azores", "292 295 296")],
        "NZ": [("Pacific/Chatham", "3305")],
    ]

    /// Brazilian DDD codes by state.
    private static let brazil: [(String, String)] = [
        ("America/Sao_Paulo", "11 12 13 14 15 16 17 18 19 21 22 24 27 28 31 32 33 34 35 37 38"
            + " 41 42 43 44 45 46 47 48 49 51 53 54 55 61 62 64"),      // S, SE, GO, DF
        ("America/Araguaina", "63"),                                      // TO
        ("America/Cuiaba", "65 66"),                                      // MT
        ("America/Campo_Grande", "67"),                                   // MS
        ("America/Rio_Branco", "68"),                                     // AC
        ("America/Porto_Velho", "69"),                                    // RO
        ("America/Bahia", "71 73 74 75 77"),                              // BA
        ("America/Maceio", "79 82"),                                      // SE, AL
        ("America/Recife", "81 87"),                                      // PE
        ("America/Fortaleza", "83 84 85 86 88 89 98 99"),                 // PB, RN, CE, PI, MA
        ("America/Belem", "91 94 96"),                                    // PA east, AP
        ("America/Santarem", "93"),                                       // PA west
        ("America/Manaus", "92 97"),                                      // AM
        ("America/Boa_Vista", "95"),                                      // RR
    ]

    /// Russian ABC (geographic) codes by zone.
    private static let russia: [(String, String)] = [
        ("Europe/Kaliningrad", "401"),
        ("Europe/Moscow", "471 472 473 474 475 481 482 483 484 485 486 487 491 492 493 494 495"
            + " 496 498 499 811 812 813 814 815 816 817 818 820 821 831 834 835 836 841 843 847"
            + " 855 861 862 863 865 866 867 871 872 873 877 878 879"),
        ("Europe/Kirov", "833"),
        ("Europe/Volgograd", "844"),
        ("Europe/Astrakhan", "851"),
        ("Europe/Saratov", "845"),
        ("Europe/Ulyanovsk", "842"),
        ("Europe/Samara", "341 846 848"),
        ("Asia/Yekaterinburg", "342 343 345 346 347 349 351 352 353"),
        ("Asia/Omsk", "381"),
        ("Asia/Novosibirsk", "383"),
        ("Asia/Barnaul", "385 388"),
        ("Asia/Tomsk", "382"),
        ("Asia/Novokuznetsk", "384"),
        ("Asia/Krasnoyarsk", "390 391 394"),
        ("Asia/Irkutsk", "301 395"),
        ("Asia/Chita", "302"),
        ("Asia/Yakutsk", "411 416"),
        ("Asia/Vladivostok", "421 423 426"),
        ("Asia/Magadan", "413"),
        ("Asia/Sakhalin", "424"),
        ("Asia/Kamchatka", "415"),
        ("Asia/Anadyr", "427"),
    ]

    /// Mexican area codes outside the Mexico City zone (and Monterrey's).
    private static let mexico: [(String, String)] = [
        ("America/Tijuana", "646 661 664 665 686"),                       // Baja California
        ("America/Hermosillo", "622 631 633 638 642 644 645 653 662"),    // Sonora (no DST)
        ("America/Mazatlan", "311 612 613 615 624 667 668 669 687"),      // Sinaloa, BCS, Nayarit
        ("America/Chihuahua", "614 625 627 639"),                         // Chihuahua
        ("America/Ciudad_Juarez", "656"),
        ("America/Ojinaga", "626"),
        ("America/Cancun", "983 984 987 998"),                            // Quintana Roo
        ("America/Merida", "938 981 985 999"),                            // Yucatán, Campeche
        ("America/Matamoros", "867 868 877 878 899"),                     // US border
        ("America/Monterrey", "81 618 833 834 844 871"),                  // NL, Coahuila, Durango, Tamaulipas
    ]
}
