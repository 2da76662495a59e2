// Timing helpers: run a closure several times after a warm-up and keep the
// median, which a stray scheduling hiccup on a shared machine cannot move.

/// Durations of repeated runs of one piece of work.
struct Timings {
    var samples: [Duration]

    var median: Duration {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .zero }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
    var min: Duration { samples.min() ?? .zero }
    var max: Duration { samples.max() ?? .zero }
}

enum Measure {
    /// Runs `work` `warmup` times untimed, then `iterations` times timed.
    static func run<T>(iterations: Int, warmup: Int = 1, _ work: () throws -> T) rethrows -> Timings {
        let clock = ContinuousClock()
        for _ in 0..<warmup { _ = try work() }
        var samples: [Duration] = []
        for _ in 0..<iterations {
            let start = clock.now
            let result = try work()
            samples.append(start.duration(to: clock.now))
            blackHole(result)
        }
        return Timings(samples: samples)
    }

    /// Keeps the optimizer from discarding the work whose result is unused.
    @inline(never)
    static func blackHole<T>(_ value: T) {
        withExtendedLifetime(value) {}
    }
}

extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
    var seconds: Double { milliseconds / 1000 }
}

/// Formats with a fixed number of decimals, without Foundation.
func fixed(_ value: Double, _ decimals: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = "\(rounded)"
    if let dot = text.firstIndex(of: ".") {
        let have = text.distance(from: dot, to: text.endIndex) - 1
        if have < decimals { text += String(repeating: "0", count: decimals - have) }
        if decimals == 0 { text = String(text[..<dot]) }
    }
    return text
}

/// 1234567 → "1.23 M".
func humanRate(_ perSecond: Double) -> String {
    switch perSecond {
    case 1e6...: fixed(perSecond / 1e6, 2) + " M "
    case 1e3...: fixed(perSecond / 1e3, 1) + " k "
    default: fixed(perSecond, 0) + " "
    }
}
