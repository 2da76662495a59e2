// Type checking of expressions. Every expression's type goes into `types`
// and every resolved name into `names`. An operand of type `error` was
// already reported, so operators accept it silently and pass `error` on.

import RulesLanguage

extension Checker {
    /// Checks an expression and records its type.
    @discardableResult
    mutating func check(_ e: Expr, _ ctx: Context) -> RuleType {
        let type = infer(e, ctx)
        types[e.id] = type
        return type
    }

    /// Checks a condition: it must be BOOL. `what` names it in the message.
    mutating func checkCondition(_ e: Expr, _ what: String, _ ctx: Context) {
        let type = check(e, ctx)
        guard !type.fits(.bool) else { return }
        report(Messages.notBool(what, found: type, hint: conditionHint(e, type, ctx)), e.range, in: ctx.file)
    }

    /// Checks that an expression has the `expected` type (E214).
    @discardableResult
    mutating func checkValue(_ e: Expr, _ what: String, expected: RuleType, _ ctx: Context) -> RuleType {
        let type = check(e, ctx)
        if !type.fits(expected) {
            var notes: [String] = []
            if expected == .duration, case .number(let n) = e.kind {
                notes.append("a duration needs a unit, as in \(formatNumber(n))m or \(formatNumber(n))h (ms, s, m, h, d, w)")
            }
            if type == .timeOfDay {
                notes.append("a time of day such as \(ctx.file.text(e.range)) only appears in CALLING HOURS; use an instant such as event.ends_at + 30m")
            }
            if expected == .number, case .name(let n) = e.kind, case .event? = symbols.values[n] {
                notes.append("'\(n)' is an event: alone it means seen(\(n)); count(\(n)) is how many times it happened")
            }
            report(Messages.wrongType(what, expected: "a \(expected)", found: type, notes: notes), e.range, in: ctx.file)
        }
        return type
    }

    private func conditionHint(_ e: Expr, _ type: RuleType, _ ctx: Context) -> String? {
        let text = ctx.file.text(e.range)
        switch type {
        case .number: return "compare it, as in \(text) >= 70"
        case .string, .country: return "compare it, as in \(text) = \"...\""
        case .list: return "test membership, as in country IN \(text)"
        default: return nil
        }
    }

    private mutating func infer(_ e: Expr, _ ctx: Context) -> RuleType {
        switch e.kind {
        case .number: return .number
        case .duration: return .duration
        case .time: return .timeOfDay
        case .string: return .string
        case .bool: return .bool
        case .invalid: return .error
        case .name(let name): return resolveValue(name, e, ctx)
        case .eventField(let field): return eventField(field, ctx)
        case .call(let function, let args): return checkCall(function, args, e, ctx)
        case .list(let items): return checkListLiteral(items, ctx)
        case .not(let operand):
            checkCondition(operand, "the operand of NOT", ctx)
            return .bool
        case .negate(let operand):
            let type = check(operand, ctx)
            if type == .number || type == .duration || type.isError { return type }
            report(Messages.badNegation(type), e.range, in: ctx.file)
            return .error
        case .binary(let op, let left, let right):
            return checkBinary(op, left, right, e, ctx)
        case .membership(let value, let list, _):
            return checkMembership(value, list, ctx)
        case .range(let value, let low, let high, _):
            return checkRange(value, low, high, ctx)
        }
    }

    // MARK: - Names

    private mutating func resolveValue(_ name: String, _ e: Expr, _ ctx: Context) -> RuleType {
        guard let symbol = symbols.values[name] else {
            let suggestion = suggest( name, among: symbols.values.keys)
            report(Messages.undefinedName(name, suggestion: suggestion, hint: otherKindHint(name)), e.range, in: ctx.file)
            return .error
        }
        switch symbol {
        case .builtin: names[e.id] = .builtin(name)
        case .captureField, .field: names[e.id] = .field(name)
        case .list:
            names[e.id] = .list(name)
            usage.lists.insert(name)
        case .table:
            names[e.id] = .table(name)
            usage.tables.insert(name)
        case .event: names[e.id] = .event(name)
        }
        return symbol.type
    }

    private func otherKindHint(_ name: String) -> String? {
        switch symbols.otherKind(of: name) {
        case "category": "'\(name)' is a score category: its points are points(\(name))"
        case "tier": "'\(name)' is a tier: test it with lead_tier = \"\(name)\""
        case let kind?: "'\(name)' is a \(kind), not a value"
        case nil: nil
        }
    }

    // MARK: - Operators

    private mutating func checkBinary(_ op: BinaryOperator, _ left: Expr, _ right: Expr, _ e: Expr,
                                      _ ctx: Context) -> RuleType {
        switch op {
        case .and, .or:
            checkCondition(left, "each side of \(op.rawValue)", ctx)
            checkCondition(right, "each side of \(op.rawValue)", ctx)
            return .bool
        case .add, .subtract:
            let l = check(left, ctx), r = check(right, ctx)
            if let result = arithmetic(op, l, r) { return result }
            report(Messages.badArithmetic(op.rawValue, l, r), e.range, in: ctx.file)
            return .error
        case .equal, .notEqual:
            let l = check(left, ctx), r = check(right, ctx)
            if l.comparable(with: r) {
                checkStringOperands(left, l, right, r, ctx)
            } else {
                report(Messages.incompatibleOperands(op.rawValue, l, r, notes: operandNotes(left, l, right, r)),
                       e.range, in: ctx.file)
            }
            return .bool
        case .less, .lessEqual, .greater, .greaterEqual:
            let l = check(left, ctx), r = check(right, ctx)
            if !l.isOrdered {
                report(Messages.unorderedOperands(op.rawValue, l).adding(operandNotes(left, l, right, r)),
                       left.range, in: ctx.file)
            } else if !r.isOrdered {
                report(Messages.unorderedOperands(op.rawValue, r).adding(operandNotes(left, l, right, r)),
                       right.range, in: ctx.file)
            } else if !l.fits(r) {
                report(Messages.incompatibleOperands(op.rawValue, l, r, notes: operandNotes(left, l, right, r)),
                       e.range, in: ctx.file)
            }
            return .bool
        }
    }

    /// The type of `l op r` for `+` and `-`, or nil when they do not combine.
    private func arithmetic(_ op: BinaryOperator, _ l: RuleType, _ r: RuleType) -> RuleType? {
        if l.isError || r.isError { return .error }
        switch (l, r) {
        case (.number, .number): return .number
        case (.duration, .duration): return .duration
        case (.time, .duration): return .time
        case (.duration, .time): return op == .add ? .time : nil
        case (.time, .time): return op == .subtract ? .duration : nil
        default: return nil
        }
    }

    /// Explains the usual mix-ups: an event name standing for seen(), a list
    /// compared with '=', a time of day used as an instant.
    private func operandNotes(_ left: Expr, _ l: RuleType, _ right: Expr, _ r: RuleType) -> [String] {
        var notes: [String] = []
        for side in [left, right] {
            if case .name(let n) = side.kind, case .event? = symbols.values[n] {
                notes.append("'\(n)' is an event: alone it means seen(\(n)); count(\(n)) is how many times it happened")
            }
        }
        if l.isList || r.isList { notes.append("use IN to test whether a value is in a list") }
        if l == .timeOfDay || r == .timeOfDay {
            notes.append("a time of day such as 09:00 only appears in CALLING HOURS")
        }
        return notes
    }

    private mutating func checkListLiteral(_ items: [Expr], _ ctx: Context) -> RuleType {
        var item: RuleType = .nothing
        for e in items {
            let t = check(e, ctx)
            if let unified = item.unified(with: t) {
                item = unified
            } else {
                report(Messages.mixedItems("the list", item, t), e.range, in: ctx.file)
            }
        }
        return .list(item)
    }

    private mutating func checkMembership(_ value: Expr, _ list: Expr, _ ctx: Context) -> RuleType {
        let v = check(value, ctx)
        let l = check(list, ctx)
        guard case .list(let item) = l else {
            if !l.isError { report(Messages.notAList(l), list.range, in: ctx.file) }
            return .bool
        }
        if item != .nothing && !v.comparable(with: item) {
            report(Messages.membershipMismatch(v, l), list.range, in: ctx.file)
            return .bool
        }
        if case .list(let items) = list.kind {
            for literal in items { checkStringOperands(value, v, literal, types[literal.id] ?? .error, ctx) }
        } else if case .name(let n) = list.kind, case .list? = symbols.values[n], v == .country {
            countryLists.insert(n)
        }
        return .bool
    }

    private mutating func checkRange(_ value: Expr, _ low: Expr, _ high: Expr, _ ctx: Context) -> RuleType {
        let v = check(value, ctx)
        let lo = check(low, ctx), hi = check(high, ctx)
        guard v.isOrdered else {
            report(Messages.unorderedRange(v), value.range, in: ctx.file)
            return .bool
        }
        for (bound, type) in [(low, lo), (high, hi)] where !type.fits(v) {
            report(Messages.rangeBounds(v, type), bound.range, in: ctx.file)
            return .bool
        }
        if let a = orderedConstant(low), let b = orderedConstant(high), a > b {
            report(Messages.emptyRange(ctx.file.text(low.range), ctx.file.text(high.range)),
                   low.range.union(high.range), in: ctx.file)
        }
        return .bool
    }

    /// A constant number or duration bound, for the empty-range check.
    private func orderedConstant(_ e: Expr) -> Double? {
        if case .number(let n)? = literalValue(e) { return n }
        return constantDuration(e).map(Double.init)
    }
}

extension Message {
    func adding(_ extra: [String]) -> Message {
        var m = self
        m.notes += extra
        return m
    }
}
