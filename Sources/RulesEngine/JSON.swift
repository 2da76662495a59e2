// A strict JSON (RFC 8259) reader and writer for event lines and the
// reports printed about leads. Hand-written rather than JSONSerialization
// because events are user input and every fault must be reported precisely:
// the column of a syntax error, the byte of invalid UTF-8, a key written
// twice, `true` told apart from `1`. It never traps: nesting is capped at
// `maxDepth` and every index is checked.

/// A JSON value. Objects keep their members in the order written, and a
/// key written twice stays twice: the reader of the object decides.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// `null`, `a boolean`, `a number`, ... for messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

public struct JSONMember: Sendable, Hashable {
    public let key: String
    public let value: JSONValue
    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// Why a text is not JSON; `column` counts characters from 1.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    public let column: Int
    public let message: String
    public var description: String { "\(message) at column \(column)" }
}

public enum JSON {
    /// Deeper nesting is refused (event payloads are flat).
    public static let maxDepth = 64

    /// Parses one JSON text (surrounding blanks allowed).
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        var reader = JSONReader(bytes: bytes)
        if let bad = UTF8Validation.firstInvalidByte(in: bytes) {
            throw reader.error("invalid UTF-8 (byte 0x\(hex(bytes[bad])))", at: bad)
        }
        reader.skipBlanks()
        let value = try reader.value(depth: 0)
        reader.skipBlanks()
        guard reader.atEnd else { throw reader.error("unexpected \(reader.found) after the JSON value") }
        return value
    }

    /// Compact JSON text with members in the order given.
    public static func serialize(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    private static func write(_ value: JSONValue, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += number(n)
        case .string(let s): quote(s, to: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, member) in members.enumerated() {
                if i > 0 { out += "," }
                quote(member.key, to: &out)
                out += ":"
                write(member.value, to: &out)
            }
            out += "}"
        }
    }

    /// Whole numbers without a fraction (`85`, not `85.0`); NaN and infinities as null.
    static func number(_ n: Double) -> String {
        guard n.isFinite else { return "null" }
        if n == n.rounded(), abs(n) < 9_007_199_254_740_992 { return String(Int64(n)) }
        return "\(n)"
    }

    static func quote(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\u00" + hex(UInt8(scalar.value))
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}

/// The recursive-descent reader behind `JSON.parse`.
private struct JSONReader {
    let bytes: ArraySlice<UInt8>
    var i: Int

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        i = bytes.startIndex
    }

    var atEnd: Bool { i >= bytes.endIndex }
    var peek: UInt8? { atEnd ? nil : bytes[i] }

    /// The next character for a message: `'x'` or `the end of the line`.
    var found: String {
        guard let b = peek else { return "end of line" }
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return b < 0x80 ? "byte 0x\(JSON.hex(b))" : "non-ASCII text"
    }

    func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        let end = min(offset ?? i, bytes.endIndex)
        // Characters, not bytes: count the bytes that start a UTF-8 sequence.
        let column = bytes[bytes.startIndex..<end].reduce(1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        return JSONSyntaxError(column: column, message: message)
    }

    mutating func skipBlanks() {
        while let b = peek, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { i += 1 }
    }

    mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        guard depth < JSON.maxDepth else { throw error("nesting deeper than \(JSON.maxDepth) levels") }
        guard let next = peek else { throw error("expected a JSON value, found end of line") }
        switch next {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try word("true"); return .bool(true)
        case UInt8(ascii: "f"): try word("false"); return .bool(false)
        case UInt8(ascii: "n"): try word("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("expected a JSON value, found \(found)")
        }
    }

    private mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        i += 1
        var members: [JSONMember] = []
        skipBlanks()
        if peek == UInt8(ascii: "}") {
            i += 1
            return .object(members)
        }
        while true {
            skipBlanks()
            guard peek == UInt8(ascii: "\"") else { throw error("expected a quoted key, found \(found)") }
            let key = try string()
            skipBlanks()
            guard peek == UInt8(ascii: ":") else { throw error("expected ':' after the key, found \(found)") }
            i += 1
            skipBlanks()
            members.append(JSONMember(key, try value(depth: depth + 1)))
            skipBlanks()
            switch peek {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "}"): i += 1; return .object(members)
            default: throw error("expected ',' or '}' after a member, found \(found)")
            }
        }
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONValue {
        i += 1
        var items: [JSONValue] = []
        skipBlanks()
        if peek == UInt8(ascii: "]") {
            i += 1
            return .array(items)
        }
        while true {
            skipBlanks()
            items.append(try value(depth: depth + 1))
            skipBlanks()
            switch peek {
            case UInt8(ascii: ","): i += 1
            case UInt8(ascii: "]"): i += 1; return .array(items)
            default: throw error("expected ',' or ']' after an item, found \(found)")
            }
        }
    }

    private mutating func word(_ w: StaticString) throws(JSONSyntaxError) {
        let start = i
        for b in UnsafeBufferPointer(start: w.utf8Start, count: w.utf8CodeUnitCount) {
            guard peek == b else { throw error("expected a JSON value, found \(JSONReaderHelpers.snippet(bytes, from: start))", at: start) }
            i += 1
        }
    }

    private mutating func number() throws(JSONSyntaxError) -> Double {
        let start = i
        if peek == UInt8(ascii: "-") { i += 1 }
        guard let first = peek, isDigit(first) else { throw error("expected a digit, found \(found)") }
        i += 1
        if first != UInt8(ascii: "0") { while let b = peek, isDigit(b) { i += 1 } }
        if peek == UInt8(ascii: ".") {
            i += 1
            guard let b = peek, isDigit(b) else { throw error("expected a digit after '.', found \(found)") }
            while let b = peek, isDigit(b) { i += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            guard let b = peek, isDigit(b) else { throw error("expected a digit in the exponent, found \(found)") }
            while let b = peek, isDigit(b) { i += 1 }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        guard let n = Double(text), n.isFinite else { throw error("number \(text) is out of range", at: start) }
        return n
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// A quoted string, escapes decoded. The bytes were validated as UTF-8 already.
    private mutating func string() throws(JSONSyntaxError) -> String {
        i += 1
        var scalars = String.UnicodeScalarView()
        var run = i
        func flush(_ end: Int) { scalars.append(contentsOf: String(decoding: bytes[run..<end], as: UTF8.self).unicodeScalars) }
        while let b = peek {
            switch b {
            case UInt8(ascii: "\""):
                flush(i)
                i += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush(i)
                i += 1
                scalars.append(try escape())
                run = i
            case 0..<0x20:
                throw error("control character (byte 0x\(JSON.hex(b))) in a string; write it escaped")
            default:
                i += 1
            }
        }
        throw error("unterminated string")
    }

    private mutating func escape() throws(JSONSyntaxError) -> Unicode.Scalar {
        guard let b = peek else { throw error("unterminated string") }
        i += 1
        switch b {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try hex4()
            if (0xD800..<0xDC00).contains(high) {
                guard peek == UInt8(ascii: "\\"), i + 1 < bytes.endIndex, bytes[i + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired surrogate \\u\(String(high, radix: 16, uppercase: true)) in a string")
                }
                i += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in a string") }
                let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                if let s = Unicode.Scalar(value) { return s }
            }
            guard let s = Unicode.Scalar(high) else { throw error("unpaired surrogate in a string") }
            return s
        default:
            i -= 1
            throw error("invalid escape '\\\(Character(Unicode.Scalar(b)))' in a string")
        }
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let b = peek else { throw error("unterminated \\u escape") }
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - 0x41 + 10)
            default: throw error("expected four hex digits after \\u, found \(found)")
            }
            value = value << 4 | digit
            i += 1
        }
        return value
    }
}

private enum JSONReaderHelpers {
    /// A short quote of what starts at `start`, for "found …".
    static func snippet(_ bytes: ArraySlice<UInt8>, from start: Int) -> String {
        var end = start
        while end < bytes.endIndex, end - start < 12 {
            let b = bytes[end]
            guard (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) else { break }
            end += 1
        }
        return end > start ? "'\(String(decoding: bytes[start..<end], as: UTF8.self))'" : "end of line"
    }
}

/// UTF-8 well-formedness (Unicode 15, table 3-7): no stray continuation
/// bytes, no overlong forms, no surrogates, nothing above U+10FFFF.
enum UTF8Validation {
    static func firstInvalidByte(in bytes: ArraySlice<UInt8>) -> Int? {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let (length, low, high): (Int, UInt8, UInt8)
            switch b {
            case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
            case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
            case 0xED: (length, low, high) = (3, 0x80, 0x9F)
            case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
            case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
            case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
            default: return i
            }
            guard i + length <= bytes.endIndex else { return i }
            guard (low...high).contains(bytes[i + 1]) else { return i }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }
}
