// Sets of whole-number scores as sorted, disjoint intervals: what the tier
// and route lints reason with. `lead_score >= 70 AND lead_score < 90` is
// {70-89}; its complement within 0-100 is {0-69, 90-100}. Scores are
// whole numbers (points and caps are in practice), so `> 69.5` is `>= 70`.

/// A set of whole-number scores.
struct ScoreSet: Equatable, CustomStringConvertible {
    /// Sorted, disjoint and non-adjacent closed intervals.
    private(set) var intervals: [ClosedRange<Int>]

    /// Bounds standing for "unbounded", far beyond any score, so that +1/-1 never overflow.
    static let lowest = -1_000_000_000_000
    static let highest = 1_000_000_000_000
    static let all = ScoreSet([lowest...highest])
    static let empty = ScoreSet([])

    init(_ ranges: [ClosedRange<Int>]) {
        var merged: [ClosedRange<Int>] = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, r.lowerBound <= last.upperBound + 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        intervals = merged
    }

    static func between(_ low: Int, _ high: Int) -> ScoreSet {
        let lo = max(low, lowest), hi = min(high, highest)
        return lo <= hi ? ScoreSet([lo...hi]) : .empty
    }
    static func atLeast(_ n: Int) -> ScoreSet { between(n, highest) }
    static func atMost(_ n: Int) -> ScoreSet { between(lowest, n) }

    var isEmpty: Bool { intervals.isEmpty }

    func union(_ other: ScoreSet) -> ScoreSet { ScoreSet(intervals + other.intervals) }

    func intersection(_ other: ScoreSet) -> ScoreSet {
        var out: [ClosedRange<Int>] = []
        var i = 0, j = 0
        while i < intervals.count && j < other.intervals.count {
            let a = intervals[i], b = other.intervals[j]
            let lo = max(a.lowerBound, b.lowerBound), hi = min(a.upperBound, b.upperBound)
            if lo <= hi { out.append(lo...hi) }
            if a.upperBound < b.upperBound { i += 1 } else { j += 1 }
        }
        return ScoreSet(out)
    }

    /// Everything not in the set (within the unbounded range).
    var complement: ScoreSet {
        var out: [ClosedRange<Int>] = []
        var next = ScoreSet.lowest
        for r in intervals {
            if r.lowerBound > next { out.append(next...(r.lowerBound - 1)) }
            next = r.upperBound + 1
        }
        if next <= ScoreSet.highest { out.append(next...ScoreSet.highest) }
        return ScoreSet(out)
    }

    func subtracting(_ other: ScoreSet) -> ScoreSet { intersection(other.complement) }

    func isSubset(of other: ScoreSet) -> Bool { subtracting(other).isEmpty }

    /// `40-44`, `70`, `0-39, 70-100`, `70 and above`.
    var description: String {
        if isEmpty { return "(none)" }
        return intervals.map { r in
            if r.upperBound >= ScoreSet.highest { return "\(r.lowerBound) and above" }
            if r.lowerBound <= ScoreSet.lowest { return "\(r.upperBound) and below" }
            return r.lowerBound == r.upperBound ? "\(r.lowerBound)" : "\(r.lowerBound)-\(r.upperBound)"
        }.joined(separator: ", ")
    }
}
