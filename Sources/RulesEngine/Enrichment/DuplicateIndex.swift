// Duplicate detection at capture: a lead whose phone number or email address
// is already on an earlier lead is linked to that lead instead of being
// dialled a second time.
//
// Leads sharing a key form a group whose primary is the first lead
// registered; later leads are linked to the primary, never to each other, and
// the keys they bring join the group (B shares A's phone, C shares B's email:
// C links to A). Two groups are not merged when a lead touches both; it is
// linked to the older primary.
//
// Keys: the E.164 number as digits, and the email address trimmed and
// compared without case. By default an address is exact: `j.doe+fx@gmail.com`
// and `jdoe@gmail.com` are different people. `EmailMatching.gmailCanonical`
// opts in to Gmail's own rules (dots and `+tag` in the local part ignored,
// googlemail.com = gmail.com). Values that are not addresses (no single `@`
// between non-empty parts: `n/a`, `-`, `none`) and numbers that are not
// E.164 are not keys, so placeholders never link strangers.

import Foundation

/// Registry of the leads seen so far, answering "is this lead a duplicate?".
public struct DuplicateIndex: Sendable, Hashable {
    /// The key two leads share.
    public enum Key: String, Sendable, Hashable {
        case phone
        case email
    }

    /// How email addresses are compared.
    public enum EmailMatching: Sendable, Hashable {
        /// The whole address, case-insensitively.
        case exactAddress
        /// As `exactAddress`, and for gmail.com / googlemail.com addresses the
        /// local part without dots and without a `+tag`.
        case gmailCanonical
    }

    /// A registered lead is a duplicate of `primaryLeadID` through `keys`
    /// (phone first when both matched).
    public struct Match: Sendable, Hashable {
        public let primaryLeadID: String
        public let keys: [Key]
    }

    public let emailMatching: EmailMatching
    private var primaryByPhone: [String: String] = [:]
    private var primaryByEmail: [String: String] = [:]
    /// Registration order of each primary, to prefer the older one.
    private var order: [String: Int] = [:]
    /// The answer each lead got when first registered.
    private var answers: [String: Match?] = [:]

    public init(emailMatching: EmailMatching = .exactAddress) {
        self.emailMatching = emailMatching
    }

    /// Number of leads registered.
    public var count: Int { answers.count }

    /// Records a lead and says whether it duplicates an earlier one. A lead
    /// id registered before gets its first answer again; new keys it brings
    /// join its group.
    public mutating func register(leadID: String, email: String?, phoneE164: String?) -> Match? {
        let phoneKey = Self.phoneKey(phoneE164)
        let emailKey = Self.emailKey(email, matching: emailMatching)
        if let previous = answers[leadID] {
            claim(phoneKey, emailKey, for: previous?.primaryLeadID ?? leadID)
            return previous
        }
        let candidates = [(Key.phone, phoneKey.flatMap { primaryByPhone[$0] }),
                          (Key.email, emailKey.flatMap { primaryByEmail[$0] })]
        let primary = candidates.compactMap(\.1).min { (order[$0] ?? .max) < (order[$1] ?? .max) }
        let match = primary.map { id in
            Match(primaryLeadID: id, keys: candidates.filter { $0.1 == id }.map(\.0))
        }
        if primary == nil { order[leadID] = order.count }
        answers[leadID] = match
        claim(phoneKey, emailKey, for: primary ?? leadID)
        return match
    }

    /// `register` with a normalised number.
    public mutating func register(leadID: String, email: String?, phone: E164?) -> Match? {
        register(leadID: leadID, email: email, phoneE164: phone?.description)
    }

    /// Registers the lead of a `lead_created` event by its `email` and its
    /// `phone` normalised with its `country` (a number that does not
    /// normalise is no key).
    public mutating func register(capture: Event) -> Match? {
        func text(_ key: String) -> String? {
            if case .string(let s)? = capture.data[key] { return s }
            return nil
        }
        var phone: E164?
        if let raw = text("phone"), case .success(let number) = PhoneNumber.normalize(raw: raw, country: text("country")) {
            phone = number
        }
        return register(leadID: capture.leadID, email: text("email"), phone: phone)
    }

    /// The primary a registered lead is linked to (itself when it is one),
    /// or nil for a lead never registered.
    public func primary(of leadID: String) -> String? {
        guard let answer = answers[leadID] else { return nil }
        return answer?.primaryLeadID ?? leadID
    }

    /// Keys not yet in the index join `primary`'s group.
    private mutating func claim(_ phoneKey: String?, _ emailKey: String?, for primary: String) {
        if let phoneKey, primaryByPhone[phoneKey] == nil { primaryByPhone[phoneKey] = primary }
        if let emailKey, primaryByEmail[emailKey] == nil { primaryByEmail[emailKey] = primary }
    }

    /// The digits of an E.164 number (`+` then 8-15 ASCII digits; blanks
    /// ignored), else nil.
    static func phoneKey(_ raw: String?) -> String? {
        guard let raw else { return nil }
        let compact = raw.filter { !$0.isWhitespace }
        guard compact.first == "+" else { return nil }
        let digits = compact.dropFirst()
        guard (PhoneNumber.minimumDigits...PhoneNumber.maximumDigits).contains(digits.count),
              digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return String(digits)
    }

    /// The comparable form of an email address, or nil for a value that is
    /// not one.
    static func emailKey(_ raw: String?, matching: EmailMatching) -> String? {
        guard let raw else { return nil }
        let address = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
              !address.contains(where: \.isWhitespace) else { return nil }
        guard matching == .gmailCanonical, parts[1] == "gmail.com" || parts[1] == "googlemail.com" else {
            return address
        }
        let local = parts[0].prefix { $0 != "+" }.filter { $0 != "." }
        return local.isEmpty ? address : local + "@gmail.com"
    }
}
