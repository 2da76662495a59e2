// One rulesd per database. SQLite lets two processes open the same file
// (WAL), and two daemons on one store would each fire every timer; so the
// process takes an exclusive advisory lock (flock) on `<db>.lock` before it
// opens the store, and keeps it until it exits. The kernel drops the lock
// when the process dies, so a rulesd killed with SIGKILL never leaves a
// stale lock behind.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The held lock; released when the process exits.
final class DatabaseLock: @unchecked Sendable {
    let path: String
    private let fd: Int32

    /// Locks `<database>.lock`, or says why not.
    init(database: String) throws(ConfigProblem) {
        path = database + ".lock"
        let opened = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard opened >= 0 else {
            throw ConfigProblem("cannot create the lock file '\(path)': \(String(cString: strerror(errno)))")
        }
        guard flock(opened, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno == EWOULDBLOCK
                ? "the database is locked by another process (is another rulesd running on it?)"
                : "cannot lock '\(path)': \(String(cString: strerror(errno)))"
            let holder = Self.read(opened)
            close(opened)
            throw ConfigProblem(reason + (holder.isEmpty ? "" : "; the lock file names pid \(holder)"))
        }
        fd = opened
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }

    private static func read(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return "" }
        return String(decoding: buffer[..<n], as: UTF8.self).trimmingWhitespace
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
