import Foundation
import OutcomesStore
import PostgresClient
import TestSupport
import XCTest

private struct Boom: Error, Equatable {}

final class TransactionTests: XCTestCase {
    func testCommitsWhenTheBodyReturns() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { _ = try $0.query("CREATE TABLE item (name text)") }
        let value = try db.withTransaction { c -> Int in
            try c.query("INSERT INTO item VALUES ($1)", ["kept"])
            return 7
        }
        XCTAssertEqual(value, 7, "the body's value is returned")
        // A new connection (a new session) sees the row, so it was committed.
        XCTAssertEqual(try count(in: db, "SELECT count(*) AS n FROM item WHERE name = 'kept'"), 1)
    }

    func testRollsBackWhenTheBodyThrows() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { _ = try $0.query("CREATE TABLE item (name text)") }
        XCTAssertThrowsError(
            try db.withTransaction { c in
                try c.query("INSERT INTO item VALUES ($1)", ["lost"])
                // Inside the transaction the row is there…
                XCTAssertEqual(try c.query("SELECT count(*) AS n FROM item").single().decode(Int.self, "n"), 1)
                throw Boom()
            }
        ) { error in
            XCTAssertEqual(error as? Boom, Boom(), "the body's own error comes out unchanged")
        }
        // …and afterwards it is not.
        XCTAssertEqual(try count(in: db, "SELECT count(*) AS n FROM item"), 0)
    }

    func testConnectionIsReusableAfterARollback() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { c in
            try c.query("CREATE TABLE item (name text PRIMARY KEY)")
            // The second insert violates the key, so the server aborts the transaction
            // and the first insert goes with it.
            XCTAssertThrowsError(
                try c.withTransaction { t in
                    try t.query("INSERT INTO item VALUES ($1)", ["a"])
                    try t.query("INSERT INTO item VALUES ($1)", ["a"])
                }
            ) { error in
                XCTAssertEqual((error as? PostgresError)?.sqlState, "23505")
            }
            XCTAssertEqual(try c.query("SELECT count(*) AS n FROM item").single().decode(Int.self, "n"), 0)
            // No transaction is left open: the next statement runs and commits on its own.
            XCTAssertEqual(try c.query("SHOW transaction_isolation").rows.count, 1)
            try c.query("INSERT INTO item VALUES ($1)", ["b"])
            XCTAssertTrue(c.isOpen)
        }
        XCTAssertEqual(try count(in: db, "SELECT count(*) AS n FROM item WHERE name = 'b'"), 1)
    }

    func testWithConnectionSwitchesRole() throws {
        let db = try TestCluster.shared.freshDatabase()
        func users(_ role: ServiceRole) throws -> (current: String, session: String) {
            try db.withConnection(as: role) { c in
                let row = try c.query("SELECT current_user::text AS cu, session_user::text AS su").single()
                return (try row.decode(String.self, "cu"), try row.decode(String.self, "su"))
            }
        }
        // The login stays the cluster's superuser "outcomes"; the acting role changes.
        XCTAssertEqual(try users(.owner).current, "outcomes")
        XCTAssertEqual(try users(.analyst).current, "outcomes_analyst")
        XCTAssertEqual(try users(.analyst).session, "outcomes")
        XCTAssertEqual(try users(.compute).current, "outcomes_compute")
        XCTAssertEqual(try users(.register).current, "outcomes_register")
        XCTAssertEqual(try users(.ingest).current, "outcomes_ingest")

        // The switch is real: the analyst may read reference data but not record-level tables.
        try db.withConnection(as: .analyst) { c in
            XCTAssertEqual(try c.query("SELECT count(*) AS n FROM ref.county").single().decode(Int.self, "n"), 58)
            XCTAssertThrowsError(try c.query("SELECT count(*) FROM core.agency")) { error in
                XCTAssertEqual((error as? PostgresError)?.sqlState, PostgresError.insufficientPrivilege)
            }
        }
        // withTransaction acts as the role as well.
        let role = try db.withTransaction(as: .compute) { c in
            try c.query("SELECT current_user::text AS cu").single().decode(String.self, "cu")
        }
        XCTAssertEqual(role, "outcomes_compute")
    }

    private func count(in db: Database, _ sql: String) throws -> Int {
        try db.withConnection { try $0.query(sql).single().decode(Int.self, "n") }
    }
}
