// Which IANA time zone a lead lives in, decided once at capture so that
// calling hours and business days are counted in the lead's local time.
//
// Sources, first usable one wins: the lead's own `timezone` (a valid IANA
// name), then the country its IP address geolocates to, then the country it
// gave, then the country of its phone number. A country with one zone
// decides at once; in a country with several, a fixed-line number of that
// country says which (PhoneZoneRules), else its most populous zone is taken.
// Unusable input is not an error: it is reported as a warning and the next
// source is tried, so a typo in `timezone` still leaves the lead callable.
//
// Zone names are checked with Foundation's `TimeZone(identifier:)`, which
// reads the system's tz database; a table zone missing from an old database
// is skipped with a warning rather than handed to the scheduler.

import Foundation

/// Time zone resolution for a lead at capture.
public enum TimeZoneResolver {
    /// Where a zone came from.
    public enum Source: String, Sendable, Hashable {
        case timezone
        case ipCountry = "ip_country"
        case country
        case phone
    }

    /// Why that zone, within its source.
    public enum Basis: Sendable, Hashable {
        /// The lead's own `timezone` field.
        case explicitZone
        /// The country has one zone.
        case onlyZone(country: String)
        /// The phone number's area code placed it (`prefix` as `+1 415`).
        case phonePrefix(country: String, prefix: String)
        /// A country of several zones, nothing told which: its most populous.
        case mostPopulousZone(country: String)
    }

    /// An input that could not be used, and so was passed over.
    public enum Warning: Sendable, Hashable, CustomStringConvertible {
        case invalidTimezone(String)
        case unknownCountry(source: Source, value: String)
        case invalidPhone(String, PhoneError)
        /// A zone of the shipped tables that this machine's tz database lacks.
        case zoneUnavailable(String)

        public var description: String {
            switch self {
            case .invalidTimezone(let name): return "timezone '\(name)' is not an IANA time zone"
            case .unknownCountry(let source, let value):
                return "\(source.rawValue) '\(value)' is not an ISO 3166-1 country code"
            case .invalidPhone(let raw, let error): return "phone '\(raw)' not usable: \(error)"
            case .zoneUnavailable(let zone): return "time zone \(zone) is missing from the tz database"
            }
        }
    }

    /// The outcome: a zone (nil when no source told anything) and why.
    public struct Resolution: Sendable, Hashable {
        public let zone: String?
        public let source: Source?
        public let basis: Basis?
        public let warnings: [Warning]
    }

    /// Resolves the zone of a lead from its `timezone`, `ip_country`,
    /// `country` and phone number (E.164, or any international form).
    public static func resolve(timezone: String?, ipCountry: String?, country: String?,
                               phoneE164: String?) -> Resolution {
        var warnings: [Warning] = []
        let phone = parsePhone(phoneE164, warnings: &warnings)
        if let name = nonBlank(timezone) {
            if isIANAZone(name) {
                return Resolution(zone: name, source: .timezone, basis: .explicitZone, warnings: warnings)
            }
            warnings.append(.invalidTimezone(name))
        }
        for (source, value) in [(Source.ipCountry, ipCountry), (.country, country)] {
            guard let value = nonBlank(value) else { continue }
            guard let code = CountryCode.normalize(value) else {
                warnings.append(.unknownCountry(source: source, value: value))
                continue
            }
            if let found = zone(in: code, phone: phone, warnings: &warnings) {
                return Resolution(zone: found.zone, source: source, basis: found.basis, warnings: warnings)
            }
        }
        if let phone, let found = zone(in: phone.region, phone: phone, warnings: &warnings) {
            return Resolution(zone: found.zone, source: .phone, basis: found.basis, warnings: warnings)
        }
        return Resolution(zone: nil, source: nil, basis: nil, warnings: warnings)
    }

    /// The zone of a lead known to be in `country`, using the phone number
    /// when it is a number of that same country.
    static func zone(in country: String, phone: E164?,
                     warnings: inout [Warning]) -> (zone: String, basis: Basis)? {
        guard let zones = CountryZoneTable.zones[country], let mostPopulous = zones.first else { return nil }
        if zones.count > 1, let phone, phone.region == country,
           let hit = PhoneZoneRules.zone(country: country, nationalNumber: phone.nationalNumber) {
            if isKnownZone(hit.zone) {
                let prefix = "+\(phone.callingCode) \(hit.prefix)"
                return (hit.zone, .phonePrefix(country: country, prefix: prefix))
            }
            warnings.append(.zoneUnavailable(hit.zone))
        }
        guard isKnownZone(mostPopulous) else {
            warnings.append(.zoneUnavailable(mostPopulous))
            return nil
        }
        let basis: Basis = zones.count > 1 ? .mostPopulousZone(country: country) : .onlyZone(country: country)
        return (mostPopulous, basis)
    }

    /// True for a name of the tz database. Foundation also accepts offsets
    /// such as `GMT+5` or `UTC-03:00`; those are not zones (no DST, no
    /// history) and are refused.
    public static func isIANAZone(_ name: String) -> Bool {
        for prefix in ["GMT+", "GMT-", "UTC+", "UTC-"] where name.uppercased().hasPrefix(prefix) { return false }
        return isKnownZone(name)
    }

    static func isKnownZone(_ name: String) -> Bool { TimeZone(identifier: name) != nil }

    private static func parsePhone(_ raw: String?, warnings: inout [Warning]) -> E164? {
        guard let raw = nonBlank(raw) else { return nil }
        switch PhoneNumber.normalize(raw: raw, country: nil) {
        case .success(let number): return number
        case .failure(let error):
            warnings.append(.invalidPhone(raw, error))
            return nil
        }
    }

    private static func nonBlank(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else {
            return nil
        }
        return trimmed
    }
}
