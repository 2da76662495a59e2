// Runs the built `rules` binary the way a user would and compares everything
// it did (exit status, whole stdout, whole stderr) with a golden file.
// RECORD_GOLDEN=1 rewrites the golden files instead of comparing.

import Foundation
import Testing

enum CLI {
    /// Tests/RulesCLITests/Fixtures in the source tree (golden files are written back here).
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let golden = fixtures.appendingPathComponent("golden")
    static let recording = ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"

    struct Run: Equatable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `rules` executable built next to this test bundle.
    static let binary: URL = locateBinary()

    private static func locateBinary() -> URL {
        let fm = FileManager.default
        if let override = ProcessInfo.processInfo.environment["RULES_BINARY"] {
            return URL(fileURLWithPath: override)
        }
        // Linux runs the test bundle as an executable in the products directory;
        // macOS loads a .xctest bundle from there. Walk up from either.
        var starts = Bundle.allBundles.map(\.bundleURL)
        if let exe = Bundle.main.executableURL { starts.insert(exe, at: 0) }
        starts.append(URL(fileURLWithPath: CommandLine.arguments[0]))
        for start in starts {
            var dir = start.deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = dir.appendingPathComponent("rules")
                var isDirectory: ObjCBool = false
                if fm.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   fm.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
                dir = dir.deletingLastPathComponent()
            }
        }
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".build/debug/rules")
    }

    /// Runs `rules ARGS` in `directory` with output captured through files
    /// (pipes could fill up and block on large output).
    static func run(_ arguments: [String], in directory: URL = fixtures) throws -> Run {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("rules-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)

        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Run(status: process.terminationStatus,
                   stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                   stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// The text kept in a golden file for one run.
    static func transcript(_ arguments: [String], _ run: Run) -> String {
        """
        $ rules \(arguments.joined(separator: " "))
        --- exit status: \(run.status)
        --- stdout:
        \(run.stdout)--- stderr:
        \(run.stderr)
        """
    }

    /// Runs `rules ARGS` and compares the transcript with `golden/<name>.txt`.
    static func expectGolden(_ name: String, _ arguments: [String], in directory: URL = fixtures,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try run(arguments, in: directory)
        let actual = transcript(arguments, result)
        let url = golden.appendingPathComponent(name + ".txt")
        if recording {
            try FileManager.default.createDirectory(at: golden, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("no golden file \(name).txt; record it with RECORD_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        #expect(actual == expected, "golden \(name).txt differs (RECORD_GOLDEN=1 re-records)",
                sourceLocation: sourceLocation)
    }

    /// A fresh empty directory, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("rules-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
