import ArgumentParser
import Foundation
import Ingest
import OutcomesStore

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Validate an agency extract and keep it, all or nothing.",
        discussion: """
            PATH is an extract folder or a .zip of one. Exit status: 0 accepted (or already accepted), \
            65 rejected (every error is listed), other non-zero for operational failures.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Extract folder or .zip file.") var path: String
    @Option(help: "Code of the registered agency the extract is for.") var agency: String
    @Option(help: "Also write the result and every listed error as JSON to this file.") var report: String?

    func validate() throws {
        guard !path.isEmpty else { throw ValidationError("PATH is empty: give the extract folder or .zip file.") }
        // The report is written once the extract is recorded: a path that cannot take it is refused first.
        if let report {
            guard !report.isEmpty else { throw ValidationError("--report is empty: give the path of a file to write.") }
            let file = URL(fileURLWithPath: report).standardizedFileURL
            let folder = file.deletingLastPathComponent().path
            var isDirectory: ObjCBool = false
            guard
                !FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory) || !isDirectory.boolValue
            else { throw ValidationError("--report \(report) is a folder: give the path of a file to write.") }
            guard FileManager.default.isWritableFile(atPath: folder) else {
                throw ValidationError("--report \(report): the folder \(folder) does not exist or cannot be written.")
            }
            // Written into the extract folder, the report would overwrite one of its files, or make the next
            // upload of that folder fail as an unknown file. Compared where the write would land, whichever
            // symbolic links the two paths go through.
            let extract = URL(fileURLWithPath: path).resolvingSymlinksInPath().pathComponents
            let landing = IngestCommand.landingPlace(of: file).deletingLastPathComponent().pathComponents
            guard !landing.starts(with: extract) else {
                throw ValidationError(
                    "--report \(report) is inside the extract folder: write the report somewhere else.")
            }
        }
    }

    /// The file that a write to `file` creates or replaces: its folder's symbolic links resolved, and, when
    /// `file` is itself a link, its target, followed even when the target does not exist yet.
    private static func landingPlace(of file: URL) -> URL {
        var place = file
        for _ in 0..<40 {  // the kernel's own limit of links in one path
            let folder = place.deletingLastPathComponent().resolvingSymlinksInPath()
            place = folder.appendingPathComponent(place.lastPathComponent)
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: place.path) else { break }
            place = URL(fileURLWithPath: target, relativeTo: folder).standardizedFileURL
        }
        return place
    }

    func run() throws {
        try reportingFailures {
            let database = try global.database()
            var ingestor = Ingestor(
                database: database, hasher: try global.identifierHasher(for: database),
                sqlDirectory: try global.sqlDirectory())
            ingestor.waiting = { printError($0) }
            let outcome = try ingestor.ingest(path: path, agencyCode: agency)
            if let report {
                do {
                    try IngestReportFile(outcome: outcome).write(to: URL(fileURLWithPath: report))
                } catch {
                    // Accepted bytes are recognised when sent again; rejected ones are judged (and kept) again.
                    let again =
                        outcome.status == .rejected
                        ? "ingest it again with another --report path to have the report written (it is judged, "
                            + "and recorded as rejected, again)."
                        : "ingest it again with another --report path: the same bytes are recognised."
                    fail(
                        "\(outcome.source) was recorded as extract \(outcome.extractID) (\(outcome.status.rawValue)), "
                            + "but its report could not be written to \(report) (\(fileFailureReason(error))); "
                            + again,
                        code: Exit.ioError)
                }
            }
            switch outcome.status {
            case .alreadyAccepted:
                print("\(outcome.source): already accepted as extract \(outcome.extractID); nothing changed.")
                if let current = outcome.currentExtractID, current != outcome.extractID {
                    print(
                        "It is not the current snapshot of \(outcome.agencyCode) (extract \(current) is). To make it "
                            + "current again, the state team can run: outcomes extracts restore \(outcome.extractID) "
                            + "--reason \"…\"")
                }
            case .accepted:
                let records = outcome.recordCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                print(
                    "\(outcome.source): accepted as extract \(outcome.extractID) for \(outcome.agencyCode) (\(records.joined(separator: ", ")))."
                )
                for note in outcome.notes { print("Note: \(note)") }
            case .rejected:
                printError("\(outcome.source): rejected (extract \(outcome.extractID)); nothing from it was kept.")
                printError("\(outcome.issues.total) error\(outcome.issues.total == 1 ? "" : "s") found:")
                for issue in outcome.issues.listed { printError("  \(issue)") }
                if outcome.issues.total > outcome.issues.listed.count {
                    printError(
                        "  … and \(outcome.issues.total - outcome.issues.listed.count) more (only the first \(IssueList.cap) are listed)."
                    )
                }
                throw ExitCode(Exit.dataError)
            }
        }
    }
}

/// The JSON written by `ingest --report` (fields documented in docs/agency-guide.md).
struct IngestReportFile: Encodable {
    var status: String
    var extractID: Int64
    var agencyCode: String
    var source: String
    var sha256: String
    var records: [String: Int]
    var errorCount: Int
    var errorsListed: Int
    var errors: [IngestIssue]
    var notes: [String]

    init(outcome: IngestOutcome) {
        status = outcome.status.rawValue
        extractID = outcome.extractID
        agencyCode = outcome.agencyCode
        source = outcome.source
        sha256 = outcome.sha256
        records = outcome.recordCounts
        errorCount = outcome.issues.total
        errorsListed = outcome.issues.listed.count
        errors = outcome.issues.listed
        notes = outcome.notes
    }

    enum CodingKeys: String, CodingKey {
        case status, source, sha256, records, errors, notes
        case extractID = "extract_id"
        case agencyCode = "agency_code"
        case errorCount = "error_count"
        case errorsListed = "errors_listed"
    }

    func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try encoder.encode(self).write(to: url)
    }
}

struct ExtractsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extracts",
        abstract: "Show the history of uploads, and restore an earlier snapshot.",
        subcommands: [List.self, Restore.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List uploads, newest first; * marks each agency's current snapshot.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this agency's uploads.") var agency: String?

        func run() throws {
            try reportingFailures {
                // Read as the register role, which reads the uploads and no record.
                let rows = try global.database().withConnection(as: .register) { connection in
                    try connection.query(
                        """
                        SELECT e.id, a.code, e.status, e.extracted_on::text AS extracted_on,
                               to_char(e.received_at, 'YYYY-MM-DD HH24:MI:SS') AS received_at, e.error_count, e.source_name,
                               (c.extract_id IS NOT NULL) AS current
                        FROM core.extract e JOIN core.agency a ON a.id = e.agency_id
                        LEFT JOIN core.current_extract c ON c.extract_id = e.id
                        WHERE $1::text IS NULL OR a.code = upper($1)
                        ORDER BY e.id DESC
                        """, [agency]
                    ).rows
                }
                guard !rows.isEmpty else {
                    print("No uploads yet.")
                    return
                }
                print("id\tagency\tstatus\textracted_on\treceived_at (UTC)\terrors\tsource")
                for row in rows {
                    let mark = try row.decode(Bool.self, "current") ? "*" : ""
                    print(
                        [
                            "\(try row.decode(Int64.self, "id"))\(mark)", try row.decode(String.self, "code"),
                            try row.decode(String.self, "status"), try row.decode(String?.self, "extracted_on") ?? "-",
                            try row.decode(String.self, "received_at"), String(try row.decode(Int.self, "error_count")),
                            try row.decode(String.self, "source_name"),
                        ].joined(separator: "\t"))
                }
            }
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an earlier accepted extract its agency's current snapshot again.",
            discussion: """
                For a snapshot sent in error. The restore is kept with its reason; no upload is changed or \
                removed, and the agency's next accepted upload replaces the restored snapshot as usual. Run \
                `outcomes compute` afterwards so that the reports follow.
                """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The extract's number, as `outcomes extracts list` shows it.") var id: Int64
        @Option(help: "Why the snapshot is restored (kept with the restore).") var reason: String

        func validate() throws {
            guard id > 0 else { throw ValidationError("The extract number must be 1 or more (got \(id)).") }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--reason must say why the snapshot is restored.")
            }
        }

        func run() throws {
            try reportingFailures {
                switch try Snapshots(database: try global.database()).restore(
                    extractID: id, reason: reason, waiting: printError)
                {
                case .alreadyCurrent(let code):
                    print("Extract \(id) is already the current snapshot of \(code); nothing changed.")
                case .restored(let code, let replaced):
                    print(
                        "Extract \(id) is again the current snapshot of \(code), in place of extract \(replaced). "
                            + "Run `outcomes compute` for the reports to follow.")
                }
            }
        }
    }
}
