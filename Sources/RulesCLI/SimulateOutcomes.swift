// `--outcomes MODEL` of `rules simulate`: `default` (the seed's mid-band
// rates, `OutcomeModel.standard`) or a YAML file with the same shape as
// examples/outcomes.yaml (docs/SIMULATE.md, "Outcome model"):
//
//     delay: 30s-5m
//     classes:
//       live:
//         rate: 30%
//         codes:
//           C01: {weight: 30, callback_after: 1h-2d, deposit: {rate: 25%, after: 2h-3d, amount: 250-5000}}
//           C03: 22
//       voicemail: {rate: 0.45, codes: {V01: 85, V02: 15}}
//       ...
//
// Every fault is reported as `file:line:col: error: <where>: <what>`, with
// the position from the YAML parser, and the command exits 2.

import RulesCompiler
import RulesEngine
import RulesLanguage
import Scheduler
import Yams

enum OutcomeModelFile {
    /// The model named by `--outcomes`, checked against the playbook.
    static func load(_ name: String, program: Program) throws(CommandFailure) -> OutcomeModel {
        if name == "default" { return OutcomeModel.standard }
        let text: String
        do {
            text = String(decoding: try SourceLoader.read(name).bytes, as: UTF8.self)
        } catch {
            throw CommandFailure(message: "--outcomes: \(error.description)")
        }
        var reader = OutcomeModelReader(path: name, program: program)
        do {
            return try reader.read(text)
        } catch {
            Console.err("\(error.message)\n")
            throw CommandFailure(message: "the outcome model '\(name)' is not valid; nothing simulated")
        }
    }
}

/// Reads one model file; `fail` names the node's position.
private struct OutcomeModelReader {
    let path: String
    let program: Program

    static let topKeys = ["delay", "classes"]
    static let classKeys = ["rate", "codes"]
    static let codeKeys = ["weight", "callback_after", "deposit"]
    static let depositKeys = ["rate", "after", "amount"]

    func fail(_ node: Node?, _ message: String, notes: [String] = []) -> CommandFailure {
        let mark = node?.mark
        let at = mark.map { "\(path):\($0.line):\($0.column)" } ?? path
        return CommandFailure(message: "\(at): error: \(message)" + notes.map { "\n  note: \($0)" }.joined())
    }

    mutating func read(_ text: String) throws(CommandFailure) -> OutcomeModel {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw yamlFailure(error)
        } catch {
            throw CommandFailure(message: "\(path): error: \(error)")
        }
        guard let root, case .mapping(let top) = root else {
            throw fail(root, "expected a mapping with 'delay' and 'classes' (see examples/outcomes.yaml)")
        }
        let fields = try members(top, allowed: Self.topKeys, context: "the model")
        guard let delayNode = fields["delay"] else { throw fail(root, "'delay' is missing (e.g. delay: 30s-5m)") }
        guard let classesNode = fields["classes"], case .mapping(let classMap) = classesNode else {
            throw fail(fields["classes"] ?? root, "'classes' must map class names to {rate, codes}")
        }
        let delay = try durationRange(delayNode, "delay")
        var classes: [OutcomeModel.OutcomeClass] = []
        for (key, value) in classMap {
            classes.append(try outcomeClass(name: try name(key), value))
        }
        do {
            return try OutcomeModel(delay: delay, classes: classes)
        } catch {
            throw fail(error.field == "delay" ? delayNode : classesNode, error.description)
        }
    }

    private func yamlFailure(_ error: YamlError) -> CommandFailure {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return CommandFailure(message: "\(path):\(mark.line):\(mark.column): error: malformed YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return CommandFailure(message: "\(path):\(context.mark.line):\(context.mark.column): error: malformed YAML: "
                                  + "key given twice: \(duplicates.sorted().joined(separator: ", "))")
        default:
            return CommandFailure(message: "\(path): error: malformed YAML: \(error)")
        }
    }

    private func outcomeClass(name: String, _ node: Node) throws(CommandFailure) -> OutcomeModel.OutcomeClass {
        guard case .mapping(let map) = node else { throw fail(node, "class '\(name)' must be {rate, codes}") }
        let fields = try members(map, allowed: Self.classKeys, context: "class '\(name)'")
        guard let rateNode = fields["rate"] else { throw fail(node, "class '\(name)': 'rate' is missing") }
        guard let codesNode = fields["codes"], case .mapping(let codeMap) = codesNode, !codeMap.isEmpty else {
            throw fail(fields["codes"] ?? node, "class '\(name)': 'codes' must map disposition codes to weights")
        }
        var codes: [OutcomeModel.Code] = []
        for (key, value) in codeMap {
            codes.append(try code(try self.code(key), value, in: name))
        }
        return OutcomeModel.OutcomeClass(name: name, rate: try rate(rateNode, "classes.\(name).rate"), codes: codes)
    }

    private func code(_ code: String, _ node: Node, in className: String) throws(CommandFailure) -> OutcomeModel.Code {
        let at = "classes.\(className).codes.\(code)"
        if case .scalar = node { return OutcomeModel.Code(code, weight: try weight(node, at)) }
        guard case .mapping(let map) = node else { throw fail(node, "\(at): expected a weight or {weight, ...}") }
        let fields = try members(map, allowed: Self.codeKeys, context: at)
        guard let weightNode = fields["weight"] else { throw fail(node, "\(at): 'weight' is missing") }
        var result = OutcomeModel.Code(code, weight: try weight(weightNode, "\(at).weight"))
        if let callback = fields["callback_after"] {
            guard program.events["call_outcome"]?.params.contains(where: { $0.name == "callback_at" }) ?? false else {
                throw fail(callback, "\(at).callback_after: the playbook's call_outcome has no callback_at parameter")
            }
            result.callbackAfter = try durationRange(callback, "\(at).callback_after")
        }
        if let deposit = fields["deposit"] { result.deposit = try self.deposit(deposit, "\(at).deposit") }
        return result
    }

    private func deposit(_ node: Node, _ at: String) throws(CommandFailure) -> OutcomeModel.Deposit {
        guard program.events["first_deposit"] != nil else {
            throw fail(node, "\(at): the playbook declares no first_deposit event")
        }
        guard case .mapping(let map) = node else { throw fail(node, "\(at): expected {rate, after, amount}") }
        let fields = try members(map, allowed: Self.depositKeys, context: at)
        for key in Self.depositKeys where fields[key] == nil { throw fail(node, "\(at): '\(key)' is missing") }
        guard let rateNode = fields["rate"], let afterNode = fields["after"], let amountNode = fields["amount"] else {
            throw fail(node, "\(at): expected {rate, after, amount}")
        }
        return OutcomeModel.Deposit(rate: try rate(rateNode, "\(at).rate"),
                                    after: try durationRange(afterNode, "\(at).after"),
                                    amount: try amountRange(amountNode, "\(at).amount"))
    }

    // MARK: - Scalars

    /// The keys of a mapping; an unknown or repeated key is an error.
    private func members(_ map: Node.Mapping, allowed: [String], context: String) throws(CommandFailure) -> [String: Node] {
        var fields: [String: Node] = [:]
        for (key, value) in map {
            let word = try name(key)
            guard allowed.contains(word) else {
                let guess = Suggestion.closest(to: word, among: allowed)
                throw fail(key, "\(context): unknown key '\(word)' (expected \(allowed.joined(separator: ", ")))",
                           notes: guess.map { ["did you mean '\($0)'?"] } ?? [])
            }
            fields[word] = value
        }
        return fields
    }

    private func name(_ node: Node) throws(CommandFailure) -> String {
        guard case .scalar(let s) = node, !s.string.isEmpty else { throw fail(node, "expected a name") }
        return s.string
    }

    /// A disposition code the playbook declares.
    private func code(_ node: Node) throws(CommandFailure) -> String {
        let code = try name(node)
        guard program.dispositions[code] != nil else {
            let guess = Suggestion.closest(to: code, among: program.dispositions.keys)
            throw fail(node, "'\(code)' is not a DISPOSITION code of the playbook",
                       notes: guess.map { ["did you mean '\($0)'?"] } ?? [])
        }
        return code
    }

    /// `0.3` or `30%`.
    private func rate(_ node: Node, _ at: String) throws(CommandFailure) -> Double {
        guard case .scalar(let s) = node else { throw fail(node, "\(at): expected a rate like 0.3 or 30%") }
        let text = trimmed(s.string)
        let value = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
        guard let value, value.isFinite, (0...1).contains(value) else {
            throw fail(node, "\(at): expected a rate between 0 and 1 (or 0% and 100%), found '\(text)'")
        }
        return value
    }

    private func weight(_ node: Node, _ at: String) throws(CommandFailure) -> Int {
        guard case .scalar(let s) = node, let n = Int(s.string), n >= 1, n <= 1_000_000 else {
            throw fail(node, "\(at): expected a whole weight from 1 to 1000000")
        }
        return n
    }

    /// `30s-5m`, or one duration for a fixed value.
    private func durationRange(_ node: Node, _ at: String) throws(CommandFailure) -> ClosedRange<Int64> {
        guard case .scalar(let s) = node else { throw fail(node, "\(at): expected a duration range like 30s-5m") }
        let parts = s.string.split(separator: "-", omittingEmptySubsequences: false).map {
            Self.duration(trimmed($0))
        }
        guard parts.count <= 2, let low = parts.first ?? nil, let high = parts.last ?? nil, low <= high else {
            throw fail(node, "\(at): expected a duration range like 30s-5m (units s, m, h, d, w; low to high), "
                       + "found '\(s.string)'")
        }
        return low...high
    }

    private func amountRange(_ node: Node, _ at: String) throws(CommandFailure) -> ClosedRange<Int> {
        guard case .scalar(let s) = node else { throw fail(node, "\(at): expected an amount range like 250-5000") }
        let parts = s.string.split(separator: "-", omittingEmptySubsequences: false)
            .map { Int(trimmed($0)) }
        guard parts.count <= 2, let low = parts.first ?? nil, let high = parts.last ?? nil, low >= 0, low <= high,
              high <= 1_000_000_000 else {
            throw fail(node, "\(at): expected an amount range like 250-5000, found '\(s.string)'")
        }
        return low...high
    }

    /// `45s`, `15m`, `2h`, `3d`, `2w` in ms; nil otherwise.
    static func duration(_ text: String) -> Int64? {
        guard let unit = text.last, let n = Int64(text.dropLast()), n >= 0, n <= 10_000 else { return nil }
        let scale: Int64
        switch unit {
        case "s": scale = 1000
        case "m": scale = 60_000
        case "h": scale = 3_600_000
        case "d": scale = 86_400_000
        case "w": scale = 604_800_000
        default: return nil
        }
        return n * scale
    }
}

/// `text` without blanks at either end.
private func trimmed(_ text: some StringProtocol) -> String {
    String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
}
