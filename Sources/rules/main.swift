import RulesCLI

await RulesCommand.main()
