import Foundation
import OutcomesStore
import XCTest

final class MigrationNameTests: XCTestCase {
    func testParsesWellFormedNames() throws {
        // NNNN_name.sql: exactly four digits (leading zeros kept), a lower-case name.
        let first = try XCTUnwrap(Migration.parse(fileName: "0001_reference.sql"))
        XCTAssertEqual(first.id, 1)
        XCTAssertEqual(first.name, "reference")

        // The name may contain digits and further underscores; only the first "_" splits.
        let second = try XCTUnwrap(Migration.parse(fileName: "0042_add_2nd_index.sql"))
        XCTAssertEqual(second.id, 42)
        XCTAssertEqual(second.name, "add_2nd_index")

        let last = try XCTUnwrap(Migration.parse(fileName: "9999_x.sql"))
        XCTAssertEqual(last.id, 9999)
        XCTAssertEqual(last.name, "x")
    }

    func testRejectsMalformedNames() {
        let bad = [
            "0000_zero.sql",  // numbering starts at 1
            "001_three_digits.sql",  // not four digits
            "00001_five_digits.sql",
            "0001.sql",  // no name
            "0001_.sql",  // empty name
            "0001_Reference.sql",  // upper case
            "0001_with-dash.sql",
            "0001_with space.sql",
            "0001_café.sql",  // lower case, but not ASCII
            "0001_name.SQL",  // the extension is lower case
            "0001_name.sql.bak",
            "0001_name.txt",
            "0001-name.sql",  // the separator is "_"
            "abcd_name.sql",
            "+001_plus.sql",  // four characters, but a sign is not a digit
            "-001_minus.sql",
            "README.md",
            "",
        ]
        for name in bad {
            XCTAssertNil(Migration.parse(fileName: name), "\(name) should be refused")
        }
    }

    func testFileNameRoundTrips() {
        // id 7 is printed with four digits, so parse(fileName) gives back the same id and name.
        let migration = Migration(id: 7, name: "results_v2", sql: "")
        XCTAssertEqual(migration.fileName, "0007_results_v2.sql")
        let parsed = Migration.parse(fileName: migration.fileName)
        XCTAssertEqual(parsed?.id, 7)
        XCTAssertEqual(parsed?.name, "results_v2")
    }

    func testChecksumIsSHA256OfTheText() {
        // The FIPS 180-2 test vectors: SHA-256("") and SHA-256("abc").
        XCTAssertEqual(
            Migration(id: 1, name: "empty", sql: "").checksum,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(
            Migration(id: 1, name: "abc", sql: "abc").checksum,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testMigratorOrdersByNumber() {
        let migrator = Migrator(migrations: [
            Migration(id: 3, name: "c", sql: ""), Migration(id: 1, name: "a", sql: ""),
            Migration(id: 2, name: "b", sql: ""),
        ])
        XCTAssertEqual(migrator.migrations.map(\.id), [1, 2, 3])
    }

    func testDirectoryReadsSQLFilesAndIgnoresOthers() throws {
        let folder = try temporaryFolder()
        try write("SELECT 2;", to: folder, "0002_second.sql")
        try write("SELECT 1;", to: folder, "0001_first.sql")
        try write("notes", to: folder, "README.md")  // not .sql: ignored
        let migrator = try Migrator(directory: folder)
        XCTAssertEqual(migrator.migrations.map(\.fileName), ["0001_first.sql", "0002_second.sql"])
        XCTAssertEqual(migrator.migrations.map(\.sql), ["SELECT 1;", "SELECT 2;"])
    }

    func testDirectoryRefusesAMisnamedFileAndNamesIt() throws {
        let folder = try temporaryFolder()
        try write("SELECT 1;", to: folder, "0001_first.sql")
        try write("SELECT 2;", to: folder, "2_second.sql")
        XCTAssertThrowsError(try Migrator(directory: folder)) { error in
            guard let error = error as? StoreError else { return XCTFail("expected a StoreError, got \(error)") }
            XCTAssertEqual(error.kind, .migration)
            XCTAssertTrue(error.message.contains("2_second.sql"), error.message)
        }
    }

    func testDirectoryRefusesDuplicateNumbers() throws {
        let folder = try temporaryFolder()
        try write("SELECT 1;", to: folder, "0001_first.sql")
        try write("SELECT 1;", to: folder, "0001_again.sql")
        XCTAssertThrowsError(try Migrator(directory: folder)) { error in
            guard let error = error as? StoreError else { return XCTFail("expected a StoreError, got \(error)") }
            XCTAssertEqual(error.kind, .migration)
            XCTAssertTrue(error.message.contains("0001_first.sql"), error.message)
            XCTAssertTrue(error.message.contains("0001_again.sql"), error.message)
        }
    }

    // MARK: Helpers

    private func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    private func write(_ text: String, to folder: URL, _ name: String) throws {
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }
}
