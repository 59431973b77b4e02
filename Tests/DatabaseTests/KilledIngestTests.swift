import Foundation
import Ingest
import OutcomesStore
import PostgresClient
import TestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// A process killed at any moment of an ingest leaves the database as if the ingest had
/// not started. The test runs the real CLI (`.build/debug/outcomes ingest`, built by
/// `swift build --build-tests`) on a large valid extract and SIGKILLs it in three
/// phases: while it streams a file with COPY, while the set-based validation runs, and
/// while accept.sql copies the records into the core tables (under a savepoint); then once
/// more while it stages the same extract sent as a zip, whose unpacked copy (raw identifiers)
/// the next zip ingest removes. Last, a zip ingest is stopped with SIGTERM (as by Ctrl-C or
/// `kill`), which it catches to remove its unpacked copy before it ends.
final class KilledIngestTests: IngestTestCase {
    static let youthCount = 100_000

    /// A valid extract of `youthCount` youth, each with one at_risk flag, written line by line.
    private func writeLargeExtract(in parent: URL) throws -> URL {
        let folder = parent.appendingPathComponent("large", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(#"{"format_version": 1, "agency_code": "TEST-A", "extracted_on": "2025-07-15"}"#.utf8)
            .write(to: folder.appendingPathComponent("extract.json"))
        func write(_ name: String, header: String, row: (Int) -> String) throws {
            let url = folder.appendingPathComponent(name)
            XCTAssertTrue(FileManager.default.createFile(atPath: url.path, contents: nil), url.path)
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            var chunk = header + "\n"
            for i in 1...Self.youthCount {
                chunk += row(i)
                if chunk.utf8.count > 1 << 20 {
                    try handle.write(contentsOf: Data(chunk.utf8))
                    chunk = ""
                }
            }
            try handle.write(contentsOf: Data(chunk.utf8))
        }
        try write("youth.csv", header: "youth_key,linkage_id,county_fips,birth_month,gender,race_ethnicity,race_source")
        {
            "Y\($0),L\($0),\($0 % 2 == 0 ? "06001" : "06075"),2009-04,female,HISPANIC;WHITE,self\n"
        }
        try write(
            "cse_flags.csv",
            header: "youth_key,flag,flagged_on,basis,exploitation_types,incident_on,last_occurrence_on,resolved_on"
        ) { "Y\($0),at_risk,2024-01-01,other,,,,\n" }
        return folder
    }

    private struct Phase {
        var name: String
        /// How the statement of that phase starts in pg_stat_activity.query.
        var queryPrefix: String
        var zipped = false
        var signal = SIGKILL
    }

    func testKillingARealIngestLeavesNoTrace() throws {
        let binary = outcomesBinary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            XCTFail("\(binary.path) is missing: run `swift build --build-tests` first")
            return
        }
        let db = try Self.makeDatabase()
        let agency = try agencyID(db, "TEST-A")
        let parent = try scratch()
        let folder = try writeLargeExtract(in: parent)
        let zip = parent.appendingPathComponent("large.zip")
        try runZip(["-r", zip.path, "large"], in: parent)
        // The ingests' temporary folder, where a zip is unpacked.
        let unpacked = parent.appendingPathComponent("tmp", isDirectory: true)
        try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: false)
        func unpackedFolders() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: unpacked.path).filter {
                $0.hasPrefix("outcomes-extract-")
            }
        }
        let secret = try secretFile(in: parent)
        let environment = ["OUTCOMES_SECRET_FILE": secret.path, "TMPDIR": unpacked.path]
        let databaseName = try db.withConnection {
            try $0.query("SELECT current_database()").single().decode(String.self, at: 0)
        }

        let phases = [
            Phase(name: "COPY into staging", queryPrefix: "COPY pg_temp.stage_"),
            Phase(name: "validation", queryPrefix: "-- Set-based validation"),
            Phase(name: "acceptance", queryPrefix: "-- Copies the records whose cells passed"),
            Phase(name: "COPY from a zip", queryPrefix: "COPY pg_temp.stage_", zipped: true),
            Phase(name: "COPY from a zip, SIGTERM", queryPrefix: "COPY pg_temp.stage_", zipped: true, signal: SIGTERM),
        ]
        for phase in phases {
            let log = parent.appendingPathComponent("ingest-\(phase.name.prefix(4)).log")
            XCTAssertTrue(FileManager.default.createFile(atPath: log.path, contents: nil), log.path)
            let output = try FileHandle(forWritingTo: log)
            defer { try? output.close() }
            let process = Process()
            process.executableURL = binary
            process.arguments = [
                "ingest", phase.zipped ? zip.path : folder.path, "--agency", "TEST-A", "--database", db.conninfo,
            ]
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            process.standardOutput = output
            process.standardError = output
            process.standardInput = FileHandle.nullDevice
            try process.run()

            // Wait until the ingest's backend is running the statement of this phase.
            var backend: Int?
            let deadline = Date().addingTimeInterval(300)
            try db.withConnection { watcher in
                while backend == nil, process.isRunning, Date() < deadline {
                    backend = try watcher.query(
                        """
                        SELECT pid FROM pg_stat_activity
                        WHERE datname = $1 AND pid <> pg_backend_pid() AND state = 'active' AND starts_with(query, $2)
                        """, [databaseName, phase.queryPrefix]
                    ).rows.first?.decode(Int.self, "pid")
                    if backend == nil { usleep(5_000) }
                }
            }
            guard let backend else {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                XCTFail("never saw the \(phase.name) phase: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
                return
            }

            XCTAssertEqual(kill(process.processIdentifier, phase.signal), 0)
            process.waitUntilExit()
            if phase.signal == SIGKILL {
                XCTAssertEqual(process.terminationReason, .uncaughtSignal, phase.name)
                XCTAssertEqual(process.terminationStatus, SIGKILL, phase.name)
            } else {
                // Caught: the unpacked copy is removed, then the process ends as the shell reports a signal.
                XCTAssertEqual(process.terminationReason, .exit, phase.name)
                XCTAssertEqual(process.terminationStatus, 128 + phase.signal, phase.name)
            }

            // The server notices the dead client and ends its backend, rolling back.
            let gone = Date().addingTimeInterval(60)
            while try integer(db, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", [backend]) > 0, Date() < gone
            {
                usleep(20_000)
            }
            XCTAssertEqual(
                try integer(db, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", [backend]), 0, "backend gone")

            XCTAssertEqual(
                try integer(db, "SELECT count(*) FROM core.extract WHERE agency_id = $1", [agency]), 0, phase.name)
            for table in recordTables {
                XCTAssertEqual(
                    try integer(db, "SELECT count(*) FROM core.\(table) WHERE agency_id = $1", [agency]), 0,
                    "\(phase.name): \(table)")
            }
            XCTAssertEqual(
                try integer(db, "SELECT count(*) FROM pg_class WHERE relpersistence = 't' AND relname LIKE 'stage_%'"),
                0,
                "\(phase.name): no staging table left")
            // Killed, the process could not remove the zip it had unpacked; stopped with SIGTERM it did, and
            // it removed, as it opened the zip, what the killed one had left.
            XCTAssertEqual(
                try unpackedFolders().map { $0.hasPrefix("outcomes-extract-\(process.processIdentifier)-") },
                phase.zipped && phase.signal == SIGKILL ? [true] : [], phase.name)
        }

        // Look-alikes that are not an abandoned copy of this user's are left alone (their "process"
        // 99999999 does not exist): another user's folder, a folder others may read, a link, and a name
        // of the form an earlier version used.
        let lookAlikes = [
            "outcomes-extract-99999999-\(UUID().uuidString)", "outcomes-extract-99999999-\(UUID().uuidString)",
            "outcomes-extract-\(UUID().uuidString)",
        ].map { unpacked.appendingPathComponent($0) }
        let link = unpacked.appendingPathComponent("outcomes-extract-99999999-\(UUID().uuidString)")
        for folder in lookAlikes {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        }
        XCTAssertEqual(chown(lookAlikes[0].path, 65534, 65534), 0)
        XCTAssertEqual(chmod(lookAlikes[1].path, 0o755), 0)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: parent)

        // Not killed, the same extract is accepted: the kills above really interrupted a valid ingest.
        // Sent as a zip, it removes its own copy, and leaves the look-alikes.
        let finished = try runTool(
            binary.path, ["ingest", zip.path, "--agency", "TEST-A", "--database", db.conninfo],
            environment: environment)
        XCTAssertEqual(finished.status, 0, finished.output)
        XCTAssertEqual(
            try unpackedFolders().sorted(),
            (lookAlikes + [link]).map(\.lastPathComponent).sorted(),
            "no unpacked copy of any zip is left, and nothing else was removed")
        XCTAssertEqual(
            try integer(db, "SELECT count(*) FROM core.youth WHERE agency_id = $1", [agency]), Self.youthCount)
    }

    func testAKilledIngestEndsItsStatementAtOnceAndFreesItsAgency() throws {
        // A statement of a killed ingest would run on to its end (tens of seconds on the largest extracts),
        // holding the agency's snapshot lock all that time, so that the agency's next upload waited. Every
        // session asks the server to check each second that its client is still there. Here the statement
        // cannot end at all: a transaction holds ref.extract_column, which the ingest reads after taking
        // TEST-A's lock, and the ingest is killed while it waits for it. Its backend must be gone, and the
        // lock free, within seconds, while that transaction still holds the table.
        let db = try Self.makeDatabase()
        let parent = try scratch()
        let folder = try ExtractFiles.fixture().write(in: parent)
        let secret = try secretFile(in: parent)
        let process = Process()
        process.executableURL = outcomesBinary
        process.arguments = ["ingest", folder.path, "--agency", "TEST-A", "--database", db.conninfo]
        process.environment = ProcessInfo.processInfo.environment.merging(["OUTCOMES_SECRET_FILE": secret.path]) {
            $1
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let advisoryLocks = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
        try db.withTransaction { blocker in
            try blocker.query("LOCK TABLE ref.extract_column IN ACCESS EXCLUSIVE MODE")
            try start(process, untilASessionOf: db, waits: "wait_event_type = 'Lock' AND wait_event = 'relation'")
            XCTAssertTrue(process.isRunning, "the ingest waits for ref.extract_column")
            XCTAssertEqual(try integer(db, advisoryLocks), 1, "holding TEST-A's snapshot")
            XCTAssertEqual(kill(process.processIdentifier, SIGKILL), 0)
            process.waitUntilExit()
            let deadline = Date().addingTimeInterval(10)
            while try integer(db, advisoryLocks) > 0, Date() < deadline { usleep(20_000) }
            XCTAssertEqual(try integer(db, advisoryLocks), 0, "the killed ingest's backend has gone")
        }
        XCTAssertEqual(try integer(db, "SELECT count(*) FROM core.extract"), 0)
    }
}
