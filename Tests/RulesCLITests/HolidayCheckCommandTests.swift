// `rules check` and `rules eval` read the playbook's HOLIDAYS file through
// `LoadedPlaybook.load`: its findings are printed like the rules' own, and a
// missing file is an error at the declaration.

import Foundation
import Testing

@Suite struct HolidayCheckCommandTests {
    @Test func checkReportsTheHolidayFilesLinesAtTheirOwnFileLineAndColumn() throws {
        try CLI.expectGolden("check-holidays-bad", ["check", "holidays-bad"])
        #expect(try CLI.run(["check", "holidays-bad"]).status == 1)
    }

    @Test func checkReportsAMissingHolidayFileAtTheDeclaration() throws {
        try CLI.expectGolden("check-holidays-missing", ["check", "holidays-missing"])
    }

    @Test func evalRefusesAPlaybookWhoseHolidayFileIsMissing() throws {
        let run = try CLI.run(["eval", "--rules", "holidays-missing", "eval/warnings.jsonl"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("[E241]"))
    }
}
