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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "RulesLanguage"),
        .target(name: "RulesCompiler", dependencies: ["RulesLanguage"]),
        .target(name: "RulesEngine", dependencies: ["RulesCompiler", "RulesLanguage"]),
        .target(name: "RulesCLI", dependencies: [
            "RulesLanguage", "RulesCompiler", "RulesEngine",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "rules", dependencies: ["RulesCLI"]),
        // `swift run -c release rules-bench check`: see docs/BENCHMARKS.md.
        .executableTarget(name: "rules-bench", dependencies: [
            "RulesLanguage", "RulesCompiler", "RulesEngine",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // RulesCompiler: the fuzz and bad-input tests run Compiler.compile too.
        .testTarget(name: "RulesLanguageTests", dependencies: ["RulesLanguage", "RulesCompiler"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "RulesCompilerTests", dependencies: ["RulesCompiler", "RulesLanguage"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "RulesEngineTests", dependencies: ["RulesEngine", "RulesCompiler", "RulesLanguage"]),
        // The CLI tests run the built `rules` binary and read their fixtures
        // from the source tree (golden files are re-recorded there).
        .testTarget(name: "RulesCLITests", dependencies: ["RulesCLI", "RulesCompiler", "RulesLanguage"],
                    exclude: ["Fixtures"]),
    ]
)
