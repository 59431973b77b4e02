import Foundation
import OutcomesStore
import PostgresClient
import TestSupport
import XCTest

private struct Boom: Error, Equatable {}

final class CopyTests: XCTestCase {
    static let rowCount = 1_000_000
    /// Set in the child process only: the database to load, and where to write the report.
    static let childConninfoKey = "OUTCOMES_TEST_COPY_CONNINFO"
    static let childReportKey = "OUTCOMES_TEST_COPY_REPORT"
    static let memoryLimit = 100_000_000  // 100 MB

    struct ChildReport: Codable {
        var rowsCopiedIn: Int
        var rowsOut: Int
        var bytesOut: Int
        var rowsEndingInNewline: Int
        /// VmHWM when the child's test began (runtime, XCTest and the test bundle loaded).
        var peakAtStart: Int
        /// VmHWM after both COPYs: the highest resident size the child ever had.
        var peakAtEnd: Int
    }

    /// 1,000,000 rows (id bigint, bucket int, label text) streamed in from a generator
    /// and back out, in a process whose peak memory is measured.
    ///
    /// How memory is measured: the test process itself has already run other tests
    /// (result sets, clusters) and carries XCTest's bookkeeping, and its peak so far
    /// would hide the COPY's. So the COPY runs in a child process, the same test
    /// executable re-run with only this test and an environment variable that makes
    /// it the loader. The child reads its own VmHWM (the kernel's record of the most
    /// resident memory the process ever had) from /proc/self/status when it starts
    /// and when both COPYs are done. The absolute end value must be under 100 MB:
    /// that is the whole process's peak, runtime and all, not an estimate of the COPY's
    /// share. Row generation, sending and receiving all happen in that process.
    func testMillionRowCopyStreamsWithPeakMemoryUnder100MB() throws {
        if let conninfo = ChildTest.value(of: Self.childConninfoKey),
            let reportPath = ChildTest.value(of: Self.childReportKey)
        {
            return try loadInChild(conninfo: conninfo, reportPath: reportPath)
        }

        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection {
            _ = try $0.query(
                "CREATE TABLE copy_probe (id bigint NOT NULL, bucket integer NOT NULL, label text NOT NULL)")
        }
        let reportURL = FileManager.default.temporaryDirectory.appendingPathComponent("copy-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: reportURL) }
        let outcome = try ChildTest.run(
            test: "\(String(reflecting: Self.self))/testMillionRowCopyStreamsWithPeakMemoryUnder100MB",
            environment: [Self.childConninfoKey: db.conninfo, Self.childReportKey: reportURL.path])
        XCTAssertEqual(outcome.status, 0, "the child failed:\n\(outcome.output)")
        let report = try JSONDecoder().decode(ChildReport.self, from: Data(contentsOf: reportURL))

        let n = Self.rowCount
        XCTAssertEqual(report.rowsCopiedIn, n, "COPY FROM STDIN reports every row")
        // COPY TO STDOUT hands over one row per call, each ending in a newline.
        XCTAssertEqual(report.rowsOut, n)
        XCTAssertEqual(report.rowsEndingInNewline, n)
        // Bytes of row i: digits(i) + "\t" + digits(i mod 1000) + "\t" + "row-" + digits(i) + "\n".
        // Σ digits(i) for i = 1…1,000,000: 9·1 + 90·2 + 900·3 + 9,000·4 + 90,000·5 + 900,000·6 + 7 = 5,888,896.
        // Σ digits(i mod 1000): each of 0…999 occurs 1,000 times; digits(0…999) = 10·1 + 90·2 + 900·3 = 2,890
        // → 2,890,000. Fixed bytes per row: 2 tabs + 4 ("row-") + 1 newline = 7 → 7,000,000.
        // Total: 2 × 5,888,896 + 2,890,000 + 7,000,000 = 21,667,792.
        XCTAssertEqual(report.bytesOut, 21_667_792)

        // Everything arrived: the count, and sums worked out from the formulas.
        // Σ i = n(n+1)/2 = 1,000,000 × 1,000,001 / 2 = 500,000,500,000.
        // Σ (i mod 1000): 1,000 full cycles of 0 + 1 + … + 999 = 499,500 → 499,500,000.
        // Σ length('row-' || i) = 4n + Σ digits(i) = 4,000,000 + 5,888,896 = 9,888,896.
        let row = try db.withConnection { c in
            try c.query(
                """
                SELECT count(*) AS n, sum(id)::bigint AS ids, sum(bucket)::bigint AS buckets,
                       sum(length(label))::bigint AS label_chars, count(DISTINCT id) AS distinct_ids,
                       bool_and(label = 'row-' || id) AS labels_match
                FROM copy_probe
                """
            ).single()
        }
        XCTAssertEqual(try row.decode(Int.self, "n"), 1_000_000)
        XCTAssertEqual(try row.decode(Int.self, "ids"), 500_000_500_000)
        XCTAssertEqual(try row.decode(Int.self, "buckets"), 499_500_000)
        XCTAssertEqual(try row.decode(Int.self, "label_chars"), 9_888_896)
        XCTAssertEqual(try row.decode(Int.self, "distinct_ids"), 1_000_000)
        XCTAssertEqual(try row.decode(Bool.self, "labels_match"), true)

        let mb = { (bytes: Int) in String(format: "%.1f MB", Double(bytes) / 1_000_000) }
        print(
            "COPY of \(n) rows in and \(mb(report.bytesOut)) out: child peak RSS \(mb(report.peakAtEnd)) "
                + "(\(mb(report.peakAtStart)) before the COPY)")
        XCTAssertGreaterThan(report.peakAtStart, 0)
        XCTAssertLessThan(report.peakAtEnd, Self.memoryLimit, "peak resident memory of the loading process")
    }

    /// The child's side: stream the rows in from a generator, stream them back, report.
    private func loadInChild(conninfo: String, reportPath: String) throws {
        let peakAtStart = try XCTUnwrap(ProcessMemory.peakResident())
        let connection = try PostgresConnection(conninfo: conninfo)
        defer { connection.close() }
        let n = Self.rowCount
        let copied = try connection.copyIn("COPY copy_probe (id, bucket, label) FROM STDIN") { writer in
            // Rows are generated on the fly into one 64 KiB buffer that is reused.
            var chunk = ""
            chunk.reserveCapacity(1 << 16)
            for i in 1...n {
                chunk += "\(i)\t\(i % 1000)\trow-\(i)\n"
                if chunk.utf8.count >= 60_000 {
                    try writer.write(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            if !chunk.isEmpty { try writer.write(chunk) }
        }
        var rows = 0
        var bytes = 0
        var newlines = 0
        try connection.copyOut("COPY copy_probe TO STDOUT") { buffer in
            rows += 1
            bytes += buffer.count
            if buffer.last == UInt8(ascii: "\n") { newlines += 1 }
        }
        let report = ChildReport(
            rowsCopiedIn: copied, rowsOut: rows, bytesOut: bytes, rowsEndingInNewline: newlines,
            peakAtStart: peakAtStart, peakAtEnd: try XCTUnwrap(ProcessMemory.peakResident()))
        try JSONEncoder().encode(report).write(to: URL(fileURLWithPath: reportPath))
    }

    func testCopyInFromAFileInChunks() throws {
        let db = try TestCluster.shared.freshDatabase()
        // 10,000 rows with multi-byte text, read 333 bytes at a time: chunks end in the
        // middle of rows and of characters, which the server must reassemble.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("copy-\(UUID().uuidString).tsv")
        defer { try? FileManager.default.removeItem(at: file) }
        var text = ""
        for i in 1...10_000 { text += "\(i)\tÑandú-\(i)-東京\n" }
        try Data(text.utf8).write(to: file)

        try db.withConnection { c in
            try c.query("CREATE TABLE from_file (id integer, label text)")
            let copied = try c.copyIn("COPY from_file FROM STDIN", fileAt: file.path, chunkSize: 333)
            XCTAssertEqual(copied, 10_000)
            // Σ i for 1…10,000 = 10,000 × 10,001 / 2 = 50,005,000.
            let row = try c.query(
                "SELECT count(*) AS n, sum(id)::bigint AS ids, bool_and(label = 'Ñandú-' || id || '-東京') AS ok FROM from_file"
            ).single()
            XCTAssertEqual(try row.decode(Int.self, "n"), 10_000)
            XCTAssertEqual(try row.decode(Int.self, "ids"), 50_005_000)
            XCTAssertEqual(try row.decode(Bool.self, "ok"), true)

            // A missing file fails before COPY starts; the connection stays usable.
            XCTAssertThrowsError(try c.copyIn("COPY from_file FROM STDIN", fileAt: file.path + ".missing"))
            XCTAssertEqual(try c.query("SELECT count(*) AS n FROM from_file").single().decode(Int.self, "n"), 10_000)
        }
    }

    func testThrowingFromTheBodyAbortsTheCopy() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { c in
            try c.query("CREATE TABLE aborted (id integer)")
            XCTAssertThrowsError(
                try c.copyIn("COPY aborted FROM STDIN") { writer in
                    for i in 1...500 { try writer.write("\(i)\n") }
                    throw Boom()
                }
            ) { error in
                XCTAssertEqual(error as? Boom, Boom(), "the body's own error comes out")
            }
            // The 500 rows already sent are not kept, and the connection works.
            XCTAssertEqual(try c.query("SELECT count(*) AS n FROM aborted").single().decode(Int.self, "n"), 0)
            try c.copyIn("COPY aborted FROM STDIN") { try $0.write("1\n2\n") }
            XCTAssertEqual(try c.query("SELECT count(*) AS n FROM aborted").single().decode(Int.self, "n"), 2)
        }
    }

    func testBadDataFailsTheWholeCopyWithoutEchoingIt() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { c in
            try c.query("CREATE TABLE strict_rows (id integer)")
            XCTAssertThrowsError(
                try c.copyIn("COPY strict_rows FROM STDIN") { try $0.write("1\n2\nSECRET-ID-77\n4\n") }
            ) {
                error in
                guard let error = error as? PostgresError else { return XCTFail("not a PostgresError: \(error)") }
                XCTAssertEqual(error.sqlState, "22P02")
                XCTAssertFalse(String(reflecting: error).contains("SECRET-ID-77"))
            }
            XCTAssertEqual(try c.query("SELECT count(*) AS n FROM strict_rows").single().decode(Int.self, "n"), 0)
        }
    }

    func testCopyOutOfAQuery() throws {
        let db = try TestCluster.shared.freshDatabase()
        try db.withConnection { c in
            var lines: [String] = []
            try c.copyOut(
                "COPY (SELECT number, fips, name FROM ref.county WHERE number IN (1, 19, 58) ORDER BY number) TO STDOUT"
            ) {
                lines.append(String(decoding: $0, as: UTF8.self))
            }
            XCTAssertEqual(lines, ["1\t06001\tAlameda\n", "19\t06037\tLos Angeles\n", "58\t06115\tYuba\n"])
            // A statement that is not a COPY TO is refused.
            XCTAssertThrowsError(try c.copyOut("SELECT 1") { _ in }) { error in
                XCTAssertEqual((error as? PostgresError)?.kind, .protocolViolation)
            }
        }
    }
}
