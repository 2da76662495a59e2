// Tells rulesd when its rules directory has changed, so that it reloads.
//
// inotify watches the DIRECTORY (and the subdirectories the loader walks),
// never the files: editors save by writing a temporary file and renaming it
// over the old one (vim, `sed -i`), and a Kubernetes ConfigMap is updated by
// renaming a new `..data` symlink over the old one. A watch on a file would
// follow the old inode into oblivion; the directory sees the rename. The
// parent directory is watched for the directory's own name, so that a
// directory removed and recreated, moved aside and replaced, or a symlink to
// it swapped, is seen as well (logged, and a change like any other: the
// reload that follows says what is wrong and the old rules stay).
//
// Events are debounced (RulesWatcherDebounce): one `changes` element per
// settled burst. Names starting with a dot are ignored (vim's `.x.rules.swp`
// is rewritten while one types; the loader skips hidden entries), except
// `..data`, the ConfigMap's switch. A half-written file still gets through
// when the writer pauses longer than the debounce: the reload refuses it, the
// old rules stay, and the rest of the write is another burst.
//
// The watcher runs on its own thread, blocked in poll(2) on the inotify fd
// and a wake pipe (no polling of the files; the poll timeout is the debounce
// deadline). `stop()` wakes it, joins it, closes every descriptor and ends
// `changes`.

#if canImport(Glibc)
import Glibc
#endif
import Foundation  // NSLock
import Logging

/// Why the watcher could not start.
public enum RulesWatcherError: Error, Sendable, Equatable, CustomStringConvertible {
    /// inotify or the wake pipe could not be set up (for inotify, EMFILE
    /// means fs.inotify.max_user_instances is reached).
    case setup(String)
    /// The rules directory could not be watched (missing, not a directory,
    /// or ENOSPC: fs.inotify.max_user_watches is reached).
    case watch(path: String, reason: String)
    /// `start()` after `stop()`: a watcher runs once.
    case stopped
    /// No inotify on this platform.
    case unsupported

    public var description: String {
        switch self {
        case .setup(let why): "cannot watch the rules directory: \(why)"
        case .watch(let path, let reason): "cannot watch rules directory '\(path)': \(reason)"
        case .stopped: "the rules watcher was stopped and cannot be started again"
        case .unsupported: "watching the rules directory needs inotify (Linux)"
        }
    }
}

/// Watches a rules directory and signals, once per settled burst of changes,
/// that it should be reloaded:
///
///     let watcher = RulesWatcher(directory: "rules")
///     try watcher.start()
///     for await _ in watcher.changes { await daemon.reload(.inotify, by: nil) }
///     // elsewhere, on shutdown: watcher.stop()  (ends the loop above)
public final class RulesWatcher: @unchecked Sendable {
    /// The directory as given.
    public let directory: String
    /// The quiet time after the last event before `changes` yields.
    public let debounce: Duration
    /// The longest a burst may postpone its reload.
    public let maxDelay: Duration
    /// One element per settled burst. Bursts the consumer has not taken yet
    /// are merged into one (a reload reads the whole directory anyway).
    /// Finishes when the watcher stops.
    public let changes: AsyncStream<Void>

    private let continuation: AsyncStream<Void>.Continuation
    private let logger: Logger
    /// Guards `phase` and `status`.
    private let lock = NSLock()
    private var phase = Phase.idle
    private var status = Status()

    private enum Phase {
        case idle
        #if os(Linux)
        case running(thread: pthread_t, loop: RulesWatcherLoop)
        #endif
        case stopped
    }

    /// What the watcher thread has seen, for operators and tests.
    struct Status {
        var directoryPresent = true
        var bursts = 0
    }

    public init(directory: String, debounce: Duration = .milliseconds(250), maxDelay: Duration = .seconds(5),
                logger: Logger = Logger(label: "rulesd.watcher")) {
        self.directory = directory
        self.debounce = debounce
        self.maxDelay = maxDelay
        self.logger = logger
        (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    deinit {
        stop()
    }

    /// True while the watched path is an existing directory; false after it
    /// was removed or moved away, until it comes back (the watcher logs both).
    public var directoryPresent: Bool {
        lock.withLock { status.directoryPresent }
    }

    /// Settled bursts signalled so far.
    public var burstCount: Int {
        lock.withLock { status.bursts }
    }

    /// True between `start()` and `stop()`. (Should the thread end on an
    /// inotify error, which it logs, `changes` finishes while this stays true.)
    public var isRunning: Bool {
        lock.withLock {
            #if os(Linux)
            if case .running = phase { return true }
            #endif
            return false
        }
    }

    /// Sets up the watches (changes made after this returns are seen) and
    /// starts the watcher thread. Calling it while running does nothing.
    public func start() throws(RulesWatcherError) {
        #if os(Linux)
        lock.lock()
        defer { lock.unlock() }
        switch phase {
        case .running: return
        case .stopped: throw .stopped
        case .idle: break
        }
        let loop = try RulesWatcherLoop(
            directory: directory, debounce: RulesWatcherDebounce(quiet: Self.nanoseconds(debounce),
                                                                 maxDelay: Self.nanoseconds(maxDelay)),
            logger: logger,
            signal: { [weak self] in self?.signalBurst() },
            presence: { [weak self] present in self?.setPresent(present) },
            finished: { [continuation] in continuation.finish() })
        var thread = pthread_t()
        let context = Unmanaged.passRetained(loop).toOpaque()
        let created = pthread_create(&thread, nil, { context in
            let loop = Unmanaged<RulesWatcherLoop>.fromOpaque(context!).takeRetainedValue()
            loop.run()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<RulesWatcherLoop>.fromOpaque(context).release()
            loop.closeAll()
            throw .setup("cannot start the watcher thread: \(String(cString: strerror(created)))")
        }
        phase = .running(thread: thread, loop: loop)
        #else
        throw .unsupported
        #endif
    }

    /// Stops the thread, closes the inotify descriptor and ends `changes`.
    /// Returns once all of that is done. Safe to call more than once.
    public func stop() {
        #if os(Linux)
        lock.lock()
        let previous = phase
        phase = .stopped
        lock.unlock()
        if case .running(let thread, let loop) = previous {
            loop.wake()
            if pthread_equal(thread, pthread_self()) != 0 {
                // The last reference went away on the watcher thread itself
                // (deinit from a callback): it sees the wake-up and ends on its own.
                pthread_detach(thread)
            } else {
                pthread_join(thread, nil)
            }
        }
        #else
        lock.withLock { phase = .stopped }
        #endif
        continuation.finish()
    }

    private func signalBurst() {
        lock.withLock { status.bursts += 1 }
        continuation.yield(())
    }

    private func setPresent(_ present: Bool) {
        lock.withLock { status.directoryPresent = present }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
