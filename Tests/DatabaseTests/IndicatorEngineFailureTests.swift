import Foundation
import Indicators
import PostgresClient
import TestSupport
import XCTest

/// The engine's two sessions hand each other work (the event facts, the decided cells), and the
/// transaction writes its own cells before the second session is done: a failure in either session
/// must end the computation with that failure, never leave the other waiting, and leave the period's
/// earlier results as they were.
final class IndicatorEngineFailureTests: XCTestCase {
    /// A copy of the checkout's SQL folder in which one indicator script fails (division by zero).
    private func sqlFolder(breaking script: String) throws -> URL {
        try sqlFolder(editing: script) { _ in "SELECT 1 / 0;\n" }
    }

    /// A copy of the checkout's SQL folder with one indicator script's text changed by `edit`.
    private func sqlFolder(editing script: String, _ edit: (String) -> String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-sql-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: TestCluster.checkout.appendingPathComponent("SQL"), to: folder)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("indicators/\(script)")
        try edit(try String(contentsOf: file, encoding: .utf8)).write(to: file, atomically: true, encoding: .utf8)
        return folder
    }

    func testAFailingScriptInEitherSessionFailsTheComputationAndKeepsTheEarlierResults() throws {
        let database = try TestCluster.shared.freshDatabase()
        let period = Period("SFY2025Q4")!
        // The earlier computation, with the real scripts. No agency has sent anything, so every cell
        // exists with a note: 59 areas x (44 x 36 + 3 x 36 + 1) cells, as in 01_population.sql.
        let earlier = try IndicatorEngine(
            database: database, sqlDirectory: TestCluster.checkout.appendingPathComponent("SQL")
        ).compute(period)
        XCTAssertEqual(earlier.cells, 59 * (44 * 36 + 3 * 36 + 1))
        let state = """
            SELECT p.id, p.computed_at::text AS at, count(c.*) AS cells
            FROM result.computation p LEFT JOIN result.cell c ON c.computation_id = p.id
            WHERE p.period = $1 GROUP BY p.id, p.computed_at
            """
        let before = try database.withConnection { try $0.query(state, [period.description]).single() }

        // events.sql: the second session fails before it hands over the event facts the transaction
        // waits for; progress.sql: after that hand-over; facts.sql: the transaction fails while the
        // second session still works; write_cells.sql: the transaction fails after it has replaced
        // the period's computation (write.sql).
        for script in ["events.sql", "progress.sql", "facts.sql", "write_cells.sql"] {
            let engine = IndicatorEngine(database: database, sqlDirectory: try sqlFolder(breaking: script))
            XCTAssertThrowsError(try engine.compute(period), script) { error in
                let failure = error as? PostgresError
                XCTAssertEqual(failure?.sqlState, "22012", "\(script): \(error)")  // division_by_zero
                XCTAssertTrue(failure?.message.hasPrefix("\(script): ") ?? false, "\(script): \(error)")
            }
            let after = try database.withConnection { try $0.query(state, [period.description]).single() }
            XCTAssertEqual(try after.decode(Int.self, "id"), try before.decode(Int.self, "id"), script)
            XCTAssertEqual(try after.decode(String.self, "at"), try before.decode(String.self, "at"), script)
            XCTAssertEqual(try after.decode(Int.self, "cells"), earlier.cells, script)
        }
    }

    /// The person index is rebuilt in a transaction of its own: when the rebuild fails, the previous
    /// index stays as it was, and nothing is computed from it.
    func testAFailingRebuildOfThePersonIndexKeepsThePreviousIndexAndResults() throws {
        let database = try PersonIndexTests.populationFixture()
        let period = Period("SFY2025Q4")!
        _ = try IndicatorEngine(
            database: database, sqlDirectory: TestCluster.checkout.appendingPathComponent("SQL")
        ).compute(period)
        let state = """
            SELECT (SELECT extracts::text || ' ' || built_at::text FROM person_index.state) AS index,
                   (SELECT count(*) FROM person_index.record) AS records,
                   (SELECT computed_at::text FROM result.computation WHERE period = $1) AS computed
            """
        let before = try database.withConnection { try $0.query(state, [period.description]).single() }
        XCTAssertTrue(try before.decode(String.self, "index").hasPrefix("{2,3} "))
        // Fixture 01's current extracts have 10 youth records: y1 to y8 (extract 2), p1, p2 (extract 3).
        XCTAssertEqual(try before.decode(Int.self, "records"), 10)

        try PersonIndexTests.acceptSecondExtractOfAgency2(in: database)
        let engine = IndicatorEngine(database: database, sqlDirectory: try sqlFolder(breaking: "persons.sql"))
        XCTAssertThrowsError(try engine.compute(period)) { error in
            let failure = error as? PostgresError
            XCTAssertEqual(failure?.sqlState, "22012", "\(error)")  // division_by_zero
            XCTAssertTrue(failure?.message.hasPrefix("persons.sql: ") ?? false, "\(error)")
        }
        let after = try database.withConnection { try $0.query(state, [period.description]).single() }
        XCTAssertEqual(try after.decode(String.self, "index"), try before.decode(String.self, "index"))
        XCTAssertEqual(try after.decode(Int.self, "records"), 10)
        XCTAssertEqual(try after.decode(String.self, "computed"), try before.decode(String.self, "computed"))
    }

    /// An extract accepted between the person index's rebuild and the computation's snapshot makes
    /// inputs.sql refuse the index (OC001); the engine then rebuilds it and computes again, at most
    /// three times in all. The race is staged by a persons.sql that records each rebuild and, for the
    /// first `wrong` of them, records other extracts than the current ones in the index's state.
    func testAnIndexThatTurnsOutStaleIsRebuiltAndTheComputationStartedAgain() throws {
        let period = Period("SFY2025Q4")!
        for (wrong, rebuilds, succeeds) in [(1, 2, true), (3, 3, false)] {
            let database = try PersonIndexTests.populationFixture()
            try database.withConnection { connection in
                try connection.execute(
                    script: """
                        CREATE TABLE public.rebuilds (n integer);
                        GRANT SELECT, INSERT ON public.rebuilds TO outcomes_compute;
                        """)
            }
            let engine = IndicatorEngine(
                database: database,
                sqlDirectory: try sqlFolder(editing: "persons.sql") { text in
                    text + """

                        INSERT INTO public.rebuilds VALUES (1);
                        UPDATE person_index.state SET extracts = '{0}'
                        WHERE (SELECT count(*) FROM public.rebuilds) <= \(wrong);
                        """
                })
            if succeeds {
                // Fixture 01: 6 persons in scope in 06001.
                _ = try engine.compute(period)
                XCTAssertEqual(try PersonIndexTests.inScope(database, period, county: "06001"), 6)
            } else {
                XCTAssertThrowsError(try engine.compute(period)) { error in
                    XCTAssertEqual((error as? PostgresError)?.sqlState, "OC001", "\(error)")
                }
                XCTAssertEqual(try integer(database, "SELECT count(*) FROM result.computation"), 0)
            }
            XCTAssertEqual(
                try integer(database, "SELECT count(*) FROM public.rebuilds"), rebuilds,
                "wrong state in the first \(wrong) rebuilds")
        }
    }
}
