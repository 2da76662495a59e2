// The daemon's in-memory caches on their own: the near-future timer wheel
// and its refill bounds, the catch-up token bucket, the lead cache.

import RulesEngine
import RulesStore
import Testing
@testable import RulesDaemon

private func timer(_ id: String, due: Int64) -> TimerFiring {
    TimerFiring(id: id, leadID: "L", purpose: "p", due: due)
}

@Suite struct DaemonCacheTests {
    @Test func theWheelHoldsOnlyWhatIsLoadedAndNear() {
        var cache = DaemonTimerCache(start: 0, horizon: 100)
        #expect(cache.needsRefill(at: 0))
        cache.load([timer("a", due: 50), timer("b", due: 90), timer("far", due: 150)], through: cache.refillLimit(at: 0))
        #expect(cache.loadedThrough == 100)
        #expect(cache.count == 2)  // "far" is past the limit: the store keeps it
        #expect(!cache.needsRefill(at: 49))
        #expect(cache.needsRefill(at: 50))
        #expect(cache.refillDue == 50)
        // Setting a far timer leaves it out; a near one goes in; a re-set moves it.
        cache.set(timer("later", due: 500))
        #expect(!cache.contains(id: "later"))
        cache.set(timer("b", due: 10))
        let next = cache.nextDue()
        #expect(next == 10)
        let early = cache.popDue(upTo: 9)
        #expect(early == nil)
        let popped = [cache.popDue(upTo: 60), cache.popDue(upTo: 60), cache.popDue(upTo: 60)]
        #expect(popped.map { $0?.id } == ["b", "a", nil])
        // A refill adds what is new and keeps what is held once.
        cache.set(timer("c", due: 95))
        cache.load([timer("c", due: 95), timer("far", due: 150)], through: cache.refillLimit(at: 60))
        #expect(cache.count == 2)
        cache.cancel(id: "c")
        let far = cache.popDue(upTo: 200)
        #expect(far?.id == "far")
        #expect(cache.count == 0)
    }

    @Test func catchUpAllowsASecondsWorthThenTheRate() {
        var limiter = CatchUpLimiter(cutoff: 1_000, rate: 4)
        #expect(limiter.limits(due: 1_000))
        #expect(!limiter.limits(due: 1_001))
        var taken = (0..<5).map { _ in limiter.take(at: 1_000) }
        #expect(taken == [true, true, true, true, false])
        let next = limiter.nextToken(at: 1_000)
        #expect(next == 1_250)
        taken = [limiter.take(at: 1_249), limiter.take(at: 1_250)]
        #expect(taken == [false, true])
        // Idle time refills at most a second's worth.
        taken = (0..<5).map { _ in limiter.take(at: 100_000) }
        #expect(taken == [true, true, true, true, false])
        let unlimited = CatchUpLimiter(cutoff: 1_000, rate: 0)
        #expect(!unlimited.limits(due: 0))
    }

    @Test func theLeadCacheIsBoundedAndKeepsRecentLeads() {
        var cache = DaemonLeadCache(capacity: 4)
        func lead(_ id: String, _ at: Int64) -> StoredLead {
            StoredLead(state: LeadState(id: id), rulesVersion: "v", updatedAt: at)
        }
        for n in 0..<10 {
            cache.insert(lead("L\(n)", Int64(n)))
            _ = cache.lead("L0")  // used all the time: never evicted
            #expect(cache.count <= 4)
        }
        var found = [cache.lead("L0"), cache.lead("L9"), cache.lead("L1")].map { $0?.updatedAt }
        #expect(found == [0, 9, nil])
        cache.insert(lead("L9", 99))
        found = [cache.lead("L9")].map { $0?.updatedAt }
        #expect(found == [99])
        cache.remove("L9")
        found = [cache.lead("L9")].map { $0?.updatedAt }
        #expect(found == [nil])
    }

    @Test func anEmptyProgramStandsInWhenNoRulesAreInForce() {
        #expect(Daemon.emptyProgram.tiers.isEmpty)
    }
}
