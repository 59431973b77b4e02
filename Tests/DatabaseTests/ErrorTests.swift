import Foundation
import OutcomesStore
import PostgresClient
import TestSupport
import XCTest

/// Server errors and connection failures surface as `PostgresError` with the server's
/// SQLSTATE and message, and never carry a bound value or a password.
final class ErrorTests: XCTestCase {
    func testSyntaxErrorCarriesStateAndPosition() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { c in
            // "SELEC" is not a keyword; the error points at its first character, position 1.
            let first = try XCTUnwrap(serverError { try c.query("SELEC 1") })
            XCTAssertEqual(first.kind, .server)
            XCTAssertEqual(first.sqlState, PostgresError.syntaxError)
            XCTAssertEqual(first.sqlState, "42601")
            XCTAssertEqual(first.position, 1)
            XCTAssertEqual(first.message, "syntax error at or near \"SELEC\"")
            XCTAssertTrue(first.description.contains("(SQLSTATE 42601)"), first.description)

            // "SELECT (1" is 9 characters long; the parser runs out of input just after it, at 10.
            let second = try XCTUnwrap(serverError { try c.query("SELECT (1") })
            XCTAssertEqual(second.sqlState, "42601")
            XCTAssertEqual(second.position, 10)
            XCTAssertEqual(second.message, "syntax error at end of input")

            // A multi-statement script reports it the same way.
            let script = try XCTUnwrap(serverError { try c.execute(script: "SELECT 1; SELEC 2;") })
            XCTAssertEqual(script.sqlState, "42601")
            XCTAssertEqual(script.position, 11)  // "SELECT 1; " is 10 characters

            // The connection is still usable afterwards.
            XCTAssertEqual(try c.query("SELECT 1 AS one").single().decode(Int.self, "one"), 1)
        }
    }

    func testUniqueViolationNamesTheConstraintButNotTheValue() throws {
        let db = try TestCluster.shared.freshDatabase()
        let secret = "YOUTH-SECRET-4711"
        try db.withConnection { c in
            try c.query("CREATE TABLE youth (code text CONSTRAINT youth_code_key UNIQUE, note text)")
            try c.query("INSERT INTO youth VALUES ($1, $2)", [secret, "first"])
            let error = try XCTUnwrap(
                serverError { try c.query("INSERT INTO youth VALUES ($1, $2)", [secret, "second"]) })
            XCTAssertEqual(error.kind, .server)
            XCTAssertEqual(error.sqlState, PostgresError.uniqueViolation)
            XCTAssertEqual(error.sqlState, "23505")
            XCTAssertEqual(error.constraint, "youth_code_key")
            XCTAssertEqual(error.message, "duplicate key value violates unique constraint \"youth_code_key\"")
            // The server's detail is "Key (code)=(YOUTH-SECRET-4711) already exists."; the value is cut out.
            XCTAssertEqual(error.detail, "Key (code)=(…) already exists.")
            for text in [error.description, String(reflecting: error), "\(error)", error.localizedDescription] {
                XCTAssertFalse(text.contains(secret), text)
                XCTAssertFalse(text.contains("first"), text)
                XCTAssertFalse(text.contains("second"), text)
            }
            XCTAssertEqual(try c.query("SELECT count(*) AS n FROM youth").single().decode(Int.self, "n"), 1)
        }
    }

    func testBadInputValueIsNotEchoed() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { c in
            // The server says: invalid input syntax for type integer: "CA-0042-XY".
            let error = try XCTUnwrap(serverError { try c.query("SELECT $1::integer AS n", ["CA-0042-XY"]) })
            XCTAssertEqual(error.sqlState, "22P02")
            XCTAssertEqual(error.message, "invalid input syntax for type integer: \"…\"")
            XCTAssertFalse(String(reflecting: error).contains("CA-0042-XY"))

            // A NOT NULL or CHECK failure prints the whole row in its detail; that goes too.
            try c.query("CREATE TABLE person (name text NOT NULL, age integer CHECK (age >= 0))")
            let check = try XCTUnwrap(
                serverError { try c.query("INSERT INTO person VALUES ($1, $2)", ["Zoë Q. Secret", -3]) })
            XCTAssertEqual(check.sqlState, "23514")
            XCTAssertEqual(check.constraint, "person_age_check")
            XCTAssertEqual(check.detail, "Failing row contains (…).")
            XCTAssertFalse(String(reflecting: check).contains("Zoë"))
        }
    }

    func testConnectionRefusedIsClearAndHidesThePassword() throws {
        // A port bound by this process but not listening: the kernel refuses every connection.
        let unused = try LoopbackPort()
        let password = "Pa55-Refused-Secret"
        let url = "postgresql://outcomes:\(password)@127.0.0.1:\(unused.port)/outcomes?connect_timeout=5"
        XCTAssertThrowsError(try PostgresConnection(conninfo: url)) { error in
            guard let error = error as? PostgresError else { return XCTFail("not a PostgresError: \(error)") }
            XCTAssertEqual(error.kind, .connection)
            XCTAssertNil(error.sqlState)
            // libpq: connection to server at "127.0.0.1", port N failed: Connection refused …
            XCTAssertTrue(error.message.contains("127.0.0.1"), error.message)
            XCTAssertTrue(error.message.contains("\(unused.port)"), error.message)
            XCTAssertTrue(error.message.contains("Connection refused"), error.message)
            XCTAssertFalse(error.message.contains("\n"), "one line: \(error.message)")
            XCTAssertTrue(error.description.hasPrefix("cannot connect to PostgreSQL: "), error.description)
            XCTAssertFalse(String(reflecting: error).contains(password))
        }
        // The same through Database, with the key=value form.
        let keyValue = "host=127.0.0.1 port=\(unused.port) user=outcomes password=\(password) dbname=outcomes"
        XCTAssertThrowsError(try Database(conninfo: keyValue).withConnection { _ in }) { error in
            XCTAssertEqual((error as? PostgresError)?.kind, .connection)
            XCTAssertFalse(String(reflecting: error).contains(password))
        }
    }

    func testWrongPasswordGivesTheServersMessageWithoutThePassword() throws {
        // The harness cluster also listens on 127.0.0.1, where it asks for a SCRAM password.
        let port = try TestCluster.shared.port
        let password = "Wrong-Password-8812"
        let url = "postgresql://outcomes:\(password)@127.0.0.1:\(port)/outcomes"
        XCTAssertThrowsError(try PostgresConnection(conninfo: url)) { error in
            guard let error = error as? PostgresError else { return XCTFail("not a PostgresError: \(error)") }
            XCTAssertEqual(error.kind, .connection)
            XCTAssertTrue(error.message.contains("password authentication failed for user \"outcomes\""), error.message)
            XCTAssertFalse(String(reflecting: error).contains(password))
        }
    }

    func testMalformedURLDoesNotEchoThePassword() throws {
        // libpq quotes the whole URI in some parse errors ("… in URI: \"postgresql://…\"").
        let password = "Malformed-Secret-3141"
        let broken = [
            "postgresql://eve:\(password)@[::1/outcomes",  // unclosed IPv6 bracket
            "postgresql://eve:\(password)@host:port/outcomes",  // port is not a number
            "postgresql://eve:\(password)@host/outcomes?nosuchoption=1",
            "host=localhost password=\(password) 'unterminated",
        ]
        for conninfo in broken {
            XCTAssertThrowsError(try PostgresConnection(conninfo: conninfo), conninfo) { error in
                XCTAssertEqual((error as? PostgresError)?.kind, .connection, conninfo)
                XCTAssertFalse(String(reflecting: error).contains(password), "\(conninfo) → \(error)")
            }
        }
    }

    // MARK: Helpers

    /// The PostgresError `body` throws, failing the test when it throws nothing or something else.
    private func serverError(file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void)
        -> PostgresError?
    {
        do {
            try body()
            XCTFail("expected an error", file: file, line: line)
        } catch let error as PostgresError {
            return error
        } catch {
            XCTFail("expected a PostgresError, got \(error)", file: file, line: line)
        }
        return nil
    }
}
