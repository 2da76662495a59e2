// Names in expectations checked against the playbook's declarations: a
// misspelt tier or queue would make a test that can never pass (or, under
// `no_tasks`, one that can never fail), so it is bad input, with the
// closest declared name.

import RulesCompiler
import RulesEngine
import RulesLanguage

extension TestPlanner {
    func validate(_ check: Check, _ issues: inout IssueList) {
        switch check.kind {
        case .tier(let tier?):
            name(tier, "tier", among: program.tiers.map(\.name), key: "tier", &issues)
        case .cadence(let cadence?):
            name(cadence, "cadence", among: program.cadences.map(\.name), key: "cadence", &issues)
        case .route(let route?):
            if let queue = route.queue { name(queue, "queue", among: program.queues.keys, key: "queue", &issues) }
        case .categories(let list):
            for c in list {
                name(Located(c.value.name, c.mark), "score category", among: program.categories.map(\.name),
                     key: "categories", &issues)
            }
        case .tasks(let ms), .noTasks(let ms), .pending(let ms):
            for m in ms { validate(m, &issues) }
        default:
            break
        }
    }

    private func validate(_ m: TaskMatcher, _ issues: inout IssueList) {
        if let queue = m.queue { name(queue, "queue", among: program.queues.keys, key: "queue", &issues) }
        if let template = m.template {
            name(template, "template", among: program.templates.keys, key: "template", &issues)
            if let declared = program.templates[template.value] {
                let channel = declared.channel.rawValue.lowercased()
                if (m.kind == .email || m.kind == .sms) && channel != m.kind.rawValue {
                    issues.add(Messages.templateNotForKind(template.value, channel: channel, kind: m.kind.rawValue,
                                                           template.mark))
                }
            }
        }
    }

    private func name(_ text: Located<String>, _ what: String, among names: some Sequence<String>, key: String,
                      _ issues: inout IssueList) {
        let all = Array(names)
        guard !all.contains(text.value) else { return }
        issues.add(Messages.unknownName(what, text.value, among: all, text.mark, key: key))
    }
}
