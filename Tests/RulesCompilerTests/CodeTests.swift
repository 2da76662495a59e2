// One case per checker code (Go's table-driven style): the bad snippet must
// give exactly that one diagnostic, on the given line, with that message;
// the fixed snippet must give none. Snippets are appended to a clean
// playbook (`prelude`) unless they stand alone.

import Foundation
import Testing
@testable import RulesCompiler
@testable import RulesLanguage

/// A playbook that checks clean, giving the snippets names to use.
let prelude = """
EVENT demo_trade
EVENT webinar_attended(ends_at: TIME)
EVENT email_click(cta: STRING)
EVENT call_outcome(code: STRING, callback_at: TIME?)
FIELD age: NUMBER?
FIELD affiliate_id: STRING?
LIST languages = ["German", "English"]
QUEUE hot_queue
QUEUE warm_queue
TEMPLATE tips EMAIL
TEMPLATE book SMS
SCORE behavioral MAX 60:
    count(demo_trade) > 0 => 30
    webinar_attended => 30
SCORE source MAX 40:
    source = "organic_search" => 40
TIER hot WHEN lead_score >= 70: CALL WITHIN 60s
TIER warm WHEN lead_score 40-69: CALL WITHIN 2h
TIER cold WHEN lead_score < 40: NURTURE
IF lead_score >= 40 AND language IN languages:
    ASSIGN TO hot_queue
    PRIORITY = IMMEDIATE
    DIAL_MODE = power_dialer
IF lead_score >= 40:
    ASSIGN TO hot_queue
IF lead_score < 40:
    ASSIGN TO warm_queue
    PRIORITY = AUTOMATED
    DIAL_MODE = none
ON email_click: EMAIL tips; SMS book
DISPOSITION V01 "Voicemail left": RETRY NEXT BUSINESS DAY
CALLING HOURS MON-FRI 09:00-20:00

"""

struct CodeCase: CustomTestStringConvertible, Sendable {
    let code: String
    let bad: String
    let message: String
    let fixed: String
    /// The line of the diagnostic within `bad`.
    var line = 1
    /// Compile the snippet on its own, without the prelude.
    var standalone = false

    var testDescription: String { code }

    func source(_ snippet: String) -> String { standalone ? snippet : prelude + snippet }
    var lineOffset: Int { standalone ? 0 : prelude.split(separator: "\n", omittingEmptySubsequences: false).count - 1 }
}

let hours = "\nCALLING HOURS MON-FRI 09:00-20:00"

let codeCases: [CodeCase] = [
    // Names
    .init(code: "E200", bad: #"ON demo_trade WHERE lenguage = "German": CLOSE"#, message: "undefined name 'lenguage'",
          fixed: #"ON demo_trade WHERE language = "German": CLOSE"#),
    .init(code: "E201", bad: "QUEUE hot_queue", message: "queue 'hot_queue' is declared twice",
          fixed: "QUEUE retention_team\nON demo_trade: HANDOFF TO retention_team"),
    .init(code: "E202", bad: "FIELD segment: STRNG", message: "unknown type 'STRNG'", fixed: "FIELD segment: STRING"),
    .init(code: "E203", bad: "ON demo_trad: CLOSE", message: "undefined event 'demo_trad'", fixed: "ON demo_trade: CLOSE"),
    .init(code: "E204", bad: "ON demo_trade: CALLBACK NOW TO hot_queu", message: "undefined queue 'hot_queu'",
          fixed: "ON demo_trade: CALLBACK NOW TO hot_queue"),
    .init(code: "E205", bad: "ON demo_trade: EMAIL welcome", message: "undefined template 'welcome'",
          fixed: "TEMPLATE welcome EMAIL\nON demo_trade: EMAIL welcome"),
    .init(code: "E206", bad: "ON demo_trade: SMS tips", message: "template 'tips' is an EMAIL template, but SMS sends it",
          fixed: "ON demo_trade: EMAIL tips"),
    .init(code: "E207", bad: "ON demo_trade: ESCALATE TO hott", message: "undefined tier 'hott'",
          fixed: "ON demo_trade: ESCALATE TO hot"),
    .init(code: "E208", bad: "ON demo_trade: NURTURE dormant", message: "undefined cadence 'dormant'",
          fixed: "CADENCE dormant DAYS 31-90:\n    EMAIL tips EVERY 3w\nON demo_trade: NURTURE dormant"),
    .init(code: "E209", bad: "ON demo_trade WHERE points(behavioural) > 10: CLOSE",
          message: "undefined score category 'behavioural'", fixed: "ON demo_trade WHERE points(behavioral) > 10: CLOSE"),
    .init(code: "E210", bad: #"ON call_outcome WHERE event.code = "V02": CLOSE"#, message: "undefined disposition code 'V02'",
          fixed: #"ON call_outcome WHERE event.code = "V01": CLOSE"#),
    .init(code: "E211", bad: "ON demo_trade WHERE present(agee): CLOSE", message: "undefined field 'agee'",
          fixed: "ON demo_trade WHERE present(age): CLOSE"),
    .init(code: "E233", bad: "FIELD country: STRING",
          message: "FIELD 'country' redeclares the built-in capture field 'country'", fixed: "FIELD home_country: COUNTRY"),
    // Types
    .init(code: "E212", bad: #"ON demo_trade WHERE age > "25": CLOSE"#,
          message: "'>' needs NUMBER, DURATION or TIME operands, found STRING", fixed: "ON demo_trade WHERE age > 25: CLOSE"),
    .init(code: "E213", bad: "ON demo_trade WHERE lead_score: CLOSE", message: "the WHERE condition must be BOOL, found NUMBER",
          fixed: "ON demo_trade WHERE lead_score >= 70: CLOSE"),
    .init(code: "E214", bad: "ON demo_trade: CALLBACK IN 15", message: "CALLBACK IN needs a DURATION, found NUMBER",
          fixed: "ON demo_trade: CALLBACK IN 15m"),
    .init(code: "E215", bad: #"ON demo_trade WHERE language IN "German": CLOSE"#,
          message: "'IN' needs a list on its right, found STRING", fixed: #"ON demo_trade WHERE language IN ["German"]: CLOSE"#),
    .init(code: "E216", bad: "ON demo_trade WHERE age 55-25: CLOSE",
          message: "range 55-25 is empty: its low bound is above its high bound", fixed: "ON demo_trade WHERE age 25-55: CLOSE"),
    .init(code: "E217", bad: "ON demo_trade WHERE cnt(demo_trade) > 2: CLOSE", message: "unknown function 'cnt'",
          fixed: "ON demo_trade WHERE count(demo_trade) > 2: CLOSE"),
    .init(code: "E218", bad: "ON demo_trade WHERE count(demo_trade, email_click) > 2: CLOSE",
          message: "count() takes 1 argument, found 2", fixed: "ON demo_trade WHERE count(demo_trade) > 2: CLOSE"),
    .init(code: "E219", bad: "ON demo_trade WHERE count(age) > 2: CLOSE",
          message: "count() needs an event name, as in count(demo_trade)", fixed: "ON demo_trade WHERE count(demo_trade) > 2: CLOSE"),
    .init(code: "E220", bad: "CADENCE c DAYS 1-5 WHEN event.cta = \"book_call\":\n    EMAIL tips EVERY 1d",
          message: "'event.cta' is only available in an ON trigger or a DISPOSITION",
          fixed: #"ON email_click WHERE event.cta = "book_call": CALLBACK NEXT AVAILABLE"#),
    .init(code: "E221", bad: #"ON email_click WHERE event.ctaa = "book_call": CLOSE"#,
          message: "event 'email_click' has no parameter 'ctaa'", fixed: #"ON email_click WHERE event.cta = "book_call": CLOSE"#),
    .init(code: "E234", bad: #"ON demo_trade WHERE language IN ["German", 2]: CLOSE"#,
          message: "the list mixes STRING and NUMBER items", fixed: #"ON demo_trade WHERE language IN ["German", "English"]: CLOSE"#),
    // Domain values
    .init(code: "E222", bad: "ON demo_trade: CALLBACK NOW PRIORITY IMEDIATE", message: "unknown priority 'IMEDIATE'",
          fixed: "ON demo_trade: CALLBACK NOW PRIORITY IMMEDIATE"),
    .init(code: "E223", bad: "QUEUE q\nIF TRUE:\n    ASSIGN TO q\n    DIAL_MODE = power_dailer" + hours,
          message: "unknown dial mode 'power_dailer'",
          fixed: "QUEUE q\nIF TRUE:\n    ASSIGN TO q\n    DIAL_MODE = power_dialer" + hours, line: 4, standalone: true),
    .init(code: "E224", bad: "BUSINESS DAYS MON-FRY", message: "unknown day 'FRY'", fixed: "BUSINESS DAYS MON-FRI"),
    .init(code: "E225", bad: "BUSINESS DAYS SAT-MON", message: "day span SAT-MON runs backwards", fixed: "BUSINESS DAYS SAT-SUN, MON"),
    .init(code: "E226", bad: "CALLING HOURS MON-FRI 20:00-09:00", message: "calling window 20:00-09:00 ends before it starts",
          fixed: "CALLING HOURS MON-FRI 09:00-20:00", standalone: true),
    .init(code: "E227", bad: #"DISPOSITION V1 "Voicemail left": RETRY IN 1h"#,
          message: "disposition code 'V1' is not a letter followed by two digits", fixed: #"DISPOSITION V02 "No voicemail": RETRY IN 4h"#),
    .init(code: "E228", bad: #"DISPOSITION V02 "": RETRY IN 4h"#, message: "disposition V02 has an empty label",
          fixed: #"DISPOSITION V02 "No voicemail available": RETRY IN 4h"#),
    .init(code: "E229", bad: "CALLING HOURS MON-FRI 09:00-20:00\nCALLING HOURS SAT 10:00-14:00",
          message: "CALLING HOURS is declared twice", fixed: "CALLING HOURS MON-FRI 09:00-20:00, SAT 10:00-14:00",
          line: 2, standalone: true),
    .init(code: "E230", bad: "CADENCE c DAYS 0-14:\n    EMAIL tips EVERY 4d",
          message: "cadence window DAYS 0-14 must run from a first day to a later or equal last day within 1-365",
          fixed: "CADENCE c DAYS 1-14:\n    EMAIL tips EVERY 4d"),
    .init(code: "E231", bad: "ON demo_trade: HANDOFF TO hot_queue WITHIN 0s",
          message: "HANDOFF WITHIN must be a positive duration, found 0s", fixed: "ON demo_trade: HANDOFF TO hot_queue WITHIN 48h"),
    .init(code: "E232", bad: "SCORE s MAX 0:\n    TRUE => 5", message: "MAX of score category 's' must be a positive number, found 0",
          fixed: "SCORE s MAX 5:\n    TRUE => 5", standalone: true),
    .init(code: "E235", bad: #"ON demo_trade: BLOCK "fax""#, message: #"BLOCK "fax" is not a channel"#,
          fixed: "ON demo_trade: BLOCK PHONE"),
    .init(code: "E236", bad: "QUEUE q\nIF TRUE:\n    ASSIGN TO q\n    PRIORITY = HIGH\n    PRIORITY = LOW" + hours,
          message: "the route sets PRIORITY twice",
          fixed: "QUEUE q\nIF TRUE:\n    ASSIGN TO q\n    PRIORITY = HIGH" + hours, line: 5, standalone: true),
    .init(code: "E237", bad: "CADENCE c DAYS 1-14:\n    CALL 3-2 PER WEEK",
          message: "CALL 3-2 PER WEEK needs whole numbers from 1, the smaller first",
          fixed: "CADENCE c DAYS 1-14:\n    CALL 2-3 PER WEEK", line: 2),
    // Lints
    .init(code: "W300", bad: "EVENT a\nEVENT b\nSCORE s MAX 10:\n    a => 10\n    b => 5",
          message: "the rows of score category 's' can add up to 15 points, above its MAX 10",
          fixed: "EVENT a\nEVENT b\nSCORE s MAX 15:\n    a => 10\n    b => 5", line: 3, standalone: true),
    .init(code: "W301", bad: "EVENT a\nSCORE s MAX 10:\n    TRUE => count(a)",
          message: "the points of this row of 's' are not bounded",
          fixed: "EVENT a\nSCORE s MAX 10:\n    count(a) > 0 => 10", line: 3, standalone: true),
    .init(code: "W302", bad: "SCORE s MAX 100:\n    TRUE => 50\nTIER hot WHEN lead_score >= 70: NURTURE\nTIER cold WHEN lead_score < 40: NURTURE",
          message: "tiers leave lead_score 40-69 uncovered",
          fixed: "SCORE s MAX 100:\n    TRUE => 50\nTIER hot WHEN lead_score >= 70: NURTURE\nTIER cold WHEN lead_score < 70: NURTURE",
          line: 3, standalone: true),
    .init(code: "W303", bad: "SCORE s MAX 100:\n    TRUE => 50\nTIER hot WHEN lead_score >= 70: NURTURE\nTIER cold WHEN lead_score <= 70: NURTURE",
          message: "tiers 'hot' and 'cold' overlap at lead_score 70",
          fixed: "SCORE s MAX 100:\n    TRUE => 50\nTIER hot WHEN lead_score >= 70: NURTURE\nTIER cold WHEN lead_score < 70: NURTURE",
          line: 4, standalone: true),
    .init(code: "W304", bad: "QUEUE hot\nQUEUE german_hot\nIF lead_score >= 70:\n    ASSIGN TO hot\n    DIAL_MODE = none\n"
          + "IF lead_score >= 70 AND language = \"German\":\n    ASSIGN TO german_hot\n    DIAL_MODE = none",
          message: "route can never match: the route at test.rules:3 matches first",
          fixed: "QUEUE hot\nQUEUE german_hot\nIF lead_score >= 70 AND language = \"German\":\n    ASSIGN TO german_hot\n"
          + "    DIAL_MODE = none\nIF lead_score >= 70:\n    ASSIGN TO hot\n    DIAL_MODE = none", line: 6, standalone: true),
    .init(code: "W305", bad: "QUEUE q\nSCORE s MAX 100:\n    TRUE => 50\nIF lead_score >= 70:\n    ASSIGN TO q\n    DIAL_MODE = none",
          message: "routes leave lead_score 0-69 unrouted",
          fixed: "QUEUE q\nSCORE s MAX 100:\n    TRUE => 50\nIF TRUE:\n    ASSIGN TO q\n    DIAL_MODE = none",
          line: 4, standalone: true),
    .init(code: "W306", bad: #"ON demo_trade WHERE country = "UK": CLOSE"#,
          message: "'UK' is not an ISO 3166-1 alpha-2 code; did you mean 'GB' (United Kingdom)?",
          fixed: #"ON demo_trade WHERE country = "GB": CLOSE"#),
    .init(code: "W307", bad: "CADENCE a DAYS 1-14:\n    EMAIL tips EVERY 4d\nCADENCE b DAYS 14-30:\n    EMAIL tips EVERY 7d",
          message: "cadences 'a' and 'b' overlap on days 14",
          fixed: "CADENCE a DAYS 1-14:\n    EMAIL tips EVERY 4d\nCADENCE b DAYS 15-30:\n    EMAIL tips EVERY 7d", line: 3),
    .init(code: "W308", bad: "EVENT a\nON a: CALLBACK IN 15m", message: "calls are scheduled but no CALLING HOURS are defined",
          fixed: "EVENT a\nON a: CALLBACK IN 15m" + hours, line: 2, standalone: true),
    .init(code: "W309", bad: "QUEUE q\nIF TRUE:\n    ASSIGN TO q\n    DIAL_MODE = predictive_dialer" + hours,
          message: "predictive_dialer on a route that can match lead_score 40 and above",
          fixed: "QUEUE q\nIF TRUE:\n    ASSIGN TO q\n    DIAL_MODE = power_dialer" + hours, line: 4, standalone: true),
    .init(code: "W310", bad: #"LIST vip_domains = ["example.com"]"#, message: "LIST 'vip_domains' is declared but never used",
          fixed: "LIST vip_domains = [\"example.com\"]\nON demo_trade WHERE domain(email) IN vip_domains: CLOSE"),
    .init(code: "W311", bad: #"ON demo_trade WHERE lead_tier = "hott": CLOSE"#,
          message: #"no tier is named 'hott', so lead_tier is never "hott""#, fixed: #"ON demo_trade WHERE lead_tier = "hot": CLOSE"#),
    .init(code: "W312", bad: #"ON demo_trade WHERE lead_status = "nurture": CLOSE"#, message: #"lead_status is never "nurture""#,
          fixed: #"ON demo_trade WHERE lead_status = "nurturing": CLOSE"#),
    .init(code: "W313", bad: "ON demo_trade: ESCALATE TO cold",
          message: "ESCALATE TO 'cold' makes no call: tier 'cold' is a NURTURE tier", fixed: "ON demo_trade: ESCALATE TO warm"),
    .init(code: "W314", bad: #"DISPOSITION C03 "Not interested": CLOSE"#,
          message: "DISPOSITION codes are declared but no EVENT call_outcome(code: STRING)",
          fixed: "EVENT call_outcome(code: STRING)\nDISPOSITION C03 \"Not interested\": CLOSE", standalone: true),
    .init(code: "W315", bad: "QUEUE q\nSCORE s MAX 100:\n    TRUE => 50\nIF lead_score > 100:\n    ASSIGN TO q\n    DIAL_MODE = none\nIF TRUE:\n    ASSIGN TO q\n    DIAL_MODE = none",
          message: "route can never match: lead_score runs 0-100",
          fixed: "QUEUE q\nSCORE s MAX 100:\n    TRUE => 50\nIF lead_score >= 100:\n    ASSIGN TO q\n    DIAL_MODE = none\nIF TRUE:\n    ASSIGN TO q\n    DIAL_MODE = none",
          line: 4, standalone: true),
]

@Test func preludeChecksClean() {
    #expect(lines(compile(prelude)) == [])
}

@Test(arguments: codeCases)
func badSnippetGivesExactlyItsCode(_ c: CodeCase) {
    let r = compile(c.source(c.bad))
    let expected = "test.rules:\(c.lineOffset + c.line):"
    #expect(r.diagnostics.count == 1, "\(lines(r))")
    guard let d = r.diagnostics.first else { return }
    #expect(d.code == c.code)
    #expect(d.message == c.message)
    #expect(line(d).hasPrefix(expected), "\(line(d))")
    #expect((d.severity == .error) == c.code.hasPrefix("E"))
}

@Test(arguments: codeCases)
func fixedSnippetChecksClean(_ c: CodeCase) {
    #expect(lines(compile(c.source(c.fixed))) == [])
}

@Test func everyCheckerCodeHasACase() {
    let covered = Set(codeCases.map(\.code))
    let expected = Set((200...237).map { "E\($0)" } + (300...315).map { "W\($0)" })
    #expect(covered == expected)
}
