import Foundation
import Ingest
import OutcomesStore
import PostgresClient
import TestSupport
import XCTest

// Shared helpers of the ingest tests (IngestRuleTests, IngestMalformedFileTests,
// IngestLifecycleTests, IngestSecretHashingTests, AccessControlTests, KilledIngestTests).
//
// Every test starts from the committed valid extract in Tests/Fixtures/extracts/valid
// (agency TEST-A, counties 06001 and 06075, extracted_on 2025-07-15) and changes
// one thing, so the fixture of each rule is the valid extract plus the one change
// written next to the expected issue.

/// The deployment secret the tests hash identifiers with.
let testSecret = "test-secret-0123"

/// The raw identifiers of the valid fixture (youth_key and linkage_id values).
let fixtureYouthKeys = ["YKq7Zt01", "YKq7Zt02", "YKq7Zt03"]
let fixtureLinkageIDs = ["LZw9Px01", "LZw9Px03"]

/// The record-level tables, each with an agency_id column and row-level security (the last holds the
/// instrument scores acceptance derives from the assessment records).
let recordTables = [
    "youth", "cse_flag", "placement", "absence", "event", "school_term", "assessment", "stage_of_change", "goal",
    "assessment_score",
]

/// An extract being put together for one test: file name → bytes.
struct ExtractFiles {
    var files: [String: Data]

    static let fixtureDirectory = TestCluster.checkout.appendingPathComponent(
        "Tests/Fixtures/extracts", isDirectory: true)

    /// A committed fixture folder (default: the valid extract).
    static func fixture(_ name: String = "valid") throws -> ExtractFiles {
        let folder = fixtureDirectory.appendingPathComponent(name, isDirectory: true)
        var files: [String: Data] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            files[file] = try Data(contentsOf: folder.appendingPathComponent(file))
        }
        return ExtractFiles(files: files)
    }

    /// A file's text (nil when absent); setting nil removes the file.
    subscript(_ name: String) -> String? {
        get { files[name].map { String(decoding: $0, as: UTF8.self) } }
        set { files[name] = newValue.map { Data($0.utf8) } }
    }

    /// The lines of a CSV file (header first), without line endings.
    func lines(_ name: String) -> [String] {
        var lines = (self[name] ?? "").components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    mutating func setLines(_ name: String, _ lines: [String]) {
        self[name] = lines.map { $0 + "\n" }.joined()
    }

    /// Rewrites the lines of every CSV file of the extract (header first).
    mutating func editLinesOfEveryCSV(_ edit: ([String]) -> [String]) {
        for name in files.keys.sorted() where name.hasSuffix(".csv") { setLines(name, edit(lines(name))) }
    }

    /// Sets one cell of data record `record` (1 = first data row). The fixture has no quoted cells.
    mutating func set(_ name: String, record: Int, _ column: String, _ value: String) {
        var lines = self.lines(name)
        let header = lines[0].components(separatedBy: ",")
        guard let index = header.firstIndex(of: column) else { fatalError("\(name) has no column \(column)") }
        var cells = lines[record].components(separatedBy: ",")
        cells[index] = value
        lines[record] = cells.joined(separator: ",")
        setLines(name, lines)
    }

    /// Replaces data record `record` with a raw line.
    mutating func replace(_ name: String, record: Int, with line: String) {
        var lines = self.lines(name)
        lines[record] = line
        setLines(name, lines)
    }

    /// Adds a column named `name` (as written in the header) at the end of every line of a CSV file, with
    /// `value` in every record.
    mutating func addColumn(_ name: String, to file: String, value: String) {
        let lines = self.lines(file)
        setLines(file, [lines[0] + "," + name] + lines.dropFirst().map { $0 + "," + value })
    }

    /// Appends raw data lines; they become the next record numbers.
    mutating func append(_ name: String, _ newLines: String...) {
        setLines(name, lines(name) + newLines)
    }

    mutating func setManifest(version: String = "1", agency: String = "TEST-A", extractedOn: String = "2025-07-15") {
        self["extract.json"] = """
            {"format_version": \(version), "agency_code": "\(agency)", "extracted_on": "\(extractedOn)"}

            """
    }

    /// Writes the files into a new folder `name` under `parent` and returns it.
    @discardableResult
    func write(in parent: URL, name: String = "extract") throws -> URL {
        let folder = parent.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (file, data) in files { try data.write(to: folder.appendingPathComponent(file)) }
        return folder
    }
}

/// One issue a test expects. `expected` is the key part of the issue's `expected` text.
struct ExpectedIssue: CustomStringConvertible {
    var file: String
    var record: Int?
    var column: String?
    var value: String?
    var expected: String

    init(_ file: String, _ record: Int?, _ column: String?, _ value: String?, _ expected: String) {
        self.file = file
        self.record = record
        self.column = column
        self.value = value
        self.expected = expected
    }

    func matches(_ issue: IngestIssue) -> Bool {
        issue.file == file && issue.record == record && issue.column == column && issue.value == value
            && issue.expected.contains(expected)
    }

    var description: String {
        "(\(file), record \(record.map(String.init) ?? "nil"), column \(column ?? "nil"), value \(value.map { "\"\($0)\"" } ?? "nil"), …\(expected)…)"
    }
}

/// Starts `process` and returns once one of the database's sessions waits for a lock as `waits` says (a
/// condition on pg_stat_activity), or the process has ended, or a minute has passed: callers then assert that
/// it is still running, i.e. waiting.
func start(_ process: Process, untilASessionOf db: Database, waits: String) throws {
    try process.run()
    let deadline = Date().addingTimeInterval(60)
    while process.isRunning, Date() < deadline,
        try integer(db, "SELECT count(*) FROM pg_stat_activity WHERE \(waits) AND datname = current_database()") == 0
    {
        usleep(20_000)
    }
}

/// One integer from a query run as the owner (which row-level security does not restrict).
func integer(_ db: Database, _ sql: String, _ parameters: [(any PostgresBindable)?] = []) throws -> Int {
    try db.withConnection { try $0.query(sql, parameters).single().decode(Int.self, at: 0) }
}

/// One text value from a query run as the owner.
func string(_ db: Database, _ sql: String, _ parameters: [(any PostgresBindable)?] = []) throws -> String {
    try db.withConnection { try $0.query(sql, parameters).single().decode(String.self, at: 0) }
}

extension IngestIssue {
    var debugLine: String {
        "(\(file), record \(record.map(String.init) ?? "nil"), column \(column ?? "nil"), value \(value.map { "\"\($0)\"" } ?? "nil"), \(expected))"
    }
}

/// Base class: scratch folders, databases with the test agencies, ingest and assertions.
class IngestTestCase: XCTestCase {
    static let sqlDirectory = TestCluster.checkout.appendingPathComponent("SQL", isDirectory: true)

    /// A fresh folder removed after the test.
    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "ingest-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// `parent/secret.key` holding `testSecret`, for a CLI run given it in OUTCOMES_SECRET_FILE.
    func secretFile(in parent: URL) throws -> URL {
        let secret = parent.appendingPathComponent("secret.key")
        try writeSecret(testSecret, to: secret)
        return secret
    }

    /// Writes a secret file as an operator must: private to its owner (mode 0600), else it is refused.
    func writeSecret(_ secret: String, to url: URL) throws {
        try Data((secret + "\n").utf8).write(to: url)
        XCTAssertEqual(chmod(url.path, 0o600), 0, url.path)
    }

    /// A migrated database with TEST-A and TEST-B registered (both for 06001 and 06075).
    static func makeDatabase() throws -> Database {
        let db = try TestCluster.shared.freshDatabase()
        let registry = AgencyRegistry(database: db)
        try registry.add(code: "TEST-A", name: "Test agency A", counties: ["06001", "06075"])
        try registry.add(code: "TEST-B", name: "Test agency B", counties: ["06001", "06075"])
        return db
    }

    func ingestor(_ db: Database, secret: String = testSecret) -> Ingestor {
        Ingestor(database: db, hasher: IdentifierHasher(secret: secret), sqlDirectory: Self.sqlDirectory)
    }

    /// Writes the extract to a scratch folder and ingests it as `agency`.
    func ingest(_ extract: ExtractFiles, into db: Database, agency: String = "TEST-A") throws -> IngestOutcome {
        let folder = try extract.write(in: try scratch())
        return try ingestor(db).ingest(path: folder.path, agencyCode: agency)
    }

    /// Asserts the extract was rejected with exactly these issues (in any order) and no others.
    func assertRejected(
        _ outcome: IngestOutcome, with expected: [ExpectedIssue], file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(outcome.status, .rejected, "the extract is rejected", file: file, line: line)
        XCTAssertEqual(outcome.issues.total, expected.count, "number of issues", file: file, line: line)
        var unmatched = outcome.issues.listed
        var missing: [ExpectedIssue] = []
        for expectation in expected {
            if let index = unmatched.firstIndex(where: expectation.matches) {
                unmatched.remove(at: index)
            } else {
                missing.append(expectation)
            }
        }
        if !missing.isEmpty || !unmatched.isEmpty {
            XCTFail(
                "issues differ.\n  expected but not found:\n    "
                    + missing.map(\.description).joined(separator: "\n    ")
                    + "\n  found but not expected:\n    " + unmatched.map(\.debugLine).joined(separator: "\n    "),
                file: file, line: line)
        }
    }

    /// Makes a zip as agencies do: `/usr/bin/zip -q ARGUMENTS` run in `folder`, which must succeed.
    func runZip(_ arguments: [String], in folder: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let made = try runTool("/usr/bin/zip", ["-q"] + arguments, in: folder)
        XCTAssertEqual(made.status, 0, made.output, file: file, line: line)
    }

    /// Each statement, run as the owner, is refused as a change of history (23001, core.keep_history()).
    func assertKeptAsHistory(
        _ db: Database, refusing statements: [String], file: StaticString = #filePath, line: UInt = #line
    ) throws {
        try db.withConnection { connection in
            for statement in statements {
                XCTAssertThrowsError(try connection.query(statement), statement, file: file, line: line) { error in
                    XCTAssertEqual((error as? PostgresError)?.sqlState, "23001", statement, file: file, line: line)
                }
            }
        }
    }

    func assertAccepted(_ outcome: IngestOutcome, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(outcome.status, .accepted, "the extract is accepted", file: file, line: line)
        XCTAssertEqual(
            outcome.issues.listed.map(\.debugLine), [], "no issues", file: file, line: line)
    }

    /// Rows of every base table in the core and result schemas (schema.table → count).
    func tableCounts(_ db: Database) throws -> [String: Int] {
        try db.withConnection { connection in
            let tables = try connection.query(
                """
                SELECT table_schema || '.' || table_name AS name, format('%I.%I', table_schema, table_name) AS quoted
                FROM information_schema.tables
                WHERE table_schema IN ('core', 'result') AND table_type = 'BASE TABLE' ORDER BY 1
                """
            ).rows.map { (try $0.decode(String.self, "name"), try $0.decode(String.self, "quoted")) }
            var counts: [String: Int] = [:]
            for (name, quoted) in tables {
                // Names come from the catalog, quoted by format('%I').
                counts[name] = try connection.query("SELECT count(*) FROM \(quoted)").single().decode(Int.self, at: 0)
            }
            return counts
        }
    }

    /// Every text-like column of every table in the database (text, varchar, char, json, jsonb,
    /// arrays of them, and pg_statistic's sampled values) that contains `needle`, case-insensitively,
    /// as "schema.table.column". The queries are built in SQL from the catalog with format('%I').
    func columnsContaining(_ db: Database, _ needles: [String]) throws -> [String] {
        try db.withConnection { connection in
            let queries = try connection.query(
                """
                SELECT format('SELECT %L AS place FROM %I.%I WHERE EXISTS (SELECT FROM unnest($1::text[]) n
                               WHERE position(lower(n) IN lower(%I::text)) > 0) LIMIT 1',
                              c.table_schema || '.' || c.table_name || '.' || c.column_name,
                              c.table_schema, c.table_name, c.column_name) AS q
                FROM information_schema.columns c
                JOIN information_schema.tables t USING (table_schema, table_name)
                WHERE t.table_type IN ('BASE TABLE', 'LOCAL TEMPORARY')
                  AND c.table_schema <> 'information_schema'
                  AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'anyarray')
                       OR (c.data_type = 'ARRAY' AND c.udt_name IN ('_text', '_varchar', '_bpchar', '_json', '_jsonb')))
                ORDER BY 1
                """
            ).rows.map { try $0.decode(String.self, "q") }
            XCTAssertGreaterThan(queries.count, 50, "the search covers the project's tables and the catalog")
            var found: [String] = []
            for query in queries {
                found += try connection.query(query, [needles]).rows.map { try $0.decode(String.self, "place") }
            }
            return found
        }
    }

    func agencyID(_ db: Database, _ code: String) throws -> Int {
        try integer(db, "SELECT id FROM core.agency WHERE code = $1", [code])
    }
}

/// Writes zip archives byte by byte (entries stored, not compressed), so tests can
/// build archives no ordinary tool writes: paths outside the folder, links, many entries.
struct StoredZip {
    enum Kind { case file, directory, symlink }
    struct Entry {
        var path: String
        var data: Data
        var kind: Kind
    }

    var entries: [Entry] = []

    mutating func add(_ path: String, _ data: Data, kind: Kind = .file) {
        entries.append(Entry(path: path, data: data, kind: kind))
    }

    mutating func add(_ path: String, _ text: String) { add(path, Data(text.utf8)) }

    /// Adds every file of an extract, optionally under a folder prefix ("extract/").
    mutating func add(_ extract: ExtractFiles, prefix: String = "") {
        for name in extract.files.keys.sorted() { add(prefix + name, extract.files[name]!) }
    }

    func write(to url: URL) throws {
        var out = Data()
        var central = Data()
        for entry in entries {
            let name = Data(entry.path.utf8)
            let crc = StoredZip.crc32(entry.data)
            let offset = UInt32(out.count)
            let mode: UInt32
            switch entry.kind {
            case .file: mode = 0o100644 << 16
            case .directory: mode = (0o040755 << 16) | 0x10
            case .symlink: mode = 0o120777 << 16
            }
            // Local file header.
            out.le32(0x0403_4b50); out.le16(20); out.le16(0); out.le16(0); out.le16(0); out.le16(0x21)
            out.le32(crc); out.le32(UInt32(entry.data.count)); out.le32(UInt32(entry.data.count))
            out.le16(UInt16(name.count)); out.le16(0)
            out.append(name); out.append(entry.data)
            // Central directory record (made by Unix, so the mode is read from the external attributes).
            central.le32(0x0201_4b50); central.le16((3 << 8) | 20); central.le16(20); central.le16(0); central.le16(0)
            central.le16(0); central.le16(0x21); central.le32(crc); central.le32(UInt32(entry.data.count))
            central.le32(UInt32(entry.data.count)); central.le16(UInt16(name.count)); central.le16(0); central.le16(0)
            central.le16(0); central.le16(0); central.le32(mode); central.le32(offset)
            central.append(name)
        }
        let centralOffset = UInt32(out.count)
        out.append(central)
        out.le32(0x0605_4b50); out.le16(0); out.le16(0); out.le16(UInt16(entries.count));
        out.le16(UInt16(entries.count))
        out.le32(UInt32(central.count)); out.le32(centralOffset); out.le16(0)
        try out.write(to: url)
    }

    static func crc32(_ data: Data) -> UInt32 {
        var table = [UInt32](repeating: 0, count: 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            table[i] = c
        }
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

extension Data {
    fileprivate mutating func le16(_ value: UInt16) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
    fileprivate mutating func le32(_ value: UInt32) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}

/// The command-line program built by `swift build` in this checkout.
var outcomesBinary: URL { TestCluster.checkout.appendingPathComponent(".build/debug/outcomes") }
