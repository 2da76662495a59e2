// Changes that take more than one burst, and the watcher's own life: a file
// written in two steps (the half state refused, the whole accepted), the
// directory removed and recreated, moved aside and replaced, a symlinked
// directory swapped, a subdirectory edited after it was created, rapid
// writes coalesced, and start/stop without leaks. Real directories, real inotify.

import Foundation
import Testing
@testable import RulesDaemon
import RulesCompiler

@Suite struct WatcherSequenceTests {
    /// Truncated and rewritten in two steps through one descriptor, pausing
    /// in between longer than the debounce: the half state is its own burst
    /// and is refused with a diagnostic at file:line:col; the rest of the
    /// write is another burst, and that one loads.
    @Test(arguments: [
        ("half a line", "TIER warm WHEN lead_score 40-", "tiers.rules:11:30: error: expected a number after '-' in range, found end of line [E100]"),
        ("empty", "", "nurture.rules:44:36: error: undefined tier 'warm' [E207]"),
    ])
    func fileTruncatedAndRewrittenInTwoSteps(_ first: String, cutBefore: String, header: String) async throws {
        let watched = try WatchedRules()
        defer { watched.watcher.stop() }
        let base = try RulesSnapshot.load(directory: watched.scratch.rules)
        let text = Array(BaseRules.files["tiers.rules"]!.utf8)
        let original = BaseRules.files["tiers.rules"]!
        let cut = cutBefore.isEmpty ? 0
            : original.utf8.distance(from: original.startIndex, to: try #require(original.range(of: cutBefore)).upperBound)

        let fd = open(watched.scratch.path("tiers.rules"), O_WRONLY | O_TRUNC)
        #expect(fd >= 0)
        defer { close(fd) }
        try RulesScratch.writeAll(fd, Array(text[..<cut]))

        let (firstFired, half) = await watched.settle(after: 0) { $0.snapshot?.isGood == false }
        #expect(firstFired)
        let refused = try #require(try half?.get())
        #expect(!refused.isGood, "the half-written file is refused")
        #expect(refused.diagnosticsText.contains(watched.scratch.rules + "/" + header), "\(refused.diagnosticsText)")
        #expect(refused.hash != base.hash)

        let seen = await watched.log.count
        try RulesScratch.writeAll(fd, Array(text[cut...]))
        let (secondFired, whole) = await watched.settle(after: seen) { $0.snapshot?.hash == base.hash }
        #expect(secondFired, "the rest of the write is another burst")
        let restored = try #require(try whole?.get())
        #expect(restored.isGood)
        #expect(restored.hash == base.hash)
        await watched.stop()
    }

    /// rm -rf of the directory: reported (burst, `directoryPresent` false,
    /// the load says it does not exist), no spinning; recreated: seen, and
    /// watched again (a later edit in it is a burst too).
    @Test func directoryRemovedAndRecreated() async throws {
        let watched = try WatchedRules()
        defer { watched.watcher.stop() }
        let base = try RulesSnapshot.load(directory: watched.scratch.rules)

        try watched.scratch.removeTree(watched.scratch.rules)
        let (fired, gone) = await watched.settle(after: 0) { $0.error == .missingDirectory(watched.scratch.rules) }
        #expect(fired)
        #expect(gone?.error == .missingDirectory(watched.scratch.rules))
        #expect(gone?.error?.description == "rules directory '\(watched.scratch.rules)' does not exist")
        #expect(!watched.watcher.directoryPresent)
        #expect(watched.watcher.isRunning, "the watcher keeps running without its directory")
        let afterRemoval = await watched.log.count

        try watched.scratch.populate(watched.scratch.rules, BaseRules.files)
        let (back, recreated) = await watched.settle(after: afterRemoval) { $0.snapshot?.hash == base.hash }
        #expect(back)
        #expect(recreated?.snapshot?.hash == base.hash)
        #expect(watched.watcher.directoryPresent)
        // The removal's many events settle into a burst or two, the return
        // likewise; nothing keeps firing while the directory is away.
        #expect(watched.watcher.burstCount <= 4)

        let afterReturn = await watched.log.count
        try watched.scratch.vimSave("tiers.rules", BaseRules.fasterHotTier)
        let (edited, result) = await watched.settle(after: afterReturn) { hotTierSLA($0.snapshot) == 30_000 }
        #expect(edited, "the recreated directory is watched")
        #expect(hotTierSLA(result?.snapshot) == 30_000)
        await watched.stop()
    }

    /// `mv rules rules.old && mv rules.new rules`: the new directory's rules
    /// load, and edits in it are seen.
    @Test func directoryMovedAsideAndReplaced() async throws {
        let watched = try WatchedRules()
        defer { watched.watcher.stop() }
        let scratch = watched.scratch
        let replacement = BaseRules.files.with("tiers.rules", BaseRules.fasterHotTier)
        try scratch.populate(scratch.root + "/rules.new", replacement)

        try scratch.rename(scratch.rules, scratch.root + "/rules.old")
        try scratch.rename(scratch.root + "/rules.new", scratch.rules)
        let expected = try referenceSnapshot(replacement)
        let (fired, result) = await watched.settle(after: 0) { $0.snapshot?.hash == expected.hash }
        #expect(fired)
        #expect(result?.snapshot?.hash == expected.hash)

        let seen = await watched.log.count
        try scratch.write("extra.rules", BaseRules.extraFile)
        let withExtra = try referenceSnapshot(replacement.with("extra.rules", BaseRules.extraFile))
        let (edited, later) = await watched.settle(after: seen) { $0.snapshot?.hash == withExtra.hash }
        #expect(edited, "the replacement directory is watched")
        #expect(later?.snapshot?.hash == withExtra.hash)
        await watched.stop()
    }

    /// The rules path is a symlink to a versioned directory, swapped by
    /// renaming a new link over it (`ln -s v2 tmp && mv -T tmp rules`).
    @Test func symlinkedDirectorySwapped() async throws {
        let scratch = try RulesScratch()
        let v1 = scratch.root + "/v1"
        let v2 = scratch.root + "/v2"
        try scratch.rename(scratch.rules, v1)
        try scratch.symlink("v1", at: scratch.rules)
        let second = BaseRules.files.with("tiers.rules", BaseRules.fasterHotTier)
        try scratch.populate(v2, second)

        let watcher = RulesWatcher(directory: scratch.rules, debounce: .milliseconds(100))
        let log = BurstLog()
        let consumer = log.consume(watcher)
        try watcher.start()
        defer { watcher.stop() }

        try scratch.symlink("v2", at: scratch.root + "/rules.tmp")
        try scratch.rename(scratch.root + "/rules.tmp", scratch.rules)
        #expect(await log.wait(for: 1))
        let swapped = try RulesSnapshot.load(directory: scratch.rules)
        #expect(swapped.hash == (try referenceSnapshot(second)).hash)
        #expect(hotTierSLA(swapped) == 30_000)

        // Now v2 is the directory watched: an edit there is seen.
        let seen = await log.count
        try RulesScratch.writeFile(v2 + "/extra.rules", Array(BaseRules.extraFile.utf8))
        #expect(await log.wait(for: seen + 1), "the new link target is watched")
        #expect(try RulesSnapshot.load(directory: scratch.rules).files.contains { $0.path == "extra.rules" })
        watcher.stop()
        await consumer.value
    }

    /// A subdirectory created after start is watched: a later edit inside it is seen.
    @Test func subdirectoryCreatedLaterIsWatched() async throws {
        let watched = try WatchedRules()
        defer { watched.watcher.stop() }
        try watched.scratch.makeDirectory(watched.scratch.path("desk"))
        #expect(await watched.log.wait(for: 1))
        let seen = await watched.log.count
        try RulesScratch.writeFile(watched.scratch.path("desk/extra.rules"), Array(BaseRules.extraFile.utf8))
        let expected = try referenceSnapshot(BaseRules.files.with("desk/extra.rules", BaseRules.extraFile))
        let (fired, result) = await watched.settle(after: seen) { $0.snapshot?.hash == expected.hash }
        #expect(fired)
        #expect(result?.snapshot?.hash == expected.hash)
        await watched.stop()
    }

    /// Many writes in quick succession are one burst: with a 1 s debounce,
    /// 40 writes (well under a second) fire once; a later change fires once more.
    @Test func rapidWritesAreOneBurst() async throws {
        let watched = try WatchedRules(debounce: .seconds(1), maxDelay: .seconds(30))
        defer { watched.watcher.stop() }
        for i in 0..<40 {
            try watched.scratch.write("tiers.rules", BaseRules.fasterHotTier + "# save \(i)\n")
        }
        #expect(await watched.log.wait(for: 1))
        #expect(hotTierSLA(try RulesSnapshot.load(directory: watched.scratch.rules)) == 30_000)
        try watched.scratch.write("extra.rules", BaseRules.extraFile)
        #expect(await watched.log.wait(for: 2))
        #expect(watched.watcher.burstCount == 2, "40 writes and one more are two bursts")
        await watched.stop()
    }

    /// stop() ends the stream, drops the inotify watches (no descriptor left
    /// watching the directory) and the watcher cannot be started again.
    @Test func stopEndsTheStreamAndClosesTheDescriptor() async throws {
        let scratch = try RulesScratch()
        var st = stat()
        #expect(stat(scratch.rules, &st) == 0)
        let inode = UInt64(st.st_ino)
        let watcher = RulesWatcher(directory: scratch.rules)
        let log = BurstLog()
        let consumer = log.consume(watcher)
        #expect(inotifyWatches(onInode: inode) == 0)
        try watcher.start()
        #expect(watcher.isRunning)
        #expect(inotifyWatches(onInode: inode) == 1, "one watch on the directory while running")
        watcher.stop()
        #expect(!watcher.isRunning)
        #expect(await log.waitForEnd(), "stop() ends changes")
        await consumer.value
        #expect(inotifyWatches(onInode: inode) == 0, "the inotify descriptor is closed")
        #expect(throws: RulesWatcherError.stopped) { try watcher.start() }
        watcher.stop()  // twice is fine
    }

    @Test func startOnAMissingDirectoryThrows() throws {
        let scratch = try RulesScratch()
        let missing = scratch.root + "/nope"
        let watcher = RulesWatcher(directory: missing)
        #expect(throws: RulesWatcherError.watch(path: missing, reason: "No such file or directory")) { try watcher.start() }
        #expect(!watcher.isRunning)
    }

    /// The real vim, when installed, saves in a way the watcher sees.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/vim")))
    func realVimSave() async throws {
        let watched = try WatchedRules()
        defer { watched.watcher.stop() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/vim")
        process.arguments = ["-u", "NONE", "-i", "NONE", "-N", "-n", "-Es",
                             "-c", "%s/CALL WITHIN 60s/CALL WITHIN 30s/", "-c", "wq", watched.scratch.path("tiers.rules")]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let expected = try referenceSnapshot(BaseRules.files.with("tiers.rules", BaseRules.fasterHotTier))
        let (fired, result) = await watched.settle(after: 0) { $0.snapshot?.hash == expected.hash }
        #expect(fired)
        #expect(result?.snapshot?.hash == expected.hash)
        await watched.stop()
    }
}

/// How many inotify watches of this process are on the inode (from
/// /proc/self/fdinfo: `inotify wd:1 ino:<hex> sdev:...` per watch).
func inotifyWatches(onInode inode: UInt64) -> Int {
    let needle = "ino:" + String(inode, radix: 16) + " "
    let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fdinfo")) ?? []
    var count = 0
    for fd in fds {
        guard let info = try? String(contentsOfFile: "/proc/self/fdinfo/" + fd, encoding: .utf8) else { continue }
        for line in info.split(separator: "\n") where line.hasPrefix("inotify ") && line.contains(needle) {
            count += 1
        }
    }
    return count
}
