// Expression grammar (see docs/LANGUAGE.md), one function per rule:
// or → and → not → comparison → sum → unary → primary.

extension Parser {
    mutating func parseExpression() throws(SyntaxError) -> Expr {
        try nested { (p: inout Parser) throws(SyntaxError) in try p.parseOr() }
    }

    /// Runs `body` one level deeper, refusing absurd nesting with E107.
    mutating func nested(_ body: (inout Parser) throws(SyntaxError) -> Expr) throws(SyntaxError) -> Expr {
        if depth >= Parser.maxDepth {
            error("E107", "expression is nested too deeply (more than \(Parser.maxDepth) levels)", current.range,
                  notes: ["split the condition into a LIST or several rules"])
            throw SyntaxError()
        }
        depth += 1
        defer { depth -= 1 }
        return try body(&self)
    }

    mutating func parseOr() throws(SyntaxError) -> Expr {
        var left = try parseAnd()
        while atKeyword("OR") {
            advance()
            let right = try parseAnd()
            left = Expr(id: makeID(), range: left.range.union(right.range), kind: .binary(.or, left, right))
        }
        return left
    }

    mutating func parseAnd() throws(SyntaxError) -> Expr {
        var left = try parseNot()
        while atKeyword("AND") {
            advance()
            let right = try parseNot()
            left = Expr(id: makeID(), range: left.range.union(right.range), kind: .binary(.and, left, right))
        }
        return left
    }

    mutating func parseNot() throws(SyntaxError) -> Expr {
        if atKeyword("NOT") {
            let start = advance().range.start
            let operand = try nested { (p: inout Parser) throws(SyntaxError) in try p.parseNot() }
            return Expr(id: makeID(), range: rangeFrom(start), kind: .not(operand))
        }
        return try parseComparison()
    }

    mutating func parseComparison() throws(SyntaxError) -> Expr {
        let left = try parseSum()
        let start = left.range.start
        if let op = comparisonOperator() {
            if at(.doubleEqual) {
                error("E108", "use '=' to compare, not '=='", current.range)
            }
            advance()
            let right = try parseSum()
            return Expr(id: makeID(), range: rangeFrom(start), kind: .binary(op, left, right))
        }
        if atKeyword("IN") || (atKeyword("NOT") && isKeyword(peek(), "IN")) {
            let negated = atKeyword("NOT")
            if negated { advance() }
            advance()
            let list = try parseSum()
            return Expr(id: makeID(), range: rangeFrom(start), kind: .membership(left, list, negated: negated))
        }
        if atKeyword("BETWEEN") {
            advance()
            let low = try parseSum()
            try expectKeyword("AND", "'AND' between the bounds of BETWEEN")
            let high = try parseSum()
            return Expr(id: makeID(), range: rangeFrom(start),
                        kind: .range(left, low: low, high: high, style: .between))
        }
        if at(.number) {
            // The seed's range form: `lead_score 40-69`.
            let low = try parsePrimary()
            try expect(.minus, "'-' in range (as in 40-69)")
            guard at(.number) else { throw failExpected("a number after '-' in range") }
            let high = try parsePrimary()
            return Expr(id: makeID(), range: rangeFrom(start),
                        kind: .range(left, low: low, high: high, style: .dash))
        }
        return left
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
        var left = try parseUnary()
        while at(.plus) || at(.minus) {
            let op: BinaryOperator = advance().kind == .plus ? .add : .subtract
            let right = try parseUnary()
            left = Expr(id: makeID(), range: left.range.union(right.range), kind: .binary(op, left, right))
        }
        return left
    }

    mutating func parseUnary() throws(SyntaxError) -> Expr {
        if at(.minus) {
            let start = advance().range.start
            let operand = try nested { (p: inout Parser) throws(SyntaxError) in try p.parseUnary() }
            return Expr(id: makeID(), range: rangeFrom(start), kind: .negate(operand))
        }
        return try parsePrimary()
    }

    mutating func parsePrimary() throws(SyntaxError) -> Expr {
        let token = current
        let start = token.range.start
        switch token.kind {
        case .number:
            advance()
            return Expr(id: makeID(), range: token.range, kind: .number(Double(text(token)) ?? 0))
        case .duration:
            advance()
            guard let ms = Lexer.durationValue(text(token)) else {
                error("E004", "duration '\(text(token))' is too large", token.range)
                return Expr(id: makeID(), range: token.range, kind: .invalid)
            }
            return Expr(id: makeID(), range: token.range, kind: .duration(ms))
        case .time:
            advance()
            // An out-of-range time was reported by the lexer.
            return Expr(id: makeID(), range: token.range, kind: .time(Lexer.timeValue(text(token)) ?? 0))
        case .string:
            advance()
            return Expr(id: makeID(), range: token.range, kind: .string(Lexer.stringValue(text(token))))
        case .lparen:
            advance()
            let inner = try parseExpression()
            try expect(.rparen, "')' to close '('")
            // Parentheses are layout only; the node keeps the inner kind.
            return Expr(id: makeID(), range: rangeFrom(start), kind: inner.kind)
        case .lbracket:
            advance()
            var items: [Expr] = []
            while !at(.rbracket) {
                items.append(try parseExpression())
                if !matchKind(.comma) { break }
            }
            try expect(.rbracket, "']' to close the list")
            return Expr(id: makeID(), range: rangeFrom(start), kind: .list(items))
        case .identifier:
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
                return Expr(id: makeID(), range: rangeFrom(start),
                            kind: .eventField(Identifier(name: text(field), range: field.range)))
            default:
                if Keywords.isReserved(word) {
                    throw failExpected("an expression")
                }
            }
            advance()
            if at(.lparen) {
                advance()
                var args: [Expr] = []
                while !at(.rparen) {
                    args.append(try parseExpression())
                    if !matchKind(.comma) { break }
                }
                try expect(.rparen, "')' to close the argument list of '\(word)'")
                return Expr(id: makeID(), range: rangeFrom(start),
                            kind: .call(Identifier(name: word, range: token.range), args))
            }
            return Expr(id: makeID(), range: token.range, kind: .name(word))
        default:
            throw failExpected("an expression")
        }
    }
}
