import Foundation
import Testing
@testable import RulesLanguage

func fixtureURL(_ name: String) -> URL {
    Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!
}

func parse(_ text: String, path: String = "test.rules") -> Parser.Result {
    Parser.parse(SourceFile(path: path, text: text))
}

func messages(_ r: Parser.Result) -> [String] {
    r.diagnostics.sorted().map { "\($0.location) \($0.code) \($0.message)" }
}

@Test func seedRoutingBlocksParseWithoutDiagnostics() throws {
    let data = try Data(contentsOf: fixtureURL("seed-routing.rules"))
    let result = Parser.parse(SourceFile(path: "seed-routing.rules", bytes: Array(data)))
    #expect(messages(result) == [])
    let routes = result.rulesFile.decls.compactMap { d -> RouteDecl? in
        if case .route(let r) = d { return r } else { return nil }
    }
    #expect(routes.count == 4)
    #expect(routes.map(\.statements.count) == [3, 3, 3, 3])
    guard case .range(_, let low, let high, .dash) = routes[2].condition.kind else {
        Issue.record("third route should be the range form lead_score 40-69")
        return
    }
    #expect(low.kind == .number(40))
    #expect(high.kind == .number(69))
    #expect(result.rulesFile.comments.map(\.text) == [" (email/SMS only initially)"])
}

@Test func oneErrorPerBadLineAndParsingResumes() {
    let r = parse("""
    TIER hot WHEN lead_score >= 70 CALL WITHIN 60s
    TIER warm WHEN lead_score 40-69: CALL WITHIN 2h
    IF lead_score < 40:
        ASSIGN nurture
        PRIORITY = AUTOMATED
    FOO bar
    """)
    #expect(messages(r) == [
        "1:32 E100 expected ':' after the tier condition, found 'CALL'",
        "4:12 E100 expected 'TO' after ASSIGN, found 'nurture'",
        "6:1 E104 unknown declaration 'FOO'",
    ])
    #expect(r.rulesFile.decls.count == 2)
}
