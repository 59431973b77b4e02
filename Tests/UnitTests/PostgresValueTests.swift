import Foundation
import PostgresClient
import XCTest

final class PostgresDateTests: XCTestCase {
    func testParsesValidDates() throws {
        let cases: [(String, Int, Int, Int)] = [
            ("2024-02-29", 2024, 2, 29),  // 2024 is divisible by 4 and not by 100: a leap year
            ("2000-02-29", 2000, 2, 29),  // 2000 is divisible by 400: a leap year
            ("1999-12-31", 1999, 12, 31),
            ("2025-04-30", 2025, 4, 30),  // April has 30 days
            ("0001-01-01", 1, 1, 1),
        ]
        for (text, year, month, day) in cases {
            let date = try XCTUnwrap(PostgresDate(iso: text), text)
            XCTAssertEqual(date, PostgresDate(year: year, month: month, day: day), text)
            XCTAssertEqual(date.description, text, "prints back the same text")
        }
    }

    func testTodayIsTheDateInUTC() {
        // 2026-11-24T23:30:00Z is still the 24th in UTC (and already the 25th east of Greenwich).
        let late = Date(timeIntervalSince1970: 1_795_563_000)
        XCTAssertEqual(PostgresDate.today(late), PostgresDate(year: 2026, month: 11, day: 24))
        XCTAssertEqual(PostgresDate.today(late.addingTimeInterval(3600)), PostgresDate(year: 2026, month: 11, day: 25))
    }

    func testRejectsInvalidDates() {
        let bad = [
            "2023-02-29",  // 2023 is not divisible by 4
            "1900-02-29",  // 1900 is divisible by 100 but not by 400: not a leap year
            "2100-02-29",  // likewise
            "2024-02-30",  // February never has 30 days
            "2024-04-31",  // April has 30 days
            "2024-06-31", "2024-09-31", "2024-11-31",
            "2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32",
            "2024-1-05", "24-01-05", "2024-01-5",  // not zero-padded
            "2024/01/05", "20240105", "2024-01-05T00:00", "2024-01-05 ", " 2024-01-05",
            "+202-01-05", "2024-+1-05", "2024-01-+5",  // signs are not digits
            "-001-01-01", "abcd-ef-gh", "", "--",
            "0000-01-01",  // no year 0 in PostgreSQL (1 BC comes before 1 AD), which would refuse it
        ]
        for text in bad {
            XCTAssertNil(PostgresDate(iso: text), "\(text) should be refused")
            XCTAssertNil(PostgresDate(postgresText: text), "\(text) should be refused")
        }
    }

    func testDaysInEachMonth() {
        // Thirty days hath September, April, June and November; February 28, or 29 in a leap year.
        let common = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let leap = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        XCTAssertEqual((1...12).map { PostgresDate.daysIn(month: $0, year: 2023) }, common)
        XCTAssertEqual((1...12).map { PostgresDate.daysIn(month: $0, year: 2024) }, leap)
        XCTAssertEqual(PostgresDate.daysIn(month: 2, year: 1900), 28)
        XCTAssertEqual(PostgresDate.daysIn(month: 2, year: 2000), 29)
    }

    func testDescriptionPadsAndOrderIsChronological() {
        XCTAssertEqual(PostgresDate(year: 5, month: 3, day: 7).description, "0005-03-07")
        XCTAssertEqual(PostgresDate(year: 2024, month: 2, day: 29).postgresText, "2024-02-29")
        XCTAssertLessThan(PostgresDate(year: 2024, month: 2, day: 29), PostgresDate(year: 2024, month: 3, day: 1))
        XCTAssertLessThan(PostgresDate(year: 2023, month: 12, day: 31), PostgresDate(year: 2024, month: 1, day: 1))
    }
}

final class PostgresTextDecodingTests: XCTestCase {
    func testTimestampWithTimeZone() throws {
        // 1970-01-01 → 2024-01-01 is 54 years with 13 leap days (1972…2020): 54·365 + 13 = 19,723 days;
        // + 31 (January) + 28 (to 29 February) = 19,782 days = 1,709,164,800 s;
        // + 13:45:30.25 = 49,530.25 s → 1,709,214,330.25.
        let instant = try XCTUnwrap(Date(postgresText: "2024-02-29 13:45:30.25+00"))
        XCTAssertEqual(instant.timeIntervalSince1970, 1_709_214_330.25, accuracy: 1e-6)
        let whole = try XCTUnwrap(Date(postgresText: "1970-01-01 00:00:00+00"))
        XCTAssertEqual(whole.timeIntervalSince1970, 0)
        // The client sets TimeZone=UTC, so any other offset means the text did not come from it.
        XCTAssertNil(Date(postgresText: "2024-02-29 13:45:30+01"))
        XCTAssertNil(Date(postgresText: "2024-02-29T13:45:30+00"))
        XCTAssertNil(Date(postgresText: "2023-02-29 13:45:30+00"))
        XCTAssertNil(Date(postgresText: "yesterday"))
    }

    func testScalars() {
        XCTAssertEqual(Bool(postgresText: "t"), true)
        XCTAssertEqual(Bool(postgresText: "f"), false)
        XCTAssertNil(Bool(postgresText: "true"))  // the server sends t / f
        XCTAssertEqual(Int(postgresText: "-42"), -42)
        XCTAssertEqual(Int64(postgresText: "9223372036854775807"), Int64.max)
        XCTAssertNil(Int32(postgresText: "2147483648"))  // one past Int32.max
        XCTAssertNil(Int(postgresText: "12.5"))
        // 12345.6789 = 123456789 × 10^-4
        XCTAssertEqual(
            Decimal(postgresText: "12345.6789"), Decimal(sign: .plus, exponent: -4, significand: 123_456_789))
        XCTAssertNil(Decimal(postgresText: "twelve"))
        XCTAssertEqual(Double(postgresText: "-2.5"), -2.5)
        XCTAssertEqual(Double(postgresText: "Infinity"), .infinity)
        XCTAssertEqual(Double(postgresText: "NaN")?.isNaN, true)
    }

    func testBindableText() {
        XCTAssertEqual(true.postgresText, "true")
        XCTAssertEqual(Int64.min.postgresText, "-9223372036854775808")
        XCTAssertEqual("O'Brien".postgresText, "O'Brien")
        XCTAssertEqual(Decimal(sign: .minus, exponent: -2, significand: 105).postgresText, "-1.05")
    }

    func testBindableTextArrayQuotesEveryElement() {
        // Each element in double quotes; inside them a backslash becomes \\ and a quote \".
        XCTAssertEqual([String]().postgresText, "{}")
        XCTAssertEqual(["06001", "06075"].postgresText, #"{"06001","06075"}"#)
        XCTAssertEqual(
            ["a,b", "{c}", #"say "x""#, #"back\slash"#, ""].postgresText, #"{"a,b","{c}","say \"x\"","back\\slash",""}"#
        )
    }
}
