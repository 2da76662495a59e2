// Runs the built `rulesd` binary as an operator would: on a free loopback
// port, a temporary directory and a database file, with its output in log
// files. Talks to it over real TCP with a small blocking HTTP/1.1 client
// (one connection per request, `Connection: close`), so a test sees exactly
// what a sender sees: an answer, or a connection that failed.
//
// Used by the crash test. Every wait has a deadline and waits on a real
// condition (the process exited, /readyz answered 200).

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - HTTP

struct LoopbackResponse: Sendable {
    var status: Int
    var body: Data

    /// The body as a JSON object (nil when it is not one).
    var object: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
    var text: String { String(decoding: body, as: UTF8.self) }
}

enum LoopbackHTTPError: Error, CustomStringConvertible {
    case connect(Int32)
    case send(Int32)
    case receive(Int32)
    case closedEarly(received: Int)
    case malformed(String)

    var description: String {
        switch self {
        case .connect(let e): "connect: \(String(cString: strerror(e)))"
        case .send(let e): "send: \(String(cString: strerror(e)))"
        case .receive(let e): "receive: \(String(cString: strerror(e)))"
        case .closedEarly(let n): "connection closed after \(n) bytes, before a whole response"
        case .malformed(let why): "malformed response: \(why)"
        }
    }
}

enum LoopbackHTTP {
    /// One request to 127.0.0.1:`port`. Throws when no whole response came
    /// back (connection refused or reset, timeout): the request's effect is
    /// then unknown, as it is for any client of a daemon that was killed.
    static func request(port: UInt16, _ method: String, _ path: String, body: Data? = nil,
                        contentType: String = "application/json", timeout: Double = 20) throws -> LoopbackResponse {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw LoopbackHTTPError.connect(errno) }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        #if canImport(Darwin)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw LoopbackHTTPError.connect(errno) }

        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nAccept: */*\r\n"
        if let body {
            head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
        } else if method == "POST" {
            head += "Content-Length: 0\r\n"
        }
        head += "\r\n"
        var request = Data(head.utf8)
        if let body { request.append(body) }
        try request.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws in
            var sent = 0
            while sent < raw.count {
                #if canImport(Glibc)
                let n = send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                #else
                let n = send(fd, raw.baseAddress! + sent, raw.count - sent, 0)
                #endif
                if n < 0 {
                    if errno == EINTR { continue }
                    throw LoopbackHTTPError.send(errno)
                }
                sent += n
            }
        }

        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n < 0 {
                if errno == EINTR { continue }
                throw LoopbackHTTPError.receive(errno)
            }
            if n == 0 { break }
            received.append(contentsOf: buffer[0..<n])
            if let response = try parse(received) { return response }
        }
        if let response = try parse(received, atEOF: true) { return response }
        throw LoopbackHTTPError.closedEarly(received: received.count)
    }

    /// A whole response in `data`, or nil when more is needed.
    private static func parse(_ data: Data, atEOF: Bool = false) throws -> LoopbackResponse? {
        guard let headEnd = data.range(of: Data("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: data[data.startIndex..<headEnd.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw LoopbackHTTPError.malformed("status line \(head.prefix(80))")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let rest = data[headEnd.upperBound...]
        if let length = headers["content-length"].flatMap(Int.init) {
            guard rest.count >= length else { return nil }
            return LoopbackResponse(status: status, body: Data(rest.prefix(length)))
        }
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            var body = Data()
            var index = rest.startIndex
            while true {
                guard let lineEnd = rest[index...].range(of: Data("\r\n".utf8)) else { return nil }
                let sizeText = String(decoding: rest[index..<lineEnd.lowerBound], as: UTF8.self)
                guard let size = Int(sizeText.split(separator: ";")[0].trimmingCharacters(in: .whitespaces), radix: 16) else {
                    throw LoopbackHTTPError.malformed("chunk size \(sizeText)")
                }
                let start = lineEnd.upperBound
                if size == 0 { return LoopbackResponse(status: status, body: body) }
                guard rest.distance(from: start, to: rest.endIndex) >= size + 2 else { return nil }
                let end = rest.index(start, offsetBy: size)
                body.append(rest[start..<end])
                index = rest.index(end, offsetBy: 2)
            }
        }
        // No length: the body runs to the end of the connection.
        return atEOF ? LoopbackResponse(status: status, body: Data(rest)) : nil
    }

    static func json(_ object: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }
}

// MARK: - The rulesd process

enum HarnessError: Error, CustomStringConvertible {
    case noBinary(String)
    case exitedAtStart(status: Int32, log: String)
    case notReady(seconds: Double, log: String)
    case didNotStop(seconds: Double)

    var description: String {
        switch self {
        case .noBinary(let path): "no rulesd binary at \(path) (swift build --product rulesd)"
        case .exitedAtStart(let status, let log): "rulesd exited with status \(status) during start-up:\n\(log)"
        case .notReady(let s, let log): "rulesd did not answer /readyz 200 within \(s) s:\n\(log)"
        case .didNotStop(let s): "rulesd did not exit within \(s) s"
        }
    }
}

/// One `rulesd` process: started by `start`, ended by `kill` (SIGKILL) or
/// `stop` (SIGTERM). Not thread-safe: one owner drives the lifecycle.
final class RulesdProcess: @unchecked Sendable {
    /// The `rulesd` executable built next to this test bundle (RULESD_BINARY overrides).
    static let binary: URL = locate()

    let directory: URL
    let database: URL
    let rules: URL
    private(set) var port: UInt16 = 0
    private(set) var process: Process?
    private(set) var starts = 0
    private var logURL: URL?

    /// `directory` holds the database and the logs (the caller removes it).
    init(directory: URL, rules: URL, database: URL? = nil) {
        self.directory = directory
        self.rules = rules
        self.database = database ?? directory.appendingPathComponent("rulesd.sqlite")
    }

    var isRunning: Bool { process?.isRunning ?? false }

    /// Starts rulesd on a free port and waits until /readyz answers 200.
    func start(readyWithin seconds: Double = 60) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw HarnessError.noBinary(Self.binary.path)
        }
        var lastError: (any Error)?
        for _ in 0..<3 {   // a port taken between probing and binding: try another
            do {
                try launch(port: try Self.freePort(), readyWithin: seconds)
                return
            } catch HarnessError.exitedAtStart(let status, let log) where log.lowercased().contains("address") && log.lowercased().contains("use") {
                lastError = HarnessError.exitedAtStart(status: status, log: log)
            }
        }
        throw lastError!
    }

    private func launch(port: UInt16, readyWithin seconds: Double) throws {
        starts += 1
        self.port = port
        let log = directory.appendingPathComponent("rulesd-\(starts).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        logURL = log
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["--rules", rules.path, "--db", database.path, "--listen", "127.0.0.1:\(port)"]
        process.currentDirectoryURL = directory   // no stray ./rulesd.yaml
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        self.process = process

        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if !process.isRunning {
                process.waitUntilExit()
                throw HarnessError.exitedAtStart(status: process.terminationStatus, log: logTail())
            }
            if let answer = try? LoopbackHTTP.request(port: port, "GET", "/readyz", timeout: 2), answer.status == 200 {
                return
            }
            usleep(20_000)
        }
        kill()
        throw HarnessError.notReady(seconds: seconds, log: logTail())
    }

    /// SIGKILL, and waits for the process to be gone.
    func kill() {
        guard let process, process.isRunning else { return }
        #if canImport(Glibc)
        Glibc.kill(process.processIdentifier, SIGKILL)
        #else
        Darwin.kill(process.processIdentifier, SIGKILL)
        #endif
        process.waitUntilExit()
    }

    /// SIGTERM, and waits up to `seconds` for the exit; its status (SIGKILL after the deadline, then throws).
    @discardableResult
    func stop(within seconds: Double = 30) throws -> Int32 {
        guard let process else { return 0 }
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill()
            throw HarnessError.didNotStop(seconds: seconds)
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The end of the current log, for failure messages.
    func logTail(lines: Int = 30) -> String {
        guard let logURL, let text = try? String(contentsOf: logURL, encoding: .utf8) else { return "(no log)" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    func request(_ method: String, _ path: String, body: Data? = nil,
                 contentType: String = "application/json", timeout: Double = 20) throws -> LoopbackResponse {
        try LoopbackHTTP.request(port: port, method, path, body: body, contentType: contentType, timeout: timeout)
    }

    /// A loopback port nobody listens on right now.
    static func freePort() throws -> UInt16 {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw LoopbackHTTPError.connect(errno) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard bound == 0 else { throw LoopbackHTTPError.connect(errno) }
        return UInt16(bigEndian: address.sin_port)
    }

    private static func locate() -> URL {
        let fm = FileManager.default
        if let override = ProcessInfo.processInfo.environment["RULESD_BINARY"] {
            return URL(fileURLWithPath: override)
        }
        var starts = Bundle.allBundles.map(\.bundleURL)
        if let exe = Bundle.main.executableURL { starts.insert(exe, at: 0) }
        starts.append(URL(fileURLWithPath: CommandLine.arguments[0]))
        for start in starts {
            var dir = start.deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = dir.appendingPathComponent("rulesd")
                var isDirectory: ObjCBool = false
                if fm.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   fm.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
                dir = dir.deletingLastPathComponent()
            }
        }
        return packageRoot.appendingPathComponent(".build/debug/rulesd")
    }

    /// The package's root directory (its `rules/` is the default playbook).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
