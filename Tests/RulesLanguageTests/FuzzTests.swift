// A seeded, reproducible fuzz test (issue 2: "Any byte sequence given to
// `rules check` gets diagnostics and exit 1, never a crash or a hang").
//
// Thousands of inputs come from a fixed seed through SplitMix64 (not the
// system generator, so a run can be replayed anywhere): random bytes, soup
// made of the language's own vocabulary, and mutations (byte flips,
// deletions, duplications, line splices, re-indentation) of real rule files:
// the seed fixture, the every-construct fixture and the rules/ playbook. Each
// input goes through the lexer, the parser and `Compiler.compile`, and must
// satisfy `invariantViolations` (InputInvariants.swift).
//
// Environment: FUZZ_ITERATIONS (default 3000), FUZZ_SEED (default below),
// FUZZ_ONLY=<iteration> replays one input, FUZZ_VERBOSE=1 prints each
// iteration before running it, so a crash shows which input caused it.
// Mutations start from the files in the tree, so replay on the same commit.
import Foundation
import RulesLanguage
import Testing

/// The SplitMix64 generator (Steele, Lea and Flood, 2014): tiny, fast, fully defined by
/// its 64-bit state, so the same seed gives the same inputs on every platform.
struct FuzzRandom {
    private var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// An independent stream per iteration, so one iteration replays alone.
    init(seed: UInt64, iteration: Int) {
        var mixer = SplitMix64(seed: seed ^ (UInt64(iteration) &* 0xD1B5_4A32_D192_ED03))
        generator = SplitMix64(seed: mixer.next())
    }

    mutating func next() -> UInt64 { generator.next() }

    /// A value in `0..<n` (Lemire's multiply-high; the tiny bias is harmless here).
    mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        return Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }

    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

enum FuzzSettings {
    static let environment = ProcessInfo.processInfo.environment
    static let seed = environment["FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x1EAD_2025
    static let iterations = environment["FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 3_000
    static let only = environment["FUZZ_ONLY"].flatMap { Int($0) }
    static let verbose = environment["FUZZ_VERBOSE"] == "1"
}

/// The real rule files the mutations start from.
func fuzzCorpus() throws -> [(name: String, bytes: [UInt8])] {
    let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    var files = ["seed-routing.rules", "all-constructs.rules"].map { tests.appendingPathComponent("Fixtures/\($0)") }
    let playbook = tests.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("rules")
    if let names = try? FileManager.default.contentsOfDirectory(atPath: playbook.path) {
        files += names.filter { $0.hasSuffix(".rules") }.sorted().map { playbook.appendingPathComponent($0) }
    }
    return try files.map { ($0.lastPathComponent, Array(try Data(contentsOf: $0))) }
}

/// One generated input and how it was made, for the failure message.
struct FuzzInput {
    var kind: String
    var bytes: [UInt8]
}

/// The generators; each draws everything from the one generator it is given.
struct FuzzInputs {
    let corpus: [(name: String, bytes: [UInt8])]

    func make(iteration: Int, seed: UInt64) -> FuzzInput {
        var rng = FuzzRandom(seed: seed, iteration: iteration)
        switch iteration % 4 {
        case 0: return FuzzInput(kind: "random bytes", bytes: randomBytes(&rng))
        case 1: return FuzzInput(kind: "token soup", bytes: tokenSoup(&rng))
        default:
            let source = rng.pick(corpus)
            return FuzzInput(kind: "mutation of \(source.name)", bytes: mutate(source.bytes, &rng))
        }
    }

    func randomBytes(_ rng: inout FuzzRandom) -> [UInt8] {
        let count = rng.below(600)
        if rng.chance(50) {
            return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        }
        // Bytes the lexer treats specially, often enough to matter.
        let special = Array(" \n\n\t\r\"'#()[]\\:=-".utf8) + [0, 0x80, 0xC3, 0xE2, 0xFF]
        return (0..<count).map { _ in rng.chance(40) ? rng.pick(special) : UInt8(0x20 + rng.below(0x5F)) }
    }

    // Sorted: a Set's order changes from run to run, which would break replay.
    static let words: [String] = Keywords.reserved.sorted() + [
        "ASSIGN", "TO", "PRIORITY", "DIAL_MODE", "CALL", "WITHIN", "NURTURE", "MAX", "BY", "DEFAULT", "CALLBACK",
        "RETRY", "PER", "EMAIL", "EVERY", "SMS", "HANDOFF", "CLOSE", "CONVERT", "BLOCK", "PHONE", "ALL", "REMOVE",
        "FROM", "FLAG", "ESCALATE", "RELEASE", "NOW", "AT", "NEXT", "AVAILABLE", "DAY", "DAYS", "WEEK", "EXIT",
        "HOURS", "GRADUATE", "FOR", "STRING", "NUMBER", "BOOL", "TIME", "DURATION", "COUNTRY", "MON", "FRI",
        "lead_score", "lead_age", "country", "event", "x", "count", "seen", "eu", "q", "when", "If",
    ]
    static let literals: [String] = [
        "0", "12", "3.5", "40-69", "99999999999999999999", "15m", "1.5h", "250ms", "2w",
        "99999999999999999999w", "09:00", "24:00", "25:00", "9:5", "\"German\"", "\"\"", "\"a\\\"b\"",
        "\"\\q\"", "\"open", "'single'", "10x", "TRUE", "false",
    ]
    static let punctuation: [String] = [
        "=", "!=", "<>", "<", "<=", ">", ">=", "==", "=>", "+", "-", "(", ")", "[", "]", ",", ":", ";", ".",
        "?", "!", "$", "@", "é", "# comment", "\u{0}", "\u{FEFF}",
    ]
    static let layout: [String] = ["\n", "\n    ", "\n        ", "\n\t", "\r\n", "\n  ", "\n\n", "\n \t"]

    func tokenSoup(_ rng: inout FuzzRandom) -> [UInt8] {
        var out: [UInt8] = []
        for _ in 0..<rng.below(120) {
            let roll = rng.below(100)
            let piece = roll < 45 ? rng.pick(Self.words)
                : roll < 65 ? rng.pick(Self.literals)
                : roll < 88 ? rng.pick(Self.punctuation)
                : rng.pick(Self.layout)
            out += piece.utf8
            if rng.chance(85) { out.append(UInt8(ascii: " ")) }
        }
        if rng.chance(5) { out.append(0xFF) }
        return out
    }

    func mutate(_ source: [UInt8], _ rng: inout FuzzRandom) -> [UInt8] {
        var lines = window(of: source, &rng)
        for _ in 0..<(1 + rng.below(4)) {
            switch rng.below(8) {
            case 0: flipByte(&lines, &rng)
            case 1: deleteRange(&lines, &rng)
            case 2: duplicateRange(&lines, &rng)
            case 3: spliceLines(&lines, &rng)
            case 4: reindent(&lines, &rng)
            case 5: insertPiece(&lines, &rng)
            case 6: swapLines(&lines, &rng)
            default: truncate(&lines, &rng)
            }
        }
        return lines.flatMap { $0 }
    }

    /// Up to 60 consecutive lines, each keeping its line end.
    func window(of source: [UInt8], _ rng: inout FuzzRandom) -> [[UInt8]] {
        let lines = source.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { Array($0) + [UInt8(ascii: "\n")] }
        let start = rng.below(lines.count)
        return Array(lines[start..<min(lines.count, start + 1 + rng.below(60))])
    }

    private func flipByte(_ lines: inout [[UInt8]], _ rng: inout FuzzRandom) {
        let l = rng.below(lines.count)
        guard !lines[l].isEmpty else { return }
        let interesting: [UInt8] = Array(" \t\r\n\"#([:=-\\".utf8) + [0, 0xC3, 0xFF]
        lines[l][rng.below(lines[l].count)] = rng.chance(50) ? rng.pick(interesting) : UInt8(truncatingIfNeeded: rng.next())
    }

    private func deleteRange(_ lines: inout [[UInt8]], _ rng: inout FuzzRandom) {
        var flat = lines.flatMap { $0 }
        guard !flat.isEmpty else { return }
        let start = rng.below(flat.count)
        flat.removeSubrange(start..<min(flat.count, start + 1 + rng.below(20)))
        lines = [flat]
    }

    private func duplicateRange(_ lines: inout [[UInt8]], _ rng: inout FuzzRandom) {
        var flat = lines.flatMap { $0 }
        guard !flat.isEmpty else { return }
        let start = rng.below(flat.count)
        let piece = flat[start..<min(flat.count, start + 1 + rng.below(40))]
        flat.insert(contentsOf: piece, at: rng.below(flat.count + 1))
        lines = [flat]
    }

    private func spliceLines(_ lines: inout [[UInt8]], _ rng: inout FuzzRandom) {
        let other = window(of: rng.pick(corpus).bytes, &rng)
        let taken = other.prefix(1 + rng.below(8))
        lines.insert(contentsOf: taken, at: rng.below(lines.count + 1))
    }

    private func reindent(_ lines: inout [[UInt8]], _ rng: inout FuzzRandom) {
        let l = rng.below(lines.count)
        let body = lines[l].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        let indent = rng.pick(["", " ", "  ", "    ", "      ", "        ", "\t", " \t", "\t  "])
        lines[l] = Array(indent.utf8) + body
    }

    private func insertPiece(_ lines: inout [[UInt8]], _ rng: inout FuzzRandom) {
        let l = rng.below(lines.count)
        let piece = rng.pick(Self.words + Self.literals + Self.punctuation + Self.layout)
        lines[l].insert(contentsOf: Array((" " + piece + " ").utf8), at: rng.below(lines[l].count + 1))
    }

    private func swapLines(_ lines: inout [[UInt8]], _ rng: inout FuzzRandom) {
        lines.swapAt(rng.below(lines.count), rng.below(lines.count))
    }

    private func truncate(_ lines: inout [[UInt8]], _ rng: inout FuzzRandom) {
        let flat = lines.flatMap { $0 }
        lines = [Array(flat.prefix(rng.below(flat.count + 1)))]
    }
}

@Suite struct FuzzTests {
    @Test(.timeLimit(.minutes(10)))
    func fuzzedInputsNeverCrashHangOrMisplaceDiagnostics() throws {
        let inputs = FuzzInputs(corpus: try fuzzCorpus())
        #expect(inputs.corpus.count >= 2)
        let seed = FuzzSettings.seed
        let iterations = FuzzSettings.only.map { [$0] } ?? Array(0..<max(0, FuzzSettings.iterations))
        var failures = 0
        for iteration in iterations {
            let input = inputs.make(iteration: iteration, seed: seed)
            if FuzzSettings.verbose { print("fuzz seed \(seed) iteration \(iteration): \(input.kind), \(input.bytes.count) bytes") }
            let problems = invariantViolations(input.bytes, path: "fuzz-\(iteration).rules")
            guard !problems.isEmpty else { continue }
            failures += 1
            let saved = FileManager.default.temporaryDirectory.appendingPathComponent("leadrules-fuzz-\(seed)-\(iteration).rules")
            try? Data(input.bytes).write(to: saved)
            Issue.record("""
                fuzz seed \(seed) iteration \(iteration) (\(input.kind)) broke: \(problems.prefix(5).joined(separator: "; "))
                input saved to \(saved.path); replay with FUZZ_SEED=\(seed) FUZZ_ONLY=\(iteration)
                """)
            if failures >= 10 { break }
        }
    }

    @Test func generatorIsReproducible() {
        var a = FuzzRandom(seed: 42)
        var b = FuzzRandom(seed: 42)
        #expect((0..<100).map { _ in a.next() } == (0..<100).map { _ in b.next() })
        // The published first output of SplitMix64 seeded with 0.
        var zero = FuzzRandom(seed: 0)
        #expect(zero.next() == 0xE220_A839_7B1D_CDAF)
        let inputs = FuzzInputs(corpus: [("tiny", Array("IF x:\n    ASSIGN TO q\n".utf8))])
        for iteration in 0..<8 {
            #expect(inputs.make(iteration: iteration, seed: 7).bytes == inputs.make(iteration: iteration, seed: 7).bytes)
        }
        #expect(inputs.make(iteration: 1, seed: 7).bytes != inputs.make(iteration: 1, seed: 8).bytes)
    }
}
