import OutcomesStore
import PostgresClient

/// Makes an earlier accepted extract its agency's current snapshot again (administrative, owner role),
/// for a snapshot sent in error. The restore is recorded with its reason; history is unchanged, and
/// the agency's next accepted upload replaces the restored snapshot as usual.
public struct Snapshots: Sendable {
    public enum Restore: Sendable, Equatable {
        /// The extract is current again, in place of `replacing`.
        case restored(agencyCode: String, replacing: Int64)
        /// The extract was already the agency's current snapshot; nothing changed.
        case alreadyCurrent(agencyCode: String)
    }

    let database: Database

    public init(database: Database) { self.database = database }

    /// `waiting` is told when another upload or restore of the agency is under way and this one waits for it.
    public func restore(extractID: Int64, reason: String, waiting: (String) -> Void = { _ in }) throws -> Restore {
        try database.withTransaction { connection in
            if let agency = try connection.query(
                "SELECT e.agency_id, a.code FROM core.extract e JOIN core.agency a ON a.id = e.agency_id WHERE e.id = $1",
                [extractID]
            ).rows.first {
                let code = try agency.decode(String.self, "code")
                try AgencyRegistry.lockSnapshot(of: try agency.decode(Int.self, "agency_id"), on: connection) {
                    waiting("Another upload or restore for \(code) is under way; the restore waits for it to end.")
                }
            }
            let rows = try connection.query(
                """
                SELECT a.code, e.agency_id, e.status, c.extract_id AS current
                FROM core.extract e JOIN core.agency a ON a.id = e.agency_id
                LEFT JOIN core.current_extract c ON c.agency_id = e.agency_id
                WHERE e.id = $1
                """, [extractID]
            ).rows
            guard let row = rows.first else {
                throw IngestFailure(
                    description: "No upload has the number \(extractID); `outcomes extracts list` shows them.")
            }
            let code = try row.decode(String.self, "code")
            guard try row.decode(String.self, "status") == "accepted" else {
                throw IngestFailure(
                    description: "Extract \(extractID) of \(code) was rejected, so it cannot be a snapshot; "
                        + "restore one of the agency's accepted extracts (`outcomes extracts list --agency \(code)`).")
            }
            let current = try row.decode(Int64.self, "current")
            if current == extractID { return .alreadyCurrent(agencyCode: code) }
            try connection.query(
                "INSERT INTO core.snapshot_restore (agency_id, extract_id, reason) VALUES ($1, $2, $3)",
                [try row.decode(Int.self, "agency_id"), extractID, reason])
            return .restored(agencyCode: code, replacing: current)
        }
    }
}
