import Foundation
import Ingest
import OutcomesStore
import PostgresClient
import TestSupport
import XCTest

/// youth_key and linkage_id are stored only as HMAC-SHA256 with the deployment secret:
/// after a real `outcomes ingest`, no raw value is in any text column of any table,
/// in the CLI's output or report, or in the server's log; the stored hashes equal
/// HMAC-SHA256 computed outside the project.
final class IngestSecretHashingTests: IngestTestCase {
    /// HMAC-SHA256(key "test-secret-0123", value), computed independently with
    /// python3 -c 'import hmac,hashlib;print(hmac.new(b"test-secret-0123",b"YKq7Zt01",hashlib.sha256).hexdigest())'
    static let expectedHashes = [
        "YKq7Zt01": "4cf71e8afe3355807d71c19d4460443c167adc2963238c2066506715cddf3dad",
        "YKq7Zt02": "47b3b50469042a4737fdff8f0407f52e524d5ad8f358aef8183207450f5f3d86",
        "YKq7Zt03": "9ef481408bcdc8110f374a3232dc26700056fd59ad180e37e960ba1631845f38",
        "LZw9Px01": "a5fa21bbccf0c7cb8cae7afc4c2cf4b8559021b96889b16d247cf88690477304",
        "LZw9Px03": "eb7ee46eeaf0b7ab07e4e6e71f192087fcc2eb851ec7d8183b2ba7c9c7f02667",
    ]

    func testNoRawIdentifierIsStoredAndHashesAreKeyedWithTheSecret() throws {
        let db = try Self.makeDatabase()
        let parent = try scratch()
        let folder = try ExtractFiles.fixture().write(in: parent)
        let secret = try secretFile(in: parent)
        let reportFile = parent.appendingPathComponent("report.json")

        let run = try runTool(
            outcomesBinary.path,
            [
                "ingest", folder.path, "--agency", "TEST-A", "--database", db.conninfo, "--report", reportFile.path,
                "--verbose",
            ],
            environment: ["OUTCOMES_SECRET_FILE": secret.path])
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertTrue(run.output.contains("accepted as extract"), run.output)

        // Stored hashes are the independently computed HMACs; rows of other files join on them.
        let hashes = try db.withConnection { c in
            try c.query("SELECT rec, youth_hash, linkage_hash FROM core.youth ORDER BY rec").rows.map {
                [try $0.decode(String.self, "youth_hash"), try $0.decode(String?.self, "linkage_hash") ?? "-"]
            }
        }
        let expected = Self.expectedHashes
        XCTAssertEqual(
            hashes,
            [
                [expected["YKq7Zt01"]!, expected["LZw9Px01"]!], [expected["YKq7Zt02"]!, "-"],
                [expected["YKq7Zt03"]!, expected["LZw9Px03"]!],
            ])
        XCTAssertEqual(
            try integer(
                db, "SELECT count(*) FROM core.cse_flag WHERE rec = 1 AND youth_hash = $1", [expected["YKq7Zt01"]!]), 1)
        XCTAssertEqual(
            try integer(
                db,
                "SELECT count(*) FROM core.goal g JOIN core.youth y USING (extract_id, youth_hash) WHERE y.rec = 1"), 2)

        // The raw values are nowhere: not in any table, output, report or server log.
        let raw = fixtureYouthKeys + fixtureLinkageIDs
        XCTAssertEqual(try columnsContaining(db, raw), [])
        let report = try String(contentsOf: reportFile, encoding: .utf8)
        let serverLog = try String(contentsOf: try TestCluster.shared.cluster.logFile, encoding: .utf8)
        for value in raw {
            XCTAssertFalse(run.output.contains(value), "\(value) in the CLI's output")
            XCTAssertFalse(report.contains(value), "\(value) in the report file")
            XCTAssertFalse(serverLog.contains(value), "\(value) in the server log")
        }
        XCTAssertTrue(report.contains("\"status\" : \"accepted\""), report)
    }

    func testTheSecretIsCreatedOwnerOnlyOnFirstUse() throws {
        let db = try Self.makeDatabase()
        let parent = try scratch()
        let folder = try ExtractFiles.fixture().write(in: parent)
        let secret = parent.appendingPathComponent("keys/secret.key")
        let run = try runTool(
            outcomesBinary.path, ["ingest", folder.path, "--agency", "TEST-A", "--database", db.conninfo],
            environment: ["OUTCOMES_SECRET_FILE": secret.path])
        XCTAssertEqual(run.status, 0, run.output)

        let attributes = try FileManager.default.attributesOfItem(atPath: secret.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let value = try String(contentsOf: secret, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(value.count, 64, "32 random bytes in hex")

        // The stored hash is HMAC-SHA256 with that secret, as openssl computes it.
        let openssl = try runTool(
            "/bin/sh", ["-c", "printf %s YKq7Zt01 | /usr/bin/openssl dgst -sha256 -hmac \"$KEY\""],
            environment: ["KEY": value])
        XCTAssertEqual(openssl.status, 0, openssl.output)
        let digest = openssl.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").last.map(
            String.init)
        let stored = try db.withConnection {
            try $0.query("SELECT youth_hash FROM core.youth WHERE rec = 1").single().decode(String.self, "youth_hash")
        }
        XCTAssertEqual(stored, digest)
        XCTAssertNotEqual(stored, Self.expectedHashes["YKq7Zt01"], "another secret, another hash")
    }

    func testASecretFileThatCannotBeReadIsNotReplaced() throws {
        let db = try Self.makeDatabase()
        let parent = try scratch()
        let folder = try ExtractFiles.fixture().write(in: parent)
        // A path that exists but cannot be read as text (here a folder; as root, modes do not stop
        // reading): the ingest stops with a configuration error (78) that says reading failed, and
        // nothing is created in its place or stored.
        let secret = parent.appendingPathComponent("secret.key")
        try FileManager.default.createDirectory(at: secret, withIntermediateDirectories: false)
        let run = try runTool(
            outcomesBinary.path, ["ingest", folder.path, "--agency", "TEST-A", "--database", db.conninfo],
            environment: ["OUTCOMES_SECRET_FILE": secret.path])
        XCTAssertEqual(run.status, 78, run.output)
        XCTAssertTrue(run.output.contains("Cannot read the secret file \(secret.path)"), run.output)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: secret.path), [])
        XCTAssertEqual(try integer(db, "SELECT count(*) FROM core.extract"), 0)
    }

    func testAnotherSecretIsRefusedBeforeAnythingIsStored() throws {
        let db = try Self.makeDatabase()
        let parent = try scratch()
        let first = try ExtractFiles.fixture().write(in: parent, name: "first")
        var later = try ExtractFiles.fixture()
        later.setManifest(extractedOn: "2025-08-15")
        let second = try later.write(in: parent, name: "second")
        let secret = try secretFile(in: parent)
        func ingest(_ folder: URL) throws -> (status: Int32, output: String) {
            try runTool(
                outcomesBinary.path, ["ingest", folder.path, "--agency", "TEST-A", "--database", db.conninfo],
                environment: ["OUTCOMES_SECRET_FILE": secret.path])
        }
        /// The ingest of `second` stops with a configuration error (78) saying `message`, and stores nothing.
        func assertStopped(saying message: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let run = try ingest(second)
            XCTAssertEqual(run.status, 78, run.output, file: file, line: line)
            XCTAssertTrue(run.output.contains(message), run.output, file: file, line: line)
        }
        XCTAssertEqual(try ingest(first).status, 0)
        // The first ingest recorded the secret's fingerprint, HMAC-SHA256 of a fixed text, computed apart:
        // printf %s "outcomes: hashing secret check" | openssl dgst -sha256 -hmac test-secret-0123
        XCTAssertEqual(
            try string(db, "SELECT fingerprint FROM core.hashing_secret"),
            "f91a38a5067a8596f7420238c780bf656c01975eedddec29154f5d4373a7c43f")
        let before = try tableCounts(db)

        // The secret file is lost. A new one would hash every youth to values that link to no earlier upload:
        // none is made, and the ingest stops with a configuration error, storing nothing, not even a rejection.
        try FileManager.default.removeItem(at: secret)
        try assertStopped(
            saying: "The secret file \(secret.path) is missing, but this database holds identifiers hashed with a "
                + "secret: restore the file from a backup")
        XCTAssertFalse(FileManager.default.fileExists(atPath: secret.path), "no new secret was made")
        // Another secret in its place (a new one made by hand, another deployment's): refused likewise.
        try writeSecret("another-secret-4567", to: secret)
        try assertStopped(
            saying: "The secret used to hash identifiers is not the one this database's identifiers were hashed with, "
                + "so no youth would link to earlier uploads; nothing was stored. Restore the original secret "
                + "file from a backup")
        XCTAssertEqual(try tableCounts(db), before)

        // Restored from the backup but readable by every user (mode 0644, as a copy made without care): refused,
        // as anyone who reads it can test guessed identifiers against the stored hashes; nothing is stored.
        try Data((testSecret + "\n").utf8).write(to: secret)
        XCTAssertEqual(chmod(secret.path, 0o644), 0)
        try assertStopped(
            saying: "The secret file \(secret.path) can be read or changed by users other than its owner (mode 644): "
                + "make it private with chmod 600 \(secret.path)")
        XCTAssertEqual(try tableCounts(db), before)

        // Made private, the same upload is accepted, its youth hashed as before.
        XCTAssertEqual(chmod(secret.path, 0o600), 0)
        let accepted = try ingest(second)
        XCTAssertEqual(accepted.status, 0, accepted.output)
        XCTAssertEqual(
            try integer(
                db, "SELECT count(DISTINCT extract_id) FROM core.youth WHERE youth_hash = $1",
                [Self.expectedHashes["YKq7Zt01"]!]), 2, "the youth of both uploads link")

        // Nobody can change the recorded fingerprint, not even the owner.
        try assertKeptAsHistory(
            db,
            refusing: [
                "UPDATE core.hashing_secret SET fingerprint = repeat('0', 64)", "DELETE FROM core.hashing_secret",
                "TRUNCATE core.hashing_secret",
            ])
    }

    func testADatabaseHashedBeforeFingerprintsNeedsItsSecretRecordedOnce() throws {
        let db = try Self.makeDatabase()
        let parent = try scratch()
        let secret = try secretFile(in: parent)
        let other = parent.appendingPathComponent("other.key")
        try writeSecret("another-secret-4567", to: other)
        func outcomes(_ arguments: [String], secret file: URL) throws -> (status: Int32, output: String) {
            try runTool(
                outcomesBinary.path, arguments + ["--database", db.conninfo],
                environment: ["OUTCOMES_SECRET_FILE": file.path])
        }
        let first = try ExtractFiles.fixture().write(in: parent, name: "first")
        XCTAssertEqual(try outcomes(["ingest", first.path, "--agency", "TEST-A"], secret: secret).status, 0)
        // As a database upgraded from before migration 0013: identifiers stored, no fingerprint recorded.
        try db.withConnection { c in
            try c.execute(
                script: """
                    ALTER TABLE core.hashing_secret DISABLE TRIGGER keep_history;
                    DELETE FROM core.hashing_secret;
                    ALTER TABLE core.hashing_secret ENABLE TRIGGER keep_history;
                    """)
        }
        let before = try tableCounts(db)

        // Nothing says which secret hashed the stored identifiers: the ingest does not guess.
        var later = try ExtractFiles.fixture()
        later.setManifest(extractedOn: "2025-08-15")
        let second = try later.write(in: parent, name: "second")
        let refused = try outcomes(["ingest", second.path, "--agency", "TEST-A"], secret: secret)
        XCTAssertEqual(refused.status, 78, refused.output)
        XCTAssertTrue(
            refused.output.contains(
                "This database holds identifiers hashed before the service recorded which secret it hashes with. "
                    + "Check that the secret file in use"),
            refused.output)
        XCTAssertTrue(refused.output.hasSuffix("then record it once: outcomes db secret --record\n"), refused.output)
        XCTAssertEqual(try tableCounts(db), before)

        XCTAssertEqual(try outcomes(["db", "secret"], secret: secret).status, 64, "--record is required")
        // A missing secret file is not recorded (it would be a new secret made up on the spot).
        let absent = parent.appendingPathComponent("absent.key")
        let notMade = try outcomes(["db", "secret", "--record"], secret: absent)
        XCTAssertEqual(notMade.status, 78, notMade.output)
        XCTAssertTrue(notMade.output.contains("The secret file \(absent.path) is missing"), notMade.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: absent.path))
        XCTAssertEqual(try integer(db, "SELECT count(*) FROM core.hashing_secret"), 0)
        let recorded = try outcomes(["db", "secret", "--record"], secret: secret)
        XCTAssertEqual(recorded.status, 0, recorded.output)
        XCTAssertEqual(
            recorded.output,
            "Recorded the secret in use as this database's: ingests with any other secret are refused.\n")
        XCTAssertEqual(
            try outcomes(["db", "secret", "--record"], secret: secret).output,
            "This secret is recorded already; nothing changed.\n")
        let replaced = try outcomes(["db", "secret", "--record"], secret: other)
        XCTAssertEqual(replaced.status, 78, replaced.output)
        XCTAssertTrue(replaced.output.contains("Another secret is recorded for this database already"), replaced.output)
        XCTAssertEqual(
            try string(db, "SELECT fingerprint FROM core.hashing_secret"),
            "f91a38a5067a8596f7420238c780bf656c01975eedddec29154f5d4373a7c43f", "the first secret's, as computed above")

        let accepted = try outcomes(["ingest", second.path, "--agency", "TEST-A"], secret: secret)
        XCTAssertEqual(accepted.status, 0, accepted.output)
    }
}
