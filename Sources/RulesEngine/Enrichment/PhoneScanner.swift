// The first step of reading a phone number: keep the digits, drop the
// separators people type, refuse everything else.

/// A phone number reduced to its digits.
struct Scanned: Sendable, Hashable {
    /// The number started with `+`.
    var hasPlus = false
    /// ASCII digits, without a bracketed `(0)`.
    var digits = ""
    /// ASCII digits, a bracketed `(0)` kept as `0`.
    var digitsWithZero = ""
    /// The number had a `(0)`, as in `+44 (0)20 7946 0958`.
    var hadBracketedZero = false
}

extension PhoneNumber {
    /// Separators dropped without comment: blanks, dashes, dots, slashes and
    /// brackets (whitespace of any kind is also a separator).
    static let separators: Set<Character> = ["-", "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}",
                                             "\u{2014}", ".", "/", "(", ")"]

    /// The digits of `raw`, or why it is not a phone number at all.
    static func scan(_ raw: String) -> Result<Scanned, PhoneError> {
        var result = Scanned()
        var seenSignificant = false
        let characters = Array(raw)
        var index = 0
        while index < characters.count {
            let c = characters[index]
            index += 1
            if let digit = decimalDigit(c) {
                result.digits.append(digit)
                result.digitsWithZero.append(digit)
                seenSignificant = true
            } else if c == "+" {
                if seenSignificant { return .failure(.misplacedPlus) }
                result.hasPlus = true
                seenSignificant = true
            } else if c == "(", let end = bracketedZeroEnd(characters, from: index) {
                result.digitsWithZero.append("0")
                result.hadBracketedZero = true
                index = end
            } else if !(c.isWhitespace || separators.contains(c)) {
                return .failure(.invalidCharacter(c))
            }
        }
        return result.digits.isEmpty && !result.hadBracketedZero ? .failure(.empty) : .success(result)
    }

    /// When `characters[start...]` is `0)` (blanks allowed around the 0),
    /// the index just past the `)`.
    private static func bracketedZeroEnd(_ characters: [Character], from start: Int) -> Int? {
        var index = start
        var zeros = 0
        while index < characters.count {
            let c = characters[index]
            index += 1
            if c == ")" { return zeros == 1 ? index : nil }
            if decimalDigit(c) == "0" { zeros += 1 } else if !c.isWhitespace { return nil }
        }
        return nil
    }

    /// The ASCII digit for a decimal digit of any script (`٣` → `3`).
    private static func decimalDigit(_ c: Character) -> Character? {
        guard c.unicodeScalars.count == 1, let scalar = c.unicodeScalars.first,
              scalar.properties.numericType == .decimal,
              let value = scalar.properties.numericValue else { return nil }
        return Character(String(Int(value)))
    }
}
