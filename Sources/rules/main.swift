import RulesCLI

await RulesCommand.runMain()
