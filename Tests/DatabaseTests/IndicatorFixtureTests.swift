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
/// it into a fresh database, computes the period with the real engine (SQL/indicators: persons
/// (the person index), inputs, events, facts, progress, cells, suppress, then write and
/// write_cells.sql) and compares every
/// `expect…` and `check` line.
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

    /// One kind of `-- expect…:` line: the fields name a row of `view` by `keys` (in order, after the
    /// fixture's period) and then give the expected `values`, compared as text.
    struct Kind {
        var prefix: String
        var view: String
        var keys: [String]
        var conditions: [String] = []
        var values: [String]
    }

    static let kinds = [
        // county | measure | category | stratification | stratum | numerator | denominator | value | note
        Kind(
            prefix: "expect:", view: "result.computed",
            keys: ["county_fips", "measure", "category", "stratification", "stratum"],
            values: [
                "coalesce(numerator::text, '')", "coalesce(denominator::text, '')", "coalesce(value::text, '')", "note",
            ]),
        // county | measure | stratification | stratum | compared | improved | unchanged | worse | median_change
        Kind(
            prefix: "expect-change:", view: "result.computed",
            keys: ["county_fips", "measure", "stratification", "stratum"], conditions: ["category = ''"],
            values: [
                "coalesce(denominator::text, '')", "coalesce(improved::text, '')", "coalesce(unchanged::text, '')",
                "coalesce(worse::text, '')", "coalesce(median_change::text, '')",
            ]),
        // county | measure | category | stratification | stratum | suppressed | numerator | denominator | value
        Kind(
            prefix: "expect-published:", view: "result.published",
            keys: ["county_fips", "measure", "category", "stratification", "stratum"],
            values: [
                "suppressed", "coalesce(numerator::text, '')", "coalesce(denominator::text, '')",
                "coalesce(value::text, '')",
            ]),
        // county | measure | category | stratification | stratum | suppression_reason
        Kind(
            prefix: "expect-reason:", view: "result.computed",
            keys: ["county_fips", "measure", "category", "stratification", "stratum"],
            values: ["coalesce(suppression_reason, '')"]),
    ]

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
            } else if let kind = Self.kinds.first(where: { body.hasPrefix($0.prefix) }) {
                let f = fields(after: kind.prefix)
                let fieldCount = kind.keys.count + kind.values.count
                guard f.count == fieldCount else {
                    throw HarnessError("\(name):\(index + 1): \(kind.prefix.dropLast()) needs \(fieldCount) fields")
                }
                let conditions =
                    ["period = $1"] + kind.keys.enumerated().map { "\($0.element) = $\($0.offset + 2)" }
                    + kind.conditions
                expectations.append(
                    Expectation(
                        sql: "SELECT \(kind.values.joined(separator: ", ")) FROM \(kind.view) WHERE "
                            + conditions.joined(separator: " AND "),
                        parameters: [nil] + f.prefix(kind.keys.count).map { $0 },
                        columns: Array(f.dropFirst(kind.keys.count)),
                        line: index + 1, source: String(body)))
            }
        }
        guard let period else { throw HarnessError("\(name): no `-- period:` line") }
        self.period = period
        for i in expectations.indices { expectations[i].parameters[0] = period.description }
    }
}
