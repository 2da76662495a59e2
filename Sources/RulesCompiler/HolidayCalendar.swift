// Holiday calendars: the dates that are not business days, for every
// country and per ISO 3166-1 country. They come from a playbook's HOLIDAYS
// file (HolidayFile.swift reads it, LoadedPlaybook.load finds it); the engine asks
// `isHoliday(_:country:)` with the lead's local date and country.

/// A date on a local calendar (no zone: the lead's zone decides which
/// instants belong to it).
public struct LocalDate: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads `2026-12-25` when it is a real date of the proleptic gregorian
    /// calendar (2026-02-29 is not); nil for anything else.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...Self.daysIn(month: m, year: y)).contains(d) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The number of days of a month (1-12) in a year of the gregorian calendar.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public var description: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}

/// The holidays of a playbook: dates for every country, and dates of one
/// country (keyed by its ISO 3166-1 alpha-2 code, in capitals).
public struct HolidayCalendar: Sendable, Hashable {
    /// Holidays of every lead, whatever its country (a line with no country).
    public var everywhere: Set<LocalDate>
    /// Holidays of the leads of one country.
    public var byCountry: [String: Set<LocalDate>]
    /// The name of each holiday as the file gave it, for explanations
    /// (`nil` country: a line for every country).
    public var names: [Key: String]

    /// A (country, date) pair; `country` nil for every country.
    public struct Key: Sendable, Hashable {
        public var country: String?
        public var date: LocalDate
        public init(country: String?, date: LocalDate) {
            self.country = country
            self.date = date
        }
    }

    /// No holidays: only weekends are not business days.
    public static let none = HolidayCalendar()

    public init(everywhere: Set<LocalDate> = [], byCountry: [String: Set<LocalDate>] = [:],
                names: [Key: String] = [:]) {
        self.everywhere = everywhere
        self.byCountry = byCountry
        self.names = names
    }

    /// True when `date` is a holiday for every country, or for `country`
    /// (an ISO code; matched in any letter case). A lead with no known
    /// country has only the every-country holidays.
    public func isHoliday(_ date: LocalDate, country: String?) -> Bool {
        if everywhere.contains(date) { return true }
        guard let country, !byCountry.isEmpty else { return false }
        return byCountry[country.uppercased()]?.contains(date) ?? false
    }

    /// The holiday's name for explanations (the country's line first), nil
    /// when it is not a holiday or the line gave no name.
    public func name(of date: LocalDate, country: String?) -> String? {
        if let country, let name = names[Key(country: country.uppercased(), date: date)] { return name }
        return names[Key(country: nil, date: date)]
    }

    /// True when there is no holiday at all.
    public var isEmpty: Bool { everywhere.isEmpty && byCountry.values.allSatisfy(\.isEmpty) }

    /// Adds one holiday; `country` nil for every country.
    public mutating func add(_ date: LocalDate, country: String?, name: String? = nil) {
        if let country {
            byCountry[country.uppercased(), default: []].insert(date)
        } else {
            everywhere.insert(date)
        }
        if let name, !name.isEmpty { names[Key(country: country?.uppercased(), date: date)] = name }
    }
}
