import ArgumentParser
import Foundation
import Ingest
import OutcomesStore
import PostgresClient

struct DB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the embedded PostgreSQL cluster and the schema.",
        subcommands: [Start.self, Stop.self, Status.self, Migrate.self, Secret.self]
    )

    /// Refuses cluster management when the operator pointed the program at another server.
    static func requireEmbedded(_ global: GlobalOptions, command: String) throws {
        if global.externalDatabase != nil {
            throw ValidationError(
                "`db \(command)` manages the embedded cluster only; it does nothing with --database or OUTCOMES_DATABASE_URL."
            )
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create (first time) and start the embedded cluster, then apply pending migrations.")
        @OptionGroup var global: GlobalOptions

        func validate() throws { try DB.requireEmbedded(global, command: "start") }

        func run() throws {
            try reportingFailures {
                _ = try global.database()
                guard case .running(let port) = try global.cluster.status() else {
                    throw StoreError(.unavailable, "The embedded cluster stopped right after starting; see its log.")
                }
                print("PostgreSQL is running: \(global.cluster.displayURL(port: port))")
                print("Local socket: \(global.cluster.conninfo(port: port))")
            }
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the embedded cluster.")
        @OptionGroup var global: GlobalOptions

        func validate() throws { try DB.requireEmbedded(global, command: "stop") }

        func run() throws {
            try reportingFailures {
                let cluster = global.cluster
                guard case .running = try cluster.status() else {
                    print("The embedded cluster in \(cluster.home.path) is not running.")
                    return
                }
                try cluster.stop()
                print("Stopped the embedded cluster in \(cluster.home.path).")
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say whether the database is reachable and print its connection URL.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try reportingFailures {
                if let url = global.externalDatabase {
                    let database = Database(conninfo: url)
                    try database.withConnection { connection in
                        let version = try connection.query("SHOW server_version").single().decode(String.self, at: 0)
                        print("PostgreSQL \(version) is reachable at \(ConnectionString.redacted(url)).")
                    }
                    return
                }
                let cluster = global.cluster
                switch try cluster.status() {
                case .notInitialized:
                    throw StoreError(
                        .unavailable,
                        "No embedded cluster exists in \(cluster.home.path); run `outcomes db start` to create one.")
                case .stopped:
                    throw StoreError(
                        .unavailable,
                        "The embedded cluster in \(cluster.home.path) is not running; run `outcomes db start`.")
                case .running(let port):
                    print("running: \(cluster.displayURL(port: port))")
                    print("socket:  \(cluster.conninfo(port: port))")
                }
            }
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending migrations and list what was applied.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try reportingFailures {
                global.bootstrapLogging()
                let conninfo = try global.externalDatabase ?? global.cluster.start()
                let migrator = try Migrator(directory: global.sqlDirectory().appendingPathComponent("migrations"))
                let applied = try Database(conninfo: conninfo).withConnection { try migrator.migrate(on: $0) }
                if applied.isEmpty {
                    print("The schema is up to date (\(migrator.migrations.count) migrations applied earlier).")
                } else {
                    for migration in applied { print("applied \(migration.fileName)") }
                }
            }
        }
    }

    struct Secret: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the secret in use as the one this database's identifiers are hashed with.",
            discussion: """
                Needed once, for a database that holds identifiers hashed before the service recorded its \
                secret (an upgrade from before migration 0013): check first that the secret file in use is \
                the one they were hashed with. A new database records its secret with its first ingest.
                """)
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Record the secret (required: the command changes what every later ingest accepts).")
        var record = false

        func validate() throws {
            guard record else { throw ValidationError("Give --record to record the secret in use.") }
        }

        func run() throws {
            try reportingFailures {
                let database = try global.database()
                let recorded = try Ingestor.recordSecret(of: try global.identifierHasher(for: database), in: database)
                print(
                    recorded
                        ? "Recorded the secret in use as this database's: ingests with any other secret are refused."
                        : "This secret is recorded already; nothing changed.")
            }
        }
    }
}
