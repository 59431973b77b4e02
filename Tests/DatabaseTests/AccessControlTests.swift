import Foundation
import Indicators
import Ingest
import OutcomesStore
import PostgresClient
import TestSupport
import XCTest

/// Access control in PostgreSQL (SQL/migrations/0002_records.sql): an ingest session acts
/// for one agency and row-level security confines it to that agency's rows; the analyst
/// role cannot read record-level data at all, only published results.
final class AccessControlTests: IngestTestCase {
    private struct Setup {
        var db: Database
        var a: Int
        var b: Int
        var extractA: Int64
        var extractB: Int64
    }

    /// TEST-A and TEST-B each with an accepted extract (the valid fixture).
    private func twoAgencies() throws -> Setup {
        let db = try Self.makeDatabase()
        let outcomeA = try ingest(try .fixture(), into: db, agency: "TEST-A")
        assertAccepted(outcomeA)
        var other = try ExtractFiles.fixture()
        other.setManifest(agency: "TEST-B")
        let outcomeB = try ingest(other, into: db, agency: "TEST-B")
        assertAccepted(outcomeB)
        return Setup(
            db: db, a: try agencyID(db, "TEST-A"), b: try agencyID(db, "TEST-B"), extractA: outcomeA.extractID,
            extractB: outcomeB.extractID)
    }

    /// A connection acting as outcomes_ingest for `agency` (as the Ingestor sets it up).
    private func asIngest<T>(_ db: Database, agency: Int?, _ body: (PostgresConnection) throws -> T) throws -> T {
        try db.withConnection(as: .ingest) { connection in
            if let agency {
                try connection.query("SELECT set_config('outcomes.agency_id', $1, false)", [String(agency)])
            }
            return try body(connection)
        }
    }

    private func assertDenied(
        _ message: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
    ) {
        XCTAssertThrowsError(try body(), message, file: file, line: line) { error in
            XCTAssertEqual(
                (error as? PostgresError)?.sqlState, PostgresError.insufficientPrivilege, "\(message): \(error)",
                file: file, line: line)
        }
    }

    func testIngestSessionSeesOnlyItsAgencysRows() throws {
        let s = try twoAgencies()
        for table in recordTables + ["extract", "agency_county"] {
            let owner = try integer(s.db, "SELECT count(*) FROM core.\(table) WHERE agency_id = $1", [s.a])
            XCTAssertGreaterThan(owner, 0, table)
            XCTAssertGreaterThan(
                try integer(s.db, "SELECT count(*) FROM core.\(table) WHERE agency_id = $1", [s.b]), 0, table)
            try asIngest(s.db, agency: s.a) { c in
                let row = try c.query(
                    "SELECT count(*) AS n, count(*) FILTER (WHERE agency_id <> $1) AS others FROM core.\(table)", [s.a]
                ).single()
                XCTAssertEqual(try row.decode(Int.self, "n"), owner, "\(table): all of A's rows")
                XCTAssertEqual(try row.decode(Int.self, "others"), 0, "\(table): none of B's")
            }
        }
        try asIngest(s.db, agency: s.a) { c in
            XCTAssertEqual(
                try c.query("SELECT code FROM core.agency").rows.map { try $0.decode(String.self, "code") }, ["TEST-A"])
            XCTAssertEqual(
                try c.query("SELECT extract_id FROM core.current_extract").rows.map {
                    try $0.decode(Int64.self, "extract_id")
                },
                [s.extractA])
        }
        // A session that has not said which agency it acts for sees nothing.
        try asIngest(s.db, agency: nil) { c in
            for table in recordTables + ["extract", "agency", "agency_county"] {
                XCTAssertEqual(
                    try c.query("SELECT count(*) FROM core.\(table)").single().decode(Int.self, at: 0), 0, table)
            }
        }
    }

    func testIngestSessionCannotWriteAnotherAgencysRows() throws {
        let s = try twoAgencies()
        try asIngest(s.db, agency: s.a) { c in
            // INSERT with B's agency_id: row-level security refuses the new row.
            XCTAssertThrowsError(
                try c.query(
                    """
                    INSERT INTO core.youth (extract_id, agency_id, rec, youth_hash, county_fips, birth_month, gender,
                                            race_categories, race_source)
                    VALUES ($1, $2, 99, 'x', '06001', '2009-01-01', 'male', '{BLACK}', 'self')
                    """, [s.extractB, s.b])
            ) { error in
                let error = error as? PostgresError
                XCTAssertEqual(error?.sqlState, PostgresError.insufficientPrivilege)
                XCTAssertTrue(
                    error?.message.contains("new row violates row-level security policy") ?? false,
                    "\(String(describing: error))")
            }
            assertDenied("an extract row for B") {
                try c.query(
                    "INSERT INTO core.extract (agency_id, sha256, status, source_name) VALUES ($1, repeat('a', 64), 'rejected', 'x')",
                    [s.b])
            }
            assertDenied("a goal for B") {
                try c.query(
                    """
                    INSERT INTO core.goal (extract_id, agency_id, rec, youth_hash, goal_id, domain, set_on, status, status_on)
                    VALUES ($1, $2, 99, 'x', 'G', 1, '2024-01-01', 'met', '2024-01-01')
                    """, [s.extractB, s.b])
            }
            // No UPDATE or DELETE at all, not even of its own rows; B's rows are not even visible.
            for table in recordTables + ["extract"] {
                assertDenied("UPDATE \(table)") { try c.query("UPDATE core.\(table) SET agency_id = agency_id") }
                assertDenied("DELETE \(table)") { try c.query("DELETE FROM core.\(table) WHERE agency_id = $1", [s.b]) }
            }
            assertDenied("TRUNCATE") { try c.query("TRUNCATE core.youth") }
            assertDenied("register an agency") {
                try c.query("INSERT INTO core.agency (code, name) VALUES ('TEST-C', 'C')")
            }
        }
        // Nothing changed for B.
        XCTAssertEqual(try integer(s.db, "SELECT count(*) FROM core.youth WHERE agency_id = $1", [s.b]), 3)
        XCTAssertEqual(try integer(s.db, "SELECT count(*) FROM core.extract WHERE agency_id = $1", [s.b]), 1)
    }

    func testIngestSessionCanWriteItsOwnAgencysRows() throws {
        // The control case of the test above: the same INSERT for its own agency, under the extract the
        // session is writing (outcomes.extract_id, as the Ingestor sets it), passes the policy.
        let s = try twoAgencies()
        try asIngest(s.db, agency: s.a) { c in
            try c.query("BEGIN")
            try c.query("SELECT set_config('outcomes.extract_id', $1, true)", [String(s.extractA)])
            try c.query(
                """
                INSERT INTO core.youth (extract_id, agency_id, rec, youth_hash, county_fips, birth_month, gender,
                                        race_categories, race_source)
                VALUES ($1, $2, 99, 'x', '06001', '2009-01-01', 'male', '{BLACK}', 'self')
                """, [s.extractA, s.a])
            XCTAssertEqual(try c.query("SELECT count(*) FROM core.youth").single().decode(Int.self, at: 0), 4)
            try c.query("ROLLBACK")
        }
    }

    func testIngestSessionCannotRegisterCountiesForItsOwnAgency() throws {
        // The counties an agency may report for are set by the owner (`outcomes agency add`); an ingest
        // session that could add one would get past the county rule of validate.sql.
        let s = try twoAgencies()
        // Closed by 0005_ingest_hardening.sql (REVOKE INSERT ON core.agency_county).
        try asIngest(s.db, agency: s.a) { c in
            assertDenied("add Los Angeles to A's counties") {
                try c.query("INSERT INTO core.agency_county (agency_id, county_fips) VALUES ($1, '06037')", [s.a])
            }
        }
        XCTAssertEqual(try integer(s.db, "SELECT count(*) FROM core.agency_county WHERE agency_id = $1", [s.a]), 2)
    }

    func testIngestSessionCannotFileRowsUnderAnotherAgencysExtract() throws {
        // Row-level security checks agency_id; the extract a row belongs to must be of the same agency,
        // or A could add rows to B's current snapshot.
        let s = try twoAgencies()
        // Closed by the policy's WITH CHECK (0006_record_references.sql): extract_id must be one of the
        // session agency's extracts.
        try asIngest(s.db, agency: s.a) { c in
            XCTAssertThrowsError(
                try c.query(
                    """
                    INSERT INTO core.youth (extract_id, agency_id, rec, youth_hash, county_fips, birth_month, gender,
                                            race_categories, race_source)
                    VALUES ($1, $2, 99, 'x', '06001', '2009-01-01', 'male', '{BLACK}', 'self')
                    """, [s.extractB, s.a]), "A's row in B's extract")
        }
        XCTAssertEqual(try integer(s.db, "SELECT count(*) FROM core.youth WHERE extract_id = $1", [s.extractB]), 3)
    }

    func testIngestSessionWritesOnlyUnderTheExtractItIsWriting() throws {
        // A's second accepted extract is being written (outcomes.extract_id); its first is history, and a row
        // under it (a score too) is refused, as is a row with no extract named. (0017: it was enough that the
        // extract was the agency's, so a mistaken query could add a youth to an earlier snapshot.)
        let s = try twoAgencies()
        var second = try ExtractFiles.fixture()
        second.set("youth.csv", record: 1, "gender", "male")
        let later = try ingest(second, into: s.db, agency: "TEST-A")
        assertAccepted(later)
        let youth = """
            INSERT INTO core.youth (extract_id, agency_id, rec, youth_hash, county_fips, birth_month, gender,
                                    race_categories, race_source)
            VALUES ($1, $2, 99, 'x', '06001', '2009-01-01', 'male', '{BLACK}', 'self')
            """
        let score =
            "INSERT INTO core.assessment_score (extract_id, agency_id, youth_hash, instrument, administered_on, items) "
            + "VALUES ($1, $2, 'x', 'MSPSS', '2024-01-01', 1)"
        try asIngest(s.db, agency: s.a) { c in
            XCTAssertThrowsError(try c.query(youth, [later.extractID, s.a]), "no extract named")
            try c.query("SELECT set_config('outcomes.extract_id', $1, false)", [String(later.extractID)])
            for statement in [youth, score] {
                XCTAssertThrowsError(try c.query(statement, [s.extractA, s.a]), "under the earlier extract") { error in
                    XCTAssertEqual((error as? PostgresError)?.sqlState, PostgresError.insufficientPrivilege, "\(error)")
                }
            }
            try c.query("BEGIN")
            try c.query(youth, [later.extractID, s.a])
            try c.query(score, [later.extractID, s.a])
            try c.query("ROLLBACK")
        }
        XCTAssertEqual(try integer(s.db, "SELECT count(*) FROM core.youth WHERE extract_id = $1", [s.extractA]), 3)
        XCTAssertEqual(try integer(s.db, "SELECT count(*) FROM core.youth WHERE youth_hash = 'x'"), 0)
    }

    /// The person index (0010_person_index.sql) is record-level data that only computations read.
    func testOnlyTheComputeRoleReadsThePersonIndex() throws {
        let s = try twoAgencies()
        try IndicatorEngine(database: s.db, sqlDirectory: TestCluster.checkout.appendingPathComponent("SQL"))
            .refreshPersonIndex()
        let tables = try s.db.withConnection { c in
            try c.query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'person_index' ORDER BY 1"
            ).rows.map { try $0.decode(String.self, at: 0) }
        }
        // Every table of the schema, so that one added later is covered too.
        XCTAssertEqual(
            tables,
            [
                "absence", "assessment", "event", "flag", "goal", "person", "placement", "record", "school_term",
                "stage_of_change", "state",
            ])
        for table in tables {
            try asIngest(s.db, agency: s.a) { c in
                assertDenied("ingest reads person_index.\(table)") {
                    try c.query("SELECT count(*) FROM person_index.\(table)")
                }
            }
            try s.db.withConnection(as: .analyst) { c in
                assertDenied("analyst reads person_index.\(table)") {
                    try c.query("SELECT count(*) FROM person_index.\(table)")
                }
            }
        }
        // The compute role reads it: the valid fixture's 3 youths in each agency's extract, 6 records.
        try s.db.withConnection(as: .compute) { c in
            XCTAssertEqual(try c.query("SELECT count(*) FROM person_index.record").single().decode(Int.self, at: 0), 6)
        }
    }

    func testRestoresAreSeenLikeExtractsAndMadeOnlyByTheOwner() throws {
        let s = try twoAgencies()
        // B uploads a newer snapshot (other bytes: another extract date), then the owner restores B's
        // first one, as `outcomes extracts restore` does.
        var newer = try ExtractFiles.fixture()
        newer.setManifest(agency: "TEST-B", extractedOn: "2025-08-15")
        let b2 = try ingest(newer, into: s.db, agency: "TEST-B")
        assertAccepted(b2)
        XCTAssertEqual(
            try Snapshots(database: s.db).restore(extractID: s.extractB, reason: "sent in error"),
            .restored(agencyCode: "TEST-B", replacing: b2.extractID))
        try asIngest(s.db, agency: s.a) { c in
            XCTAssertEqual(
                try c.query("SELECT count(*) FROM core.snapshot_restore").single().decode(Int.self, at: 0), 0)
            assertDenied("an ingest session restores its own snapshot") {
                try c.query(
                    "INSERT INTO core.snapshot_restore (agency_id, extract_id, reason) VALUES ($1, $2, 'x')",
                    [s.a, s.extractA])
            }
        }
        try asIngest(s.db, agency: s.b) { c in
            XCTAssertEqual(
                try c.query("SELECT count(*) FROM core.snapshot_restore").single().decode(Int.self, at: 0), 1)
            XCTAssertEqual(
                try c.query("SELECT extract_id FROM core.current_extract").single().decode(Int64.self, at: 0),
                s.extractB, "B's first extract is current again")
        }
    }

    func testTheRegisterRoleReadsWhoUploadedWhatAndNoRecord() throws {
        // The lists of agencies and uploads read as outcomes_register (0018): two agencies with two counties
        // each, their two accepted extracts (both current); not the uploads' error reports, which quote the
        // agencies' cells, nor any record, and it writes nothing.
        let s = try twoAgencies()
        try s.db.withConnection(as: .register) { c in
            func count(_ sql: String) throws -> Int { try c.query(sql).single().decode(Int.self, at: 0) }
            XCTAssertEqual(try count("SELECT count(*) FROM core.agency"), 2)
            XCTAssertEqual(try count("SELECT count(*) FROM core.agency_county"), 4)
            XCTAssertEqual(try count("SELECT count(*) FROM core.current_extract"), 2)
            XCTAssertEqual(try count("SELECT count(*) FROM core.snapshot_restore"), 0)
            XCTAssertEqual(
                try count("SELECT count(*) FROM core.extract WHERE status = 'accepted' AND error_count = 0"), 2)
            assertDenied("register reads the error reports") { try c.query("SELECT report FROM core.extract") }
            for table in recordTables + ["assessment_score"] {
                assertDenied("register reads core.\(table)") { try c.query("SELECT count(*) FROM core.\(table)") }
            }
            assertDenied("register reads the person index") { try c.query("SELECT count(*) FROM person_index.person") }
            assertDenied("register reads computed cells") { try c.query("SELECT count(*) FROM result.cell") }
            assertDenied("register registers an agency") {
                try c.query("INSERT INTO core.agency (code, name) VALUES ('X', 'X')")
            }
        }
        // The lists themselves, through the program's own calls.
        XCTAssertEqual(try AgencyRegistry(database: s.db).list().map(\.code), ["TEST-A", "TEST-B"])
    }

    func testAnalystCannotReadRecordLevelData() throws {
        let s = try twoAgencies()
        try s.db.withConnection(as: .analyst) { c in
            for table in recordTables + ["extract", "agency", "agency_county", "current_extract", "snapshot_restore"] {
                assertDenied("analyst reads core.\(table)") { try c.query("SELECT count(*) FROM core.\(table)") }
            }
            assertDenied("analyst writes core.youth") {
                try c.query("INSERT INTO core.youth (extract_id) VALUES ($1)", [s.extractA])
            }
            // Even with an agency setting, nothing opens up.
            try c.query("SELECT set_config('outcomes.agency_id', $1, false)", [String(s.a)])
            assertDenied("analyst with an agency setting") { try c.query("SELECT count(*) FROM core.youth") }
            // Published (suppressed) results are readable.
            XCTAssertNoThrow(try c.query("SELECT count(*) FROM result.published"))
            XCTAssertNoThrow(try c.query("SELECT count(*) FROM result.published_computation"))
            // Computed, unsuppressed cells are not.
            assertDenied("analyst reads result.cell") { try c.query("SELECT count(*) FROM result.cell") }
        }
    }
}
