import XCTest

@testable import Ingest

/// How a rejected extract's listed issues are screened for identifiers before they are shown or stored
/// (IssueList.withhold), with the look-up of the extract's identifiers played by a set.
final class IssueListTests: XCTestCase {
    func testWhatHoldsAnIdentifierOrIsTooLongToCheckIsNotShown() {
        let identifiers: Set = ["YK0001", "2024-03-01"]
        // "00-01-…-71" (215 characters): its first 144 are read, 48 pieces of which each of the first 28 begins
        // 21 joins of at most 64 characters: far over the 256 stretches that are looked up.
        let tooManyParts = (0..<72).map { String(format: "%02d", $0) }.joined(separator: "-")
        var issues = IssueList()
        for issue in [
            IngestIssue(
                file: "youth.csv", record: 1, column: "gender", value: "YK0001", expected: "one of: female",
                valueAsRead: "YK0001"),
            IngestIssue(
                file: "youth.csv", record: 2, column: "gender", value: "see YK0001", expected: "one of: female",
                valueAsRead: "see YK0001"),
            IngestIssue(
                file: "youth.csv", record: 3, column: "gender", value: "girl-ish", expected: "one of: female",
                valueAsRead: "girl-ish"),
            IngestIssue(
                file: "youth.csv", record: 4, column: "gender", value: tooManyParts, expected: "one of: female",
                valueAsRead: tooManyParts),
            // youth.csv: a value written like an identifier is shown when 3 records have it (girl-ish, with record
            // 3), not when fewer do (Femal3; 2024-4 twice in birth_month, whose once in gender does not count);
            // a value that cannot be an identifier ("F.") is shown, and so is a value of another file.
            IngestIssue(
                file: "youth.csv", record: 5, column: "gender", value: "girl-ish", expected: "one of: female",
                valueAsRead: "girl-ish"),
            IngestIssue(
                file: "youth.csv", record: 6, column: "gender", value: " girl-ish", expected: "one of: female",
                valueAsRead: " girl-ish"),
            IngestIssue(
                file: "youth.csv", record: 7, column: "gender", value: "Femal3", expected: "one of: female",
                valueAsRead: "Femal3"),
            IngestIssue(
                file: "youth.csv", record: 7, column: "birth_month", value: "2024-4", expected: "a month",
                valueAsRead: "2024-4"),
            IngestIssue(
                file: "youth.csv", record: 8, column: "birth_month", value: "2024-4", expected: "a month",
                valueAsRead: "2024-4"),
            IngestIssue(
                file: "youth.csv", record: 8, column: "gender", value: "2024-4", expected: "one of: female",
                valueAsRead: "2024-4"),
            IngestIssue(
                file: "youth.csv", record: 9, column: "gender", value: "F.", expected: "one of: female",
                valueAsRead: "F."),
            IngestIssue(
                file: "events.csv", record: 1, column: "event", value: "arest", expected: "one of: arrest",
                valueAsRead: "arest"),
            // Another cell's value, the end date of the episode overlapped, is a (date-like) key.
            IngestIssue(
                file: "placements.csv", record: 2, column: "started_on", value: "2024-02-01",
                expected:
                    "a start on or after the end of the same youth's earlier episode (record 1, which ends 2024-03-01)",
                valueAsRead: "2024-02-01", otherValue: "2024-03-01"),
            // Names the upload chose: a file, a header cell; and one too long to check.
            IngestIssue(file: "YK0001.csv", expected: "only the files of the format", valueAsRead: nil),
            IngestIssue(file: "notes.txt", expected: "only the files of the format", valueAsRead: nil),
            IngestIssue(
                file: "youth.csv", record: 0, column: "x,YK0001", expected: "only the format's columns",
                valueAsRead: nil),
            IngestIssue(file: tooManyParts, expected: "only the files of the format", valueAsRead: nil),
            // A header position is the format's naming, not the upload's: never looked up.
            IngestIssue(file: "youth.csv", record: 0, column: "#3", expected: "a column name", valueAsRead: nil),
        ] {
            issues.append(issue)
        }

        var lookUps: [Set<String>] = []
        issues.withhold(
            ownNames: ["youth.csv", "placements.csv", "events.csv", "gender", "birth_month", "started_on", "event"]
        ) { stretches in
            lookUps.append(stretches)
            return stretches.intersection(identifiers)
        }

        // One look-up for everything, holding the stretches of values and of names from the upload and the other
        // cell's value whole; none from the format's own names ("youth", "gender"; "csv" comes from YK0001.csv
        // only) or from "#3" ("3").
        XCTAssertEqual(lookUps.count, 1)
        let looked = lookUps.first ?? []
        for stretch in ["YK0001", "see", "girl", "girl-ish", "2024-03-01", "2024-02", "notes", "txt", "x"] {
            XCTAssertTrue(looked.contains(stretch), stretch)
        }
        for stretch in ["youth", "gender", "placements", "started_on", "3"] {
            XCTAssertFalse(looked.contains(stretch), stretch)
        }

        let shown = issues.listed.map { [$0.file, $0.column ?? "-", $0.value ?? "-", $0.expected] }
        let name = "(a name that holds a youth_key or linkage_id value: not shown)"
        let unsure =
            " (the value is not shown: in youth.csv, where the youth's identifiers are, a value written like a "
            + "youth_key or linkage_id is shown only when 3 or more records have it; check that the columns are in "
            + "the header's order)"
        XCTAssertEqual(
            shown,
            [
                [
                    "youth.csv", "gender", "-",
                    "one of: female (the value is not shown: it is one of this extract's youth_key or linkage_id "
                        + "values; check that the columns are in the header's order)",
                ],
                [
                    "youth.csv", "gender", "-",
                    "one of: female (the value is not shown: a part of it is one of this extract's youth_key or "
                        + "linkage_id values)",
                ],
                ["youth.csv", "gender", "girl-ish", "one of: female"],
                [
                    "youth.csv", "gender", "-",
                    "one of: female (the value is not shown: it has too many parts to check that it holds no "
                        + "youth_key or linkage_id)",
                ],
                ["youth.csv", "gender", "girl-ish", "one of: female"],
                ["youth.csv", "gender", " girl-ish", "one of: female"],
                ["youth.csv", "gender", "-", "one of: female" + unsure],
                ["youth.csv", "birth_month", "-", "a month" + unsure],
                ["youth.csv", "birth_month", "-", "a month" + unsure],
                ["youth.csv", "gender", "-", "one of: female" + unsure],
                ["youth.csv", "gender", "F.", "one of: female"],
                ["events.csv", "event", "arest", "one of: arrest"],
                // The value 2024-02-01 holds no identifier and is shown; the date quoted in `expected` is not.
                [
                    "placements.csv", "started_on", "2024-02-01",
                    "a start on or after the end of the same youth's earlier episode (record 1, which ends …) (a value "
                        + "of another column is not shown: it is one of this extract's youth_key or linkage_id values)",
                ],
                [name, "-", "-", "only the files of the format"],
                ["notes.txt", "-", "-", "only the files of the format"],
                ["youth.csv", name, "-", "only the format's columns"],
                [
                    "(a name with too many parts to check that it holds no youth_key or linkage_id)", "-", "-",
                    "only the files of the format",
                ],
                ["youth.csv", "#3", "-", "a column name"],
            ])
    }
}
