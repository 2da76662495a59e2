// E.164 normalisation of the phone numbers leads type into web forms.
//
// A number is read in three steps. `scan` keeps the digits (any script's
// decimal digits, so Arabic-Indic digits work) and drops the usual
// separators, refusing letters and other symbols. Then the number is either
// international (`+`, `00`, or the country's own prefix for abroad such as
// `011` in the NANP) or national, in which case the lead's country supplies
// the calling code and its trunk prefix (`0`, `1`, `8`, ...) is removed.
// Last the digit count is checked against the country's plan, or against the
// global 8-15 rule where the plan is not known.
//
// Habits handled: the British-style `+44 (0)20 ...`, whose `(0)` is the trunk
// prefix and is dropped (but kept for Italy and San Marino, where the leading
// 0 belongs to the number); a trunk 0 written after the country code
// (`+44 020 ...`); a country code written without `+` (`447700900123` with
// country GB); Brazilian carrier codes (`0 21 11 ...`); Mexico's retired
// mobile `1` after +52.

import Foundation

/// A phone number in E.164 form.
public struct E164: Sendable, Hashable, CustomStringConvertible {
    /// Country calling code, digits only (`"44"`).
    public let callingCode: String
    /// National significant number: the digits after the calling code.
    public let nationalNumber: String
    /// ISO country the number belongs to, from its calling code and, for a
    /// shared code, its leading digits (+1 numbers with an unlisted area code
    /// are `"US"`).
    public let region: String

    /// All digits, without `+`.
    public var digits: String { callingCode + nationalNumber }
    /// `+` and the digits: `"+447700900123"`.
    public var description: String { "+" + digits }
}

/// Why a phone number could not be normalised.
public enum PhoneError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Blank, or no digits at all.
    case empty
    /// A letter or a symbol that is not a separator (extensions are refused too).
    case invalidCharacter(Character)
    /// `+` somewhere other than at the start.
    case misplacedPlus
    /// A national number (no `+` or `00`) and no country to read it in.
    case missingCountry
    /// A national number and a country that is not an ISO 3166-1 code.
    case unknownCountry(String)
    /// The digits after `+` or `00` start with no assigned calling code.
    case unknownCallingCode(String)
    /// Fewer digits than the global minimum of 8 (calling code included).
    case tooShort(digits: Int, minimum: Int)
    /// More than the 15 digits E.164 allows (calling code included).
    case tooLong(digits: Int, maximum: Int)
    /// A national number whose digit count the country's plan does not allow.
    case wrongLength(country: String, digits: Int, expected: ClosedRange<Int>)
    /// A NANP area code starting with 0 or 1.
    case invalidAreaCode(String)
    /// A NANP exchange code (digits 4-6) starting with 0 or 1.
    case invalidExchangeCode(String)

    public var description: String {
        switch self {
        case .empty: return "phone number has no digits"
        case .invalidCharacter(let c):
            return c.isLetter ? "letter '\(c)' in phone number" : "character '\(c)' in phone number"
        case .misplacedPlus: return "'+' may only start a phone number"
        case .missingCountry: return "national phone number without a country to read it in"
        case .unknownCountry(let c): return "unknown country '\(c)' for a national phone number"
        case .unknownCallingCode(let d): return "no country calling code starts '+\(d)'"
        case .tooShort(let n, let min): return "phone number too short: \(n) digits, at least \(min)"
        case .tooLong(let n, let max): return "phone number too long: \(n) digits, at most \(max)"
        case .wrongLength(let country, let n, let range):
            let expected = range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            return "\(country) national number has \(n) digits, expected \(expected)"
        case .invalidAreaCode(let a): return "NANP area code \(a) cannot start with 0 or 1"
        case .invalidExchangeCode(let e): return "NANP exchange code \(e) cannot start with 0 or 1"
        }
    }
}

/// Phone number normalisation.
public enum PhoneNumber {
    /// Reads `raw` as typed by a lead in `country` (ISO code, `UK` accepted;
    /// only needed for a national number) and returns it in E.164 form.
    public static func normalize(raw: String, country: String?) -> Result<E164, PhoneError> {
        let scanned: Scanned
        switch scan(raw) {
        case .success(let s): scanned = s
        case .failure(let error): return .failure(error)
        }
        let home = CountryCode.normalize(country)
        if scanned.hasPlus { return international(scanned, prefixLength: 0) }
        for prefix in NumberingPlan.internationalPrefixes(for: home) where scanned.digits.hasPrefix(prefix) {
            return international(scanned, prefixLength: prefix.count)
        }
        guard let country, !country.trimmingCharacters(in: .whitespaces).isEmpty else {
            return .failure(.missingCountry)
        }
        guard let home else { return .failure(.unknownCountry(country)) }
        return national(scanned.digitsWithZero, country: home)
    }

    /// A number read from international form: calling code, then the rest.
    private static func international(_ scanned: Scanned, prefixLength: Int) -> Result<E164, PhoneError> {
        var digits = scanned.digits.dropFirst(prefixLength)
        guard let code = CallingCodeTable.callingCode(prefixing: digits) else {
            return .failure(digits.isEmpty ? .empty : .unknownCallingCode(String(digits.prefix(3))))
        }
        if scanned.hadBracketedZero, zeroIsPartOfNumber.contains(code) {
            digits = scanned.digitsWithZero.dropFirst(prefixLength)
        }
        var national = String(digits.dropFirst(code.count))
        // A trunk 0 written after the code (`+44 020 ...`): the plan's numbers
        // never start with their own trunk prefix, so it cannot be a digit.
        if let country = CallingCodeTable.countryByCode[code],
           NumberingPlan.trunkPrefixes(for: country) == ["0"], national.hasPrefix("0") {
            national.removeFirst()
        }
        // Mexico dropped the mobile `1` after +52 in 2019.
        if code == "52", national.count == 11, national.hasPrefix("1") { national.removeFirst() }
        return validate(callingCode: code, nationalNumber: national)
    }

    /// A number in the national form of `country`.
    private static func national(_ digits: String, country: String) -> Result<E164, PhoneError> {
        guard let code = CallingCodeTable.byCountry[country] else { return .failure(.unknownCountry(country)) }
        let range = NumberingPlan.nationalLength(for: country)
        let carrier = NumberingPlan.carrierCodeLength(for: country)
        func fits(_ count: Int) -> Bool {
            guard let range else { return true }
            return range.contains(count) || (carrier > 0 && range.contains(count - carrier))
        }
        var national = Substring(digits)
        var strippedTrunk = false
        // Most trunk prefixes never begin a national number and always go;
        // Russia's 8 may (St Petersburg is 812), so it goes only when what
        // is left has a valid length.
        for prefix in NumberingPlan.trunkPrefixes(for: country) where national.hasPrefix(prefix) {
            if NumberingPlan.mayBeginNationalNumber(prefix), !fits(national.count - prefix.count) { continue }
            national = national.dropFirst(prefix.count)
            strippedTrunk = true
            break
        }
        if let range, national.count > range.upperBound {
            if strippedTrunk, carrier > 0, range.contains(national.count - carrier) {
                national = national.dropFirst(carrier)
            } else if !strippedTrunk, national.hasPrefix(code), range.contains(national.count - code.count) {
                // The calling code written without `+` or `00`.
                national = national.dropFirst(code.count)
            }
        }
        return validate(callingCode: code, nationalNumber: String(national))
    }

    /// Checks the digit counts and, for +1, the area and exchange codes.
    private static func validate(callingCode: String, nationalNumber: String) -> Result<E164, PhoneError> {
        guard let region = PhoneRegion.country(callingCode: callingCode, nationalNumber: nationalNumber) else {
            return .failure(.unknownCallingCode(callingCode))
        }
        let total = callingCode.count + nationalNumber.count
        if total > maximumDigits { return .failure(.tooLong(digits: total, maximum: maximumDigits)) }
        if let range = NumberingPlan.nationalLength(for: region) {
            guard range.contains(nationalNumber.count) else {
                return .failure(.wrongLength(country: region, digits: nationalNumber.count, expected: range))
            }
        } else if total < minimumDigits {
            return .failure(.tooShort(digits: total, minimum: minimumDigits))
        }
        if callingCode == "1" {
            let areaCode = String(nationalNumber.prefix(3))
            let exchange = String(nationalNumber.dropFirst(3).prefix(3))
            if areaCode.hasPrefix("0") || areaCode.hasPrefix("1") { return .failure(.invalidAreaCode(areaCode)) }
            if exchange.hasPrefix("0") || exchange.hasPrefix("1") { return .failure(.invalidExchangeCode(exchange)) }
        }
        return .success(E164(callingCode: callingCode, nationalNumber: nationalNumber, region: region))
    }

    /// E.164's limit, calling code included.
    static let maximumDigits = 15
    /// The global floor where a country's plan is not known.
    static let minimumDigits = 8
    /// Calling codes (Italy with the Vatican, San Marino) whose national
    /// numbers may start with 0: a written `(0)` there is a real digit.
    private static let zeroIsPartOfNumber: Set<String> = ["39", "378"]
}
