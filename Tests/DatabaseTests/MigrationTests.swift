import Foundation
import OutcomesStore
import PostgresClient
import TestSupport
import XCTest

final class MigrationTests: XCTestCase {
    /// The checkout's migration files, in the order their names sort.
    private func migrationFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: TestCluster.migrationsDirectory.path)
            .filter { $0.hasSuffix(".sql") }.sorted()
    }

    func testMigratingAFreshDatabaseAppliesEveryFileInOrderWithChecksums() throws {
        let db = try TestCluster.shared.emptyDatabase()
        let files = try migrationFiles()
        XCTAssertGreaterThanOrEqual(files.count, 2)
        XCTAssertEqual(files.first, "0001_reference.sql")
        let migrator = try Migrator(directory: TestCluster.migrationsDirectory)

        try db.withConnection { c in
            XCTAssertEqual(try migrator.pending(on: c).map(\.fileName), files, "all pending before the first run")
            let applied = try migrator.migrate(on: c)
            XCTAssertEqual(applied.map(\.fileName), files, "applied in file-name order")

            let records = try c.query(
                "SELECT id, name, checksum, applied_at FROM public.outcomes_migration ORDER BY id")
            XCTAssertEqual(records.rows.count, files.count)
            var previous: Date?
            for (row, file) in zip(records.rows, files) {
                let parsed = try XCTUnwrap(Migration.parse(fileName: file))
                XCTAssertEqual(try row.decode(Int.self, "id"), parsed.id)
                XCTAssertEqual(try row.decode(String.self, "name"), parsed.name)
                // The recorded checksum is the SHA-256 of the file's text; the server computes
                // it independently of the Swift code here.
                let text = try String(
                    contentsOf: TestCluster.migrationsDirectory.appendingPathComponent(file), encoding: .utf8)
                let expected = try c.query("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex') AS h", [text]).single()
                XCTAssertEqual(try row.decode(String.self, "checksum"), try expected.decode(String.self, "h"), file)
                // Each ran in its own, later transaction.
                let appliedAt = try row.decode(Date.self, "applied_at")
                if let previous { XCTAssertGreaterThanOrEqual(appliedAt, previous) }
                previous = appliedAt
            }
            XCTAssertEqual(
                try c.query("SELECT to_regclass('ref.county') IS NOT NULL AS ok").single().decode(Bool.self, "ok"), true
            )
        }
    }

    func testASecondRunAppliesNothing() throws {
        let db = try TestCluster.shared.emptyDatabase()
        let migrator = try Migrator(directory: TestCluster.migrationsDirectory)
        try db.withConnection { c in
            let first = try migrator.migrate(on: c)
            XCTAssertEqual(first.count, try migrationFiles().count)
        }
        // Again, on a new connection, as `outcomes db migrate` would.
        try db.withConnection { c in
            XCTAssertEqual(try migrator.pending(on: c), [])
            XCTAssertEqual(try migrator.migrate(on: c), [])
            let n = try c.query("SELECT count(*) AS n FROM public.outcomes_migration").single().decode(Int.self, "n")
            XCTAssertEqual(n, try migrationFiles().count)
        }
    }

    func testAChangedAppliedMigrationIsRefusedByName() throws {
        // The harness template has every migration applied.
        let db = try TestCluster.shared.freshDatabase()
        let original = try Migrator(directory: TestCluster.migrationsDirectory)
        let first = try XCTUnwrap(original.migrations.first)
        var changed = original.migrations
        changed[0] = Migration(id: first.id, name: first.name, sql: first.sql + "\n-- edited after it was applied\n")
        let edited = Migrator(
            migrations: changed + [
                Migration(id: 9000, name: "never_applied", sql: "CREATE TABLE public.never_applied ();")
            ])

        try db.withConnection { c in
            XCTAssertThrowsError(try edited.migrate(on: c)) { error in
                guard let error = error as? StoreError else { return XCTFail("expected a StoreError, got \(error)") }
                XCTAssertEqual(error.kind, .migration)
                XCTAssertTrue(error.message.contains("0001_reference.sql"), error.message)
                XCTAssertTrue(error.message.contains("changed"), error.message)
            }
            // Refused before anything ran: the pending migration was not applied either.
            let later = try c.query("SELECT to_regclass('public.never_applied') IS NULL AS absent").single()
            XCTAssertEqual(try later.decode(Bool.self, "absent"), true)
            XCTAssertEqual(try original.migrate(on: c), [], "the unchanged files still match")
        }
    }

    func testAFailingMigrationRollsBackCompletely() throws {
        let db = try TestCluster.shared.freshDatabase()
        let existing = try Migrator(directory: TestCluster.migrationsDirectory).migrations
        let good = Migration(id: 9000, name: "good_probe", sql: "CREATE TABLE public.good_probe (id integer);")
        // Creates a table and a row, then fails on its last statement (division by zero).
        let broken = Migration(
            id: 9001, name: "broken_probe",
            sql: """
                CREATE TABLE public.broken_probe (id integer);
                INSERT INTO public.broken_probe VALUES (1);
                SELECT 1 / 0;
                """)
        let migrator = Migrator(migrations: existing + [broken, good])

        try db.withConnection { c in
            XCTAssertThrowsError(try migrator.migrate(on: c)) { error in
                guard let error = error as? PostgresError else {
                    return XCTFail("expected a PostgresError, got \(error)")
                }
                XCTAssertEqual(error.sqlState, "22012")  // division_by_zero
                XCTAssertTrue(error.message.contains("9001_broken_probe.sql"), error.message)
            }
            let state = try c.query(
                """
                SELECT to_regclass('public.good_probe') IS NOT NULL AS good_exists,
                       to_regclass('public.broken_probe') IS NULL AS broken_absent,
                       (SELECT array_agg(id ORDER BY id)::text FROM public.outcomes_migration WHERE id >= 9000) AS recorded
                """
            ).single()
            // 9000 ran first in its own transaction and stays; 9001 left nothing behind.
            XCTAssertEqual(try state.decode(Bool.self, "good_exists"), true)
            XCTAssertEqual(try state.decode(Bool.self, "broken_absent"), true)
            XCTAssertEqual(try state.decode(String.self, "recorded"), "{9000}")
        }
    }
}
