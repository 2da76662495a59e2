// Renders collected diagnostics for people (text), for tools (json) and for
// GitHub Actions annotations (github). The text form is the compiler-style
// `file:line:col: error: message [CODE]` followed by the source line and a
// caret line, the way go/scanner and clang print errors.
//
// The source line is rebuilt from the file's bytes here rather than taken from
// `SourceFile.lineText`, so that the printed line and the caret line come from
// the same cells: invalid UTF-8, control bytes, tabs, wide and combining
// characters all keep the caret under the right character.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns diagnostics into the text printed by `rules check` and `rules fmt`.
public struct DiagnosticRenderer: Sendable {
    /// The output formats of `rules check --format`.
    public enum Format: String, Sendable, CaseIterable {
        /// `file:line:col: error: message [CODE]`, source line, caret line, notes, summary.
        case text
        /// One JSON document with every diagnostic and the counts.
        case json
        /// GitHub Actions workflow commands (`::error file=...::message`).
        case github
    }

    /// Source lines longer than this many characters are shown as a window
    /// around the caret, so one huge line cannot flood the terminal.
    public static let maxLineWidth = 160

    public var format: Format
    /// Text and github output print at most this many diagnostics, then say
    /// how many more were found; 0 prints all. JSON always lists all.
    public var maxDiagnostics: Int
    /// ANSI colors in text output; the caller decides (TTY and no NO_COLOR).
    public var color: Bool

    public init(format: Format = .text, maxDiagnostics: Int = 100, color: Bool = false) {
        self.format = format
        self.maxDiagnostics = maxDiagnostics
        self.color = color
    }

    /// Renders `diagnostics` (already sorted) in the chosen format.
    /// `dropped` counts errors the bag did not keep; they are reported as a number.
    /// Text output of no diagnostics is empty.
    public func render(_ diagnostics: [Diagnostic], dropped: Int = 0) -> String {
        switch format {
        case .text: renderText(diagnostics, dropped: dropped)
        case .json: renderJSON(diagnostics, dropped: dropped)
        case .github: renderGitHub(diagnostics, dropped: dropped)
        }
    }

    // MARK: - Text

    private func renderText(_ diagnostics: [Diagnostic], dropped: Int) -> String {
        let (shown, hidden) = split(diagnostics)
        var out = ""
        for d in shown {
            out += header(d) + "\n"
            let snippet = Snippet(d.file, d.range)
            out += snippet.line + "\n"
            out += paint(snippet.caret, .green) + "\n"
            for note in d.notes {
                out += "  " + paint("note:", .cyan) + " " + note + "\n"
            }
        }
        let hiddenErrors = hidden.filter { $0.severity == .error }.count + dropped
        let hiddenWarnings = hidden.filter { $0.severity == .warning }.count
        if hiddenErrors + hiddenWarnings > 0 {
            out += hiddenLine(errors: hiddenErrors, warnings: hiddenWarnings) + "\n"
        }
        let errors = diagnostics.filter { $0.severity == .error }.count + dropped
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        let summary = [counted(errors, "error"), counted(warnings, "warning")].filter { !$0.isEmpty }
        if !summary.isEmpty {
            out += summary.joined(separator: ", ") + "\n"
        }
        return out
    }

    private func header(_ d: Diagnostic) -> String {
        let at = d.location
        let severity: String
        switch d.severity {
        case .error: severity = paint("error:", .red)
        case .warning: severity = paint("warning:", .magenta)
        case .note: severity = paint("note:", .cyan)
        }
        return paint("\(d.file.path):\(at.line):\(at.column):", .bold) + " " + severity + " "
            + paint(d.message, .bold) + " [\(d.code)]"
    }

    private func hiddenLine(errors: Int, warnings: Int) -> String {
        let parts = [counted(errors, "more error"), counted(warnings, "more warning")]
        return parts.filter { !$0.isEmpty }.joined(separator: " and ") + " not shown"
    }

    /// "1 error", "3 errors", or "" for zero.
    private func counted(_ n: Int, _ noun: String) -> String {
        n == 0 ? "" : "\(n) \(noun)\(n == 1 ? "" : "s")"
    }

    private func split(_ diagnostics: [Diagnostic]) -> (shown: ArraySlice<Diagnostic>, hidden: ArraySlice<Diagnostic>) {
        guard maxDiagnostics > 0, diagnostics.count > maxDiagnostics else {
            return (diagnostics[...], [])
        }
        return (diagnostics.prefix(maxDiagnostics), diagnostics.dropFirst(maxDiagnostics))
    }

    private enum Style: String {
        case bold = "1", red = "1;31", magenta = "1;35", cyan = "1;36", green = "1;32"
    }

    private func paint(_ s: String, _ style: Style) -> String {
        color && !s.isEmpty ? "\u{1B}[\(style.rawValue)m\(s)\u{1B}[0m" : s
    }

    // MARK: - JSON

    private struct JSONDiagnostic: Encodable {
        let file: String
        let line: Int
        let column: Int
        let end_line: Int
        let end_column: Int
        let severity: String
        let code: String
        let message: String
        let notes: [String]
    }

    private struct JSONDocument: Encodable {
        let diagnostics: [JSONDiagnostic]
        let errors: Int
        let warnings: Int
    }

    private func renderJSON(_ diagnostics: [Diagnostic], dropped: Int) -> String {
        let entries = diagnostics.map { d in
            let start = d.location
            let end = d.file.location(of: max(d.range.start, d.range.end))
            return JSONDiagnostic(file: d.file.path, line: start.line, column: start.column,
                                  end_line: end.line, end_column: end.column,
                                  severity: d.severity.rawValue, code: d.code,
                                  message: d.message, notes: d.notes)
        }
        let document = JSONDocument(
            diagnostics: entries,
            errors: diagnostics.filter { $0.severity == .error }.count + dropped,
            warnings: diagnostics.filter { $0.severity == .warning }.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings, integers and arrays of them cannot fail.
        guard let data = try? encoder.encode(document) else { return "" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: - GitHub

    private func renderGitHub(_ diagnostics: [Diagnostic], dropped: Int) -> String {
        let (shown, hidden) = split(diagnostics)
        var out = ""
        for d in shown {
            let start = d.location
            let end = d.file.location(of: max(d.range.start, d.range.end))
            let command: String
            switch d.severity {
            case .error: command = "error"
            case .warning: command = "warning"
            case .note: command = "notice"
            }
            let properties = [
                "file=" + Self.escapeProperty(d.file.path),
                "line=\(start.line)", "col=\(start.column)",
                "endLine=\(end.line)", "endColumn=\(end.column)",
                "title=" + Self.escapeProperty(d.code),
            ]
            let message = ([d.message] + d.notes.map { "note: " + $0 }).joined(separator: "\n")
            out += "::\(command) \(properties.joined(separator: ","))::\(Self.escapeData(message))\n"
        }
        let hiddenErrors = hidden.filter { $0.severity == .error }.count + dropped
        let hiddenWarnings = hidden.filter { $0.severity == .warning }.count
        if hiddenErrors + hiddenWarnings > 0 {
            out += hiddenLine(errors: hiddenErrors, warnings: hiddenWarnings) + "\n"
        }
        return out
    }

    /// Escapes a workflow-command message: `%`, CR and LF.
    static func escapeData(_ s: String) -> String { escape(s, property: false) }

    /// Escapes a workflow-command property value: as data, plus `:` and `,`.
    static func escapeProperty(_ s: String) -> String { escape(s, property: true) }

    private static func escape(_ s: String, property: Bool) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            case ":" where property: out += "%3A"
            case "," where property: out += "%2C"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}

/// The source line of a diagnostic and the caret line under it.
struct Snippet {
    /// The printable source line (controls made visible, long lines windowed).
    var line = ""
    /// Spaces (tabs where the source has tabs), `^` under the start, `~` under the rest.
    var caret = ""


    /// One printed character of the source line and the bytes it came from.
    struct Cell {
        var text: String
        var width: Int
        var start: Int
        var end: Int
    }

    init(_ file: SourceFile, _ range: SourceRange) {
        let bytes = file.bytes
        let start = max(0, min(range.start, bytes.count))
        let lineNumber = file.line(of: start)
        let lineStart = file.lineStarts[lineNumber - 1]
        var lineEnd = lineNumber < file.lineStarts.count ? file.lineStarts[lineNumber] - 1 : bytes.count
        if lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }

        var cells = Self.cells(bytes, lineStart..<lineEnd)
        let first = cells.firstIndex { $0.end > start } ?? cells.count
        let spanEnd = min(max(range.end, start), lineEnd)

        // Window very long lines (a 10 MB one-line file) around the caret.
        var prefix = "", suffix = ""
        var caretIndex = first
        if cells.count > DiagnosticRenderer.maxLineWidth {
            let lo = max(0, min(first - DiagnosticRenderer.maxLineWidth / 4, cells.count - DiagnosticRenderer.maxLineWidth))
            let hi = min(cells.count, lo + DiagnosticRenderer.maxLineWidth)
            if lo > 0 { prefix = "..." }
            if hi < cells.count { suffix = "..." }
            cells = Array(cells[lo..<hi])
            caretIndex = first - lo
        }

        line = prefix + cells.map(\.text).joined() + suffix
        caret = String(repeating: " ", count: prefix.count)
        for cell in cells[..<caretIndex] {
            caret += cell.text == "\t" ? "\t" : String(repeating: " ", count: cell.width)
        }
        caret += "^"
        if caretIndex < cells.count {
            caret += String(repeating: "~", count: max(0, cells[caretIndex].width - 1))
            for cell in cells[(caretIndex + 1)...] where cell.start < spanEnd {
                caret += String(repeating: "~", count: max(1, cell.width))
            }
        }
    }

    /// Decodes `bytes[range]` into printable cells. Each invalid UTF-8 byte
    /// becomes one U+FFFD; control characters become their visible symbols
    /// so that junk input cannot drive the terminal.
    static func cells(_ bytes: [UInt8], _ range: Range<Int>) -> [Cell] {
        var cells: [Cell] = []
        var i = range.lowerBound
        while i < range.upperBound {
            let (scalar, length) = decodeScalar(bytes, at: i, limit: range.upperBound)
            cells.append(cell(for: scalar, start: i, end: i + length))
            i += length
        }
        return cells
    }

    private static func cell(for scalar: Unicode.Scalar?, start: Int, end: Int) -> Cell {
        guard let scalar else { return Cell(text: "\u{FFFD}", width: 1, start: start, end: end) }
        let v = scalar.value
        let text: String
        switch v {
        case 0x09: text = "\t"
        case 0x00..<0x20: text = String(Character(Unicode.Scalar(0x2400 + v) ?? "\u{FFFD}"))
        case 0x7F: text = "\u{2421}"
        case 0x80..<0xA0, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: text = "\u{FFFD}"
        default: text = String(Character(scalar))
        }
        return Cell(text: text, width: width(of: scalar), start: start, end: end)
    }

    /// Terminal columns a scalar takes: 0 for combining marks, 2 for East Asian wide.
    static func width(_ v: UInt32) -> Int {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
             0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
             0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
             0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    private static func width(of scalar: Unicode.Scalar) -> Int {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark: 0
        default: width(scalar.value)
        }
    }

    /// Decodes one UTF-8 scalar at `i`; returns nil and length 1 for an invalid byte.
    static func decodeScalar(_ bytes: [UInt8], at i: Int, limit: Int) -> (Unicode.Scalar?, Int) {
        let b0 = bytes[i]
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        let length: Int
        var value: UInt32
        switch b0 {
        case 0xC2...0xDF: length = 2; value = UInt32(b0 & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(b0 & 0x0F)
        case 0xF0...0xF4: length = 4; value = UInt32(b0 & 0x07)
        default: return (nil, 1)
        }
        guard i + length <= limit else { return (nil, 1) }
        for k in 1..<length {
            let b = bytes[i + k]
            guard b & 0xC0 == 0x80 else { return (nil, 1) }
            value = value << 6 | UInt32(b & 0x3F)
        }
        // Reject overlong forms and values outside Unicode (surrogates fail Scalar's init).
        let minimum: UInt32 = length == 3 ? 0x800 : length == 4 ? 0x10000 : 0x80
        guard value >= minimum, value <= 0x10FFFF, let scalar = Unicode.Scalar(value) else {
            return (nil, 1)
        }
        return (scalar, length)
    }
}
