// The semantic checker: resolves names over all files at once, type-checks
// every expression, checks domain values, runs the lints, and keeps what it
// learns in side tables keyed by node id (go/types' Types and Uses) for the
// lowering into a Program.
//
// Passes, in order:
//   1. collect  (Declarations.swift) — the symbol table, duplicates, declared types
//   2. check    (Statements.swift, Actions.swift, Expressions.swift) — every declaration
//   3. lint     (ScoreLints.swift, RouteLints.swift, Lints.swift) — warnings
// Every pass runs even after errors; an expression of type `error` was
// already reported and silences whatever would follow from it.

import RulesLanguage

struct Checker {
    let files: [RulesFile]
    /// Parsing reported errors: findings about something missing are then
    /// most likely cascades of a declaration the parser could not read.
    let parseFailed: Bool

    var symbols = SymbolTable()
    var bag = DiagnosticBag()
    /// The type of every checked expression.
    var types: NodeTable<RuleType>
    /// What every name in an expression refers to.
    var names: NodeTable<ResolvedName>
    var usage = Usage()
    /// LISTs tested against a COUNTRY value; their items are checked as ISO codes.
    var countryLists: Set<String> = []

    struct Usage {
        var lists: Set<String> = []
        var tables: Set<String> = []
        var queues: Set<String> = []
        var templates: Set<String> = []
    }

    /// Where an expression is being checked.
    struct Context {
        let file: SourceFile
        /// The event handled by the enclosing ON trigger or DISPOSITION (it
        /// may be undeclared, which was reported at the trigger); nil
        /// elsewhere, where `event.<field>` is an error.
        var event: String?
    }

    /// Every declaration of the playbook with its file, in order.
    let allDecls: [(decl: Decl, file: SourceFile)]

    /// How many node ids the parser handed out (ids are 0..<nodeCount).
    let nodeCount: Int

    init(files: [RulesFile], parseFailed: Bool, nodeCount: Int) {
        self.files = files
        self.parseFailed = parseFailed
        self.nodeCount = nodeCount
        self.allDecls = files.flatMap { f in f.decls.map { ($0, f.file) } }
        types = NodeTable(count: nodeCount)
        names = NodeTable(count: nodeCount)
    }

    /// Runs every pass over the playbook.
    static func check(_ files: [RulesFile], parseFailed: Bool, nodeCount: Int) -> Checker {
        var checker = Checker(files: files, parseFailed: parseFailed, nodeCount: nodeCount)
        checker.collect()
        checker.checkDeclarations()
        checker.lint()
        return checker
    }

    /// "Did you mean" for an undefined name. Skipped after parse errors,
    /// when undefined-name findings are dropped anyway: with many names it is
    /// the costliest part of a report.
    func suggest(_ name: String, among candidates: some Sequence<String>) -> String? {
        parseFailed ? nil : Suggestion.closest(to: name, among: candidates)
    }

    mutating func report(_ message: Message, _ range: SourceRange, in file: SourceFile) {
        if parseFailed && message.aboutAbsence { return }
        bag.append(Diagnostic(file: file, range: range, severity: message.severity, code: message.code,
                              message: message.text, notes: message.notes))
    }

    mutating func report(_ message: Message, at ref: SourceRef) {
        report(message, ref.range, in: ref.file)
    }
}

/// The value of a literal expression (negative numbers and durations included).
func literalValue(_ e: Expr) -> LiteralValue? {
    switch e.kind {
    case .string(let s): return .string(s)
    case .number(let n): return .number(n)
    case .bool(let b): return .bool(b)
    case .duration(let ms, _): return .duration(ms)
    case .negate(let inner):
        switch inner.kind {
        case .number(let n): return .number(-n)
        case .duration(let ms, _): return .duration(-ms)
        default: return nil
        }
    default: return nil
    }
}

extension LiteralValue {
    var type: RuleType {
        switch self {
        case .string: .string
        case .number: .number
        case .bool: .bool
        case .duration: .duration
        }
    }
}

/// The value of a duration written with literals, `+`, `-` and negation; nil
/// when it depends on the lead or the event.
func constantDuration(_ e: Expr) -> Int64? {
    switch e.kind {
    case .duration(let ms, _): return ms
    case .negate(let inner): return constantDuration(inner).map { 0 &- $0 }
    case .binary(.add, let a, let b):
        guard let x = constantDuration(a), let y = constantDuration(b) else { return nil }
        return x &+ y
    case .binary(.subtract, let a, let b):
        guard let x = constantDuration(a), let y = constantDuration(b) else { return nil }
        return x &- y
    default: return nil
    }
}

/// A number as written in messages: `40`, `2.5`.
func formatNumber(_ n: Double) -> String {
    if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
    return String(n)
}

/// A duration as written in messages: `0s`, `-15m`, `250ms`.
func formatDuration(_ ms: Int64) -> String {
    let sign = ms < 0 ? "-" : ""
    let v = ms.magnitude
    for (unit, size) in [("w", UInt64(604_800_000)), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
    where v >= size && v % size == 0 {
        return "\(sign)\(v / size)\(unit)"
    }
    return v == 0 ? "0s" : "\(sign)\(v)ms"
}

/// A time of day as written: `09:00`.
func formatTime(_ minutes: Int) -> String {
    let h = minutes / 60, m = minutes % 60
    return (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)"
}
