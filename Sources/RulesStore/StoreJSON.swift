// The JSON of the store's columns (lead states, event data, history lines).
// CompactJSON does the work; a value it cannot stream, or a document it
// cannot read, goes through Foundation's JSONEncoder/JSONDecoder instead,
// so the stored form is plain JSON either way and rows written by either
// coder read back with both.

import Foundation

/// The store's JSON coder, public so benchmarks and tools can measure and
/// reuse it (`GET /v1/leads/{id}` renders a state with it too).
public enum StoreJSON {
    /// - Throws: `.invalidRecord` when the value cannot be written as JSON (a NaN, say).
    public static func encode<T: Encodable>(_ value: T) throws(StoreError) -> String {
        do {
            return try CompactJSON.encode(value)
        } catch is CompactJSON.Unsupported {
            do { return String(decoding: try fallbackEncoder.encode(value), as: UTF8.self) } catch {
                throw StoreError.invalidRecord("cannot encode \(T.self): \(error)")
            }
        } catch {
            throw StoreError.invalidRecord("cannot encode \(T.self): \(error)")
        }
    }

    /// - Parameter what: names the record in the error (`lead L1`).
    /// - Throws: `.invalidRecord` with Foundation's account of what is wrong.
    public static func decode<T: Decodable>(_ type: T.Type, _ text: String, what: String = "\(T.self)") throws(StoreError) -> T {
        let bytes = Array(text.utf8)
        if let value = try? CompactJSON.decode(T.self, from: bytes) { return value }
        do { return try JSONDecoder().decode(T.self, from: Data(bytes)) } catch {
            throw StoreError.invalidRecord("\(what): \(error)")
        }
    }

    private static let fallbackEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}
