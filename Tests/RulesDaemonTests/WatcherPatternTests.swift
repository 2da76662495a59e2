// The ways rule files really change on disk, each done for real in a
// temporary copy of rules/ watched with real inotify: after the change
// settles the watcher must have fired, and loading the directory must give
// what a fresh directory holding the intended files gives (same version
// hash, same program), or the refusal with its diagnostics.

import Foundation
import Testing
@testable import RulesDaemon
import RulesCompiler

struct FileChangePattern: Sendable, CustomTestStringConvertible {
    enum Expected: Sendable {
        /// Loads as a fresh directory with exactly these files, and the program passes `check`.
        case good([String: String], check: @Sendable (RulesSnapshot) -> Bool)
        /// Refused; the diagnostics hold these `file:line:col: error:` headers (file relative to rules/).
        case refused([String])
    }

    let name: String
    let layout: RulesScratch.Layout
    let change: @Sendable (RulesScratch) throws -> Void
    let expected: Expected
    var testDescription: String { name }

    static let all: [FileChangePattern] = [
        FileChangePattern(name: "sed -i (the real sed: temp file renamed over)", layout: .plain,
                          change: { try $0.sedInPlace("s/CALL WITHIN 60s/CALL WITHIN 30s/", "tiers.rules") },
                          expected: .good(BaseRules.files.with("tiers.rules", BaseRules.fasterHotTier),
                                          check: { hotTierSLA($0) == 30_000 })),
        FileChangePattern(name: "vim save (4913 probe, rename to backup, new file, backup removed)", layout: .plain,
                          change: { try $0.vimSave("tiers.rules", BaseRules.fasterHotTier) },
                          expected: .good(BaseRules.files.with("tiers.rules", BaseRules.fasterHotTier),
                                          check: { hotTierSLA($0) == 30_000 })),
        FileChangePattern(name: "hidden temp file renamed over", layout: .plain,
                          change: { try $0.atomicSave("tiers.rules", BaseRules.fasterHotTier) },
                          expected: .good(BaseRules.files.with("tiers.rules", BaseRules.fasterHotTier),
                                          check: { hotTierSLA($0) == 30_000 })),
        FileChangePattern(name: "file moved in from outside the directory", layout: .plain,
                          change: { scratch in
                              let outside = scratch.root + "/tiers.rules.new"
                              try RulesScratch.writeFile(outside, Array(BaseRules.fasterHotTier.utf8))
                              try scratch.rename(outside, scratch.path("tiers.rules"))
                          },
                          expected: .good(BaseRules.files.with("tiers.rules", BaseRules.fasterHotTier),
                                          check: { hotTierSLA($0) == 30_000 })),
        FileChangePattern(name: "rewritten in place (O_TRUNC, one write)", layout: .plain,
                          change: { try $0.write("tiers.rules", BaseRules.fasterHotTier) },
                          expected: .good(BaseRules.files.with("tiers.rules", BaseRules.fasterHotTier),
                                          check: { hotTierSLA($0) == 30_000 })),
        FileChangePattern(name: "rules file added", layout: .plain,
                          change: { try $0.write("extra.rules", BaseRules.extraFile) },
                          expected: .good(BaseRules.files.with("extra.rules", BaseRules.extraFile),
                                          check: { $0.playbook.program?.lists["vip_countries"] != nil })),
        FileChangePattern(name: "rules file removed", layout: .plain,
                          change: { try $0.unlink($0.path("conversion.rules")) },
                          expected: .good(BaseRules.files.with("conversion.rules", nil),
                                          check: { !$0.files.contains { $0.path == "conversion.rules" } })),
        FileChangePattern(name: "rules file others need removed", layout: .plain,
                          change: { try $0.unlink($0.path("vocabulary.rules")) },
                          expected: .refused(["compliance.rules:29:4: error: undefined event 'opt_out' [E203]"])),
        FileChangePattern(name: "a file that is not a rules file added (reload finds nothing new)", layout: .plain,
                          change: { try $0.write("README.md", "# notes\n") },
                          expected: .good(BaseRules.files, check: { _ in true })),
        FileChangePattern(name: "new subdirectory with a rules file", layout: .plain,
                          change: { try $0.populate($0.path("desk"), ["extra.rules": BaseRules.extraFile]) },
                          expected: .good(BaseRules.files.with("desk/extra.rules", BaseRules.extraFile),
                                          check: { $0.files.contains { $0.path == "desk/extra.rules" } })),
        FileChangePattern(name: "holiday file edited", layout: .plain,
                          change: { try $0.vimSave("holidays.txt", BaseRules.files["holidays.txt"]! + "2027-12-31 New Year's Eve\n") },
                          expected: .good(BaseRules.files.with("holidays.txt", BaseRules.files["holidays.txt"]! + "2027-12-31 New Year's Eve\n"),
                                          check: { $0.isGood })),
        FileChangePattern(name: "holiday file broken", layout: .plain,
                          change: { try $0.atomicSave("holidays.txt", "2027-13-01 no such month\n") },
                          expected: .refused(["holidays.txt:1:1: error:"])),
        FileChangePattern(name: "ConfigMap ..data symlink swap", layout: .configMap,
                          change: { try $0.configMapUpdate(BaseRules.files.with("tiers.rules", BaseRules.fasterHotTier)) },
                          expected: .good(BaseRules.files.with("tiers.rules", BaseRules.fasterHotTier),
                                          check: { hotTierSLA($0) == 30_000 })),
        FileChangePattern(name: "ConfigMap update adding a file", layout: .configMap,
                          change: { try $0.configMapUpdate(BaseRules.files.with("extra.rules", BaseRules.extraFile)) },
                          expected: .good(BaseRules.files.with("extra.rules", BaseRules.extraFile),
                                          check: { $0.playbook.program?.lists["vip_countries"] != nil })),
        FileChangePattern(name: "ConfigMap update removing a file", layout: .configMap,
                          change: { try $0.configMapUpdate(BaseRules.files.with("conversion.rules", nil)) },
                          expected: .good(BaseRules.files.with("conversion.rules", nil),
                                          check: { !$0.files.contains { $0.path == "conversion.rules" } })),
        FileChangePattern(name: "ConfigMap update with a broken file", layout: .configMap,
                          change: { try $0.configMapUpdate(BaseRules.files.with("tiers.rules", "TIER hot WHEN lead_score >= \n")) },
                          expected: .refused(["tiers.rules:1:28: error:"])),
    ]
}

@Suite struct WatcherPatternTests {
    @Test(arguments: FileChangePattern.all)
    func changeSettlesIntoOneReload(_ pattern: FileChangePattern) async throws {
        let watched = try WatchedRules(layout: pattern.layout)
        defer { watched.watcher.stop() }
        let before = try RulesSnapshot.load(directory: watched.scratch.rules)
        #expect(before.isGood)
        #expect(before.hash == (try referenceSnapshot(BaseRules.files)).hash, "the base layout loads as rules/ does")

        try pattern.change(watched.scratch)

        switch pattern.expected {
        case .good(let files, let check):
            let reference = try referenceSnapshot(files)
            let (fired, result) = await watched.settle(after: 0) { $0.snapshot?.hash == reference.hash }
            #expect(fired, "the watcher signalled the change")
            let snapshot = try #require(try result?.get())
            #expect(snapshot.hash == reference.hash)
            #expect(snapshot.files == reference.files)
            #expect(snapshot.isGood)
            #expect(check(snapshot))
        case .refused(let headers):
            let (fired, result) = await watched.settle(after: 0) { $0.snapshot?.isGood == false }
            #expect(fired, "the watcher signalled the change")
            let snapshot = try #require(try result?.get())
            #expect(!snapshot.isGood)
            #expect(snapshot.hash != before.hash)
            for header in headers {
                #expect(snapshot.diagnosticsText.contains(watched.scratch.rules + "/" + header), "\(snapshot.diagnosticsText)")
            }
        }
        await watched.stop()
        #expect(await watched.log.ended, "stop() ends the stream")
    }
}
