// Expression grammar (see docs/LANGUAGE.md), one function per rule:
// or → and → not → comparison → sum → unary → primary.
//
// Stack budget: E107 bounds nesting at `maxDepth` levels, and each level costs
// the frames of one trip or → and → not → comparison → sum → unary → primary
// → "(" → or. Debug builds give every temporary its own stack slot, so the
// functions on that trip stay small and the rarer forms (comparison tails,
// literals, lists, calls, names) have functions of their own: the deepest
// input must fit in a 512 KB thread stack, macOS's default for threads other
// than the main one (BadInputTests checks it).

extension Parser {
    mutating func parseExpression() throws(SyntaxError) -> Expr {
        try enterNesting()
        defer { depth -= 1 }
        return try parseOr()
    }

    /// Goes one level deeper, refusing absurd nesting with E107. Pair with
    /// `defer { depth -= 1 }`.
    mutating func enterNesting() throws(SyntaxError) {
        if depth >= Parser.maxDepth {
            error("E107", "expression is nested too deeply (more than \(Parser.maxDepth) levels)", current.range,
                  notes: ["split the condition into a LIST or several rules"])
            throw SyntaxError()
        }
        depth += 1
        deepest = max(deepest, depth)
    }

    /// Starts a left-associative operator chain (`a OR b OR c`, `1 + 2 + 3`),
    /// which builds its tree in a loop, not by recursion: without a bound a
    /// chain of 100,000 `+` makes a tree so deep that freeing or walking it
    /// overflows the stack. So each operator counts as one more level on top
    /// of the deepest operand so far, under the same E107 limit as nesting.
    /// Pair with `endChain` (a defer), which restores the nesting depth.
    mutating func beginChain() -> (depth: Int, deepest: Int) {
        defer { deepest = depth }
        return (depth, deepest)
    }

    mutating func endChain(_ saved: (depth: Int, deepest: Int)) {
        depth = saved.depth
        deepest = max(saved.deepest, deepest)
    }

    /// Counts the operator at the current token (see `beginChain`).
    mutating func chainOperator() throws(SyntaxError) {
        depth = deepest + 1
        deepest = depth
        if depth > Parser.maxDepth {
            error("E107", "expression is nested too deeply (more than \(Parser.maxDepth) levels)", current.range,
                  notes: ["each operator of a chain such as 'a OR b OR c' is one level; "
                          + "split the condition into a LIST or several rules"])
            throw SyntaxError()
        }
    }

    mutating func parseOr() throws(SyntaxError) -> Expr {
        let saved = beginChain()
        defer { endChain(saved) }
        var left = try parseAnd()
        while atKeyword("OR") {
            try chainOperator()
            advance()
            let right = try parseAnd()
            left = Expr(id: makeID(), range: left.range.union(right.range), kind: .binary(.or, left, right))
        }
        return left
    }

    mutating func parseAnd() throws(SyntaxError) -> Expr {
        let saved = beginChain()
        defer { endChain(saved) }
        var left = try parseNot()
        while atKeyword("AND") {
            try chainOperator()
            advance()
            let right = try parseNot()
            left = Expr(id: makeID(), range: left.range.union(right.range), kind: .binary(.and, left, right))
        }
        return left
    }

    mutating func parseNot() throws(SyntaxError) -> Expr {
        guard atKeyword("NOT") else { return try parseComparison() }
        let start = advance().range.start
        try enterNesting()
        defer { depth -= 1 }
        let operand = try parseNot()
        return Expr(id: makeID(), range: rangeFrom(start), kind: .not(operand))
    }

    mutating func parseComparison() throws(SyntaxError) -> Expr {
        let left = try parseSum()
        switch comparisonForm() {
        case .operator?: return try parseComparisonOperator(left)
        case .membership?: return try parseMembership(left)
        case .between?: return try parseBetween(left)
        case .dashRange?: return try parseDashRange(left)
        case nil: return left
        }
    }

    enum ComparisonForm { case `operator`, membership, between, dashRange }

    /// Which form of comparison follows the left operand, if any (decided in
    /// one place to keep `parseComparison`'s frame small).
    func comparisonForm() -> ComparisonForm? {
        if comparisonOperator() != nil { return .operator }
        if atKeyword("IN") || (atKeyword("NOT") && isKeyword(peek(), "IN")) { return .membership }
        if atKeyword("BETWEEN") { return .between }
        if at(.number) { return .dashRange }
        return nil
    }

    mutating func parseComparisonOperator(_ left: Expr) throws(SyntaxError) -> Expr {
        let op = takeComparisonOperator()
        let right = try parseSum()
        return Expr(id: makeID(), range: rangeFrom(left.range.start), kind: .binary(op, left, right))
    }

    /// Consumes the operator; `==` is reported (E108) and read as `=`.
    mutating func takeComparisonOperator() -> BinaryOperator {
        let op = comparisonOperator() ?? .equal
        if at(.doubleEqual) {
            error("E108", "use '=' to compare, not '=='", current.range)
        }
        advance()
        return op
    }

    mutating func parseMembership(_ left: Expr) throws(SyntaxError) -> Expr {
        let negated = atKeyword("NOT")
        if negated { advance() }
        advance()
        let list = try parseSum()
        return Expr(id: makeID(), range: rangeFrom(left.range.start), kind: .membership(left, list, negated: negated))
    }

    mutating func parseBetween(_ left: Expr) throws(SyntaxError) -> Expr {
        advance()
        let low = try parseSum()
        try expectKeyword("AND", "'AND' between the bounds of BETWEEN")
        let high = try parseSum()
        return Expr(id: makeID(), range: rangeFrom(left.range.start),
                    kind: .range(left, low: low, high: high, style: .between))
    }

    /// The seed's range form: `lead_score 40-69`.
    mutating func parseDashRange(_ left: Expr) throws(SyntaxError) -> Expr {
        let low = parseLiteral()
        try expect(.minus, "'-' in range (as in 40-69)")
        guard at(.number) else { throw failExpected("a number after '-' in range") }
        let high = parseLiteral()
        return Expr(id: makeID(), range: rangeFrom(left.range.start),
                    kind: .range(left, low: low, high: high, style: .dash))
    }

    func comparisonOperator() -> BinaryOperator? {
        switch current.kind {
        case .equal, .doubleEqual: .equal
        case .notEqual: .notEqual
        case .less: .less
        case .lessEqual: .lessEqual
        case .greater: .greater
        case .greaterEqual: .greaterEqual
        default: nil
        }
    }

    /// Sums and differences: durations and times (`event.ends_at + 30m`).
    /// Also the entry point where a full condition would be ambiguous
    /// (`IN 15m`, `EVERY 3d`, `WITHIN 48h`, `AT ...`).
    mutating func parseSum() throws(SyntaxError) -> Expr {
        let saved = beginChain()
        defer { endChain(saved) }
        var left = try parseUnary()
        while at(.plus) || at(.minus) {
            try chainOperator()
            let op: BinaryOperator = advance().kind == .plus ? .add : .subtract
            let right = try parseUnary()
            left = Expr(id: makeID(), range: left.range.union(right.range), kind: .binary(op, left, right))
        }
        return left
    }

    mutating func parseUnary() throws(SyntaxError) -> Expr {
        guard at(.minus) else { return try parsePrimary() }
        let start = advance().range.start
        try enterNesting()
        defer { depth -= 1 }
        let operand = try parseUnary()
        return Expr(id: makeID(), range: rangeFrom(start), kind: .negate(operand))
    }

    mutating func parsePrimary() throws(SyntaxError) -> Expr {
        switch current.kind {
        case .number, .duration, .time, .string:
            return parseLiteral()
        case .lparen:
            return try parseParenthesized()
        case .lbracket:
            return try parseListLiteral()
        case .identifier:
            return atCall ? try parseCall() : try parseNamePrimary()
        default:
            throw failExpected("an expression")
        }
    }

    /// At `name(`, where the name is not a reserved word.
    var atCall: Bool { peek().kind == .lparen && !Keywords.isReserved(text(current)) }

    /// A number, duration, time or string token (the current one).
    mutating func parseLiteral() -> Expr {
        let token = advance()
        let text = text(token)
        switch token.kind {
        case .number:
            return Expr(id: makeID(), range: token.range, kind: .number(Double(text) ?? 0))
        case .duration:
            guard let ms = Lexer.durationValue(text) else {
                error("E004", "duration '\(text)' is too large", token.range)
                return Expr(id: makeID(), range: token.range, kind: .invalid)
            }
            return Expr(id: makeID(), range: token.range, kind: .duration(ms, unit: String(text.drop { $0.isNumber || $0 == "." })))
        case .time:
            // An out-of-range time was reported by the lexer.
            return Expr(id: makeID(), range: token.range, kind: .time(Lexer.timeValue(text) ?? 0))
        default:
            return Expr(id: makeID(), range: token.range, kind: .string(Lexer.stringValue(text)))
        }
    }

    mutating func parseParenthesized() throws(SyntaxError) -> Expr {
        let start = advance().range.start
        let inner = try parseExpression()
        try expect(.rparen, "')' to close '('")
        // Parentheses are layout only; the node keeps the inner kind.
        return Expr(id: makeID(), range: rangeFrom(start), kind: inner.kind)
    }

    mutating func parseListLiteral() throws(SyntaxError) -> Expr {
        let start = advance().range.start
        var items: [Expr] = []
        while !at(.rbracket) {
            items.append(try parseExpression())
            if !matchKind(.comma) { break }
        }
        try expect(.rbracket, "']' to close the list")
        return Expr(id: makeID(), range: rangeFrom(start), kind: .list(items))
    }

    /// `name(args)`: a function call (the name is not a reserved word).
    mutating func parseCall() throws(SyntaxError) -> Expr {
        let token = advance()
        advance()
        var args: [Expr] = []
        while !at(.rparen) {
            args.append(try parseExpression())
            if !matchKind(.comma) { break }
        }
        let word = text(token)
        try expect(.rparen, "')' to close the argument list of '\(word)'")
        return Expr(id: makeID(), range: rangeFrom(token.range.start), kind: .call(Identifier(name: word, range: token.range), args))
    }

    /// TRUE, FALSE, `event.field` or a plain name.
    mutating func parseNamePrimary() throws(SyntaxError) -> Expr {
        let token = current
        let word = text(token)
        switch word.uppercased() {
        case "TRUE", "FALSE":
            advance()
            return Expr(id: makeID(), range: token.range, kind: .bool(word.uppercased() == "TRUE"))
        case "EVENT" where peek().kind == .dot:
            advance()
            advance()
            guard at(.identifier) else { throw failExpected("a field name after 'event.'") }
            let field = advance()
            return Expr(id: makeID(), range: rangeFrom(token.range.start),
                        kind: .eventField(Identifier(name: text(field), range: field.range)))
        default:
            if Keywords.isReserved(word) {
                throw failExpected("an expression")
            }
        }
        advance()
        return Expr(id: makeID(), range: token.range, kind: .name(word))
    }
}
