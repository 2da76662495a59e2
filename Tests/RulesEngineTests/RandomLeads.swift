// Adversarial leads for differential tests: any field may be missing, and
// present values are drawn from the program's own literals (so conditions
// flip), near misses of them, and junk. Events get counts from 0 (an entry
// that says "never") upward; status, tier, escalation, attempts and the
// handled event with its payload vary too.

@testable import RulesCompiler
@testable import RulesEngine
@testable import RulesLanguage

struct RandomLeads {
    var random: SplitMix64
    let program: Program
    let strings: [String]
    let numbers: [Double]

    init(program: Program, seed: UInt64) {
        self.program = program
        random = SplitMix64(seed: seed)
        var strings = ["", "x", "a@b", "Someone@Example.COM", "UK", "gb", "n@gmail.com", "q@mailinator.com",
                       "p@acme.co.uk"]
        var numbers: [Double] = [0, -1, 1, 0.5, 1e9]
        for (e, _) in ProgramExpressions.all(program) { Self.collect(e, &strings, &numbers) }
        // Dictionaries in name order: their own order changes from run to run.
        for name in program.lists.keys.sorted() {
            for v in program.lists[name]?.values ?? [] {
                if case .string(let s) = v { strings.append(s) }
                if case .number(let n) = v { numbers.append(n) }
            }
        }
        for name in program.tables.keys.sorted() {
            for row in program.tables[name]?.rows ?? [] {
                if case .string(let s) = row.key { strings.append(s) }
                if case .number(let n) = row.key { numbers += [n, n + 1] }
            }
        }
        self.strings = strings
        self.numbers = numbers
    }

    private static func collect(_ e: Expr, _ strings: inout [String], _ numbers: inout [Double]) {
        switch e.kind {
        case .string(let s): strings += [s, "u@" + s, s.uppercased()]
        case .number(let n): numbers += [n - 1, n - 0.5, n, n + 0.5, n + 1]
        case .call(_, let args), .list(let args): for a in args { collect(a, &strings, &numbers) }
        case .not(let x), .negate(let x): collect(x, &strings, &numbers)
        case .binary(_, let l, let r), .membership(let l, let r, _):
            collect(l, &strings, &numbers)
            collect(r, &strings, &numbers)
        case .range(let v, let lo, let hi, _):
            for x in [v, lo, hi] { collect(x, &strings, &numbers) }
        default: break
        }
    }

    mutating func value(_ type: RuleType) -> Value {
        if random.chance(0.25) { return .missing }
        switch type {
        case .number: return .number(random.chance(0.8) ? random.pick(numbers) : Double(random.int(-100...100)))
        case .bool: return .bool(random.chance(0.5))
        case .time: return .time(now - Int64(random.int(-3...100)) * hour)
        case .duration: return .duration(Int64(random.int(-2...100)) * hour)
        default: return .string(random.pick(strings))
        }
    }

    mutating func next() -> LeadSnapshot {
        var fields: [String: Value] = [:]
        for name in program.fields.keys.sorted() {
            guard let type = program.fields[name]?.type.type else { continue }
            let v = value(type)
            if v != .missing || random.chance(0.5) { fields[name] = v }
        }
        var events: [String: EventStats] = [:]
        for name in program.events.keys.sorted() where random.chance(0.6) {
            let count = random.weighted([(0, 2), (1, 4), (2, 2), (3, 2), (random.int(4...50), 1)])
            let first = now - Int64(random.int(1...2000)) * hour
            events[name] = EventStats(count: count, first: first, last: first + Int64(random.int(0...1000)) * hour)
        }
        let tiers = program.tiers.map(\.name)
        var lead = LeadSnapshot(fields: fields, events: events, status: random.pick(LeadStatus.allCases),
                                tier: random.chance(0.5) || tiers.isEmpty ? nil : random.pick(tiers),
                                escalatedTier: random.chance(0.8) || tiers.isEmpty ? nil : random.pick(tiers),
                                attempts: random.int(0...6), now: now)
        let eventNames = program.events.keys.sorted()
        if random.chance(0.7), !eventNames.isEmpty {
            let type = random.pick(eventNames)
            var payload: [String: Value] = [:]
            for param in program.events[type]?.params ?? [] { payload[param.name] = value(param.type.type) }
            lead.event = HandledEvent(type: type, payload: payload)
        }
        return lead
    }
}
