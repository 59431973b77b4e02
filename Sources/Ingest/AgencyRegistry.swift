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

    // MARK: Argument checks (no database needed, so the CLI refuses them as usage errors)

    /// Why an agency code cannot be registered, or nil. Codes are stored in capitals, so pass it uppercased.
    public static func codeProblem(_ code: String) -> String? {
        let letterOrDigit = { (byte: UInt8) in (65...90).contains(byte) || (48...57).contains(byte) }
        let allowed = code.utf8.allSatisfy { letterOrDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
        guard let first = code.utf8.first, letterOrDigit(first), code.utf8.count <= 32, allowed else {
            return "The agency code '\(code)' is not valid: use 1–32 capital letters, digits, '-' or '_', "
                + "starting with a letter or digit (e.g. LA-DCFS)."
        }
        return nil
    }

    /// Why an agency name cannot be registered, or nil: it is shown to analysts and listed one per line.
    public static func nameProblem(_ name: String) -> String? {
        if name.allSatisfy({ $0 == " " }) { return "Give the agency's name with --name (it is blank)." }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "The agency name must be one line of text, without tabs or other control characters."
        }
        if name.count > 200 { return "The agency name is \(name.count) characters long; shorten it to 200 at most." }
        return nil
    }

    /// Why a list of county codes cannot be used, or nil. Whether each code is a California county is
    /// checked against the reference table when the change is made.
    public static func countiesProblem(_ counties: [String]) -> String? {
        if let bad = counties.first(where: { $0.utf8.count != 5 || !$0.utf8.allSatisfy { (48...57).contains($0) } }) {
            return "The county '\(bad)' is not a five-digit FIPS code: use California's codes 06001 to 06115, "
                + "e.g. --county 06037 for Los Angeles (see `docs/reference.md`)."
        }
        var seen = Set<String>()
        if let twice = counties.first(where: { !seen.insert($0).inserted }) {
            return "The county \(twice) is given twice; give each county once."
        }
        return nil
    }

    // MARK: Changes

    public func add(code: String, name: String, counties: [String]) throws {
        try database.withTransaction { connection in
            try Self.requireKnown(counties, on: connection)
            let inserted = try connection.query(
                "INSERT INTO core.agency (code, name) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING RETURNING id",
                [code, name])
            guard let row = inserted.rows.first else {
                throw IngestFailure(
                    description: "An agency with the code \(code) is already registered. Change its counties with "
                        + "`outcomes agency counties --code \(code) --add FIPS` (or --remove FIPS).")
            }
            try connection.query(
                "INSERT INTO core.agency_county (agency_id, county_fips) SELECT $1, unnest($2::text[])",
                [try row.decode(Int.self, "id"), counties])
        }
    }

    /// Adds and removes counties of a registered agency and returns its counties afterwards.
    /// Accepted extracts are not judged again: the change applies to the next upload.
    public func changeCounties(code: String, adding: [String], removing: [String]) throws -> [String] {
        try database.withTransaction { connection in
            let id = try Self.id(of: code, on: connection)
            // One change of an agency's counties at a time: two removals at once could each see the other's
            // county still there and leave none. (NO KEY: an ingest of the agency, whose rows refer to it,
            // need not wait.)
            try connection.query("SELECT FROM core.agency WHERE id = $1 FOR NO KEY UPDATE", [id])
            try Self.requireKnown(adding + removing, on: connection)
            try connection.query(
                "INSERT INTO core.agency_county (agency_id, county_fips) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
                [id, adding])
            try connection.query(
                "DELETE FROM core.agency_county WHERE agency_id = $1 AND county_fips = ANY ($2::text[])",
                [id, removing])
            let counties = try connection.query(
                "SELECT county_fips::text FROM core.agency_county WHERE agency_id = $1 ORDER BY county_fips", [id]
            ).rows.map { try $0.decode(String.self, at: 0) }
            guard !counties.isEmpty else {
                throw IngestFailure(
                    description: "\(code) would be left with no county to report for; it must keep at least one.")
            }
            return counties
        }
    }

    /// Read as the register role, which reads the agencies and no record, and changes nothing.
    public func list() throws -> [Agency] {
        try database.withConnection(as: .register) { connection in
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
                description: "No agency is registered with the code \(code). Check the code (see outcomes agency "
                    + "list), or have the state team register it: outcomes agency add --code \(code) --name NAME "
                    + "--county FIPS")
        }
        return try row.decode(Int.self, "id")
    }

    /// Holds, to the end of the transaction, the right to change the agency's current snapshot (an ingest, a
    /// restore). Without it two changes at once would each take the snapshot they saw as current, and the one
    /// that ends last need not be the current one, though it said so. Calls `waiting` before it waits.
    public static func lockSnapshot(
        of agencyID: Int, on connection: PostgresConnection, waiting: () -> Void
    ) throws {
        let parameters: [(any PostgresBindable)?] = [snapshotLock, agencyID]
        let taken = try connection.query(
            "SELECT pg_try_advisory_xact_lock($1::integer, $2::integer) AS taken", parameters
        ).single().decode(Bool.self, "taken")
        guard !taken else { return }
        waiting()
        try connection.query("SELECT pg_advisory_xact_lock($1::integer, $2::integer)", parameters)
    }

    /// The first key of the advisory locks on agencies' snapshots (the second is the agency's id): "OCSN".
    static let snapshotLock = 0x4F43_534E

    private static func requireKnown(_ counties: [String], on connection: PostgresConnection) throws {
        let unknown = try connection.query(
            "SELECT c FROM unnest($1::text[]) AS c WHERE c NOT IN (SELECT fips FROM ref.county) ORDER BY c", [counties])
        guard unknown.rows.isEmpty else {
            let codes = try unknown.rows.map { try $0.decode(String.self, at: 0) }
            throw IngestFailure(
                description: "Unknown county FIPS code \(codes.joined(separator: ", ")): use California's five-digit "
                    + "codes 06001 to 06115 (see `docs/reference.md`).")
        }
    }
}
