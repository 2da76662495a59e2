// One load of the rules directory, checked and named by its content: what
// rulesd puts in force at start and what every reload (inotify, SIGHUP,
// POST /-/reload) builds before deciding anything (Prometheus rules/manager.go
// `Update`: load and check the whole set first, keep the old one on any
// error, then swap). Building a snapshot changes nothing; the daemon swaps.
//
// The playbook comes from `LoadedPlaybook.load(directory:)`, the loader of
// `rules check`, so the daemon and the CLI agree on which files belong to the
// set (every `*.rules` below the directory, hidden entries skipped, symlinks
// followed: a Kubernetes ConfigMap's `x.rules -> ..data/x.rules` is read
// through the link, its `..data` and `..2026_...` entries are not walked).
//
// The version hash is computed from the bytes the compiler was given, not from
// a second read, so a file rewritten between the read and the hash cannot give
// a version whose name does not match its program. Its input is the text
// `sha256sum` prints for the files, sorted by path (byte order), paths
// relative to the directory: `<sha256>  <path>\n` per file. An operator can
// reproduce it: `cd rules && LC_ALL=C sha256sum $(ls ...sorted) | sha256sum`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Crypto
import RulesCompiler
import RulesLanguage
import RulesStore

/// Why a rules directory could not be loaded at all. At start rulesd exits 2
/// with `description`; on a reload the old rules stay in force and the
/// failure is recorded like a refused version.
public enum RulesSnapshotError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing at the path (or a dangling symlink).
    case missingDirectory(String)
    /// The path names something that is not a directory.
    case notADirectory(String)
    /// The directory exists but cannot be listed; `reason` is the system's.
    case unreadableDirectory(String, reason: String)
    /// A rules file in the directory cannot be read (permissions, a link
    /// left dangling in the middle of a ConfigMap update).
    case unreadableFile(String, reason: String)
    /// The directory holds no `*.rules` file at any depth.
    case noRulesFiles(String)

    public var description: String {
        switch self {
        case .missingDirectory(let path): "rules directory '\(path)' does not exist"
        case .notADirectory(let path): "rules directory '\(path)' is not a directory"
        case .unreadableDirectory(let path, let reason): "cannot read rules directory '\(path)': \(reason)"
        case .unreadableFile(let path, let reason): "cannot read rules file '\(path)': \(reason)"
        case .noRulesFiles(let path): "rules directory '\(path)' holds no .rules files"
        }
    }
}

/// A rules directory loaded and checked, with the content hash that names it.
public struct RulesSnapshot: Sendable {
    /// The directory as given (diagnostics name files under it, as
    /// `rules check DIRECTORY` does).
    public let directory: String
    /// The compiled playbook; `.program` is non-nil when it has no error.
    public let playbook: LoadedPlaybook
    /// Every file of the set (rule files and the holiday file), path relative
    /// to `directory` (absolute for a holiday file outside it), sorted by path.
    public let files: [RulesStore.RulesFile]
    /// sha256 (hex) over the sorted (path, sha256) list: the version's name.
    public let hash: String
    /// The diagnostics, errors and warnings, rendered as `rules check` prints
    /// them (text, no color, at most 100 then a count, summary line); empty when clean.
    public let diagnosticsText: String

    /// True when the rules can be put in force.
    public var isGood: Bool { playbook.program != nil }

    /// Loads and checks `directory`. Throws only when the rules cannot be read
    /// at all (see `RulesSnapshotError`); errors in the rules are a snapshot
    /// with `isGood == false` and its diagnostics.
    public static func load(directory: String) throws(RulesSnapshotError) -> RulesSnapshot {
        try checkDirectory(directory)
        let playbook: LoadedPlaybook
        do {
            playbook = try LoadedPlaybook.load(directory: directory)
        } catch {
            switch error {
            case .unreadable(let path, let reason):
                if path == directory { throw .unreadableDirectory(directory, reason: reason) }
                throw .unreadableFile(path, reason: reason)
            case .noRulesFiles:
                throw .noRulesFiles(directory)
            }
        }
        return RulesSnapshot(directory: directory, playbook: playbook)
    }

    /// A snapshot of an already loaded playbook (hash and rendering computed here).
    public init(directory: String, playbook: LoadedPlaybook) {
        self.directory = directory
        self.playbook = playbook
        var read = playbook.sources
        if let holidays = playbook.holidayFile { read.append(holidays) }
        var files: [RulesStore.RulesFile] = []
        var seen = Set<String>()
        for source in read {
            let path = Self.relative(source.path, to: directory)
            guard seen.insert(path).inserted else { continue }
            files.append(RulesStore.RulesFile(path: path, sha256: Self.sha256Hex(source.bytes)))
        }
        files.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        self.files = files
        self.hash = Self.versionHash(files)
        self.diagnosticsText = DiagnosticRenderer(format: .text, color: false)
            .render(playbook.diagnostics, dropped: playbook.dropped)
    }

    /// The record the store keeps when this version is put in force.
    public func versionRecord(loadedAt: Int64, how: ReloadTrigger, by: String?) -> RulesVersionRecord {
        RulesVersionRecord(hash: hash, files: files, loadedAt: loadedAt, how: how.rawValue, by: by)
    }

    /// The hash of a file list: sha256 of `<sha256>  <path>\n` per file, in the given order.
    public static func versionHash(_ files: [RulesStore.RulesFile]) -> String {
        var listing = ""
        for file in files { listing += "\(file.sha256)  \(file.path)\n" }
        return sha256Hex(Array(listing.utf8))
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String {
        let digest = SHA256.hash(data: bytes)
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `path` without the `directory/` it was found under.
    static func relative(_ path: String, to directory: String) -> String {
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        if path.hasPrefix(base) { return String(path.dropFirst(base.count)) }
        return path
    }

    /// The directory itself: present, a directory, listable. (The loader takes
    /// a file argument as a rules file, and says "No such file" as any other
    /// unreadable path; the operator needs to know which it is.)
    private static func checkDirectory(_ directory: String) throws(RulesSnapshotError) {
        var st = stat()
        guard stat(directory, &st) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .missingDirectory(directory) }
            throw .unreadableDirectory(directory, reason: String(cString: strerror(code)))
        }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw .notADirectory(directory) }
        guard let dir = opendir(directory) else {
            throw .unreadableDirectory(directory, reason: String(cString: strerror(errno)))
        }
        closedir(dir)
    }
}
