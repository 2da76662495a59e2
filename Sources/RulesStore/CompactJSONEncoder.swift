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
import RulesEngine

enum CompactJSON {
    /// The value uses something the streaming encoder does not do.
    struct Unsupported: Error { var what: String }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = StreamingEncoder()
        try encoder.encodeValue(value)
        return encoder.bytes.string()
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

/// A growable byte buffer without Array's per-append uniqueness and
/// generic overhead: appending is a store or a memcpy.
struct ByteSink {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    /// Frees the storage; the sink must not be used afterwards.
    func free() { base.deallocate() }

    private mutating func grow(_ needed: Int) {
        let newCapacity = Swift.max(capacity * 2, count + needed)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(1) }
        base[count] = byte
        count += 1
    }

    mutating func append(contentsOf buffer: UnsafeBufferPointer<UInt8>) {
        guard let source = buffer.baseAddress, buffer.count > 0 else { return }
        if count + buffer.count > capacity { grow(buffer.count) }
        (base + count).update(from: source, count: buffer.count)
        count += buffer.count
    }

    mutating func append(contentsOf bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    mutating func append(contentsOf text: String) {
        var text = text
        text.withUTF8 { append(contentsOf: $0) }
    }

    func string() -> String {
        String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }
}

/// The encoder's mutable state. It lives behind a pointer: stored `var`s of
/// a class are checked for exclusive access at run time on every write,
/// which cost a third of the encoding time.
private struct EncoderState {
    var bytes = ByteSink(capacity: 2_048)
    var levels: [Level] = []
    /// Depth of `encodeValue` calls; a container belongs to the innermost one.
    var depth = 0
    /// An error met where the `Encoder` protocol cannot throw (opening a
    /// container); reported by the next write.
    var failure: (any Error)?
}

final class StreamingEncoder: Encoder {
    private let state: UnsafeMutablePointer<EncoderState>

    var bytes: ByteSink {
        _read { yield state.pointee.bytes }
        _modify { yield &state.pointee.bytes }
    }
    private var levels: [Level] {
        _read { yield state.pointee.levels }
        _modify { yield &state.pointee.levels }
    }
    private var depth: Int {
        get { state.pointee.depth }
        set { state.pointee.depth = newValue }
    }
    var failure: (any Error)? {
        get { state.pointee.failure }
        set { state.pointee.failure = newValue }
    }

    init() {
        state = .allocate(capacity: 1)
        state.initialize(to: EncoderState())
        state.pointee.levels.reserveCapacity(16)
    }

    deinit {
        state.pointee.bytes.free()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    // MARK: Values

    func encodeValue<T: Encodable>(_ value: T) throws {
        // unsafeBitCast, not as!: the type is known equal, a dynamic cast would only cost.
        if T.self == String.self { return writeString(unsafeBitCast(value, to: String.self)) }
        if T.self == Int.self { return writeInteger(unsafeBitCast(value, to: Int.self)) }
        if T.self == Int64.self { return writeInteger(unsafeBitCast(value, to: Int64.self)) }
        if T.self == Double.self { return try writeDouble(unsafeBitCast(value, to: Double.self)) }
        if T.self == Bool.self { return writeBool(unsafeBitCast(value, to: Bool.self)) }
        // The engine's Value (most of a stored document) in its Codable form, written
        // directly (ValueCoding.swift; StoreJSONTests holds the two to the same result).
        if T.self == Value.self { return try writeValue(unsafeBitCast(value, to: Value.self)) }
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
            if value == 0 && value.sign == .minus { bytes.append(contentsOf: "-0"); return }
            return writeInteger(Int64(value))
        }
        bytes.append(contentsOf: value.description)
    }

    private static let valueKeys: [[UInt8]] = ["string", "number", "bool", "time", "duration", "list", "missing"]
        .map { Array("{\"\($0)\":".utf8) }

    func writeValue(_ value: Value) throws {
        switch value {
        case .string(let s): bytes.append(contentsOf: Self.valueKeys[0]); writeString(s)
        case .number(let n): bytes.append(contentsOf: Self.valueKeys[1]); try writeDouble(n)
        case .bool(let b): bytes.append(contentsOf: Self.valueKeys[2]); writeBool(b)
        case .time(let t): bytes.append(contentsOf: Self.valueKeys[3]); writeInteger(t)
        case .duration(let d): bytes.append(contentsOf: Self.valueKeys[4]); writeInteger(d)
        case .list(let items):
            bytes.append(contentsOf: Self.valueKeys[5])
            bytes.append(UInt8(ascii: "["))
            for (n, item) in items.enumerated() {
                if n > 0 { bytes.append(UInt8(ascii: ",")) }
                try writeValue(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .missing: bytes.append(contentsOf: Self.valueKeys[6]); writeBool(true)
        }
        bytes.append(UInt8(ascii: "}"))
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

extension CompactJSON {
    /// History lines in `ExplanationLine`'s Codable form (History.swift:
    /// `{"rule": ..., "text": ...}`, no rule when nil), written without the
    /// Codable machinery: every engine step stores a few of them.
    static func encode(lines: [ExplanationLine]) -> String {
        let encoder = StreamingEncoder()
        encoder.bytes.append(UInt8(ascii: "["))
        for (n, line) in lines.enumerated() {
            if n > 0 { encoder.bytes.append(UInt8(ascii: ",")) }
            if let rule = line.rule {
                encoder.bytes.append(contentsOf: "{\"rule\":")
                encoder.writeString(rule)
                encoder.bytes.append(contentsOf: ",\"text\":")
            } else {
                encoder.bytes.append(contentsOf: "{\"text\":")
            }
            encoder.writeString(line.text)
            encoder.bytes.append(UInt8(ascii: "}"))
        }
        encoder.bytes.append(UInt8(ascii: "]"))
        return encoder.bytes.string()
    }

    /// A list of strings (a history entry's task ids).
    static func encode(strings: [String]) -> String {
        let encoder = StreamingEncoder()
        encoder.bytes.append(UInt8(ascii: "["))
        for (n, text) in strings.enumerated() {
            if n > 0 { encoder.bytes.append(UInt8(ascii: ",")) }
            encoder.writeString(text)
        }
        encoder.bytes.append(UInt8(ascii: "]"))
        return encoder.bytes.string()
    }
}
