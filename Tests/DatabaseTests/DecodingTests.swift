import Foundation
import OutcomesStore
import PostgresClient
import TestSupport
import XCTest

/// Every type the client decodes, with values worked out by hand.
final class DecodingTests: XCTestCase {
    func testTextIncludingNonASCII() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { c in
            // "Señora Ñandú — 東京": ñ, Ñ, ú are 2 bytes in UTF-8, the em dash 3, each kanji 3.
            // Bytes: "Señora" 5+2 = 7, " " 1, "Ñandú" 3+2+2 = 7, " — " 1+3+1 = 5, "東京" 6 → 26.
            // Characters: 6 + 1 + 5 + 3 + 2 = 17.
            let literal = try c.query(
                "SELECT 'Señora Ñandú — 東京'::text AS t, octet_length('Señora Ñandú — 東京') AS bytes, "
                    + "char_length('Señora Ñandú — 東京') AS chars"
            ).single()
            XCTAssertEqual(try literal.decode(String.self, "t"), "Señora Ñandú — 東京")
            XCTAssertEqual(try literal.decode(Int.self, "bytes"), 26)
            XCTAssertEqual(try literal.decode(Int.self, "chars"), 17)

            // 😀 is U+1F600: UTF-8 F0 9F 98 80, one code point.
            // 👩‍👧 is U+1F469 U+200D U+1F467: 4 + 3 + 4 = 11 bytes, 3 code points, one Swift Character.
            let emoji = try c.query(
                "SELECT $1::text AS smile, encode(convert_to($1::text, 'UTF8'), 'hex') AS hex, "
                    + "$2::text AS family, octet_length($2::text) AS bytes, char_length($2::text) AS points",
                ["😀", "👩‍👧"]
            ).single()
            XCTAssertEqual(try emoji.decode(String.self, "smile"), "😀")
            XCTAssertEqual(try emoji.decode(String.self, "hex"), "f09f9880")
            let family = try emoji.decode(String.self, "family")
            XCTAssertEqual(family, "👩‍👧")
            XCTAssertEqual(family.count, 1)
            XCTAssertEqual(try emoji.decode(Int.self, "bytes"), 11)
            XCTAssertEqual(try emoji.decode(Int.self, "points"), 3)

            // varchar, char(n) (blank-padded to n) and name decode as String too.
            let other = try c.query("SELECT 'ab'::varchar(5) AS v, 'ab'::char(4) AS c, 'ab'::name AS n").single()
            XCTAssertEqual(try other.decode(String.self, "v"), "ab")
            XCTAssertEqual(try other.decode(String.self, "c"), "ab  ")
            XCTAssertEqual(try other.decode(String.self, "n"), "ab")
        }
    }

    func testIntegers() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { c in
            // 2^31 − 1 = 2147483647, −2^31 = −2147483648; 2^63 − 1 = 9223372036854775807.
            let row = try c.query(
                "SELECT 2147483647::integer AS i, (-2147483648)::integer AS lo, 7::smallint AS s, "
                    + "9223372036854775807::bigint AS big, (-9223372036854775807 - 1)::bigint AS small"
            ).single()
            XCTAssertEqual(try row.decode(Int.self, "i"), 2_147_483_647)
            XCTAssertEqual(try row.decode(Int32.self, "i"), Int32.max)
            XCTAssertEqual(try row.decode(Int32.self, "lo"), Int32.min)
            XCTAssertEqual(try row.decode(Int.self, "s"), 7)
            XCTAssertEqual(try row.decode(Int.self, "big"), 9_223_372_036_854_775_807)
            XCTAssertEqual(try row.decode(Int64.self, "big"), Int64.max)
            XCTAssertEqual(try row.decode(Int64.self, "small"), Int64.min)
            // A bigint does not fit Int32, so the client refuses it by type, naming the column.
            XCTAssertThrowsError(try row.decode(Int32.self, "big")) { error in
                XCTAssertEqual((error as? PostgresError)?.column, "big")
            }
        }
    }

    func testNumericDoubleAndBool() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { c in
            let row = try c.query(
                "SELECT '12345.6789'::numeric AS n, 0.1::float8 AS d, (-1.5e300)::float8 AS huge, "
                    + "'NaN'::float8 AS nan, 'Infinity'::float8 AS inf, 0.5::real AS r, "
                    + "true AS yes, false AS no, 1 = 2 AS computed"
            ).single()
            // 12345.6789 = 123456789 × 10^-4, exactly: numeric is decimal, so no binary rounding.
            XCTAssertEqual(
                try row.decode(Decimal.self, "n"), Decimal(sign: .plus, exponent: -4, significand: 123_456_789))
            XCTAssertEqual(try row.decode(Double.self, "n"), 12345.6789)
            // PostgreSQL 12+ prints the shortest text that reads back to the same double,
            // so 0.1 comes back as the very same Double as Swift's literal 0.1.
            XCTAssertEqual(try row.decode(Double.self, "d"), 0.1)
            XCTAssertEqual(try row.decode(Double.self, "huge"), -1.5e300)
            XCTAssertEqual(try row.decode(Double.self, "nan").isNaN, true)
            XCTAssertEqual(try row.decode(Double.self, "inf"), .infinity)
            XCTAssertEqual(try row.decode(Double.self, "r"), 0.5)  // 0.5 is exact in binary
            XCTAssertEqual(try row.decode(Bool.self, "yes"), true)
            XCTAssertEqual(try row.decode(Bool.self, "no"), false)
            XCTAssertEqual(try row.decode(Bool.self, "computed"), false)
        }
    }

    func testDateAndTimestamp() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { c in
            let row = try c.query(
                "SELECT '2024-02-29'::date AS leap, '2024-02-28'::date + 1 AS after_28_feb_2024, "
                    + "'2023-02-28'::date + 1 AS after_28_feb_2023, "
                    + "'2024-02-29 13:45:30.25+00'::timestamptz AS utc, "
                    + "'2024-02-29 05:45:30.25-08'::timestamptz AS pacific, "
                    + "'1970-01-01 00:00:00+00'::timestamptz AS epoch"
            ).single()
            XCTAssertEqual(try row.decode(PostgresDate.self, "leap"), PostgresDate(year: 2024, month: 2, day: 29))
            // 2024 is a leap year, so the day after 28 February is the 29th; in 2023 it is 1 March.
            XCTAssertEqual(
                try row.decode(PostgresDate.self, "after_28_feb_2024"), PostgresDate(year: 2024, month: 2, day: 29))
            XCTAssertEqual(
                try row.decode(PostgresDate.self, "after_28_feb_2023"), PostgresDate(year: 2023, month: 3, day: 1))

            // 1970-01-01 → 2024-01-01: 54 years, 13 leap days (1972…2020) → 19,723 days;
            // + 31 + 28 days to 29 February → 19,782 days × 86,400 s = 1,709,164,800 s;
            // + 13:45:30.25 (49,530.25 s) = 1,709,214,330.25 s after the epoch.
            let expected = Date(timeIntervalSince1970: 1_709_214_330.25)
            XCTAssertEqual(
                try row.decode(Date.self, "utc").timeIntervalSince1970, expected.timeIntervalSince1970, accuracy: 1e-6)
            // 05:45:30.25 at UTC−8 is 13:45:30.25 UTC: the same instant.
            XCTAssertEqual(
                try row.decode(Date.self, "pacific").timeIntervalSince1970, expected.timeIntervalSince1970,
                accuracy: 1e-6)
            XCTAssertEqual(try row.decode(Date.self, "epoch").timeIntervalSince1970, 0)
            // A date is not a timestamptz and vice versa.
            XCTAssertThrowsError(try row.decode(Date.self, "leap"))
            XCTAssertThrowsError(try row.decode(PostgresDate.self, "utc"))
        }
    }

    func testNullDecodesAsNilForEveryType() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { c in
            let row = try c.query(
                "SELECT NULL::text AS t, NULL::integer AS i, NULL::bigint AS b, NULL::numeric AS n, "
                    + "NULL::float8 AS d, NULL::boolean AS o, NULL::date AS dt, NULL::timestamptz AS ts"
            ).single()
            XCTAssertNil(try row.decode(String?.self, "t"))
            XCTAssertNil(try row.decode(Int?.self, "i"))
            XCTAssertNil(try row.decode(Int32?.self, "i"))
            XCTAssertNil(try row.decode(Int64?.self, "b"))
            XCTAssertNil(try row.decode(Decimal?.self, "n"))
            XCTAssertNil(try row.decode(Double?.self, "d"))
            XCTAssertNil(try row.decode(Bool?.self, "o"))
            XCTAssertNil(try row.decode(PostgresDate?.self, "dt"))
            XCTAssertNil(try row.decode(Date?.self, "ts"))
            for column in ["t", "i", "b", "n", "d", "o", "dt", "ts"] {
                XCTAssertTrue(try row.isNull(column), column)
            }
            // A present value through the Optional API is still decoded.
            let present = try c.query("SELECT 5 AS five").single()
            XCTAssertEqual(try present.decode(Int?.self, "five"), 5)
        }
    }

    func testTypeMismatchNamesTheColumn() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { c in
            let row = try c.query("SELECT 'Alameda'::text AS county_name").single()
            XCTAssertThrowsError(try row.decode(Int.self, "county_name")) { error in
                guard let error = error as? PostgresError else { return XCTFail("not a PostgresError: \(error)") }
                XCTAssertEqual(error.kind, .decoding)
                XCTAssertEqual(error.column, "county_name")
                XCTAssertTrue(error.message.contains("\"county_name\""), error.message)
                XCTAssertTrue(error.message.contains("text"), error.message)
                XCTAssertTrue(error.description.hasPrefix("cannot decode result:"), error.description)
            }
        }
    }

    func testNullAsNonOptionalNamesTheColumn() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { c in
            let row = try c.query("SELECT NULL::integer AS placements").single()
            XCTAssertThrowsError(try row.decode(Int.self, "placements")) { error in
                guard let error = error as? PostgresError else { return XCTFail("not a PostgresError: \(error)") }
                XCTAssertEqual(error.kind, .decoding)
                XCTAssertEqual(error.column, "placements")
                XCTAssertTrue(error.message.contains("\"placements\""), error.message)
                XCTAssertTrue(error.message.contains("NULL"), error.message)
            }
            // Asking for a column the result does not have names it too.
            XCTAssertThrowsError(try row.decode(Int?.self, "placement")) { error in
                XCTAssertEqual((error as? PostgresError)?.column, "placement")
            }
        }
    }

    func testBoundParametersRoundTrip() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { c in
            // Quotes, a backslash, a semicolon and a "$1" are data, not SQL: the value is sent
            // apart from the statement, so it comes back byte for byte.
            let tricky = #"O'Brien said "hi" \ ; DROP TABLE ref.county; -- $1 'Ñandú'"#
            let row = try c.query(
                """
                SELECT $1::text AS s, length($1::text) AS len, $2::integer AS i, $3::text AS missing,
                       $3::text IS NULL AS missing_is_null, $4::bigint AS big, $5::numeric AS dec,
                       $6::boolean AS flag, $7::date AS day, $8::float8 AS ratio, $9::integer AS small
                """,
                [
                    tricky, 42, nil, Int64.max, Decimal(sign: .minus, exponent: -2, significand: 105), true,
                    PostgresDate(year: 2000, month: 2, day: 29), 0.1, Int32(-7),
                ]
            ).single()
            XCTAssertEqual(try row.decode(String.self, "s"), tricky)
            XCTAssertEqual(try row.decode(Int.self, "len"), tricky.count)
            XCTAssertEqual(try row.decode(Int.self, "i"), 42)
            XCTAssertNil(try row.decode(String?.self, "missing"))
            XCTAssertEqual(try row.decode(Bool.self, "missing_is_null"), true)
            XCTAssertEqual(try row.decode(Int64.self, "big"), Int64.max)
            XCTAssertEqual(try row.decode(Decimal.self, "dec"), Decimal(sign: .minus, exponent: -2, significand: 105))
            XCTAssertEqual(try row.decode(Bool.self, "flag"), true)
            XCTAssertEqual(try row.decode(PostgresDate.self, "day"), PostgresDate(year: 2000, month: 2, day: 29))
            XCTAssertEqual(try row.decode(Double.self, "ratio"), 0.1)
            XCTAssertEqual(try row.decode(Int32.self, "small"), -7)

            // A text array keeps elements that hold the array syntax's own characters: 4 elements, not 6.
            let elements = ["a,b", "{c}", tricky, ""]
            let array = try c.query(
                "SELECT cardinality($1::text[]) AS n, ($1::text[])[1] AS first, ($1::text[])[3] AS third, "
                    + "($1::text[])[4] = '' AS empty_kept",
                [elements]
            ).single()
            XCTAssertEqual(try array.decode(Int.self, "n"), 4)
            XCTAssertEqual(try array.decode(String.self, "first"), "a,b")
            XCTAssertEqual(try array.decode(String.self, "third"), tricky)
            XCTAssertEqual(try array.decode(Bool.self, "empty_kept"), true)

            // Stored and read back through a table, the value is unchanged too, and the
            // would-be injected statement did nothing.
            try c.query("CREATE TABLE note (body text, extra text)")
            let inserted = try c.query("INSERT INTO note VALUES ($1, $2)", [tricky, nil])
            XCTAssertEqual(inserted.affectedRows, 1)
            let stored = try c.query("SELECT body, extra FROM note").single()
            XCTAssertEqual(try stored.decode(String.self, "body"), tricky)
            XCTAssertNil(try stored.decode(String?.self, "extra"))
            XCTAssertEqual(try c.query("SELECT count(*) AS n FROM ref.county").single().decode(Int.self, "n"), 58)
        }
    }
}
