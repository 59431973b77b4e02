import Foundation
import Logging
import OutcomesStore
import PostgresClient

/// Computes a period's indicators and decides their disclosure, inside PostgreSQL.
///
/// The persons of the current extracts and their de-duplicated histories do not depend on the
/// period, so they are kept in the person index (schema person_index), which persons.sql rebuilds in
/// a transaction of its own whenever the current extracts have changed; every computation starts by
/// bringing it up to date and then reads it.
///
/// The scripts of SQL/indicators run as the compute role: inputs.sql, then facts.sql (point-in-time
/// measures) and progress.sql (incremental measures), cells.sql, suppress.sql (the one place where
/// suppression is decided), write.sql and write_cells.sql, which replace the period's earlier
/// results atomically: readers see the old results or the new ones, never a mixture.
///
/// Disclosure control links no count of a point-in-time measure to one of an incremental measure,
/// so the two kinds are computed, laid out and decided apart, on both cores at once: the
/// transaction runs facts.sql, a second session runs progress.sql, and each then runs cells.sql and
/// suppress.sql on its own cells. The second session imports the transaction's snapshot, so both
/// see the same data. It starts with events.sql, whose event facts per person (t_ev1) it hands to
/// the transaction for facts.sql (evening out the two sessions' work), and it ends by handing back
/// its decided cells (aggregates, never a record). Meanwhile the transaction has written its own
/// (write.sql, write_cells.sql); it then writes the second session's the same way. The second
/// session writes nothing and ends with a rollback.
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

    /// Computes the period, after bringing the person index up to date. An extract accepted between
    /// the index's rebuild and the computation's snapshot makes inputs.sql refuse the index; the
    /// index is then rebuilt and the computation started again (at most three times in all).
    public func compute(_ period: Period) throws -> Summary {
        let scripts = try Scripts(directory: sqlDirectory)
        let started = Date()
        var attempt = 1
        while true {
            try refreshPersonIndex(scripts)
            do {
                return try compute(period, scripts: scripts, started: started)
            } catch let error as PostgresError where error.sqlState == Self.staleIndex && attempt < 3 {
                logger.debug("\(period): extracts were accepted meanwhile; rebuilding the person index")
                attempt += 1
            }
        }
    }

    /// SQLSTATE of inputs.sql's refusal of a person index built from other extracts than the current ones.
    static let staleIndex = "OC001"

    /// Rebuilds the person index when it was not built from the current extracts; returns whether it
    /// did. A computation does this itself; it is public so that a batch of ingests can have it done
    /// (and timed) before the first computation.
    @discardableResult
    public func refreshPersonIndex() throws -> Bool {
        try refreshPersonIndex(try Scripts(directory: sqlDirectory))
    }

    @discardableResult
    private func refreshPersonIndex(_ scripts: Scripts) throws -> Bool {
        let rebuilt = try database.withTransaction(as: .compute) { connection in
            // One snapshot for every statement, so the index and its state row agree; the lock comes
            // before the first read, so a rebuild that waited for another one sees the index current.
            try connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            try connection.query("LOCK TABLE person_index.state IN EXCLUSIVE MODE")
            guard try !connection.query("SELECT person_index.is_current()").single().decode(Bool.self, at: 0) else {
                return false
            }
            try run(scripts.persons, on: connection, in: "person index")
            return true
        }
        if rebuilt {
            // The rebuild deleted the previous index's rows; without a vacuum every computation would
            // read them too until autovacuum came by.
            try database.vacuum(schema: "person_index", as: .compute)
        }
        return rebuilt
    }

    private func compute(_ period: Period, scripts: Scripts, started: Date) throws -> Summary {
        try database.withTransaction(as: .compute) { connection in
            // Repeatable read: every statement sees the snapshot the second session imports.
            try connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            let snapshot = try connection.query("SELECT pg_export_snapshot()").single().decode(String.self, at: 0)
            let events = Handoff<TableRows>()
            let incremental = Background {
                try self.incrementalCells(period, snapshot: snapshot, scripts: scripts, events: events)
            }
            let pointInTime = Result {
                try prepareSession(period, on: connection)
                try run(scripts.inputs, on: connection, in: "transaction")
                try events.take().create(on: connection)
                for script in [scripts.facts, scripts.cells, scripts.suppress, scripts.write, scripts.writeCells] {
                    try run(script, on: connection, in: "transaction")
                }
            }
            let pointInTimeDone = Date()
            let incrementalResult = Result { try incremental.wait() }
            // A transaction that failed early (a stale index, which makes the computation start again)
            // drops its exported snapshot, so the second session may fail to import it (55000): that is
            // only a consequence, and the transaction's own error is the one to report.
            if case .failure(let error as PostgresError) = incrementalResult, error.sqlState == "55000",
                case .failure(let cause) = pointInTime
            {
                throw cause
            }
            let decided = try incrementalResult.get()
            try pointInTime.get()
            logger.debug(
                "\(period): point-in-time measures written after \(Self.seconds(since: started, until: pointInTimeDone)), both sessions done after \(Self.seconds(since: started))"
            )
            try decided.replace(on: connection)
            try run(scripts.writeCells, on: connection, in: "transaction")
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

    /// The second session, on the transaction's snapshot: first the event facts per person, handed
    /// to the transaction through `events`; then the incremental measures' cells, decided, returned
    /// as t_decided's rows.
    private func incrementalCells(
        _ period: Period, snapshot: String, scripts: Scripts, events: Handoff<TableRows>
    ) throws -> TableRows {
        // Whatever happens here, the transaction must not wait for the event facts forever (it then
        // reports this session's own error, which it reads first).
        defer {
            events.put(
                .failure(
                    PostgresError(
                        kind: .protocolViolation, message: "the second session ended before its event facts were ready")
                ))
        }
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
            try prepareSession(period, on: connection)
            let eventFacts = Result {
                try run(scripts.events, on: connection, in: "second session")
                return try TableRows(of: "t_ev1", on: connection)
            }
            events.put(eventFacts)
            _ = try eventFacts.get()
            for script in [scripts.inputs, scripts.progress, scripts.cells, scripts.suppress] {
                try run(script, on: connection, in: "second session")
            }
            return try TableRows(of: "t_decided", on: connection)
        }
    }

    private static func seconds(since start: Date, until end: Date = Date()) -> String {
        String(format: "%.2f s", end.timeIntervalSince(start))
    }

    /// Sets what the scripts read (the period) and what must precede them: temp_buffers holds the
    /// session's working tables (about 400 MB at 100,000 youth) in memory, and can be raised only
    /// before the session first fills a temporary table (each computation opens fresh connections).
    private func prepareSession(_ period: Period, on connection: PostgresConnection) throws {
        try connection.query(
            """
            SELECT set_config('temp_buffers', '512MB', true),
                   set_config('outcomes.period', $1, true), set_config('outcomes.period_start', $2, true),
                   set_config('outcomes.period_end', $3, true)
            """, [period.description, period.start, period.end])
    }

    /// The engine's scripts, read before the transaction starts.
    private struct Scripts: Sendable {
        struct Script: Sendable {
            var name: String
            var sql: String
        }
        var persons, inputs, events, facts, progress, cells, suppress, write, writeCells: Script

        init(directory: URL) throws {
            func read(_ name: String) throws -> Script {
                Script(
                    name: name,
                    sql: try String(
                        contentsOf: directory.appendingPathComponent("indicators/\(name)"), encoding: .utf8))
            }
            persons = try read("persons.sql")
            inputs = try read("inputs.sql")
            events = try read("events.sql")
            facts = try read("facts.sql")
            progress = try read("progress.sql")
            cells = try read("cells.sql")
            suppress = try read("suppress.sql")
            write = try read("write.sql")
            writeCells = try read("write_cells.sql")
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

/// A temporary table's rows as COPY text, with its column definitions, handed from one session to the
/// other (temporary tables are private to their session). Only working tables of the engine's own
/// scripts are handed over, so their names are constants and their definitions come from the catalog.
private struct TableRows: Sendable {
    var table: String
    var columns: String
    var rows: Data

    init(of table: String, on connection: PostgresConnection) throws {
        self.table = table
        columns = try connection.query(
            """
            SELECT string_agg(format('%I %s', attname, format_type(atttypid, atttypmod)), ', ' ORDER BY attnum)
            FROM pg_attribute
            WHERE attrelid = ('pg_temp.' || $1)::regclass AND attnum > 0 AND NOT attisdropped
            """, [table]
        ).single().decode(String.self, at: 0)
        var rows = Data()
        try connection.copyOut("COPY pg_temp.\(table) TO STDOUT") { rows.append(contentsOf: $0) }
        self.rows = rows
    }

    /// Creates the table in this session's transaction (dropped at its end), with the rows.
    func create(on connection: PostgresConnection) throws {
        try connection.query("DROP TABLE IF EXISTS pg_temp.\(table)")
        try connection.query("CREATE TEMP TABLE \(table) (\(columns)) ON COMMIT DROP")
        try load(on: connection)
    }

    /// Puts the rows in place of those of this session's table of the same name.
    func replace(on connection: PostgresConnection) throws {
        try connection.query("TRUNCATE pg_temp.\(table)")
        try load(on: connection)
    }

    private func load(on connection: PostgresConnection) throws {
        try connection.copyIn("COPY pg_temp.\(table) FROM STDIN") { try $0.write(rows) }
    }
}

/// A value (or error) one thread hands another, once: the first `put` counts, `take` waits for it.
private final class Handoff<Value: Sendable>: @unchecked Sendable {
    private let ready = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: Result<Value, Error>?

    func put(_ result: Result<Value, Error>) {
        lock.lock()
        defer { lock.unlock() }
        guard self.result == nil else { return }
        self.result = result
        ready.signal()
    }

    func take() throws -> Value {
        ready.wait()
        ready.signal()  // for any later taker
        lock.lock()
        defer { lock.unlock() }
        return try result!.get()
    }
}

/// Work on a thread of its own, whose result (or error) the caller waits for.
private final class Background<Value: Sendable>: Sendable {
    private let outcome = Handoff<Value>()

    init(_ work: @escaping @Sendable () throws -> Value) {
        let outcome = outcome
        Thread { outcome.put(Result { try work() }) }.start()
    }

    /// Waits for the work to finish (even when the caller has failed meanwhile), then returns its value.
    func wait() throws -> Value {
        try outcome.take()
    }
}
