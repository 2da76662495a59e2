// `Value` as JSON for stored lead states: one key naming the type, so a
// TIME and a NUMBER never read back as each other
// (`{"time": 1774087200000}`, `{"string": "GB"}`, `{"missing": true}`).
// This is the storage form, not the event wire format (events carry plain
// JSON and RFC 3339 times, decoded against the EVENT declarations).

extension Value: Codable {
    private enum Key: String, CodingKey {
        case string, number, bool, time, duration, list, missing
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        guard let key = c.allKeys.first, c.allKeys.count == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "a value has exactly one type key"))
        }
        switch key {
        case .string: self = .string(try c.decode(String.self, forKey: key))
        case .number: self = .number(try c.decode(Double.self, forKey: key))
        case .bool: self = .bool(try c.decode(Bool.self, forKey: key))
        case .time: self = .time(try c.decode(Int64.self, forKey: key))
        case .duration: self = .duration(try c.decode(Int64.self, forKey: key))
        case .list: self = .list(try c.decode([Value].self, forKey: key))
        case .missing: self = .missing
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .string(let s): try c.encode(s, forKey: .string)
        case .number(let n): try c.encode(n, forKey: .number)
        case .bool(let b): try c.encode(b, forKey: .bool)
        case .time(let t): try c.encode(t, forKey: .time)
        case .duration(let d): try c.encode(d, forKey: .duration)
        case .list(let items): try c.encode(items, forKey: .list)
        case .missing: try c.encode(true, forKey: .missing)
        }
    }
}
