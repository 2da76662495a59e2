// Ingest with group commit. Each `ingest` call queues its batch and waits;
// one drain loop at a time takes every queued batch (up to `maxBatch`
// events; a larger single call goes alone), steps the new events through
// the engine under the write gate and writes everything — events, lead
// states, timers, tasks, history — with one `Store.commit`. Callers that
// arrive while a commit is on disk queue for the next one, so under load
// one fsync acknowledges many requests.
//
// Per event, as `Simulation.ingest` does it: ids already stored (or earlier
// in the same group) are duplicates and do nothing; the engine runs the
// event at `max(event.at, the lead's last input time)` so a late event (a
// dialer's outcome posted after the next step ran) is applied, never
// refused, and the lead's time never runs backwards; the event is stored as
// received. A `lead_created` of a lead not captured yet is registered in
// the duplicate index and linked to the first lead with the same phone or
// email.

import RulesEngine
import RulesStore

/// One queued `ingest` call.
struct IngestWaiter {
    var events: [Event]
    var continuation: CheckedContinuation<Result<IngestResult, DaemonError>, Never>
}

extension Daemon {
    public func ingest(_ events: [Event]) async throws(DaemonError) -> IngestResult {
        try requireRunning()
        if events.isEmpty { return IngestResult(accepted: [], duplicates: []) }
        let limit = latestAcceptedEventTime()
        let ahead = events.filter { $0.at > limit }
        if !ahead.isEmpty {
            let ids = ahead.prefix(5).map(\.id).joined(separator: ", ")
            throw .invalid("events dated more than \(options.maxClockSkewMilliseconds / 1000)s in the future "
                           + "(check the sender's clock and that times are in UTC): \(ids)"
                           + (ahead.count > 5 ? " and \(ahead.count - 5) more" : ""))
        }
        let result = await withCheckedContinuation { continuation in
            ingestQueue.append(IngestWaiter(events: events, continuation: continuation))
            if !draining {
                draining = true
                Task { await self.drainIngestQueue() }
            }
        }
        return try result.get()
    }

    /// The latest `at` an event may have now: the clock plus the allowed
    /// skew. `ingest` refuses later events; the server asks this to name
    /// them line by line before it calls `ingest`.
    public nonisolated func latestAcceptedEventTime() -> Int64 {
        clock.now() + options.maxClockSkewMilliseconds
    }

    /// Commits queued batches, a group at a time, until the queue is empty.
    /// The group is taken once the write gate is held, so batches that
    /// queued while a timer firing or another commit held it join it.
    func drainIngestQueue() async {
        while !ingestQueue.isEmpty {
            await enterGate()
            var take = 1
            var count = ingestQueue[0].events.count
            while take < ingestQueue.count, count + ingestQueue[take].events.count <= options.maxBatch {
                count += ingestQueue[take].events.count
                take += 1
            }
            let group = Array(ingestQueue.prefix(take))
            ingestQueue.removeFirst(take)
            let results: [Result<IngestResult, DaemonError>]
            do throws(DaemonError) {
                try requireRunning()
                results = try await stepAndCommit(group.map(\.events)).map { .success($0) }
            } catch {
                results = group.map { _ in .failure(error) }
            }
            leaveGate()
            for (waiter, result) in zip(group, results) { waiter.continuation.resume(returning: result) }
        }
        draining = false
    }

    /// Under the write gate: the new events' steps, one commit.
    private func stepAndCommit(_ batches: [[Event]]) async throws(DaemonError) -> [IngestResult] {
        guard let active else { throw .unavailable("no rules in force") }
        var ids: [String] = []
        for batch in batches { for event in batch { ids.append(event.id) } }
        let now = clock.now()
        var plan = DaemonCommitPlan(rulesVersion: active.hash)
        var stored: [Event] = []
        var results: [IngestResult] = []
        do {
            if duplicatesStale { try await rebuildDuplicates() }
            let new = try await store.newEventIDs(among: ids)
            let absent = try await preload(batches.flatMap { $0.filter { new.contains($0.id) }.map(\.leadID) })
            var seen = Set<String>()
            for batch in batches {
                var result = IngestResult(accepted: [], duplicates: [])
                for event in batch {
                    guard new.contains(event.id), seen.insert(event.id).inserted else {
                        result.duplicates.append(event.id)
                        continue
                    }
                    result.accepted.append(event.id)
                    stored.append(event)
                    try await step(event, engine: active.engine, plan: &plan, absent: absent)
                }
                results.append(result)
            }
            let started = ContinuousClock.now
            let committed = try await store.commit(events: stored, receivedAt: now, operations: plan.operations(), now: now)
            let elapsed = started.duration(to: .now)
            metrics.ingestCommit(nanoseconds: elapsed.components.seconds * 1_000_000_000
                                 + elapsed.components.attoseconds / 1_000_000_000)
            applyCommitted(plan, committed)
        } catch {
            discardFailed(plan)
            logger.error("ingest commit failed", metadata: ["events": "\(stored.count)", "error": "\(error)"])
            throw .store(error)
        }
        for event in stored { metrics.eventIngested(type: event.type) }
        metrics.duplicateEvents(ids.count - stored.count)
        return results
    }

    /// One event's step, added to the plan.
    private func step(_ event: Event, engine: Engine, plan: inout DaemonCommitPlan,
                      absent: Set<String>) async throws(StoreError) {
        let lead = try await currentLead(event.leadID, plan: plan, absent: absent)
        var context = StepContext()
        if event.type == LeadHistory.creation, !(lead?.state.captured ?? false) {
            context.duplicateOf = duplicates.register(capture: event)?.primaryLeadID
            plan.noteCapture()
        }
        var input = event
        if let last = lead?.updatedAt, last > input.at { input.at = last }
        let result = engine.step(lead?.state, .event(input), context: context)
        plan.add(result, before: lead?.state, input: .event(event, at: input.at))
    }
}
