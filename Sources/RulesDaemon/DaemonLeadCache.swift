// The daemon's memory of recently stepped leads, so a hot lead (captured,
// then a demo account, a trade and a call outcome within minutes) is read
// from the store once, not at every event. The store stays the truth: an
// entry is written only after the commit that saved the same state, and a
// miss reads the store.
//
// Bounded by two generations instead of a linked LRU list: lookups and
// inserts go to the young generation; when it is full the old one is
// dropped and the young becomes old. A lead used in the last
// `capacity / 2` insertions is always kept; at most `capacity` are held.

import RulesStore

struct DaemonLeadCache {
    let capacity: Int
    private var young: [String: StoredLead] = [:]
    private var old: [String: StoredLead] = [:]

    init(capacity: Int) {
        self.capacity = max(2, capacity)
    }

    var count: Int { young.count + old.count }

    /// The cached lead, promoted to the young generation.
    mutating func lead(_ id: String) -> StoredLead? {
        if let lead = young[id] { return lead }
        guard let lead = old.removeValue(forKey: id) else { return nil }
        insert(lead)
        return lead
    }

    mutating func insert(_ lead: StoredLead) {
        let id = lead.state.id
        if young[id] == nil, young.count >= capacity / 2 {
            old = young
            young = [:]
            young.reserveCapacity(capacity / 2)
        }
        old.removeValue(forKey: id)
        young[id] = lead
    }

    mutating func remove(_ id: String) {
        young.removeValue(forKey: id)
        old.removeValue(forKey: id)
    }

    mutating func removeAll() {
        young = [:]
        old = [:]
    }
}
