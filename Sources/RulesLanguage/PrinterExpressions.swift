// Expressions and literals in canonical form. The parser drops parentheses
// (they are layout only), so the printer puts back exactly those that the
// precedence of the surrounding operator needs:
//
//     OR < AND < NOT < comparison (= != < <= > >= IN BETWEEN range) < + - < unary -
//
// Binary operators are left-associative, so a right operand of the same
// level keeps its parentheses: `a - (b - c)` stays, `(a - b) - c` loses them.
// Comparisons do not chain: both sides of one are sums.

enum Precedence {
    static let or = 1
    static let and = 2
    static let not = 3
    static let comparison = 4
    static let sum = 5
    static let unary = 6
    static let primary = 7
    /// Any expression at all (a condition, a list item, a call argument).
    static let any = or
}

extension BinaryOperator {
    var precedence: Int {
        switch self {
        case .or: Precedence.or
        case .and: Precedence.and
        case .add, .subtract: Precedence.sum
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: Precedence.comparison
        }
    }
}

enum ExprPrinter {
    /// The canonical text of `expr` in a position that parses at least
    /// `minimum` precedence (e.g. `Precedence.sum` after `IN` in a timing).
    static func text(_ expr: Expr, minimum: Int = Precedence.any) -> String {
        let (body, level) = unparenthesized(expr)
        return level < minimum ? "(\(body))" : body
    }

    /// The text of `expr` without outer parentheses, and its precedence.
    static func unparenthesized(_ expr: Expr) -> (String, Int) {
        switch expr.kind {
        case .number(let n): return (number(n), Precedence.primary)
        case .duration(let ms, let unit): return (duration(ms, unit: unit), Precedence.primary)
        case .time(let minutes): return (time(minutes), Precedence.primary)
        case .string(let s): return (string(s), Precedence.primary)
        case .bool(let b): return (b ? "TRUE" : "FALSE", Precedence.primary)
        case .name(let name): return (name, Precedence.primary)
        case .eventField(let field): return ("event.\(field.name)", Precedence.primary)
        case .call(let function, let args):
            return ("\(function.name)(\(args.map { text($0) }.joined(separator: ", ")))", Precedence.primary)
        case .list(let items):
            return ("[\(items.map { text($0) }.joined(separator: ", "))]", Precedence.primary)
        case .not(let operand):
            return ("NOT \(text(operand, minimum: Precedence.not))", Precedence.not)
        case .negate(let operand):
            // `- -x`, not `--x`, which reads like a decrement.
            let inner = text(operand, minimum: Precedence.unary)
            return ((inner.hasPrefix("-") ? "- " : "-") + inner, Precedence.unary)
        case .binary(let op, let left, let right):
            let level = op.precedence
            // Comparisons take sums on both sides; the others are left-associative.
            let leftMinimum = op.isComparison ? Precedence.sum : level
            let rightMinimum = op.isComparison ? Precedence.sum : level + 1
            let l = text(left, minimum: leftMinimum)
            let r = text(right, minimum: rightMinimum)
            return ("\(l) \(op.rawValue) \(r)", level)
        case .membership(let value, let list, let negated):
            let v = text(value, minimum: Precedence.sum)
            let l = text(list, minimum: Precedence.sum)
            return ("\(v) \(negated ? "NOT IN" : "IN") \(l)", Precedence.comparison)
        case .range(let value, let low, let high, let style):
            let v = text(value, minimum: Precedence.sum)
            if style == .dash, let lo = dashBound(low), let hi = dashBound(high) {
                return ("\(v) \(lo)-\(hi)", Precedence.comparison)
            }
            let lo = text(low, minimum: Precedence.sum)
            let hi = text(high, minimum: Precedence.sum)
            return ("\(v) BETWEEN \(lo) AND \(hi)", Precedence.comparison)
        case .invalid:
            // Only in a file with syntax errors, which `rules fmt` refuses to format.
            return ("<invalid>", Precedence.primary)
        }
    }

    /// A bound of the `40-69` form must be a plain number literal; any other
    /// bound is printed in the BETWEEN form, which accepts every sum.
    static func dashBound(_ expr: Expr) -> String? {
        guard case .number(let n) = expr.kind, n >= 0 else { return nil }
        return number(n)
    }

    // MARK: - Literals

    /// `70`, `3.5`: integral values without `.0`, never in exponent notation
    /// (the lexer reads digits and one decimal point only).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return plainDecimal(String(value))
    }

    /// Rewrites Swift's shortest round-trip form (`1e+20`, `1.5e-07`) as
    /// plain digits with the same value.
    static func plainDecimal(_ text: String) -> String {
        let parts = text.lowercased().split(separator: "e", maxSplits: 1)
        guard parts.count == 2, let exponent = Int(parts[1]) else { return text }
        var mantissa = String(parts[0])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let pieces = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let whole = String(pieces[0])
        let fraction = pieces.count > 1 ? String(pieces[1]) : ""
        var digits = Array(whole + fraction)
        var point = whole.count + exponent
        if point <= 0 {
            digits = Array(repeating: "0", count: 1 - point) + digits
            point = 1
        } else if point > digits.count {
            digits += Array(repeating: "0", count: point - digits.count)
        }
        var integer = String(digits[..<point])
        var decimals = String(digits[point...])
        while decimals.hasSuffix("0") { decimals.removeLast() }
        while integer.count > 1 && integer.hasPrefix("0") { integer.removeFirst() }
        let body = decimals.isEmpty ? integer : "\(integer).\(decimals)"
        return negative ? "-\(body)" : body
    }

    /// Duration units from the largest down. A duration prints in the unit
    /// its author wrote when that unit holds it exactly (`60s` stays `60s`,
    /// `48h` stays `48h`, as the SLA tables say them); otherwise (`1.5h`) in
    /// the largest unit that divides it exactly (`90m`).
    static let durationUnits: [(String, Int64)] = [
        ("w", 604_800_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    static func duration(_ milliseconds: Int64, unit written: String? = nil) -> String {
        if let written, let size = durationUnits.first(where: { $0.0 == written })?.1,
           milliseconds % size == 0 {
            return "\(milliseconds / size)\(written)"
        }
        if milliseconds == 0 { return "0s" }
        // Negative durations only come from `-` applied to a literal, which
        // the parser keeps as a separate node; stay correct anyway.
        let sign = milliseconds < 0 ? "-" : ""
        let magnitude = milliseconds.magnitude
        for (unit, size) in durationUnits where magnitude % UInt64(size) == 0 {
            return "\(sign)\(magnitude / UInt64(size))\(unit)"
        }
        return "\(sign)\(magnitude)ms"
    }

    /// `HH:MM` from minutes after midnight.
    static func time(_ minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0\(h)" : "\(h)") + ":" + (m < 10 ? "0\(m)" : "\(m)")
    }

    /// A double-quoted string literal with `\" \\ \n \t` escaped.
    static func string(_ value: String) -> String {
        var out = "\""
        for c in value.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    // MARK: - Long conditions

    /// `prefix + expr + suffix` as one line when it fits in `width` columns
    /// from `indent`; otherwise, when `expr` is a chain of AND or OR, the
    /// chain in parentheses broken before its operators, filling each line,
    /// with continuation lines indented `continuation` more spaces (line
    /// breaks inside parentheses are insignificant to the lexer). The header
    /// of a block passes 8, so its continuation stands apart from the body.
    static func wrapped(prefix: String, _ expr: Expr, minimum: Int = Precedence.any, suffix: String,
                        indent: Int, continuation: Int = 4, width: Int = Printer.width) -> [String] {
        let flat = prefix + text(expr, minimum: minimum) + suffix
        guard indent + flat.count > width, case .binary(let op, _, _) = expr.kind,
              op == .and || op == .or else { return [flat] }
        let operands = chain(expr, op).map { text($0, minimum: op.precedence + 1) }
        var lines = [prefix + "(" + operands[0]]
        for operand in operands.dropFirst() {
            let piece = "\(op.rawValue) \(operand)"
            let candidate = lines[lines.count - 1] + " " + piece
            if indent + candidate.count <= width {
                lines[lines.count - 1] = candidate
            } else {
                lines.append(String(repeating: " ", count: continuation) + piece)
            }
        }
        lines[lines.count - 1] += ")" + suffix
        return lines
    }

    /// The operands of a left-associative chain `a op b op c`.
    static func chain(_ expr: Expr, _ op: BinaryOperator) -> [Expr] {
        guard case .binary(let o, let left, let right) = expr.kind, o == op else { return [expr] }
        return chain(left, op) + [right]
    }
}
