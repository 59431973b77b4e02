import Foundation
import Logging
import OutcomesStore
import PostgresClient

/// Computes a period's indicators and decides their disclosure, inside PostgreSQL.
///
/// One transaction, acting as the compute role, runs SQL/indicators/compute.sql
/// (every measure, county and stratum, from each agency's current extract) and
/// then SQL/indicators/suppress.sql (the one place where suppression is decided).
/// A period's earlier results are replaced atomically: readers see the old
/// results or the new ones, never a mixture.
public struct IndicatorEngine: Sendable {
    let database: Database
    let sqlDirectory: URL
    let logger: Logger

    public init(database: Database, sqlDirectory: URL, logger: Logger = Logger(label: "outcomes.indicators")) {
        self.database = database
        self.sqlDirectory = sqlDirectory
        self.logger = logger
    }

    /// Result of one computation.
    public struct Summary: Sendable {
        public var period: Period
        public var cells: Int
        public var suppressed: Int
        public var seconds: Double
    }

    public func compute(_ period: Period) throws -> Summary {
        let compute = try script("compute.sql")
        let suppress = try script("suppress.sql")
        let started = Date()
        return try database.withTransaction(as: .compute) { connection in
            try connection.query(
                """
                SELECT set_config('outcomes.period', $1, true), set_config('outcomes.period_start', $2, true),
                       set_config('outcomes.period_end', $3, true)
                """, [period.description, period.start, period.end])
            try run(compute, named: "compute.sql", on: connection)
            try run(suppress, named: "suppress.sql", on: connection)
            let counts = try connection.query(
                """
                SELECT count(*) AS cells, count(*) FILTER (WHERE c.suppressed) AS suppressed
                FROM result.cell c JOIN result.computation p ON p.id = c.computation_id
                WHERE p.period = $1
                """, [period.description]
            ).single()
            let summary = Summary(
                period: period, cells: try counts.decode(Int.self, "cells"),
                suppressed: try counts.decode(Int.self, "suppressed"),
                seconds: Date().timeIntervalSince(started))
            logger.debug("computed \(period): \(summary.cells) cells, \(summary.suppressed) suppressed")
            return summary
        }
    }

    private func script(_ name: String) throws -> String {
        try String(contentsOf: sqlDirectory.appendingPathComponent("indicators/\(name)"), encoding: .utf8)
    }

    private func run(_ sql: String, named name: String, on connection: PostgresConnection) throws {
        do {
            try connection.execute(script: sql)
        } catch var error as PostgresError {
            error.message = "\(name): \(error.message)"
            throw error
        }
    }
}
