import XCTest

@testable import Ingest

/// A refused cell, read as shown.
private func cell(_ file: String, _ record: Int, _ column: String, _ value: String?, _ expected: String)
    -> IngestIssue
{
    IngestIssue(file: file, record: record, column: column, value: value, expected: expected, valueAsRead: value)
}

/// How a rejected extract's listed issues are screened for identifiers before they are shown or stored
/// (IssueList.withhold), with the look-up of the extract's identifiers played by a set.
final class IssueListTests: XCTestCase {
    func testWhatHoldsAnIdentifierOrIsTooLongToCheckIsNotShown() {
        // "Jane Roe" broke the identifier rule in a youth_key column: it was staged marked, and is found whole.
        let identifiers: Set = ["YK0001", "2024-03-01", "Jane Roe"]
        // "00-01-…-71" (215 characters): its first 144 are read, 48 pieces of which each of the first 28 begins
        // 21 joins of at most 64 characters: far over the 256 stretches that are looked up.
        let tooManyParts = (0..<72).map { String(format: "%02d", $0) }.joined(separator: "-")
        var issues = IssueList()
        for issue in [
            cell("youth.csv", 1, "gender", "YK0001", "one of: female"),
            cell("youth.csv", 2, "gender", "see YK0001", "one of: female"),
            cell("youth.csv", 3, "gender", "girl-ish", "one of: female"),
            cell("youth.csv", 4, "gender", tooManyParts, "one of: female"),
            // youth.csv: a value written like an identifier or a name is not shown, however many records have it
            // (girl-ish three times, with record 3; Femal3, 2024-4, "F.", "Jane Doe"); a value that cannot be an
            // identifier nor a name (a list "ASIAN;;WHITE", a month with a slash) is shown, and so is a value of
            // another file.
            cell("youth.csv", 5, "gender", "girl-ish", "one of: female"),
            cell("youth.csv", 6, "gender", " girl-ish", "one of: female"),
            cell("youth.csv", 7, "gender", "Femal3", "one of: female"),
            cell("youth.csv", 7, "birth_month", "2024-4", "a month"),
            cell("youth.csv", 8, "birth_month", "2024-4", "a month"),
            cell("youth.csv", 8, "gender", "2024-4", "one of: female"),
            cell("youth.csv", 9, "gender", "F.", "one of: female"),
            cell("youth.csv", 10, "gender", "Jane Doe", "one of: female"),
            cell("youth.csv", 10, "race_ethnicity", "ASIAN;;WHITE", "one or more of"),
            cell("youth.csv", 10, "birth_month", "2009/04", "a month"),
            cell("events.csv", 1, "event", "arest", "one of: arrest"),
            // The whole of a value is an identifier that broke its rule.
            cell("events.csv", 2, "event", " Jane Roe", "one of: arrest"),
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
            ownNames: ["youth.csv", "placements.csv", "events.csv", "gender", "birth_month", "started_on", "event"],
            youthListedInFull: true
        ) { stretches in
            lookUps.append(stretches)
            return stretches.intersection(identifiers)
        }

        // One look-up for everything, holding the stretches of values and of names from the upload and the other
        // cell's value whole; none from the format's own names ("youth", "gender"; "csv" comes from YK0001.csv
        // only) or from "#3" ("3").
        XCTAssertEqual(lookUps.count, 1)
        let looked = lookUps.first ?? []
        for stretch in ["YK0001", "see", "girl", "girl-ish", "2024-03-01", "2024-02", "notes", "txt", "x", "Jane Roe"] {
            XCTAssertTrue(looked.contains(stretch), stretch)
        }
        for stretch in ["youth", "gender", "placements", "started_on", "3"] {
            XCTAssertFalse(looked.contains(stretch), stretch)
        }

        let shown = issues.listed.map { [$0.file, $0.column ?? "-", $0.value ?? "-", $0.expected] }
        let name = "(a name that holds a youth_key or linkage_id value: not shown)"
        let unsure =
            " (the value is not shown: in youth.csv, where the youth's identifiers are, a value written like a "
            + "youth_key, a linkage_id or a name is not shown; check that the columns are in the header's order)"
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
                ["youth.csv", "gender", "-", "one of: female" + unsure],
                [
                    "youth.csv", "gender", "-",
                    "one of: female (the value is not shown: it has too many parts to check that it holds no "
                        + "youth_key or linkage_id)",
                ],
                ["youth.csv", "gender", "-", "one of: female" + unsure],
                ["youth.csv", "gender", "-", "one of: female" + unsure],
                ["youth.csv", "gender", "-", "one of: female" + unsure],
                ["youth.csv", "birth_month", "-", "a month" + unsure],
                ["youth.csv", "birth_month", "-", "a month" + unsure],
                ["youth.csv", "gender", "-", "one of: female" + unsure],
                ["youth.csv", "gender", "-", "one of: female" + unsure],
                ["youth.csv", "gender", "-", "one of: female" + unsure],
                ["youth.csv", "race_ethnicity", "ASIAN;;WHITE", "one or more of"],
                ["youth.csv", "birth_month", "2009/04", "a month"],
                ["events.csv", "event", "arest", "one of: arrest"],
                [
                    "events.csv", "event", "-",
                    "one of: arrest (the value is not shown: it is one of this extract's youth_key or linkage_id "
                        + "values; check that the columns are in the header's order)",
                ],
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

    func testAValueWrittenLikeAKeyInARecordOfAYouthNotInYouthCSVIsNotShown() {
        // Other files' refused values written like a key or a name, in records whose youth youth.csv does not
        // list (an issue of the record's youth_key), are not shown, however many records have them: a header out
        // of order puts the keys under another column, the keys read are then no youth's, and one youth has many
        // records.
        let unknown = "the youth_key of a youth listed in youth.csv"
        let note =
            " (the value is not shown: where the record's youth is not known from youth.csv, a value written like a "
            + "youth_key, a linkage_id or a name is not shown; check that the columns are in the header's order)"
        let headerNote =
            " (the name is not shown: youth.csv was not read in full, so the youth's identifiers are not known, and a "
            + "header cell written like a youth_key, a linkage_id or a name may be one, of a record run into the "
            + "header)"
        func screened(_ cells: [IngestIssue], inFull: Bool) -> [String] {
            var issues = IssueList()
            issues.add(count: cells.count, listing: cells)
            issues.withhold(ownNames: [], youthListedInFull: inFull) { _ in [] }
            return issues.listed.filter { $0.column != "youth_key" }.map {
                "\($0.record ?? 0) \($0.value ?? "-") \($0.expected)"
            }
        }
        let cells = [
            // The header's 5th cell, "Jane Doe": shown while youth.csv was read in full.
            cell("cse_flags.csv", 0, "#5", "Jane Doe", "a column of"),
            // Record 1: unknown youth, "KEY0001" in flag: not shown. Record 2: a known youth: "arest" shown.
            cell("cse_flags.csv", 1, "youth_key", nil, unknown), cell("cse_flags.csv", 1, "flag", "KEY0001", "one of"),
            cell("cse_flags.csv", 2, "flag", "arest", "one of"),
            // Records 3 to 5, unknown youth: "YK77" three times is not shown (a youth's key in three of its
            // records), nor "Doe, Jane A."; "F;M" cannot be a key or a name and is shown.
            cell("cse_flags.csv", 3, "youth_key", nil, unknown), cell("cse_flags.csv", 3, "flag", "YK77", "one of"),
            cell("cse_flags.csv", 4, "youth_key", nil, unknown), cell("cse_flags.csv", 4, "flag", "YK77", "one of"),
            cell("cse_flags.csv", 5, "youth_key", nil, unknown), cell("cse_flags.csv", 5, "flag", "YK77", "one of"),
            cell("cse_flags.csv", 5, "basis", "Doe, Jane A.", "one of"),
            cell("cse_flags.csv", 6, "youth_key", nil, unknown), cell("cse_flags.csv", 6, "basis", "F;M", "one of"),
        ]
        XCTAssertEqual(
            screened(cells, inFull: true),
            [
                "0 Jane Doe a column of", "1 - one of" + note, "2 arest one of", "3 - one of" + note,
                "4 - one of" + note, "5 - one of" + note, "5 - one of" + note, "6 F;M one of",
            ])
        // When youth.csv was not read in full, the identifiers of the records left out are known nowhere: no
        // value of a record is shown ("F;M" neither, however it is written), nor the header cell written like a
        // name.
        let notRead =
            " (the value is not shown: youth.csv was not read in full, so the youth's identifiers are not all known; "
            + "correct youth.csv first)"
        XCTAssertEqual(
            screened(cells, inFull: false),
            ["0 - a column of" + headerNote] + ["1", "2", "3", "4", "5", "5", "6"].map { "\($0) - one of" + notRead })
    }

    func testAQuotedValueOfTheUploadThatIsAKeyIsReplaced() {
        // extract.json's extracted_on, 2025-08-15, quoted in the date bound, is a youth_key of the upload (a
        // date-shaped key): it is replaced by "…" in every message; 2025-08-16 is no key and stays.
        var issues = IssueList()
        let bound = "a date on or before the extract date 2025-08-15 (extracted_on in extract.json)"
        issues.append(cell("events.csv", 1, "occurred_on", "2025-09-01", bound))
        issues.withhold(ownNames: [], youthListedInFull: true, quoted: ["2025-08-15"]) {
            $0.intersection(["2025-08-15"])
        }
        XCTAssertEqual(
            issues.listed.map(\.expected), ["a date on or before the extract date … (extracted_on in extract.json)"])
        var other = IssueList()
        other.append(cell("events.csv", 1, "occurred_on", "2025-09-01", bound))
        other.withhold(ownNames: [], youthListedInFull: true, quoted: ["2025-08-15"]) {
            $0.intersection(["2025-08-16"])
        }
        XCTAssertEqual(other.listed.map(\.expected), [bound])
    }

    func testWhatIsWrittenLikeAKeyOrAName() {
        // Hidden characters and bytes that were not UTF-8 (U+FFFD) are passed over.
        for value in [
            "YK0001", "woman", "2009-13", "F.", "Jane Doe", "Doe, Jane A.", "O’Neil", "José", "Zoë", "李小龙",
            "fe\u{200B}male", "Jos\u{FFFD} P\u{FFFD}rez", "Y2C8\u{00A0}7003",
        ] {
            XCTAssertTrue(IssueList.couldBeAnIdentifier(value), value)
        }
        for value in ["", " ", "-", "\u{FFFD}", "BLACK;;WHITE", "2009/04", "a+b", "x@y"] {
            XCTAssertFalse(IssueList.couldBeAnIdentifier(value), value)
        }
    }
}
