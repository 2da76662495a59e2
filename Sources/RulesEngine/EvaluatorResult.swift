// What evaluating a lead yields: the points of each category, the score,
// the tier and the route, and on request the explanation of each — which
// rows gave points (file:line), which rule set the tier and the route, and
// why every earlier route did not match.

import RulesCompiler

/// The score, tier and route of one lead.
public struct Evaluation: Sendable, Equatable {
    /// Capped points per category, by category index (declaration order);
    /// NaN while a category is not yet computed.
    public internal(set) var points: ContiguousArray<Double>
    /// `lead_score`: the sum of the capped categories (NaN while scoring).
    public internal(set) var score: Double
    /// The tier index, -1 none.
    var tier: Int32
    /// The route index, -1 none.
    var route: Int32
    /// Nil unless the evaluation was asked to explain.
    public internal(set) var explanation: Explanation? {
        get { explained?.explanation }
        set { explained = newValue.map(ExplanationBox.init) }
    }
    /// The explanation behind one pointer, so that an evaluation without one
    /// is four words that copy and clear for free on the hot path.
    private var explained: ExplanationBox?

    /// An empty evaluation, to be filled by `CompiledProgram.evaluate(_:into:)`.
    public init() {
        points = []
        score = .nan
        tier = -1
        route = -1
    }

    /// The index of the lead's tier in `CompiledProgram.tiers`, nil when no tier holds.
    public var tierIndex: Int? { tier >= 0 ? Int(tier) : nil }
    /// The index of the route taken in `CompiledProgram.routes`, nil when none matches.
    public var routeIndex: Int? { route >= 0 ? Int(route) : nil }

    /// What conditions read after this evaluation.
    var registers: Registers { Registers(points: points, score: score, tier: tier) }

    /// Clears the registers for a new lead, keeping the storage.
    mutating func reset(categories: Int, tier current: Int32) {
        Registers.clear(&points, categories: categories)
        score = .nan
        tier = current
        route = -1
    }
}

/// Holds an explanation for `Evaluation` (immutable, so sharing it is safe).
private final class ExplanationBox: Sendable {
    let explanation: Explanation
    init(_ explanation: Explanation) { self.explanation = explanation }
}

extension Evaluation {
    public static func == (a: Evaluation, b: Evaluation) -> Bool {
        a.points == b.points && a.score == b.score && a.tier == b.tier && a.route == b.route
            && a.explanation == b.explanation
    }

    /// Whether an explanation is attached, without copying it out.
    var hasExplanation: Bool { explained != nil }
}

/// Why a lead got its score, tier and route.
public struct Explanation: Sendable, Equatable {
    /// A score row whose condition held and whose points were known.
    public struct Contribution: Sendable, Equatable {
        public let category: String
        /// Where the row is written.
        public let source: SourceRef
        /// The row's points.
        public let points: Double
        /// The part of them that counted under the category's cap.
        public let counted: Double
        /// True when the cap cut this row's points (in part or whole).
        public var capped: Bool { counted != points }
    }

    /// The rule that put the lead in its tier.
    public struct TierRule: Sendable, Equatable {
        public let tier: String
        public let source: SourceRef
        /// The tier's condition, as `rules fmt` prints it.
        public let condition: String
        /// True when an `ESCALATE TO` put the lead in this tier, not its score.
        public let escalated: Bool
    }

    /// The route taken.
    public struct RouteRule: Sendable, Equatable {
        public let queue: String
        public let source: SourceRef
        public let condition: String
    }

    /// An earlier route that did not match, and why not.
    public struct RouteNotTaken: Sendable, Equatable {
        public let queue: String
        public let source: SourceRef
        /// The first part of the route's AND chain that did not hold (the
        /// whole condition when it is not an AND), as `rules fmt` prints it.
        public let failed: String
        /// `.fails`, or `.unknown` when a value it needs is missing.
        public let outcome: Truth
    }

    /// In scoring order, rows in file order within a category.
    public internal(set) var contributions: [Contribution] = []
    public internal(set) var tier: TierRule?
    public internal(set) var route: RouteRule?
    /// Every route before the one taken (all of them when none matched), in order.
    public internal(set) var routesNotTaken: [RouteNotTaken] = []

    public init() {}
}
