// rulesd's log lines on stderr, in the format `log.format` names:
//   text: 2026-03-21T10:00:00.123Z info rulesd: rules reloaded version=3f2a… how=sighup
//   json: {"ts":"2026-03-21T10:00:00.123Z","level":"info","logger":"rulesd","msg":"rules reloaded","version":"3f2a…"}
// The process bootstraps swift-log with this handler once, in `Rulesd.run`;
// tests make their own Loggers and never bootstrap.

import Foundation
import Logging
import RulesEngine

/// A swift-log handler writing one line per message to a file descriptor.
public struct RulesdLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    let format: RulesdConfig.LogFormat
    let write: @Sendable (String) -> Void

    public init(label: String, level: Logger.Level, format: RulesdConfig.LogFormat,
                write: @escaping @Sendable (String) -> Void = RulesdLogHandler.standardError) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.write = write
    }

    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data(line.utf8))
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
                    source: String, file: String, function: String, line: UInt) {
        var all = metadata
        if let explicit { all.merge(explicit) { $1 } }
        write(Self.render(at: Date(), level: level, label: label, message: message.description,
                          metadata: all, format: format))
    }

    static func render(at date: Date, level: Logger.Level, label: String, message: String,
                       metadata: Logger.Metadata, format: RulesdConfig.LogFormat) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let time = Timestamp.format(ms)
        let keys = metadata.keys.sorted()
        switch format {
        case .text:
            var line = "\(time) \(level.rawValue) \(label): \(message)"
            for key in keys {
                let value = "\(metadata[key]!)"
                let quoted = value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) || value.isEmpty
                line += " \(key)=" + (quoted ? JSON.serialize(.string(value)) : value)
            }
            return line + "\n"
        case .json:
            var members = [
                JSONMember("ts", .string(time)),
                JSONMember("level", .string(level.rawValue)),
                JSONMember("logger", .string(label)),
                JSONMember("msg", .string(message)),
            ]
            for key in keys where !["ts", "level", "logger", "msg"].contains(key) {
                members.append(JSONMember(key, .string("\(metadata[key]!)")))
            }
            return JSON.serialize(.object(members)) + "\n"
        }
    }
}
