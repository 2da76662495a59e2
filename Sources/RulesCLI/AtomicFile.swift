// Replaces a file's contents so that a reader (an editor, `rulesd` watching
// rules/) sees either the old file or the new one, never half of each: write
// a temporary file beside the target, flush it, then rename it over.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RulesCompiler

enum AtomicFile {
    /// Writes `bytes` to `path` atomically, keeping the file's permission bits.
    /// A symlink is followed: its target is replaced, the link stays a link.
    /// Throws a failure naming `path` with the system's reason.
    static func write(_ bytes: [UInt8], to path: String) throws(CommandFailure) {
        let target = resolved(path)
        let directory = target.lastIndex(of: "/").map { String(target[..<$0]) } ?? "."
        let name = target.lastIndex(of: "/").map { String(target[target.index(after: $0)...]) } ?? target
        var template = Array("\(directory.isEmpty ? "/" : directory)/.\(name).fmt-XXXXXX".utf8CString)

        var st = stat()
        let mode = stat(target, &st) == 0 ? st.st_mode & 0o7777 : 0o644
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else { throw failure(path) }
        let temporary = String(cString: template)
        do throws(CommandFailure) {
            defer { close(fd) }
            try writeAll(bytes, fd, path)
            guard fchmod(fd, mode) == 0, fsync(fd) == 0 else { throw failure(path) }
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, target) == 0 else {
            let error = failure(path)
            unlink(temporary)
            throw error
        }
    }

    private static func writeAll(_ bytes: [UInt8], _ fd: Int32, _ path: String) throws(CommandFailure) {
        if !FileDescriptorIO.writeAll(bytes, to: fd) { throw failure(path) }
    }

    /// The real path of `path` when it can be resolved, else `path` itself.
    private static func resolved(_ path: String) -> String {
        guard let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }

    private static func failure(_ path: String) -> CommandFailure {
        CommandFailure(message: "cannot write '\(path)': \(String(cString: strerror(errno)))")
    }
}
