import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesLanguage

@Test func scratchDump() throws {
    let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["PROBE"] ?? "/work/wt/checker/rules")
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".rules") }.sorted()
    let files = try names.map { try sourceFile(at: dir.appendingPathComponent($0)) }
    var t = Date()
    func lap(_ s: String) { print(s, Int(Date().timeIntervalSince(t) * 1000), "ms"); t = Date() }
    var next = 0
    let parsed = files.map { f -> RulesFile in let r = Parser.parse(f, firstID: next); next = r.nextID; return r.rulesFile }
    lap("parse")
    var c = Checker(files: parsed, parseFailed: false, nodeCount: next)
    lap("init")
    c.collect(); lap("collect")
    c.checkDeclarations(); lap("check")
    c.lintCategories(); lap("categories")
    c.lintTiers(); lap("tiers")
    var n = 0
    for (d, _) in c.allDecls { if case .route(let r) = d { n += c.decompose(r.condition).others.count } }
    lap("decompose")
    for (d, _) in c.allDecls { if case .route(let r) = d { n += c.structuralKey(r.condition).count } }
    lap("keys")
    _ = c.scoreDomain; lap("domain")
    c.lintRoutes(); lap("routes")
    c.lint(); lap("all lints again")
    _ = c.bag.sorted(); lap("sort")
    _ = c.lower(); lap("lower")
}
