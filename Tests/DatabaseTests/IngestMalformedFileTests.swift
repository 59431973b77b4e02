import Foundation
import Ingest
import OutcomesStore
import PostgresClient
import TestSupport
import XCTest

private let malformedDatabase = Result { try IngestTestCase.makeDatabase() }

/// Malformed files and uploads: none may crash the ingest, each is rejected with issues
/// that say where the problem is. The valid fixture is changed in its last file
/// (goals.csv) where possible, so a broken file cannot hide other records' youth.
final class IngestMalformedFileTests: IngestTestCase {
    private func reject(_ extract: ExtractFiles) throws -> IngestOutcome {
        try ingest(extract, into: try malformedDatabase.get())
    }

    private func rejectPath(_ path: URL, limits: ExtractSource.Limits = .standard) throws -> IngestOutcome {
        var ingestor = self.ingestor(try malformedDatabase.get())
        ingestor.zipLimits = limits
        return try ingestor.ingest(path: path.path, agencyCode: "TEST-A")
    }

    /// Replaces a file with raw bytes.
    private func setBytes(_ x: inout ExtractFiles, _ name: String, _ bytes: [UInt8]) {
        x.files[name] = Data(bytes)
    }

    // MARK: Encoding and CSV structure

    func testNotUTF8() throws {
        var x = try ExtractFiles.fixture()
        // goals.csv record 1 has goal_id "G-é" in Latin-1 (0xE9); record 2 is fine.
        var goals = Array(x["goals.csv"]!.utf8)
        let at = goals.firstIndex(of: UInt8(ascii: "G"))!  // the first G is record 1's goal_id
        goals.replaceSubrange(at..<(at + 3), with: [UInt8(ascii: "G"), UInt8(ascii: "-"), 0xE9])
        setBytes(&x, "goals.csv", goals)
        // events.csv record 1 has a youth_key with an invalid byte: its value is not shown.
        var events = Array(x["events.csv"]!.utf8)
        let key = events.firstIndex(of: UInt8(ascii: "Y"))!
        events[key + 2] = 0xFF
        setBytes(&x, "events.csv", events)
        assertRejected(
            try reject(x),
            with: [
                .init("events.csv", 1, "youth_key", nil, "UTF-8 text (save the file as UTF-8)"),
                .init("goals.csv", 1, "goal_id", "G-\u{FFFD}", "UTF-8 text (save the file as UTF-8)"),
            ])
    }

    func testNotUTF8InTheHeader() throws {
        var x = try ExtractFiles.fixture()
        // "dom\xE9in" is not UTF-8: column 3 is named by position, and the required domain is missing.
        var bytes = Array("youth_key,goal_id,dom".utf8) + [0xE9] + Array("in,set_on,status,status_on\n".utf8)
        bytes += Array(x.lines("goals.csv").dropFirst().map { $0 + "\n" }.joined().utf8)
        setBytes(&x, "goals.csv", bytes)
        assertRejected(
            try reject(x),
            with: [
                .init("goals.csv", 0, "#3", nil, "UTF-8 text (save the file as UTF-8)"),
                .init("goals.csv", 0, "domain", nil, "this required column in the header"),
            ])
    }

    func testNULCharacters() throws {
        var x = try ExtractFiles.fixture()
        // goals.csv record 1 has goal_id "G\0-1": valid UTF-8, but PostgreSQL's text refuses the byte 0.
        // The value is shown with U+FFFD in its place, so the report itself can be stored.
        var goals = Array(x["goals.csv"]!.utf8)
        let at = goals.firstIndex(of: UInt8(ascii: "G"))!
        goals.insert(0, at: at + 1)
        setBytes(&x, "goals.csv", goals)
        // events.csv record 1 has a NUL in its youth_key: the value is not shown.
        var events = Array(x["events.csv"]!.utf8)
        events[events.firstIndex(of: UInt8(ascii: "Y"))! + 2] = 0
        setBytes(&x, "events.csv", events)
        let expected = "text without NUL characters (byte 0); export the file again as CSV"
        assertRejected(
            try reject(x),
            with: [
                .init("events.csv", 1, "youth_key", nil, expected),
                .init("goals.csv", 1, "goal_id", "G\u{FFFD}-1", expected),
            ])
    }

    func testAFileSavedAsUTF16() throws {
        var x = try ExtractFiles.fixture()
        // Spreadsheet programs offer "Unicode text" (UTF-16 little-endian, with its byte-order mark):
        // every other byte is 0. The header says why it names no column; no record is read.
        x.files["goals.csv"] = Data([0xFF, 0xFE]) + x["goals.csv"]!.data(using: .utf16LittleEndian)!
        assertRejected(
            try reject(x),
            with: [
                .init(
                    "goals.csv", 0, nil, nil,
                    "as the first line; this file has NUL bytes, as files saved as UTF-16 (\"Unicode text\") have: "
                        + "save it as CSV in UTF-8")
            ])
    }

    func testAFileSeparatedBySemicolonsOrTabs() throws {
        // Spreadsheets set to a European locale separate with ";"; "text" exports use tabs.
        for (separator, name) in [(";", "semicolons"), ("\t", "tabs")] {
            var x = try ExtractFiles.fixture()
            x.setLines("goals.csv", x.lines("goals.csv").map { $0.replacingOccurrences(of: ",", with: separator) })
            assertRejected(
                try reject(x),
                with: [
                    .init(
                        "goals.csv", 0, nil, nil,
                        "as the first line, separated by commas (this one separates them with \(name): "
                            + "export the file as CSV with commas)")
                ])
        }
    }

    func testByteOrderMarkAndCRLFAreAccepted() throws {
        var x = try ExtractFiles.fixture()
        for name in ["youth.csv", "goals.csv"] {
            x.files[name] = Data([0xEF, 0xBB, 0xBF]) + Data(x.lines(name).map { $0 + "\r\n" }.joined().utf8)
        }
        // placements.csv with CRLF and no line ending after the last record.
        x["placements.csv"] = x.lines("placements.csv").joined(separator: "\r\n")
        let db = try Self.makeDatabase()
        assertAccepted(try ingest(x, into: db))
        XCTAssertEqual(try integer(db, "SELECT count(*) FROM core.youth"), 3)
        XCTAssertEqual(
            try integer(db, "SELECT count(*) FROM core.goal WHERE status_on <= '2024-09-01'"), 3, "no CR left in a date"
        )
        XCTAssertEqual(try integer(db, "SELECT count(*) FROM core.placement"), 3)
        XCTAssertEqual(
            try integer(db, "SELECT count(*) FROM core.youth WHERE race_source IN ('self', 'observed', 'unknown')"), 3)
    }

    func testQuotedValuesAreAccepted() throws {
        var x = try ExtractFiles.fixture()
        // RFC 4180: a comma and a doubled quote inside quoted values; blank lines are skipped.
        let header = "\"youth_key\",goal_id,domain,set_on,status,status_on"
        let records = [
            "YKq7Zt01,\"G,1\",6,2024-02-01,in_progress,2024-06-01",
            "",
            "YKq7Zt01,\"G \"\"2\"\"\",13,2024-02-01,met,2024-09-01",
        ]
        x.setLines("goals.csv", [header] + records)
        let db = try Self.makeDatabase()
        assertAccepted(try ingest(x, into: db))
        let ids = try db.withConnection { c in
            try c.query("SELECT rec, goal_id FROM core.goal ORDER BY rec").rows.map {
                "\(try $0.decode(Int.self, "rec")):\(try $0.decode(String.self, "goal_id"))"
            }
        }
        XCTAssertEqual(ids, ["1:G,1", "2:G \"2\""], "blank lines are not records")

        // A line break inside a quoted value is read as RFC 4180 says, but no value of the format holds one:
        // it is refused where it stands (record 3, not showing it), with what usually causes it.
        x.setLines("goals.csv", [header] + records + ["YKq7Zt02,\"G", "3\",1,2024-03-01,\"discontinued\",2024-03-01"])
        assertRejected(
            try reject(x),
            with: [
                .init(
                    "goals.csv", 3, "goal_id", nil,
                    "a value on one line: a line break inside a value usually means that a stray double quote (\") "
                        + "opened a quoted value that ran on over the next records; remove the stray quote (the value "
                        + "is not shown: what follows the stray quote, the record's other cells and the next records, "
                        + "may hold identifiers)")
            ])
    }

    func testAStrayQuoteThatJoinsRecordsIsRefusedAndShowsNoKey() throws {
        // goals.csv record 1 opens a quote in goal_id that the next record's goal_id closes: read as RFC 4180
        // says, the two lines are one record whose goal_id holds record 2's line, with its youth_key. It is
        // refused for its line break, and not shown: its first line holds the record's own other cells, which
        // would hold its keys in a file whose columns are in another order (it was shown, "G-1,6,…").
        var x = try ExtractFiles.fixture()
        var lines = x.lines("goals.csv")
        lines[1] = lines[1].replacingOccurrences(of: ",G-1,", with: ",\"G-1,")
        lines[2] = lines[2].replacingOccurrences(of: ",G-2,", with: ",G-2\",")
        x.setLines("goals.csv", lines)
        let lineBreak =
            "a value on one line: a line break inside a value usually means that a stray double quote (\") opened a "
            + "quoted value that ran on over the next records; remove the stray quote"
        assertRejected(
            try reject(x),
            with: [.init("goals.csv", 1, "goal_id", nil, lineBreak)])
        // The same in youth.csv, where the joined record's youth is in no other file and its linkage_id is
        // nowhere else: neither is known to the service, and neither is shown. Record 4's race_source runs on
        // over record 5's line.
        var y = try ExtractFiles.fixture()
        y.append(
            "youth.csv", "YNEWA001,LINKA-0001,06001,2009-04,female,WHITE,\"self",
            "YNEWB002,LINKB-0002,06001,2010-01,male,BLACK,self\"")
        let outcome = try reject(y)
        assertRejected(outcome, with: [.init("youth.csv", 4, "race_source", nil, lineBreak)])
        let printed = outcome.issues.listed.map(\.description).joined(separator: "\n")
        for raw in ["YNEWB002", "LINKB-0002"] { XCTAssertFalse(printed.contains(raw), raw) }
    }

    func testUnterminatedQuoteAtTheEnd() throws {
        var x = try ExtractFiles.fixture()
        // Record 3 opens a quote in goal_id (column 2) that never closes.
        x.replace("goals.csv", record: 3, with: "YKq7Zt02,\"G-1,1,2024-03-01,discontinued,2024-03-01")
        assertRejected(
            try reject(x),
            with: [
                .init(
                    "goals.csv", 3, "goal_id", nil,
                    "a closing double quote: this quoted value runs to the end of the file")
            ])
    }

    func testUnterminatedQuoteSwallowsTheRestOfTheFile() throws {
        var x = try ExtractFiles.fixture()
        // Record 1's quote runs over records 2 and 3: one record, one issue, no crash.
        x.replace("goals.csv", record: 1, with: "YKq7Zt01,\"G-1,6,2024-02-01,in_progress,2024-06-01")
        assertRejected(try reject(x), with: [.init("goals.csv", 1, "goal_id", nil, "a closing double quote")])
    }

    func testQuoteInsideAnUnquotedValue() throws {
        var x = try ExtractFiles.fixture()
        x.set("goals.csv", record: 1, "goal_id", "G\"1")
        assertRejected(
            try reject(x),
            with: [
                .init(
                    "goals.csv", 1, "goal_id", nil,
                    "a value containing a double quote must be enclosed in double quotes")
            ])
    }

    func testTextAfterAClosingQuote() throws {
        var x = try ExtractFiles.fixture()
        x.set("goals.csv", record: 2, "goal_id", "\"G-2\"x")
        x.set("goals.csv", record: 3, "status_on", "\"2024-03-01\"\rx")  // a CR that does not end the line
        let expected = "a comma or the end of the line right after a closing double quote"
        assertRejected(
            try reject(x),
            with: [.init("goals.csv", 2, "goal_id", nil, expected), .init("goals.csv", 3, "status_on", nil, expected)])
    }

    func testWrongColumnCount() throws {
        var x = try ExtractFiles.fixture()
        x.replace("goals.csv", record: 2, with: "YKq7Zt01,G-2,13,2024-02-01,met")  // 5 fields
        x.replace("goals.csv", record: 3, with: "YKq7Zt02,G-1,1,2024-03-01,discontinued,2024-03-01,extra")  // 7 fields
        assertRejected(
            try reject(x),
            with: [
                .init(
                    "goals.csv", 2, nil, nil, "6 fields as in the header (found 5); quote values that contain commas"),
                .init(
                    "goals.csv", 3, nil, nil, "6 fields as in the header (found 7); quote values that contain commas"),
            ])
        // A line of spaces and an old end-of-file mark (Ctrl-Z, byte 26) after the last record are records of
        // one field each (4 and 5), told for what they are.
        var y = try ExtractFiles.fixture()
        y.append("goals.csv", "   ", "\u{1A}")
        let blank =
            "6 fields as in the header (found 1); this line holds only blanks or control characters (such as a "
            + "Ctrl-Z end-of-file mark): delete it"
        assertRejected(
            try reject(y), with: [.init("goals.csv", 4, nil, nil, blank), .init("goals.csv", 5, nil, nil, blank)])
    }

    func testEmptyFiles() throws {
        var x = try ExtractFiles.fixture()
        x["goals.csv"] = ""  // zero bytes
        setBytes(&x, "cse_flags.csv", [0xEF, 0xBB, 0xBF])  // a byte-order mark and nothing else
        x["events.csv"] = "\n\r\n\n"  // blank lines only
        assertRejected(
            try reject(x),
            with: [
                .init("cse_flags.csv", nil, nil, nil, "a header row naming the columns; the file is empty"),
                .init("events.csv", nil, nil, nil, "a header row naming the columns; the file is blank"),
                .init("goals.csv", nil, nil, nil, "a header row naming the columns; the file is empty"),
            ])
    }

    func testCarriageReturnOnlyLineEndings() throws {
        var x = try ExtractFiles.fixture()
        // Old Mac "CSV": the whole file reads as one header row. No value is shown (it holds youth_keys).
        x["goals.csv"] = x.lines("goals.csv").joined(separator: "\r") + "\r"
        let outcome = try reject(x)
        assertRejected(
            outcome, with: [.init("goals.csv", 0, nil, nil, "a header row on one line, and lines ending in LF or CRLF")]
        )
        XCTAssertFalse(outcome.issues.listed.map(\.description).joined().contains("YKq7Zt"))
    }

    func testUnterminatedQuoteInALargeFileIsCutAtTheRecordCap() throws {
        var x = try ExtractFiles.fixture()
        // Record 1 opens a quote in goal_id that never closes; 2 MiB of records follow inside it.
        let filler = String(repeating: "YKq7Zt01,G-9,6,2024-02-01,met,2024-06-01\n", count: (2 << 20) / 40)
        x["goals.csv"] = x.lines("goals.csv")[0] + "\nYKq7Zt01,\"G-1,6,2024-02-01,met,2024-06-01\n" + filler
        assertRejected(
            try reject(x), with: [.init("goals.csv", 1, "goal_id", nil, "a record of at most 1 MiB and 4096 fields")])
    }

    func testLongValuesAreCutInReports() throws {
        var x = try ExtractFiles.fixture()
        x.set("goals.csv", record: 1, "status", String(repeating: "x", count: 5000))
        assertRejected(
            try reject(x),
            with: [
                .init(
                    "goals.csv", 1, "status", String(repeating: "x", count: 77) + "…",
                    "one of: in_progress, met, discontinued")
            ])
    }

    func testMissingHeader() throws {
        var x = try ExtractFiles.fixture()
        // The first line is data: one issue for the header, none for the records, and no values shown.
        x.setLines("goals.csv", Array(x.lines("goals.csv").dropFirst()))
        let outcome = try reject(x)
        assertRejected(
            outcome,
            with: [
                .init(
                    "goals.csv", 0, nil, nil,
                    "a header row naming the columns (youth_key, goal_id, domain, set_on, status, status_on) as the first line"
                )
            ])
    }

    func testADataRecordRunOnFromTheHeaderShowsNoValue() throws {
        // The header has no line break after it (files joined with `cat`), so youth.csv's first record
        // runs on: "race_sourceYKq7Zt01" and six more cells, 13 in all, 7 of them no column (as many as
        // the 6 matched, or more). They hold identifiers: one issue names the cause, and race_source is
        // missing; no cell is shown.
        var x = try ExtractFiles.fixture()
        let lines = x.lines("youth.csv")
        x.setLines("youth.csv", [lines[0] + lines[1]] + lines.dropFirst(2))
        let outcome = try reject(x)
        assertRejected(
            outcome,
            with: [
                .init(
                    "youth.csv", 0, nil, nil,
                    "a header row of column names only (7 of its 13 cells are not columns of youth.csv: if the first "
                        + "record runs on from the header line, end the header with a line break)"),
                .init("youth.csv", 0, "race_source", nil, "this required column in the header"),
            ])
        // A header cell with a digit may be an identifier: its position is named, not its text.
        var y = try ExtractFiles.fixture()
        y.replace(
            "youth.csv", record: 0,
            with: "youth_key,LZw9Px01,county_fips,birth_month,gender,race_ethnicity,race_source")
        assertRejected(try reject(y), with: [.init("youth.csv", 0, "#2", nil, "a column of youth.csv")])
    }

    func testHeaderCellsThatMayBeDataAreNamedByPositionOnly() throws {
        // stages_of_change.csv with four columns the format does not have beside its four: each is named (a
        // record run into another file's header holds a youth_key that youth.csv lists, withheld if shown).
        var x = try ExtractFiles.fixture()
        x.setLines(
            "stages_of_change.csv",
            x.lines("stages_of_change.csv").enumerated().map {
                $0.offset == 0 ? $0.element + ",first_name,last_name,dob,ssn" : $0.element + ",A,B,C,D"
            })
        let columns = "a column of stages_of_change.csv: youth_key, assessed_on, behavior, stage"
        assertRejected(
            try reject(x),
            with: [
                .init("stages_of_change.csv", 0, "#5", "first_name", columns),
                .init("stages_of_change.csv", 0, "#6", "last_name", columns),
                .init("stages_of_change.csv", 0, "#7", "dob", columns),
                .init("stages_of_change.csv", 0, "#8", "ssn", columns),
            ])
        // A record run into absences.csv's two-column header ("youth_key,left_on" and no line break): the
        // cell "left_onYKq7Zt01" begins with the missing column's name and is followed by values only.
        var v = try ExtractFiles.fixture()
        let absences = v.lines("absences.csv")
        v.setLines("absences.csv", ["youth_key,left_on" + absences[1]] + absences.dropFirst(2))
        assertRejected(
            try reject(v),
            with: [
                .init("absences.csv", 0, nil, nil, "a header row of column names only (4 of its 5 cells"),
                .init("absences.csv", 0, "left_on", nil, "this required column in the header"),
            ])
        // In youth.csv, as many cells that are no column as columns are named by position only: here a header
        // that ends in a comma, run into by a record whose youth_key and linkage_id have no digits.
        var y = try ExtractFiles.fixture()
        let lines = y.lines("youth.csv")
        y.setLines(
            "youth.csv", [lines[0] + ",NEWYOUTH-ABC,STATE-LINK-XYZ,06001,2009-04,female,WHITE,self"] + lines.dropFirst()
        )
        let outcome = try reject(y)
        XCTAssertEqual(outcome.issues.total, 7)
        XCTAssertEqual(outcome.issues.listed.map(\.column), (8...14).map { "#\($0)" })
        XCTAssertEqual(outcome.issues.listed.compactMap(\.value), [])
        // The same with an empty value among them (the record's linkage_id): it counts with the cells that are
        // no column. 6 names and 1 empty cell after the 7 columns: 7 issues, no value.
        var w = try ExtractFiles.fixture()
        let header = w.lines("youth.csv")[0]
        w.replace("youth.csv", record: 0, with: header + ",KRUNAAAA,,06001,2008-01,female,WHITE,self")
        let run = try reject(w)
        XCTAssertEqual(run.issues.total, 7)
        XCTAssertEqual(run.issues.listed.compactMap(\.value), [])
        XCTAssertFalse(run.issues.listed.map(\.description).joined().contains("KRUNAAAA"))
        // One misspelt name among as many columns as the file has is named, with the missing column: a name
        // that begins with a missing column's name is a typo here, not a record run into the header.
        var z = try ExtractFiles.fixture()
        z.replace(
            "youth.csv", record: 0,
            with: "youth_keys,linkage_id,county_fips,birth_month,gender,race_ethnicity,race_source")
        assertRejected(
            try reject(z),
            with: [
                .init("youth.csv", 0, "#1", "youth_keys", "a column of youth.csv: youth_key, linkage_id,"),
                .init("youth.csv", 0, "youth_key", nil, "this required column in the header"),
            ])
    }

    func testEmptyHeaderCellsAreToldOnce() throws {
        // Excel leaves empty cells right of a table it once held: each empty name is told as such, not as an
        // unknown column and then as a repeat of itself.
        var x = try ExtractFiles.fixture()
        x.setLines("goals.csv", x.lines("goals.csv").map { $0 + ",," })
        let empty = "a column name (this header cell is empty: delete the empty columns, e.g. at the right of the sheet"
        assertRejected(
            try reject(x),
            with: [.init("goals.csv", 0, "#7", nil, empty), .init("goals.csv", 0, "#8", nil, empty)])
    }

    func testHeaderWithAQuoteFault() throws {
        var x = try ExtractFiles.fixture()
        x.replace("goals.csv", record: 0, with: "youth_key,goal\"id,domain,set_on,status,status_on")
        assertRejected(
            try reject(x),
            with: [
                .init("goals.csv", 0, nil, nil, "a value containing a double quote must be enclosed in double quotes")
            ])
    }

    // MARK: Folders

    func testFolderWithASubFolder() throws {
        let parent = try scratch()
        let folder = try ExtractFiles.fixture().write(in: parent)
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("old"), withIntermediateDirectories: true)
        try Data("x\n".utf8).write(to: folder.appendingPathComponent("old/goals.csv"))
        assertRejected(
            try rejectPath(folder),
            with: [.init("old", nil, nil, nil, "only files directly in the extract folder (no sub-folders or links)")])
        // A folder named youth.csv is refused as such, and not also called missing; cse_flags.csv,
        // absent, is missing.
        var x = try ExtractFiles.fixture()
        x["youth.csv"] = nil
        x["cse_flags.csv"] = nil
        let other = try x.write(in: parent, name: "other")
        try FileManager.default.createDirectory(
            at: other.appendingPathComponent("youth.csv"), withIntermediateDirectories: false)
        assertRejected(
            try rejectPath(other),
            with: [
                .init(
                    "youth.csv", nil, nil, nil, "only files directly in the extract folder (no sub-folders or links)"),
                .init("cse_flags.csv", nil, nil, nil, "this required file in the extract (it is missing)"),
            ])
    }

    func testFolderWithASymbolicLink() throws {
        let parent = try scratch()
        var x = try ExtractFiles.fixture()
        let goals = x.files.removeValue(forKey: "goals.csv")!
        let folder = try x.write(in: parent)
        let outside = parent.appendingPathComponent("elsewhere.csv")
        try goals.write(to: outside)
        try FileManager.default.createSymbolicLink(
            at: folder.appendingPathComponent("goals.csv"), withDestinationURL: outside)
        assertRejected(
            try rejectPath(folder),
            with: [
                .init("goals.csv", nil, nil, nil, "only files directly in the extract folder (no sub-folders or links)")
            ])
    }

    func testFolderWithANamedPipe() throws {
        // A named pipe would block the reading of the upload for ever; it is refused unread.
        let parent = try scratch()
        var x = try ExtractFiles.fixture()
        x["goals.csv"] = nil
        let folder = try x.write(in: parent)
        XCTAssertEqual(mkfifo(folder.appendingPathComponent("goals.csv").path, 0o600), 0)
        assertRejected(
            try rejectPath(folder),
            with: [
                .init(
                    "goals.csv", nil, nil, nil,
                    "only ordinary files in the extract folder (this is a pipe, socket or device)")
            ])
    }

    // MARK: Zips

    func testZipWithAnEntryProtectedByAPassword() throws {
        // ZIPFoundation's listing stops at such an entry without a word: events.csv (and whatever came
        // after it) would be left out, and the extract accepted as one that does not report events.
        let parent = try scratch()
        let folder = try ExtractFiles.fixture().write(in: parent, name: "locked")
        let zip = parent.appendingPathComponent("locked.zip")
        let others = ["extract.json", "youth.csv", "cse_flags.csv", "goals.csv"]
        try runZip([zip.path] + others, in: folder)
        try runZip(["-P", "secret", zip.path, "events.csv"], in: folder)
        assertRejected(
            try rejectPath(zip),
            with: [
                .init(
                    "locked.zip", nil, nil, nil,
                    "a zip whose entries can all be read (only 4 of its 5 can: the next is protected by a password "
                        + "or damaged; create the zip again, without a password)")
            ])
    }

    func testZipWithAFileTwice() throws {
        // Two youth.csv, the second one other data: neither silently wins. "x/goals.csv" and
        // "x\\goals.csv" are the same file too, once the backslash is read as a separator.
        let parent = try scratch()
        var zip = StoredZip()
        zip.add(try ExtractFiles.fixture(), prefix: "x/")
        zip.add("x/youth.csv", "youth_key\n")
        zip.add("x\\goals.csv", "youth_key\n")
        let url = parent.appendingPathComponent("twice.zip")
        try zip.write(to: url)
        assertRejected(
            try rejectPath(url),
            with: [
                .init(
                    "twice.zip: x/youth.csv", nil, nil, nil,
                    "each file once in the zip (an earlier entry has the same file name)"),
                .init(
                    "twice.zip: x/goals.csv", nil, nil, nil,
                    "each file once in the zip (an earlier entry has the same file name)"),
            ])
    }

    func testZipCompressedWithAnotherMethod() throws {
        // bzip2 is valid in a zip but not read here: the entry is named, with the fix, not called damaged.
        let parent = try scratch()
        var x = try ExtractFiles.fixture()
        // 200 repeats of the events: enough text for zip to compress instead of storing it.
        let events = x.lines("events.csv")
        x.setLines("events.csv", [events[0]] + Array(repeating: events.dropFirst(), count: 200).flatMap { $0 })
        let folder = try x.write(in: parent, name: "bz")
        let zip = parent.appendingPathComponent("bz.zip")
        try runZip([zip.path, "-r", "."], in: folder)
        try runZip(["-Z", "bzip2", zip.path, "events.csv"], in: folder)
        assertRejected(
            try rejectPath(zip),
            with: [
                .init(
                    "bz.zip: events.csv", nil, nil, nil,
                    "a zip entry stored or compressed with Deflate, the usual method (this one uses another, such as "
                        + "bzip2 or LZMA; create the zip with a standard zip tool's default settings)")
            ])
    }

    func testZipWithAPathOutsideTheFolder() throws {
        let parent = try scratch()
        let evil = "evil-\(UUID().uuidString).csv"
        var zip = StoredZip()
        zip.add(try ExtractFiles.fixture())
        zip.add("../\(evil)", "youth_key\n")
        zip.add("/tmp/abs-\(evil)", "youth_key\n")
        let url = parent.appendingPathComponent("upload.zip")
        try zip.write(to: url)
        let expected = "a file inside the extract folder (this path points outside it)"
        assertRejected(
            try rejectPath(url),
            with: [
                .init("upload.zip: ../\(evil)", nil, nil, nil, expected),
                .init("upload.zip: /tmp/abs-\(evil)", nil, nil, nil, expected),
            ])
        let tmp = FileManager.default.temporaryDirectory
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: tmp.appendingPathComponent(evil).path), "nothing written outside")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/abs-\(evil)"), "nothing written outside")
    }

    func testZipWithBackslashSeparators() throws {
        let parent = try scratch()
        // Some Windows tools write "extract\youth.csv": the backslash separates folders like "/", so
        // this zip of a folder is accepted, and "..\x" is caught as a path outside the folder.
        var zip = StoredZip()
        zip.add(try ExtractFiles.fixture(), prefix: "extract\\")
        let good = parent.appendingPathComponent("windows.zip")
        try zip.write(to: good)
        let db = try Self.makeDatabase()
        var ingestor = self.ingestor(db)
        ingestor.zipLimits = .standard
        assertAccepted(try ingestor.ingest(path: good.path, agencyCode: "TEST-A"))
        XCTAssertEqual(try integer(db, "SELECT count(*) FROM core.youth"), 3)

        zip.add("extract\\..\\..\\evil.csv", "youth_key\n")
        let bad = parent.appendingPathComponent("evil.zip")
        try zip.write(to: bad)
        assertRejected(
            try rejectPath(bad),
            with: [
                .init(
                    "evil.zip: extract/../../evil.csv", nil, nil, nil,
                    "a file inside the extract folder (this path points outside it)")
            ])
    }

    func testZipBombStopsAtTheCap() throws {
        let parent = try scratch()
        // youth.csv inflates to 3 MiB of "\n" (a few KiB compressed); the test caps are 1 MiB per file, 2 MiB in all.
        let folder = parent.appendingPathComponent("bomb", isDirectory: true)
        var x = try ExtractFiles.fixture()
        x.files = x.files.filter { ["extract.json", "cse_flags.csv"].contains($0.key) }
        x.setLines("cse_flags.csv", [x.lines("cse_flags.csv")[0]])  // no flags: they would name youth of youth.csv
        try x.write(in: parent, name: "bomb")
        try (Data(try ExtractFiles.fixture().lines("youth.csv")[0].utf8) + Data(repeating: 0x0A, count: 3 << 20))
            .write(to: folder.appendingPathComponent("youth.csv"))
        let zip = parent.appendingPathComponent("bomb.zip")
        try runZip(["-9", zip.path, "extract.json", "cse_flags.csv", "youth.csv"], in: folder)
        let size = try FileManager.default.attributesOfItem(atPath: zip.path)[.size] as? Int ?? 0
        XCTAssertLessThan(size, 64 << 10, "the zip is small")
        let outcome = try rejectPath(zip, limits: .init(fileBytes: 1 << 20, totalBytes: 2 << 20, entries: 64))
        // youth.csv is in the zip: it is not also called missing.
        assertRejected(
            outcome,
            with: [
                .init("bomb.zip: youth.csv", nil, nil, nil, "at most 1 MiB per file and 2 MiB in all once unpacked")
            ])
    }

    func testZipTotalSizeCap() throws {
        let parent = try scratch()
        // Three files of 0.75 MiB each: under the 1 MiB file cap, over the 2 MiB total at the third.
        let folder = parent.appendingPathComponent("big", isDirectory: true)
        let x = try ExtractFiles.fixture()
        try x.write(in: parent, name: "big")
        for name in ["events.csv", "school_terms.csv", "goals.csv"] {
            try (Data((x.lines(name).first! + "\n").utf8) + Data(repeating: 0x0A, count: 768 << 10))
                .write(to: folder.appendingPathComponent(name))
        }
        let zip = parent.appendingPathComponent("big.zip")
        let order = ["extract.json", "youth.csv", "cse_flags.csv", "events.csv", "school_terms.csv", "goals.csv"]
        try runZip([zip.path] + order, in: folder)
        let outcome = try rejectPath(zip, limits: .init(fileBytes: 1 << 20, totalBytes: 2 << 20, entries: 64))
        assertRejected(
            outcome,
            with: [.init("big.zip: goals.csv", nil, nil, nil, "at most 1 MiB per file and 2 MiB in all once unpacked")])
    }

    func testZipWithASubFolder() throws {
        let parent = try scratch()
        var x = try ExtractFiles.fixture()
        let goals = x.files.removeValue(forKey: "goals.csv")!
        var zip = StoredZip()
        zip.add(x)
        zip.add("more/", Data(), kind: .directory)
        zip.add("more/goals.csv", goals)
        let url = parent.appendingPathComponent("upload.zip")
        try zip.write(to: url)
        assertRejected(
            try rejectPath(url),
            with: [
                .init(
                    "upload.zip: more/goals.csv", nil, nil, nil, "files directly in the extract folder (no sub-folders)"
                )
            ])
    }

    func testOpeningAnyUploadRemovesAZipLeftByAKilledIngest() throws {
        // An ingest killed outright leaves its unpacked zip (raw identifiers) in the temporary folder, and one
        // interrupted while removing it a folder renamed "….removing". The next upload opened, a folder here,
        // removes both (their process is gone), and leaves the folder of a process that runs. (Only the next
        // zip did.)
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let fm = FileManager.default
        let made = [
            "outcomes-extract-\(dead.processIdentifier)-\(UUID().uuidString)",
            "outcomes-extract-\(dead.processIdentifier)-\(UUID().uuidString).removing",
            "outcomes-extract-\(getppid())-\(UUID().uuidString)",
        ].map { fm.temporaryDirectory.appendingPathComponent($0) }
        for folder in made {
            try fm.createDirectory(
                at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try Data("YKq7Zt01\n".utf8).write(to: folder.appendingPathComponent("youth.csv"))
        }
        defer { for folder in made { try? fm.removeItem(at: folder) } }
        let upload = try ExtractFiles.fixture().write(in: try scratch())
        try ExtractSource.open(path: upload.path).close()
        XCTAssertEqual(made.map { fm.fileExists(atPath: $0.path) }, [false, false, true])
    }

    func testZipWithAnEmptySubFolder() throws {
        // An empty folder in a zip is refused as one in a folder upload is (testFolderWithASubFolder): the same
        // contents get the same verdict. The folder holding the extract's files ("extract/", as zip tools write
        // it before its files) is not refused. (Empty folders were skipped: both zips were accepted.)
        let parent = try scratch()
        var flat = StoredZip()
        flat.add(try ExtractFiles.fixture())
        flat.add("old/", Data(), kind: .directory)
        let flatURL = parent.appendingPathComponent("flat.zip")
        try flat.write(to: flatURL)
        let expected = "files directly in the extract folder (no sub-folders)"
        assertRejected(try rejectPath(flatURL), with: [.init("flat.zip: old/", nil, nil, nil, expected)])

        var nested = StoredZip()
        nested.add("extract/", Data(), kind: .directory)
        nested.add(try ExtractFiles.fixture(), prefix: "extract/")
        nested.add("extract/sub/", Data(), kind: .directory)
        let nestedURL = parent.appendingPathComponent("nested.zip")
        try nested.write(to: nestedURL)
        assertRejected(try rejectPath(nestedURL), with: [.init("nested.zip: extract/sub/", nil, nil, nil, expected)])

        // An empty folder hides no file: a file left out is still told as missing.
        var x = try ExtractFiles.fixture()
        x["goals.csv"] = nil
        x["cse_flags.csv"] = nil
        var short = StoredZip()
        short.add(x)
        short.add("old/", Data(), kind: .directory)
        let shortURL = parent.appendingPathComponent("short.zip")
        try short.write(to: shortURL)
        assertRejected(
            try rejectPath(shortURL),
            with: [
                .init("short.zip: old/", nil, nil, nil, expected),
                .init("cse_flags.csv", nil, nil, nil, "this required file in the extract (it is missing)"),
            ])
    }

    func testZipOfAFolderWithANestedFolder() throws {
        let parent = try scratch()
        var x = try ExtractFiles.fixture()
        let goals = x.files.removeValue(forKey: "goals.csv")!
        var zip = StoredZip()
        zip.add(x, prefix: "extract/")
        zip.add("extract/sub/goals.csv", goals)
        let url = parent.appendingPathComponent("upload.zip")
        try zip.write(to: url)
        assertRejected(
            try rejectPath(url),
            with: [
                .init(
                    "upload.zip: extract/sub/goals.csv", nil, nil, nil,
                    "files directly in the extract folder (no sub-folders)")
            ])
    }

    func testZipEntriesWhoseNamesCannotBeFileNames() throws {
        // An entry named "." and one of 300 bytes cannot be unpacked to a file of that name: each is told
        // (they used to stop the ingest with a file error, exit 74, leaving the unpacked files behind).
        let parent = try scratch()
        var zip = StoredZip()
        zip.add(try ExtractFiles.fixture())
        zip.add(".", "x")
        let long = String(repeating: "n", count: 296) + ".csv"
        zip.add(long, "x")
        let url = parent.appendingPathComponent("upload.zip")
        try zip.write(to: url)
        let expected = "a file of the extract (this entry's name cannot be a file's name)"
        let outcome = try rejectPath(url)
        XCTAssertEqual(outcome.issues.total, 2)
        XCTAssertEqual(outcome.issues.listed.map(\.expected), [expected, expected])
        XCTAssertEqual(outcome.issues.listed.first?.file, "upload.zip: .")
    }

    func testFolderWithAFileNameThatIsNotUTF8() throws {
        // "x\xE9.csv" (é in Latin-1) cannot be read back by its name: told, not a file error (exit 74).
        let folder = try ExtractFiles.fixture().write(in: try scratch())
        let path = Array(folder.path.utf8) + [UInt8(ascii: "/"), 0x78, 0xE9] + Array(".csv".utf8) + [0]
        let descriptor = path.withUnsafeBufferPointer {
            $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o600) }
        }
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        close(descriptor)
        let outcome = try rejectPath(folder)
        XCTAssertEqual(outcome.issues.total, 1)
        XCTAssertEqual(
            outcome.issues.listed.first?.expected,
            "a file name in UTF-8 (this one cannot be read as it is; rename the file)")
    }

    func testZipWithFilesOtherThanTheKnownOnes() throws {
        let parent = try scratch()
        var zip = StoredZip()
        zip.add(try ExtractFiles.fixture())
        zip.add("notes.docx", "not a csv")
        zip.add("youth_old.csv", "youth_key\n")
        // macOS metadata is not an agency's file: skipped, not reported (see testAcceptsAZipMadeByMacOSFinder).
        zip.add(".DS_Store", "\u{0}")
        zip.add("._goals.csv", "fork")
        let url = parent.appendingPathComponent("upload.zip")
        try zip.write(to: url)
        let expected = "only extract.json and the files of the format"
        assertRejected(
            try rejectPath(url),
            with: [.init("notes.docx", nil, nil, nil, expected), .init("youth_old.csv", nil, nil, nil, expected)])
    }

    func testZipWithASymbolicLink() throws {
        let parent = try scratch()
        var x = try ExtractFiles.fixture()
        x.files.removeValue(forKey: "goals.csv")
        var zip = StoredZip()
        zip.add(x)
        zip.add("goals.csv", Data("/etc/passwd".utf8), kind: .symlink)
        let url = parent.appendingPathComponent("upload.zip")
        try zip.write(to: url)
        assertRejected(
            try rejectPath(url), with: [.init("upload.zip: goals.csv", nil, nil, nil, "no symbolic links in the zip")])
    }

    func testZipWithTooManyEntries() throws {
        let parent = try scratch()
        var zip = StoredZip()
        zip.add(try ExtractFiles.fixture())  // 10 files
        for i in 1...55 { zip.add("extra\(i).csv", "x\n") }  // 65 entries
        let url = parent.appendingPathComponent("upload.zip")
        try zip.write(to: url)
        assertRejected(
            try rejectPath(url),
            // Nothing was unpacked, so no file of the zip is called missing.
            with: [.init("upload.zip", nil, nil, nil, "at most 64 entries in the zip (it has 65)")])
    }

    func testNotAZip() throws {
        let parent = try scratch()
        let url = parent.appendingPathComponent("upload.zip")
        try Data("youth_key,linkage_id\n".utf8).write(to: url)
        assertRejected(
            try rejectPath(url),
            // Its files cannot be known, so none is called missing.
            with: [.init("upload.zip", nil, nil, nil, "a .zip file (this one cannot be opened as a zip archive)")])
    }

    func testDamagedZipEntry() throws {
        let parent = try scratch()
        var zip = StoredZip()
        zip.add(try ExtractFiles.fixture())
        let url = parent.appendingPathComponent("upload.zip")
        try zip.write(to: url)
        // Flip one byte of goals.csv's stored data: its CRC no longer matches.
        var bytes = try Data(contentsOf: url)
        let marker = Data("G-2,13".utf8)
        let range = bytes.range(of: marker)!
        bytes[range.lowerBound] = UInt8(ascii: "H")
        try bytes.write(to: url)
        // goals.csv is optional, so its loss adds no other issue.
        assertRejected(
            try rejectPath(url),
            with: [
                .init(
                    "upload.zip: goals.csv", nil, nil, nil,
                    "a readable zip entry (this one is damaged: its contents do not match the checksum stored in the zip"
                )
            ])
    }

    // MARK: Nothing is kept, everything is explained

    func testARejectedUploadKeepsItsReportAndChecksumOnly() throws {
        var x = try ExtractFiles.fixture()
        x["goals.csv"] = ""
        let db = try Self.makeDatabase()
        let outcome = try ingest(x, into: db)
        XCTAssertEqual(outcome.status, .rejected)
        let row = try db.withConnection { c in
            try c.query(
                "SELECT status, sha256, error_count, report->'errors'->0->>'file' AS file FROM core.extract WHERE id = $1",
                [outcome.extractID]
            ).single()
        }
        XCTAssertEqual(try row.decode(String.self, "status"), "rejected")
        XCTAssertEqual(try row.decode(String.self, "sha256"), outcome.sha256)
        XCTAssertEqual(try row.decode(Int.self, "error_count"), 1)
        XCTAssertEqual(try row.decode(String.self, "file"), "goals.csv")
        for table in recordTables {
            XCTAssertEqual(try integer(db, "SELECT count(*) FROM core.\(table)"), 0, table)
        }
    }
}
