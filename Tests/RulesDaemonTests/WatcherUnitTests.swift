// The watcher's pure parts, table-driven: the debounce arithmetic, the
// decoding of what read(2) returns from inotify, which names are ignored,
// and where the parent watch goes.

import Foundation
import Testing
@testable import RulesDaemon

@Suite struct WatcherUnitTests {
    enum Step: Sendable {
        case event(Int64)
        /// fire(at:) at this time must answer this.
        case fire(Int64, Bool)
        /// The pending deadline must be this.
        case deadline(Int64?)
    }

    /// quiet 100, maxDelay 1000 (arbitrary units: the debounce is arithmetic).
    @Test(arguments: [
        ("nothing pending", [Step.deadline(nil), .fire(5_000, false)]),
        ("one event settles after the quiet time", [.event(0), .deadline(100), .fire(99, false), .fire(100, true), .deadline(nil), .fire(500, false)]),
        ("each event pushes the deadline", [.event(0), .event(50), .deadline(150), .fire(120, false), .event(140), .fire(200, false), .fire(240, true)]),
        ("a burst never outlasts maxDelay", [.event(0), .event(90), .event(180), .event(900), .deadline(1_000), .event(990), .fire(999, false), .fire(1_000, true)]),
        ("after firing a new burst starts afresh", [.event(0), .fire(100, true), .event(2_000), .deadline(2_100), .event(2_950), .deadline(3_000), .fire(3_000, true)]),
        ("late fire still fires once", [.event(0), .fire(10_000, true), .fire(10_001, false)]),
    ])
    func debounce(_ name: String, steps: [Step]) {
        var debounce = RulesWatcherDebounce(quiet: 100, maxDelay: 1_000)
        for (i, step) in steps.enumerated() {
            switch step {
            case .event(let at): debounce.note(at: at)
            case .fire(let at, let expected): #expect(debounce.fire(at: at) == expected, "step \(i)")
            case .deadline(let expected): #expect(debounce.deadline == expected, "step \(i)")
            }
        }
    }

    @Test func maxDelayIsNeverShorterThanTheQuietTime() {
        let debounce = RulesWatcherDebounce(quiet: 500, maxDelay: 100)
        #expect(debounce.maxDelay == 500)
        #expect(RulesWatcherDebounce(quiet: -5, maxDelay: 10).quiet == 0)
    }

    /// `struct inotify_event` records as the kernel writes them: 16-byte
    /// header, then `len` bytes of NUL-padded name (len 0 for the watched
    /// directory's own events).
    @Test func decodesEventRecords() {
        func record(_ wd: Int32, _ mask: UInt32, _ name: String, padTo length: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            withUnsafeBytes(of: wd.littleEndian) { bytes += $0 }
            withUnsafeBytes(of: mask.littleEndian) { bytes += $0 }
            withUnsafeBytes(of: UInt32(7).littleEndian) { bytes += $0 }
            withUnsafeBytes(of: UInt32(length).littleEndian) { bytes += $0 }
            var name = Array(name.utf8)
            name += [UInt8](repeating: 0, count: length - name.count)
            return bytes + name
        }
        let bytes = record(1, 0x100, "tiers.rules", padTo: 16) + record(1, 0x400, "", padTo: 0)
            + record(2, 0x80, "..data", padTo: 16) + record(3, 0x8000, "", padTo: 0)
        let events = RulesWatcherLoop.decode(bytes[...])
        #expect(events == [
            .init(wd: 1, mask: 0x100, name: "tiers.rules"),
            .init(wd: 1, mask: 0x400, name: ""),
            .init(wd: 2, mask: 0x80, name: "..data"),
            .init(wd: 3, mask: 0x8000, name: ""),
        ])
        // A truncated trailing record is not read past the buffer.
        #expect(RulesWatcherLoop.decode(bytes[..<(bytes.count - 10)]).count == 3)
    }

    @Test(arguments: [
        ("tiers.rules", false), ("..data", false), ("4913", false), ("tiers.rules~", false), ("holidays.txt", false),
        (".tiers.rules.swp", true), ("..data_tmp", true), ("..2026_11_25_03_21_01.123456790", true), (".git", true),
    ])
    func hiddenNamesAreIgnoredExceptTheConfigMapSwitch(_ name: String, hidden: Bool) {
        #expect(RulesWatcherLoop.isHidden(name) == hidden)
    }

    @Test(arguments: [
        ("/etc/rulesd/rules", "/etc/rulesd", "rules"),
        ("rules", ".", "rules"),
        ("config/rules", "config", "rules"),
        ("/rules", "/", "rules"),
        ("/", nil, nil),
        (".", nil, nil),
        ("..", nil, nil),
        ("rules/..", nil, nil),
    ] as [(String, String?, String?)])
    func parentOfTheWatchedDirectory(_ path: String, parent: String?, name: String?) {
        let split = RulesWatcherLoop.split(path)
        #expect(split?.path == parent)
        #expect(split?.name == name)
    }
}
