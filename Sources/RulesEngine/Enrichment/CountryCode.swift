// Country codes as they arrive on leads and from IP geolocation: ISO 3166-1
// alpha-2 in any case, with surrounding blanks, and `UK`, which is not an ISO
// code but is what people (and some geolocation feeds) write for GB.

import Foundation

/// Normalisation of the country codes found on leads.
public enum CountryCode {
    /// The ISO 3166-1 alpha-2 code for `raw` (trimmed, upper-cased, `UK` read
    /// as `GB`), or nil when it is empty or not an assigned code (this also
    /// turns away geolocation placeholders such as `XX`, `EU`, `A1` or `T1`).
    public static func normalize(_ raw: String?) -> String? {
        guard let raw else { return nil }
        let code = raw.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        let canonical = code == "UK" ? "GB" : code
        return CountryZoneTable.zones[canonical] == nil ? nil : canonical
    }

    /// Every assigned ISO 3166-1 alpha-2 code, sorted.
    public static var all: [String] { CountryZoneTable.zones.keys.sorted() }
}
