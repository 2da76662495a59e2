// Country → IANA time zones, for every ISO 3166-1 alpha-2 code (249).
//
// Derived from the tz database's zone.tab (tzdata 2025b). The FIRST zone of
// each country is the one used when nothing else tells where in the country
// the lead is: for a country with several zones, the most populous one (for
// example New_York, Toronto, Sao_Paulo, Moscow, Sydney, Jakarta; Lubumbashi
// for the DR Congo, whose eastern half holds most of its people; Hebron for
// Palestine). The other zones are kept so that tests can check that a zone
// taken from a phone number belongs to its country.
//
// Two codes have no entry in zone.tab because nobody lives there: Bouvet
// Island (BV, Etc/UTC, its nominal offset) and Heard & McDonald Islands (HM,
// Indian/Kerguelen, the neighbouring French islands at +05).

/// The IANA zones of each country; see the file header for how the first
/// (default) zone was chosen.
enum CountryZoneTable {
    /// ISO 3166-1 alpha-2 code → zones, default first.
    static let zones: [String: [String]] = [
        "AD": ["Europe/Andorra"], // Andorra
        "AE": ["Asia/Dubai"], // United Arab Emirates
        "AF": ["Asia/Kabul"], // Afghanistan
        "AG": ["America/Antigua"], // Antigua & Barbuda
        "AI": ["America/Anguilla"], // Anguilla
        "AL": ["Europe/Tirane"], // Albania
        "AM": ["Asia/Yerevan"], // Armenia
        "AO": ["Africa/Luanda"], // Angola
        // Antarctica
        "AQ": ["Antarctica/McMurdo", "Antarctica/Casey", "Antarctica/Davis",
            "Antarctica/DumontDUrville", "Antarctica/Mawson", "Antarctica/Palmer",
            "Antarctica/Rothera", "Antarctica/Syowa", "Antarctica/Troll", "Antarctica/Vostok"],
        // Argentina
        "AR": ["America/Argentina/Buenos_Aires", "America/Argentina/Cordoba",
            "America/Argentina/Salta", "America/Argentina/Jujuy", "America/Argentina/Tucuman",
            "America/Argentina/Catamarca", "America/Argentina/La_Rioja",
            "America/Argentina/San_Juan", "America/Argentina/Mendoza",
            "America/Argentina/San_Luis", "America/Argentina/Rio_Gallegos",
            "America/Argentina/Ushuaia"],
        "AS": ["Pacific/Pago_Pago"], // Samoa (American)
        "AT": ["Europe/Vienna"], // Austria
        // Australia
        "AU": ["Australia/Sydney", "Australia/Lord_Howe", "Antarctica/Macquarie",
            "Australia/Hobart", "Australia/Melbourne", "Australia/Broken_Hill",
            "Australia/Brisbane", "Australia/Lindeman", "Australia/Adelaide", "Australia/Darwin",
            "Australia/Perth", "Australia/Eucla"],
        "AW": ["America/Aruba"], // Aruba
        "AX": ["Europe/Mariehamn"], // Åland Islands
        "AZ": ["Asia/Baku"], // Azerbaijan
        "BA": ["Europe/Sarajevo"], // Bosnia & Herzegovina
        "BB": ["America/Barbados"], // Barbados
        "BD": ["Asia/Dhaka"], // Bangladesh
        "BE": ["Europe/Brussels"], // Belgium
        "BF": ["Africa/Ouagadougou"], // Burkina Faso
        "BG": ["Europe/Sofia"], // Bulgaria
        "BH": ["Asia/Bahrain"], // Bahrain
        "BI": ["Africa/Bujumbura"], // Burundi
        "BJ": ["Africa/Porto-Novo"], // Benin
        "BL": ["America/St_Barthelemy"], // St Barthelemy
        "BM": ["Atlantic/Bermuda"], // Bermuda
        "BN": ["Asia/Brunei"], // Brunei
        "BO": ["America/La_Paz"], // Bolivia
        "BQ": ["America/Kralendijk"], // Caribbean NL
        // Brazil
        "BR": ["America/Sao_Paulo", "America/Noronha", "America/Belem", "America/Fortaleza",
            "America/Recife", "America/Araguaina", "America/Maceio", "America/Bahia",
            "America/Campo_Grande", "America/Cuiaba", "America/Santarem", "America/Porto_Velho",
            "America/Boa_Vista", "America/Manaus", "America/Eirunepe", "America/Rio_Branco"],
        "BS": ["America/Nassau"], // Bahamas
        "BT": ["Asia/Thimphu"], // Bhutan
        "BV": ["Etc/UTC"], // Bouvet Island
        "BW": ["Africa/Gaborone"], // Botswana
        "BY": ["Europe/Minsk"], // Belarus
        "BZ": ["America/Belize"], // Belize
        // Canada
        "CA": ["America/Toronto", "America/St_Johns", "America/Halifax", "America/Glace_Bay",
            "America/Moncton", "America/Goose_Bay", "America/Blanc-Sablon", "America/Iqaluit",
            "America/Atikokan", "America/Winnipeg", "America/Resolute", "America/Rankin_Inlet",
            "America/Regina", "America/Swift_Current", "America/Edmonton", "America/Cambridge_Bay",
            "America/Inuvik", "America/Creston", "America/Dawson_Creek", "America/Fort_Nelson",
            "America/Whitehorse", "America/Dawson", "America/Vancouver"],
        "CC": ["Indian/Cocos"], // Cocos (Keeling) Islands
        "CD": ["Africa/Lubumbashi", "Africa/Kinshasa"], // Congo (Dem. Rep.)
        "CF": ["Africa/Bangui"], // Central African Rep.
        "CG": ["Africa/Brazzaville"], // Congo (Rep.)
        "CH": ["Europe/Zurich"], // Switzerland
        "CI": ["Africa/Abidjan"], // Côte d'Ivoire
        "CK": ["Pacific/Rarotonga"], // Cook Islands
        "CL": ["America/Santiago", "America/Coyhaique", "America/Punta_Arenas", "Pacific/Easter"], // Chile
        "CM": ["Africa/Douala"], // Cameroon
        "CN": ["Asia/Shanghai", "Asia/Urumqi"], // China
        "CO": ["America/Bogota"], // Colombia
        "CR": ["America/Costa_Rica"], // Costa Rica
        "CU": ["America/Havana"], // Cuba
        "CV": ["Atlantic/Cape_Verde"], // Cape Verde
        "CW": ["America/Curacao"], // Curaçao
        "CX": ["Indian/Christmas"], // Christmas Island
        "CY": ["Asia/Nicosia", "Asia/Famagusta"], // Cyprus
        "CZ": ["Europe/Prague"], // Czech Republic
        "DE": ["Europe/Berlin", "Europe/Busingen"], // Germany
        "DJ": ["Africa/Djibouti"], // Djibouti
        "DK": ["Europe/Copenhagen"], // Denmark
        "DM": ["America/Dominica"], // Dominica
        "DO": ["America/Santo_Domingo"], // Dominican Republic
        "DZ": ["Africa/Algiers"], // Algeria
        "EC": ["America/Guayaquil", "Pacific/Galapagos"], // Ecuador
        "EE": ["Europe/Tallinn"], // Estonia
        "EG": ["Africa/Cairo"], // Egypt
        "EH": ["Africa/El_Aaiun"], // Western Sahara
        "ER": ["Africa/Asmara"], // Eritrea
        "ES": ["Europe/Madrid", "Africa/Ceuta", "Atlantic/Canary"], // Spain
        "ET": ["Africa/Addis_Ababa"], // Ethiopia
        "FI": ["Europe/Helsinki"], // Finland
        "FJ": ["Pacific/Fiji"], // Fiji
        "FK": ["Atlantic/Stanley"], // Falkland Islands
        "FM": ["Pacific/Chuuk", "Pacific/Pohnpei", "Pacific/Kosrae"], // Micronesia
        "FO": ["Atlantic/Faroe"], // Faroe Islands
        "FR": ["Europe/Paris"], // France
        "GA": ["Africa/Libreville"], // Gabon
        "GB": ["Europe/London"], // Britain (UK)
        "GD": ["America/Grenada"], // Grenada
        "GE": ["Asia/Tbilisi"], // Georgia
        "GF": ["America/Cayenne"], // French Guiana
        "GG": ["Europe/Guernsey"], // Guernsey
        "GH": ["Africa/Accra"], // Ghana
        "GI": ["Europe/Gibraltar"], // Gibraltar
        "GL": ["America/Nuuk", "America/Danmarkshavn", "America/Scoresbysund", "America/Thule"], // Greenland
        "GM": ["Africa/Banjul"], // Gambia
        "GN": ["Africa/Conakry"], // Guinea
        "GP": ["America/Guadeloupe"], // Guadeloupe
        "GQ": ["Africa/Malabo"], // Equatorial Guinea
        "GR": ["Europe/Athens"], // Greece
        "GS": ["Atlantic/South_Georgia"], // South Georgia & the South Sandwich Islands
        "GT": ["America/Guatemala"], // Guatemala
        "GU": ["Pacific/Guam"], // Guam
        "GW": ["Africa/Bissau"], // Guinea-Bissau
        "GY": ["America/Guyana"], // Guyana
        "HK": ["Asia/Hong_Kong"], // Hong Kong
        "HM": ["Indian/Kerguelen"], // Heard Island & McDonald Islands
        "HN": ["America/Tegucigalpa"], // Honduras
        "HR": ["Europe/Zagreb"], // Croatia
        "HT": ["America/Port-au-Prince"], // Haiti
        "HU": ["Europe/Budapest"], // Hungary
        "ID": ["Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura"], // Indonesia
        "IE": ["Europe/Dublin"], // Ireland
        "IL": ["Asia/Jerusalem"], // Israel
        "IM": ["Europe/Isle_of_Man"], // Isle of Man
        "IN": ["Asia/Kolkata"], // India
        "IO": ["Indian/Chagos"], // British Indian Ocean Territory
        "IQ": ["Asia/Baghdad"], // Iraq
        "IR": ["Asia/Tehran"], // Iran
        "IS": ["Atlantic/Reykjavik"], // Iceland
        "IT": ["Europe/Rome"], // Italy
        "JE": ["Europe/Jersey"], // Jersey
        "JM": ["America/Jamaica"], // Jamaica
        "JO": ["Asia/Amman"], // Jordan
        "JP": ["Asia/Tokyo"], // Japan
        "KE": ["Africa/Nairobi"], // Kenya
        "KG": ["Asia/Bishkek"], // Kyrgyzstan
        "KH": ["Asia/Phnom_Penh"], // Cambodia
        "KI": ["Pacific/Tarawa", "Pacific/Kanton", "Pacific/Kiritimati"], // Kiribati
        "KM": ["Indian/Comoro"], // Comoros
        "KN": ["America/St_Kitts"], // St Kitts & Nevis
        "KP": ["Asia/Pyongyang"], // Korea (North)
        "KR": ["Asia/Seoul"], // Korea (South)
        "KW": ["Asia/Kuwait"], // Kuwait
        "KY": ["America/Cayman"], // Cayman Islands
        // Kazakhstan
        "KZ": ["Asia/Almaty", "Asia/Qyzylorda", "Asia/Qostanay", "Asia/Aqtobe", "Asia/Aqtau",
            "Asia/Atyrau", "Asia/Oral"],
        "LA": ["Asia/Vientiane"], // Laos
        "LB": ["Asia/Beirut"], // Lebanon
        "LC": ["America/St_Lucia"], // St Lucia
        "LI": ["Europe/Vaduz"], // Liechtenstein
        "LK": ["Asia/Colombo"], // Sri Lanka
        "LR": ["Africa/Monrovia"], // Liberia
        "LS": ["Africa/Maseru"], // Lesotho
        "LT": ["Europe/Vilnius"], // Lithuania
        "LU": ["Europe/Luxembourg"], // Luxembourg
        "LV": ["Europe/Riga"], // Latvia
        "LY": ["Africa/Tripoli"], // Libya
        "MA": ["Africa/Casablanca"], // Morocco
        "MC": ["Europe/Monaco"], // Monaco
        "MD": ["Europe/Chisinau"], // Moldova
        "ME": ["Europe/Podgorica"], // Montenegro
        "MF": ["America/Marigot"], // St Martin (French)
        "MG": ["Indian/Antananarivo"], // Madagascar
        "MH": ["Pacific/Majuro", "Pacific/Kwajalein"], // Marshall Islands
        "MK": ["Europe/Skopje"], // North Macedonia
        "ML": ["Africa/Bamako"], // Mali
        "MM": ["Asia/Yangon"], // Myanmar (Burma)
        "MN": ["Asia/Ulaanbaatar", "Asia/Hovd"], // Mongolia
        "MO": ["Asia/Macau"], // Macau
        "MP": ["Pacific/Saipan"], // Northern Mariana Islands
        "MQ": ["America/Martinique"], // Martinique
        "MR": ["Africa/Nouakchott"], // Mauritania
        "MS": ["America/Montserrat"], // Montserrat
        "MT": ["Europe/Malta"], // Malta
        "MU": ["Indian/Mauritius"], // Mauritius
        "MV": ["Indian/Maldives"], // Maldives
        "MW": ["Africa/Blantyre"], // Malawi
        // Mexico
        "MX": ["America/Mexico_City", "America/Cancun", "America/Merida", "America/Monterrey",
            "America/Matamoros", "America/Chihuahua", "America/Ciudad_Juarez", "America/Ojinaga",
            "America/Mazatlan", "America/Bahia_Banderas", "America/Hermosillo", "America/Tijuana"],
        "MY": ["Asia/Kuala_Lumpur", "Asia/Kuching"], // Malaysia
        "MZ": ["Africa/Maputo"], // Mozambique
        "NA": ["Africa/Windhoek"], // Namibia
        "NC": ["Pacific/Noumea"], // New Caledonia
        "NE": ["Africa/Niamey"], // Niger
        "NF": ["Pacific/Norfolk"], // Norfolk Island
        "NG": ["Africa/Lagos"], // Nigeria
        "NI": ["America/Managua"], // Nicaragua
        "NL": ["Europe/Amsterdam"], // Netherlands
        "NO": ["Europe/Oslo"], // Norway
        "NP": ["Asia/Kathmandu"], // Nepal
        "NR": ["Pacific/Nauru"], // Nauru
        "NU": ["Pacific/Niue"], // Niue
        "NZ": ["Pacific/Auckland", "Pacific/Chatham"], // New Zealand
        "OM": ["Asia/Muscat"], // Oman
        "PA": ["America/Panama"], // Panama
        "PE": ["America/Lima"], // Peru
        "PF": ["Pacific/Tahiti", "Pacific/Marquesas", "Pacific/Gambier"], // French Polynesia
        "PG": ["Pacific/Port_Moresby", "Pacific/Bougainville"], // Papua New Guinea
        "PH": ["Asia/Manila"], // Philippines
        "PK": ["Asia/Karachi"], // Pakistan
        "PL": ["Europe/Warsaw"], // Poland
        "PM": ["America/Miquelon"], // St Pierre & Miquelon
        "PN": ["Pacific/Pitcairn"], // Pitcairn
        "PR": ["America/Puerto_Rico"], // Puerto Rico
        "PS": ["Asia/Hebron", "Asia/Gaza"], // Palestine
        "PT": ["Europe/Lisbon", "Atlantic/Madeira", "Atlantic/Azores"], // Portugal
        "PW": ["Pacific/Palau"], // Palau
        "PY": ["America/Asuncion"], // Paraguay
        "QA": ["Asia/Qatar"], // Qatar
        "RE": ["Indian/Reunion"], // Réunion
        "RO": ["Europe/Bucharest"], // Romania
        "RS": ["Europe/Belgrade"], // Serbia
        // Russia
        "RU": ["Europe/Moscow", "Europe/Kaliningrad", "Europe/Kirov", "Europe/Volgograd",
            "Europe/Astrakhan", "Europe/Saratov", "Europe/Ulyanovsk", "Europe/Samara",
            "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk", "Asia/Barnaul", "Asia/Tomsk",
            "Asia/Novokuznetsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Chita", "Asia/Yakutsk",
            "Asia/Khandyga", "Asia/Vladivostok", "Asia/Ust-Nera", "Asia/Magadan", "Asia/Sakhalin",
            "Asia/Srednekolymsk", "Asia/Kamchatka", "Asia/Anadyr"],
        "RW": ["Africa/Kigali"], // Rwanda
        "SA": ["Asia/Riyadh"], // Saudi Arabia
        "SB": ["Pacific/Guadalcanal"], // Solomon Islands
        "SC": ["Indian/Mahe"], // Seychelles
        "SD": ["Africa/Khartoum"], // Sudan
        "SE": ["Europe/Stockholm"], // Sweden
        "SG": ["Asia/Singapore"], // Singapore
        "SH": ["Atlantic/St_Helena"], // St Helena
        "SI": ["Europe/Ljubljana"], // Slovenia
        "SJ": ["Arctic/Longyearbyen"], // Svalbard & Jan Mayen
        "SK": ["Europe/Bratislava"], // Slovakia
        "SL": ["Africa/Freetown"], // Sierra Leone
        "SM": ["Europe/San_Marino"], // San Marino
        "SN": ["Africa/Dakar"], // Senegal
        "SO": ["Africa/Mogadishu"], // Somalia
        "SR": ["America/Paramaribo"], // Suriname
        "SS": ["Africa/Juba"], // South Sudan
        "ST": ["Africa/Sao_Tome"], // Sao Tome & Principe
        "SV": ["America/El_Salvador"], // El Salvador
        "SX": ["America/Lower_Princes"], // St Maarten (Dutch)
        "SY": ["Asia/Damascus"], // Syria
        "SZ": ["Africa/Mbabane"], // Eswatini (Swaziland)
        "TC": ["America/Grand_Turk"], // Turks & Caicos Is
        "TD": ["Africa/Ndjamena"], // Chad
        "TF": ["Indian/Kerguelen"], // French S. Terr.
        "TG": ["Africa/Lome"], // Togo
        "TH": ["Asia/Bangkok"], // Thailand
        "TJ": ["Asia/Dushanbe"], // Tajikistan
        "TK": ["Pacific/Fakaofo"], // Tokelau
        "TL": ["Asia/Dili"], // East Timor
        "TM": ["Asia/Ashgabat"], // Turkmenistan
        "TN": ["Africa/Tunis"], // Tunisia
        "TO": ["Pacific/Tongatapu"], // Tonga
        "TR": ["Europe/Istanbul"], // Turkey
        "TT": ["America/Port_of_Spain"], // Trinidad & Tobago
        "TV": ["Pacific/Funafuti"], // Tuvalu
        "TW": ["Asia/Taipei"], // Taiwan
        "TZ": ["Africa/Dar_es_Salaam"], // Tanzania
        "UA": ["Europe/Kyiv", "Europe/Simferopol"], // Ukraine
        "UG": ["Africa/Kampala"], // Uganda
        "UM": ["Pacific/Wake", "Pacific/Midway"], // US minor outlying islands
        // United States
        "US": ["America/New_York", "America/Detroit", "America/Kentucky/Louisville",
            "America/Kentucky/Monticello", "America/Indiana/Indianapolis",
            "America/Indiana/Vincennes", "America/Indiana/Winamac", "America/Indiana/Marengo",
            "America/Indiana/Petersburg", "America/Indiana/Vevay", "America/Chicago",
            "America/Indiana/Tell_City", "America/Indiana/Knox", "America/Menominee",
            "America/North_Dakota/Center", "America/North_Dakota/New_Salem",
            "America/North_Dakota/Beulah", "America/Denver", "America/Boise", "America/Phoenix",
            "America/Los_Angeles", "America/Anchorage", "America/Juneau", "America/Sitka",
            "America/Metlakatla", "America/Yakutat", "America/Nome", "America/Adak",
            "Pacific/Honolulu"],
        "UY": ["America/Montevideo"], // Uruguay
        "UZ": ["Asia/Tashkent", "Asia/Samarkand"], // Uzbekistan
        "VA": ["Europe/Vatican"], // Vatican City
        "VC": ["America/St_Vincent"], // St Vincent
        "VE": ["America/Caracas"], // Venezuela
        "VG": ["America/Tortola"], // Virgin Islands (UK)
        "VI": ["America/St_Thomas"], // Virgin Islands (US)
        "VN": ["Asia/Ho_Chi_Minh"], // Vietnam
        "VU": ["Pacific/Efate"], // Vanuatu
        "WF": ["Pacific/Wallis"], // Wallis & Futuna
        "WS": ["Pacific/Apia"], // Samoa (western)
        "YE": ["Asia/Aden"], // Yemen
        "YT": ["Indian/Mayotte"], // Mayotte
        "ZA": ["Africa/Johannesburg"], // South Africa
        "ZM": ["Africa/Lusaka"], // Zambia
        "ZW": ["Africa/Harare"], // Zimbabwe
    ]
}
