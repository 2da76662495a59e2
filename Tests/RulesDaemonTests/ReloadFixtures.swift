// Shared by the reload and watcher tests: a scratch copy of the repository's
// rules/ in a real temporary directory (plain, or laid out as Kubernetes
// mounts a ConfigMap), the file operations editors and kubelet really do,
// and a way to await the watcher's bursts with a deadline.

import Foundation
import Testing
@testable import RulesDaemon
import RulesCompiler

/// The repository's rules/ directory: the base every scratch copy starts from.
enum BaseRules {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("rules").path

    /// File name → content of the playbook's own files (the *.rules and the
    /// holiday file; not the YAML tests below it).
    static let files: [String: String] = {
        var files: [String: String] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasSuffix(".rules") || name == "holidays.txt" {
            files[name] = try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)
        }
        return files
    }()

    /// `tiers.rules` with the hot tier's SLA cut from 60 s to 30 s: a good edit.
    static var fasterHotTier: String {
        let text = files["tiers.rules"]!
        precondition(text.contains("CALL WITHIN 60s"))
        return text.replacingOccurrences(of: "CALL WITHIN 60s", with: "CALL WITHIN 30s")
    }

    /// A new, valid rules file.
    static let extraFile = "LIST vip_countries = [\"CH\", \"LU\"]\n"
}

/// A scratch area `/tmp/leadrules-reload-XXXXXX/` whose `rules/` is the
/// watched directory (the parent is ours too, so the directory itself can be
/// removed, replaced or turned into a symlink). Removed on deinit.
final class RulesScratch: @unchecked Sendable {
    enum Layout: String, Sendable {
        /// rules/x.rules are the files.
        case plain
        /// As kubelet mounts a ConfigMap: rules/..2026_.../x.rules, rules/..data -> ..2026_...,
        /// rules/x.rules -> ..data/x.rules.
        case configMap
    }

    let root: String
    var rules: String { root + "/rules" }
    private var configMapGeneration = 0

    init(layout: Layout = .plain, files: [String: String] = BaseRules.files) throws {
        var template = Array("/tmp/leadrules-reload-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ScratchError("mkdtemp: \(String(cString: strerror(errno)))") }
        root = String(cString: made)
        switch layout {
        case .plain:
            try makeDirectory(rules)
            for (name, text) in files { try write(name, text) }
        case .configMap:
            try makeDirectory(rules)
            try configMapUpdate(files)
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    func path(_ name: String) -> String { rules + "/" + name }

    // MARK: - Plain file operations (each is the syscalls it names)

    /// open(O_WRONLY|O_CREAT|O_TRUNC), write, close (`a/b.rules`: a/ is created first).
    func write(_ name: String, _ text: String) throws {
        if let slash = name.lastIndex(of: "/") {
            try FileManager.default.createDirectory(atPath: path(String(name[..<slash])), withIntermediateDirectories: true)
        }
        try Self.writeFile(path(name), Array(text.utf8))
    }

    static func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw ScratchError("open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try writeAll(fd, bytes)
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw ScratchError("write: \(String(cString: strerror(errno)))") }
            done += n
        }
    }

    func rename(_ from: String, _ to: String) throws {
        guard Glibc.rename(from, to) == 0 else {
            throw ScratchError("rename \(from) \(to): \(String(cString: strerror(errno)))")
        }
    }

    func unlink(_ path: String) throws {
        guard Glibc.unlink(path) == 0 else { throw ScratchError("unlink \(path): \(String(cString: strerror(errno)))") }
    }

    func symlink(_ target: String, at path: String) throws {
        guard Glibc.symlink(target, path) == 0 else {
            throw ScratchError("symlink \(path): \(String(cString: strerror(errno)))")
        }
    }

    func makeDirectory(_ path: String) throws {
        guard mkdir(path, 0o755) == 0 else { throw ScratchError("mkdir \(path): \(String(cString: strerror(errno)))") }
    }

    func removeTree(_ path: String) throws {
        try FileManager.default.removeItem(atPath: path)
    }

    /// Writes `files` into a new directory `path` (outside or inside rules/).
    func populate(_ path: String, _ files: [String: String]) throws {
        try makeDirectory(path)
        for (name, text) in files { try Self.writeFile(path + "/" + name, Array(text.utf8)) }
    }

    // MARK: - How editors save

    /// vim's `:w` with its defaults ('writebackup', 'backupcopy=auto' on a
    /// file with one link): probe the directory with a file named 4913,
    /// rename the original to the backup name, write a new file, drop the backup.
    func vimSave(_ name: String, _ text: String) throws {
        let probe = path("4913")
        try Self.writeFile(probe, [])
        try unlink(probe)
        let backup = path(name + "~")
        try rename(path(name), backup)
        try Self.writeFile(path(name), Array(text.utf8))
        try unlink(backup)
    }

    /// Write a temporary file next to it, rename it over (what `sed -i`,
    /// many editors and config management tools do).
    func atomicSave(_ name: String, _ text: String) throws {
        let temporary = path(".\(name).tmp\(getpid())")
        try Self.writeFile(temporary, Array(text.utf8))
        try rename(temporary, path(name))
    }

    /// Runs the real `sed -i` on a file.
    func sedInPlace(_ expression: String, _ name: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sed", "-i", expression, path(name)]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ScratchError("sed -i exited \(process.terminationStatus)") }
    }

    // MARK: - Kubernetes ConfigMap

    /// What kubelet's atomic writer does on an update: the new files in a new
    /// hidden timestamped directory, a `..data_tmp` symlink to it renamed over
    /// `..data`, then the user-visible symlinks added and removed, then the
    /// old timestamped directory removed.
    func configMapUpdate(_ files: [String: String]) throws {
        configMapGeneration += 1
        let generation = String(format: "..2026_11_25_03_21_%02d.%09d", configMapGeneration, 123_456_789 + configMapGeneration)
        let previous = try? FileManager.default.destinationOfSymbolicLink(atPath: path("..data"))
        let visible = Set(((try? FileManager.default.contentsOfDirectory(atPath: rules)) ?? []).filter { !$0.hasPrefix(".") })
        try populate(path(generation), files)
        try symlink(generation, at: path("..data_tmp"))
        try rename(path("..data_tmp"), path("..data"))
        for name in files.keys.sorted() where !visible.contains(name) {
            try symlink("..data/" + name, at: path(name))
        }
        for name in visible.sorted() where files[name] == nil {
            try unlink(path(name))
        }
        if let previous { try removeTree(path(previous)) }
    }
}

struct ScratchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Things that arrive from another task (a watcher's bursts, a reload
/// loop's outcomes), awaited with a deadline.
actor ArrivalLog<Element: Sendable> {
    private(set) var elements: [Element] = []
    private(set) var ended = false
    private var waiters: [UUID: (atLeast: Int, continuation: CheckedContinuation<Bool, Never>)] = [:]

    var count: Int { elements.count }

    func record(_ element: Element) {
        elements.append(element)
        resume { elements.count >= $0 }
    }

    func end() {
        ended = true
        resume { _ in true }
    }

    private func resume(where ready: (Int) -> Bool) {
        for (id, waiter) in waiters where ready(waiter.atLeast) {
            waiters[id] = nil
            waiter.continuation.resume(returning: elements.count >= waiter.atLeast)
        }
    }

    /// True once `atLeast` elements arrived; false when the deadline passed or the source ended first.
    func wait(for atLeast: Int, timeout: Duration = .seconds(20)) async -> Bool {
        if elements.count >= atLeast { return true }
        if ended { return false }
        let id = UUID()
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.timeOut(id)
        }
        let arrived = await withCheckedContinuation { continuation in
            waiters[id] = (atLeast, continuation)
        }
        timer.cancel()
        return arrived
    }

    private func timeOut(_ id: UUID) {
        guard let waiter = waiters.removeValue(forKey: id) else { return }
        waiter.continuation.resume(returning: false)
    }

    /// True once the source has ended, false when the deadline passed first.
    func waitForEnd(timeout: Duration = .seconds(20)) async -> Bool {
        _ = await wait(for: Int.max, timeout: timeout)
        return ended
    }
}

/// The bursts a watcher has signalled.
typealias BurstLog = ArrivalLog<Void>

extension ArrivalLog where Element == Void {
    /// Starts consuming `watcher.changes`.
    nonisolated func consume(_ watcher: RulesWatcher) -> Task<Void, Never> {
        Task {
            for await _ in watcher.changes { await self.record(()) }
            await self.end()
        }
    }
}

/// A scratch rules directory with a started watcher and its burst log.
final class WatchedRules: @unchecked Sendable {
    let scratch: RulesScratch
    let watcher: RulesWatcher
    let log = BurstLog()
    private let consumer: Task<Void, Never>

    init(layout: RulesScratch.Layout = .plain, debounce: Duration = .milliseconds(100),
         maxDelay: Duration = .seconds(5)) throws {
        scratch = try RulesScratch(layout: layout)
        watcher = RulesWatcher(directory: scratch.rules, debounce: debounce, maxDelay: maxDelay)
        try watcher.start()
        consumer = log.consume(watcher)
    }

    /// Waits for the burst after `seen` ones, then for more as long as the
    /// directory does not yet `satisfy` (an editor's steps may straddle a
    /// debounce on a loaded machine); the last snapshot or load error.
    func settle(after seen: Int, timeout: Duration = .seconds(20),
                until satisfied: (Result<RulesSnapshot, RulesSnapshotError>) -> Bool)
        async -> (fired: Bool, result: Result<RulesSnapshot, RulesSnapshotError>?) {
        let deadline = ContinuousClock.now + timeout
        var next = seen + 1
        var fired = false
        var last: Result<RulesSnapshot, RulesSnapshotError>?
        while ContinuousClock.now < deadline {
            guard await log.wait(for: next, timeout: deadline - ContinuousClock.now) else { break }
            fired = true
            let result = Result { () throws(RulesSnapshotError) in try RulesSnapshot.load(directory: scratch.rules) }
            last = result
            if satisfied(result) { break }
            next = await log.count + 1
        }
        return (fired, last)
    }

    func stop() async {
        watcher.stop()
        await consumer.value
    }
}

extension Result where Success == RulesSnapshot, Failure == RulesSnapshotError {
    var snapshot: RulesSnapshot? {
        if case .success(let snapshot) = self { return snapshot }
        return nil
    }
    var error: RulesSnapshotError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// A named file set, as a test argument (its name is what the test log shows).
struct FileSet: Sendable, CustomTestStringConvertible {
    let name: String
    let files: [String: String]
    init(_ name: String, _ files: [String: String]) {
        self.name = name
        self.files = files
    }
    var testDescription: String { name }
}

/// The snapshot of a fresh plain directory holding exactly `files`: what a
/// watched directory must load as once a change has settled.
func referenceSnapshot(_ files: [String: String]) throws -> RulesSnapshot {
    let scratch = try RulesScratch(files: files)
    return try RulesSnapshot.load(directory: scratch.rules)
}

extension Dictionary where Key == String, Value == String {
    func with(_ name: String, _ text: String?) -> [String: String] {
        var copy = self
        copy[name] = text
        return copy
    }
}

/// The hot tier's SLA in a program.
func hotTierSLA(_ snapshot: RulesSnapshot?) -> Int64? {
    guard let tier = snapshot?.playbook.program?.tiers.first(where: { $0.name == "hot" }) else { return nil }
    if case .call(let sla) = tier.action { return sla }
    return nil
}
