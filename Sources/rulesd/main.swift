// rulesd: see docs/RULESD.md. Everything is in RulesServer (`RulesdCommand`,
// `Rulesd.run`), so the command line and the process are testable there.
import Foundation
import RulesServer

exit(await RulesdCommand.main(arguments: Array(CommandLine.arguments.dropFirst())))
