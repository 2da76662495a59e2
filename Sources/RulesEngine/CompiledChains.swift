// Tier and route choice as chains of closures: each condition captured by
// the closure of the one before it, so that choosing calls from closure to
// closure. The first version looped over an array of conditions; the
// disassembly showed a retain and a release of every closure read out of
// the array around its call, which a closure captured by another closure
// does not pay. (Score rows stay a loop over `HotRow`s: there the compiler
// keeps the closure borrowed, and chaining them measured 8% more
// instructions per evaluation under callgrind.)

/// The index of the first condition that holds, -1 when none does.
typealias ChoiceCode = @Sendable (LeadFacts, Registers) -> Int32

enum Chains {
    /// The first of `conditions` that holds. (They come in structs: a bare
    /// closure kept in an array is called through reabstraction thunks.)
    static func firstHolding(_ conditions: [CompiledCondition]) -> ChoiceCode {
        var next: ChoiceCode = { _, _ in -1 }
        for (i, c) in conditions.enumerated().reversed() {
            let condition = c.code, rest = next, index = Int32(i)
            next = { f, r in condition(f, r) == .holds ? index : rest(f, r) }
        }
        return next
    }
}
