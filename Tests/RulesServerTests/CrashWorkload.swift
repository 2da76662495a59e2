// What the crash test sends and what it saw: seeded event streams of
// synthetic leads (hot, warm, chat callbacks), the daemon's up/down state as
// the posters and claimants see it, and the ledger of every answer.

import Foundation
import RulesEngine

/// SplitMix64: a small seeded generator, so a failing run can be replayed.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One event as sent on the wire.
struct WireEvent: Sendable {
    let id: String
    let leadID: String
    let type: String
    let json: Data
}

enum CrashLeadKind: Sendable, CaseIterable {
    /// Captured warm (score 45), hot (70) after a demo account and a demo trade:
    /// a dial in english_hot_lead_queue (the warm dial is withdrawn unless delivered).
    case hot
    /// Captured warm, then a site visit: a dial in warm_lead_queue.
    case warm
    /// Captured warm, then a live chat: an IMMEDIATE callback in priority_callback_queue.
    case chat
}

enum CrashEvents {
    static let nowMilliseconds: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    static func line(id: String, lead: String, type: String, at: Int64, data: [String: Any] = [:]) -> WireEvent {
        let object: [String: Any] = ["id": id, "lead_id": lead, "type": type, "at": Timestamp.format(at), "data": data]
        return WireEvent(id: id, leadID: lead, type: type, json: LoopbackHTTP.json(object))
    }

    /// A capture scoring 45 (demographic 30, source 15): GB, phone, business email, age 38.
    static func capture(lead: String, serial: Int, at: Int64) -> WireEvent {
        line(id: "\(lead)-c", lead: lead, type: "lead_created", at: at, data: [
            "name": "Crash Test \(serial)",
            "email": "lead\(serial)@crash-\(serial % 97)-consulting.co.uk",
            "phone": String(format: "+4479%08d", serial),
            "country": "GB", "language": "English", "source": "organic_search",
            "campaign": "crash_test", "timezone": "Europe/London", "ip_country": "GB", "age": 38,
        ])
    }

    /// An affiliate lead: quarantined 30 minutes from `at`. With aff_1042 it scores
    /// 40 and is released to the warm desk when the hold ends; with aff_3301 (35)
    /// it gets the email-only nurture.
    static func affiliate(lead: String, serial: Int, at: Int64, released: Bool) -> WireEvent {
        line(id: "\(lead)-c", lead: lead, type: "lead_created", at: at, data: [
            "name": "Affiliate Test \(serial)",
            "email": "aff\(serial)@partner-\(serial % 89)-trading.co.uk",
            "phone": String(format: "+4478%08d", serial),
            "country": "GB", "language": "English", "source": "affiliate",
            "affiliate_id": released ? "aff_1042" : "aff_3301",
            "campaign": "crash_test_aff", "timezone": "Europe/London", "ip_country": "GB", "age": 33,
        ])
    }
}

/// One poster's stream: leads c<poster>-<n> with their events, generated as
/// they are needed (event times are "now" when generated, increasing).
final class CrashStream: @unchecked Sendable {
    let poster: Int
    private var rng: SeededGenerator
    private var buffered: [WireEvent] = []
    private var nextLead = 0
    private var lastAt: Int64 = 0
    /// Every event put into a batch, in order: the reference run posts these.
    private(set) var sent: [WireEvent] = []
    private(set) var kinds: [String: CrashLeadKind] = [:]

    init(poster: Int, seed: UInt64) {
        self.poster = poster
        rng = SeededGenerator(seed: seed &+ UInt64(poster) &* 0x1000_0001)
    }

    /// The next request: 30% a single event posted as one JSON object, else an NDJSON batch of 2-20.
    func nextBatch() -> (events: [WireEvent], single: Bool) {
        let single = Int.random(in: 0..<10, using: &rng) < 3
        let size = single ? 1 : Int.random(in: 2...20, using: &rng)
        while buffered.count < size { generateLead() }
        let batch = Array(buffered.prefix(size))
        buffered.removeFirst(size)
        sent.append(contentsOf: batch)
        return (batch, single)
    }

    /// A pause between requests, 0-15 ms: several senders, not a flood.
    func pauseMicroseconds() -> UInt32 { UInt32.random(in: 0...15_000, using: &rng) }

    private func at() -> Int64 {
        lastAt = max(CrashEvents.nowMilliseconds(), lastAt + 1)
        return lastAt
    }

    private func generateLead() {
        let serial = poster * 1_000_000 + nextLead
        let lead = "c\(poster)-\(nextLead)"
        nextLead += 1
        let kind = CrashLeadKind.allCases.randomElement(using: &rng)!
        kinds[lead] = kind
        buffered.append(CrashEvents.capture(lead: lead, serial: serial, at: at()))
        switch kind {
        case .hot:
            buffered.append(CrashEvents.line(id: "\(lead)-d", lead: lead, type: "demo_account_created", at: at()))
            buffered.append(CrashEvents.line(id: "\(lead)-t", lead: lead, type: "demo_trade", at: at()))
        case .warm:
            buffered.append(CrashEvents.line(id: "\(lead)-v", lead: lead, type: "site_visit", at: at()))
        case .chat:
            buffered.append(CrashEvents.line(id: "\(lead)-l", lead: lead, type: "live_chat_started", at: at()))
        }
    }
}

/// Whether rulesd is up, as the senders see it. The controller marks it down
/// BEFORE it sends SIGKILL, so a request that fails while the generation it
/// started in is still current failed against a live daemon: a real failure.
final class DaemonLife: @unchecked Sendable {
    private let condition = NSCondition()
    private var generation = 0
    private var up = false
    private var port: UInt16 = 0
    private var finishing = false

    func markUp(port: UInt16) {
        condition.lock()
        generation += 1
        self.port = port
        up = true
        condition.broadcast()
        condition.unlock()
    }

    func markDown() {
        condition.lock()
        up = false
        condition.unlock()
    }

    /// No new batches from now on (in-doubt ones are still re-sent).
    func finish() {
        condition.lock()
        finishing = true
        condition.broadcast()
        condition.unlock()
    }

    var isFinishing: Bool {
        condition.lock()
        defer { condition.unlock() }
        return finishing
    }

    func isCurrent(_ generation: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return up && self.generation == generation
    }

    /// Waits until the daemon is up in a generation after `after`; nil at the deadline.
    func awaitUp(after: Int, seconds: Double = 120) -> (generation: Int, port: UInt16)? {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while !(up && generation > after) {
            if !condition.wait(until: deadline) { return nil }
        }
        return (generation, port)
    }
}

/// Everything the senders and claimants were told, and what went wrong.
final class CrashLedger: @unchecked Sendable {
    private let lock = NSLock()
    private var _acknowledged: Set<String> = []
    private var _acknowledgedRequests = 0
    private var _inDoubtResent = 0
    private var _inDoubtFoundStored = 0
    private var _claims: [String: Int] = [:]
    private var _claimRequests = 0
    private var _ackStatus: [String: String] = [:]
    private var _failures: [String] = []

    func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    func fail(_ message: String) { locked { _failures.append(message) } }
    var failures: [String] { locked { _failures } }
    var acknowledged: Set<String> { locked { _acknowledged } }
    var acknowledgedRequests: Int { locked { _acknowledgedRequests } }
    var inDoubtResent: Int { locked { _inDoubtResent } }
    var inDoubtFoundStored: Int { locked { _inDoubtFoundStored } }
    var claims: [String: Int] { locked { _claims } }
    var claimRequests: Int { locked { _claimRequests } }
    var ackStatus: [String: String] { locked { _ackStatus } }

    /// A 202 for `ids`; `duplicates` of them were already stored.
    func acknowledged(_ ids: [String], duplicates: Int, resent: Bool) {
        locked {
            _acknowledged.formUnion(ids)
            _acknowledgedRequests += 1
            if resent {
                _inDoubtResent += 1
                if duplicates > 0 { _inDoubtFoundStored += 1 }
            }
        }
    }

    func claimed(_ ids: [String]) {
        locked {
            _claimRequests += 1
            for id in ids { _claims[id, default: 0] += 1 }
        }
    }

    func acked(_ id: String, status: String) { locked { _ackStatus[id] = status } }
}
