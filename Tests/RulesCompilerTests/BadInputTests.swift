// Issue 2, "Bad input", at the compiler's front door: what `rules check`
// sees. Every bad input gets errors and no program (so exit 1), never a crash
// or a hang; diagnostics stay inside their file and come sorted.
import Foundation
import RulesCompiler
import RulesLanguage
import Testing

private func compile(_ bytes: [UInt8], path: String = "bad.rules") -> CompileResult {
    Compiler.compile([SourceFile(path: path, bytes: bytes)])
}

private func compile(_ text: String) -> CompileResult { compile(Array(text.utf8)) }

/// Broken promises of a result: diagnostics outside their file, out of
/// order, or without code and message; a program despite errors.
private func problems(_ result: CompileResult) -> [String] {
    var found: [String] = []
    for (i, d) in result.diagnostics.enumerated() {
        if d.range.start < 0 || d.range.start > d.range.end || d.range.end > d.file.bytes.count {
            found.append("\(d.code) at \(d.range) outside \(d.file.path)")
        }
        if i > 0, case let p = result.diagnostics[i - 1], (p.file.path, p.range.start) > (d.file.path, d.range.start) {
            found.append("\(d.code) at \(d.range) sorted after \(p.code) at \(p.range)")
        }
        if d.code.isEmpty || d.message.isEmpty { found.append("diagnostic at \(d.range) without code or message") }
    }
    if (result.program == nil) != (result.errorCount > 0) { found.append("program and error count disagree") }
    return found
}

private func codes(_ result: CompileResult) -> Set<String> { Set(result.diagnostics.map(\.code)) }

/// 64 KB from a fixed seed (SplitMix64), NUL bytes included.
private func junk(seed: UInt64, count: Int) -> [UInt8] {
    var random = SplitMix64(seed: seed)
    return (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
}

private let seedRouting: [UInt8] = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/seed-routing.rules")
    return (try? Data(contentsOf: url)).map { Array($0) } ?? []
}()

/// A bad input and a diagnostic code it must produce.
private let badInputs: [(name: String, bytes: [UInt8], code: String)] = [
    ("binary junk", junk(seed: 1, count: 65_536), "E001"),
    ("invalid UTF-8", (0x80...0xFF).flatMap { [UInt8($0), 0x20] }, "E008"),
    ("10,000 nested parentheses",
     Array(("TIER t WHEN " + String(repeating: "(", count: 10_000) + "x" + String(repeating: ")", count: 10_000)
            + ": NURTURE").utf8), "E107"),
    ("10,000 nested NOT", Array(("TIER t WHEN " + String(repeating: "NOT ", count: 10_000) + "x: NURTURE").utf8), "E107"),
    ("100,000 unary minus", Array(("TIER t WHEN " + String(repeating: "-", count: 100_000) + "x: NURTURE").utf8), "E107"),
    ("100,000 OR", Array(("IF " + Array(repeating: "x", count: 100_000).joined(separator: " OR ") + ":\n    ASSIGN TO q").utf8),
     "E107"),
    ("1000 indentation levels", Array((0..<1_000).map { String(repeating: " ", count: $0) + "QUEUE q\n" }.joined().utf8), "E102"),
    ("tabs mixed with spaces", Array("IF x:\n\t    ASSIGN TO q\n".utf8), "E006"),
    ("keyword as a name", Array("FIELD tier: STRING\n".utf8), "E101"),
    ("line of 1 MB", Array(String(repeating: "$", count: 1 << 20).utf8), "E001"),
    ("unterminated string at the end", Array("QUEUE q \"open".utf8), "E002"),
]

@Suite struct CompilerBadInputTests {
    @Test(arguments: ["", "# only comments\n# here", "\n\n  \n", "\u{FEFF}"])
    func emptyOrCommentOnlyFileCompilesWithoutErrors(_ text: String) {
        let result = compile(text)
        #expect(result.errorCount == 0)
        #expect(result.program != nil)
        #expect(problems(result) == [])
    }

    @Test func everyBadInputGetsErrorsAndNoProgram() {
        for input in badInputs {
            let result = compile(input.bytes, path: "\(input.name).rules")
            #expect(result.errorCount > 0, "\(input.name)")
            #expect(result.program == nil, "\(input.name)")
            #expect(codes(result).contains(input.code), "\(input.name)")
            #expect(problems(result) == [], "\(input.name)")
        }
    }

    @Test func tenMegabytesOfMostlyBadLinesAreCappedNotFatal() {
        let lines = ["QUEUE ok\n", "FOO bar $ baz (\n", "IF x:\n    ASSIGN TO q\n", "TIER t WHEN == : CALL\n", "\t  QUEUE x\n"]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10_100_000)
        var i = 0
        while bytes.count < 10_000_000 {
            bytes += lines[i % lines.count].utf8
            i += 1
        }
        let result = compile(bytes)
        #expect(result.program == nil)
        #expect(result.diagnostics.count <= 10_000)
        #expect(result.dropped > 0)
        #expect(result.errorCount == result.diagnostics.count + result.dropped)
        #expect(problems(result) == [])
    }

    @Test func lineEndsByteOrderMarkAndFinalNewlineDoNotChangeTheDiagnostics() {
        func summary(_ r: CompileResult) -> [String] { r.diagnostics.map { "\($0.location) \($0.code) \($0.message)" } }
        var trimmed = seedRouting
        while trimmed.last == UInt8(ascii: "\n") { trimmed.removeLast() }
        #expect(!seedRouting.isEmpty)
        let expected = summary(compile(seedRouting))
        let crlf = seedRouting.flatMap { $0 == UInt8(ascii: "\n") ? [UInt8(ascii: "\r"), $0] : [$0] }
        for (variant, bytes) in [("CRLF", crlf), ("no final newline", trimmed), ("BOM", [0xEF, 0xBB, 0xBF] + seedRouting)] {
            let result = compile(bytes)
            #expect(summary(result) == expected, "\(variant)")
            #expect(problems(result) == [], "\(variant)")
        }
    }

    @Test func diagnosticsOfSeveralFilesComeSortedByFileThenPosition() {
        let files = [
            SourceFile(path: "b.rules", text: "QUEUE $\nFOO\n"),
            SourceFile(path: "a.rules", text: "QUEUE ok\nTIER t WHEN x == 1: NURTURE\n"),
            SourceFile(path: "c.rules", bytes: [0xFF]),
        ]
        let result = Compiler.compile(files)
        #expect(result.diagnostics.map { "\($0.file.path):\($0.location) \($0.code)" }
            == ["a.rules:2:15 E108", "b.rules:1:7 E001", "b.rules:2:1 E104", "c.rules:1:1 E008"])
        #expect(result.program == nil)
        #expect(problems(result) == [])
    }
}
