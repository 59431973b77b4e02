import Foundation
import Logging
import PostgresClient

/// The least-privileged database role each kind of work runs as (see SQL/migrations/0002_records.sql).
public enum ServiceRole: String, Sendable {
    /// Migrations and administration (the connecting user).
    case owner
    /// Writes one agency's records; row-level security limits it to that agency.
    case ingest = "outcomes_ingest"
    /// Reads record-level data, writes computed results.
    case compute = "outcomes_compute"
    /// Reads the register of agencies and uploads (not their records, nor the uploads' error reports).
    case register = "outcomes_register"
    /// Reads published (suppressed) results only.
    case analyst = "outcomes_analyst"
}

/// Where the service's database is: a URL given by the operator, or the embedded cluster.
public struct Database: Sendable {
    public let conninfo: String
    public let logger: Logger

    public init(conninfo: String, logger: Logger = Logger(label: "outcomes.database")) {
        self.conninfo = conninfo
        self.logger = logger
    }

    /// Opens a connection acting as `role`, runs `body`, and always closes it.
    public func withConnection<T>(as role: ServiceRole = .owner, _ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try PostgresConnection(conninfo: conninfo, logger: logger)
        defer { connection.close() }
        if role != .owner {
            try connection.query("SELECT set_config('role', $1, false)", [role.rawValue])
        }
        return try body(connection)
    }

    /// Vacuums every table of `schema` (and analyses them when asked) in one statement, acting as
    /// `role`. VACUUM cannot run inside a transaction, so this opens a connection of its own. The table
    /// names come from the catalog, quoted.
    public func vacuum(schema: String, analyze: Bool = false, as role: ServiceRole = .owner) throws {
        try withConnection(as: role) { connection in
            let tables = try connection.query(
                "SELECT string_agg(format('%I.%I', schemaname, tablename), ', ' ORDER BY tablename) "
                    + "FROM pg_tables WHERE schemaname = $1", [schema]
            ).single().decode(String?.self, at: 0)
            guard let tables else { return }
            _ = try connection.query("VACUUM \(analyze ? "(ANALYZE) " : "")\(tables)")
        }
    }

    /// Runs `body` in one transaction acting as `role`; it rolls back when `body` throws.
    public func withTransaction<T>(as role: ServiceRole = .owner, _ body: (PostgresConnection) throws -> T) throws -> T
    {
        try withConnection(as: role) { connection in try connection.withTransaction(body) }
    }
}
