// SourceLoader against real directory trees in a scratch directory.

import Foundation
import RulesCompiler
import RulesLanguage
import Testing

@Suite struct SourceLoaderTests {
    let root: URL

    init() throws {
        root = try CLI.temporaryDirectory()
    }

    /// Writes `text` at `relative` under the scratch root, creating directories.
    private func write(_ relative: String, _ text: String = "QUEUE a\n") throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    private func path(_ relative: String) -> String {
        root.appendingPathComponent(relative).path
    }

    @Test func directoryYieldsRulesFilesRecursivelySortedByPathSkippingOthers() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        for name in ["b.rules", "a/z.rules", "a.rules", "a-b.rules", "notes.txt", "x.rules.bak",
                     ".hidden.rules", ".git/c.rules"] {
            try write("pb/" + name)
        }
        let base = path("pb")
        #expect(try SourceLoader.expand([base]) == ["a-b.rules", "a.rules", "a/z.rules", "b.rules"].map { base + "/" + $0 })
        #expect(try SourceLoader.expand([base + "/"]).first == base + "/a-b.rules")
    }

    @Test func fileArgumentIsTakenWhateverItsExtension() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("playbook.txt")
        #expect(try SourceLoader.expand([path("playbook.txt")]) == [path("playbook.txt")])
    }

    @Test func symlinksAreFollowedAndCyclesEnd() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("real/r.rules")
        try write("pb/own.rules")
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: path("pb/linked"), withDestinationPath: path("real"))
        try fm.createSymbolicLink(atPath: path("pb/alias.rules"), withDestinationPath: path("elsewhere.rules"))
        try write("elsewhere.rules")
        try fm.createSymbolicLink(atPath: path("pb/loop"), withDestinationPath: path("pb"))
        let found = try SourceLoader.expand([path("pb")])
        #expect(found == ["alias.rules", "linked/r.rules", "own.rules"].map { path("pb/" + $0) })
    }

    @Test func aFileReachedTwiceIsLoadedOnce() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("pb/a.rules")
        try write("pb/b.rules")
        let found = try SourceLoader.expand([path("pb/b.rules"), path("pb"), path("pb/../pb/a.rules")])
        #expect(found == [path("pb/b.rules"), path("pb/a.rules")])
    }

    @Test func missingPathIsUnreadableWithTheSystemReason() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(throws: SourceLoader.LoadError.unreadable(path: "nope/x.rules", reason: "No such file or directory")) {
            try SourceLoader.load(["nope/x.rules"])
        }
    }

    @Test func danglingRulesSymlinkInADirectoryIsUnreadable() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("pb/a.rules")
        try FileManager.default.createSymbolicLink(atPath: path("pb/gone.rules"), withDestinationPath: path("gone"))
        try FileManager.default.createSymbolicLink(atPath: path("pb/gone.txt"), withDestinationPath: path("gone"))
        #expect(throws: SourceLoader.LoadError.unreadable(path: path("pb/gone.rules"), reason: "No such file or directory")) {
            try SourceLoader.expand([path("pb")])
        }
    }

    @Test func directoryWithoutRulesFilesIsReported() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        try write("pb/readme.md")
        #expect(throws: SourceLoader.LoadError.noRulesFiles(directory: path("pb"))) {
            try SourceLoader.expand([path("pb")])
        }
        #expect(SourceLoader.LoadError.noRulesFiles(directory: "pb").description == "no .rules files in directory 'pb'")
    }

    @Test func bytesAreReadExactlyIncludingInvalidUTF8() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        var bytes: [UInt8] = Array("QUEUE caf".utf8) + [0xE9, 0x0D, 0x0A, 0x00, 0xFF]
        bytes += [UInt8](repeating: 0x41, count: 200_000)  // more than one read chunk
        try Data(bytes).write(to: root.appendingPathComponent("junk.rules"))
        let files = try SourceLoader.load([path("junk.rules")])
        #expect(files.count == 1)
        #expect(files.first?.bytes == bytes)
        #expect(files.first?.path == path("junk.rules"))
    }

    @Test func readingADirectoryAsAFileFailsWithAReason() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(throws: SourceLoader.LoadError.unreadable(path: root.path, reason: "Is a directory")) {
            try SourceLoader.read(root.path)
        }
    }
}
