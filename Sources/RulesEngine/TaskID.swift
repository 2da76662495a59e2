// Deterministic task ids. Delivery is at least once, so a consumer
// deduplicates on the id, and replaying the same inputs must give the same
// ids on any machine and in any process: Swift's `Hasher` is seeded at
// random per process and cannot be used. FNV-1a (64-bit) over the UTF-8 of
// the parts is stable, cheap and spreads well enough for ids that also
// carry their lead and kind in clear text.

/// FNV-1a, 64 bits.
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    public init() {}

    /// Adds a text and then a separator byte that no UTF-8 text contains,
    /// so that ("ab", "c") and ("a", "bc") differ.
    public mutating func add(_ text: String) {
        add(bytes: text.utf8)
        add(bytes: [0xff])
    }

    /// Plain FNV-1a over bytes.
    public mutating func add(bytes: some Sequence<UInt8>) {
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* Self.prime
        }
    }

    public static func hash(_ parts: [String]) -> UInt64 {
        var h = FNV1a()
        for p in parts { h.add(p) }
        return h.value
    }
}

enum TaskID {
    /// `<kind>-<16 hex digits>` from the lead, the rule (file:line), the
    /// action's position within the rule's line (two actions on one line,
    /// such as D01's two BLOCKs, differ), the kind, the due time and the
    /// template or channel.
    static func make(leadID: String, rule: String, discriminator: String, kind: TaskKind, due: Int64) -> String {
        let h = FNV1a.hash([leadID, rule, discriminator, kind.rawValue, String(due)])
        return "\(kind.rawValue)-\(hex(h))"
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
