// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "leadrules",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rules", targets: ["rules"]),
        .library(name: "RulesLanguage", targets: ["RulesLanguage"]),
        .library(name: "RulesCompiler", targets: ["RulesCompiler"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "RulesLanguage"),
        .target(name: "RulesCompiler", dependencies: ["RulesLanguage"]),
        .target(name: "RulesCLI", dependencies: [
            "RulesLanguage", "RulesCompiler",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "rules", dependencies: ["RulesCLI"]),
        .testTarget(name: "RulesLanguageTests", dependencies: ["RulesLanguage", "RulesCompiler"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "RulesCompilerTests", dependencies: ["RulesCompiler", "RulesLanguage"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "RulesCLITests", dependencies: ["RulesCLI"]),
    ]
)
