// Issue 2, "Bad input": any byte sequence gets diagnostics, never a crash or
// a hang. Each case here goes through `Parser.parse`; small inputs also
// through `invariantViolations` (lexer, parser and compiler). The compile-level
// twin of this file is Tests/RulesCompilerTests/BadInputTests.swift.
import Foundation
import Testing
@testable import RulesLanguage

func fixtureBytes(_ name: String) throws -> [UInt8] {
    Array(try Data(contentsOf: fixtureURL(name)))
}

func parse(bytes: [UInt8]) -> Parser.Result {
    Parser.parse(SourceFile(path: "bad.rules", bytes: bytes))
}

func codes(_ r: Parser.Result) -> [String] { r.diagnostics.sorted().map(\.code) }

/// `text` with every LF replaced by CRLF.
func crlf(_ bytes: [UInt8]) -> [UInt8] {
    bytes.flatMap { $0 == UInt8(ascii: "\n") ? [UInt8(ascii: "\r"), $0] : [$0] }
}

@Suite struct BadInputTests {
    @Test func emptyFileIsFine() {
        let r = parse(bytes: [])
        #expect(codes(r) == [])
        #expect(r.rulesFile.decls.isEmpty)
        #expect(invariantViolations([]) == [])
    }

    @Test(arguments: ["# only a comment", "# one\n\n   # two\n\t# three\n", "\u{FEFF}# bom\r\n# crlf\r\n", "\n\n\n", "   "])
    func fileOfOnlyCommentsAndBlankLinesHasNoDiagnostics(_ text: String) {
        let r = parse(text)
        #expect(codes(r) == [])
        #expect(r.rulesFile.decls.isEmpty)
        #expect(r.rulesFile.comments.count == text.filter { $0 == "#" }.count)
        #expect(invariantViolations(Array(text.utf8)) == [])
    }

    @Test(arguments: [1, 2, 3, 4])
    func binaryJunkWithNulBytesGetsErrors(_ seed: UInt64) {
        var rng = FuzzRandom(seed: seed)
        let junk = (0..<65_536).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        #expect(junk.contains(0))
        let r = parse(bytes: junk)
        #expect(r.diagnostics.hasErrors)
        #expect(invariantViolations(junk) == [])
    }

    @Test func everyNonUTF8ByteIsE008InCodeStringsAndComments() {
        let high = (0x80...0xFF).map { UInt8($0) }
        let inCode = high.flatMap { [$0, UInt8(ascii: " ")] }
        let inStrings = Array("QUEUE q \"".utf8) + inCode + Array("\"\n".utf8)
        let inComment = Array("# ".utf8) + inCode
        for (place, bytes, decls) in [("code", inCode, 0), ("strings", inStrings, 1), ("comments", inComment, 0)] {
            let r = parse(bytes: bytes)
            // Stray continuation bytes, lead bytes cut short by the space and
            // bytes that never occur in UTF-8: each of the 128 is one E008.
            #expect(codes(r).filter { $0 == "E008" }.count == 128, "\(place)")
            #expect(codes(r).allSatisfy { $0 == "E008" }, "\(place)")
            #expect(r.rulesFile.decls.count == decls, "\(place)")
            #expect(invariantViolations(bytes) == [], "\(place)")
        }
    }

    @Test func latin1TextIsE008AtTheExactByte() {
        // "Équipe" saved as Latin-1: É is the single byte 0xC9.
        let bytes = Array("QUEUE fr_desk \"".utf8) + [0xC9] + Array("quipe\"\n".utf8)
        let r = parse(bytes: bytes)
        #expect(r.diagnostics.sorted().map { "\($0.range.start)..<\($0.range.end) \($0.code) \($0.message)" }
            == ["15..<16 E008 invalid UTF-8 byte 0xC9 in string"])
        #expect(r.rulesFile.decls.count == 1)
    }

    @Test func tenMegabyteFileParsesCompletely() throws {
        let unit = try fixtureBytes("all-constructs.rules") + [UInt8(ascii: "\n")]
        let copies = 10_000_000 / unit.count + 1
        var bytes: [UInt8] = []
        bytes.reserveCapacity(copies * unit.count)
        for _ in 0..<copies { bytes += unit }
        let r = parse(bytes: bytes)
        #expect(codes(r) == [])
        #expect(r.rulesFile.decls.count == 34 * copies)
    }

    @Test func deeplyIndentedLinesDoNotOverflow() {
        var staircase = ""
        for level in 0..<1_000 { staircase += String(repeating: " ", count: level) + "IF x:\n" }
        let ifs = parse(staircase + "QUEUE after\n")
        // The nested IF is not a route statement: one error, the rest skipped.
        #expect(messages(ifs) == ["2:2 E100 expected ASSIGN TO, PRIORITY = or DIAL_MODE =, found 'IF'"])
        #expect(ifs.rulesFile.decls.map(shape) == ["IF x {}", "QUEUE after"])

        var queues = ""
        for level in 0..<1_000 { queues += String(repeating: " ", count: level) + "QUEUE q\(level)\n" }
        let r = parse(queues + "QUEUE after")
        #expect(messages(r) == ["2:2 E102 unexpected indentation"])
        #expect(r.rulesFile.decls.map(shape) == ["QUEUE q0", "QUEUE after"])
        #expect(invariantViolations(Array(queues.utf8)) == [])
    }

    /// macOS gives threads other than the main one 512 KB of stack, and a
    /// debug build spends several KB per nesting level: the E107 limit must
    /// be reached before the stack runs out, on every recursive path, even
    /// from the most deeply nested statement (an action in a cadence trigger).
    @Test func deepestInputFitsInA512KilobyteThreadStack() {
        let shapes = ["(", "x = (", "[", "f(", "x BETWEEN (", "x NOT IN (", "event.x = (", "NOT ", "-", "x OR ("]
        let results = Results()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            for shape in shapes {
                let deep = String(repeating: shape, count: 10_000)
                let r = Parser.parse(SourceFile(path: "deep.rules", text: """
                    CADENCE c DAYS 1-2:
                        ON e:
                            CALLBACK IN (\(deep)
                    TIER t WHEN \(deep): NURTURE
                    """))
                results.append("\(shape): \(r.diagnostics.sorted().map(\.code))")
            }
            done.signal()
        }
        thread.stackSize = 512 * 1024
        thread.start()
        done.wait()
        #expect(results.values == shapes.map { "\($0): [\"E107\", \"E107\"]" })
    }

    @Test func tabsMixedWithSpacesAreReportedPerLineAndParsingGoesOn() {
        let r = parse("IF x:\n\t    ASSIGN TO q\n    \tPRIORITY = p\nQUEUE after\n")
        #expect(messages(r) == [
            "2:1 E006 indentation mixes tabs and spaces",
            "3:1 E006 indentation mixes tabs and spaces",
        ])
        #expect(r.rulesFile.decls.map(shape) == ["IF x {ASSIGN TO q; PRIORITY = p}", "QUEUE after"])
    }

    @Test(arguments: ["seed-routing.rules", "all-constructs.rules"])
    func crlfByteOrderMarkAndMissingFinalNewlineChangeNothing(_ name: String) throws {
        let lf = try fixtureBytes(name)
        let expected = parse(bytes: lf).rulesFile.decls.map(shape)
        var trimmed = lf
        while trimmed.last == UInt8(ascii: "\n") { trimmed.removeLast() }
        let variants: [(String, [UInt8])] = [
            ("CRLF", crlf(lf)), ("no final newline", trimmed), ("CRLF, no final newline", crlf(trimmed)),
            ("BOM", [0xEF, 0xBB, 0xBF] + lf), ("mixed line ends", crlf(Array(lf.prefix(lf.count / 2))) + lf.dropFirst(lf.count / 2)),
        ]
        for (variant, bytes) in variants {
            let r = parse(bytes: bytes)
            #expect(codes(r) == [], "\(variant)")
            #expect(r.rulesFile.decls.map(shape) == expected, "\(variant)")
            #expect(invariantViolations(bytes) == [], "\(variant)")
        }
    }

    @Test(arguments: ["IF x:", "IF x:\n    ASSIGN TO", "QUEUE q \"open", "LIST l = [1,\n  2", "TIER t WHEN (x", "ON e: CALLBACK IN",
                      "EVENT e(a:", "CALLING HOURS MON-", "# comment", "IF x:\n    ASSIGN TO q\n        "])
    func fileEndingMidConstructGetsOneErrorAtMost(_ text: String) {
        let r = parse(text)
        #expect(codes(r).count <= 1)
        #expect(invariantViolations(Array(text.utf8)) == [])
    }

    @Test func keywordUsedAsNameIsE101AndTheDeclarationIsKept() {
        let r = parse("FIELD tier: STRING\nQUEUE And\nEVENT lead(where: STRING)\n")
        #expect(codes(r) == ["E101", "E101", "E101"])
        #expect(r.rulesFile.decls.map(shape) == ["FIELD tier: STRING", "QUEUE And", "EVENT lead(where: STRING)"])
    }

    @Test func lineOfOneMegabyte() {
        let mb = 1 << 20
        let name = String(repeating: "a", count: mb)
        #expect(codes(parse("QUEUE \(name)\nQUEUE b")) == [])
        #expect(codes(parse("QUEUE q \"\(String(repeating: "x", count: mb))\"\nQUEUE b")) == [])
        #expect(codes(parse("# \(String(repeating: "é", count: mb / 2))\nQUEUE b")) == [])
        #expect(codes(parse("LIST l = [\(Array(repeating: "1", count: mb / 3).joined(separator: ", "))]")) == [])
        #expect(codes(parse("TIER t WHEN \(Array(repeating: "1", count: mb / 2).joined(separator: "+")): NURTURE")) == ["E107"])
        let unknown = parse(name)
        #expect(codes(unknown) == ["E104"])
        #expect(unknown.diagnostics.sorted().first?.range == SourceRange(start: 0, end: mb))

        let dollars = parse(String(repeating: "$", count: mb))
        #expect(dollars.diagnostics.items.count == dollars.diagnostics.limit)
        #expect(dollars.diagnostics.dropped == mb - dollars.diagnostics.limit)
        #expect(codes(dollars).allSatisfy { $0 == "E001" })
    }

    @Test func nulBytesInsideStringsAndCommentsAreKept() {
        let r = parse(bytes: Array("QUEUE q \"a".utf8) + [0] + Array("b\" # c".utf8) + [0] + Array("d\n".utf8))
        #expect(codes(r) == [])
        guard case .queue(let q)? = r.rulesFile.decls.first else {
            Issue.record("expected a QUEUE")
            return
        }
        #expect(q.description?.value == "a\u{0}b")
    }
}

/// Lines written by another thread, read after it signalled completion.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var values: [String] { lock.withLock { lines } }
}

/// The header's column and the caret come from the same decoding: a stray
/// continuation byte shows as one replacement character and counts as one
/// column, a cut-short sequence as one, a valid multi-byte scalar as one.
@Test(arguments: [
    ([UInt8]([0x80]), 1), ([0xE2, 0x82], 1), ([0xE2, 0x82, 0xAC], 1), ([0x80, 0x80], 2), ([0xC0, 0x80], 2),
])
func columnCountsInvalidBytesAsTheReplacementCharactersPrinted(middle: [UInt8], shown: Int) {
    let bytes = Array("a ".utf8) + middle + Array(" b\n".utf8)
    let file = SourceFile(path: "t.rules", bytes: bytes)
    let offsetOfB = bytes.count - 2
    let printed = file.lineText(1)
    let caretColumn = printed.unicodeScalars.firstIndex(of: "b").map { printed.unicodeScalars.distance(from: printed.unicodeScalars.startIndex, to: $0) + 1 }
    #expect(file.location(of: offsetOfB).column == 2 + shown + 2)
    #expect(file.location(of: offsetOfB).column == caretColumn)
}
