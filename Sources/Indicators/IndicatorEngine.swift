import Foundation
import Logging
import OutcomesStore
import PostgresClient

/// Computes a period's indicators and decides their disclosure, inside PostgreSQL.
///
/// The scripts of SQL/indicators run as the compute role: inputs.sql, then facts.sql (point-in-time
/// measures) and progress.sql (incremental measures), cells.sql, suppress.sql (the one place where
/// suppression is decided) and write.sql, which replaces the period's earlier results atomically:
/// readers see the old results or the new ones, never a mixture.
///
/// Disclosure control links no count of a point-in-time measure to one of an incremental measure,
/// so the two kinds are computed, laid out and decided apart, on both cores at once: the
/// transaction runs facts.sql, a second session runs progress.sql, and each then runs cells.sql and
/// suppress.sql on its own cells. The second session imports the transaction's snapshot, so both
/// see the same data, and hands back its decided cells (aggregates, never a record), which the
/// transaction adds to its own before write.sql. It writes nothing and ends with a rollback.
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
            let incremental = Background { try self.incrementalCells(period, snapshot: snapshot, scripts: scripts) }
            let pointInTime = Result {
                try setPeriod(period, on: connection)
                for script in [scripts.inputs, scripts.facts, scripts.cells, scripts.suppress] {
                    try run(script, on: connection, in: "transaction")
                }
            }
            let pointInTimeDone = Date()
            let rows = try incremental.wait()
            try pointInTime.get()
            logger.debug(
                "\(period): point-in-time measures decided after \(Self.seconds(since: started, until: pointInTimeDone)), both sessions done after \(Self.seconds(since: started))"
            )
            try connection.copyIn("COPY pg_temp.t_decided FROM STDIN") { try $0.write(rows) }
            try run(scripts.write, on: connection, in: "transaction")
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

    /// The second session: the incremental measures' cells, decided, on the transaction's snapshot,
    /// as COPY text of t_decided.
    private func incrementalCells(_ period: Period, snapshot: String, scripts: Scripts) throws -> Data {
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
            for script in [scripts.inputs, scripts.progress, scripts.cells, scripts.suppress] {
                try run(script, on: connection, in: "second session")
            }
            var rows = Data()
            try connection.copyOut("COPY pg_temp.t_decided TO STDOUT") { rows.append(contentsOf: $0) }
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
        struct Script: Sendable {
            var name: String
            var sql: String
        }
        var inputs, facts, progress, cells, suppress, write: Script

        init(directory: URL) throws {
            func read(_ name: String) throws -> Script {
                Script(
                    name: name,
                    sql: try String(
                        contentsOf: directory.appendingPathComponent("indicators/\(name)"), encoding: .utf8))
            }
            inputs = try read("inputs.sql")
            facts = try read("facts.sql")
            progress = try read("progress.sql")
            cells = try read("cells.sql")
            suppress = try read("suppress.sql")
            write = try read("write.sql")
        }
    }

    private func run(_ script: Scripts.Script, on connection: PostgresConnection, in session: String) throws {
        let started = Date()
        do {
            try connection.execute(script: script.sql)
            logger.debug("\(session): \(script.name) \(Self.seconds(since: started))")
        } catch var error as PostgresError {
            error.message = "\(script.name): \(error.message)"
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
