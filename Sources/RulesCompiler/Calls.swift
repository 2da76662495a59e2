// Built-in functions, `event.<field>`, and the string literals whose
// meaning depends on what they are compared with: country codes, tier
// names, lead statuses and disposition codes.

import RulesLanguage

extension Checker {
    mutating func checkCall(_ function: Identifier, _ args: [Expr], _ e: Expr, _ ctx: Context) -> RuleType {
        guard let f = Builtins.functions[function.name] else {
            let s = Suggestion.closest(to: function.name, among: Builtins.functions.keys)
            report(Messages.unknownFunction(function.name, suggestion: s), function.range, in: ctx.file)
            return .error
        }
        guard args.count == 1, let arg = args.first else {
            report(Messages.arity(f.name, found: args.count), e.range, in: ctx.file)
            return f.result
        }
        switch f.argument {
        case .event: eventArgument(f.name, arg, ctx)
        case .field: fieldArgument(f.name, arg, ctx)
        case .category: categoryArgument(arg, ctx)
        case .string:
            let t = check(arg, ctx)
            if !t.fits(.string) {
                report(Messages.wrongType("\(f.name)()", expected: "a STRING", found: t), arg.range, in: ctx.file)
            }
        }
        return f.result
    }

    private mutating func eventArgument(_ function: String, _ arg: Expr, _ ctx: Context) {
        guard case .name(let name) = arg.kind else {
            check(arg, ctx)
            report(Messages.argumentKind(function, expected: "an event name", example: "\(function)(demo_trade)"),
                   arg.range, in: ctx.file)
            return
        }
        if symbols.events[name] != nil {
            names[arg.id] = .event(name)
            types[arg.id] = .bool
        } else if symbols.values[name] != nil {
            report(Messages.argumentKind(function, expected: "an event name", example: "\(function)(demo_trade)")
                .adding(["'\(name)' is a \(symbols.values[name]?.kindName ?? "value")"]), arg.range, in: ctx.file)
        } else {
            report(Messages.undefinedEvent(name, suggestion: Suggestion.closest(to: name, among: symbols.events.keys)),
                   arg.range, in: ctx.file)
        }
    }

    private mutating func fieldArgument(_ function: String, _ arg: Expr, _ ctx: Context) {
        switch arg.kind {
        case .eventField:
            check(arg, ctx)
        case .name(let name):
            if let symbol = symbols.values[name], symbol.isField {
                names[arg.id] = .field(name)
                types[arg.id] = symbol.type
            } else if let symbol = symbols.values[name] {
                report(Messages.argumentKind(function, expected: "a field", example: "\(function)(phone)")
                    .adding(["'\(name)' is a \(symbol.kindName)"]), arg.range, in: ctx.file)
            } else {
                report(Messages.undefinedField(name, suggestion: Suggestion.closest(to: name, among: symbols.fieldNames)),
                       arg.range, in: ctx.file)
            }
        default:
            check(arg, ctx)
            report(Messages.argumentKind(function, expected: "a field", example: "\(function)(phone)"),
                   arg.range, in: ctx.file)
        }
    }

    private mutating func categoryArgument(_ arg: Expr, _ ctx: Context) {
        guard case .name(let name) = arg.kind else {
            check(arg, ctx)
            report(Messages.argumentKind("points", expected: "a score category", example: "points(behavioral)"),
                   arg.range, in: ctx.file)
            return
        }
        if symbols.categories[name] != nil {
            names[arg.id] = .category(name)
            types[arg.id] = .number
        } else {
            let s = Suggestion.closest(to: name, among: symbols.categories.keys)
            report(Messages.undefinedCategory(name, suggestion: s), arg.range, in: ctx.file)
        }
    }

    mutating func eventField(_ field: Identifier, _ ctx: Context) -> RuleType {
        guard let event = ctx.event else {
            report(Messages.eventFieldOutsideTrigger(field.name), field.range, in: ctx.file)
            return .error
        }
        // An undeclared event was reported where it is named.
        guard symbols.events[event] != nil else { return .error }
        if let type = symbols.param(field.name, of: event) { return type.type }
        let params = symbols.eventParams[event]?.map(\.name) ?? []
        report(Messages.noSuchParameter(field.name, event: event, params: params,
                                        suggestion: Suggestion.closest(to: field.name, among: params)),
               field.range, in: ctx.file)
        return .error
    }

    // MARK: - String literals with a meaning

    /// Checks a string literal compared with (or listed for) a value whose
    /// strings form a known set, in either operand order.
    mutating func checkStringOperands(_ left: Expr, _ l: RuleType, _ right: Expr, _ r: RuleType, _ ctx: Context) {
        if case .string = right.kind { checkString(right, against: left, l, ctx) }
        if case .string = left.kind { checkString(left, against: right, r, ctx) }
    }

    private mutating func checkString(_ literal: Expr, against other: Expr, _ otherType: RuleType, _ ctx: Context) {
        guard case .string(let value) = literal.kind else { return }
        if otherType == .country {
            checkCountryLiteral(literal, in: ctx.file)
            return
        }
        switch other.kind {
        case .name("lead_tier") where names[other.id] == .builtin("lead_tier"):
            if symbols.tiers[value] == nil {
                let s = Suggestion.closest(to: value, among: symbols.tiers.keys)
                report(Messages.unknownTierName(value, suggestion: s), literal.range, in: ctx.file)
            }
        case .name("lead_status") where names[other.id] == .builtin("lead_status"):
            if !Builtins.statuses.contains(value) {
                let s = Suggestion.closest(to: value, among: Builtins.statuses)
                report(Messages.unknownStatus(value, suggestion: s), literal.range, in: ctx.file)
            }
        case .eventField(let field) where field.name == "code" && ctx.event == Builtins.callOutcome:
            if symbols.dispositions[value] == nil {
                let s = Suggestion.closest(to: value, among: symbols.dispositions.keys)
                report(Messages.undefinedDisposition(value, suggestion: s), literal.range, in: ctx.file)
            }
        default:
            break
        }
    }

    /// Warns when a string meant as a country is not an ISO 3166-1 alpha-2 code.
    mutating func checkCountryLiteral(_ literal: Expr, in file: SourceFile) {
        guard case .string(let value) = literal.kind, !CountryCodes.isCode(value) else { return }
        report(Messages.notCountryCode(value, suggestion: CountryCodes.suggestion(for: value)), literal.range, in: file)
    }
}
