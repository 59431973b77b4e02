import Foundation
import OutcomesStore
import PostgresClient
import TestSupport
import XCTest

final class ReferenceDataTests: XCTestCase {
    func testCountiesAreTheFiftyEightWithTheirFIPSCodes() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { c in
            let rows = try c.query("SELECT number, fips, name FROM ref.county ORDER BY number").rows
            XCTAssertEqual(rows.count, 58)
            let numbers = try rows.map { try $0.decode(Int.self, "number") }
            XCTAssertEqual(numbers, Array(1...58))
            // California's county FIPS codes are the odd numbers 001…115 in alphabetical
            // order: county n has code 06 (the state) followed by 2n − 1 in three digits.
            for row in rows {
                let n = try row.decode(Int.self, "number")
                XCTAssertEqual(
                    try row.decode(String.self, "fips"), "06" + String(format: "%03d", 2 * n - 1), "county \(n)")
            }
            // Numbered alphabetically: sorting the names gives the same order.
            let names = try rows.map { try $0.decode(String.self, "name") }
            XCTAssertEqual(names, names.sorted())

            let spot = try c.query(
                "SELECT fips, name FROM ref.county WHERE fips IN ('06001', '06037', '06059', '06073', '06115') ORDER BY fips"
            )
            let pairs = try spot.rows.map {
                "\(try $0.decode(String.self, "fips")) \(try $0.decode(String.self, "name"))"
            }
            // 06001 is n = 1, 06037 n = 19, 06059 n = 30, 06073 n = 37, 06115 n = 58.
            XCTAssertEqual(
                pairs, ["06001 Alameda", "06037 Los Angeles", "06059 Orange", "06073 San Diego", "06115 Yuba"])
        }
    }

    func testNoFiftyNinthCounty() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { c in
            // 59 is outside 1…58 (its FIPS would be 06117, which does not exist).
            XCTAssertThrowsError(
                try c.query(
                    "INSERT INTO ref.county (number, fips, name, slug, population) VALUES ($1, $2, $3, $4, $5)",
                    [59, "06117", "Atlantis", "atlantis", 1])
            ) { error in
                XCTAssertEqual((error as? PostgresError)?.sqlState, "23514")  // check_violation
            }
            // A FIPS code that does not follow from the number is refused too (county 1 is 06001).
            XCTAssertThrowsError(try c.query("UPDATE ref.county SET fips = '06003' WHERE number = 1")) { error in
                let state = (error as? PostgresError)?.sqlState
                // 06003 belongs to Alpine (unique) and breaks the FIPS check: either refusal will do.
                XCTAssertTrue(state == "23514" || state == "23505", "\(error)")
            }
            XCTAssertEqual(try c.query("SELECT count(*) AS n FROM ref.county").single().decode(Int.self, "n"), 58)
        }
    }

    func testThirteenDomains() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { c in
            let rows = try c.query("SELECT number, name FROM ref.domain ORDER BY number").rows
            XCTAssertEqual(rows.count, 13)
            XCTAssertEqual(try rows.map { try $0.decode(Int.self, "number") }, Array(1...13))
            XCTAssertEqual(try rows.first?.decode(String.self, "name"), "Physical safety")
            XCTAssertEqual(try rows.last?.decode(String.self, "name"), "Healthy relationships")
        }
    }
}
