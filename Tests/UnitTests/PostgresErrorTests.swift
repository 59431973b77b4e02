import XCTest

@testable import PostgresClient

final class PostgresErrorTests: XCTestCase {
    func testDescriptionCarriesStateDetailAndHint() {
        let error = PostgresError(
            kind: .server, message: "duplicate key value violates unique constraint \"youth_pkey\"",
            sqlState: PostgresError.uniqueViolation, detail: "Key (youth_id) already exists.",
            hint: "Use the id the agency assigned.", position: 12, column: nil, constraint: "youth_pkey")
        XCTAssertEqual(
            error.description,
            """
            duplicate key value violates unique constraint "youth_pkey" (SQLSTATE 23505)
            Detail: Key (youth_id) already exists.
            Hint: Use the id the agency assigned.
            """)
    }

    func testDescriptionOfEachKind() {
        XCTAssertEqual(
            PostgresError(kind: .connection, message: "Connection refused").description,
            "cannot connect to PostgreSQL: Connection refused")
        XCTAssertEqual(
            PostgresError(kind: .decoding, message: "column \"n\" is NULL but Int was expected", column: "n")
                .description,
            "cannot decode result: column \"n\" is NULL but Int was expected")
        XCTAssertEqual(
            PostgresError(kind: .protocolViolation, message: "expected COPY IN, got PGRES_TUPLES_OK").description,
            "unexpected reply from PostgreSQL: expected COPY IN, got PGRES_TUPLES_OK")
        // Optional parts are left out entirely, not printed as "nil".
        XCTAssertEqual(PostgresError(kind: .server, message: "boom").description, "boom")
    }

    func testServerValuesInErrorsAreRedacted() {
        // The server quotes data in some errors; those parts never reach the error.
        let unique = PostgresError.redactingValues(
            kind: .server, message: "duplicate key value violates unique constraint \"t_code_key\"",
            sqlState: "23505", detail: "Key (code)=(YOUTH-SECRET-42) already exists.")
        XCTAssertEqual(unique.detail, "Key (code)=(…) already exists.")
        XCTAssertEqual(unique.message, "duplicate key value violates unique constraint \"t_code_key\"")

        let composite = PostgresError.redactingValues(
            kind: .server, message: "m", sqlState: "23505", detail: "Key (a, b)=(x (1), y)) already exists.")
        XCTAssertEqual(composite.detail, "Key (a, b)=(…) already exists.")

        let foreign = PostgresError.redactingValues(
            kind: .server, message: "m", sqlState: "23503",
            detail: "Key (agency)=(A-77) is not present in table \"agency\".")
        XCTAssertEqual(foreign.detail, "Key (agency)=(…) is not present in table \"agency\".")

        let referenced = PostgresError.redactingValues(
            kind: .server, message: "m", sqlState: "23503",
            detail: "Key (id)=(9) is still referenced from table \"youth\".")
        XCTAssertEqual(referenced.detail, "Key (id)=(…) is still referenced from table \"youth\".")

        let check = PostgresError.redactingValues(
            kind: .server, message: "new row for relation \"county\" violates check constraint \"county_number_check\"",
            sqlState: "23514", detail: "Failing row contains (59, 06117, Atlantis, atlantis, 1).")
        XCTAssertEqual(check.detail, "Failing row contains (…).")

        let syntax = PostgresError.redactingValues(
            kind: .server, message: "invalid input syntax for type integer: \"CA-0042-XY\"", sqlState: "22P02")
        XCTAssertEqual(syntax.message, "invalid input syntax for type integer: \"…\"")
        let range = PostgresError.redactingValues(
            kind: .server, message: "value \"99999999999\" is out of range for type integer", sqlState: "22003")
        XCTAssertEqual(range.message, "value \"…\" is out of range for type integer")

        // Other errors keep their text: identifiers in quotes are not data.
        let missing = PostgresError.redactingValues(
            kind: .server, message: "relation \"core.youth\" does not exist", sqlState: "42P01")
        XCTAssertEqual(missing.message, "relation \"core.youth\" does not exist")
    }
}
