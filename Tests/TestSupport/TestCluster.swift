import Foundation
import Logging
import OutcomesStore
import PostgresClient

/// The one throwaway PostgreSQL cluster of a test process.
///
/// The first test that asks for a database starts it, with the project's own
/// `EmbeddedCluster` (fsync off) in a fresh `/tmp/oc-XXXXXX` folder, and migrates
/// the `outcomes_template` database once with the project's `Migrator`. Each test
/// then gets its own database copied from that template, which takes a fraction
/// of a second, so tests never see each other's rows. The cluster and its folder
/// are deleted when the process exits, whether the tests passed or failed (see
/// `ScratchHome`). Processes that do not touch the database never start it.
public final class TestCluster: Sendable {
    public static let shared = TestCluster()
    public static let templateName = "outcomes_template"

    private struct Running: Sendable {
        var cluster: EmbeddedCluster
        var port: Int
        var created = 0
    }

    private enum State: Sendable {
        case notStarted
        case running(Running)
        /// Starting failed once; every later test gets the same explanation at once.
        case failed(String)
    }

    private let state = Locked(State.notStarted)

    private init() {}

    /// The checkout this file was compiled from (Tests/TestSupport/TestCluster.swift → ../../).
    public static let checkout: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var migrationsDirectory: URL { checkout.appendingPathComponent("SQL/migrations", isDirectory: true) }

    /// The running cluster, started (and the template migrated) on first use.
    public var cluster: EmbeddedCluster { get throws { try withRunning { $0.cluster } } }
    public var port: Int { get throws { try withRunning { $0.port } } }

    /// Conninfo of any database of the cluster, as its superuser over the unix socket.
    public func conninfo(database: String) throws -> String {
        try withRunning { $0.cluster.conninfo(port: $0.port, database: database) }
    }

    /// A new database with every migration applied, for one test.
    public func freshDatabase(logger: Logger = Logger(label: "outcomes.test")) throws -> Database {
        try createDatabase(template: Self.templateName, logger: logger)
    }

    /// A new database with no migration applied (for the migration tests).
    public func emptyDatabase(logger: Logger = Logger(label: "outcomes.test")) throws -> Database {
        try createDatabase(template: "template0", logger: logger)
    }

    // MARK: Internals

    private func createDatabase(template: String, logger: Logger) throws -> Database {
        // Creations are serialised: CREATE DATABASE reads the template, and
        // XCTest runs tests one at a time anyway.
        try withRunning { running in
            running.created += 1
            let name = "test_\(running.created)"
            let admin = try PostgresConnection(
                conninfo: running.cluster.conninfo(port: running.port, database: "postgres"))
            defer { admin.close() }
            // Names cannot be bound parameters; both are generated here, never user input.
            try admin.query("CREATE DATABASE \(name) TEMPLATE \(template)")
            return Database(conninfo: running.cluster.conninfo(port: running.port, database: name), logger: logger)
        }
    }

    private func withRunning<R>(_ body: (inout Running) throws -> R) throws -> R {
        try state.withLock { state in
            switch state {
            case .running: break
            case .failed(let reason): throw HarnessError(reason)
            case .notStarted:
                do {
                    state = .running(try Self.start())
                } catch {
                    state = .failed("The test cluster could not be started: \(error)")
                    throw HarnessError("The test cluster could not be started: \(error)")
                }
            }
            guard case .running(var running) = state else { throw HarnessError("unreachable") }
            defer { state = .running(running) }
            return try body(&running)
        }
    }

    private static func start() throws -> Running {
        let home = try ScratchHome.make()
        let cluster = EmbeddedCluster(home: home, ephemeral: true)
        try cluster.start()
        guard case .running(let port) = try cluster.status() else {
            throw HarnessError("the cluster in \(home.path) started but does not report a port")
        }
        let admin = try PostgresConnection(conninfo: cluster.conninfo(port: port, database: "postgres"))
        defer { admin.close() }
        try admin.query("CREATE DATABASE \(templateName)")
        // Migrate once; every test database is a copy of this one. The connection
        // must be closed before copying: a template cannot have other sessions.
        let migrator = try Migrator(directory: migrationsDirectory)
        let template = try PostgresConnection(conninfo: cluster.conninfo(port: port, database: templateName))
        defer { template.close() }
        try migrator.migrate(on: template)
        return Running(cluster: cluster, port: port)
    }
}

/// The harness itself could not do its job (not a failure of the code under test).
public struct HarnessError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
