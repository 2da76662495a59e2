// The interval reasoning behind the tier and route lints.

import Testing
@testable import RulesCompiler
@testable import RulesLanguage

@Test func scoreSetOperations() {
    let low = ScoreSet.between(0, 39), mid = ScoreSet.between(40, 69), high = ScoreSet.atLeast(70)
    #expect(low.union(mid).description == "0-69")
    #expect(low.union(high).description == "0-39, 70 and above")
    #expect(ScoreSet.between(0, 100).subtracting(low.union(high)).description == "40-69")
    #expect(mid.intersection(.between(60, 80)).description == "60-69")
    #expect(ScoreSet.between(5, 5).description == "5")
    #expect(ScoreSet.between(7, 3).isEmpty)
    #expect(mid.isSubset(of: .atLeast(40)))
    #expect(!mid.isSubset(of: .atLeast(41)))
    #expect(ScoreSet.all.complement.isEmpty)
    #expect(high.complement.description == "69 and below")
}

/// The score set of each TIER condition of `text`, nil where the condition is not a pure score test.
private func tierSets(_ text: String) -> [String?] {
    let parsed = Parser.parse(SourceFile(path: "t.rules", text: text))
    let checker = Checker.check([parsed.rulesFile], parseFailed: false, nodeCount: parsed.nextID)
    return parsed.rulesFile.decls.compactMap { decl -> String?? in
        guard case .tier(let tier) = decl else { return nil }
        return .some(checker.scoreSet(tier.condition)?.intersection(.between(0, 100)).description)
    }
}

@Test func pureScoreConditionsBecomeScoreSets() {
    let sets = tierSets("""
    TIER a WHEN lead_score >= 70: NURTURE
    TIER b WHEN lead_score > 69.5: NURTURE
    TIER c WHEN 40 <= lead_score AND lead_score < 70: NURTURE
    TIER d WHEN lead_score 40-69 OR lead_score = 100: NURTURE
    TIER e WHEN NOT lead_score BETWEEN 10 AND 90: NURTURE
    TIER f WHEN lead_score != 50 AND lead_score 45-55: NURTURE
    TIER g WHEN lead_score = 50.5: NURTURE
    TIER h WHEN TRUE: NURTURE
    TIER i WHEN lead_score >= 70 AND language = "German": NURTURE
    TIER j WHEN attempts >= 3: NURTURE
    """)
    #expect(sets == ["70-100", "70-100", "40-69", "40-69, 100", "0-9, 91-100", "45-49, 51-55", "(none)", "0-100",
                     nil, nil])
}

@Test func conditionsSplitIntoScorePartAndOtherConjuncts() {
    let parsed = Parser.parse(SourceFile(path: "t.rules", text: """
    IF lead_score >= 70 AND language = "German" AND lead_score < 90 AND "x" = source:
        ASSIGN TO q
    """))
    let checker = Checker.check([parsed.rulesFile], parseFailed: false, nodeCount: parsed.nextID)
    guard case .route(let route)? = parsed.rulesFile.decls.first else {
        Issue.record("expected a route")
        return
    }
    let (scores, others) = checker.decompose(route.condition)
    #expect(scores.description == "70-89")
    // Operands of = are ordered canonically, so both spellings give one key.
    #expect(others == [#"("German" = language)"#, #"("x" = source)"#])
}
