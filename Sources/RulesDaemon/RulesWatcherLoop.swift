// The inotify side of RulesWatcher: the watches, the event decoding and the
// thread's loop. Everything here but `wake()` and `closeAll()` runs on the
// watcher thread (or in `make`, before the thread exists).
//
// Watches:
// - the rules directory and every non-hidden subdirectory below it (the
//   loader reads `*.rules` at any depth); a subdirectory created later is
//   added when its creation is seen, and the debounce deadline always comes
//   after that, so files written into it before the watch existed are read
//   by the reload anyway;
// - the parent directory, for events naming the rules directory itself
//   (removed, recreated, moved aside, a symlink to it swapped). On any of
//   those every watch is dropped and the path watched again: the directory
//   now at that path is the one the reload will read.
// A directory that is gone is reported once (log, `directoryPresent`), not
// retried in a loop: the parent's events say when it is back.

#if os(Linux)
import Glibc
import Foundation  // NSLock
import Logging

final class RulesWatcherLoop: @unchecked Sendable {
    /// The directory, trailing slashes removed.
    private let directory: String
    /// Where the directory's own name lives, and that name; nil when it
    /// cannot be watched that way (`/`, `.`).
    private let parent: (path: String, name: String)?
    private let inotify: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let logger: Logger
    private let signal: @Sendable () -> Void
    private let presence: @Sendable (Bool) -> Void
    private let finished: @Sendable () -> Void

    /// Guards `closed` (so `wake` never writes to a closed, maybe reused, descriptor).
    private let descriptorLock = NSLock()
    private var closed = false

    private var debounce: RulesWatcherDebounce
    private var parentWatch: Int32?
    private var rootWatch: Int32?
    /// Watch descriptor → the directory it watches.
    private var watched: [Int32: String] = [:]
    private var present = true
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    private static let directoryMask = UInt32(IN_CREATE) | UInt32(IN_DELETE) | UInt32(IN_MOVED_FROM)
        | UInt32(IN_MOVED_TO) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_MODIFY) | UInt32(IN_ATTRIB)
        | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_ONLYDIR)
    private static let parentMask = UInt32(IN_CREATE) | UInt32(IN_DELETE) | UInt32(IN_MOVED_FROM)
        | UInt32(IN_MOVED_TO) | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_ONLYDIR)

    /// Opens inotify and the wake pipe and watches `directory` (it must exist).
    init(directory: String, debounce: RulesWatcherDebounce, logger: Logger,
         signal: @escaping @Sendable () -> Void, presence: @escaping @Sendable (Bool) -> Void,
         finished: @escaping @Sendable () -> Void) throws(RulesWatcherError) {
        var path = directory
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        self.directory = path
        self.parent = Self.split(path)
        self.debounce = debounce
        self.logger = logger
        self.signal = signal
        self.presence = presence
        self.finished = finished

        let fd = inotify_init1(Int32(IN_NONBLOCK) | Int32(IN_CLOEXEC))
        guard fd >= 0 else { throw .setup("inotify_init1: \(Self.lastError())") }
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else {
            let why = Self.lastError()
            close(fd)
            throw .setup("pipe: \(why)")
        }
        for end in pipeFDs {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        (inotify, wakeRead, wakeWrite) = (fd, pipeFDs[0], pipeFDs[1])

        if let parent {
            let wd = inotify_add_watch(inotify, parent.path, Self.parentMask)
            if wd >= 0 {
                parentWatch = wd
            } else {
                logger.warning("cannot watch the parent of the rules directory: its removal or replacement will not be seen",
                               metadata: ["directory": "\(path)", "parent": "\(parent.path)",
                                          "reason": "\(Self.lastError())"])
            }
        }
        let wd = inotify_add_watch(inotify, path, Self.directoryMask)
        guard wd >= 0 else {
            let why = Self.lastError()
            closeAll()
            throw .watch(path: path, reason: why)
        }
        rootWatch = wd
        watched[wd] = path
        addSubdirectories(of: path)
    }

    /// Makes the thread leave its loop (from any thread).
    func wake() {
        descriptorLock.withLock {
            guard !closed else { return }
            var byte: UInt8 = 1
            while write(wakeWrite, &byte, 1) < 0 && errno == EINTR {}
        }
    }

    /// Closes inotify and the wake pipe (once).
    func closeAll() {
        descriptorLock.withLock {
            guard !closed else { return }
            closed = true
            close(inotify)
            close(wakeRead)
            close(wakeWrite)
        }
    }

    // MARK: - The thread

    func run() {
        defer {
            closeAll()
            finished()
        }
        var fds = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        while true {
            var timeout: Int32 = -1
            if let deadline = debounce.deadline {
                let milliseconds = (deadline - Self.now() + 999_999) / 1_000_000
                timeout = Int32(clamping: max(0, milliseconds))
            }
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, 2, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                logger.error("rules watcher stopped: poll failed",
                             metadata: ["directory": "\(directory)", "reason": "\(Self.lastError())"])
                return
            }
            if fds[1].revents != 0 { return }
            if fds[0].revents & Int16(POLLIN) != 0 {
                guard drain() else { return }
            } else if fds[0].revents != 0 {
                logger.error("rules watcher stopped: the inotify descriptor failed", metadata: ["directory": "\(directory)"])
                return
            }
            if debounce.fire(at: Self.now()) {
                logger.debug("rules directory changed", metadata: ["directory": "\(directory)"])
                signal()
            }
        }
    }

    /// Reads every queued event; false when reading failed for good.
    private func drain() -> Bool {
        var changed = false
        defer { if changed { debounce.note(at: Self.now()) } }
        while true {
            let count = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { return true }
                if errno == EINTR { continue }
                logger.error("rules watcher stopped: reading inotify failed",
                             metadata: ["directory": "\(directory)", "reason": "\(Self.lastError())"])
                return false
            }
            if count == 0 { return true }
            for event in Self.decode(buffer[0..<count]) where handle(event) {
                changed = true
            }
        }
    }

    // MARK: - Events

    struct Event: Equatable {
        var wd: Int32
        var mask: UInt32
        var name: String
    }

    /// The events in what one read(2) returned: `struct inotify_event`
    /// (wd, mask, cookie, len) followed by `len` bytes of NUL-padded name.
    static func decode(_ bytes: ArraySlice<UInt8>) -> [Event] {
        var events: [Event] = []
        bytes.withUnsafeBytes { raw in
            var offset = 0
            let header = 16
            while offset + header <= raw.count {
                let wd = raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                let length = Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                let start = offset + header
                let end = min(start + length, raw.count)
                var nameEnd = start
                while nameEnd < end && raw[nameEnd] != 0 { nameEnd += 1 }
                let name = String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<nameEnd]), as: UTF8.self)
                events.append(Event(wd: wd, mask: mask, name: name))
                offset = start + length
            }
        }
        return events
    }

    /// Applies one event to the watches; true when it may change what a reload reads.
    private func handle(_ event: Event) -> Bool {
        let mask = event.mask
        if mask & UInt32(IN_Q_OVERFLOW) != 0 {
            logger.warning("inotify queue overflowed: watching the rules directory afresh and reloading",
                           metadata: ["directory": "\(directory)"])
            rewatchDirectory()
            return true
        }
        if let parentWatch, event.wd == parentWatch {
            if mask & (UInt32(IN_IGNORED) | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF)) != 0 {
                if mask & UInt32(IN_IGNORED) == 0 { inotify_rm_watch(inotify, parentWatch) }
                self.parentWatch = nil
                logger.warning("the parent of the rules directory was removed or moved: a replaced rules directory will not be seen until restart",
                               metadata: ["directory": "\(directory)"])
                return false
            }
            guard let parent, event.name == parent.name else { return false }
            rewatchDirectory()
            return true
        }
        guard let path = watched[event.wd] else { return false }  // a watch already dropped
        if mask & UInt32(IN_IGNORED) != 0 {
            watched[event.wd] = nil
            if event.wd == rootWatch {
                rootWatch = nil
                rewatchDirectory()
            }
            return true
        }
        if mask & (UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF)) != 0 {
            if event.wd == rootWatch {
                rewatchDirectory()
            } else if mask & UInt32(IN_MOVE_SELF) != 0 {
                // A subdirectory moved elsewhere: its new place is not ours.
                inotify_rm_watch(inotify, event.wd)
                watched[event.wd] = nil
            }
            return true
        }
        if Self.isHidden(event.name) { return false }
        if mask & UInt32(IN_ISDIR) != 0 && mask & (UInt32(IN_CREATE) | UInt32(IN_MOVED_TO)) != 0 {
            addTree(Self.join(path, event.name))
        }
        return true
    }

    /// Drops every watch below the path and watches whatever directory is
    /// at the path now (nothing, when there is none).
    private func rewatchDirectory() {
        for wd in watched.keys { inotify_rm_watch(inotify, wd) }
        watched = [:]
        rootWatch = nil
        let wd = inotify_add_watch(inotify, directory, Self.directoryMask)
        guard wd >= 0 else {
            setPresent(false, reason: Self.lastError())
            return
        }
        rootWatch = wd
        watched[wd] = directory
        addSubdirectories(of: directory)
        setPresent(true, reason: nil)
    }

    private func setPresent(_ now: Bool, reason: String?) {
        guard now != present else { return }
        present = now
        presence(now)
        if now {
            logger.notice("rules directory is back: reloading it", metadata: ["directory": "\(directory)"])
        } else if parentWatch != nil {
            logger.warning("rules directory is gone: the rules in force stay; waiting for it to come back",
                           metadata: ["directory": "\(directory)", "reason": "\(reason ?? "")"])
        } else {
            logger.error("rules directory is gone and its parent is not watched: the rules in force stay until restart",
                         metadata: ["directory": "\(directory)", "reason": "\(reason ?? "")"])
        }
    }

    /// Watches `path` and the directories below it.
    private func addTree(_ path: String) {
        let wd = inotify_add_watch(inotify, path, Self.directoryMask)
        guard wd >= 0 else {
            // Gone again already (its removal is an event of its own), or out of watches.
            if errno != ENOENT && errno != ENOTDIR {
                logger.warning("cannot watch a rules subdirectory: changes in it will not trigger a reload",
                               metadata: ["path": "\(path)", "reason": "\(Self.lastError())"])
            }
            return
        }
        guard watched[wd] == nil else { return }  // the same directory reached again (a symlink)
        watched[wd] = path
        addSubdirectories(of: path)
    }

    /// Watches the non-hidden subdirectories of `path` (symlinks followed, as the loader does).
    private func addSubdirectories(of path: String) {
        guard let dir = opendir(path) else { return }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." && !name.hasPrefix(".") { names.append(name) }
        }
        closedir(dir)
        for name in names {
            let child = Self.join(path, name)
            var st = stat()
            if stat(child, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { addTree(child) }
        }
    }

    // MARK: - Helpers

    /// Hidden names are not the loader's, except the ConfigMap's `..data` switch.
    static func isHidden(_ name: String) -> Bool {
        name.hasPrefix(".") && name != "..data"
    }

    /// The parent directory and the last component: `/etc/rules` → (`/etc`, `rules`),
    /// `rules` → (`.`, `rules`); nil for `/`, `.`, `..` and paths ending in them.
    static func split(_ path: String) -> (path: String, name: String)? {
        guard let slash = path.lastIndex(of: "/") else {
            return path == "." || path == ".." || path.isEmpty ? nil : (".", path)
        }
        let name = String(path[path.index(after: slash)...])
        if name.isEmpty || name == "." || name == ".." { return nil }
        let parent = slash == path.startIndex ? "/" : String(path[..<slash])
        return (parent, name)
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
#endif
