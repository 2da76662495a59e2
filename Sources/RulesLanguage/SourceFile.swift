// A source file is bytes plus a table of line starts. Positions everywhere in
// the front end are byte offsets into `bytes`; line and column are computed
// only when something is printed (the go/token model).

/// One rules file, held as raw bytes so that invalid UTF-8 can be reported
/// at its exact position instead of being silently replaced.
public final class SourceFile: Sendable {
    /// The path as the user gave it; used verbatim in diagnostics.
    public let path: String
    public let bytes: [UInt8]
    /// Byte offset of the first byte of each line (line 1 starts at 0).
    public let lineStarts: [Int]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
            starts.append(i + 1)
        }
        self.lineStarts = starts
    }

    public convenience init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// The 1-based line containing `offset`.
    public func line(of offset: Int) -> Int {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo + 1
    }

    /// 1-based line and column; the column counts Unicode scalars, not bytes,
    /// so a caret lines up under non-ASCII text.
    public func location(of offset: Int) -> SourceLocation {
        let line = line(of: offset)
        var start = lineStarts[line - 1]
        // A byte-order mark is not a character the user can see.
        if line == 1, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            start = min(3, offset)
        }
        let end = max(start, min(offset, bytes.count))
        // Decode the way `lineText` does, so invalid bytes count as the
        // replacement characters the printed line shows and the header's
        // column agrees with the caret.
        let scalars = String(decoding: bytes[start..<end], as: UTF8.self).unicodeScalars.count
        return SourceLocation(line: line, column: scalars + 1)
    }

    /// The text of a 1-based line without its line terminator; invalid UTF-8
    /// is shown as U+FFFD.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        var start = lineStarts[line - 1]
        if line == 1, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The source text covered by a range, decoded leniently.
    public func text(_ range: SourceRange) -> String {
        let lo = max(0, min(range.start, bytes.count))
        let hi = max(lo, min(range.end, bytes.count))
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }
}

/// A half-open byte range `[start, end)` within one source file.
public struct SourceRange: Hashable, Sendable, Comparable {
    public var start: Int
    public var end: Int
    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
    public static func < (a: SourceRange, b: SourceRange) -> Bool {
        (a.start, a.end) < (b.start, b.end)
    }
    /// The smallest range covering both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(start: min(start, other.start), end: max(end, other.end))
    }
    public static let empty = SourceRange(start: 0, end: 0)
}

/// A printable 1-based line and column.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var description: String { "\(line):\(column)" }
}
