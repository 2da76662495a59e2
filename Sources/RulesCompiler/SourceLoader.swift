// Turns the PATH arguments of `rules check` / `rules fmt` into source files.
// A file argument is taken as is, whatever its extension (the user named it);
// a directory contributes the `*.rules` files below it, sorted byte-wise by
// path (docs/LANGUAGE.md, "Playbooks and files"), so declarations and
// diagnostics come in the same order on every machine. Files are read as
// bytes: invalid UTF-8 is the lexer's to report, never a load failure.
//
// Plain POSIX calls are used so that the reason for a failure is the system's
// own wording ("No such file or directory", "Permission denied").

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RulesLanguage

/// Expands PATH arguments and reads the files they name.
public enum SourceLoader {
    /// Why the inputs could not be loaded; the command exits 2 on any of these.
    public enum LoadError: Error, Equatable, CustomStringConvertible {
        /// A path that does not exist or cannot be read; `reason` is the system's.
        case unreadable(path: String, reason: String)
        /// A directory argument holding no `*.rules` file at any depth.
        case noRulesFiles(directory: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): "cannot read '\(path)': \(reason)"
            case .noRulesFiles(let directory): "no .rules files in directory '\(directory)'"
            }
        }
    }

    /// The extension a file needs to be picked up from a directory.
    public static let fileExtension = ".rules"

    /// Reads every file the arguments name, in argument order; a file named
    /// twice (directly, through a directory or a symlink) is read once.
    public static func load(_ paths: [String]) throws(LoadError) -> [SourceFile] {
        try expand(paths).map { path throws(LoadError) in try read(path) }
    }

    /// The file paths the arguments stand for, without reading them.
    public static func expand(_ paths: [String]) throws(LoadError) -> [String] {
        var result: [String] = []
        var seen = Set<FileID>()
        for path in paths {
            let info = try status(path)
            if info.isDirectory {
                var visited: Set<FileID> = [info.id]
                var found: [(path: String, id: FileID)] = []
                try walk(path, visited: &visited, into: &found)
                if found.isEmpty { throw .noRulesFiles(directory: path) }
                let sorted = found.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
                for file in sorted where seen.insert(file.id).inserted {
                    result.append(file.path)
                }
            } else if seen.insert(info.id).inserted {
                result.append(path)
            }
        }
        return result
    }

    /// Reads one file's bytes.
    public static func read(_ path: String) throws(LoadError) -> SourceFile {
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw .unreadable(path: path, reason: lastError()) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { FileDescriptorIO.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: lastError())
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return SourceFile(path: path, bytes: bytes)
    }

    // MARK: - Directory walk

    /// Device and inode: identifies a file however it was reached.
    struct FileID: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    private struct Status {
        var id: FileID
        var isDirectory: Bool
    }

    /// `stat` (following symlinks), or an unreadable error naming `path`.
    private static func status(_ path: String) throws(LoadError) -> Status {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .unreadable(path: path, reason: lastError()) }
        let id = FileID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        return Status(id: id, isDirectory: (st.st_mode & S_IFMT) == S_IFDIR)
    }

    /// Collects `*.rules` files under `directory`. Hidden entries (a leading
    /// dot: `.git`, editor lock files) are skipped; `visited` stops symlink cycles.
    private static func walk(_ directory: String, visited: inout Set<FileID>,
                             into found: inout [(path: String, id: FileID)]) throws(LoadError) {
        for name in try entries(directory) where !name.hasPrefix(".") {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            let isRulesFile = name.hasSuffix(fileExtension)
            let info: Status
            do {
                info = try status(path)
            } catch {
                // A dangling link or unreadable entry matters only if it was meant to be read.
                if isRulesFile { throw error }
                continue
            }
            if info.isDirectory {
                if visited.insert(info.id).inserted {
                    try walk(path, visited: &visited, into: &found)
                }
            } else if isRulesFile {
                found.append((path, info.id))
            }
        }
    }

    /// The names in a directory, without `.` and `..`.
    private static func entries(_ directory: String) throws(LoadError) -> [String] {
        guard let dir = opendir(directory) else {
            throw .unreadable(path: directory, reason: lastError())
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
