// The outcome model: how a simulated dialer answers the dial tasks a
// simulation issues, so that a campaign can be played forward without a
// real floor. Each dial is answered a short while after it is issued with a
// `call_outcome` event whose disposition code is drawn in two stages:
//
// 1. the class of the attempt, by rate: the seed's targets are 25-35% live
//    connections, 40-50% voicemail, 20-30% no answer; the default model
//    takes the middle of each band (30% / 45% / 25%);
// 2. a code within the class, by weight, from the playbook's DISPOSITION
//    codes (C01-C04, V01-V02, N01-N03 in the default playbook).
//
// A code can carry a `callback_at` (C01: the agent agreed a time) and a
// chance of a `first_deposit` some time later (an interested lead funds its
// account), which is what turns a played-forward campaign into a funnel.
//
// Draws are deterministic: every dial gets its own SplitMix64 seeded from
// the simulation's seed and the task's id, so a dial's outcome does not
// depend on how many other dials were answered before it, and the same
// seed gives the same campaign on every run and platform.

import RulesEngine
import RulesLanguage

/// Rates and weights of simulated call outcomes.
public struct OutcomeModel: Sendable, Hashable {
    /// A deposit that may follow an outcome.
    public struct Deposit: Sendable, Hashable {
        /// Chance that the deposit happens, 0...1.
        public var rate: Double
        /// How long after the call outcome, ms.
        public var after: ClosedRange<Int64>
        /// The amount, in whole currency units.
        public var amount: ClosedRange<Int>

        public init(rate: Double, after: ClosedRange<Int64>, amount: ClosedRange<Int>) {
            self.rate = rate
            self.after = after
            self.amount = amount
        }
    }

    /// One disposition code within a class.
    public struct Code: Sendable, Hashable {
        public var code: String
        /// Relative weight within the class (> 0).
        public var weight: Int
        /// When set, the outcome carries `callback_at` this long after the call.
        public var callbackAfter: ClosedRange<Int64>?
        public var deposit: Deposit?

        public init(_ code: String, weight: Int, callbackAfter: ClosedRange<Int64>? = nil, deposit: Deposit? = nil) {
            self.code = code
            self.weight = weight
            self.callbackAfter = callbackAfter
            self.deposit = deposit
        }
    }

    /// A class of attempts (live, voicemail, no answer) and its codes.
    public struct OutcomeClass: Sendable, Hashable {
        public var name: String
        /// Share of all attempts, 0...1; the rates of a model sum to 1.
        public var rate: Double
        public var codes: [Code]

        public init(name: String, rate: Double, codes: [Code]) {
            self.name = name
            self.rate = rate
            self.codes = codes
        }
    }

    /// From the dial being issued to its outcome, ms (at least 1 s).
    public let delay: ClosedRange<Int64>
    public let classes: [OutcomeClass]

    /// Checks the model: rates in 0...1 summing to 1 (within 0.001), at
    /// least one code per class, positive weights, a delay of at least 1 s.
    public init(delay: ClosedRange<Int64>, classes: [OutcomeClass]) throws(OutcomeModelError) {
        guard delay.lowerBound >= 1000 else {
            throw OutcomeModelError(field: "delay", message: "must be at least 1s, so an answer never comes with its dial")
        }
        guard !classes.isEmpty else { throw OutcomeModelError(field: "classes", message: "no class of outcome given") }
        for (i, c) in classes.enumerated() {
            guard c.rate.isFinite, (0...1).contains(c.rate) else {
                throw OutcomeModelError(field: "classes[\(i)].rate", message: "must be between 0 and 1, not \(c.rate)")
            }
            guard !c.codes.isEmpty else {
                throw OutcomeModelError(field: "classes[\(i)].codes", message: "class '\(c.name)' has no codes")
            }
            for code in c.codes where code.weight <= 0 {
                throw OutcomeModelError(field: "classes[\(i)].codes.\(code.code)",
                                        message: "weight must be at least 1, not \(code.weight)")
            }
        }
        let sum = classes.reduce(0) { $0 + $1.rate }
        guard abs(sum - 1) <= 0.001 else {
            throw OutcomeModelError(field: "classes", message: "rates sum to \(Self.show(sum)), not 1")
        }
        self.delay = delay
        self.classes = classes
    }

    /// The seed's mid-band rates, with code weights documented in docs/SIMULATE.md.
    public static let standard: OutcomeModel = {
        let hour: Int64 = 3_600_000, day: Int64 = 86_400_000
        let classes = [
            OutcomeClass(name: "live", rate: 0.30, codes: [
                Code("C01", weight: 30, callbackAfter: hour...(2 * day),
                     deposit: Deposit(rate: 0.25, after: (2 * hour)...(3 * day), amount: 250...5000)),
                Code("C02", weight: 40, deposit: Deposit(rate: 0.03, after: (2 * day)...(14 * day), amount: 100...2000)),
                Code("C03", weight: 22),
                Code("C04", weight: 8),
            ]),
            OutcomeClass(name: "voicemail", rate: 0.45, codes: [Code("V01", weight: 85), Code("V02", weight: 15)]),
            OutcomeClass(name: "no_answer", rate: 0.25, codes: [
                Code("N01", weight: 75), Code("N02", weight: 15), Code("N03", weight: 10),
            ]),
        ]
        // The literal above satisfies every check of `init`.
        return (try? OutcomeModel(delay: 30_000...300_000, classes: classes))
            ?? OutcomeModel(unchecked: 30_000...300_000, classes: classes)
    }()

    private init(unchecked delay: ClosedRange<Int64>, classes: [OutcomeClass]) {
        self.delay = delay
        self.classes = classes
    }

    /// The events the model makes.
    public static let outcomeEvent = "call_outcome"
    public static let depositEvent = "first_deposit"

    /// Every disposition code the model can draw.
    public var codes: [String] { classes.flatMap { $0.codes.map(\.code) } }

    /// The events that answer `dial`, issued at `issuedAt`: its
    /// `call_outcome`, and possibly a `first_deposit` after it.
    public func answer(_ dial: LeadTask, issuedAt: Int64, seed: UInt64) -> [Event] {
        var random = SplitMix64(seed: seed ^ FNV1a.hash([dial.id]))
        let at = SimulationTime.add(issuedAt, random.draw(delay))
        let code = draw(&random)
        var data: [String: Value] = ["code": .string(code.code)]
        if let after = code.callbackAfter {
            data["callback_at"] = .time(SimulationTime.add(at, random.draw(after)))
        }
        let suffix = dial.id.hasPrefix("dial-") ? String(dial.id.dropFirst(5)) : dial.id
        var events = [Event(id: "outcome-\(suffix)", leadID: dial.leadID, type: Self.outcomeEvent, at: at, data: data)]
        if let deposit = code.deposit, random.unit() < deposit.rate {
            let when = SimulationTime.add(at, random.draw(deposit.after))
            let amount = deposit.amount.lowerBound
                + Int(random.next() % UInt64(deposit.amount.upperBound - deposit.amount.lowerBound + 1))
            events.append(Event(id: "deposit-\(suffix)", leadID: dial.leadID, type: Self.depositEvent, at: when,
                                data: ["amount": .number(Double(amount))]))
        }
        return events
    }

    /// A class by rate, then a code by weight.
    private func draw(_ random: inout SplitMix64) -> Code {
        let total = classes.reduce(0) { $0 + $1.rate }
        var u = random.unit() * total
        var chosen = classes[classes.count - 1]
        for c in classes {
            if u < c.rate {
                chosen = c
                break
            }
            u -= c.rate
        }
        let weights = chosen.codes.reduce(0) { $0 + $1.weight }
        var r = Int(random.next() % UInt64(weights))
        for code in chosen.codes {
            if r < code.weight { return code }
            r -= code.weight
        }
        return chosen.codes[chosen.codes.count - 1]
    }

    static func show(_ x: Double) -> String {
        let rounded = (x * 1000).rounded() / 1000
        return "\(rounded)"
    }
}

/// Why an outcome model is not valid; `field` names where (`classes[1].rate`).
public struct OutcomeModelError: Error, Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let message: String
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
    public var description: String { "\(field): \(message)" }
}

extension SplitMix64 {
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Uniform in `range` (ms), in whole seconds when the range allows:
    /// timelines read better without stray milliseconds.
    mutating func draw(_ range: ClosedRange<Int64>) -> Int64 {
        let low = range.lowerBound, high = range.upperBound
        if low % 1000 == 0 && high - low >= 1000 {
            let seconds = UInt64((high - low) / 1000) + 1
            return low + Int64(next() % seconds) * 1000
        }
        let width = UInt64(bitPattern: high &- low) &+ 1
        return width == 0 ? Int64(bitPattern: next()) : low &+ Int64(bitPattern: next() % width)
    }
}

enum SimulationTime {
    /// `a + b`, saturating instead of trapping.
    static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }
}
