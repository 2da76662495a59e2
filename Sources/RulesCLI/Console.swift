// Output and failure plumbing shared by the subcommands. Output goes through
// write(2) in whole strings so stdout and stderr never interleave mid-line and
// nothing is left in a buffer when the process exits.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RulesCompiler

/// The exit statuses every `rules` subcommand uses.
enum ExitStatus {
    static let ok: Int32 = 0
    /// Findings: errors, warnings under --strict, unformatted files.
    static let findings: Int32 = 1
    /// Usage errors and unreadable input.
    static let usage: Int32 = 2
}

/// A failure the command reports itself as `rules: error: <message>`.
struct CommandFailure: Error {
    var message: String
    var status: Int32 = ExitStatus.usage
}

enum Console {
    static func out(_ text: String) { write(text, to: STDOUT_FILENO) }
    static func err(_ text: String) { write(text, to: STDERR_FILENO) }

    /// Colors only for a terminal, and never when NO_COLOR is set (no-color.org).
    static var stdoutWantsColor: Bool { wantsColor(STDOUT_FILENO) }
    static var stderrWantsColor: Bool { wantsColor(STDERR_FILENO) }

    private static func wantsColor(_ fd: Int32) -> Bool {
        isatty(fd) == 1 && getenv("NO_COLOR") == nil
    }

    static func exitProcess(_ status: Int32) -> Never {
        exit(status)
    }

    private static func write(_ text: String, to fd: Int32) {
        // A failure means the reader went away (EPIPE); nothing useful to do.
        _ = FileDescriptorIO.writeAll(Array(text.utf8), to: fd)
    }
}
