// `rules-bench check`: how fast the front end is on a large synthetic
// playbook and on the shipped one, against the targets of issue 2
// (10,000 rules checked in under 100 ms on one core; `rules check rules/`
// in under 50 ms wall). Run it from a release build:
//     swift run -c release rules-bench check

import ArgumentParser
import Foundation
import RulesCompiler
import RulesLanguage

@main
struct RulesBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules-bench",
        abstract: "Benchmarks of the leadrules tools.",
        subcommands: [Check.self, Eval.self, Wheel.self, Simulate.self, LocalTime.self, StoreBench.self, DaemonIngest.self])
}

extension RulesBench {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time lex, parse and check of a generated playbook and of rules/.")

        static let targetRules = 10_000
        static let targetMilliseconds = 100.0
        static let shippedTargetMilliseconds = 50.0

        @Option(help: "Rules in the generated playbook.")
        var rules = 10_000

        @Option(help: "Timed runs per measurement (the median is reported).")
        var iterations = 15

        @Option(help: "Directory of the shipped playbook to time as `rules check` would.")
        var playbook = "rules/"

        @Option(help: "Also write the generated playbook to this file.")
        var write: String?

        func validate() throws {
            guard rules > 0 else { throw ValidationError("--rules must be at least 1") }
            guard iterations > 0 else { throw ValidationError("--iterations must be at least 1") }
        }

        func run() throws {
            let playbook = PlaybookGenerator.generate(rules: rules)
            if let write {
                try playbook.text.write(toFile: write, atomically: true, encoding: .utf8)
            }
            let bytes = Array(playbook.text.utf8)
            let path = "generated-\(rules).rules"
            let result = Compiler.compile([SourceFile(path: path, bytes: bytes)])
            print("rules-bench check: \(rules) rules, \(playbook.lines) lines, \(bytes.count / 1024) KB in one file, "
                  + "\(result.errorCount) errors, \(result.warningCount) warnings")
            guard result.errorCount == 0 else {
                print(DiagnosticRenderer(maxDiagnostics: 5).render(result.diagnostics, dropped: result.dropped))
                throw ExitCode.failure
            }
            timeGenerated(bytes, path: path, lines: playbook.lines)
            try timeShipped()
        }

        private func timeGenerated(_ bytes: [UInt8], path: String, lines: Int) {
            let lex = Measure.run(iterations: iterations) { Lexer.tokenize(SourceFile(path: path, bytes: bytes)) }
            let parse = Measure.run(iterations: iterations) { Parser.parse(SourceFile(path: path, bytes: bytes)) }
            let check = Measure.run(iterations: iterations) { Compiler.compile([SourceFile(path: path, bytes: bytes)]) }
            print("median of \(iterations) runs (min … max), one thread:")
            for (name, t) in [("lex", lex), ("lex+parse", parse), ("lex+parse+check", check)] {
                let seconds = t.median.seconds
                print("  \(name.padding(16))\(fixed(t.median.milliseconds, 2).leftPadding(9)) ms"
                      + "  (\(fixed(t.min.milliseconds, 2)) … \(fixed(t.max.milliseconds, 2)))"
                      + "  \(humanRate(Double(lines) / seconds))lines/s"
                      + "  \(humanRate(Double(rules) / seconds))rules/s")
            }
            let scaled = check.median.milliseconds * Double(Self.targetRules) / Double(rules)
            let verdict = scaled < Self.targetMilliseconds ? "meets" : "MISSES"
            print("target: \(Self.targetRules) rules in < \(fixed(Self.targetMilliseconds, 0)) ms → "
                  + "\(fixed(scaled, 2)) ms per \(Self.targetRules) rules = "
                  + "\(fixed(scaled / Self.targetMilliseconds, 3))× the budget (\(verdict))")
        }

        /// `rules check rules/` done in process (load, compile, render) and,
        /// when the `rules` executable sits next to this one, as a whole process.
        private func timeShipped() throws {
            guard (try? SourceLoader.expand([playbook])) != nil else {
                print("\(playbook): not found, shipped playbook not timed")
                return
            }
            let sources = try SourceLoader.load([playbook])
            let lines = sources.reduce(0) { $0 + $1.lineStarts.count - 1 }
            let found = Compiler.compile(sources)
            let inProcess = try Measure.run(iterations: iterations) {
                let result = Compiler.compile(try SourceLoader.load([playbook]))
                return DiagnosticRenderer().render(result.diagnostics, dropped: result.dropped)
            }
            print("rules check \(playbook) (\(sources.count) files, \(lines) lines, "
                  + "\(found.errorCount) errors, \(found.warningCount) warnings):")
            print("  in process      \(fixed(inProcess.median.milliseconds, 2).leftPadding(9)) ms"
                  + "  (\(fixed(inProcess.min.milliseconds, 2)) … \(fixed(inProcess.max.milliseconds, 2)))")
            guard let binary = siblingRulesBinary() else {
                print("  (no `rules` executable next to rules-bench; process wall time not measured)")
                return
            }
            let wall = try Measure.run(iterations: iterations) { try runProcess(binary, ["check", playbook]) }
            let verdict = wall.median.milliseconds < Self.shippedTargetMilliseconds ? "meets" : "MISSES"
            print("  process wall    \(fixed(wall.median.milliseconds, 2).leftPadding(9)) ms"
                  + "  (\(fixed(wall.min.milliseconds, 2)) … \(fixed(wall.max.milliseconds, 2)))"
                  + "  target < \(fixed(Self.shippedTargetMilliseconds, 0)) ms (\(verdict))")
        }

        private func siblingRulesBinary() -> URL? {
            let me = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
            let candidate = me.deletingLastPathComponent().appendingPathComponent("rules")
            return FileManager.default.isExecutableFile(atPath: candidate.path) ? candidate : nil
        }

        /// posix_spawn + waitpid: Foundation's `Process.waitUntilExit` polls a
        /// run loop on Linux and would add tens of milliseconds to each run.
        private func runProcess(_ binary: URL, _ arguments: [String]) throws -> Int32 {
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
                posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY, 0)
            }
            let argv = ([binary.path] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid = pid_t()
            let spawned = posix_spawn(&pid, binary.path, &actions, nil, argv, environ)
            guard spawned == 0 else {
                throw SpawnFailure(path: binary.path, reason: String(cString: strerror(spawned)))
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return status
        }
    }
}

struct SpawnFailure: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "cannot run \(path): \(reason)" }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
    func leftPadding(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
