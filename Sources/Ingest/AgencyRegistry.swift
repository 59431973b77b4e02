import OutcomesStore
import PostgresClient

/// Registers agencies and the counties each may report for (administrative, owner role).
public struct AgencyRegistry: Sendable {
    public struct Agency: Sendable, Equatable {
        public var code: String
        public var name: String
        public var counties: [String]
    }

    let database: Database

    public init(database: Database) { self.database = database }

    public func add(code: String, name: String, counties: [String]) throws {
        try database.withTransaction { connection in
            let unknown = try connection.query(
                "SELECT c FROM unnest($1::text[]) AS c WHERE c NOT IN (SELECT fips FROM ref.county) ORDER BY c",
                ["{" + counties.joined(separator: ",") + "}"])
            if !unknown.rows.isEmpty {
                let codes = try unknown.rows.map { try $0.decode(String.self, at: 0) }
                throw IngestFailure(
                    description:
                        "Unknown county FIPS code \(codes.joined(separator: ", ")): use California's five-digit codes "
                        + "06001 to 06115 (see `docs/reference.md`).")
            }
            do {
                let id = try connection.query(
                    "INSERT INTO core.agency (code, name) VALUES ($1, $2) RETURNING id", [code, name]
                ).single().decode(Int.self, "id")
                try connection.query(
                    "INSERT INTO core.agency_county (agency_id, county_fips) SELECT $1, unnest($2::text[])",
                    [id, "{" + counties.joined(separator: ",") + "}"])
            } catch let error as PostgresError where error.sqlState == PostgresError.uniqueViolation {
                throw IngestFailure(description: "An agency with the code \(code) is already registered.")
            } catch let error as PostgresError where error.sqlState == "23514" {
                throw IngestFailure(
                    description: "The agency code \(code) is not valid: use 1–32 capital letters, digits, '-' or '_', "
                        + "starting with a letter or digit; the name must not be empty.")
            }
        }
    }

    public func list() throws -> [Agency] {
        try database.withConnection { connection in
            try connection.query(
                """
                SELECT a.code, a.name, coalesce(array_to_string(array_agg(c.county_fips ORDER BY c.county_fips), ','), '') AS counties
                FROM core.agency a LEFT JOIN core.agency_county c ON c.agency_id = a.id
                GROUP BY a.code, a.name ORDER BY a.code
                """
            ).rows.map { row in
                Agency(
                    code: try row.decode(String.self, "code"), name: try row.decode(String.self, "name"),
                    counties: try row.decode(String.self, "counties").split(separator: ",").map(String.init))
            }
        }
    }

    /// The agency's id; an unregistered code is an operational error with the fix.
    /// (Read as the owner: an ingest session sees no agency before it acts for one.)
    static func id(of code: String, on connection: PostgresConnection) throws -> Int {
        let rows = try connection.query("SELECT id FROM core.agency WHERE code = $1", [code.uppercased()]).rows
        guard let row = rows.first else {
            throw IngestFailure(
                description: "No agency is registered with the code \(code). Register it first: "
                    + "outcomes agency add --code \(code) --name NAME --county FIPS")
        }
        return try row.decode(Int.self, "id")
    }
}
