import Foundation
import Indicators
import OutcomesStore
import PostgresClient
import TestSupport
import XCTest

/// The person index (SQL/migrations/0010_person_index.sql, SQL/indicators/persons.sql) holds the
/// persons of the current extracts; a computation must never read one built from other extracts.
final class PersonIndexTests: XCTestCase {
    private let sql = TestCluster.checkout.appendingPathComponent("SQL")
    private let period = Period("SFY2025Q4")!

    /// Fixture 01's population (its header works the persons out), then agency 2 (ALA-PROB) sends a
    /// new extract that replaces its earlier one.
    func testTheIndexFollowsTheCurrentExtracts() throws {
        let database = try Self.populationFixture()
        let engine = IndicatorEngine(database: database, sqlDirectory: sql)

        // Extract 1 is superseded by 2 and extract 4 was rejected: the index is built from 2 and 3.
        _ = try engine.compute(period)
        XCTAssertEqual(try string(database, "SELECT extracts::text FROM person_index.state"), "{2,3}")
        let builtAt = try string(database, "SELECT built_at::text FROM person_index.state")
        // 06001 as fixture 01 works it out: P1 (y1 + p1), y2, y5, y6, y7, y8; at_risk y6 and y8.
        XCTAssertEqual(try Self.inScope(database, period, county: "06001"), 6)
        XCTAssertEqual(try Self.inScope(database, period, county: "06001", tier: "at_risk"), 2)
        // p1 (agency 2) is linked to y1 (agency 1) by L1: the two records are one person.
        XCTAssertEqual(
            try integer(
                database, "SELECT count(DISTINCT person_id) FROM person_index.record WHERE youth_hash IN ('y1', 'p1')"),
            1)

        // Nothing changed: the next computation keeps the index as it is.
        XCTAssertFalse(try engine.refreshPersonIndex())
        _ = try engine.compute(period)
        XCTAssertEqual(try string(database, "SELECT built_at::text FROM person_index.state"), builtAt)

        // Extract 5 of agency 2 replaces extract 3: p1 (06001) and p2 (06013) are gone, p9 (06001,
        // at_risk since 2025-05-01, in P) is new. P1 stays (through y1), so 06001 has 6 - 0 + 1 = 7
        // persons, at_risk y6, y8 and p9 = 3.
        try Self.acceptSecondExtractOfAgency2(in: database)

        // The index still describes extracts 2 and 3: a computation's inputs refuse it.
        XCTAssertThrowsError(
            try database.withTransaction(as: .compute) { connection in
                try connection.query(
                    """
                    SELECT set_config('outcomes.period', $1, true), set_config('outcomes.period_start', $2, true),
                           set_config('outcomes.period_end', $3, true)
                    """, [period.description, period.start, period.end])
                try connection.execute(
                    script: try String(contentsOf: sql.appendingPathComponent("indicators/inputs.sql"), encoding: .utf8)
                )
            }
        ) { error in
            XCTAssertEqual((error as? PostgresError)?.sqlState, "OC001", "\(error)")
        }

        // The engine rebuilds it before it computes.
        _ = try engine.compute(period)
        XCTAssertEqual(try string(database, "SELECT extracts::text FROM person_index.state"), "{2,5}")
        XCTAssertEqual(try Self.inScope(database, period, county: "06001"), 7)
        XCTAssertEqual(try Self.inScope(database, period, county: "06001", tier: "at_risk"), 3)
        XCTAssertEqual(
            try integer(database, "SELECT count(*) FROM person_index.record WHERE youth_hash = 'p1'"), 0)
        XCTAssertFalse(try engine.refreshPersonIndex())
    }

    /// A database with no accepted extract has an empty index, built once.
    func testNoExtractsGiveAnEmptyIndex() throws {
        let database = try TestCluster.shared.freshDatabase()
        let engine = IndicatorEngine(database: database, sqlDirectory: sql)
        XCTAssertTrue(try engine.refreshPersonIndex())
        XCTAssertEqual(try string(database, "SELECT extracts::text FROM person_index.state"), "{}")
        XCTAssertEqual(try integer(database, "SELECT count(*) FROM person_index.record"), 0)
        XCTAssertFalse(try engine.refreshPersonIndex())
    }

    /// Fixture 01 (Tests/Fixtures/indicators/01_population.sql), loaded into a fresh database.
    static func populationFixture() throws -> Database {
        let database = try TestCluster.shared.freshDatabase()
        let fixture = TestCluster.checkout.appendingPathComponent("Tests/Fixtures/indicators/01_population.sql")
        try database.withConnection { try $0.execute(script: try String(contentsOf: fixture, encoding: .utf8)) }
        return database
    }

    /// Extract 5 of agency 2 (ALA-PROB), accepted after fixture 01's extract 3, which it replaces: one
    /// youth, p9 (06001, no linkage), at_risk since 2025-05-01.
    static func acceptSecondExtractOfAgency2(in database: Database) throws {
        try database.withConnection { connection in
            try connection.execute(
                script: """
                    INSERT INTO core.extract (id, agency_id, sha256, status, source_name, extracted_on, files,
                                              error_count) OVERRIDING SYSTEM VALUE
                    VALUES (5, 2, repeat('5', 64), 'accepted', 'ala-prob-2.zip', '2025-08-01',
                            '{youth.csv,cse_flags.csv}', 0);
                    INSERT INTO core.youth (extract_id, agency_id, rec, youth_hash, linkage_hash, county_fips,
                                            birth_month, gender, race_categories, race_source)
                    VALUES (5, 2, 1, 'p9', NULL, '06001', '2010-03-01', 'male', '{WHITE}', 'self');
                    INSERT INTO core.cse_flag (extract_id, agency_id, rec, youth_hash, flag, flagged_on, basis)
                    VALUES (5, 2, 1, 'p9', 'at_risk', '2025-05-01', 'cse_it');
                    """)
        }
    }

    /// Persons in scope in `county` (stratum `all`, or the tier), as result.computed holds them.
    static func inScope(_ database: Database, _ period: Period, county: String, tier: String? = nil) throws -> Int {
        try integer(
            database,
            """
            SELECT numerator::integer FROM result.computed
            WHERE period = $1 AND county_fips = $2 AND measure = 'population_in_scope'
              AND stratification = $3 AND stratum = $4
            """, [period.description, county, tier == nil ? "all" : "tier", tier ?? "all"])
    }
}
