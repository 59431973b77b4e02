import ArgumentParser
import Foundation
import Ingest
import Logging
import OutcomesStore
import PostgresClient

/// Options every command that touches the database shares.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .customLong("database"),
        help: ArgumentHelp(
            "PostgreSQL URL or conninfo of an existing server (default: $OUTCOMES_DATABASE_URL, else the embedded cluster).",
            valueName: "url"))
    var databaseURL: String?

    @Option(
        help: ArgumentHelp(
            "Folder of the embedded cluster and the secret (default: $OUTCOMES_HOME or ./.outcomes).", valueName: "path"
        ))
    var home: String?

    @Option(
        help: ArgumentHelp("Folder holding the project's SQL (default: found beside the program).", valueName: "path"))
    var sqlDir: String?

    @Flag(name: .shortAndLong, help: "Print progress and server notices.")
    var verbose = false

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The database URL given by option or environment, if any.
    var externalDatabase: String? {
        databaseURL ?? environment["OUTCOMES_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var homeURL: URL {
        let path = home ?? environment["OUTCOMES_HOME"] ?? ".outcomes"
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL
    }

    var cluster: EmbeddedCluster { EmbeddedCluster(home: homeURL) }

    func validate() throws {
        if let url = externalDatabase, ConnectionString.options(of: url) == nil {
            throw ValidationError("--database is not a valid PostgreSQL URL or conninfo string.")
        }
    }

    func bootstrapLogging() {
        let level: Logger.Level = verbose ? .debug : .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// The database to use: the given server, or the embedded cluster (started if needed) — migrated either way.
    func database() throws -> Database {
        bootstrapLogging()
        let conninfo = try externalDatabase ?? cluster.start()
        let database = Database(conninfo: conninfo)
        let migrator = try Migrator(directory: sqlDirectory().appendingPathComponent("migrations"))
        try database.withConnection { connection in _ = try migrator.migrate(on: connection) }
        return database
    }

    /// Hashes identifiers with the deployment secret ($OUTCOMES_SECRET_FILE, else `secret.key` in the home
    /// folder). A missing secret is created only for a database that holds no identifiers yet: for any
    /// other, a new secret would link no youth to earlier uploads, so the file must be restored instead.
    func identifierHasher(for database: Database) throws -> IdentifierHasher {
        let file =
            environment["OUTCOMES_SECRET_FILE"].map { URL(fileURLWithPath: $0) }
            ?? homeURL.appendingPathComponent("secret.key")
        if let secret = try SecretFile.read(at: file) { return IdentifierHasher(secret: secret) }
        guard try !Ingestor.holdsIdentifiers(in: database) else {
            throw StoreError(
                .configuration,
                "The secret file \(file.path) is missing, but this database holds identifiers hashed with a secret: "
                    + "restore the file from a backup (a new secret would link no youth to earlier uploads), or "
                    + "correct OUTCOMES_SECRET_FILE or the home folder if they point elsewhere than usual.")
        }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        return IdentifierHasher(secret: try SecretFile.create(at: file, bytes: 32))
    }

    func sqlDirectory() throws -> URL {
        try Resources.directory(named: "SQL", explicit: sqlDir, environmentKey: "OUTCOMES_SQL_DIR")
    }
}
