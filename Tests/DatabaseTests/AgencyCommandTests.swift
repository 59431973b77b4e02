import Foundation
import Ingest
import OutcomesStore
import PostgresClient
import TestSupport
import XCTest

/// `outcomes agency add | counties | list` through the program itself: what the state team sees,
/// the exit status of each mistake, and what a change of counties does to the next upload.
final class AgencyCommandTests: IngestTestCase {
    private func agency(_ db: Database, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try runTool(outcomesBinary.path, ["agency"] + arguments + ["--database", db.conninfo])
    }

    private func assertRefused(
        _ db: Database, _ arguments: [String], saying message: String, file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        let result = try agency(db, arguments)
        XCTAssertEqual(result.status, 64, result.output, file: file, line: line)
        XCTAssertTrue(result.output.contains(message), result.output, file: file, line: line)
    }

    func testMistakesInARegistrationAreUsageErrorsThatChangeNothing() throws {
        let db = try Self.makeDatabase()
        let before = try tableCounts(db)
        let add = ["add", "--name", "Alameda County Social Services"]
        try assertRefused(
            db, add + ["--code", "la dcfs", "--county", "06001"],
            saying: "The agency code 'LA DCFS' is not valid: use 1–32 capital letters, digits, '-' or '_', "
                + "starting with a letter or digit (e.g. LA-DCFS).")
        try assertRefused(
            db, add + ["--code=-LA", "--county", "06001"], saying: "The agency code '-LA' is not valid")
        // 33 characters: one more than a code may have.
        try assertRefused(
            db, add + ["--code", String(repeating: "A", count: 33), "--county", "06001"],
            saying: "is not valid: use 1–32 capital letters")
        try assertRefused(
            db, ["add", "--code", "ALAMEDA-SSA", "--name", "  ", "--county", "06001"],
            saying: "Give the agency's name with --name (it is blank).")
        try assertRefused(
            db, ["add", "--code", "ALAMEDA-SSA", "--name", "Alameda\tSSA", "--county", "06001"],
            saying: "The agency name must be one line of text, without tabs or other control characters.")
        try assertRefused(
            db, add + ["--code", "ALAMEDA-SSA", "--county", "6001"],
            saying: "The county '6001' is not a five-digit FIPS code: use California's codes 06001 to 06115, "
                + "e.g. --county 06037 for Los Angeles")
        // Given twice: this used to reach the database and be reported as "already registered".
        try assertRefused(
            db, add + ["--code", "ALAMEDA-SSA", "--county", "06001", "--county", "06001"],
            saying: "The county 06001 is given twice; give each county once.")
        // Five digits but no California county (06 is the state; 06999 is no county of it).
        try assertRefused(
            db, add + ["--code", "ALAMEDA-SSA", "--county", "06001", "--county", "06999"],
            saying: "Unknown county FIPS code 06999: use California's five-digit codes 06001 to 06115")
        try assertRefused(
            db, add + ["--code", "test-a", "--county", "06037"],
            saying: "An agency with the code TEST-A is already registered. Change its counties with "
                + "`outcomes agency counties --code TEST-A --add FIPS` (or --remove FIPS).")
        XCTAssertEqual(try tableCounts(db), before, "no refused registration changed anything")

        let added = try agency(db, add + ["--code", "alameda-ssa", "--county", "06001"])
        XCTAssertEqual(added.status, 0, added.output)
        XCTAssertEqual(added.output, "Registered ALAMEDA-SSA for 1 county.\n")
        let listed = try agency(db, ["list"])
        XCTAssertEqual(
            listed.output,
            """
            ALAMEDA-SSA\tAlameda County Social Services\t06001
            TEST-A\tTest agency A\t06001,06075
            TEST-B\tTest agency B\t06001,06075

            """)
    }

    func testChangingCountiesAppliesToTheNextUpload() throws {
        let db = try Self.makeDatabase()
        let testA = try agencyID(db, "TEST-A")
        let first = try ingest(try .fixture(), into: db)
        assertAccepted(first)

        // The fixture's second youth lives in San Francisco (06075).
        let removed = try agency(db, ["counties", "--code", "test-a", "--remove", "06075", "--add", "06037"])
        XCTAssertEqual(removed.status, 0, removed.output)
        XCTAssertEqual(removed.output, "TEST-A reports for 06001, 06037.\n")
        XCTAssertEqual(
            try integer(
                db, "SELECT count(*) FROM core.current_extract WHERE agency_id = $1 AND extract_id = $2",
                [testA, first.extractID]), 1, "the accepted extract stays current")
        var next = try ExtractFiles.fixture()
        next.setManifest(extractedOn: "2025-08-15")
        assertRejected(
            try ingest(next, into: db),
            with: [
                .init(
                    "youth.csv", 2, "county_fips", nil,
                    "a county your agency is registered to report for (06001, 06037)")
            ])

        // Adding a county it already has is no error; adding San Francisco back lets the upload in.
        let restored = try agency(db, ["counties", "--code", "TEST-A", "--add", "06075", "--add", "06001"])
        XCTAssertEqual(restored.output, "TEST-A reports for 06001, 06037, 06075.\n")
        assertAccepted(try ingest(next, into: db))
        XCTAssertEqual(
            try string(
                db,
                "SELECT string_agg(county_fips, ',' ORDER BY county_fips) FROM core.agency_county "
                    + "WHERE agency_id = $1", [try agencyID(db, "TEST-B")]),
            "06001,06075", "the other agency is untouched")
    }

    func testCountyChangesThatCannotBeMade() throws {
        let db = try Self.makeDatabase()
        let before = try tableCounts(db)
        try assertRefused(
            db, ["counties", "--code", "TEST-A"],
            saying: "Give at least one --add or --remove FIPS code (e.g. --add 06037).")
        try assertRefused(
            db, ["counties", "--code", "TEST-A", "--add", "06037", "--remove", "06037"],
            saying: "The county 06037 is given twice; give each county once.")
        try assertRefused(
            db, ["counties", "--code", "NOBODY", "--add", "06037"],
            saying:
                "No agency is registered with the code NOBODY. Check the code (see outcomes agency list), or have the state team register it"
        )
        try assertRefused(
            db, ["counties", "--code", "TEST-A", "--add", "06999"], saying: "Unknown county FIPS code 06999")
        try assertRefused(
            db, ["counties", "--code", "TEST-A", "--remove", "06001", "--remove", "06075"],
            saying: "TEST-A would be left with no county to report for; it must keep at least one.")
        XCTAssertEqual(try tableCounts(db), before, "no refused change changed anything")
        XCTAssertEqual(
            try string(
                db,
                "SELECT string_agg(county_fips, ',' ORDER BY county_fips) FROM core.agency_county "
                    + "WHERE agency_id = $1", [try agencyID(db, "TEST-A")]),
            "06001,06075")
    }

    func testTwoCountyChangesAtOnceCannotLeaveAnAgencyWithNone() throws {
        let db = try Self.makeDatabase()
        let testA = try agencyID(db, "TEST-A")
        let log = try scratch().appendingPathComponent("counties.log")
        XCTAssertTrue(FileManager.default.createFile(atPath: log.path, contents: nil))
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }
        let process = Process()
        try db.withTransaction { other in
            // Another change is under way and not yet committed: what `agency counties --remove 06001` does.
            try other.query("SELECT FROM core.agency WHERE id = $1 FOR NO KEY UPDATE", [testA])
            try other.query("DELETE FROM core.agency_county WHERE agency_id = $1 AND county_fips = '06001'", [testA])
            // Meanwhile the other county is removed. Without waiting for the first change, this one would
            // still see 06001 and both would commit, leaving TEST-A no county at all.
            process.executableURL = outcomesBinary
            process.arguments = [
                "agency", "counties", "--code", "TEST-A", "--remove", "06075", "--database", db.conninfo,
            ]
            process.standardOutput = output
            process.standardError = output
            try start(process, untilASessionOf: db, waits: "wait_event_type = 'Lock'")
            XCTAssertTrue(process.isRunning, "the second change waits for the first")
        }
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 64)
        XCTAssertEqual(
            try String(contentsOf: log, encoding: .utf8),
            "outcomes: TEST-A would be left with no county to report for; it must keep at least one.\n")
        XCTAssertEqual(
            try string(db, "SELECT string_agg(county_fips, ',') FROM core.agency_county WHERE agency_id = $1", [testA]),
            "06075")
    }
}
