// `rules simulate --progress`: a one-line bar on stderr, redrawn in place
// with a carriage return. Reading the wall clock costs more than a step of
// the loop it watches, so it is read every 64th update only, and the bar is
// drawn at most ten times a second.

import RulesEngine

/// The `--progress` bar on stderr: events consumed and virtual time reached,
/// redrawn at most ten times a second.
struct ProgressBar {
    let totalEvents: Int
    let start: Int64
    let until: Int64
    private let clock = ContinuousClock()
    private var lastDraw: ContinuousClock.Instant?
    private var calls = 0

    init(totalEvents: Int, start: Int64, until: Int64) {
        self.totalEvents = totalEvents
        self.start = start
        self.until = until
    }

    /// Redraws when a tenth of a second has passed since the last drawing
    /// (the clock is read every 64th call only).
    mutating func update(events: Int, now: Int64, tasks: Int, force: Bool = false, done: Bool = false) {
        calls += 1
        guard force || calls % 64 == 0 else { return }
        let wall = clock.now
        if !force, let lastDraw, lastDraw.duration(to: wall) < .milliseconds(100) { return }
        lastDraw = wall
        let span = max(1, until - start)
        let fraction = done ? 1 : min(1, max(0, Double(now - start) / Double(span)))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let percent = Int(fraction * 100)
        Console.err("\r[\(bar)] \(percent)% events \(events)/\(totalEvents)  \(Timestamp.format(now).prefix(16))Z"
                    + "  tasks \(tasks)  ")
    }

    /// The final drawing (100%: a run that ends early, with nothing left
    /// pending, is complete) and a newline, so the summary starts on its own line.
    mutating func finish(events: Int, now: Int64, tasks: Int) {
        update(events: events, now: now, tasks: tasks, force: true, done: true)
        Console.err("\n")
    }
}
