import Foundation
import OutcomesStore
import PostgresClient
import TestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// The embedded cluster's whole life, in its own folder (not the shared harness cluster).
final class EmbeddedClusterTests: XCTestCase {
    func testStartsAtOnceOnANewFolderAllSucceed() throws {
        // Three `outcomes db start` at the same time on a new folder: one creates and starts the
        // cluster, the others wait for it and find it running. Each says where it listens (the
        // same socket folder), and all exit 0. (The script stops the server itself: a server left
        // running keeps open a pipe of the test's process launcher, which would wait for it.)
        let home = try ScratchHome.make()
        defer { ScratchHome.destroy(home) }
        let script = """
            for i in 1 2 3; do ("$BIN" db start --home "$H" > "$H/out$i" 2>&1; echo $? > "$H/rc$i") & done; wait
            "$BIN" db stop --home "$H"
            """
        let run = try runTool("/bin/sh", ["-c", script], environment: ["BIN": outcomesBinary.path, "H": home.path])
        XCTAssertEqual(run.status, 0, run.output)
        for i in 1...3 {
            let output = try String(contentsOf: home.appendingPathComponent("out\(i)"), encoding: .utf8)
            let status = try String(contentsOf: home.appendingPathComponent("rc\(i)"), encoding: .utf8)
            XCTAssertEqual(status.trimmingCharacters(in: .whitespacesAndNewlines), "0", output)
            XCTAssertTrue(output.contains("host=\(home.path)/run"), output)
        }
    }

    func testStartStatusStopAndRecoveryFromAKilledServer() throws {
        let home = try ScratchHome.make()
        defer { ScratchHome.destroy(home) }  // also stops the server if an assertion below failed
        // Not ephemeral: this is the configuration `outcomes db start` uses (fsync on),
        // so the crash below is survived the way it would be in production.
        let cluster = EmbeddedCluster(home: home, ephemeral: false)

        // 1. Nothing there yet.
        XCTAssertEqual(try cluster.status(), .notInitialized)

        // 2. start: initdb, then the server; it reports a port and answers queries.
        let conninfo = try cluster.start()
        guard case .running(let port) = try cluster.status() else {
            return XCTFail("not running after start: \(try cluster.status())")
        }
        XCTAssertGreaterThan(port, 0)
        XCTAssertEqual(conninfo, cluster.conninfo(port: port))
        try query(conninfo) { c in
            let row = try c.query(
                """
                SELECT current_database()::text AS db, current_setting('fsync') AS fsync,
                       datcollate::text AS collate, datctype::text AS ctype
                FROM pg_database WHERE datname = current_database()
                """
            ).single()
            XCTAssertEqual(try row.decode(String.self, "db"), EmbeddedCluster.databaseName)
            XCTAssertEqual(try row.decode(String.self, "fsync"), "on")
            // Text sorts bytewise (the engine's sorts and indexes of hashes and codes are faster in C);
            // character classes follow UTF-8.
            XCTAssertEqual(try row.decode(String.self, "collate"), "C")
            XCTAssertEqual(try row.decode(String.self, "ctype"), "C.UTF-8")
        }

        // 3. start again: a no-op on the running server, same port and conninfo.
        let postmaster = try XCTUnwrap(postmasterPID(cluster))
        XCTAssertEqual(try cluster.start(), conninfo)
        XCTAssertEqual(try cluster.status(), .running(port: port))
        XCTAssertEqual(postmasterPID(cluster), postmaster, "the same server process")

        // 4. stop: clean shutdown, the pid file is gone.
        try cluster.stop()
        XCTAssertEqual(try cluster.status(), .stopped)
        XCTAssertNil(postmasterPID(cluster))
        try cluster.stop()  // stopping a stopped cluster does nothing
        XCTAssertThrowsError(try PostgresConnection(conninfo: conninfo))

        // 5. start again and commit a row.
        let restarted = try cluster.start()
        try query(restarted) { c in
            try c.query("CREATE TABLE survivor (note text)")
            try c.query("INSERT INTO survivor VALUES ($1)", ["written before the crash"])
        }

        // 6. kill -9 the postmaster: no shutdown at all, the pid file stays behind.
        let victim = try XCTUnwrap(postmasterPID(cluster))
        XCTAssertEqual(kill(victim, SIGKILL), 0, "kill -9 \(victim): errno \(errno)")
        XCTAssertTrue(
            waitUntil(seconds: 15) { (try? cluster.status()) == .stopped },
            "status should be .stopped after the kill, is \(String(describing: try? cluster.status()))")
        XCTAssertNotNil(postmasterPID(cluster), "the stale pid file is still there")

        // 7. start recovers: the stale pid file is cleared, the server replays its WAL,
        // and the committed row is there.
        let recovered = try cluster.start()
        guard case .running = try cluster.status() else { return XCTFail("not running after recovery") }
        XCTAssertNotEqual(postmasterPID(cluster), victim)
        try query(recovered) { c in
            let rows = try c.query("SELECT note FROM survivor").rows
            XCTAssertEqual(try rows.map { try $0.decode(String.self, "note") }, ["written before the crash"])
        }

        // 8. destroy: server stopped, folder gone.
        try cluster.destroy()
        XCTAssertFalse(FileManager.default.fileExists(atPath: home.path))
        XCTAssertEqual(try cluster.status(), .notInitialized)
    }

    // MARK: Helpers

    private func query(_ conninfo: String, _ body: (PostgresConnection) throws -> Void) throws {
        let connection = try PostgresConnection(conninfo: conninfo)
        defer { connection.close() }
        try body(connection)
    }

    /// The first line of postmaster.pid, as `kill` would need it.
    private func postmasterPID(_ cluster: EmbeddedCluster) -> pid_t? {
        let file = cluster.dataDirectory.appendingPathComponent("postmaster.pid")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.flatMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }
    }

    private func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }
}
