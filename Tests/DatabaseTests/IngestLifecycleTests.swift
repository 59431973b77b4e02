import Foundation
import Ingest
import OutcomesStore
import PostgresClient
import TestSupport
import XCTest

/// What an ingest keeps: acceptance of folders and zips, all or nothing, snapshots
/// and their history, idempotent re-ingest, and no identifier values in issues or reports.
final class IngestLifecycleTests: IngestTestCase {
    /// Records of the valid fixture per table, counted by hand from its files.
    static let fixtureCounts = [
        "youth": 3, "cse_flag": 3, "placement": 3, "absence": 2, "event": 3, "school_term": 2, "assessment": 6,
        "stage_of_change": 2, "goal": 3, "assessment_score": 5,
    ]

    private func recordCounts(_ db: Database, extract: Int64? = nil) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in recordTables {
            counts[table] = try integer(
                db, "SELECT count(*) FROM core.\(table) WHERE $1::bigint IS NULL OR extract_id = $1", [extract])
        }
        return counts
    }

    func testAcceptsTheValidFixture() throws {
        let db = try Self.makeDatabase()
        let outcome = try ingest(try .fixture(), into: db)
        assertAccepted(outcome)
        XCTAssertEqual(
            outcome.recordCounts,
            [
                "youth.csv": 3, "cse_flags.csv": 3, "placements.csv": 3, "absences.csv": 2, "events.csv": 3,
                "school_terms.csv": 2, "assessments.csv": 6, "stages_of_change.csv": 2, "goals.csv": 3,
            ])
        XCTAssertEqual(try recordCounts(db, extract: outcome.extractID), Self.fixtureCounts)
        let a = try agencyID(db, "TEST-A")
        XCTAssertEqual(
            try integer(
                db, "SELECT count(*) FROM core.youth WHERE agency_id = $1 AND extract_id = $2", [a, outcome.extractID]),
            3)

        let extract = try db.withConnection { c in
            try c.query(
                """
                SELECT status, extracted_on::text AS on, array_to_string(files, ',') AS files, error_count,
                       (row_counts->>'assessments.csv')::int AS assessments, source_name, sha256
                FROM core.extract WHERE id = $1
                """, [outcome.extractID]
            ).single()
        }
        XCTAssertEqual(try extract.decode(String.self, "status"), "accepted")
        XCTAssertEqual(try extract.decode(String.self, "on"), "2025-07-15")
        XCTAssertEqual(
            try extract.decode(String.self, "files"),
            "youth.csv,cse_flags.csv,placements.csv,absences.csv,events.csv,school_terms.csv,assessments.csv,stages_of_change.csv,goals.csv"
        )
        XCTAssertEqual(try extract.decode(Int.self, "error_count"), 0)
        XCTAssertEqual(try extract.decode(Int.self, "assessments"), 6)
        XCTAssertEqual(try extract.decode(String.self, "source_name"), "extract")
        XCTAssertEqual(try extract.decode(String.self, "sha256"), outcome.sha256)
        XCTAssertEqual(
            try integer(db, "SELECT extract_id FROM core.current_extract WHERE agency_id = $1", [a]),
            Int(outcome.extractID))

        // Values are stored typed and canonical (worked out from the fixture's lines).
        let values = try db.withConnection { c in
            try c.query(
                """
                SELECT (SELECT birth_month::text FROM core.youth WHERE rec = 1) AS birth,
                       (SELECT county_fips::text FROM core.youth WHERE rec = 2) AS county,
                       (SELECT count(*) FROM core.youth WHERE linkage_hash IS NULL) AS no_linkage,
                       (SELECT incident_on::text FROM core.cse_flag WHERE rec = 1) AS incident,
                       (SELECT resolved_on::text FROM core.cse_flag WHERE rec = 2) AS resolved,
                       (SELECT cardinality(exploitation_types) FROM core.cse_flag WHERE rec = 3) AS at_risk_types,
                       (SELECT count(*) FROM core.placement WHERE ended_on IS NULL) AS ongoing,
                       (SELECT returned_to_same_caregiver::text FROM core.absence WHERE rec = 1) AS same,
                       (SELECT count(*) FROM core.absence WHERE returned_on IS NULL AND returned_to_same_caregiver IS NULL) AS away,
                       (SELECT credits_earned::text FROM core.school_term WHERE rec = 1) AS credits,
                       (SELECT count(*) FROM core.school_term WHERE credits_earned IS NULL) AS no_credits,
                       (SELECT sum(score)::text FROM core.assessment) AS scores,
                       (SELECT detail FROM core.event WHERE rec = 1) AS detail,
                       (SELECT count(*) FROM core.event WHERE detail IS NULL) AS no_detail,
                       (SELECT string_agg(goal_id || ':' || domain, ',' ORDER BY rec) FROM core.goal) AS goals
                """
            ).single()
        }
        XCTAssertEqual(try values.decode(String.self, "birth"), "2009-04-01")
        XCTAssertEqual(try values.decode(String.self, "county"), "06075")
        XCTAssertEqual(try values.decode(Int.self, "no_linkage"), 1)
        XCTAssertEqual(try values.decode(String.self, "incident"), "2024-02-28")
        XCTAssertEqual(try values.decode(String.self, "resolved"), "2025-01-15")
        XCTAssertEqual(try values.decode(Int.self, "at_risk_types"), 0)
        XCTAssertEqual(try values.decode(Int.self, "ongoing"), 1)
        XCTAssertEqual(try values.decode(String.self, "same"), "true")
        XCTAssertEqual(try values.decode(Int.self, "away"), 1)
        XCTAssertEqual(try values.decode(String.self, "credits"), "27.5")
        XCTAssertEqual(try values.decode(Int.self, "no_credits"), 1)
        XCTAssertEqual(try values.decode(String.self, "scores"), "32")  // 6 + 7 + 3 + 2 + 4 + 10
        // Acceptance scored each administration once (0007): five administrations of the six item rows.
        // MSPSS and URICA give 2 of 12 and 1 of 28 items (incomplete: no score); the CANS rates one
        // behavioral item at 2 (actionable); the VOICE administration has no sense_of_control item.
        let scores = try db.withConnection { c in
            try c.query(
                """
                SELECT string_agg(instrument || ':' || items || ':' || coalesce(mspss_total::text, '-') || ':'
                                  || coalesce(urica_stage, '-') || ':' || coalesce(copse_total::text, '-') || ':'
                                  || coalesce(cans_behavioral_actionable::text, '-') || ':'
                                  || coalesce(voice_sense_of_control::text, '-'),
                                  ',' ORDER BY administered_on, instrument)
                FROM core.assessment_score WHERE extract_id = $1
                """, [outcome.extractID]
            ).single().decode(String.self, at: 0)
        }
        XCTAssertEqual(
            scores, "MSPSS:2:-:-:-:-:-,URICA:1:-:-:-:-:-,CANS:1:-:-:-:1:-,COPSE:1:-:-:-:-:-,VOICE:1:-:-:-:-:-")
        XCTAssertEqual(try values.decode(String.self, "detail"), "birth_certificate")
        XCTAssertEqual(try values.decode(Int.self, "no_detail"), 2)
        XCTAssertEqual(try values.decode(String.self, "goals"), "G-1:6,G-2:13,G-1:1")
    }

    func testAcceptanceScoresCompleteAdministrationsFromTheRowsAsCast() throws {
        // Acceptance scores the rows it has cast (0011), so the cells are read as cast: the instrument in
        // any case, the item trimmed. One complete MSPSS (12 items) and one VOICE administration:
        //   significant other, items 1, 2, 5, 10: 7 + 6 + 5 + 6 = 24, mean 24 / 4 = 6.00
        //   family, items 3, 4, 8, 11:            2 + 3 + 2 + 1 =  8, mean  8 / 4 = 2.00
        //   friends, items 6, 7, 9, 12:           4 + 5 + 4 + 3 = 16, mean 16 / 4 = 4.00
        //   total (24 + 8 + 16) / 12 = 4.00, band moderate (3 to 5)
        //   VOICE: sense_of_control 3 is its score; hopeful_future has no slot. 2 items.
        let db = try Self.makeDatabase()
        var extract = try ExtractFiles.fixture()
        let mspss = [(1, 7), (2, 6), (3, 2), (4, 3), (5, 5), (6, 4), (7, 5), (8, 2), (9, 4), (10, 6), (11, 1), (12, 3)]
        extract.setLines(
            "assessments.csv",
            ["youth_key,instrument,administered_on,item,score"]
                + mspss.map { "YKq7Zt01,\($0.0 == 5 ? "mspss" : "MSPSS"),2024-04-01, \($0.0) ,\($0.1)" }
                + ["YKq7Zt02,VOICE,2024-09-01,sense_of_control,3", "YKq7Zt02,voice,2024-09-01,hopeful_future,4"])
        let outcome = try ingest(extract, into: db)
        assertAccepted(outcome)
        let scores = try string(
            db,
            """
            SELECT string_agg(instrument || ':' || items || ':' || coalesce(round(mspss_total, 2)::text, '-') || ':'
                              || coalesce(round(mspss_significant_other, 2)::text, '-') || ':'
                              || coalesce(round(mspss_family, 2)::text, '-') || ':'
                              || coalesce(round(mspss_friends, 2)::text, '-') || ':' || coalesce(mspss_band, '-') || ':'
                              || coalesce(voice_sense_of_control::text, '-'),
                              ',' ORDER BY administered_on, instrument)
            FROM core.assessment_score WHERE extract_id = $1
            """, [outcome.extractID])
        XCTAssertEqual(scores, "MSPSS:12:4.00:6.00:2.00:4.00:moderate:-,VOICE:2:-:-:-:-:-:3")
    }

    func testAcceptsAZipMadeByMacOSFinder() throws {
        // Finder's "Compress" adds __MACOSX/._<name> resource forks and .DS_Store files beside the folder's
        // files; they are skipped, and the extract folder inside is still recognised as the extract.
        let db = try Self.makeDatabase()
        let parent = try scratch()
        try ExtractFiles.fixture().write(in: parent, name: "extract")
        let fm = FileManager.default
        try fm.createDirectory(at: parent.appendingPathComponent("__MACOSX/extract"), withIntermediateDirectories: true)
        try Data("fork".utf8).write(to: parent.appendingPathComponent("__MACOSX/extract/._youth.csv"))
        try Data("finder".utf8).write(to: parent.appendingPathComponent("extract/.DS_Store"))
        // macOS writes "._<name>" (AppleDouble) files beside the originals on shares and USB drives.
        try Data("fork".utf8).write(to: parent.appendingPathComponent("extract/._goals.csv"))
        let zip = parent.appendingPathComponent("finder.zip")
        try runZip(["-r", zip.path, "extract", "__MACOSX"], in: parent)
        let outcome = try ingestor(db).ingest(path: zip.path, agencyCode: "TEST-A")
        assertAccepted(outcome)
        XCTAssertEqual(try recordCounts(db, extract: outcome.extractID), Self.fixtureCounts)
        // The folder itself, with its .DS_Store and ._goals.csv, is accepted too (other bytes: a new extract).
        let folder = try ingestor(db).ingest(path: parent.appendingPathComponent("extract").path, agencyCode: "TEST-A")
        assertAccepted(folder)
        XCTAssertEqual(try recordCounts(db, extract: folder.extractID), Self.fixtureCounts)
    }

    func testAcceptsAZipOfTheFolderAndAZipOfItsContents() throws {
        let db = try Self.makeDatabase()
        let parent = try scratch()
        try ExtractFiles.fixture().write(in: parent, name: "extract")
        let ofFolder = parent.appendingPathComponent("of-folder.zip")
        let ofContents = parent.appendingPathComponent("of-contents.zip")
        try runZip(["-r", ofFolder.path, "extract"], in: parent)
        let names = try FileManager.default.contentsOfDirectory(atPath: parent.appendingPathComponent("extract").path)
            .sorted()
        try runZip([ofContents.path] + names, in: parent.appendingPathComponent("extract"))

        let first = try ingestor(db).ingest(path: ofFolder.path, agencyCode: "TEST-A")
        assertAccepted(first)
        XCTAssertEqual(first.source, "of-folder.zip")
        XCTAssertEqual(try recordCounts(db, extract: first.extractID), Self.fixtureCounts)

        let second = try ingestor(db).ingest(path: ofContents.path, agencyCode: "TEST-A")
        assertAccepted(second)
        XCTAssertEqual(try recordCounts(db, extract: second.extractID), Self.fixtureCounts)
        XCTAssertNotEqual(first.extractID, second.extractID)
        // The zip of a zip's checksum is the zip file's own SHA-256.
        let sha = try runTool("/usr/bin/sha256sum", [ofContents.path]).output.prefix(64)
        XCTAssertEqual(second.sha256, String(sha))
        // A zip is unpacked into a private folder that is removed afterwards.
        let source = try ExtractSource.open(path: ofFolder.path)
        XCTAssertEqual(source.files, names)
        XCTAssertTrue(FileManager.default.fileExists(atPath: source.folder.appendingPathComponent("youth.csv").path))
        XCTAssertEqual(
            (try FileManager.default.attributesOfItem(atPath: source.folder.path)[.posixPermissions] as? NSNumber)?
                .intValue, 0o700)
        source.close()
        XCTAssertFalse(FileManager.default.fileExists(atPath: source.folder.path))
    }

    func testAllOrNothingABadRowInTheLastFileChangesNothing() throws {
        let db = try Self.makeDatabase()
        let a = try ingest(try .fixture(), into: db)
        assertAccepted(a)
        let before = try tableCounts(db)

        var bad = try ExtractFiles.fixture()
        bad.append("youth.csv", "YKq7Zt04,,06075,2007-03,female,BLACK,self")  // would add a youth…
        bad.set("goals.csv", record: 3, "status", "done")  // …but the last file's last row is wrong
        let outcome = try ingest(bad, into: db)
        assertRejected(
            outcome, with: [.init("goals.csv", 3, "status", "done", "one of: in_progress, met, discontinued")])

        var after = try tableCounts(db)
        XCTAssertEqual(
            after["core.extract"], (before["core.extract"] ?? 0) + 1, "only the rejected upload's row is added")
        after["core.extract"] = before["core.extract"]
        XCTAssertEqual(after, before, "every other table is unchanged")
        XCTAssertEqual(try recordCounts(db, extract: outcome.extractID).values.reduce(0, +), 0)

        let row = try db.withConnection { c in
            try c.query(
                """
                SELECT status, sha256, error_count, report->>'error_count' AS total, report->'errors'->0->>'file' AS file,
                       (report->'errors'->0->>'record')::int AS rec, report->'errors'->0->>'column' AS col,
                       report->'errors'->0->>'value' AS value
                FROM core.extract WHERE id = $1
                """, [outcome.extractID]
            ).single()
        }
        XCTAssertEqual(try row.decode(String.self, "status"), "rejected")
        XCTAssertEqual(try row.decode(String.self, "sha256"), outcome.sha256)
        XCTAssertEqual(try row.decode(Int.self, "error_count"), 1)
        XCTAssertEqual(try row.decode(String.self, "total"), "1")
        XCTAssertEqual(try row.decode(String.self, "file"), "goals.csv")
        XCTAssertEqual(try row.decode(Int.self, "rec"), 3)
        XCTAssertEqual(try row.decode(String.self, "col"), "status")
        XCTAssertEqual(try row.decode(String.self, "value"), "done")
        XCTAssertEqual(
            try integer(
                db, "SELECT extract_id FROM core.current_extract WHERE agency_id = $1", [try agencyID(db, "TEST-A")]),
            Int(a.extractID), "the current snapshot is still the accepted one")
    }

    func testSnapshotReplacementKeepsHistory() throws {
        let db = try Self.makeDatabase()
        let a = try ingest(try .fixture(), into: db)
        assertAccepted(a)
        var next = try ExtractFiles.fixture()
        next.setManifest(extractedOn: "2025-08-15")
        next.append("youth.csv", "YKq7Zt04,,06075,2007-03,female,BLACK,self")
        next.append("cse_flags.csv", "YKq7Zt04,suspected,2025-08-01,self_disclosure,online,,,")
        let b = try ingest(next, into: db)
        assertAccepted(b)
        XCTAssertGreaterThan(b.extractID, a.extractID)

        let agency = try agencyID(db, "TEST-A")
        XCTAssertEqual(
            try integer(db, "SELECT extract_id FROM core.current_extract WHERE agency_id = $1", [agency]),
            Int(b.extractID))
        XCTAssertEqual(try recordCounts(db, extract: a.extractID), Self.fixtureCounts, "A's rows are kept")
        var bCounts = Self.fixtureCounts
        bCounts["youth"] = 4
        bCounts["cse_flag"] = 4
        XCTAssertEqual(try recordCounts(db, extract: b.extractID), bCounts)
        XCTAssertEqual(
            try integer(db, "SELECT count(*) FROM core.extract WHERE agency_id = $1 AND status = 'accepted'", [agency]),
            2)

        // Another agency's upload does not replace TEST-A's snapshot.
        var other = try ExtractFiles.fixture()
        other.setManifest(agency: "TEST-B")
        let c = try ingest(other, into: db, agency: "TEST-B")
        assertAccepted(c)
        XCTAssertEqual(
            try integer(db, "SELECT extract_id FROM core.current_extract WHERE agency_id = $1", [agency]),
            Int(b.extractID))

        // `outcomes extracts list --agency TEST-A` shows both, newest first, B marked current.
        let listed = try runTool(
            outcomesBinary.path, ["extracts", "list", "--agency", "TEST-A", "--database", db.conninfo])
        XCTAssertEqual(listed.status, 0, listed.output)
        let lines = listed.output.split(separator: "\n").map(String.init).filter { $0.contains("\tTEST-A\t") }
        XCTAssertEqual(lines.count, 2, listed.output)
        XCTAssertTrue(lines.first?.hasPrefix("\(b.extractID)*\tTEST-A\taccepted\t2025-08-15") ?? false, listed.output)
        XCTAssertTrue(lines.last?.hasPrefix("\(a.extractID)\tTEST-A\taccepted\t2025-07-15") ?? false, listed.output)
    }

    func testAnOlderOrEmptyExtractThatBecomesCurrentComesWithANote() throws {
        let db = try Self.makeDatabase()
        var newer = try ExtractFiles.fixture()
        newer.setManifest(extractedOn: "2025-08-15")
        let first = try ingest(newer, into: db)
        assertAccepted(first)
        XCTAssertEqual(first.notes, [], "the first snapshot replaces none")
        // The fixture as it is was produced on 2025-07-15, a month before the snapshot it replaces.
        let older = try ingest(try .fixture(), into: db)
        assertAccepted(older)
        let undoFirst =
            " If this was not meant, the state team can make extract \(first.extractID) current again: outcomes "
            + "extracts restore \(first.extractID) --reason \"…\""
        XCTAssertEqual(
            older.notes,
            [
                "This extract was produced on 2025-07-15, before the snapshot it replaces as the current one (extract "
                    + "\(first.extractID), produced on 2025-08-15)." + undoFirst
            ])
        // Only the two required files, with their headers and no record, produced later: it lists nobody.
        var empty = try ExtractFiles.fixture()
        for name in Array(empty.files.keys) where !["youth.csv", "cse_flags.csv", "extract.json"].contains(name) {
            empty[name] = nil
        }
        empty.setLines("youth.csv", [empty.lines("youth.csv")[0]])
        empty.setLines("cse_flags.csv", [empty.lines("cse_flags.csv")[0]])
        empty.setManifest(extractedOn: "2025-09-01")
        let none = try ingest(empty, into: db)
        assertAccepted(none)
        XCTAssertEqual(
            none.notes,
            [
                "This extract lists no youth, so your agency now reports none (a query that returned nothing?). If this "
                    + "was not meant, the state team can make extract \(older.extractID) current again: outcomes extracts "
                    + "restore \(older.extractID) --reason \"…\""
            ])
    }

    func testRestoringAnEarlierSnapshot() throws {
        let db = try Self.makeDatabase()
        let agency = try agencyID(db, "TEST-A")
        func current() throws -> Int64 {
            Int64(try integer(db, "SELECT extract_id FROM core.current_extract WHERE agency_id = $1", [agency]))
        }
        func cli(_ arguments: [String]) throws -> (status: Int32, output: String) {
            try runTool(outcomesBinary.path, ["extracts"] + arguments + ["--database", db.conninfo])
        }
        let a = try ingest(try .fixture(), into: db)
        var next = try ExtractFiles.fixture()
        next.setManifest(extractedOn: "2025-08-15")
        let b = try ingest(next, into: db)
        var bad = try ExtractFiles.fixture()
        bad.set("youth.csv", record: 1, "gender", "woman")
        let rejected = try ingest(bad, into: db)
        assertAccepted(a)
        assertAccepted(b)
        XCTAssertEqual(rejected.status, .rejected)
        XCTAssertEqual(try current(), b.extractID)
        let before = try tableCounts(db)

        // B was sent in error: A is current again, and every upload and record is still there.
        let restored = try cli(["restore", String(a.extractID), "--reason", "B was sent in error"])
        XCTAssertEqual(restored.status, 0, restored.output)
        XCTAssertTrue(
            restored.output.contains(
                "Extract \(a.extractID) is again the current snapshot of TEST-A, in place of extract \(b.extractID)."),
            restored.output)
        XCTAssertEqual(try current(), a.extractID)
        var afterRestore = before
        afterRestore["core.snapshot_restore"] = 1
        XCTAssertEqual(try tableCounts(db), afterRestore, "one restore recorded, and no record of any upload changed")
        XCTAssertEqual(
            try string(db, "SELECT reason FROM core.snapshot_restore WHERE extract_id = $1", [a.extractID]),
            "B was sent in error")
        let listed = try cli(["list", "--agency", "TEST-A"])
        XCTAssertTrue(listed.output.contains("\n\(a.extractID)*\tTEST-A\taccepted"), listed.output)

        // Sending B's bytes again changes nothing, and says how B could be made current.
        let again = try ingest(next, into: db)
        XCTAssertEqual(again.status, .alreadyAccepted)
        XCTAssertEqual(again.extractID, b.extractID)
        XCTAssertEqual(again.currentExtractID, a.extractID)
        XCTAssertEqual(try current(), a.extractID)

        // Restoring the current snapshot changes nothing; a rejected upload or an unknown number is
        // refused (64) with the fix; an empty reason is an argument error (64).
        let twice = try cli(["restore", String(a.extractID), "--reason", "again"])
        XCTAssertEqual(twice.status, 0, twice.output)
        XCTAssertTrue(twice.output.contains("already the current snapshot of TEST-A; nothing changed"), twice.output)
        let refused = try cli(["restore", String(rejected.extractID), "--reason", "x"])
        XCTAssertEqual(refused.status, 64, refused.output)
        XCTAssertTrue(refused.output.contains("was rejected, so it cannot be a snapshot"), refused.output)
        let unknown = try cli(["restore", "999999", "--reason", "x"])
        XCTAssertEqual(unknown.status, 64, unknown.output)
        XCTAssertTrue(unknown.output.contains("No upload has the number 999999"), unknown.output)
        XCTAssertEqual(try cli(["restore", String(b.extractID), "--reason", " "]).status, 64)
        XCTAssertEqual(try integer(db, "SELECT count(*) FROM core.snapshot_restore"), 1, "one restore recorded")

        // Restores are history: even the owner can neither change nor delete one (23001).
        try assertKeptAsHistory(
            db,
            refusing: [
                "UPDATE core.snapshot_restore SET reason = 'x'", "DELETE FROM core.snapshot_restore",
                "TRUNCATE core.snapshot_restore",
            ])

        // The agency's next accepted upload replaces the restored snapshot, as any upload does.
        var third = try ExtractFiles.fixture()
        third.setManifest(extractedOn: "2025-09-15")
        let c = try ingest(third, into: db)
        assertAccepted(c)
        XCTAssertEqual(try current(), c.extractID)
    }

    func testOneConnectionIngestsManyExtractsWithoutCarryingAnythingOver() throws {
        // The demo and the benchmark ingest every extract over one connection; the staging tables
        // live for the session and are emptied at each commit. A rejected upload between two
        // accepted ones must leave nothing behind for the next: each accepted extract holds exactly
        // its own records (the fixture's counts, and for the grown one 4 youth and 4 flags), and the
        // rejected one holds none.
        let db = try Self.makeDatabase()
        var bad = try ExtractFiles.fixture()
        bad.set("youth.csv", record: 2, "gender", "f")
        var grown = try ExtractFiles.fixture()
        grown.setManifest(extractedOn: "2025-08-15")
        grown.append("youth.csv", "YKq7Zt04,,06075,2007-03,female,BLACK,self")
        grown.append("cse_flags.csv", "YKq7Zt04,suspected,2025-08-01,self_disclosure,online,,,")
        let parent = try scratch()
        let folders = [
            try ExtractFiles.fixture().write(in: parent, name: "first"), try bad.write(in: parent, name: "bad"),
            try grown.write(in: parent, name: "grown"),
        ]
        let outcomes = try db.withConnection { connection in
            try folders.map { try ingestor(db).ingest(path: $0.path, agencyCode: "TEST-A", on: connection) }
        }
        assertAccepted(outcomes[0])
        assertRejected(outcomes[1], with: [ExpectedIssue("youth.csv", 2, "gender", nil, "one of: female, male")])
        assertAccepted(outcomes[2])
        XCTAssertEqual(try recordCounts(db, extract: outcomes[0].extractID), Self.fixtureCounts)
        XCTAssertEqual(
            try integer(db, "SELECT count(*) FROM core.youth WHERE extract_id = $1", [outcomes[1].extractID]), 0)
        var grownCounts = Self.fixtureCounts
        grownCounts["youth"] = 4
        grownCounts["cse_flag"] = 4
        XCTAssertEqual(try recordCounts(db, extract: outcomes[2].extractID), grownCounts)
    }

    func testExtractsAreHistoryAndCannotBeChanged() throws {
        // Record rows carry no per-row foreign key to their extract (0006_faster_ingest.sql), so
        // extracts must never disappear, and the history analysts read is what agencies sent: even the
        // owner's UPDATE, DELETE and TRUNCATE of an extract or of any record are refused (23001).
        let db = try Self.makeDatabase()
        assertAccepted(try ingest(try .fixture(), into: db))
        let before = try tableCounts(db)
        var statements = [
            "DELETE FROM core.extract", "TRUNCATE core.extract CASCADE",
            "UPDATE core.extract SET status = 'rejected', error_count = 1",
        ]
        for table in recordTables {
            statements += [
                "UPDATE core.\(table) SET agency_id = agency_id", "DELETE FROM core.\(table)", "TRUNCATE core.\(table)",
            ]
        }
        try assertKeptAsHistory(db, refusing: statements)
        XCTAssertEqual(try tableCounts(db), before)
        XCTAssertEqual(try string(db, "SELECT status FROM core.extract"), "accepted")
    }

    /// The benchmark's breakdown of the ingest: each phase is timed once, inside the call.
    func testAnIngestTimesItsPhasesAndAnExtractAlreadyAcceptedCostsNone() throws {
        let db = try Self.makeDatabase()
        let started = Date()
        let outcome = try ingest(try .fixture(), into: db)
        let wall = Date().timeIntervalSince(started)
        assertAccepted(outcome)
        // Every phase ran (each makes at least one round trip to the server, so none takes 0 s), and
        // none was counted twice: together they fit inside the call (which also wrote the fixture's files).
        let phases = outcome.phases
        XCTAssertGreaterThan(phases.staging, 0)
        XCTAssertGreaterThan(phases.validation, 0)
        XCTAssertGreaterThan(phases.acceptance, 0)
        XCTAssertLessThanOrEqual(phases.staging + phases.validation + phases.acceptance, wall)

        // Recognised by its checksum before anything is staged: no phase ran.
        let again = try ingest(try .fixture(), into: db)
        XCTAssertEqual(again.status, .alreadyAccepted)
        XCTAssertEqual(again.phases.staging + again.phases.validation + again.phases.acceptance, 0)
    }

    func testReingestingTheSameBytesChangesNothing() throws {
        let db = try Self.makeDatabase()
        let a = try ingest(try .fixture(), into: db)
        assertAccepted(a)
        let before = try tableCounts(db)

        // The same files written again into another folder: the same checksum.
        let again = try ingest(try .fixture(), into: db)
        XCTAssertEqual(again.status, .alreadyAccepted)
        XCTAssertEqual(again.extractID, a.extractID)
        XCTAssertEqual(again.sha256, a.sha256)
        XCTAssertEqual(try tableCounts(db), before, "no new extract row, no new records")

        // The same files beside a sub-folder have the same checksum (it covers the files), but the upload is
        // refused for the sub-folder as any other would be, not taken for the accepted one.
        let beside = try ExtractFiles.fixture().write(in: try scratch())
        try FileManager.default.createDirectory(
            at: beside.appendingPathComponent("old"), withIntermediateDirectories: false)
        let refused = try ingestor(db).ingest(path: beside.path, agencyCode: "TEST-A")
        XCTAssertEqual(refused.sha256, a.sha256)
        assertRejected(
            refused,
            with: [.init("old", nil, nil, nil, "only files directly in the extract folder (no sub-folders or links)")])
        XCTAssertEqual(try integer(db, "SELECT count(*) FROM core.extract WHERE status = 'accepted'"), 1)

        // A zip is recognised by its own bytes.
        let parent = try scratch()
        var zip = StoredZip()
        zip.add(try ExtractFiles.fixture())
        let url = parent.appendingPathComponent("upload.zip")
        try zip.write(to: url)
        let zipped = try ingestor(db).ingest(path: url.path, agencyCode: "TEST-A")
        assertAccepted(zipped)
        let afterZip = try tableCounts(db)
        let zippedAgain = try ingestor(db).ingest(path: url.path, agencyCode: "TEST-A")
        XCTAssertEqual(zippedAgain.status, .alreadyAccepted)
        XCTAssertEqual(zippedAgain.extractID, zipped.extractID)
        XCTAssertEqual(try tableCounts(db), afterZip)

        // The CLI says so and exits 0.
        let folder = try ExtractFiles.fixture().write(in: parent, name: "cli")
        let secret = try secretFile(in: parent)
        let cli = try runTool(
            outcomesBinary.path, ["ingest", folder.path, "--agency", "TEST-A", "--database", db.conninfo],
            environment: ["OUTCOMES_SECRET_FILE": secret.path])
        XCTAssertEqual(cli.status, 0, cli.output)
        XCTAssertTrue(cli.output.contains("already accepted as extract \(a.extractID)"), cli.output)
        XCTAssertEqual(try tableCounts(db), afterZip)
    }

    func testAnExtractAlreadyAcceptedIsNamedOnlyWhenItsNameHoldsNoKey() throws {
        // The fixture is accepted (extract 1), then a snapshot without youth 3 (extract 2, current). The
        // fixture's bytes again, in a folder named after youth 3's key, are extract 1 already: the folder's name
        // is not shown, since it holds a key of that extract, though not of the current snapshot. (It was shown.)
        let db = try Self.makeDatabase()
        let first = try ingest(try .fixture(), into: db)
        assertAccepted(first)
        var later = try ExtractFiles.fixture()
        later.editLinesOfEveryCSV { lines in lines.filter { !$0.hasPrefix("YKq7Zt03,") } }
        assertAccepted(try ingest(later, into: db))
        let folder = try ExtractFiles.fixture().write(in: try scratch(), name: "YKq7Zt03")
        let again = try ingestor(db).ingest(path: folder.path, agencyCode: "TEST-A")
        XCTAssertEqual(again.status, .alreadyAccepted)
        XCTAssertEqual(again.extractID, first.extractID)
        XCTAssertEqual(again.source, "(a name that holds a youth_key or linkage_id value: not shown)")
        // A name that holds none is shown.
        let plain = try ExtractFiles.fixture().write(in: try scratch(), name: "march")
        XCTAssertEqual(try ingestor(db).ingest(path: plain.path, agencyCode: "TEST-A").source, "march")
    }

    func testTheSameExtractUploadedFourTimesAtOnceIsAcceptedOnce() throws {
        // Four sessions upload the same new bytes at the same time. One change of an agency's snapshot runs at
        // a time, so the first is judged and accepted while the others wait, and they then find it already
        // accepted: one accepted, three already accepted as that same extract, and no error. (TEST-B's
        // extract comes first: the first ingest into a database records the secret, and the others would
        // wait for that instead.)
        let db = try Self.makeDatabase()
        var b = try ExtractFiles.fixture()
        b.setManifest(agency: "TEST-B")
        assertAccepted(try ingest(b, into: db, agency: "TEST-B"))
        let folder = try ExtractFiles.fixture().write(in: try scratch())
        let results = Locked<[Result<IngestOutcome, any Error>]>([])
        let sql = Self.sqlDirectory
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let ingestor = Ingestor(database: db, hasher: IdentifierHasher(secret: testSecret), sqlDirectory: sql)
            let result = Result { try ingestor.ingest(path: folder.path, agencyCode: "TEST-A") }
            results.withLock { $0.append(result) }
        }
        let outcomes = try results.withLock { try $0.map { try $0.get() } }
        XCTAssertEqual(outcomes.filter { $0.status == .accepted }.count, 1)
        XCTAssertEqual(outcomes.filter { $0.status == .alreadyAccepted }.count, 3)
        XCTAssertEqual(Set(outcomes.map(\.extractID)).count, 1, "all name the one accepted extract")
        XCTAssertEqual(try integer(db, "SELECT count(*) FROM core.extract"), 2, "TEST-B's and this one")
        XCTAssertEqual(try recordCounts(db, extract: outcomes[0].extractID), Self.fixtureCounts)
    }

    func testUploadsAndRestoresOfAnAgencyWaitForEachOther() throws {
        // TEST-A has accepted extracts A (extracted 2025-07-14) and B (2025-07-15, current). A restore of A is
        // under way, not yet committed, when an upload C (2025-07-16) arrives. Without waiting, C would read B
        // as the snapshot it replaces, and a restore that ended after it could make A current though C was
        // said to be; it waits, says so, and once the restore has ended it is accepted and current.
        let db = try Self.makeDatabase()
        let parent = try scratch()
        var x = try ExtractFiles.fixture()
        x.setManifest(extractedOn: "2025-07-14")
        let a = try ingest(x, into: db)
        x.setManifest(extractedOn: "2025-07-15")
        let b = try ingest(x, into: db)
        assertAccepted(a)
        assertAccepted(b)
        x.setManifest(extractedOn: "2025-07-16")
        let folder = try x.write(in: parent, name: "c")
        let secret = try secretFile(in: parent)
        let testA = try agencyID(db, "TEST-A")

        /// Runs the CLI while `other` (run first, in a transaction holding TEST-A's snapshot) is under way; the
        /// CLI must be waiting when that transaction commits. Returns its exit status and what it printed.
        func whileAnotherChangeIsUnderWay(
            _ arguments: [String], other: (PostgresConnection) throws -> Void
        ) throws -> (status: Int32, output: String) {
            let log = parent.appendingPathComponent("\(UUID().uuidString).log")
            XCTAssertTrue(FileManager.default.createFile(atPath: log.path, contents: nil))
            let output = try FileHandle(forWritingTo: log)
            defer { try? output.close() }
            let process = Process()
            process.executableURL = outcomesBinary
            process.arguments = arguments + ["--database", db.conninfo]
            process.environment = ProcessInfo.processInfo.environment.merging(
                ["OUTCOMES_SECRET_FILE": secret.path]) { $1 }
            process.standardOutput = output
            process.standardError = output
            try db.withTransaction { connection in
                try AgencyRegistry.lockSnapshot(of: testA, on: connection) { XCTFail("no other change is under way") }
                try other(connection)
                try start(process, untilASessionOf: db, waits: "wait_event = 'advisory'")
                XCTAssertTrue(process.isRunning, "\(arguments[0]) waits for the other change")
            }
            process.waitUntilExit()
            return (process.terminationStatus, try String(contentsOf: log, encoding: .utf8))
        }

        // What `outcomes extracts restore A` does, held open.
        let upload = try whileAnotherChangeIsUnderWay(["ingest", folder.path, "--agency", "TEST-A"]) { other in
            try other.query(
                "INSERT INTO core.snapshot_restore (agency_id, extract_id, reason) VALUES ($1, $2, 'test')",
                [testA, a.extractID])
        }
        XCTAssertEqual(upload.status, 0)
        XCTAssertTrue(
            upload.output.hasPrefix(
                "Another upload or restore for TEST-A is under way; this upload waits for it to end.\n"
                    + "c: accepted as extract "), upload.output)
        let c = try integer(db, "SELECT max(id) FROM core.extract")
        XCTAssertEqual(try integer(db, "SELECT extract_id FROM core.current_extract WHERE agency_id = $1", [testA]), c)

        // The other way round: a restore of B waits for an upload under way (here one that ends up writing
        // nothing), then makes B current in place of C.
        let restore = try whileAnotherChangeIsUnderWay(["extracts", "restore", "\(b.extractID)", "--reason", "test"]) {
            _ in
        }
        XCTAssertEqual(restore.status, 0)
        XCTAssertEqual(
            restore.output,
            "Another upload or restore for TEST-A is under way; the restore waits for it to end.\nExtract \(b.extractID) is again the "
                + "current snapshot of TEST-A, in place of extract \(c). Run `outcomes compute` for the reports to follow.\n"
        )
    }

    func testCLIExitCodesAndReportFile() throws {
        let db = try Self.makeDatabase()
        let parent = try scratch()
        let secret = try secretFile(in: parent)
        let environment = ["OUTCOMES_SECRET_FILE": secret.path]
        var bad = try ExtractFiles.fixture()
        bad.set("goals.csv", record: 3, "status", "done")
        let folder = try bad.write(in: parent, name: "bad")
        let reportFile = parent.appendingPathComponent("report.json")

        // Rejected: 65, every error on stderr, the same in --report.
        let rejected = try runTool(
            outcomesBinary.path,
            ["ingest", folder.path, "--agency", "TEST-A", "--database", db.conninfo, "--report", reportFile.path],
            environment: environment)
        XCTAssertEqual(rejected.status, 65, rejected.output)
        XCTAssertTrue(
            rejected.output.contains(
                "goals.csv, record 3, column status: one of: in_progress, met, discontinued (found \"done\")"),
            rejected.output)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: reportFile)) as? [String: Any]
        XCTAssertEqual(report?["status"] as? String, "rejected")
        XCTAssertEqual((report?["error_count"] as? NSNumber)?.intValue, 1)
        XCTAssertEqual((report?["errors_listed"] as? NSNumber)?.intValue, 1)
        XCTAssertEqual(report?["notes"] as? [String], [], "notes are for accepted extracts")
        XCTAssertEqual(report?["agency_code"] as? String, "TEST-A")
        XCTAssertEqual((report?["sha256"] as? String)?.count, 64)
        let error = (report?["errors"] as? [[String: Any]])?.first
        XCTAssertEqual(error?["file"] as? String, "goals.csv")
        XCTAssertEqual((error?["record"] as? NSNumber)?.intValue, 3)
        XCTAssertEqual(error?["column"] as? String, "status")
        XCTAssertEqual(error?["value"] as? String, "done")
        XCTAssertEqual(error?["expected"] as? String, "one of: in_progress, met, discontinued")

        // Operational failures: neither 0 nor 65.
        let unknownAgency = try runTool(
            outcomesBinary.path, ["ingest", folder.path, "--agency", "NOPE", "--database", db.conninfo],
            environment: environment)
        XCTAssertFalse([0, 65].contains(unknownAgency.status), unknownAgency.output)
        XCTAssertTrue(unknownAgency.output.contains("No agency is registered with the code NOPE"), unknownAgency.output)
        let missing = try runTool(
            outcomesBinary.path,
            ["ingest", parent.appendingPathComponent("nowhere").path, "--agency", "TEST-A", "--database", db.conninfo],
            environment: environment)
        XCTAssertFalse([0, 65].contains(missing.status), missing.output)
        let unreachable = try runTool(
            outcomesBinary.path,
            [
                "ingest", folder.path, "--agency", "TEST-A", "--database",
                "host=\(parent.path) port=1 user=nobody dbname=none",
            ],
            environment: environment)
        XCTAssertFalse([0, 65].contains(unreachable.status), unreachable.output)
        // A --report path whose folder does not exist is refused before anything is ingested (64).
        let nowhere = parent.appendingPathComponent("no-such-folder/report.json").path
        let badReport = try runTool(
            outcomesBinary.path,
            ["ingest", folder.path, "--agency", "TEST-A", "--database", db.conninfo, "--report", nowhere],
            environment: environment)
        XCTAssertEqual(badReport.status, 64, badReport.output)
        XCTAssertTrue(badReport.output.contains("does not exist or cannot be written"), badReport.output)
        // So are a folder, a file inside the extract folder, also when reached through a symbolic link to the
        // folder or when the extract is named through one, or when the report path is a link to a file of the
        // extract (which the write would overwrite) or to one not there yet, and an empty extract path (which
        // would otherwise name the current folder).
        let linkToFolder = parent.appendingPathComponent("link-to-extract")
        try FileManager.default.createSymbolicLink(at: linkToFolder, withDestinationURL: folder)
        let linkToYouth = parent.appendingPathComponent("report-link.json")
        try FileManager.default.createSymbolicLink(atPath: linkToYouth.path, withDestinationPath: "bad/youth.csv")
        let linkToNew = parent.appendingPathComponent("report-new.json")
        try FileManager.default.createSymbolicLink(atPath: linkToNew.path, withDestinationPath: "bad/new.json")
        for (arguments, message) in [
            ([folder.path, "--report", parent.path], "is a folder: give the path of a file to write"),
            (
                [folder.path, "--report", folder.appendingPathComponent("report.json").path],
                "is inside the extract folder"
            ),
            (
                [folder.path, "--report", linkToFolder.appendingPathComponent("report.json").path],
                "is inside the extract folder"
            ),
            (
                [linkToFolder.path, "--report", folder.appendingPathComponent("youth.csv").path],
                "is inside the extract folder"
            ),
            ([folder.path, "--report", linkToYouth.path], "is inside the extract folder"),
            ([folder.path, "--report", linkToNew.path], "is inside the extract folder"),
            ([""], "PATH is empty"),
            ([folder.path, "--report", ""], "--report is empty: give the path of a file to write."),
        ] {
            let refused = try runTool(
                outcomesBinary.path,
                ["ingest"] + arguments + ["--agency", "TEST-A", "--database", db.conninfo], environment: environment)
            XCTAssertEqual(refused.status, 64, refused.output)
            XCTAssertTrue(refused.output.contains(message), refused.output)
        }
        // None of them stored anything but the one rejected upload.
        XCTAssertEqual(try integer(db, "SELECT count(*) FROM core.extract"), 1)

        // A report that cannot be written (a full disk: /dev/full) leaves the upload recorded, with 74. A
        // rejected extract is judged again when sent again, so the message does not say it is recognised.
        let full = try runTool(
            outcomesBinary.path,
            ["ingest", folder.path, "--agency", "TEST-A", "--database", db.conninfo, "--report", "/dev/full"],
            environment: environment)
        XCTAssertEqual(full.status, 74, full.output)
        // (Each rejected upload takes two extract ids: the provisional accepted one, rolled back, and its own.)
        let id = try integer(db, "SELECT max(id) FROM core.extract")
        XCTAssertTrue(
            full.output.contains(
                "bad was recorded as extract \(id) (rejected), but its report could not be written to /dev/full ("),
            full.output)
        XCTAssertTrue(
            full.output.hasSuffix(
                "; ingest it again with another --report path to have the report written (it is judged, and recorded "
                    + "as rejected, again).\n"), full.output)
        XCTAssertEqual(try integer(db, "SELECT count(*) FROM core.extract WHERE status = 'rejected'"), 2)
    }

    func testIdentifierValuesNeverAppearInIssuesOrStoredReports() throws {
        let db = try Self.makeDatabase()
        let long = String(repeating: "K", count: 65)
        var x = try ExtractFiles.fixture()
        x.append(
            "youth.csv",
            "bad key!,,06001,2009-01,male,BLACK,self",  // 4: a space and "!"
            "\(long),,06001,2009-01,male,BLACK,self",  // 5: 65 characters
            "YKé01,,06001,2009-01,male,BLACK,self",  // 6: not A-Z
            "YKq7Zt07,L 999,06001,2009-01,male,BLACK,self",  // 7: invalid linkage_id
            "YK\"77,,06001,2009-01,male,BLACK,self",  // 8: a quote fault in an identifier
            "YKq7Zt02,,06001,2009-01,male,BLACK,self")  // 9: a repeated youth_key
        x.append("events.csv", "SECRETKEY99,arrest,2024-04-03,")  // 4: not in youth.csv
        x.append("goals.csv", "bad key!,G-9,6,2024-02-01,met,2024-06-01")  // 4: invalid here too
        let identifierRule = "1 to 64 characters of A-Z, a-z, 0-9, _ and -"
        let outcome = try ingest(x, into: db)
        assertRejected(
            outcome,
            with: [
                .init("youth.csv", 4, "youth_key", nil, identifierRule),
                .init("youth.csv", 5, "youth_key", nil, identifierRule),
                .init("youth.csv", 6, "youth_key", nil, identifierRule),
                .init("youth.csv", 7, "linkage_id", nil, identifierRule),
                .init("youth.csv", 8, "youth_key", nil, "a value containing a double quote"),
                .init(
                    "youth.csv", 9, "youth_key", nil, "a youth_key used once in youth.csv (record 2 has the same one)"),
                .init("events.csv", 4, "youth_key", nil, "the youth_key of a youth listed in youth.csv"),
                .init("goals.csv", 4, "youth_key", nil, identifierRule),
            ])
        let raw =
            ["bad key!", long, "YKé01", "L 999", "YK\"77", "SECRETKEY99", "YKq7Zt02"] + fixtureYouthKeys
            + fixtureLinkageIDs
        let printed = outcome.issues.listed.map(\.description).joined(separator: "\n")
        let report = try db.withConnection {
            try $0.query("SELECT report::text AS r FROM core.extract WHERE id = $1", [outcome.extractID]).single()
                .decode(String.self, "r")
        }
        for value in raw {
            XCTAssertFalse(printed.contains(value), "\(value) printed")
            XCTAssertFalse(report.contains(value), "\(value) in the stored report")
        }
        XCTAssertEqual(try columnsContaining(db, raw), [], "no raw identifier anywhere in the database")
    }

    func testAnIdentifierInAnotherCellThatAMessageQuotesIsNotShown() throws {
        // Messages about a date or a number quote the cell they compare it with. An agency with numeric or
        // date-like keys can have a key in that cell (columns swapped): it is withheld there too.
        // Youth 3's key becomes 000123456, and its school term (school_terms record 2) says it was enrolled
        // 000123456 days and attended 999999999. Youth 1's linkage_id becomes 2021-03-04, its flag (record
        // 1) is dated 2021-03-04, and its incident 2021-03-05, after it.
        var x = try ExtractFiles.fixture()
        for name in x.files.keys { x[name] = x[name]?.replacingOccurrences(of: "YKq7Zt03", with: "000123456") }
        x.set("school_terms.csv", record: 2, "days_enrolled", "000123456")
        x.set("school_terms.csv", record: 2, "days_attended", "999999999")
        x.set("youth.csv", record: 1, "linkage_id", "2021-03-04")
        x.set("cse_flags.csv", record: 1, "flagged_on", "2021-03-04")
        x.set("cse_flags.csv", record: 1, "incident_on", "2021-03-05")
        let hidden =
            " (a value of another column is not shown: it is one of this extract's youth_key or linkage_id values)"
        let db = try Self.makeDatabase()
        let outcome = try ingest(x, into: db)
        assertRejected(
            outcome,
            with: [
                .init("cse_flags.csv", 1, "incident_on", "2021-03-05", "a date on or before flagged_on (…)" + hidden),
                .init("school_terms.csv", 2, "days_attended", "999999999", "at most days_enrolled (…)" + hidden),
            ])
        let report = try db.withConnection {
            try $0.query("SELECT report::text AS r FROM core.extract WHERE id = $1", [outcome.extractID]).single()
                .decode(String.self, "r")
        }
        for raw in ["000123456", "2021-03-04"] {
            XCTAssertFalse(outcome.issues.listed.map(\.description).joined().contains(raw), raw)
            XCTAssertFalse(report.contains(raw), raw)
        }
    }

    func testIdentifiersReadUnderAnotherColumnOfYouthCSVAreNotShownEvenWhenKnownNowhere() throws {
        // youth.csv's header names gender where the records have linkage_id (and the other way round), in the
        // agency's first upload: the linkage_ids are read as genders, and what is read as linkage_id is a
        // gender, so no linkage_id of the extract is known to look for. The ones shown as refused genders
        // (records 1 and 3) are withheld all the same, being written like one. Record 2 has no linkage_id, so
        // its "gender" is empty. Three new youth (4 to 6) have race_source "selfie": withheld too, however many
        // records have it (a linkage_id may be several youth's); "self-report?" cannot be a key or a name and is
        // shown (record 7).
        var x = try ExtractFiles.fixture()
        x["youth.csv"] = x["youth.csv"]?.replacingOccurrences(
            of: "youth_key,linkage_id,county_fips,birth_month,gender,",
            with: "youth_key,gender,county_fips,birth_month,linkage_id,")
        for key in ["YKq7Zt04", "YKq7Zt05", "YKq7Zt06"] {
            x.append("youth.csv", "\(key),,06001,2010-02,male,BLACK,selfie")
        }
        x.append("youth.csv", "YKq7Zt07,,06001,2010-02,male,BLACK,self-report?")
        let unsure =
            " (the value is not shown: in youth.csv, where the youth's identifiers are, a value written like a "
            + "youth_key, a linkage_id or a name is not shown; check that the columns are in the header's order)"
        let gender = "one of: female, male, transgender_female, transgender_male, nonbinary, another, declined, unknown"
        let required = "a value: this column is required"
        let source = "one of: self, observed, unknown"
        let db = try Self.makeDatabase()
        let outcome = try ingest(x, into: db)
        assertRejected(
            outcome,
            with: [
                .init("youth.csv", 1, "gender", nil, gender + unsure),
                .init("youth.csv", 2, "gender", nil, required),
                .init("youth.csv", 3, "gender", nil, gender + unsure),
                .init("youth.csv", 4, "gender", nil, required),
                .init("youth.csv", 4, "race_source", nil, source + unsure),
                .init("youth.csv", 5, "gender", nil, required),
                .init("youth.csv", 5, "race_source", nil, source + unsure),
                .init("youth.csv", 6, "gender", nil, required),
                .init("youth.csv", 6, "race_source", nil, source + unsure),
                .init("youth.csv", 7, "gender", nil, required),
                .init("youth.csv", 7, "race_source", "self-report?", source),
            ])
        let report = try db.withConnection {
            try $0.query("SELECT report::text AS r FROM core.extract WHERE id = $1", [outcome.extractID]).single()
                .decode(String.self, "r")
        }
        for raw in fixtureLinkageIDs {
            XCTAssertFalse(outcome.issues.listed.map(\.description).joined().contains(raw), raw)
            XCTAssertFalse(report.contains(raw), raw)
        }
    }

    func testAnIdentifierThatBrokeItsRuleIsNotShownInAnotherColumn() throws {
        // An agency keys a new youth by name: youth.csv record 4 has the youth_key "Jane Doe", refused for its
        // space (never shown). events.csv gets a record of youth 2 with the name in the event column (its header
        // swapped): it is refused as no event, and the value is not shown, being, whole and trimmed, that
        // youth_key. (It was shown: only valid identifiers were staged, as keyed hashes, to look values up in.)
        // Record 5 of youth.csv has a key of 200 characters (a name and an address), and so has events.csv's
        // record 5 under event: it is shown cut to 77 characters, which are found whole among the keys (hashed
        // as read, up to 144 characters).
        let long = "Jane Q Doe 1234 Main Street " + String(repeating: "x", count: 172)
        var x = try ExtractFiles.fixture()
        x.append("youth.csv", "Jane Doe,,06001,2008-01,female,WHITE,self", "\(long),,06001,2008-01,female,WHITE,self")
        x.append("events.csv", "YKq7Zt02, Jane Doe ,2024-01-01,", "YKq7Zt02,\(long),2024-01-01,")
        let db = try Self.makeDatabase()
        let outcome = try ingest(x, into: db)
        assertRejected(
            outcome,
            with: [
                .init("youth.csv", 4, "youth_key", nil, "1 to 64 characters of A-Z, a-z, 0-9, _ and -"),
                .init("youth.csv", 5, "youth_key", nil, "1 to 64 characters of A-Z, a-z, 0-9, _ and -"),
                .init(
                    "events.csv", 4, "event", nil,
                    "(the value is not shown: it is one of this extract's youth_key or linkage_id values; check "
                        + "that the columns are in the header's order)"),
                .init(
                    "events.csv", 5, "event", nil,
                    "(the value is not shown: it is one of this extract's youth_key or linkage_id values; check "
                        + "that the columns are in the header's order)"),
            ])
        let report = try db.withConnection {
            try $0.query("SELECT report::text AS r FROM core.extract WHERE id = $1", [outcome.extractID]).single()
                .decode(String.self, "r")
        }
        XCTAssertFalse(report.contains("Jane"), report)
        XCTAssertFalse(report.contains("Main Street"), report)
        XCTAssertFalse(outcome.issues.listed.map(\.description).joined().contains("Jane"))
    }

    func testKeysUnderAnotherColumnAreNotShownWhenYouthCSVIsMissing() throws {
        // A first upload of extract.json and cse_flags.csv only, whose header names flag where the records hold
        // the youth_key: the keys YKq7Zt01 to 03 are read as flags and refused, and are known nowhere (no other
        // file, no snapshot; the youth_key column holds confirmed, suspected, at_risk). Youth 1 has two more
        // flags (records 4 and 5), so its key is refused three times. None is shown, on screen or in the stored
        // report. (They were shown, and then a key in three records was.)
        var x = try ExtractFiles.fixture()
        x.files = x.files.filter { ["extract.json", "cse_flags.csv"].contains($0.key) }
        x["cse_flags.csv"] = x["cse_flags.csv"]?.replacingOccurrences(of: "youth_key,flag,", with: "flag,youth_key,")
        x.append("cse_flags.csv", "YKq7Zt01,at_risk,2024-04-01,other,,,,", "YKq7Zt01,at_risk,2024-05-01,other,,,,")
        let note =
            "(the value is not shown: youth.csv was not read in full, so the youth's identifiers are not all known; "
            + "correct youth.csv first)"
        let db = try Self.makeDatabase()
        let outcome = try ingest(x, into: db)
        assertRejected(
            outcome,
            with: [
                .init("youth.csv", nil, nil, nil, "this required file in the extract (it is missing)"),
                .init("cse_flags.csv", 1, "flag", nil, note),
                .init("cse_flags.csv", 2, "flag", nil, note),
                .init("cse_flags.csv", 3, "flag", nil, note),
                .init("cse_flags.csv", 4, "flag", nil, note),
                .init("cse_flags.csv", 5, "flag", nil, note),
            ])
        let report = try db.withConnection {
            try $0.query("SELECT report::text AS r FROM core.extract WHERE id = $1", [outcome.extractID]).single()
                .decode(String.self, "r")
        }
        for key in ["YKq7Zt01", "YKq7Zt02", "YKq7Zt03"] {
            XCTAssertFalse(report.contains(key), report)
            XCTAssertFalse(outcome.issues.listed.map(\.description).joined().contains(key), key)
        }
    }

    func testNoRowWrittenDuringAnIngestHoldsAnIdentifierNotScreened() throws {
        // Rows rolled back are written to disk all the same (the table's file, the write-ahead log), so no row
        // an ingest writes, even for a moment, may hold what the report screens. A trigger copies the report of
        // every extract row inserted to a file of its own, which a rollback does not undo. The upload has a file
        // named after youth 1's key (a problem known before the records are checked, so the provisional row is
        // rejected from the start): neither row may name it. (The provisional row held the report unscreened.)
        let db = try Self.makeDatabase()
        let spies = try TestCluster.shared.cluster.dataDirectory.appendingPathComponent("spy-\(UUID().uuidString)")
        try db.withConnection { c in
            try c.execute(
                script: """
                    CREATE FUNCTION public.spy_report() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
                    BEGIN
                        EXECUTE format('COPY (SELECT %L::text) TO %L', coalesce(NEW.report::text, ''),
                                       '\(spies.path)-' || NEW.id || '.txt');
                        RETURN NULL;
                    END
                    $$;
                    CREATE TRIGGER spy AFTER INSERT ON core.extract FOR EACH ROW EXECUTE FUNCTION public.spy_report();
                    """)
        }
        var x = try ExtractFiles.fixture()
        x["YKq7Zt01.txt"] = "notes\n"
        let outcome = try ingest(x, into: db)
        XCTAssertEqual(outcome.status, .rejected)
        let folder = spies.deletingLastPathComponent()
        let written = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasPrefix(spies.lastPathComponent)
        }
        XCTAssertEqual(written.count, 2, "the provisional row and the rejected one")
        for name in written {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            XCTAssertFalse(text.contains("YKq7Zt01"), text)
            try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }

    func testNoStatementOfAnIngestHoldsAValueOfTheExtract() throws {
        // The server logs a statement's text when it fails (a cancelled ingest, a lost client), so no statement
        // an ingest runs may have a value of the extract written into it. auto_explain logs the text of every
        // statement the test database runs, nested ones too; the upload's youth.csv has the refused genders
        // "ZQSECRETA1" and "ZQSECRETB2" (written like keys). Neither may be in the log, whose statements are
        // there. (validate.sql wrote every failing value into the statement that lists their records.)
        let db = try Self.makeDatabase()
        let name = try db.withConnection {
            try $0.query("SELECT current_database()").single().decode(String.self, at: 0)
        }
        try db.withConnection { c in
            try c.execute(
                script: """
                    ALTER DATABASE "\(name)" SET session_preload_libraries = 'auto_explain';
                    ALTER DATABASE "\(name)" SET auto_explain.log_min_duration = 0;
                    ALTER DATABASE "\(name)" SET auto_explain.log_nested_statements = on;
                    """)
        }
        var x = try ExtractFiles.fixture()
        x.set("youth.csv", record: 1, "gender", "ZQSECRETA1")
        x.set("youth.csv", record: 2, "gender", "ZQSECRETB2")
        let outcome = try ingest(x, into: db)
        XCTAssertEqual(outcome.issues.total, 2)
        let log = try String(contentsOf: try TestCluster.shared.cluster.logFile, encoding: .utf8)
        XCTAssertTrue(log.contains("INSERT INTO pg_temp.ingest_issue"), "the listing statement is logged")
        // Nor the fixture's raw keys and linkage_ids, which are staged only as keyed hashes.
        for raw in ["ZQSECRET", "YKq7Zt0", "LZw9Px0"] {
            XCTAssertFalse(log.contains(raw), "\(raw): a value of the extract is in a statement's text")
        }
    }

    func testNoValueOfAnotherFileIsShownWhenYouthCSVWasNotReadInFull() throws {
        // youth.csv's record 4 has a field too many, so it is left out, and its linkage_id LNK55555555 is known
        // nowhere. cse_flags.csv's new record 4 lists it inside exploitation_types ("online;LNK55555555", no
        // name): not shown, as no refused value of another file is when youth.csv was not read in full. (It was
        // shown: only values written like a key or a name were withheld.)
        var x = try ExtractFiles.fixture()
        x.append("youth.csv", "YNEW0001,LNK55555555,06001,2006-10,female,ASIAN,self,x")
        x.append("cse_flags.csv", "YKq7Zt01,confirmed,2024-02-25,cse_it,online;LNK55555555,,,")
        let outcome = try ingest(x, into: try Self.makeDatabase())
        assertRejected(
            outcome,
            with: [
                .init("youth.csv", 4, nil, nil, "7 fields as in the header (found 8)"),
                .init(
                    "cse_flags.csv", 4, "exploitation_types", nil,
                    "(the value is not shown: youth.csv was not read in full, so the youth's identifiers are not all "
                        + "known; correct youth.csv first)"),
            ])
        XCTAssertFalse(outcome.issues.listed.map(\.description).joined().contains("LNK5"))
    }

    func testTheUploadsNameIsScreenedWithTheKeysOfEveryFile() throws {
        // A first upload without youth.csv, in a folder named after youth 1's key, which the other files hold:
        // the name is not shown nor stored. (It was screened with youth.csv's keys and the snapshot's only.)
        let db = try Self.makeDatabase()
        var x = try ExtractFiles.fixture()
        x["youth.csv"] = nil
        let folder = try x.write(in: try scratch(), name: "YKq7Zt01")
        let outcome = try ingestor(db).ingest(path: folder.path, agencyCode: "TEST-A")
        XCTAssertEqual(outcome.status, .rejected)
        XCTAssertEqual(outcome.source, "(a name that holds a youth_key or linkage_id value: not shown)")
        XCTAssertEqual(
            try string(db, "SELECT source_name FROM core.extract WHERE id = $1", [outcome.extractID]), outcome.source)
    }

    func testNamesFromTheUploadThatHoldAnIdentifierAreNotShown() throws {
        // A file named after a youth_key, and a field of extract.json named after another: both are this
        // extract's keys (youth.csv lists them), so neither name is shown. A field name of 5,000 characters
        // is cut like a value.
        let withheld = "(a name that holds a youth_key or linkage_id value: not shown)"
        var x = try ExtractFiles.fixture()
        x["YKq7Zt01.csv"] = "notes\n"
        x["extract.json"] =
            #"{"format_version": 1, "agency_code": "TEST-A", "extracted_on": "2025-07-15", "LZw9Px03": 1, "#
            + "\"" + String(repeating: "f", count: 5000) + "\": 2}"
        let outcome = try ingest(x, into: try Self.makeDatabase())
        XCTAssertEqual(outcome.status, .rejected)
        let found = outcome.issues.listed.map { [$0.file, $0.column ?? "-"] }
        XCTAssertEqual(
            Set(found),
            [[withheld, "-"], ["extract.json", withheld], ["extract.json", String(repeating: "f", count: 77) + "…"]])
        XCTAssertFalse(outcome.issues.listed.map(\.description).joined().contains("YKq7Zt01"))
        XCTAssertFalse(outcome.issues.listed.map(\.description).joined().contains("LZw9Px03"))

        // The upload's own name (a folder named after a youth_key) is neither shown nor stored, accepted or not.
        let db = try Self.makeDatabase()
        let folder = try ExtractFiles.fixture().write(in: try scratch(), name: "YKq7Zt02-extract")
        let accepted = try ingestor(db).ingest(path: folder.path, agencyCode: "TEST-A")
        assertAccepted(accepted)
        XCTAssertEqual(accepted.source, withheld)
        XCTAssertEqual(try columnsContaining(db, ["YKq7Zt02"]), [])

        // With numeric keys (7 for YKq7Zt01), a header position "#7" and the format's own names are no names
        // from the upload: an empty 7th header cell of goals.csv is told at "#7".
        var numeric = try ExtractFiles.fixture()
        for name in numeric.files.keys {
            numeric[name] = numeric[name]?.replacingOccurrences(of: "YKq7Zt01", with: "7")
        }
        numeric.setLines("goals.csv", numeric.lines("goals.csv").map { $0 + "," })
        assertRejected(
            try ingest(numeric, into: db),
            with: [.init("goals.csv", 0, "#7", nil, "a column name (this header cell is empty")])
    }

    func testIdentifiersUnderAMislabelledHeaderAreNotShown() throws {
        let db = try Self.makeDatabase()
        let stored = { (id: Int64) in
            try db.withConnection {
                try $0.query("SELECT report::text AS r FROM core.extract WHERE id = $1", [id]).single()
                    .decode(String.self, "r")
            }
        }
        let withheld =
            " (the value is not shown: it is one of this extract's youth_key or linkage_id values; "
            + "check that the columns are in the header's order)"
        let genders =
            "one of: female, male, transgender_female, transgender_male, nonbinary, another, declined, unknown"

        // 1. youth.csv's header names its first three columns in the wrong order: its youth keys are read as
        // county codes. The other files list the same keys under youth_key, so they are this extract's own
        // identifiers and are not shown. The county "keys" 06001, 06075, 06001 repeat (record 3), and every
        // record of the eight other files names a youth youth.csv no longer lists: 2 absences + 6 assessments
        // + 3 flags + 3 events + 3 goals + 3 placements + 2 school terms + 2 stages = 24.
        var swapped = try ExtractFiles.fixture()
        swapped.replace(
            "youth.csv", record: 0,
            with: "county_fips,linkage_id,youth_key,birth_month,gender,race_ethnicity,race_source")
        // A tab before the first key (shown as U+FFFD) and 80 spaces after the second (the value shown is cut
        // to 77 characters and "…") must not let the keys through.
        swapped.set("youth.csv", record: 1, "county_fips", "\tYKq7Zt01")
        swapped.set("youth.csv", record: 2, "county_fips", "YKq7Zt02" + String(repeating: " ", count: 80))
        let first = try ingest(swapped, into: db)
        XCTAssertEqual(first.status, .rejected)
        XCTAssertEqual(first.issues.total, 3 + 1 + 24)
        let counties = first.issues.listed.filter { $0.column == "county_fips" }
        XCTAssertEqual(counties.map(\.record), [1, 2, 3])
        for issue in counties {
            XCTAssertNil(issue.value, issue.description)
            XCTAssertTrue(issue.expected.hasSuffix(withheld), issue.description)
        }

        // 2. Only youth.csv is mislabelled (linkage_id and gender swapped) and no other column holds a linkage
        // id: found among the hashes of the agency's current snapshot, they are not shown either.
        assertAccepted(try ingest(try .fixture(), into: db))
        var relabelled = try ExtractFiles.fixture()
        relabelled.setManifest(extractedOn: "2025-08-15")
        relabelled.replace(
            "youth.csv", record: 0,
            with: "youth_key,gender,county_fips,birth_month,linkage_id,race_ethnicity,race_source")
        let second = try ingest(relabelled, into: db)
        assertRejected(
            second,
            with: [
                .init("youth.csv", 1, "gender", nil, genders + withheld),
                .init("youth.csv", 2, "gender", nil, "a value: this column is required"),
                .init("youth.csv", 3, "gender", nil, genders + withheld),
            ])

        let raw = fixtureYouthKeys + fixtureLinkageIDs
        for outcome in [first, second] {
            let printed = outcome.issues.listed.map(\.description).joined(separator: "\n")
            let report = try stored(outcome.extractID)
            for value in raw {
                XCTAssertFalse(printed.contains(value), "\(value) printed")
                XCTAssertFalse(report.contains(value), "\(value) in the stored report")
            }
        }
        XCTAssertEqual(try columnsContaining(db, raw), [], "no raw identifier anywhere in the database")
    }
}
