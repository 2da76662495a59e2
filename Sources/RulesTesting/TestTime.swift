// Times in `rules test` files: an absolute RFC 3339 instant
// (`2026-03-23T09:00:00Z`) or an offset from the test's start (`+15m`,
// `+2h30m`, `+1d`). Offsets keep the file readable: a test says "fifteen
// minutes after capture", not a timestamp the reader has to subtract.

import Foundation
import RulesEngine

/// A time written in a test file.
public enum TestTime: Sendable, Hashable {
    case absolute(Int64)
    /// Milliseconds after the test's start.
    case offset(Int64)

    /// Reads `+15m`, `+1d2h`, `+0s` or an RFC 3339 time with a zone.
    public init(parsing text: String) throws(TestTimeError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("+") {
            self = .offset(try Self.offset(String(trimmed.dropFirst()), text: text))
            return
        }
        do {
            self = .absolute(try Timestamp.parse(trimmed))
        } catch {
            throw TestTimeError(text: text, reason: "time \"\(text)\" \(error.description), or an offset like +15m")
        }
    }

    /// The instant, given the test's start.
    public func resolve(start: Int64) -> Int64 {
        switch self {
        case .absolute(let t): t
        case .offset(let ms): start.addingReportingOverflow(ms).overflow ? .max : start + ms
        }
    }

    static let units: [Character: Int64] = ["s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000]

    /// `1d2h30m`: one or more number-unit pairs, largest unit first or not.
    private static func offset(_ body: String, text: String) throws(TestTimeError) -> Int64 {
        var total: Int64 = 0
        var digits = ""
        guard !body.isEmpty else { throw TestTimeError(text: text, reason: "offset \"\(text)\" has no amount (write +15m)") }
        for c in body {
            if c.isASCII && c.isNumber {
                digits.append(c)
            } else if let unit = units[c] {
                guard let n = Int64(digits) else {
                    throw TestTimeError(text: text, reason: "offset \"\(text)\": expected a number before '\(c)'")
                }
                let (product, o1) = n.multipliedReportingOverflow(by: unit)
                let (sum, o2) = total.addingReportingOverflow(product)
                guard !o1 && !o2 else { throw TestTimeError(text: text, reason: "offset \"\(text)\" is too large") }
                total = sum
                digits = ""
            } else {
                throw TestTimeError(text: text, reason: "offset \"\(text)\": unknown unit '\(c)' (use s, m, h, d or w)")
            }
        }
        guard digits.isEmpty else {
            throw TestTimeError(text: text, reason: "offset \"\(text)\": the number \(digits) has no unit (s, m, h, d or w)")
        }
        return total
    }
}

/// Why a test-file time could not be read.
public struct TestTimeError: Error, Sendable, Hashable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { reason }
}
