// Pass 1: collect every declaration of every file into the symbol table, so
// that a name may be used before (or in another file than) its declaration.
// Duplicates keep the first declaration and point back to it.

import RulesLanguage

extension Checker {
    mutating func collect() {
        for (decl, file) in allDecls {
            collect(decl, SourceRef(file: file, range: decl.range))
        }
        declareImplicitQueues()
        // Tables are keyed by fields, so their types come after all fields are known.
        for (decl, file) in allDecls {
            if case .table(let t) = decl { typeTable(t, in: file) }
        }
    }

    private mutating func collect(_ decl: Decl, _ ref: SourceRef) {
        switch decl {
        case .event(let d):
            collectEvent(Declared(node: d, ref: ref))
        case .field(let d):
            let type = declaredType(d.type, in: ref.file)
            declareValue(d.name, .field(Declared(node: d, ref: ref), type), in: ref.file)
        case .list(let d):
            let item = listItemType(d.items, what: "LIST \(d.name.name)", in: ref.file)
            declareValue(d.name, .list(Declared(node: d, ref: ref), item), in: ref.file)
        case .table(let d):
            // The value type is filled in by typeTable once fields are known.
            declareValue(d.name, .table(Declared(node: d, ref: ref), .error), in: ref.file)
        case .queue(let d):
            if let first = symbols.queues[d.name.name] {
                report(Messages.duplicate("queue", d.name.name, first: first.ref), d.name.range, in: ref.file)
            } else {
                symbols.queues[d.name.name] = QueueSymbol(ref: ref, description: d.description?.value, implicit: false)
            }
        case .template(let d):
            declareUnique(d.name, "template", Declared(node: d, ref: ref), in: \.templates)
        case .score(let d):
            declareUnique(d.name, "score category", Declared(node: d, ref: ref), in: \.categories)
        case .tier(let d):
            declareUnique(d.name, "tier", Declared(node: d, ref: ref), in: \.tiers)
        case .cadence(let d):
            declareUnique(d.name, "cadence", Declared(node: d, ref: ref), in: \.cadences)
        case .disposition(let d):
            declareUnique(d.code, "disposition code", Declared(node: d, ref: ref), in: \.dispositions)
        case .quarantine(let d):
            if let name = d.name {
                declareUnique(name, "quarantine", Declared(node: d, ref: ref), in: \.quarantines)
            }
        case .callingHours(let d):
            declareSingleton("CALLING HOURS", Declared(node: d, ref: ref), in: \.callingHours)
        case .businessDays(let d):
            declareSingleton("BUSINESS DAYS", Declared(node: d, ref: ref), in: \.businessDays)
        case .holidays(let d):
            declareSingleton("HOLIDAYS", Declared(node: d, ref: ref), in: \.holidays)
        case .route, .trigger:
            break
        }
    }

    private mutating func collectEvent(_ d: Declared<EventDecl>) {
        let event = d.node
        var params: [(name: String, type: DeclaredType)] = []
        for p in event.params {
            let type = declaredType(p.type, in: d.file)
            if params.contains(where: { $0.name == p.name.name }) {
                report(Messages.duplicateParameter(p.name.name, event: event.name.name), p.name.range, in: d.file)
            } else {
                params.append((p.name.name, type))
            }
        }
        guard declareValue(event.name, .event(d), in: d.file) else { return }
        symbols.events[event.name.name] = d
        symbols.eventParams[event.name.name] = params
    }

    /// Declares an expression name; false (and a diagnostic) when it is taken.
    @discardableResult
    private mutating func declareValue(_ name: Identifier, _ symbol: ValueSymbol, in file: SourceFile) -> Bool {
        guard let existing = symbols.values[name.name] else {
            symbols.values[name.name] = symbol
            return true
        }
        switch existing {
        case .builtin, .captureField:
            report(Messages.redeclaresBuiltin(symbol.kindName, name.name, builtinKind: existing.kindName),
                   name.range, in: file)
        default:
            guard let first = existing.ref else { return false }
            if existing.kindName == symbol.kindName {
                report(Messages.duplicate(symbol.kindName, name.name, first: first), name.range, in: file)
            } else {
                report(Messages.nameClash(symbol.kindName, name.name, otherKind: existing.kindName, first: first),
                       name.range, in: file)
            }
        }
        return false
    }

    private mutating func declareUnique<Node>(_ name: Identifier, _ kind: String, _ d: Declared<Node>,
                                              in table: WritableKeyPath<SymbolTable, [String: Declared<Node>]>) {
        if let first = symbols[keyPath: table][name.name] {
            report(Messages.duplicate(kind, name.name, first: first.ref), name.range, in: d.file)
        } else {
            symbols[keyPath: table][name.name] = d
        }
    }

    private mutating func declareSingleton<Node>(_ what: String, _ d: Declared<Node>,
                                                 in slot: WritableKeyPath<SymbolTable, Declared<Node>?>) {
        if let first = symbols[keyPath: slot] {
            report(Messages.duplicateSingleton(what, first: first.ref), d.ref.range, in: d.file)
        } else {
            symbols[keyPath: slot] = d
        }
    }

    func typeSuggestion(_ name: String) -> String? {
        Suggestion.closest(to: name, among: Keywords.types)
    }

    private mutating func declaredType(_ ref: TypeRef, in file: SourceFile) -> DeclaredType {
        guard let type = RuleType(typeName: ref.name.name) else {
            report(Messages.unknownType(ref.name.name, suggestion: typeSuggestion(ref.name.name)),
                   ref.name.range, in: file)
            return DeclaredType(.error, optional: ref.optional)
        }
        return DeclaredType(type, optional: ref.optional)
    }

    /// When the playbook declares no QUEUE at all, `ASSIGN TO` declares the
    /// queues it names (the seed's routing blocks stand on their own).
    private mutating func declareImplicitQueues() {
        guard symbols.queues.isEmpty else { return }
        for (decl, file) in allDecls {
            guard case .route(let route) = decl else { continue }
            for statement in route.statements {
                if case .assign(let q) = statement.kind, symbols.queues[q.name] == nil {
                    symbols.queues[q.name] = QueueSymbol(ref: SourceRef(file: file, range: statement.range),
                                                         description: nil, implicit: true)
                }
            }
        }
    }

    /// The item type of a LIST's literal items; non-literals and mixed types are errors.
    mutating func listItemType(_ items: [Expr], what: String, in file: SourceFile) -> RuleType {
        var item: RuleType = .nothing
        for e in items {
            guard let value = literalValue(e) else {
                report(Messages.notLiteral("an item of \(what)"), e.range, in: file)
                types[e.id] = .error
                continue
            }
            types[e.id] = value.type
            if let unified = item.unified(with: value.type) {
                item = unified
            } else {
                report(Messages.mixedItems(what, item, value.type), e.range, in: file)
            }
        }
        return item
    }

    /// Checks a TABLE's key field, keys and values, and records its value type.
    private mutating func typeTable(_ table: TableDecl, in file: SourceFile) {
        let what = "TABLE \(table.name.name)"
        var keyType: RuleType = .error
        if let symbol = symbols.values[table.key.name], symbol.isField {
            keyType = symbol.type
        } else {
            let s = Suggestion.closest(to: table.key.name, among: symbols.fieldNames)
            report(Messages.undefinedField(table.key.name, suggestion: s), table.key.range, in: file)
        }
        var valueType: RuleType = .nothing
        for row in table.rows {
            if let key = literalValue(row.key) {
                types[row.key.id] = key.type
                if !key.type.comparable(with: keyType) {
                    report(Messages.wrongType("a key of \(what)", expected: "a \(keyType) (the type of \(table.key.name))",
                                              found: key.type), row.key.range, in: file)
                } else if keyType == .country {
                    checkCountryLiteral(row.key, in: file)
                }
            } else {
                report(Messages.notLiteral("a key of \(what)"), row.key.range, in: file)
            }
            valueType = tableValue(row.value, what: what, current: valueType, in: file)
        }
        if let d = table.defaultValue {
            valueType = tableValue(d, what: what, current: valueType, in: file)
        }
        if valueType == .nothing { valueType = .error }
        if case .table(let declared, _)? = symbols.values[table.name.name], declared.node.id == table.id {
            symbols.values[table.name.name] = .table(declared, valueType)
        }
    }

    private mutating func tableValue(_ e: Expr, what: String, current: RuleType, in file: SourceFile) -> RuleType {
        guard let value = literalValue(e) else {
            report(Messages.notLiteral("a value of \(what)"), e.range, in: file)
            types[e.id] = .error
            return current
        }
        types[e.id] = value.type
        guard let unified = current.unified(with: value.type) else {
            report(Messages.mixedItems(what, current, value.type, noun: "values"), e.range, in: file)
            return current
        }
        return unified
    }
}
