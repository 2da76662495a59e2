// The process around the API, up to the point it would serve: exit codes of
// the command line (usage errors, --check-config) and of start-up refusals
// (rules missing or broken, database in use by another rulesd), run
// in-process. Serving itself is covered by the crash test and the tour,
// which run the built binary.

import Foundation
import Logging
import Testing
@testable import RulesServer

@Suite struct ConfigProcessTests {
    private func config(_ sandbox: APISandbox) -> RulesdConfig {
        var config = RulesdConfig()
        config.rules = sandbox.rulesDirectory
        config.db = sandbox.databasePath
        config.listen = ListenAddress(host: "127.0.0.1", port: 0)
        return config
    }

    @Test func usageErrorsExit2AndCheckConfigExits0() async throws {
        #expect(await RulesdCommand.main(arguments: ["--bogus"]) == 2)
        #expect(await RulesdCommand.main(arguments: ["--listen", "nowhere", "--check-config"]) == 2)
        #expect(await RulesdCommand.main(arguments: ["--log-level", "loud", "--check-config"]) == 2)
        #expect(await RulesdCommand.main(arguments: ["--listen", "127.0.0.1:0", "--check-config"]) == 0)
        #expect(await RulesdCommand.main(arguments: ["--help"]) == 0)
    }

    @Test func spellingsOfOneRulesDirectoryAreOne() {
        #expect(Rulesd.normalizedDirectory("./rules") == "rules")
        #expect(Rulesd.normalizedDirectory("rules/") == "rules")
        #expect(Rulesd.normalizedDirectory("././rules//") == "rules")
        #expect(Rulesd.normalizedDirectory("/etc/leadrules/rules/") == "/etc/leadrules/rules")
        #expect(Rulesd.normalizedDirectory("./") == ".")
        #expect(Rulesd.normalizedDirectory("/") == "/")
    }

    @Test func aMissingRulesDirectoryExits2AndCreatesNoDatabase() async throws {
        let sandbox = try APISandbox()
        var config = config(sandbox)
        config.rules = sandbox.directory + "/no-such-rules"
        #expect(await Rulesd.run(config: config, logger: Logger(label: "test")) == 2)
        #expect(!FileManager.default.fileExists(atPath: sandbox.databasePath))
    }

    @Test func rulesWithErrorsExit2() async throws {
        let sandbox = try APISandbox()
        try sandbox.append("tiers.rules", "\nTIER broken WHEN lead_scor >= 1: CALL WITHIN 60s\n")
        #expect(await Rulesd.run(config: config(sandbox), logger: Logger(label: "test")) == 2)
        #expect(!FileManager.default.fileExists(atPath: sandbox.databasePath))
    }

    @Test func aDatabaseInUseByAnotherRulesdExits2() async throws {
        let sandbox = try APISandbox()
        let held = try DatabaseLock(database: sandbox.databasePath)
        #expect(await Rulesd.run(config: config(sandbox), logger: Logger(label: "test")) == 2)
        withExtendedLifetime(held) {}
    }

    @Test func theDatabaseLockIsExclusiveAndReleased() throws {
        let sandbox = try APISandbox()
        var first: DatabaseLock? = try DatabaseLock(database: sandbox.databasePath)
        #expect(throws: ConfigProblem.self) { try DatabaseLock(database: sandbox.databasePath) }
        do {
            _ = try DatabaseLock(database: sandbox.databasePath)
        } catch {
            #expect(error.message.hasPrefix("the database is locked by another process (is another rulesd running on it?)"))
            #expect(error.message.hasSuffix("the lock file names pid \(getpid())"))
        }
        #expect(first != nil)
        first = nil
        #expect(throws: Never.self) { _ = try DatabaseLock(database: sandbox.databasePath) }
    }

    @Test func aDatabaseThatIsNotSQLiteExits2() async throws {
        let sandbox = try APISandbox()
        try String(repeating: "not a database\n", count: 200).write(toFile: sandbox.databasePath, atomically: true, encoding: .utf8)
        #expect(await Rulesd.run(config: config(sandbox), logger: Logger(label: "test")) == 2)
    }
}
