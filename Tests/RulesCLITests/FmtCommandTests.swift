// `rules fmt` end to end: printing, --check and -w on scratch copies of the
// fixtures, and refusing to format a file with syntax errors.

import Foundation
import Testing

@Suite struct FmtCommandTests {
    let dir: URL

    init() throws {
        dir = try CLI.temporaryDirectory()
    }

    private func copyFixture(_ name: String, as target: String? = nil) throws {
        try FileManager.default.copyItem(at: CLI.fixtures.appendingPathComponent("fmt/" + name),
                                         to: dir.appendingPathComponent(target ?? name))
    }

    private func contents(_ name: String) throws -> Data {
        try Data(contentsOf: dir.appendingPathComponent(name))
    }

    /// Writes the formatted text of the `ugly.rules` fixture as `name`.
    private func writeFormatted(_ name: String) throws {
        let printed = try CLI.run(["fmt", "fmt/ugly.rules"])
        #expect(printed.status == 0)
        try Data(printed.stdout.utf8).write(to: dir.appendingPathComponent(name))
    }

    @Test func printsEachFileInCanonicalLayout() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try CLI.expectGolden("fmt-print", ["fmt", "fmt/ugly.rules"])
    }

    @Test func checkListsOnlyTheFilesThatAreNotFormatted() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try copyFixture("ugly.rules", as: "b-ugly.rules")
        try writeFormatted("a-formatted.rules")
        try CLI.expectGolden("fmt-check", ["fmt", "--check", "."], in: dir)
    }

    @Test func checkPassesSilentlyWhenEveryFileIsFormatted() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try writeFormatted("formatted.rules")
        #expect(try CLI.run(["fmt", "--check", "formatted.rules"], in: dir) == CLI.Run(status: 0, stdout: "", stderr: ""))
    }

    @Test func writeRewritesChangedFilesOnlyAndNamesThem() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try copyFixture("ugly.rules")
        try writeFormatted("formatted.rules")
        let untouched = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("formatted.rules").path)
        let expected = try contents("formatted.rules")

        let first = try CLI.run(["fmt", "-w", "formatted.rules", "ugly.rules"], in: dir)
        #expect(first == CLI.Run(status: 0, stdout: "formatted ugly.rules\n", stderr: ""))
        #expect(try contents("ugly.rules") == expected)
        let after = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("formatted.rules").path)
        #expect(after[.systemFileNumber] as? Int == untouched[.systemFileNumber] as? Int)

        let second = try CLI.run(["fmt", "-w", "."], in: dir)
        #expect(second == CLI.Run(status: 0, stdout: "", stderr: ""))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["formatted.rules", "ugly.rules"])
    }

    @Test func writeReplacesASymlinksTargetAndKeepsItsPermissions() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try copyFixture("ugly.rules", as: "target.rules")
        let target = dir.appendingPathComponent("target.rules").path
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: target)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.rules").path,
                                                   withDestinationPath: "target.rules")
        let run = try CLI.run(["fmt", "-w", "link.rules"], in: dir)
        #expect(run == CLI.Run(status: 0, stdout: "formatted link.rules\n", stderr: ""))
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: dir.appendingPathComponent("link.rules").path)
        #expect(link == "target.rules")
        #expect(try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int == 0o640)
        #expect(try CLI.run(["fmt", "--check", "target.rules"], in: dir).status == 0)
    }

    @Test func fileWithSyntaxErrorsIsNeverFormatted() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try copyFixture("broken.rules")
        let before = try contents("broken.rules")
        try CLI.expectGolden("fmt-syntax-error", ["fmt", "-w", "broken.rules"], in: dir)
        #expect(try contents("broken.rules") == before)
        let printed = try CLI.run(["fmt", "broken.rules"], in: dir)
        #expect(printed.status == 1 && printed.stdout.isEmpty && printed.stderr.contains("[E100]"))
    }

    @Test func checkAndWriteTogetherIsAUsageError() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CLI.run(["fmt", "--check", "-w", "fmt/ugly.rules"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--check and -w cannot be used together"))
    }
}
