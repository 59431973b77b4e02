import Foundation
import Logging
import OutcomesStore
import PostgresClient

/// Computes a period's indicators and decides their disclosure, inside PostgreSQL.
///
/// One transaction, acting as the compute role, runs the scripts of SQL/indicators in order:
/// inputs.sql, facts.sql, progress.sql, cells.sql (every measure, county and stratum, from each
/// agency's current extract) and suppress.sql (the one place where suppression is decided). A
/// period's earlier results are replaced atomically: readers see the old results or the new ones,
/// never a mixture.
///
/// The incremental measures (progress.sql) need none of facts.sql's work, so a second session
/// computes most of them on the other core meanwhile (the transaction itself computes the stages of
/// change after facts.sql, so that both take about as long). The second session imports the
/// transaction's snapshot, so both see the same data, and hands back its aggregate rows (never a
/// record), which the transaction copies in before it lays out the cells. It writes nothing and
/// ends with a rollback.
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
        let scripts = try Scripts(directory: sqlDirectory)
        let started = Date()
        return try database.withTransaction(as: .compute) { connection in
            // Repeatable read: every statement sees the snapshot the second session imports.
            try connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            let snapshot = try connection.query("SELECT pg_export_snapshot()").single().decode(String.self, at: 0)
            let progress = Background { try self.progressRows(period, snapshot: snapshot, scripts: scripts) }
            let ownPart = Result {
                try setPeriod(period, on: connection)
                try run(scripts.inputs, named: "inputs.sql", on: connection)
                try run(scripts.facts, named: "facts.sql", on: connection)
                try connection.query("SELECT set_config('outcomes.progress_part', 'stages', true)")
                try run(scripts.progress, named: "progress.sql", on: connection)
            }
            let ownPartDone = Date()
            let rows = try progress.wait()
            try ownPart.get()
            logger.debug(
                "\(period): inputs, facts and stages of change \(Self.seconds(since: started, until: ownPartDone)), the second session's progress done after \(Self.seconds(since: started))"
            )
            try connection.copyIn("COPY pg_temp.t_inc FROM STDIN") { try $0.write(rows) }
            try run(scripts.cells, named: "cells.sql", on: connection)
            try run(scripts.suppress, named: "suppress.sql", on: connection)
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

    /// The second session: inputs.sql and progress.sql (all but the stages of change) on the
    /// transaction's snapshot, then the rows of t_inc (one per measure, county and stratum) as COPY
    /// text.
    private func progressRows(_ period: Period, snapshot: String, scripts: Scripts) throws -> Data {
        // An exported snapshot's id is hexadecimal digits and dashes; SET TRANSACTION SNAPSHOT takes
        // no bound parameter, so the id is checked before it is written into the statement.
        guard !snapshot.isEmpty, snapshot.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw PostgresError(
                kind: .protocolViolation, message: "pg_export_snapshot() returned an unexpected snapshot id")
        }
        return try database.withConnection(as: .compute) { connection in
            try connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ")
            defer { _ = try? connection.query("ROLLBACK") }
            try connection.query("SET TRANSACTION SNAPSHOT '\(snapshot)'")
            try setPeriod(period, on: connection)
            try run(scripts.inputs, named: "inputs.sql", on: connection)
            try connection.query("SELECT set_config('outcomes.progress_part', 'others', true)")
            try run(scripts.progress, named: "progress.sql", on: connection)
            var rows = Data()
            try connection.copyOut("COPY pg_temp.t_inc TO STDOUT") { rows.append(contentsOf: $0) }
            return rows
        }
    }

    private static func seconds(since start: Date, until end: Date = Date()) -> String {
        String(format: "%.2f s", end.timeIntervalSince(start))
    }

    private func setPeriod(_ period: Period, on connection: PostgresConnection) throws {
        try connection.query(
            """
            SELECT set_config('outcomes.period', $1, true), set_config('outcomes.period_start', $2, true),
                   set_config('outcomes.period_end', $3, true)
            """, [period.description, period.start, period.end])
    }

    /// The engine's scripts, read before the transaction starts.
    private struct Scripts: Sendable {
        var inputs, facts, progress, cells, suppress: String

        init(directory: URL) throws {
            func read(_ name: String) throws -> String {
                try String(contentsOf: directory.appendingPathComponent("indicators/\(name)"), encoding: .utf8)
            }
            inputs = try read("inputs.sql")
            facts = try read("facts.sql")
            progress = try read("progress.sql")
            cells = try read("cells.sql")
            suppress = try read("suppress.sql")
        }
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

/// Work on a thread of its own, whose result (or error) the caller waits for.
private final class Background<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, Error>?

    init(_ work: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            result = Result { try work() }
            done.signal()
        }
        thread.start()
    }

    /// Waits for the work to finish (even when the caller has failed meanwhile), then returns its value.
    func wait() throws -> Value {
        done.wait()
        return try result!.get()
    }
}
