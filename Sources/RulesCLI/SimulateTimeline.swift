// The timeline `rules simulate` writes: one JSON object per issued task, in
// due order (DESIGN.md, "Command contracts"). Every contract field is on
// every line (null when it does not apply), in the contract's order, then
// `id` (the task's deterministic id), and `sla_breach` and `channel` only
// when set. Lines are buffered and written in large blocks; to a file they
// go through a temporary beside it that is renamed over it at the end, so
// a failed run never leaves half a timeline under the name asked for.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RulesCompiler
import RulesEngine
import Scheduler

enum TimelineLine {
    /// The JSON line (with its newline) of one issued task.
    static func render(_ issued: IssuedTask) -> String {
        let t = issued.task
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func time(_ ms: Int64?) -> JSONValue { ms.map { .string(Timestamp.format($0)) } ?? .null }
        var members: [JSONMember] = [
            JSONMember("at", time(issued.issuedAt)),
            JSONMember("lead_id", .string(t.leadID)),
            JSONMember("kind", .string(t.kind.rawValue)),
            JSONMember("queue", text(t.queue)),
            JSONMember("priority", text(t.priority)),
            JSONMember("dial_mode", text(t.dialMode)),
            JSONMember("template", text(t.template)),
            JSONMember("attempt", t.attempt.map { .number(Double($0)) } ?? .null),
            JSONMember("deadline", time(t.deadline)),
            JSONMember("rule", .string(t.rule)),
            JSONMember("reason", .string(t.reason)),
            JSONMember("id", .string(t.id)),
        ]
        if let breach = t.slaBreach { members.append(JSONMember("sla_breach", .string(breach))) }
        if let channel = t.channel { members.append(JSONMember("channel", .string(channel))) }
        return JSON.serialize(.object(members)) + "\n"
    }
}

/// Buffered output to stdout or, atomically, to a file.
final class TimelineSink {
    private static let blockSize = 1 << 16
    private var buffer: [UInt8] = []
    private let fd: Int32
    /// The file asked for and the temporary written meanwhile; nil for stdout.
    private let target: (path: String, temporary: String)?
    /// Set when stdout's reader went away (`| head`): the rest is dropped.
    private var closedByReader = false
    private var failure: CommandFailure?

    /// Writes to stdout.
    init() {
        fd = STDOUT_FILENO
        target = nil
        buffer.reserveCapacity(Self.blockSize)
    }

    /// Writes to a temporary file beside `path`, renamed over it by `finish`.
    init(path: String) throws(CommandFailure) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(directory.isEmpty ? "/" : directory)/.\(name).simulate-XXXXXX".utf8CString)
        let opened = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard opened >= 0 else {
            throw CommandFailure(message: "--output: cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        fd = opened
        target = (path, String(cString: template))
        buffer.reserveCapacity(Self.blockSize)
    }

    func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        if buffer.count >= Self.blockSize { flush() }
    }

    private func flush() {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard !closedByReader, failure == nil, !buffer.isEmpty else { return }
        guard FileDescriptorIO.writeAll(buffer, to: fd) else {
            if let target {
                failure = CommandFailure(message: "--output: cannot write '\(target.path)': "
                                         + String(cString: strerror(errno)))
            } else {
                closedByReader = true
            }
            return
        }
    }

    /// Writes what is buffered; for a file, makes it durable and moves it
    /// into place.
    func finish() throws(CommandFailure) {
        flush()
        guard let target else { return }
        defer { close(fd) }
        if failure == nil, fsync(fd) != 0 || fchmod(fd, 0o644) != 0 {
            failure = CommandFailure(message: "--output: cannot write '\(target.path)': \(String(cString: strerror(errno)))")
        }
        if failure == nil, rename(target.temporary, target.path) != 0 {
            failure = CommandFailure(message: "--output: cannot write '\(target.path)': \(String(cString: strerror(errno)))")
        }
        if let failure {
            unlink(target.temporary)
            throw failure
        }
    }

    /// Drops the temporary file of a run that failed.
    func abandon() {
        guard let target else { return }
        close(fd)
        unlink(target.temporary)
    }
}
