// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "leadrules",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rules", targets: ["rules"]),
        .executable(name: "rules-bench", targets: ["rules-bench"]),
        .library(name: "RulesLanguage", targets: ["RulesLanguage"]),
        .library(name: "RulesCompiler", targets: ["RulesCompiler"]),
        .library(name: "RulesEngine", targets: ["RulesEngine"]),
        .library(name: "Scheduler", targets: ["Scheduler"]),
        .library(name: "RulesTesting", targets: ["RulesTesting"]),
        .library(name: "RulesStore", targets: ["RulesStore"]),
        .library(name: "RulesDaemon", targets: ["RulesDaemon"]),
        .library(name: "RulesServer", targets: ["RulesServer"]),
        .executable(name: "rulesd", targets: ["rulesd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
    ],
    targets: [
        .target(name: "RulesLanguage"),
        .target(name: "RulesCompiler", dependencies: ["RulesLanguage"]),
        .target(name: "RulesEngine", dependencies: ["RulesCompiler", "RulesLanguage"]),
        // The timing wheel, clocks and the drivers that run the engine on them.
        .target(name: "Scheduler", dependencies: ["RulesEngine", "RulesCompiler", "RulesLanguage"]),
        // `rules test`: YAML test files run through the scheduler on a virtual clock.
        .target(name: "RulesTesting", dependencies: [
            "Scheduler", "RulesEngine", "RulesCompiler", "RulesLanguage",
            .product(name: "Yams", package: "Yams"),
        ]),
        // The Store protocol and its SQLite (GRDB) implementation: see docs/STORE.md.
        .target(name: "RulesStore", dependencies: [
            "RulesEngine", "RulesCompiler", "RulesLanguage",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // What rulesd does, without HTTP: the daemon (ingest, timers, recovery,
        // reload and re-evaluation), config, the rules watcher, webhooks, metrics.
        .target(name: "RulesDaemon", dependencies: [
            "RulesStore", "Scheduler", "RulesEngine", "RulesCompiler", "RulesLanguage",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // The HTTP API on Hummingbird 2 and the process around it: see docs/API.md, docs/RULESD.md.
        .target(name: "RulesServer", dependencies: [
            "RulesDaemon", "RulesStore", "RulesEngine", "RulesCompiler", "RulesLanguage",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "rulesd", dependencies: ["RulesServer"]),
        .target(name: "RulesCLI", dependencies: [
            "RulesLanguage", "RulesCompiler", "RulesEngine", "Scheduler", "RulesTesting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(name: "rules", dependencies: ["RulesCLI"]),
        // `swift run -c release rules-bench check`: see docs/BENCHMARKS.md.
        .executableTarget(name: "rules-bench", dependencies: [
            "RulesLanguage", "RulesCompiler", "RulesEngine", "Scheduler", "RulesStore", "RulesDaemon",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "HeapModule", package: "swift-collections"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // RulesCompiler: the fuzz and bad-input tests run Compiler.compile too.
        .testTarget(name: "RulesLanguageTests", dependencies: ["RulesLanguage", "RulesCompiler"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "RulesCompilerTests", dependencies: ["RulesCompiler", "RulesLanguage"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "RulesEngineTests", dependencies: ["RulesEngine", "RulesCompiler", "RulesLanguage"]),
        // The differential test runs the wheel against swift-collections' Heap.
        .testTarget(name: "SchedulerTests", dependencies: [
            "Scheduler", "RulesEngine", "RulesCompiler", "RulesLanguage",
            .product(name: "HeapModule", package: "swift-collections"),
        ]),
        .testTarget(name: "RulesStoreTests", dependencies: [
            "RulesStore", "RulesEngine", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "RulesDaemonTests", dependencies: [
            "RulesDaemon", "RulesStore", "Scheduler", "RulesEngine", "RulesCompiler",
        ]),
        // In-process API tests (HummingbirdTesting), and the crash test that runs the built rulesd.
        .testTarget(name: "RulesServerTests", dependencies: [
            "RulesServer", "RulesDaemon", "RulesStore", "RulesEngine", "RulesCompiler", "Scheduler",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "RulesTestingTests", dependencies: ["RulesTesting", "Scheduler", "RulesEngine", "RulesCompiler"]),
        // The CLI tests run the built `rules` binary and read their fixtures
        // from the source tree (golden files are re-recorded there).
        .testTarget(name: "RulesCLITests", dependencies: ["RulesCLI", "RulesCompiler", "RulesLanguage"],
                    exclude: ["Fixtures"]),
    ]
)
