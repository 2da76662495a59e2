// RulesSnapshot on real directories: what is in the set, the version hash
// (reproducible with sha256sum, independent of where and how the files are
// laid out), the diagnostics exactly as `rules check` prints them, and the
// typed errors for a directory that cannot be read at all.

import Foundation
import Testing
@testable import RulesDaemon
import RulesCompiler
import RulesStore

@Suite struct ReloadSnapshotTests {
    @Test func baseRulesLoadWithEveryFileHashed() throws {
        let scratch = try RulesScratch()
        let snapshot = try RulesSnapshot.load(directory: scratch.rules)
        #expect(snapshot.isGood)
        #expect(snapshot.directory == scratch.rules)
        #expect(snapshot.files.map(\.path) == BaseRules.files.keys.sorted())
        #expect(snapshot.files.allSatisfy { $0.sha256.count == 64 })
        #expect(snapshot.hash.count == 64)
        // The documented reproduction: sha256sum of the files sorted by path, hashed again.
        let shell = try runProcess("/bin/sh", ["-c", "cd '\(scratch.rules)' && LC_ALL=C sha256sum $(ls | LC_ALL=C sort) | sha256sum"])
        #expect(shell.status == 0)
        #expect(shell.stdout == snapshot.hash + "  -\n")
        let perFile = try runProcess("/bin/sh", ["-c", "cd '\(scratch.rules)' && LC_ALL=C sha256sum $(ls | LC_ALL=C sort)"])
        #expect(perFile.stdout == snapshot.files.map { "\($0.sha256)  \($0.path)\n" }.joined())
    }

    /// The hash names the content: the same files give the same version
    /// wherever and however they are laid out; any byte or name changed gives another.
    @Test(arguments: [
        ("another directory", RulesScratch.Layout.plain, ""),
        ("trailing slash", .plain, "/"),
        ("ConfigMap layout (..data, ..2026_... and symlinks)", .configMap, ""),
    ])
    func sameFilesSameHash(_ what: String, layout: RulesScratch.Layout, suffix: String) throws {
        let reference = try referenceSnapshot(BaseRules.files)
        let scratch = try RulesScratch(layout: layout)
        let snapshot = try RulesSnapshot.load(directory: scratch.rules + suffix)
        #expect(snapshot.hash == reference.hash)
        #expect(snapshot.isGood)
        #expect(snapshot.files == reference.files, "ConfigMap internals are not part of the set")
    }

    @Test(arguments: [
        FileSet("one byte changed", BaseRules.files.with("tiers.rules", BaseRules.files["tiers.rules"]! + "\n")),
        FileSet("a file renamed", BaseRules.files.with("conversion.rules", nil).with("deposit.rules", BaseRules.files["conversion.rules"]!)),
        FileSet("a file moved to a subdirectory", BaseRules.files.with("conversion.rules", nil).with("desk/conversion.rules", BaseRules.files["conversion.rules"]!)),
        FileSet("holiday file changed", BaseRules.files.with("holidays.txt", BaseRules.files["holidays.txt"]! + "2027-12-31\n")),
        FileSet("a file added", BaseRules.files.with("extra.rules", BaseRules.extraFile)),
    ])
    func anyChangeChangesTheHash(_ set: FileSet) throws {
        let base = try referenceSnapshot(BaseRules.files)
        let changed = try referenceSnapshot(set.files)
        #expect(changed.isGood)
        #expect(changed.hash != base.hash)
        #expect(changed.hash == RulesSnapshot.versionHash(changed.files))
    }

    /// Errors and warnings are rendered exactly as `rules check DIR` prints them.
    @Test(arguments: [
        FileSet("good, with warnings", BaseRules.files),
        FileSet("refused", BaseRules.files.with("tiers.rules", "TIER hot WHEN lead_score >= \n")),
        FileSet("refused by the holiday file", BaseRules.files.with("holidays.txt", "2027-13-01 no such month\n")),
        FileSet("refused with dozens of errors (a file others need removed)", BaseRules.files.with("vocabulary.rules", nil)),
    ])
    func diagnosticsAsRulesCheckPrintsThem(_ set: FileSet) throws {
        let scratch = try RulesScratch(files: set.files)
        let snapshot = try RulesSnapshot.load(directory: scratch.rules)
        let check = try runProcess(try rulesBinary(), ["check", scratch.rules])
        #expect(check.status == (snapshot.isGood ? 0 : 1))
        #expect(snapshot.diagnosticsText == check.stdout)
        #expect(!snapshot.diagnosticsText.isEmpty)
    }

    @Test func refusedSnapshotKeepsItsNameAndDiagnostics() throws {
        let broken = BaseRules.files.with("tiers.rules", "TIER hot WHEN lead_score >= \n")
        let scratch = try RulesScratch(files: broken)
        let snapshot = try RulesSnapshot.load(directory: scratch.rules)
        #expect(!snapshot.isGood)
        #expect(snapshot.playbook.program == nil)
        #expect(snapshot.playbook.errorCount == 1)
        #expect(snapshot.diagnosticsText.hasPrefix(
            "\(scratch.rules)/routing.rules:37:16: warning: no tier is named 'warm', so lead_tier is never \"warm\" [W311]\n"))
        #expect(snapshot.diagnosticsText.contains(
            "\(scratch.rules)/scoring.rules:43:7: warning: the rows of score category 'behavioral' can add up to 75 points, above its MAX 50 [W300]\n"))
        #expect(snapshot.diagnosticsText.contains(
            "\(scratch.rules)/tiers.rules:1:28: error: expected an expression, found end of line [E100]\n"))
        #expect(snapshot.diagnosticsText.hasSuffix("1 error, 3 warnings\n"))
        #expect(snapshot.hash == (try referenceSnapshot(broken)).hash, "a refused version is named too")
    }

    @Test func versionRecordCarriesTheHashAndFiles() throws {
        let snapshot = try referenceSnapshot(BaseRules.files)
        let record = snapshot.versionRecord(loadedAt: 1_700_000_000_000, how: .inotify, by: "ops")
        #expect(record == RulesVersionRecord(hash: snapshot.hash, files: snapshot.files, loadedAt: 1_700_000_000_000,
                                             how: "inotify", by: "ops"))
    }

    enum Broken: String, CaseIterable, Sendable {
        case missing, plainFile, empty, onlyOtherFiles, danglingRulesLink, missingParent
    }

    /// A directory that cannot be loaded at all is a typed error with a message for the operator.
    @Test(arguments: Broken.allCases)
    func unreadableDirectoriesAreTypedErrors(_ broken: Broken) throws {
        let scratch = try RulesScratch()
        let path: String
        let expected: (RulesSnapshotError, String)
        switch broken {
        case .missing:
            path = scratch.root + "/nope"
            expected = (.missingDirectory(path), "rules directory '\(path)' does not exist")
        case .missingParent:
            path = scratch.root + "/nope/rules"
            expected = (.missingDirectory(path), "rules directory '\(path)' does not exist")
        case .plainFile:
            path = scratch.path("tiers.rules")
            expected = (.notADirectory(path), "rules directory '\(path)' is not a directory")
        case .empty:
            path = scratch.root + "/empty"
            try scratch.makeDirectory(path)
            expected = (.noRulesFiles(path), "rules directory '\(path)' holds no .rules files")
        case .onlyOtherFiles:
            path = scratch.root + "/other"
            try scratch.populate(path, ["README.md": "# x\n", ".hidden.rules": "LIST a = [1]\n"])
            expected = (.noRulesFiles(path), "rules directory '\(path)' holds no .rules files")
        case .danglingRulesLink:
            path = scratch.rules
            try scratch.symlink("..data/gone.rules", at: scratch.path("gone.rules"))
            expected = (.unreadableFile(scratch.path("gone.rules"), reason: "No such file or directory"),
                        "cannot read rules file '\(scratch.path("gone.rules"))': No such file or directory")
        }
        #expect(throws: expected.0) { try RulesSnapshot.load(directory: path) }
        #expect(expected.0.description == expected.1)
    }

    @Test(.enabled(if: geteuid() != 0, "root reads any directory"))
    func unlistableDirectoryIsUnreadable() throws {
        let scratch = try RulesScratch()
        #expect(chmod(scratch.rules, 0) == 0)
        defer { chmod(scratch.rules, 0o755) }
        #expect(throws: RulesSnapshotError.unreadableDirectory(scratch.rules, reason: "Permission denied")) {
            try RulesSnapshot.load(directory: scratch.rules)
        }
    }
}

struct ProcessRun {
    var status: Int32
    var stdout: String
}

/// Runs a program with stdout captured through a file; stdin closed, NO_COLOR set.
func runProcess(_ executable: String, _ arguments: [String]) throws -> ProcessRun {
    let scratch = try RulesScratch(files: [:])
    let outPath = scratch.root + "/stdout"
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    process.environment = environment
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try out.close()
    return ProcessRun(status: process.terminationStatus,
                      stdout: String(decoding: try Data(contentsOf: URL(fileURLWithPath: outPath)), as: UTF8.self))
}

/// The `rules` executable built with the tests (`swift build --build-tests` builds it).
func rulesBinary() throws -> String {
    var candidates: [String] = []
    if let override = ProcessInfo.processInfo.environment["RULES_BINARY"] { candidates.append(override) }
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        candidates.append(dir.appendingPathComponent("rules").path)
        dir = dir.deletingLastPathComponent()
    }
    candidates.append(URL(fileURLWithPath: BaseRules.directory).deletingLastPathComponent()
        .appendingPathComponent(".build/debug/rules").path)
    var isDirectory: ObjCBool = false
    for candidate in candidates where FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory)
        && !isDirectory.boolValue && FileManager.default.isExecutableFile(atPath: candidate) {
        return candidate
    }
    throw ScratchError("the rules executable is not built (looked at \(candidates))")
}
