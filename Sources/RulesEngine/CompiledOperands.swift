// Lowering of the values conditions compare: numbers, times and durations,
// strings (as symbols, with their text on demand) and table lookups.

import RulesCompiler
import RulesLanguage

extension Lowering {
    // MARK: - Numbers

    func number(_ e: Expr) -> NumberOperand {
        switch e.kind {
        case .number(let n):
            return .constant(n)
        case .name(let name):
            switch program.names[e.id] {
            case .builtin("lead_score")?: return .score
            case .builtin("attempts")?: return .attempts
            case .field?:
                guard let slot = layout.slot(field: name), slot.kind == .number else { break }
                return .word(slot.word)
            case .table(let table)?:
                guard let lookup = lookupTable(table, encode: Self.number, missing: Double.nan) else { break }
                return .code { f, _ in lookup(f) }
            default: break
            }
        case .eventField(let param):
            guard let slot = paramSlot(param.name), slot.kind == .number else { break }
            return .word(slot.word)
        case .call(let function, let args) where args.count == 1:
            if function.name == "count", case .event(let name)? = program.names[args[0].id],
               let index = layout.events[name] {
                return .count(FactLayout.countWord(index))
            }
            if function.name == "points", case .category(let name)? = program.names[args[0].id],
               let index = categoryIndex[name] {
                return .points(index)
            }
        case .negate(let operand):
            let o = number(operand)
            if case .constant(let c) = o { return .constant(-c) }
            let c = o.code
            return .code { f, e in -c(f, e) }
        case .binary(let op, let l, let r) where op == .add || op == .subtract:
            let a = number(l), b = number(r)
            let sign = op == .add ? 1.0 : -1.0
            if case .constant(let x) = a, case .constant(let y) = b { return .constant(x + sign * y) }
            let ca = a.code, cb = b.code
            return op == .add ? .code { f, e in ca(f, e) + cb(f, e) } : .code { f, e in ca(f, e) - cb(f, e) }
        default:
            break
        }
        return .constant(.nan)
    }

    // MARK: - Times and durations

    func instant(_ e: Expr) -> InstantOperand {
        switch e.kind {
        case .duration(let ms, _):
            return .constant(ms)
        case .time(let minutes):
            return .constant(Int64(minutes))
        case .name(let name):
            switch program.names[e.id] {
            case .builtin("now")?: return .now
            case .builtin("lead_age")?:
                guard let registered = layout.slot(field: "registered_at") else { break }
                return .age(registered.word)
            case .field?:
                guard let slot = layout.slot(field: name), slot.kind == .instant else { break }
                return .word(slot.word)
            case .table(let table)?:
                guard let lookup = lookupTable(table, encode: Self.instant, missing: LeadFacts.missingInstant) else {
                    break
                }
                return .code { f, _ in lookup(f) }
            default: break
            }
        case .eventField(let param):
            guard let slot = paramSlot(param.name), slot.kind == .instant else { break }
            return .word(slot.word)
        case .call(let function, let args) where args.count == 1:
            guard case .event(let name)? = program.names[args[0].id], let index = layout.events[name] else { break }
            if function.name == "first" { return .word(FactLayout.firstWord(index)) }
            if function.name == "last" { return .word(FactLayout.lastWord(index)) }
        case .negate(let operand):
            let o = instant(operand), missing = LeadFacts.missingInstant
            if case .constant(let c) = o { return .constant(c == missing ? missing : 0 &- c) }
            let c = o.code
            return .code { f, e in
                let x = c(f, e)
                return x == missing ? missing : 0 &- x
            }
        case .binary(let op, let l, let r) where op == .add || op == .subtract:
            return instantSum(op, instant(l), instant(r))
        default:
            break
        }
        return .constant(LeadFacts.missingInstant)
    }

    /// TIME ± DURATION, DURATION ± DURATION, DURATION + TIME, TIME - TIME:
    /// all are sums of milliseconds.
    private func instantSum(_ op: BinaryOperator, _ a: InstantOperand, _ b: InstantOperand) -> InstantOperand {
        let missing = LeadFacts.missingInstant
        if case .constant(let x) = a, case .constant(let y) = b {
            guard x != missing, y != missing else { return .constant(missing) }
            return .constant(op == .add ? x &+ y : x &- y)
        }
        let ca = a.code, cb = b.code
        if op == .add {
            return .code { f, e in
                let x = ca(f, e), y = cb(f, e)
                return x == missing || y == missing ? missing : x &+ y
            }
        }
        return .code { f, e in
            let x = ca(f, e), y = cb(f, e)
            return x == missing || y == missing ? missing : x &- y
        }
    }

    // MARK: - Strings

    func symbol(_ e: Expr) -> SymbolOperand {
        switch e.kind {
        case .string(let s):
            return .constant(layout.symbols[s] ?? LeadFacts.unlistedSymbol, s)
        case .name(let name):
            switch program.names[e.id] {
            case .builtin("lead_tier")?: return .tier
            case .builtin("lead_status")?: return .status
            case .field?:
                guard let slot = layout.slot(field: name), slot.kind == .symbol else { break }
                return .word(slot)
            case .table(let table)?:
                guard let lookup = lookupTable(table, encode: symbolOf, missing: LeadFacts.missingSymbol) else { break }
                let texts = layout.symbolTexts
                return .code({ f, _ in lookup(f) }, { f, _ in
                    let s = lookup(f)
                    return s >= 0 ? texts[Int(s)] : nil
                })
            default: break
            }
        case .eventField(let param):
            guard let slot = paramSlot(param.name), slot.kind == .symbol else { break }
            return .word(slot)
        case .call(let function, let args) where function.name == "domain" && args.count == 1:
            return domain(args[0])
        default:
            break
        }
        return .constant(LeadFacts.missingSymbol, "")
    }

    /// `domain(x)`: a slot's domain is a derived slot filled when the facts
    /// are built; any other argument is computed at evaluation time.
    private func domain(_ arg: Expr) -> SymbolOperand {
        if let source = slot(of: arg), source.kind == .symbol {
            return .word(layout.domainSlot(of: source))
        }
        let argument = symbol(arg)
        if case .constant(let s, let text) = argument {
            guard s != LeadFacts.missingSymbol, let d = Domain.of(text) else {
                return .constant(LeadFacts.missingSymbol, "")
            }
            return .constant(layout.symbols[d] ?? LeadFacts.unlistedSymbol, d)
        }
        let text = textCode(argument), symbols = layout.symbols
        return .code({ f, e in
            guard let t = text(f, e), let d = Domain.of(t) else { return LeadFacts.missingSymbol }
            return symbols[d] ?? LeadFacts.unlistedSymbol
        }, { f, e in text(f, e).flatMap(Domain.of) })
    }

    func symbolCode(_ o: SymbolOperand) -> SymbolCode {
        switch o {
        case .constant(let c, _): return { _, _ in c }
        case .word(let slot):
            let w = slot.word
            return { f, _ in f.words[w] }
        case .tier:
            let ids = ContiguousArray(layout.tierNames.map { layout.symbols[$0] ?? LeadFacts.unlistedSymbol })
            return { _, e in e.tier >= 0 ? ids[Int(e.tier)] : LeadFacts.missingSymbol }
        case .status:
            let ids = ContiguousArray(LeadStatus.allCases.map { layout.symbols[$0.rawValue] ?? LeadFacts.unlistedSymbol })
            return { f, _ in ids[f.status.index] }
        case .code(let s, _): return s
        }
    }

    /// The text of a string operand; a slot starts keeping its text.
    func textCode(_ o: SymbolOperand) -> TextCode {
        let texts = layout.symbolTexts
        switch o {
        case .constant(let c, let text):
            return { _, _ in c == LeadFacts.missingSymbol ? nil : text }
        case .word(let slot):
            let kept = layout.keepText(slot), w = kept.word, t = kept.text
            return { f, _ in
                let s = f.words[w]
                if s >= 0 { return texts[Int(s)] }
                return s == LeadFacts.unlistedSymbol ? f.texts[t] : nil
            }
        case .tier:
            let names = layout.tierNames
            return { _, e in e.tier >= 0 ? names[Int(e.tier)] : nil }
        case .status:
            return { f, _ in f.status.rawValue }
        case .code(_, let text):
            return text
        }
    }

    // MARK: - Tables

    /// The value of a TABLE for the lead's key: a dense array by symbol for
    /// string keys, a dictionary otherwise; the DEFAULT (or missing) when no
    /// row matches or the key field is missing. The first row of a key wins.
    func lookupTable<V: Sendable>(_ name: String, encode: (LiteralValue) -> V?, missing: V)
        -> (@Sendable (LeadFacts) -> V)? {
        guard let table = program.tables[name], let key = layout.slot(field: table.keyField) else { return nil }
        let fallback = table.defaultValue.flatMap(encode) ?? missing
        let w = key.word
        switch key.kind {
        case .symbol:
            var values = ContiguousArray(repeating: fallback, count: layout.symbolTexts.count)
            for row in table.rows.reversed() {
                if case .string(let s) = row.key, let id = layout.symbols[s], let v = encode(row.value) {
                    values[Int(id)] = v
                }
            }
            let byKey = values
            return { f in
                let k = f.words[w]
                return k >= 0 ? byKey[Int(k)] : fallback
            }
        case .number:
            let byKey = rows(table, encode) { if case .number(let n) = $0 { n } else { nil } }
            return { f in
                let k = Double(bitPattern: UInt64(bitPattern: f.words[w]))
                return k.isNaN ? fallback : byKey[k] ?? fallback
            }
        case .instant:
            let byKey = rows(table, encode) { if case .duration(let d) = $0 { d } else { nil } }
            return { f in byKey[f.words[w]] ?? fallback }
        case .truth:
            let byKey = rows(table, encode) { if case .bool(let b) = $0 { Int64((b ? Truth.holds : .fails).rawValue) } else { nil } }
            return { f in byKey[f.words[w]] ?? fallback }
        }
    }

    private func rows<K: Hashable, V>(_ table: TableDefinition, _ encode: (LiteralValue) -> V?,
                                      key: (LiteralValue) -> K?) -> [K: V] {
        var byKey: [K: V] = [:]
        for row in table.rows {
            if let k = key(row.key), byKey[k] == nil, let v = encode(row.value) { byKey[k] = v }
        }
        return byKey
    }

    func truthTable(_ name: String) -> (@Sendable (LeadFacts) -> Truth)? {
        lookupTable(name, encode: { if case .bool(let b) = $0 { Truth(b) } else { nil } }, missing: Truth.unknown)
    }

    static func number(_ v: LiteralValue) -> Double? {
        if case .number(let n) = v { return n }
        return nil
    }

    static func instant(_ v: LiteralValue) -> Int64? {
        if case .duration(let d) = v { return d }
        return nil
    }

    func symbolOf(_ v: LiteralValue) -> Int64? {
        if case .string(let s) = v { return layout.symbols[s] ?? LeadFacts.unlistedSymbol }
        return nil
    }
}

extension LeadStatus {
    /// The position in `allCases`.
    var index: Int {
        switch self {
        case .open: 0
        case .quarantined: 1
        case .nurturing: 2
        case .converted: 3
        case .closed: 4
        }
    }
}
