// The HOLIDAYS file of a playbook (docs/LOCAL-TIME.md, "The holiday file"):
//
//     # comments and blank lines are ignored
//     2026-12-25 Christmas Day                 a holiday of every country
//     GB 2026-12-28 Boxing Day (substitute)    a holiday of one country
//
// A line is `DATE [name]` or `CC DATE [name]`; `#` starts a comment anywhere
// on a line. The reader never stops at the first bad line: every line is
// checked and every finding is a diagnostic at file:line:col, rendered like
// the rules' own (codes E238-E240, W316 in docs/DIAGNOSTICS.md). A line with
// an error contributes no date; the good lines still make the calendar.

import RulesLanguage

/// Reads holiday files.
public enum HolidayFile {
    /// The holidays of the file's good lines and a finding per bad line.
    public struct Result: Sendable {
        public let calendar: HolidayCalendar
        /// In line order.
        public let diagnostics: [Diagnostic]
        public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
    }

    /// Parses a holiday file; never fails (bad lines are diagnostics).
    public static func parse(_ file: SourceFile) -> Result {
        var reader = Reader(file: file)
        for line in 1...file.lineStarts.count { reader.read(line: line) }
        return Result(calendar: reader.calendar, diagnostics: reader.diagnostics)
    }

    /// One word of a line: its byte range and text.
    struct Word {
        let range: SourceRange
        let text: String
    }

    private struct Reader {
        let file: SourceFile
        var calendar = HolidayCalendar()
        var diagnostics: [Diagnostic] = []
        /// Where each (country, date) was first listed, for W316.
        var firstLine: [HolidayCalendar.Key: Int] = [:]

        init(file: SourceFile) { self.file = file }

        mutating func read(line: Int) {
            let words = words(of: line)
            guard let first = words.first else { return }
            let country: Word?, dateWord: Word?, rest: ArraySlice<Word>
            if Self.startsWithDigit(first.text) {
                (country, dateWord, rest) = (nil, first, words.dropFirst())
            } else if words.count >= 2, Self.startsWithDigit(words[1].text) {
                (country, dateWord, rest) = (first, words[1], words.dropFirst(2))
            } else if words.count == 1, first.text.count == 2 {
                // `GB` alone: a country with its date missing.
                report(HolidayMessages.missingDate(after: first.text), SourceRange(start: first.range.end, end: first.range.end))
                return
            } else {
                report(HolidayMessages.malformedLine(first.text), first.range)
                return
            }
            var ok = true
            if let country, !CountryCodes.isCode(country.text) {
                report(HolidayMessages.notCountryCode(country.text, suggestion: CountryCodes.suggestion(for: country.text)),
                       country.range)
                ok = false
            }
            guard let dateWord, let date = self.date(dateWord), ok else { return }
            let name = rest.isEmpty ? nil : file.text(SourceRange(start: rest.first?.range.start ?? 0,
                                                                   end: rest.last?.range.end ?? 0))
            let key = HolidayCalendar.Key(country: country?.text, date: date)
            if let earlier = firstLine[key] {
                let start = country?.range.start ?? dateWord.range.start
                report(HolidayMessages.duplicate(date: date, country: country?.text, firstLine: earlier),
                       SourceRange(start: start, end: dateWord.range.end))
                return
            }
            firstLine[key] = line
            calendar.add(date, country: country?.text, name: name)
        }

        /// The date of a word that starts with a digit, or nil with a finding.
        private mutating func date(_ word: Word) -> LocalDate? {
            if let date = LocalDate(iso: word.text) { return date }
            let parts = word.text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                  let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
                  parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else {
                report(HolidayMessages.malformedDate(word.text), word.range)
                return nil
            }
            report(HolidayMessages.impossibleDate(word.text, year: y, month: m, day: d), word.range)
            return nil
        }

        /// The words of a line before any `#`, split on spaces and tabs.
        private func words(of line: Int) -> [Word] {
            var start = file.lineStarts[line - 1]
            if line == 1, file.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
            let end = line < file.lineStarts.count ? file.lineStarts[line] : file.bytes.count
            var words: [Word] = []
            var wordStart: Int?
            var i = start
            while i <= end {
                let b: UInt8 = i < end ? file.bytes[i] : UInt8(ascii: " ")
                let isComment = b == UInt8(ascii: "#")
                let isSpace = b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n")
                    || b == UInt8(ascii: "\r") || isComment
                if isSpace, let s = wordStart {
                    let range = SourceRange(start: s, end: i)
                    words.append(Word(range: range, text: file.text(range)))
                    wordStart = nil
                } else if !isSpace, wordStart == nil {
                    wordStart = i
                }
                if isComment { break }
                i += 1
            }
            return words
        }

        private static func startsWithDigit(_ s: String) -> Bool {
            s.first.map { $0.isASCII && $0.isNumber } ?? false
        }

        private mutating func report(_ message: Message, _ range: SourceRange) {
            diagnostics.append(Diagnostic(file: file, range: range, severity: message.severity, code: message.code,
                                          message: message.text, notes: message.notes))
        }
    }
}

/// The findings about holiday files (E238-E241, W316), one factory each.
enum HolidayMessages {
    static let lineForm = "a line is `DATE [name]` or `CC DATE [name]`, as in `GB 2026-12-28 Boxing Day (substitute)`"

    static func malformedLine(_ found: String) -> Message {
        Message(code: "E238", severity: .error,
                text: "expected a date such as 2026-12-25 or a country code and a date, found '\(found)'",
                notes: [lineForm])
    }

    static func missingDate(after country: String) -> Message {
        Message(code: "E238", severity: .error, text: "expected a date after '\(country)', found the end of the line",
                notes: [lineForm])
    }

    static func malformedDate(_ found: String) -> Message {
        Message(code: "E238", severity: .error, text: "malformed date '\(found)': write it YYYY-MM-DD, as in 2026-12-25",
                notes: [lineForm])
    }

    static func impossibleDate(_ text: String, year: Int, month: Int, day: Int) -> Message {
        guard (1...12).contains(month) else {
            return Message(code: "E239", severity: .error, text: "\(text) is not a date: months run from 01 to 12")
        }
        let days = LocalDate.daysIn(month: month, year: year)
        let name = monthNames[month - 1]
        return Message(code: "E239", severity: .error,
                       text: "\(text) is not a date: \(name) \(year) has \(days) days")
    }

    static func notCountryCode(_ value: String, suggestion: (code: String, why: String?)?) -> Message {
        guard let s = suggestion else {
            return Message(code: "E240", severity: .error,
                           text: "'\(value)' is not an ISO 3166-1 alpha-2 country code", notes: [lineForm])
        }
        let named = CountryCodes.name(of: s.code).map { " (\($0))" } ?? ""
        return Message(code: "E240", severity: .error,
                       text: "'\(value)' is not an ISO 3166-1 alpha-2 code; did you mean '\(s.code)'\(named)?",
                       notes: s.why.map { [$0] } ?? [])
    }

    static func unreadable(_ path: String, reason: String) -> Message {
        Message(code: "E241", severity: .error, text: "cannot read the holidays file '\(path)': \(reason)",
                notes: ["the path is relative to the playbook directory"])
    }

    static func duplicate(date: LocalDate, country: String?, firstLine: Int) -> Message {
        let whose = country.map { "\($0) " } ?? ""
        let scope = country == nil ? " for every country" : ""
        return Message(code: "W316", severity: .warning,
                       text: "holiday \(whose)\(date)\(scope) is already listed at line \(firstLine)",
                       notes: ["remove one of the two lines"])
    }

    private static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                                     "September", "October", "November", "December"]
}
