// A throwaway playbook directory with test files, for the runner tests.

import Foundation
@testable import RulesTesting

enum Scratch {
    /// A small playbook: two score categories, three tiers, two routes,
    /// calling hours, a trigger and a disposition.
    static let playbook = """
        EVENT lead_created
        EVENT site_visit
        EVENT call_outcome(code: STRING)
        QUEUE warm_queue "warm leads"
        QUEUE hot_queue "hot leads"
        TEMPLATE hello EMAIL "hello"
        TEMPLATE ping SMS "ping"

        SCORE intent MAX 50:
            site_visit => 30
            count(site_visit) >= 2 => 30
        SCORE source MAX 20:
            source = "organic_search" => 20

        TIER hot WHEN lead_score >= 50: CALL WITHIN 60s
        TIER warm WHEN lead_score 20-49: CALL WITHIN 2h
        TIER cold WHEN lead_score < 20: NURTURE

        IF lead_score >= 50:
            ASSIGN TO hot_queue
            PRIORITY = IMMEDIATE
            DIAL_MODE = power_dialer
        IF lead_score < 50:
            ASSIGN TO warm_queue
            PRIORITY = NORMAL
            DIAL_MODE = power_dialer

        CALLING HOURS MON-FRI 09:00-20:00
        BUSINESS DAYS MON-FRI

        ON site_visit: EMAIL hello
        DISPOSITION V01 "Voicemail left": RETRY IN 4h; SMS ping

        """

    /// A new directory holding `mini.rules` and the given files; removed by the caller.
    static func directory(_ files: [String: String] = [:], playbook: String = Scratch.playbook) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ruletest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try playbook.write(to: url.appendingPathComponent("mini.rules"), atomically: true, encoding: .utf8)
        for (name, text) in files {
            let file = url.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        return url
    }

    /// Runs `test.yaml` (the text given) next to the playbook.
    static func run(_ yaml: String, playbook: String = Scratch.playbook, filter: String? = nil) throws -> FileResult {
        let dir = try directory(["test.yaml": yaml], playbook: playbook)
        defer { try? FileManager.default.removeItem(at: dir) }
        var result = TestRunner(filter: filter).run(path: dir.appendingPathComponent("test.yaml").path)
        // Messages name the file by its path; tests compare them without the directory.
        result.issues = result.issues.map { var i = $0; i.path = "test.yaml"; return i }
        return result
    }

    /// `line:col: message` of every issue, for compact comparisons.
    static func issues(_ result: FileResult) -> [String] {
        result.issues.map { "\($0.mark): \($0.message)" + $0.notes.map { " (\($0))" }.joined() }
    }

    /// The head of every test file below: a Monday morning in London.
    static let head = """
        start: 2026-03-09T10:00:00Z
        zone: Europe/London
        tests:

        """

    /// A lead that scores 20 (warm) at capture.
    static let warmLead = "{at: +0s, type: lead_created, data: {email: a@b.com, source: organic_search}}"
}
