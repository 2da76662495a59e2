// Seeded synthetic leads with the attribute mix of a CFD/forex signup
// stream: mostly DACH, UK and Western European traffic with the language to
// match, a third of addresses at free webmail and a few throwaway ones, a
// fifth without a phone number, affiliates and paid search next to organic
// traffic, and demo activity that thins out down the funnel. Used by
// `rules-bench eval` and by the tests; a playbook with other fields gets
// plausible values by type. The same seed gives the same leads on every
// platform: the generator draws only from its own SplitMix64, with the
// helpers below rather than the standard library's `random(in:using:)`,
// whose algorithm is not promised to stay the same.

import RulesCompiler
import RulesLanguage

extension SplitMix64 {
    /// A whole number in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }

    public mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    /// An item drawn by weight.
    public mutating func weighted<T>(_ items: [(T, Int)]) -> T {
        var r = int(0...(items.reduce(0) { $0 + $1.1 } - 1))
        for (item, weight) in items {
            if r < weight { return item }
            r -= weight
        }
        return items[items.count - 1].0
    }
}

/// An endless, seeded stream of leads for a program.
public struct SyntheticLeads: Sendable {
    public private(set) var random: SplitMix64
    private let program: Program
    private let now: Int64
    private var serial = 0

    /// `now`: the evaluation time, ms since the epoch (registrations fall in
    /// the 90 days before it).
    public init(program: Program, seed: UInt64, now: Int64 = 1_774_087_200_000) {
        self.program = program
        random = SplitMix64(seed: seed)
        self.now = now
    }

    static let countries: [(String, Int)] = [
        ("DE", 20), ("GB", 15), ("FR", 9), ("AU", 5), ("AT", 4), ("CH", 4), ("ES", 7), ("IT", 7), ("PL", 6),
        ("NL", 5), ("SE", 3), ("ZA", 3), ("AE", 3), ("SG", 2), ("US", 2), ("BE", 1), ("CA", 1), ("BR", 3),
    ]
    static let languages: [String: String] = [
        "DE": "German", "AT": "German", "CH": "German", "GB": "English", "AU": "English", "ZA": "English",
        "SG": "English", "US": "English", "CA": "English", "AE": "English", "FR": "French", "BE": "French",
        "ES": "Spanish", "IT": "Italian", "PL": "Polish", "NL": "Dutch", "SE": "Swedish", "BR": "Portuguese",
    ]
    static let zones: [String: String] = [
        "DE": "Europe/Berlin", "AT": "Europe/Vienna", "CH": "Europe/Zurich", "GB": "Europe/London",
        "AU": "Australia/Sydney", "FR": "Europe/Paris", "ES": "Europe/Madrid", "IT": "Europe/Rome",
        "PL": "Europe/Warsaw", "NL": "Europe/Amsterdam", "SE": "Europe/Stockholm", "ZA": "Africa/Johannesburg",
        "AE": "Asia/Dubai", "SG": "Asia/Singapore", "US": "America/New_York", "BE": "Europe/Brussels",
        "CA": "America/Toronto", "BR": "America/Sao_Paulo",
    ]
    static let sources: [(String?, Int)] = [
        ("organic_search", 25), ("google_ads_branded", 10), ("google_ads_generic", 18), ("affiliate", 20),
        ("social", 15), ("referral", 4), ("partner_webinar", 3), (nil, 5),
    ]
    static let freeMail = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "web.de", "gmx.de", "icloud.com",
                           "orange.fr", "libero.it", "wp.pl", "GMail.com", "yahoo.co.uk"]
    static let throwaway = ["mailinator.com", "yopmail.com", "10minutemail.com", "guerrillamail.com"]
    static let companies = ["northbridge-capital.com", "mueller-partner.de", "acme.co.uk", "finanzhaus.at",
                            "dupont-conseil.fr", "Studio-Rossi.IT", "kowalski.pl", "vanderberg.nl"]
    static let affiliates = ["aff_1042", "aff_1077", "aff_2003", "aff_2150", "aff_3301", "aff_4410", "aff_5120"]

    /// The next lead, evaluated at `now`.
    public mutating func next() -> LeadSnapshot {
        serial += 1
        var fields: [String: Value] = [:]
        let country = random.weighted(Self.countries)
        let registered = now - Int64(random.int(0...(90 * 24 * 60))) * 60_000
        fields["name"] = .string("Lead \(serial)")
        fields["country"] = .string(country)
        fields["ip_country"] = .string(random.chance(0.9) ? country : random.weighted(Self.countries))
        fields["language"] = .string(random.chance(0.92) ? Self.languages[country] ?? "English" : "English")
        fields["timezone"] = .string(Self.zones[country] ?? "UTC")
        fields["registered_at"] = .time(registered)
        if random.chance(0.9) { fields["email"] = .string(email()) }
        if random.chance(0.8) { fields["phone"] = .string("+49 151 \(random.int(1_000_000...9_999_999))") }
        let source = random.weighted(Self.sources)
        if let source { fields["source"] = .string(source) }
        if random.chance(0.6) { fields["campaign"] = .string(random.pick(["spring_promo", "gold_rally", "fx_basics"])) }
        // In name order: a dictionary's own order changes from run to run.
        for name in program.fields.keys.sorted() {
            guard let field = program.fields[name], field.source != nil, fields[name] == nil else { continue }
            if let v = declaredField(name, field.type.type, source: source) { fields[name] = v }
        }
        return LeadSnapshot(fields: fields, events: events(since: registered), now: now)
    }

    private mutating func email() -> String {
        let domain = random.weighted([(Self.freeMail, 55), (Self.companies, 37), (Self.throwaway, 8)])
        return "lead\(serial)@\(random.pick(domain))"
    }

    /// The default playbook's `age` and `affiliate_id`, and values by type
    /// for any other declared field.
    private mutating func declaredField(_ name: String, _ type: RuleType, source: String?) -> Value? {
        switch (name, type) {
        case ("age", .number):
            return random.chance(0.85) ? .number(Double(random.int(18...75))) : nil
        case ("affiliate_id", _):
            guard source == "affiliate" else { return nil }
            return .string(random.pick(Self.affiliates))
        case (_, .number): return random.chance(0.8) ? .number(Double(random.int(0...100))) : nil
        case (_, .bool): return random.chance(0.8) ? .bool(random.chance(0.5)) : nil
        case (_, .duration): return random.chance(0.8) ? .duration(Int64(random.int(0...86_400)) * 1000) : nil
        case (_, .time): return random.chance(0.8) ? .time(now - Int64(random.int(0...86_400)) * 1000) : nil
        default: return random.chance(0.8) ? .string("value_\(random.int(0...9))") : nil
        }
    }

    /// Funnel activity: fewer leads at each deeper step.
    private mutating func events(since registered: Int64) -> [String: EventStats] {
        let rates: [String: (Double, ClosedRange<Int>)] = [
            "lead_created": (1, 1...1), "demo_account_created": (0.45, 1...1), "platform_login": (0.35, 1...12),
            "site_visit": (0.6, 1...15), "email_open": (0.55, 1...8), "email_click": (0.2, 1...3),
            "platform_download": (0.2, 1...2), "webinar_attended": (0.08, 1...2), "deposit_page_visit": (0.12, 1...3),
            "live_chat_started": (0.05, 1...1), "first_deposit": (0.03, 1...1), "call_outcome": (0.3, 1...5),
            "opt_out": (0.01, 1...1),
        ]
        var events: [String: EventStats] = [:]
        let demo = random.chance(0.45)
        for name in program.events.keys.sorted() {
            let (rate, counts) = rates[name] ?? (0.3, 1...5)
            var happened = random.chance(rate)
            if name == "demo_account_created" { happened = demo }
            if name == "demo_trade" { happened = demo && random.chance(0.6) }
            guard happened else { continue }
            let count = name == "demo_trade" ? random.int(1...40) : random.int(counts)
            let first = registered + Int64(random.int(0...Int(max(0, (now - registered) / 60_000)))) * 60_000
            let last = first + Int64(random.int(0...Int(max(0, (now - first) / 60_000)))) * 60_000
            events[name] = EventStats(count: count, first: first, last: count == 1 ? first : last)
        }
        return events
    }
}
