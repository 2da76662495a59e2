// A JSON encoder for the store's hot path: a lead's state is saved after
// every engine step, so encoding it must cost a few microseconds, not the
// tens that Foundation's JSONEncoder spends building an intermediate tree.
//
// It is a Swift `Encoder` that writes bytes as values arrive (no tree), so
// it works through the types' own `Codable` conformances and the JSON it
// writes is what JSONEncoder would read back (keys in encoding order rather
// than sorted). Streaming needs each value to be written before the next
// one starts, which is how synthesized and hand-written `encode(to:)`
// methods behave; anything it cannot stream (a nested container used out
// of order, a super encoder, Foundation types JSONEncoder special-cases)
// throws `Unsupported`, and `StoreJSON` falls back to JSONEncoder for that
// value.

import Foundation

enum CompactJSON {
    /// The value uses something the streaming encoder does not do.
    struct Unsupported: Error { var what: String }

    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = StreamingEncoder()
        try encoder.encodeValue(value)
        return encoder.bytes
    }
}

/// What kind of container a level of the value being written opened.
private enum LevelKind { case keyed, unkeyed, single }

private struct Level {
    var kind: LevelKind
    var count: Int
    /// The `encodeValue` call that opened it (nesting depth of values).
    var owner: Int
}

final class StreamingEncoder: Encoder {
    var bytes: [UInt8] = []
    private var levels: [Level] = []
    /// Depth of `encodeValue` calls; a container belongs to the innermost one.
    private var depth = 0

    init() { bytes.reserveCapacity(2_048) }

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    // MARK: Values

    func encodeValue<T: Encodable>(_ value: T) throws {
        if T.self == String.self { return writeString(value as! String) }
        if T.self == Int.self { return writeInteger(value as! Int) }
        if T.self == Int64.self { return writeInteger(value as! Int64) }
        if T.self == Double.self { return try writeDouble(value as! Double) }
        if T.self == Bool.self { return writeBool(value as! Bool) }
        if T.self == Data.self || T.self == Date.self || T.self == URL.self || T.self == Decimal.self {
            // JSONEncoder gives these special forms (base64, a number, a string).
            throw CompactJSON.Unsupported(what: "\(T.self)")
        }
        depth += 1
        let base = levels.count
        let start = bytes.count
        try value.encode(to: self)
        // Close what this value opened, innermost first.
        while levels.count > base {
            let level = levels.removeLast()
            switch level.kind {
            case .keyed: bytes.append(UInt8(ascii: "}"))
            case .unkeyed: bytes.append(UInt8(ascii: "]"))
            case .single: break
            }
        }
        depth -= 1
        // A value that wrote nothing is an empty object, as JSONEncoder writes it.
        if bytes.count == start { bytes.append(UInt8(ascii: "{")); bytes.append(UInt8(ascii: "}")) }
    }

    /// Opens (or reopens, for a second request by the same value) a container of this value.
    private func open(_ kind: LevelKind) throws {
        if let top = levels.last, top.owner == depth {
            guard top.kind == kind, kind != .single else {
                throw CompactJSON.Unsupported(what: "two kinds of container for one value")
            }
            return
        }
        levels.append(Level(kind: kind, count: 0, owner: depth))
        switch kind {
        case .keyed: bytes.append(UInt8(ascii: "{"))
        case .unkeyed: bytes.append(UInt8(ascii: "["))
        case .single: break
        }
    }

    /// Checks that the container at `index` is still the innermost one open:
    /// writing to an outer container while an inner one is open cannot stream.
    func beginElement(_ index: Int) throws {
        guard index == levels.count - 1 else {
            throw CompactJSON.Unsupported(what: "writing to a container after opening a nested one")
        }
        if levels[index].count > 0 { bytes.append(UInt8(ascii: ",")) }
        levels[index].count += 1
    }

    func writeKey(_ key: some CodingKey) {
        writeString(key.stringValue)
        bytes.append(UInt8(ascii: ":"))
    }

    func elementCount(_ index: Int) -> Int { levels[index].count }

    // MARK: Encoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        do { try open(.keyed) } catch { failure = failure ?? error }
        return KeyedEncodingContainer(KeyedStreamContainer<Key>(encoder: self, index: levels.count - 1))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        do { try open(.unkeyed) } catch { failure = failure ?? error }
        return UnkeyedStreamContainer(encoder: self, index: levels.count - 1)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        do { try open(.single) } catch { failure = failure ?? error }
        return SingleStreamContainer(encoder: self)
    }

    /// An error met where the `Encoder` protocol cannot throw (opening a
    /// container); reported by the next write.
    var failure: (any Error)?

    func checkFailure() throws {
        if let failure { throw failure }
    }

    // MARK: Scalars

    func writeBool(_ value: Bool) {
        bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
    }
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let nullBytes = Array("null".utf8)

    func writeNull() { bytes.append(contentsOf: Self.nullBytes) }

    func writeInteger<I: BinaryInteger>(_ value: I) {
        if value == 0 { bytes.append(UInt8(ascii: "0")); return }
        // Digits backwards into a small stack buffer, then copied in order.
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buffer in
            var i = 40
            while magnitude != 0 {
                let (q, r) = magnitude.quotientAndRemainder(dividingBy: 10)
                i -= 1
                buffer[i] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: r)
                magnitude = q
            }
            if value < 0 { i -= 1; buffer[i] = UInt8(ascii: "-") }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i..<40]))
        }
    }

    func writeDouble(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription:
                "\(value) is not representable in JSON"))
        }
        // Whole numbers as integers (as JSONEncoder writes them); others in
        // Swift's shortest round-trip form, which is valid JSON ("72.5", "1e-05").
        if value.rounded(.towardZero) == value && abs(value) < 9_007_199_254_740_992 {
            if value == 0 && value.sign == .minus { bytes.append(contentsOf: Array("-0".utf8)); return }
            return writeInteger(Int64(value))
        }
        bytes.append(contentsOf: value.description.utf8)
    }

    func writeFloat(_ value: Float) throws { try writeDouble(Double(value)) }

    func writeString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            for i in 0..<utf8.count {
                let byte = utf8[i]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
                runStart = i + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

private struct KeyedStreamContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: StreamingEncoder
    let index: Int
    var codingPath: [any CodingKey] { [] }

    private func begin(_ key: Key) throws {
        try encoder.checkFailure()
        try encoder.beginElement(index)
        encoder.writeKey(key)
    }

    mutating func encodeNil(forKey key: Key) throws { try begin(key); encoder.writeNull() }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try begin(key); encoder.writeBool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { try begin(key); encoder.writeString(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try begin(key); try encoder.writeDouble(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try begin(key); try encoder.writeFloat(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try begin(key); encoder.writeInteger(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try begin(key); encoder.writeInteger(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try begin(key); encoder.writeInteger(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try begin(key); encoder.writeInteger(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try begin(key); encoder.writeInteger(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try begin(key); encoder.writeInteger(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try begin(key); encoder.writeInteger(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try begin(key); encoder.writeInteger(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try begin(key); encoder.writeInteger(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try begin(key); encoder.writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try begin(key)
        try encoder.encodeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                        forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        encoder.failure = encoder.failure ?? CompactJSON.Unsupported(what: "nestedContainer")
        return KeyedEncodingContainer(KeyedStreamContainer<NestedKey>(encoder: encoder, index: index))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.failure = encoder.failure ?? CompactJSON.Unsupported(what: "nestedUnkeyedContainer")
        return UnkeyedStreamContainer(encoder: encoder, index: index)
    }
    mutating func superEncoder() -> any Encoder {
        encoder.failure = encoder.failure ?? CompactJSON.Unsupported(what: "superEncoder")
        return encoder
    }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        encoder.failure = encoder.failure ?? CompactJSON.Unsupported(what: "superEncoder")
        return encoder
    }
}

private struct UnkeyedStreamContainer: UnkeyedEncodingContainer {
    let encoder: StreamingEncoder
    let index: Int
    var codingPath: [any CodingKey] { [] }
    var count: Int { encoder.failure == nil ? encoder.elementCount(index) : 0 }

    private func begin() throws {
        try encoder.checkFailure()
        try encoder.beginElement(index)
    }

    mutating func encodeNil() throws { try begin(); encoder.writeNull() }
    mutating func encode(_ value: Bool) throws { try begin(); encoder.writeBool(value) }
    mutating func encode(_ value: String) throws { try begin(); encoder.writeString(value) }
    mutating func encode(_ value: Double) throws { try begin(); try encoder.writeDouble(value) }
    mutating func encode(_ value: Float) throws { try begin(); try encoder.writeFloat(value) }
    mutating func encode(_ value: Int) throws { try begin(); encoder.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { try begin(); encoder.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { try begin(); encoder.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { try begin(); encoder.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { try begin(); encoder.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { try begin(); encoder.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { try begin(); encoder.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { try begin(); encoder.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { try begin(); encoder.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { try begin(); encoder.writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try begin()
        try encoder.encodeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        encoder.failure = encoder.failure ?? CompactJSON.Unsupported(what: "nestedContainer")
        return KeyedEncodingContainer(KeyedStreamContainer<NestedKey>(encoder: encoder, index: index))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        encoder.failure = encoder.failure ?? CompactJSON.Unsupported(what: "nestedUnkeyedContainer")
        return self
    }
    mutating func superEncoder() -> any Encoder {
        encoder.failure = encoder.failure ?? CompactJSON.Unsupported(what: "superEncoder")
        return encoder
    }
}

private struct SingleStreamContainer: SingleValueEncodingContainer {
    let encoder: StreamingEncoder
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { try encoder.checkFailure(); encoder.writeNull() }
    mutating func encode(_ value: Bool) throws { try encoder.checkFailure(); encoder.writeBool(value) }
    mutating func encode(_ value: String) throws { try encoder.checkFailure(); encoder.writeString(value) }
    mutating func encode(_ value: Double) throws { try encoder.checkFailure(); try encoder.writeDouble(value) }
    mutating func encode(_ value: Float) throws { try encoder.checkFailure(); try encoder.writeFloat(value) }
    mutating func encode(_ value: Int) throws { try encoder.checkFailure(); encoder.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { try encoder.checkFailure(); encoder.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { try encoder.checkFailure(); encoder.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { try encoder.checkFailure(); encoder.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { try encoder.checkFailure(); encoder.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { try encoder.checkFailure(); encoder.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { try encoder.checkFailure(); encoder.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { try encoder.checkFailure(); encoder.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { try encoder.checkFailure(); encoder.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { try encoder.checkFailure(); encoder.writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try encoder.checkFailure()
        try encoder.encodeValue(value)
    }
}
