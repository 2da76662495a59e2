// A side table keyed by node id (go/types' Types and Uses maps). The parser
// numbers nodes densely from 0 across all files, so a flat array indexed by
// id replaces a dictionary: no hashing on the checker's hottest path.

import RulesLanguage

/// What the checker learned about nodes, by `NodeID`.
public struct NodeTable<Value: Sendable>: Sendable {
    private var values: [Value?]

    init(count: Int) {
        values = Array(repeating: nil, count: max(0, count))
    }

    /// The value recorded for a node, nil when none was (or the id is unknown).
    public subscript(id: NodeID) -> Value? {
        get { id >= 0 && id < values.count ? values[id] : nil }
        set {
            guard id >= 0 else { return }
            if id >= values.count { values += Array(repeating: nil, count: id - values.count + 1) }
            values[id] = newValue
        }
    }

    /// How many nodes have a value.
    public var count: Int { values.reduce(0) { $1 == nil ? $0 : $0 + 1 } }
}
