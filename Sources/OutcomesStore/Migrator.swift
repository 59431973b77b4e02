import Crypto
import Foundation
import PostgresClient

/// One forward-only schema change, `SQL/migrations/NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    public let id: Int
    public let name: String
    public let sql: String
    public let checksum: String

    public var fileName: String { String(format: "%04d_%@.sql", id, name) }

    public init(id: Int, name: String, sql: String) {
        self.id = id
        self.name = name
        self.sql = sql
        self.checksum = SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Parses `NNNN_name.sql`; nil for any other name.
    public static func parse(fileName: String) -> (id: Int, name: String)? {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        let parts = stem.split(separator: "_", maxSplits: 1)
        // ASCII only: Int("+001") is 1, and Character.isLowercase accepts "é".
        guard parts.count == 2, parts[0].count == 4, parts[0].allSatisfy({ $0.isASCII && $0.isNumber }),
            let id = Int(parts[0]), id > 0,
            parts[1].allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }), !parts[1].isEmpty
        else { return nil }
        return (id, String(parts[1]))
    }
}

/// Applies pending migrations, each in its own transaction, and records them with their checksum.
///
/// Re-running applies nothing; a migration whose file changed after it was
/// applied is refused, because the database no longer matches the file.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    public init(migrations: [Migration]) {
        self.migrations = migrations.sorted { $0.id < $1.id }
    }

    /// Reads every migration in a folder, refusing misnamed files and duplicate numbers.
    public init(directory: URL) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }
        var seen: [Int: String] = [:]
        var migrations: [Migration] = []
        for name in names.sorted() {
            guard let parsed = Migration.parse(fileName: name) else {
                throw StoreError(
                    .migration,
                    "\(directory.path)/\(name) is not a valid migration name; use NNNN_lower_case_name.sql (four digits)."
                )
            }
            if let other = seen[parsed.id] {
                throw StoreError(
                    .migration, "Migrations \(other) and \(name) share the number \(parsed.id); renumber one.")
            }
            seen[parsed.id] = name
            let sql = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            migrations.append(Migration(id: parsed.id, name: parsed.name, sql: sql))
        }
        self.init(migrations: migrations)
    }

    static let bookkeeping = """
        CREATE TABLE IF NOT EXISTS public.outcomes_migration (
            id         integer PRIMARY KEY,
            name       text NOT NULL,
            checksum   text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """
    /// Serialises concurrent `migrate` runs against one database.
    static let lockKey = 7_242_001

    /// The migrations not yet applied, after checking applied ones are unchanged.
    public func pending(on connection: PostgresConnection) throws -> [Migration] {
        // Under the lock too: two first runs at once would both create the table, and one would fail.
        try connection.withTransaction { conn in
            try conn.query("SELECT pg_advisory_xact_lock($1)", [Migrator.lockKey])
            try conn.query(Migrator.bookkeeping)
        }
        let applied = try connection.query("SELECT id, name, checksum FROM public.outcomes_migration ORDER BY id")
        var recorded: [Int: String] = [:]
        for row in applied.rows {
            recorded[try row.decode(Int.self, "id")] = try row.decode(String.self, "checksum")
        }
        for migration in migrations {
            if let checksum = recorded[migration.id], checksum != migration.checksum {
                throw StoreError(
                    .migration,
                    "Migration \(migration.fileName) was changed after it was applied to this database "
                        + "(recorded checksum \(checksum.prefix(12))…, file now \(migration.checksum.prefix(12))…). "
                        + "Migrations are forward-only: restore the file and put the change in a new migration.")
            }
        }
        return migrations.filter { recorded[$0.id] == nil }
    }

    /// Applies what is pending and returns what was applied, in order.
    @discardableResult
    public func migrate(on connection: PostgresConnection) throws -> [Migration] {
        var applied: [Migration] = []
        for migration in try pending(on: connection) {
            let done = try connection.withTransaction { conn -> Bool in
                try conn.query("SELECT pg_advisory_xact_lock($1)", [Migrator.lockKey])
                // Another process may have applied it while we waited for the lock.
                let already = try conn.query("SELECT 1 FROM public.outcomes_migration WHERE id = $1", [migration.id])
                guard already.rows.isEmpty else { return false }
                do {
                    try conn.execute(script: migration.sql)
                } catch var error as PostgresError {
                    error.message = "migration \(migration.fileName) failed: \(error.message)"
                    throw error
                }
                try conn.query(
                    "INSERT INTO public.outcomes_migration (id, name, checksum) VALUES ($1, $2, $3)",
                    [migration.id, migration.name, migration.checksum])
                return true
            }
            if done { applied.append(migration) }
        }
        return applied
    }
}
