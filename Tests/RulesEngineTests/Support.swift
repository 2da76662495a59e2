// Shared by the engine tests: the default playbook compiled both ways, leads
// built from a few named signals, and evaluation through both evaluators.

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesEngine
@testable import RulesLanguage

/// The repository's rules/ directory.
let playbookDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../rules").standardized

/// rules/*.rules in sorted order, named `rules/<file>` as `rules check rules` names them.
func playbookSources() throws -> [SourceFile] {
    let names = try FileManager.default.contentsOfDirectory(atPath: playbookDirectory.path)
        .filter { $0.hasSuffix(".rules") }.sorted()
    return try names.map {
        SourceFile(path: "rules/\($0)", bytes: Array(try Data(contentsOf: playbookDirectory.appendingPathComponent($0))))
    }
}

/// Both evaluators of one program.
struct Engines: Sendable {
    let program: Program
    let compiled: CompiledProgram
    let reference: ReferenceEvaluator

    init(_ program: Program) {
        self.program = program
        compiled = CompiledProgram(program: program)
        reference = ReferenceEvaluator(program: program)
    }

    /// Evaluates with both evaluators and requires them to agree, explanations included.
    func evaluate(_ lead: LeadSnapshot, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Evaluation {
        let facts = try LeadFacts(lead, for: compiled)
        let fast = compiled.evaluate(facts, explain: true)
        let slow = reference.evaluate(lead, explain: true)
        #expect(fast == slow, "compiled and reference evaluators disagree", sourceLocation: sourceLocation)
        return fast
    }

    func points(_ e: Evaluation, _ category: String) -> Double? {
        compiled.categories.firstIndex { $0.name == category }.map { e.points[$0] }
    }

    func tier(_ e: Evaluation) -> String? { e.tierIndex.map { compiled.tiers[$0].name } }

    func queue(_ e: Evaluation) -> String? { e.routeIndex.map { compiled.routes[$0].definition.queue } }
}

/// The default playbook, compiled once for all tests.
let playbook: Engines = {
    do {
        guard let program = Compiler.compile(try playbookSources()).program else {
            fatalError("rules/ does not compile")
        }
        return Engines(program)
    } catch {
        fatalError("cannot read rules/: \(error)")
    }
}()

/// Compiles one inline playbook; nil (and an issue) when it has errors.
func engines(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Engines? {
    let result = Compiler.compile([SourceFile(path: "test.rules", text: text)])
    guard let program = result.program else {
        Issue.record("does not compile: \(result.diagnostics.map { $0.message })", sourceLocation: sourceLocation)
        return nil
    }
    return Engines(program)
}

/// 2026-03-21T10:00:00Z. (`hour` and `day` are in EngineSupport.swift.)
let now: Int64 = 1_774_087_200_000

/// A lead of the default playbook with no points at all: French, registered
/// an hour ago, no email, phone, age or source, no activity.
func blankLead() -> LeadSnapshot {
    LeadSnapshot(fields: ["country": .string("FR"), "language": .string("French"),
                          "registered_at": .time(now - hour)],
                 events: ["lead_created": EventStats(count: 1, first: now - hour, last: now - hour)], now: now)
}

extension LeadSnapshot {
    /// The lead with `count` events of a type, the first a day ago.
    func with(_ event: String, count: Int = 1) -> LeadSnapshot {
        var copy = self
        copy.events[event] = EventStats(count: count, first: now - day, last: now - hour)
        return copy
    }

    func with(_ field: String, _ value: Value) -> LeadSnapshot {
        var copy = self
        copy.fields[field] = value
        return copy
    }
}

/// `file:line` of the first line of `rules/<file>` that contains `text`.
func playbookLine(_ text: String, in file: String) throws -> String {
    let lines = try String(contentsOf: playbookDirectory.appendingPathComponent(file), encoding: .utf8)
        .split(separator: "\n", omittingEmptySubsequences: false)
    let index = try #require(lines.firstIndex { $0.contains(text) }, "'\(text)' not in \(file)")
    return "rules/\(file):\(index + 1)"
}
