// `rules eval --format text`: the reports as a table a person reads in a
// terminal, one row per lead with the same facts as the JSON (categories as
// points/max), and with --explain the rules behind each row under it.

import RulesEngine

struct EvalTable {
    let reports: [LeadReport]
    let explain: Bool

    func render() -> String {
        guard let first = reports.first else { return "" }
        let header = ["LEAD", "SCORE"] + first.categories.map { $0.name.uppercased() }
            + ["TIER", "QUEUE", "PRIORITY", "DIAL MODE", "STATUS", "ROUTE RULE"]
        let rows = reports.map(row)
        // SCORE and the categories are numbers: right-aligned.
        let numeric = Set(1...(1 + first.categories.count))
        let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return numeric.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        var out = line(header)
        for (report, cells) in zip(reports, rows) {
            out += line(cells)
            if explain { out += explanation(report) + "\n" }
        }
        return out
    }

    private func row(_ r: LeadReport) -> [String] {
        [r.leadID, Self.number(r.score)]
            + r.categories.map { "\(Self.number($0.points))/\(Self.number($0.max))" }
            + [r.tier ?? "-", r.route?.queue ?? "-", r.route?.priority ?? "-", r.route?.dialMode ?? "-",
               r.status.rawValue, r.route?.rule ?? "-"]
    }

    /// One indented line per step: `rule  what: condition`, rules aligned.
    private func explanation(_ r: LeadReport) -> String {
        let lines: [(rule: String, text: String)] = r.explain.map { step in
            switch step {
            case .score(let rule, let category, let condition, let points, let counted):
                let cut = counted == points ? "" : " (\(Self.number(counted)) counted)"
                return (rule, "\(category) \(Self.signed(points))\(cut): \(condition)")
            case .tier(let rule, let tier, let condition, let escalated):
                return (rule, "tier \(tier)" + (escalated ? " (escalated)" : ": \(condition)"))
            case .routeNotTaken(let rule, let queue, let failed, let unknown):
                return (rule, "not \(queue): \(failed) \(unknown ? "is unknown (a value is missing)" : "fails")")
            case .route(let rule, let queue, let condition):
                return (rule, "route \(queue): \(condition)")
            }
        }
        let width = lines.map(\.rule.count).max() ?? 0
        return lines.map { "  " + $0.rule + String(repeating: " ", count: width - $0.rule.count) + "  " + $0.text + "\n" }
            .joined()
    }

    static func number(_ n: Double) -> String { JSON.serialize(.number(n)) }

    static func signed(_ n: Double) -> String { n < 0 ? number(n) : "+" + number(n) }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
