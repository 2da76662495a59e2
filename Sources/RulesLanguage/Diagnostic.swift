// Diagnostics are values, collected (never thrown) by every stage, then
// sorted, de-duplicated and rendered in one place (go/scanner.ErrorList).

public enum Severity: String, Sendable, Hashable, Comparable {
    case error, warning, note

    private var rank: Int {
        switch self {
        case .error: 0
        case .warning: 1
        case .note: 2
        }
    }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One finding about a rules file: where, how bad, which code, and what to do.
public struct Diagnostic: Sendable, Hashable {
    public var file: SourceFile
    public var range: SourceRange
    public var severity: Severity
    /// Stable code such as `E104`; documented in docs/LANGUAGE.md.
    public var code: String
    public var message: String
    /// Extra lines such as "did you mean 'GB'?".
    public var notes: [String]

    public init(file: SourceFile, range: SourceRange, severity: Severity, code: String,
                message: String, notes: [String] = []) {
        self.file = file
        self.range = range
        self.severity = severity
        self.code = code
        self.message = message
        self.notes = notes
    }

    public var location: SourceLocation { file.location(of: range.start) }

    public static func == (a: Diagnostic, b: Diagnostic) -> Bool {
        a.file === b.file && a.range == b.range && a.severity == b.severity
            && a.code == b.code && a.message == b.message && a.notes == b.notes
    }
    public func hash(into h: inout Hasher) {
        h.combine(ObjectIdentifier(file))
        h.combine(range)
        h.combine(code)
        h.combine(message)
    }
}

/// Collects diagnostics for one run, bounded so that a 10 MB file of junk
/// cannot exhaust memory: past `limit` only a count is kept.
public struct DiagnosticBag: Sendable {
    public private(set) var items: [Diagnostic] = []
    /// Diagnostics dropped because `limit` was reached.
    public private(set) var dropped = 0
    public let limit: Int

    public init(limit: Int = 10_000) { self.limit = limit }

    public mutating func append(_ d: Diagnostic) {
        if items.count < limit { items.append(d) } else { dropped += 1 }
    }

    public mutating func append(contentsOf other: DiagnosticBag) {
        for d in other.items { append(d) }
        dropped += other.dropped
    }

    public var errorCount: Int { items.filter { $0.severity == .error }.count }
    public var warningCount: Int { items.filter { $0.severity == .warning }.count }
    public var hasErrors: Bool { items.contains { $0.severity == .error } || dropped > 0 }

    /// Sorted by file, position, then severity; exact duplicates removed.
    public func sorted() -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return items.sorted { a, b in
            if a.file.path != b.file.path { return a.file.path < b.file.path }
            if a.range.start != b.range.start { return a.range.start < b.range.start }
            if a.severity != b.severity { return a.severity < b.severity }
            return a.code < b.code
        }.filter { seen.insert($0).inserted }
    }
}
