// Where every node of the playbook was written: a walk over the whole AST
// recording each node's file and range, so a Program can explain any rule,
// statement, action or expression as "file:line". Node ids are dense (the
// parser numbers them from 0 across all files), so the table is two flat
// arrays indexed by id rather than a dictionary: cheap to build for 10,000 rules.

import RulesLanguage

struct SourceTable: Sendable {
    private(set) var files: [SourceFile]
    private(set) var ranges: [SourceRange]
    /// Index into `files`, -1 for an id no node has.
    private(set) var fileIndex: [Int32]

    init(files: [RulesFile], nodeCount: Int) {
        self.files = files.map(\.file)
        ranges = Array(repeating: .empty, count: nodeCount)
        fileIndex = Array(repeating: -1, count: nodeCount)
        var walker = SourceIndex(table: self)
        // Drop this copy's references so the walk mutates the arrays in place.
        ranges = []
        fileIndex = []
        for (i, f) in files.enumerated() {
            walker.file = Int32(i)
            for decl in f.decls { walker.add(decl) }
        }
        self = walker.table
    }

    subscript(id: NodeID) -> SourceRef? {
        guard id >= 0, id < fileIndex.count, fileIndex[id] >= 0 else { return nil }
        return SourceRef(file: files[Int(fileIndex[id])], range: ranges[id])
    }

    fileprivate mutating func set(_ id: NodeID, _ range: SourceRange, file: Int32) {
        guard id >= 0 else { return }
        if id >= ranges.count {
            // Only when the caller under-counted the nodes.
            ranges += Array(repeating: .empty, count: id - ranges.count + 1)
            fileIndex += Array(repeating: -1, count: id - fileIndex.count + 1)
        }
        ranges[id] = range
        fileIndex[id] = file
    }
}

private struct SourceIndex {
    var table: SourceTable
    var file: Int32 = 0

    init(table: SourceTable) { self.table = table }

    private mutating func note(_ id: NodeID, _ range: SourceRange) {
        table.set(id, range, file: file)
    }

    mutating func add(_ decl: Decl) {
        note(decl.id, decl.range)
        switch decl {
        case .event(let d): for p in d.params { note(p.id, p.range) }
        case .field, .queue, .template, .businessDays, .holidays: break
        case .callingHours(let d):
            for w in d.windows {
                add(w.start)
                add(w.end)
            }
        case .list(let d): d.items.forEach { add($0) }
        case .table(let d):
            d.defaultValue.map { add($0) }
            for row in d.rows {
                note(row.id, row.range)
                add(row.key)
                add(row.value)
            }
        case .score(let d):
            add(d.max)
            for row in d.rows {
                note(row.id, row.range)
                add(row.condition)
                add(row.points)
            }
        case .tier(let d):
            add(d.condition)
            if case .callWithin(let sla) = d.action { add(sla) }
        case .route(let d):
            add(d.condition)
            for s in d.statements { note(s.id, s.range) }
        case .trigger(let d): add(d)
        case .cadence(let d): add(d)
        case .disposition(let d): d.actions.forEach { add($0) }
        case .quarantine(let d): add(d)
        }
    }

    private mutating func add(_ trigger: TriggerDecl) {
        note(trigger.id, trigger.range)
        trigger.condition.map { add($0) }
        trigger.actions.forEach { add($0) }
    }

    private mutating func add(_ cadence: CadenceDecl) {
        add(cadence.firstDay)
        add(cadence.lastDay)
        cadence.condition.map { add($0) }
        for s in cadence.statements {
            note(s.id, s.range)
            switch s.kind {
            case .callsPerWeek(let low, let high):
                add(low)
                high.map { add($0) }
            case .callEvery(let e), .email(_, let e), .sms(_, let e), .exit(let e): add(e)
            case .trigger(let t): add(t)
            }
        }
    }

    private mutating func add(_ quarantine: QuarantineDecl) {
        add(quarantine.condition)
        add(quarantine.hold)
        for s in quarantine.statements {
            note(s.id, s.range)
            switch s.kind {
            case .release(let e): add(e)
            case .email(_, let every, let duration):
                every.map { add($0) }
                add(duration)
            case .graduate: break
            }
        }
    }

    private mutating func add(_ action: Action) {
        note(action.id, action.range)
        switch action.kind {
        case .callback(let timing, _, _): add(timing)
        case .retry(let timing): timing.map { add($0) }
        case .email(_, let every, let timing):
            every.map { add($0) }
            timing.map { add($0) }
        case .sms(_, let timing): timing.map { add($0) }
        case .handoff(_, let within): within.map { add($0) }
        case .block(.expr(let e), _): add(e)
        default: break
        }
    }

    private mutating func add(_ timing: Timing) {
        switch timing.kind {
        case .after(let e), .at(let e): add(e)
        case .now, .nextAvailable, .nextBusinessDay: break
        }
    }

    private mutating func add(_ e: Expr) {
        note(e.id, e.range)
        switch e.kind {
        case .call(_, let args): args.forEach { add($0) }
        case .list(let items): items.forEach { add($0) }
        case .not(let x), .negate(let x): add(x)
        case .binary(_, let a, let b), .membership(let a, let b, _):
            add(a)
            add(b)
        case .range(let v, let lo, let hi, _):
            add(v)
            add(lo)
            add(hi)
        default: break
        }
    }
}
