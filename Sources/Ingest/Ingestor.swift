import Foundation
import Logging
import OutcomesStore
import PostgresClient

/// What became of an upload.
public struct IngestOutcome: Sendable {
    public enum Status: String, Sendable, Codable {
        case accepted
        case rejected
        /// A byte-identical extract was accepted earlier; nothing changed.
        case alreadyAccepted = "already_accepted"
    }

    public var status: Status
    public var extractID: Int64
    public var agencyCode: String
    public var source: String
    public var sha256: String
    public var issues: IssueList
    /// Records staged per file (accepted extracts: records stored).
    public var recordCounts: [String: Int]
    /// Where the time went, so the benchmark can show which part of the work bounds the ingest.
    public var phases = Phases()
    /// For an extract already accepted: the agency's current snapshot, which may be a later one
    /// (the agency sent an older snapshot again, which changes nothing but can be restored).
    public var currentExtractID: Int64?
    /// For an accepted extract: what the agency should check, as it may be a mistake (an older extract sent
    /// again, one that lists nobody), though the format allows it.
    public var notes: [String] = []

    /// The snapshot an accepted extract replaced, for `notes`.
    struct Replaced {
        var extractID: Int64
        var extractedOn: PostgresDate?
    }

    /// Notes on an accepted extract that became the current snapshot in place of `replaced` (if any).
    static func notes(extractedOn: PostgresDate?, youth: Int, replaced: Replaced?) -> [String] {
        var notes: [String] = []
        let undo = replaced.map {
            " If this was not meant, the state team can make extract \($0.extractID) current again: outcomes extracts "
                + "restore \($0.extractID) --reason \"…\""
        }
        if let replaced, let before = replaced.extractedOn, let extractedOn, extractedOn < before {
            notes.append(
                "This extract was produced on \(extractedOn), before the snapshot it replaces as the current one "
                    + "(extract \(replaced.extractID), produced on \(before))." + (undo ?? ""))
        }
        if youth == 0 {
            notes.append(
                "This extract lists no youth, so your agency now reports none (a query that returned nothing?)."
                    + (undo ?? ""))
        }
        return notes
    }

    /// Seconds spent in each step of one ingest (all zero when the extract was already accepted).
    public struct Phases: Sendable {
        /// Streaming the files into the staging tables with COPY, while this process parses and hashes.
        public var staging = 0.0
        /// The cell and record rules of SQL/ingest/validate.sql.
        public var validation = 0.0
        /// SQL/ingest/accept.sql (the rules across assessment records, the records written, the
        /// scores) and the extract's row.
        public var acceptance = 0.0

        public init() {}

        /// Adds another ingest's phases, for the totals of a run of many extracts.
        public static func += (left: inout Phases, right: Phases) {
            left.staging += right.staging
            left.validation += right.validation
            left.acceptance += right.acceptance
        }
    }
}

/// Problems that stop an ingest before the extract itself can be judged (exit code other than 65).
public struct IngestFailure: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(description: String) { self.description = description }
}

/// Takes one extract from disk into the database, all or nothing.
///
/// Every file is streamed into temporary staging tables with COPY inside one
/// transaction acting as the agency (row-level security) and validated with the
/// set-based checks of SQL/ingest/validate.sql; SQL/ingest/accept.sql then
/// writes the records under a savepoint and checks the rules across assessment
/// records on the rows as cast. Any problem rolls the savepoint back and the
/// extract is recorded as rejected with its report. If the process dies midway,
/// the transaction never commits, and the temporary tables vanish with the session.
public struct Ingestor {
    let database: Database
    let hasher: IdentifierHasher
    let sqlDirectory: URL
    let logger: Logger
    /// Caps on what an uploaded zip may unpack to (tests lower them to build small zip bombs).
    public var zipLimits = ExtractSource.Limits.standard
    /// Told when another ingest or restore of the agency is under way and this one waits for it to end.
    public var waiting: @Sendable (_ message: String) -> Void = { _ in }

    public init(
        database: Database, hasher: IdentifierHasher, sqlDirectory: URL,
        logger: Logger = Logger(label: "outcomes.ingest")
    ) {
        self.database = database
        self.hasher = hasher
        self.sqlDirectory = sqlDirectory
        self.logger = logger
    }

    public func ingest(path: String, agencyCode: String) throws -> IngestOutcome {
        try database.withConnection { try ingest(path: path, agencyCode: agencyCode, on: $0) }
    }

    /// Ingests over an open owner connection, so a run of many extracts (the demo, the benchmark)
    /// pays for one connection, not one each. The transaction drops to the ingest role itself.
    public func ingest(path: String, agencyCode: String, on connection: PostgresConnection) throws -> IngestOutcome {
        let source = try ExtractSource.open(path: path, limits: zipLimits)
        defer { source.close() }
        return try ingest(source, agencyCode: agencyCode, on: connection)
    }

    private func ingest(_ source: ExtractSource, agencyCode: String, on connection: PostgresConnection) throws
        -> IngestOutcome
    {
        let validateSQL = try String(
            contentsOf: sqlDirectory.appendingPathComponent("ingest/validate.sql"), encoding: .utf8)
        let acceptSQL = try String(
            contentsOf: sqlDirectory.appendingPathComponent("ingest/accept.sql"), encoding: .utf8)

        return try connection.withTransaction { connection in
            let agencyID = try AgencyRegistry.id(of: agencyCode, on: connection)
            // One change of the agency's snapshot at a time: a second upload of the same bytes then finds the
            // first accepted, and each accepted extract knows the snapshot it replaces.
            try AgencyRegistry.lockSnapshot(of: agencyID, on: connection) {
                waiting(
                    "Another upload or restore for \(agencyCode.uppercased()) is under way; "
                        + "this upload waits for it to end.")
            }
            try requireTheRecordedSecret(on: connection)
            // From here on the transaction acts as the ingest role for this agency only. Staging tables
            // are temporary: give them room in memory (must precede their first use). Each statement runs
            // once per extract, so compiling it (JIT) costs more than it saves: over a second for a check
            // on the largest extract of the 100,000-youth demo, as in the engine's scripts.
            try connection.query(
                "SELECT set_config('role', $1, true), set_config('outcomes.agency_id', $2, true), "
                    + "set_config('temp_buffers', '256MB', true), set_config('work_mem', '128MB', true), "
                    + "set_config('jit', 'off', true), "
                    // (CREATE TEMP TABLE IF NOT EXISTS would say "already exists, skipping" on reuse.)
                    + "set_config('client_min_messages', 'warning', true)",
                [ServiceRole.ingest.rawValue, String(agencyID)])
            let earlier = try connection.query(
                """
                SELECT e.id, c.extract_id AS current
                FROM core.extract e JOIN core.current_extract c ON c.agency_id = e.agency_id
                WHERE e.agency_id = $1 AND e.sha256 = $2 AND e.status = 'accepted'
                """, [agencyID, source.sha256])
            // Only an upload without problems of its own: the checksum covers its files, not a sub-folder or
            // link beside them, which would be refused.
            if source.issues.isEmpty, let row = earlier.rows.first {
                // Its name is screened with the identifiers of that extract, whose files are the same.
                let extractID = try row.decode(Int64.self, "id")
                return IngestOutcome(
                    status: .alreadyAccepted, extractID: extractID, agencyCode: agencyCode,
                    source: try screenedName(of: source, stagedIn: [], ofExtract: extractID, on: connection),
                    sha256: source.sha256, issues: IssueList(), recordCounts: [:],
                    currentExtractID: try row.decode(Int64.self, "current"))
            }

            // Issues are found in the order they are listed (the upload's own, other files, extract.json, then the
            // format's files in order), so that a list cut at the cap keeps the first.
            var issues = source.issues
            let format = try ExtractFormat.load(from: connection)
            let known = Set(format.files.map(\.name) + [ExtractManifest.fileName])
            for name in source.files where !known.contains(name) {
                // File names are lower-case; one that differs only in case is named with its right spelling.
                let lower = name.lowercased()
                let fix =
                    !known.contains(lower)
                    ? "remove this file or correct its name"
                    : source.files.contains(lower)
                        ? "remove this file (\(lower) is there already)" : "rename it \(lower)"
                issues.append(
                    IngestIssue(
                        file: name,
                        expected:
                            "only extract.json and the files of the format (\(format.files.map(\.name).joined(separator: ", "))); "
                            + fix))
            }
            // Missing: not in the upload at all. Not a file refused above (a link, a sub-folder), nor one of
            // a zip that could not be unpacked in full.
            func missing(_ name: String) -> Bool {
                source.complete && !source.files.contains(name) && !source.issues.listed.contains { $0.file == name }
            }
            if missing(ExtractManifest.fileName) {
                issues.append(
                    IngestIssue(file: ExtractManifest.fileName, expected: "extract.json in the extract (it is missing)")
                )
            }
            let extractedOn = try readManifest(source, agencyCode: agencyCode, issues: &issues)

            var phases = IngestOutcome.Phases()
            var started = Date()
            var counts: [String: Int] = [:]
            var present: [String] = []
            var youthListed = YouthListing.no
            for file in format.files {
                let columns = file.stageColumns.map { "\"\($0.name)\" \($0.type)" }.joined(separator: ", ")
                // Kept for the session and emptied at every commit: a connection that ingests many
                // extracts creates its staging tables once.
                try connection.query(
                    "CREATE TEMP TABLE IF NOT EXISTS \(file.stageTable) (rec integer NOT NULL, \(columns)) "
                        + "ON COMMIT DELETE ROWS")
                guard source.files.contains(file.name) else {
                    if file.required, missing(file.name) {
                        issues.append(
                            IngestIssue(file: file.name, expected: "this required file in the extract (it is missing)"))
                    }
                    continue
                }
                present.append(file.name)
                let loader = StagingLoader(file: file, hasher: hasher)
                let loaded = try loader.load(
                    from: source.folder.appendingPathComponent(file.name), into: connection, issues: &issues)
                counts[file.name] = loaded?.staged ?? 0
                if file.name == ExtractFormat.youthFile, let loaded {
                    youthListed = loaded.leftOut == 0 ? .all : .some
                }
                logger.debug("staged \(counts[file.name] ?? 0) records of \(file.name)")
            }

            try connection.query(
                "SELECT set_config('outcomes.extracted_on', $1, true), set_config('outcomes.youth_listed', $2, true)",
                [extractedOn?.description ?? "infinity", youthListed.rawValue])
            phases.staging = Date().timeIntervalSince(started)
            started = Date()
            try connection.execute(script: validateSQL)
            phases.validation = Date().timeIntervalSince(started)
            started = Date()

            // The snapshot this extract would replace, for the notes on an accepted one.
            let replaced = try connection.query(
                "SELECT extract_id, extracted_on FROM core.current_extract WHERE agency_id = core.session_agency()"
            ).rows.first.map {
                IngestOutcome.Replaced(
                    extractID: try $0.decode(Int64.self, "extract_id"),
                    extractedOn: try $0.decode(PostgresDate?.self, "extracted_on"))
            }

            // The upload's own name (its zip or folder) is stored and shown: not if it holds an identifier of
            // any of its files or of the agency's current snapshot.
            let staged = format.files.filter { present.contains($0.name) }
            let sourceName = try screenedName(of: source, stagedIn: staged, on: connection)
            let ownNames = Set(
                [ExtractManifest.fileName] + ExtractManifest.fields
                    + format.files.flatMap { [$0.name] + $0.columns.map(\.name) })

            // The records are written under a provisional extract, inside a savepoint, where the
            // rules across assessment records run (accept.sql). Any problem at all rolls
            // the savepoint back and records the extract as rejected instead. (Provisionally rejected when a
            // problem is known already: an upload whose files are an accepted extract's, beside a sub-folder,
            // has its checksum, which may be accepted once only. Its report lists nothing: the issues are not
            // screened for identifiers yet, and a row rolled back is still written to disk.)
            try connection.query("SAVEPOINT accept")
            var counted = IssueList()
            counted.add(count: issues.total, listing: [])
            let provisional = try recordExtract(
                on: connection, agencyID: agencyID, source: source, sourceName: sourceName, extractedOn: extractedOn,
                present: present, counts: counts, issues: counted)
            try connection.query("SELECT set_config('outcomes.extract_id', $1, true)", [String(provisional)])
            try connection.execute(script: acceptSQL)
            phases.acceptance = Date().timeIntervalSince(started)

            let found = try connection.query(
                """
                SELECT file, rec, col, left(value, $2) AS value, expected, count(*) OVER () AS total,
                       left(value, $3) AS value_as_read, other
                FROM pg_temp.ingest_issue ORDER BY file_ord, rec NULLS FIRST, col_ord, expected LIMIT $1
                """, [IssueList.cap, IngestIssue.shownLength + 1, IngestIssue.readLength])
            let sqlTotal = try found.rows.first?.decode(Int.self, "total") ?? 0
            issues.merge(
                count: sqlTotal,
                listing: try found.rows.map { row in
                    IngestIssue(
                        file: try row.decode(String.self, "file"), record: try row.decode(Int?.self, "rec"),
                        column: try row.decode(String?.self, "col"),
                        value: try row.decode(String?.self, "value"),
                        expected: try row.decode(String.self, "expected"),
                        valueAsRead: try row.decode(String?.self, "value_as_read"),
                        otherValue: try row.decode(String?.self, "other"))
                }, fileOrder: [ExtractManifest.fileName] + format.files.map(\.name))

            var extractID = provisional
            if issues.isEmpty {
                try connection.query("RELEASE SAVEPOINT accept")
            } else {
                try connection.query("ROLLBACK TO SAVEPOINT accept")
                // (After the rollback: the provisional extract is no longer the agency's current snapshot.)
                try issues.withhold(
                    ownNames: ownNames, youthListedInFull: youthListed == .all,
                    quoted: extractedOn.map { [$0.description] } ?? []
                ) {
                    try identifiers(among: $0, stagedIn: staged, on: connection)
                }
                extractID = try recordExtract(
                    on: connection, agencyID: agencyID, source: source, sourceName: sourceName,
                    extractedOn: extractedOn, present: present, counts: counts, issues: issues)
            }
            let status: IngestOutcome.Status = issues.isEmpty ? .accepted : .rejected
            var outcome = IngestOutcome(
                status: status, extractID: extractID, agencyCode: agencyCode, source: sourceName,
                sha256: source.sha256, issues: issues, recordCounts: counts, phases: phases)
            if status == .accepted {
                outcome.notes = IngestOutcome.notes(
                    extractedOn: extractedOn, youth: counts[ExtractFormat.youthFile] ?? 0, replaced: replaced)
            }
            return outcome
        }
    }

    /// Youth link across uploads only while one secret hashes their identifiers: the first ingest into a
    /// database without identifiers records the secret's fingerprint, and a later one with another secret
    /// (a lost secret file replaced by a new one, say) stops before anything is stored. A database that holds
    /// identifiers hashed before fingerprints were recorded (migration 0013) needs the operator to vouch for
    /// the secret once (`outcomes db secret --record`). (Run as the owner, before the transaction acts for
    /// the agency.)
    private func requireTheRecordedSecret(on connection: PostgresConnection) throws {
        try connection.query(
            """
            INSERT INTO core.hashing_secret (fingerprint) SELECT $1 WHERE NOT EXISTS (SELECT FROM core.youth)
            ON CONFLICT (singleton) DO NOTHING
            """, [hasher.fingerprint])
        guard let recorded = try connection.query("SELECT fingerprint FROM core.hashing_secret").rows.first else {
            throw StoreError(
                .configuration,
                "This database holds identifiers hashed before the service recorded which secret it hashes with. "
                    + "Check that the secret file in use ($OUTCOMES_SECRET_FILE, else secret.key in the outcomes "
                    + "home folder) is the one they were hashed with, then record it once: outcomes db secret --record")
        }
        guard try recorded.decode(String.self, "fingerprint") == hasher.fingerprint else {
            throw StoreError(
                .configuration,
                "The secret used to hash identifiers is not the one this database's identifiers were hashed with, "
                    + "so no youth would link to earlier uploads; nothing was stored. Restore the original secret "
                    + "file from a backup ($OUTCOMES_SECRET_FILE, else secret.key in the outcomes home folder) in "
                    + "place of this one.")
        }
    }

    /// Whether identifiers were hashed into this database already (or a secret recorded for it): then a
    /// missing secret file must be restored, not created anew.
    public static func holdsIdentifiers(in database: Database) throws -> Bool {
        try database.withConnection { connection in
            try connection.query(
                "SELECT EXISTS (SELECT FROM core.youth) OR EXISTS (SELECT FROM core.hashing_secret) AS held"
            ).single().decode(Bool.self, "held")
        }
    }

    /// Records `hasher`'s secret as the database's, for a database whose identifiers were hashed before
    /// fingerprints were recorded: the operator vouches that it is the secret they were hashed with.
    /// Returns false when that secret is recorded already; another recorded secret is an error.
    public static func recordSecret(of hasher: IdentifierHasher, in database: Database) throws -> Bool {
        try database.withTransaction { connection in
            let inserted = try connection.query(
                "INSERT INTO core.hashing_secret (fingerprint) VALUES ($1) ON CONFLICT (singleton) DO NOTHING",
                [hasher.fingerprint])
            guard inserted.affectedRows == 0 else { return true }
            let recorded = try connection.query("SELECT fingerprint FROM core.hashing_secret").single()
            guard try recorded.decode(String.self, "fingerprint") == hasher.fingerprint else {
                throw StoreError(
                    .configuration,
                    "Another secret is recorded for this database already, and a recorded secret cannot be replaced: "
                        + "its identifiers were hashed with it. Use that secret's file.")
            }
            return false
        }
    }

    /// The candidates (stretches of shown values and names that could be identifiers, as when columns are
    /// swapped or mislabelled, or a stray quote joins records, and whole shown values) that are youth_key or
    /// linkage_id values staged in `files`, valid or not, or of the agency's current snapshot: each is hashed
    /// like an identifier and looked up, also as one that broke the format's rule (staged with a mark).
    private func identifiers(
        among shown: Set<String>, stagedIn files: [ExtractFormat.File], ofExtract extractID: Int64? = nil,
        on connection: PostgresConnection
    ) throws -> Set<String> {
        guard !shown.isEmpty else { return [] }
        let staged = files.flatMap { file in
            file.columns.filter(\.isIdentifier).map { "SELECT \"\($0.name)\" FROM pg_temp.\(file.stageTable)" }
        }
        let known =
            (staged + [
                "SELECT c FROM ingest.current_identifiers() AS c",
                // (`extractID`'s, when given: an earlier snapshot's, which may not be current.)
                "SELECT v FROM core.youth y CROSS JOIN LATERAL (VALUES (y.youth_hash), (y.linkage_hash)) AS i(v) "
                    + "WHERE y.extract_id = $2",
            ]).joined(separator: " UNION ALL ")
        var byHash: [String: String] = [:]
        for candidate in shown {
            let hash = hasher.hash(candidate.utf8)
            byHash[hash] = candidate
            byHash[String(UnicodeScalar(StagingLoader.invalidIdentifierMark)) + hash] = candidate
        }
        let found = try connection.query(
            "SELECT h FROM unnest($1::text[]) AS h WHERE h IN (\(known))", [Array(byHash.keys), extractID])
        return Set(try found.rows.compactMap { byHash[try $0.decode(String.self, at: 0)] })
    }

    /// The upload's own name (its zip or folder), as it is stored and shown: not if it holds an identifier of
    /// the youth staged in `files`, of the agency's current snapshot, or of extract `extractID`.
    private func screenedName(
        of source: ExtractSource, stagedIn files: [ExtractFormat.File], ofExtract extractID: Int64? = nil,
        on connection: PostgresConnection
    ) throws -> String {
        let stretches = IdentifierHasher.candidates(in: source.displayName)
        let found = try identifiers(among: stretches ?? [], stagedIn: files, ofExtract: extractID, on: connection)
        return IssueList.hidden(stretches, among: found) ?? source.displayName
    }

    /// Writes the extract's row: accepted when `issues` is empty, else rejected with its report.
    private func recordExtract(
        on connection: PostgresConnection, agencyID: Int, source: ExtractSource, sourceName: String,
        extractedOn: PostgresDate?,
        present: [String], counts: [String: Int], issues: IssueList
    ) throws -> Int64 {
        let report = try JSONEncoder.sorted.encode(
            ExtractReport(errorCount: issues.total, errorsListed: issues.listed.count, errors: issues.listed))
        let inserted = try connection.query(
            """
            INSERT INTO core.extract (agency_id, sha256, status, source_name, extracted_on, files, row_counts, error_count, report)
            VALUES ($1, $2, $3, $4, $5::date, $6::text[], $7::jsonb, $8, $9::jsonb) RETURNING id
            """,
            [
                agencyID, source.sha256, issues.isEmpty ? "accepted" : "rejected", sourceName,
                extractedOn, present,
                String(decoding: try JSONEncoder.sorted.encode(counts), as: UTF8.self), issues.total,
                String(decoding: report, as: UTF8.self),
            ])
        return try inserted.single().decode(Int64.self, "id")
    }

    /// Reads extract.json into `issues`, returning extracted_on whenever that field is right, even when others
    /// are not: the records are held to it all the same. The agency_code is compared likewise.
    private func readManifest(_ source: ExtractSource, agencyCode: String, issues: inout IssueList) throws
        -> PostgresDate?
    {
        guard source.files.contains(ExtractManifest.fileName) else { return nil }
        let (agency, extractedOn): (String?, PostgresDate?)
        switch try ExtractManifest.parse(
            contentsOf: source.folder.appendingPathComponent(ExtractManifest.fileName), today: .today())
        {
        case .failure(let refusal):
            issues.add(count: refusal.issues.total, listing: refusal.issues.listed)
            (agency, extractedOn) = (refusal.agencyCode, refusal.extractedOn)
        case .success(let manifest):
            (agency, extractedOn) = (manifest.agencyCode, manifest.extractedOn)
        }
        // Told whatever else is wrong with extract.json, so that fixing those does not bring this to light.
        if let agency, agency.uppercased() != agencyCode.uppercased() {
            issues.append(
                IngestIssue(
                    file: ExtractManifest.fileName, column: "agency_code", value: agency,
                    expected: "the agency this upload is for (\(agencyCode)); an agency uploads only its own extracts"))
        }
        return extractedOn
    }
}

/// How youth.csv was read, for validate.sql's rule that every other file's youth are listed in it
/// (the session setting `outcomes.youth_listed`): all its records; some, others having been left out
/// with a problem of their own; or none, the file missing or its records unread (no header, a required column
/// missing, or a header that may be a record).
enum YouthListing: String {
    case all, some, no
}

/// The error report kept with an extract and written by `ingest --report` (see docs/agency-guide.md).
public struct ExtractReport: Codable, Sendable {
    public var errorCount: Int
    public var errorsListed: Int
    public var errors: [IngestIssue]

    enum CodingKeys: String, CodingKey {
        case errorCount = "error_count"
        case errorsListed = "errors_listed"
        case errors
    }
}

extension JSONEncoder {
    /// Stable key order, so stored reports and files are byte-for-byte reproducible.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
