import Foundation
import Indicators
import OutcomesStore
import PostgresClient
import TestSupport
import XCTest

/// Runs the hand-made indicator fixtures of Tests/Fixtures/indicators.
///
/// Each fixture inserts a few records, names its period, and lists the expected
/// results with the arithmetic worked out by hand in its comments. The test loads
/// it into a fresh database, computes the period with the real engine
/// (compute.sql, then suppress.sql) and compares every `expect…` and `check` line.
final class IndicatorFixtureTests: XCTestCase {
    func testPopulationScopeTierConcernAgeGenderRaceAndLinkage() throws { try run("01_population.sql") }
    func testPlacementDaysMovesAbsencesStepDownAndCare() throws { try run("02_placement.sql") }
    func testEventMeasures() throws { try run("03_events.sql") }
    func testEducationMeasures() throws { try run("04_education.sql") }
    func testInstrumentScoring() throws { try run("05_instruments.sql") }
    func testProgressMeasures() throws { try run("06_progress.sql") }
    func testSuppressionWithinGroups() throws { try run("07_suppression_groups.sql") }
    func testSuppressionOfSharedCounts() throws { try run("08_suppression_shared.sql") }

    /// Every fixture of the folder is run by one of the tests above.
    func testEveryFixtureHasATest() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0.hasSuffix(".sql") && $0.first?.isNumber == true }.sorted()
        XCTAssertEqual(
            names,
            [
                "01_population.sql", "02_placement.sql", "03_events.sql", "04_education.sql", "05_instruments.sql",
                "06_progress.sql", "07_suppression_groups.sql", "08_suppression_shared.sql",
            ])
    }

    static func normalized(_ field: String) -> String {
        guard field.range(of: #"^-?[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil,
            let number = Decimal(string: field, locale: Locale(identifier: "en_US_POSIX"))
        else { return field }
        return "\(number)"
    }

    static let folder = TestCluster.checkout.appendingPathComponent("Tests/Fixtures/indicators")

    private func run(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let text = try String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
        let fixture = try IndicatorFixture(text: text, name: name)
        let database = try TestCluster.shared.freshDatabase()
        try database.withConnection { try $0.execute(script: text) }
        let engine = IndicatorEngine(
            database: database, sqlDirectory: TestCluster.checkout.appendingPathComponent("SQL"))
        _ = try engine.compute(fixture.period)
        XCTAssertGreaterThan(fixture.expectations.count, 0, "\(name) lists no expectations", file: file, line: line)
        try database.withConnection { connection in
            for expectation in fixture.expectations {
                let rows = try connection.query(expectation.sql, expectation.parameters).rows
                let found = try rows.map { row in
                    try (0..<expectation.columns.count).map { try row.decode(String?.self, at: $0) ?? "" }
                }
                // Numbers compare by value (the view prints 0.50 where the fixture writes 0.5).
                XCTAssertEqual(
                    found.map { $0.map(Self.normalized) }, [expectation.columns.map(Self.normalized)],
                    "\(name):\(expectation.line): \(expectation.source)", file: file, line: line)
            }
            for check in fixture.checks {
                let ok = try connection.query(check.sql).rows.map { try $0.decode(Bool?.self, at: 0) }
                XCTAssertEqual(ok, [true], "\(name):\(check.line): \(check.sql)", file: file, line: line)
            }
        }
    }
}

/// The expectations a fixture file states in its comments (format: see 01_population.sql).
struct IndicatorFixture {
    struct Expectation {
        var sql: String
        var parameters: [(any PostgresBindable)?]
        var columns: [String]
        var line: Int
        var source: String
    }

    struct Check {
        var sql: String
        var line: Int
    }

    var period: Period
    var expectations: [Expectation] = []
    var checks: [Check] = []

    init(text: String, name: String) throws {
        var period: Period?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard raw.hasPrefix("-- ") else { continue }
            let body = raw.dropFirst(3)
            func fields(after prefix: String) -> [String] {
                body.dropFirst(prefix.count).split(separator: "|", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
            }
            if body.hasPrefix("period:") {
                let label =
                    body.dropFirst(7).trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init)
                    ?? ""
                period = Period(label)
            } else if body.hasPrefix("check:") {
                checks.append(Check(sql: body.dropFirst(6).trimmingCharacters(in: .whitespaces), line: index + 1))
            } else if body.hasPrefix("expect:") {
                // county | measure | category | stratification | stratum | numerator | denominator | value | note
                let f = fields(after: "expect:")
                guard f.count == 9 else { throw HarnessError("\(name):\(index + 1): expect needs 9 fields") }
                expectations.append(
                    Expectation(
                        sql: """
                            SELECT coalesce(numerator::text, ''), coalesce(denominator::text, ''), coalesce(value::text, ''), note
                            FROM result.computed WHERE period = $1 AND county_fips = $2 AND measure = $3 AND category = $4
                              AND stratification = $5 AND stratum = $6
                            """,
                        parameters: [nil, f[0], f[1], f[2], f[3], f[4]], columns: Array(f[5...8]), line: index + 1,
                        source: String(body)))
            } else if body.hasPrefix("expect-change:") {
                // county | measure | stratification | stratum | compared | improved | unchanged | worse | median_change
                let f = fields(after: "expect-change:")
                guard f.count == 9 else { throw HarnessError("\(name):\(index + 1): expect-change needs 9 fields") }
                expectations.append(
                    Expectation(
                        sql: """
                            SELECT coalesce(denominator::text, ''), coalesce(improved::text, ''), coalesce(unchanged::text, ''),
                                   coalesce(worse::text, ''), coalesce(median_change::text, '')
                            FROM result.computed WHERE period = $1 AND county_fips = $2 AND measure = $3 AND category = ''
                              AND stratification = $4 AND stratum = $5
                            """,
                        parameters: [nil, f[0], f[1], f[2], f[3]], columns: Array(f[4...8]), line: index + 1,
                        source: String(body)))
            } else if body.hasPrefix("expect-published:") {
                // county | measure | category | stratification | stratum | suppressed | numerator | denominator | value
                let f = fields(after: "expect-published:")
                guard f.count == 9 else { throw HarnessError("\(name):\(index + 1): expect-published needs 9 fields") }
                expectations.append(
                    Expectation(
                        sql: """
                            SELECT suppressed, coalesce(numerator::text, ''), coalesce(denominator::text, ''), coalesce(value::text, '')
                            FROM result.published WHERE period = $1 AND county_fips = $2 AND measure = $3 AND category = $4
                              AND stratification = $5 AND stratum = $6
                            """,
                        parameters: [nil, f[0], f[1], f[2], f[3], f[4]], columns: Array(f[5...8]), line: index + 1,
                        source: String(body)))
            } else if body.hasPrefix("expect-reason:") {
                // county | measure | category | stratification | stratum | suppression_reason
                let f = fields(after: "expect-reason:")
                guard f.count == 6 else { throw HarnessError("\(name):\(index + 1): expect-reason needs 6 fields") }
                expectations.append(
                    Expectation(
                        sql: """
                            SELECT coalesce(suppression_reason, '')
                            FROM result.computed WHERE period = $1 AND county_fips = $2 AND measure = $3 AND category = $4
                              AND stratification = $5 AND stratum = $6
                            """,
                        parameters: [nil, f[0], f[1], f[2], f[3], f[4]], columns: [f[5]], line: index + 1,
                        source: String(body)))
            }
        }
        guard let period else { throw HarnessError("\(name): no `-- period:` line") }
        self.period = period
        for i in expectations.indices { expectations[i].parameters[0] = period.description }
    }
}
