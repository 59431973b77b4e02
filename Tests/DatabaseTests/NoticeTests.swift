import Logging
import OutcomesStore
import PostgresClient
import TestSupport
import XCTest

final class NoticeTests: XCTestCase {
    func testServerNoticesReachTheLogger() throws {
        let db = try TestCluster.shared.freshDatabase()
        let (logger, store) = CapturingLogHandler.logger()
        let connection = try PostgresConnection(conninfo: db.conninfo, logger: logger)
        defer { connection.close() }
        try connection.query("DO $$ BEGIN RAISE NOTICE 'hello'; END $$")
        try connection.query("DO $$ BEGIN RAISE WARNING 'careful: %', 42; END $$")

        let entries = store.all
        XCTAssertEqual(
            entries.first { $0.message == "hello" },
            CapturingLogHandler.Entry(level: .notice, message: "hello", metadata: ["severity": "NOTICE"]))
        XCTAssertEqual(
            entries.first { $0.message == "careful: 42" },
            CapturingLogHandler.Entry(level: .warning, message: "careful: 42", metadata: ["severity": "WARNING"]))
    }

    func testDatabaseConnectionsUseTheDatabaseLogger() throws {
        let (logger, store) = CapturingLogHandler.logger()
        let db = try TestCluster.shared.freshDatabase(logger: logger)
        try db.withConnection { c in
            try c.execute(script: "DO $$ BEGIN RAISE NOTICE 'from a script'; END $$; SELECT 1;")
        }
        XCTAssertTrue(store.all.contains { $0.level == .notice && $0.message == "from a script" }, "\(store.all)")
    }
}
