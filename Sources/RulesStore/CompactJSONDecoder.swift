// The store's JSON decoder, the reading half of CompactJSONEncoder: re-
// evaluating a million stored leads after a reload decodes a million lead
// states, so it must cost microseconds. The document is parsed once into a
// flat tape of nodes (no dictionaries, no boxed values); one decoder object
// walks it, and keyed lookups try the member after the last one found first,
// which is where the next key is when a type decodes its keys in the order
// they were written. Any error here (a malformed document, a type it cannot
// decode) makes `StoreJSON` retry with Foundation's JSONDecoder, whose error
// is the one reported.

import Foundation
import RulesEngine

extension CompactJSON {
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let decoder = try TapeDecoder(bytes: bytes)
        return try decoder.decodeValue(T.self, at: 0)
    }

    struct Malformed: Error { var offset: Int; var what: String }
}

/// One parsed JSON value. Containers are followed by their elements (an
/// object's members as key, value, key, value...); `next` is the index of
/// the node after the whole subtree.
struct TapeNode {
    enum Kind: UInt8 { case object, array, string, escapedString, number, bool, null }
    var kind: Kind
    /// Strings: content bytes (inside the quotes); numbers: the literal; bool: 1 for true.
    var start: Int32
    var end: Int32
    var next: Int32
    /// Elements of a container (members of an object).
    var count: Int32
}

struct JSONTape {
    var nodes: [TapeNode] = []
    let bytes: [UInt8]

    init(bytes: [UInt8]) throws {
        self.bytes = bytes
        nodes.reserveCapacity(bytes.count / 6)
        try bytes.withUnsafeBufferPointer { buffer in
            var parser = TapeParser(bytes: buffer)
            try parser.parseDocument(into: &nodes)
        }
    }
}

private struct TapeParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0
    var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func parseDocument(into nodes: inout [TapeNode]) throws {
        skipSpace()
        try parseValue(into: &nodes)
        skipSpace()
        guard i == bytes.count else { throw CompactJSON.Malformed(offset: i, what: "text after the value") }
    }

    private mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    private func fail(_ what: String) -> CompactJSON.Malformed { CompactJSON.Malformed(offset: i, what: what) }

    private mutating func parseValue(into nodes: inout [TapeNode]) throws {
        guard i < bytes.count else { throw fail("unexpected end") }
        let index = nodes.count
        switch bytes[i] {
        case UInt8(ascii: "{"):
            depth += 1
            guard depth < 512 else { throw fail("nested too deep") }
            nodes.append(TapeNode(kind: .object, start: Int32(i), end: 0, next: 0, count: 0))
            i += 1
            skipSpace()
            var count: Int32 = 0
            if i < bytes.count && bytes[i] == UInt8(ascii: "}") {
                i += 1
            } else {
                while true {
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                    try parseString(into: &nodes)
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                    i += 1
                    skipSpace()
                    try parseValue(into: &nodes)
                    count += 1
                    skipSpace()
                    guard i < bytes.count else { throw fail("unterminated object") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    guard bytes[i] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
                    i += 1
                    break
                }
            }
            depth -= 1
            nodes[index].count = count
            nodes[index].end = Int32(i)
            nodes[index].next = Int32(nodes.count)
        case UInt8(ascii: "["):
            depth += 1
            guard depth < 512 else { throw fail("nested too deep") }
            nodes.append(TapeNode(kind: .array, start: Int32(i), end: 0, next: 0, count: 0))
            i += 1
            skipSpace()
            var count: Int32 = 0
            if i < bytes.count && bytes[i] == UInt8(ascii: "]") {
                i += 1
            } else {
                while true {
                    skipSpace()
                    try parseValue(into: &nodes)
                    count += 1
                    skipSpace()
                    guard i < bytes.count else { throw fail("unterminated array") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    guard bytes[i] == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
                    i += 1
                    break
                }
            }
            depth -= 1
            nodes[index].count = count
            nodes[index].end = Int32(i)
            nodes[index].next = Int32(nodes.count)
        case UInt8(ascii: "\""):
            try parseString(into: &nodes)
        case UInt8(ascii: "t"):
            try literal("true")
            nodes.append(TapeNode(kind: .bool, start: 1, end: 0, next: Int32(index + 1), count: 0))
        case UInt8(ascii: "f"):
            try literal("false")
            nodes.append(TapeNode(kind: .bool, start: 0, end: 0, next: Int32(index + 1), count: 0))
        case UInt8(ascii: "n"):
            try literal("null")
            nodes.append(TapeNode(kind: .null, start: 0, end: 0, next: Int32(index + 1), count: 0))
        default:
            let start = i
            try scanNumber()
            nodes.append(TapeNode(kind: .number, start: Int32(start), end: Int32(i), next: Int32(index + 1), count: 0))
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard i + count <= bytes.count else { throw fail("unexpected end") }
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for k in 0..<count where bytes[i + k] != expected[k] { throw fail("unknown literal") }
        i += count
    }

    /// JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    private mutating func scanNumber() throws {
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        if i < bytes.count && bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < bytes.count, isDigit(bytes[i]) else { throw fail("expected a value") }
        if bytes[i] == UInt8(ascii: "0") { i += 1 } else { while i < bytes.count && isDigit(bytes[i]) { i += 1 } }
        if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("expected a digit after '.'") }
            while i < bytes.count && isDigit(bytes[i]) { i += 1 }
        }
        if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("expected an exponent") }
            while i < bytes.count && isDigit(bytes[i]) { i += 1 }
        }
    }

    private mutating func parseString(into nodes: inout [TapeNode]) throws {
        i += 1   // the opening quote
        let start = i
        var escaped = false
        while true {
            guard i < bytes.count else { throw fail("unterminated string") }
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                i += 2
                continue
            }
            guard byte >= 0x20 else { throw fail("control character in a string") }
            i += 1
        }
        let index = nodes.count
        nodes.append(TapeNode(kind: escaped ? .escapedString : .string, start: Int32(start), end: Int32(i),
                              next: Int32(index + 1), count: 0))
        i += 1   // the closing quote
    }
}

final class TapeDecoder: Decoder {
    let tape: JSONTape
    /// The node the next `container`/`singleValueContainer` call reads, then
    /// per node: where the member after the last one found starts (0: at the
    /// first member). Behind a pointer, not stored `var`s: a class's vars are
    /// checked for exclusive access at run time on every write.
    private let cursors: UnsafeMutablePointer<Int32>

    var current: Int {
        get { Int(cursors[0]) }
        set { cursors[0] = Int32(newValue) }
    }

    /// The hint of an object node (see `cursors`).
    func hint(_ object: Int) -> Int32 { cursors[object + 1] }
    func setHint(_ object: Int, _ value: Int32) { cursors[object + 1] = value }

    init(bytes: [UInt8]) throws {
        tape = try JSONTape(bytes: bytes)
        cursors = .allocate(capacity: tape.nodes.count + 1)
        cursors.initialize(repeating: 0, count: tape.nodes.count + 1)
    }

    deinit { cursors.deallocate() }

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func node(_ index: Int) -> TapeNode { tape.nodes[index] }

    func mismatch(_ expected: String, at index: Int) -> DecodingError {
        DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription:
            "expected \(expected) at byte \(tape.nodes[index].start)"))
    }

    // MARK: Values

    func decodeValue<T: Decodable>(_ type: T.Type, at index: Int) throws -> T {
        // unsafeBitCast, not as!: the type is known equal, a dynamic cast would only cost.
        if T.self == String.self { return unsafeBitCast(try string(at: index), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try integer(Int.self, at: index), to: T.self) }
        if T.self == Int64.self { return unsafeBitCast(try integer(Int64.self, at: index), to: T.self) }
        if T.self == Double.self { return unsafeBitCast(try double(at: index), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try bool(at: index), to: T.self) }
        // The engine's Value, alone and in the maps of fields and event data, is most of
        // a stored document: read straight from the tape in its Codable form (ValueCoding.swift;
        // StoreJSONTests holds the two to the same result).
        if T.self == Value.self { return unsafeBitCast(try value(at: index), to: T.self) }
        if T.self == [String: Value].self { return unsafeBitCast(try valueMap(at: index), to: T.self) }
        if T.self == Data.self || T.self == Date.self || T.self == URL.self || T.self == Decimal.self {
            throw CompactJSON.Unsupported(what: "\(T.self)")
        }
        let saved = current
        current = index
        defer { current = saved }
        return try T(from: self)
    }

    /// A `Value` in its Codable form: an object with exactly one of the keys
    /// string, number, bool, time, duration, list, missing.
    func value(at index: Int) throws -> Value {
        let node = tape.nodes[index]
        guard node.kind == .object, node.count == 1, tape.nodes[index + 1].kind == .string else {
            throw mismatch("a value object with one type key", at: index)
        }
        let member = index + 2
        switch valueKey(index + 1) {
        case 0: return .string(try string(at: member))
        case 1: return .number(try double(at: member))
        case 2: return .bool(try bool(at: member))
        case 3: return .time(try integer(Int64.self, at: member))
        case 4: return .duration(try integer(Int64.self, at: member))
        case 5:
            let list = tape.nodes[member]
            guard list.kind == .array else { throw mismatch("an array", at: member) }
            var items: [Value] = []
            items.reserveCapacity(Int(list.count))
            var i = member + 1
            for _ in 0..<list.count {
                items.append(try value(at: i))
                i = Int(tape.nodes[i].next)
            }
            return .list(items)
        case 6: return .missing
        default: throw mismatch("a value type key", at: index + 1)
        }
    }

    private static let valueKeys: [[UInt8]] = ["string", "number", "bool", "time", "duration", "list", "missing"]
        .map { Array($0.utf8) }

    /// Which of `valueKeys` the (unescaped) key node is, or -1.
    private func valueKey(_ keyIndex: Int) -> Int {
        let node = tape.nodes[keyIndex]
        let length = Int(node.end - node.start)
        return tape.bytes.withUnsafeBufferPointer { buffer in
            for (n, key) in Self.valueKeys.enumerated() where key.count == length {
                if key.withUnsafeBufferPointer({ memcmp($0.baseAddress!, buffer.baseAddress! + Int(node.start), length) }) == 0 {
                    return n
                }
            }
            return -1
        }
    }

    /// `[String: Value]` (capture fields, event data): an object of values.
    func valueMap(at index: Int) throws -> [String: Value] {
        let node = tape.nodes[index]
        guard node.kind == .object else { throw mismatch("an object", at: index) }
        var map: [String: Value] = [:]
        map.reserveCapacity(Int(node.count))
        var i = index + 1
        for _ in 0..<node.count {
            map[try string(at: i)] = try value(at: i + 1)
            i = Int(tape.nodes[i + 1].next)
        }
        return map
    }

    func isNull(_ index: Int) -> Bool { tape.nodes[index].kind == .null }

    func bool(at index: Int) throws -> Bool {
        let node = tape.nodes[index]
        guard node.kind == .bool else { throw mismatch("a bool", at: index) }
        return node.start == 1
    }

    func string(at index: Int) throws -> String {
        let node = tape.nodes[index]
        switch node.kind {
        case .string:
            return tape.bytes.withUnsafeBufferPointer { buffer in
                String(decoding: UnsafeBufferPointer(rebasing: buffer[Int(node.start)..<Int(node.end)]), as: UTF8.self)
            }
        case .escapedString:
            return try unescape(Int(node.start), Int(node.end))
        default:
            throw mismatch("a string", at: index)
        }
    }

    /// True when the string node's text is `text` (keys are compared without making Strings).
    func stringEquals(_ index: Int, _ text: inout String) -> Bool {
        let node = tape.nodes[index]
        guard node.kind == .string else {
            return (try? string(at: index)) == text
        }
        let length = Int(node.end - node.start)
        return text.withUTF8 { utf8 in
            guard utf8.count == length else { return false }
            return tape.bytes.withUnsafeBufferPointer { buffer in
                memcmp(buffer.baseAddress! + Int(node.start), utf8.baseAddress!, length) == 0
            }
        }
    }

    private func unescape(_ start: Int, _ end: Int) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        let bytes = tape.bytes
        var i = start
        func hex4(_ at: Int) throws -> UInt32 {
            guard at + 4 <= end else { throw CompactJSON.Malformed(offset: at, what: "short \\u escape") }
            var value: UInt32 = 0
            for k in 0..<4 {
                let b = bytes[at + k]
                let digit: UInt32
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
                default: throw CompactJSON.Malformed(offset: at + k, what: "bad \\u escape")
                }
                value = value << 4 | digit
            }
            return value
        }
        while i < end {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "\\") else { out.append(byte); i += 1; continue }
            guard i + 1 < end else { throw CompactJSON.Malformed(offset: i, what: "bad escape") }
            let code = bytes[i + 1]
            i += 2
            switch code {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(code)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar = try hex4(i)
                i += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    // A surrogate pair: the low half must follow.
                    guard i + 6 <= end, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                        throw CompactJSON.Malformed(offset: i, what: "lone surrogate")
                    }
                    let low = try hex4(i + 2)
                    guard (0xDC00..<0xE000).contains(low) else { throw CompactJSON.Malformed(offset: i, what: "lone surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                guard let unicode = Unicode.Scalar(scalar) else {
                    throw CompactJSON.Malformed(offset: i, what: "lone surrogate")
                }
                out.append(contentsOf: UTF8.encode(unicode)!)
            default:
                throw CompactJSON.Malformed(offset: i - 2, what: "bad escape")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    func integer<I: FixedWidthInteger>(_ type: I.Type, at index: Int) throws -> I {
        let node = tape.nodes[index]
        guard node.kind == .number else { throw mismatch("a number", at: index) }
        var i = Int(node.start)
        let end = Int(node.end)
        let negative = tape.bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var value: I = 0
        while i < end {
            let b = tape.bytes[i]
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else {
                // 1.0, 1e3: a whole number written as a real one.
                let real = try double(at: index)
                guard let exact = I(exactly: real) else { throw mismatch("a whole number", at: index) }
                return exact
            }
            let digit = I(b - UInt8(ascii: "0"))
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            guard !o1 && !o2 else { throw mismatch("a number that fits \(I.self)", at: index) }
            value = next
            i += 1
        }
        return value
    }

    func double(at index: Int) throws -> Double {
        let node = tape.nodes[index]
        guard node.kind == .number else { throw mismatch("a number", at: index) }
        let start = Int(node.start)
        let end = Int(node.end)
        // Whole numbers of up to 15 digits are exact in a Double: no parsing library needed.
        if end - start <= 16 {
            var i = start
            let negative = tape.bytes[i] == UInt8(ascii: "-")
            if negative { i += 1 }
            var value: Int64 = 0
            var whole = end - i <= 15
            while whole && i < end {
                let b = tape.bytes[i]
                if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                    value = value * 10 + Int64(b - UInt8(ascii: "0"))
                    i += 1
                } else {
                    whole = false
                }
            }
            if whole { return negative ? -Double(value) : Double(value) }
        }
        let text = tape.bytes.withUnsafeBufferPointer { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self)
        }
        guard let value = Double(text) else { throw mismatch("a number", at: index) }
        return value
    }

    // MARK: Decoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard tape.nodes[current].kind == .object else { throw mismatch("an object", at: current) }
        return KeyedDecodingContainer(KeyedTapeContainer<Key>(decoder: self, object: current))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard tape.nodes[current].kind == .array else { throw mismatch("an array", at: current) }
        return UnkeyedTapeContainer(decoder: self, array: current)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleTapeContainer(decoder: self, index: current)
    }
}

private struct KeyedTapeContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: TapeDecoder
    let object: Int

    init(decoder: TapeDecoder, object: Int) {
        self.decoder = decoder
        self.object = object
    }

    var codingPath: [any CodingKey] { [] }

    var allKeys: [Key] {
        var keys: [Key] = []
        keys.reserveCapacity(Int(decoder.node(object).count))
        var i = object + 1
        let end = Int(decoder.node(object).next)
        while i < end {
            if let text = try? decoder.string(at: i), let key = Key(stringValue: text) { keys.append(key) }
            i = Int(decoder.node(i + 1).next)
        }
        return keys
    }

    /// The index of the member's value node, or nil when the object has no such key.
    private func find(_ key: Key) -> Int? {
        var name = key.stringValue
        // From the hint (the decoder keeps it per object: the protocol's
        // methods cannot mutate the container) to the end, then from the start to the hint.
        let first = decoder.hint(object) == 0 ? object + 1 : Int(decoder.hint(object))
        var i = first
        var end = Int(decoder.node(object).next)
        for pass in 0..<2 {
            while i < end {
                let valueIndex = i + 1
                if decoder.stringEquals(i, &name) {
                    decoder.setHint(object, decoder.node(valueIndex).next)
                    return valueIndex
                }
                i = Int(decoder.node(valueIndex).next)
            }
            if pass == 0 {
                i = object + 1
                end = first
            }
        }
        return nil
    }

    private func require(_ key: Key) throws -> Int {
        guard let index = find(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "no member \(key.stringValue)"))
        }
        return index
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { decoder.isNull(try require(key)) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder.bool(at: try require(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder.string(at: try require(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder.double(at: try require(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try decoder.double(at: try require(key))) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder.integer(Int.self, at: try require(key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder.integer(Int8.self, at: try require(key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder.integer(Int16.self, at: try require(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder.integer(Int32.self, at: try require(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder.integer(Int64.self, at: try require(key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder.integer(UInt.self, at: try require(key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder.integer(UInt8.self, at: try require(key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder.integer(UInt16.self, at: try require(key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder.integer(UInt32.self, at: try require(key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder.integer(UInt64.self, at: try require(key)) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.decodeValue(T.self, at: try require(key))
    }

    // One lookup for an optional member instead of contains + decodeNil + decode.
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        guard let i = find(key), !decoder.isNull(i) else { return nil }
        return try decoder.bool(at: i)
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let i = find(key), !decoder.isNull(i) else { return nil }
        return try decoder.string(at: i)
    }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        guard let i = find(key), !decoder.isNull(i) else { return nil }
        return try decoder.double(at: i)
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let i = find(key), !decoder.isNull(i) else { return nil }
        return try decoder.integer(Int.self, at: i)
    }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        guard let i = find(key), !decoder.isNull(i) else { return nil }
        return try decoder.integer(Int64.self, at: i)
    }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let i = find(key), !decoder.isNull(i) else { return nil }
        return try decoder.decodeValue(T.self, at: i)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type,
                                                        forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        let index = try require(key)
        guard decoder.node(index).kind == .object else { throw decoder.mismatch("an object", at: index) }
        return KeyedDecodingContainer(KeyedTapeContainer<NestedKey>(decoder: decoder, object: index))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let index = try require(key)
        guard decoder.node(index).kind == .array else { throw decoder.mismatch("an array", at: index) }
        return UnkeyedTapeContainer(decoder: decoder, array: index)
    }

    func superDecoder() throws -> any Decoder { throw CompactJSON.Unsupported(what: "superDecoder") }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw CompactJSON.Unsupported(what: "superDecoder") }
}

private struct UnkeyedTapeContainer: UnkeyedDecodingContainer {
    let decoder: TapeDecoder
    let array: Int
    private var position: Int
    private(set) var currentIndex = 0

    init(decoder: TapeDecoder, array: Int) {
        self.decoder = decoder
        self.array = array
        position = array + 1
    }

    var codingPath: [any CodingKey] { [] }
    var count: Int? { Int(decoder.node(array).count) }
    var isAtEnd: Bool { currentIndex >= Int(decoder.node(array).count) }

    private mutating func advance() throws -> Int {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: [], debugDescription: "array ended"))
        }
        let index = position
        position = Int(decoder.node(index).next)
        currentIndex += 1
        return index
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, decoder.isNull(position) else { return false }
        _ = try advance()
        return true
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool(at: try advance()) }
    mutating func decode(_ type: String.Type) throws -> String { try decoder.string(at: try advance()) }
    mutating func decode(_ type: Double.Type) throws -> Double { try decoder.double(at: try advance()) }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(try decoder.double(at: try advance())) }
    mutating func decode(_ type: Int.Type) throws -> Int { try decoder.integer(Int.self, at: try advance()) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try decoder.integer(Int8.self, at: try advance()) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try decoder.integer(Int16.self, at: try advance()) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try decoder.integer(Int32.self, at: try advance()) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer(Int64.self, at: try advance()) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try decoder.integer(UInt.self, at: try advance()) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.integer(UInt8.self, at: try advance()) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.integer(UInt16.self, at: try advance()) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.integer(UInt32.self, at: try advance()) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.integer(UInt64.self, at: try advance()) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(T.self, at: try advance()) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let index = try advance()
        guard decoder.node(index).kind == .object else { throw decoder.mismatch("an object", at: index) }
        return KeyedDecodingContainer(KeyedTapeContainer<NestedKey>(decoder: decoder, object: index))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let index = try advance()
        guard decoder.node(index).kind == .array else { throw decoder.mismatch("an array", at: index) }
        return UnkeyedTapeContainer(decoder: decoder, array: index)
    }

    mutating func superDecoder() throws -> any Decoder { throw CompactJSON.Unsupported(what: "superDecoder") }
}

private struct SingleTapeContainer: SingleValueDecodingContainer {
    let decoder: TapeDecoder
    let index: Int
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool { decoder.isNull(index) }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool(at: index) }
    func decode(_ type: String.Type) throws -> String { try decoder.string(at: index) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.double(at: index) }
    func decode(_ type: Float.Type) throws -> Float { Float(try decoder.double(at: index)) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.integer(Int.self, at: index) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.integer(Int8.self, at: index) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.integer(Int16.self, at: index) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.integer(Int32.self, at: index) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer(Int64.self, at: index) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.integer(UInt.self, at: index) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.integer(UInt8.self, at: index) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.integer(UInt16.self, at: index) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.integer(UInt32.self, at: index) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.integer(UInt64.self, at: index) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(T.self, at: index) }
}
