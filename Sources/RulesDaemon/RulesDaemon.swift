// The daemon core: see docs/RULESD.md (being written for issue 5).
