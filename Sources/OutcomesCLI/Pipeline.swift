import Foundation
import Indicators
import Ingest
import OutcomesStore
import PostgresClient
import Synth

/// The end-to-end steps the demo and the benchmarks share: synthesize, register, ingest, settle.
struct Pipeline {
    let database: Database
    let sqlDirectory: URL
    let hasher: IdentifierHasher

    /// Writes synthetic statewide extracts (reference data read as the analyst role).
    func synthesize(youth: Int, seed: UInt64, to folder: URL) throws -> SynthSummary {
        let reference = try database.withConnection(as: .analyst) { try SynthReference.load(from: $0) }
        return try Synthesizer(reference: reference, seed: seed).writeStatewide(youth: youth, to: folder)
    }

    /// Registers the agencies not registered yet.
    func register(_ agencies: [SynthAgency]) throws {
        let registry = AgencyRegistry(database: database)
        let known = Set(try registry.list().map(\.code))
        for agency in agencies where !known.contains(agency.code) {
            try registry.add(code: agency.code, name: agency.name, counties: [agency.countyFIPS])
        }
    }

    struct IngestTotals {
        var extracts = 0
        var accepted = 0
        var alreadyAccepted = 0
        var rows = 0
        var seconds = 0.0
        /// The accepted extracts' phases, summed.
        var phases = IngestOutcome.Phases()
    }

    /// Ingests every agency's extract folder; a rejected synthetic extract is a defect and stops the run.
    func ingestAll(_ agencies: [SynthAgency], from folder: URL) throws -> IngestTotals {
        let ingestor = Ingestor(database: database, hasher: hasher, sqlDirectory: sqlDirectory)
        var totals = IngestTotals()
        let started = Date()
        try database.withConnection { connection in
            for agency in agencies {
                let outcome = try ingestor.ingest(
                    path: folder.appendingPathComponent(agency.code).path, agencyCode: agency.code, on: connection)
                totals.extracts += 1
                switch outcome.status {
                case .accepted:
                    totals.accepted += 1
                    totals.rows += outcome.recordCounts.values.reduce(0, +)
                    totals.phases += outcome.phases
                case .alreadyAccepted:
                    totals.alreadyAccepted += 1
                case .rejected:
                    let first = outcome.issues.listed.prefix(5).map { "  \($0)" }.joined(separator: "\n")
                    throw IngestFailure(
                        description:
                            "The synthetic extract of \(agency.code) was rejected (\(outcome.issues.total) errors):\n\(first)"
                    )
                }
            }
        }
        totals.seconds = Date().timeIntervalSince(started)
        return totals
    }

    /// After a bulk load, does at once what autovacuum would do in its own time: planner statistics
    /// for the new rows and their visibility settled (hint bits, visibility map). Without it the first
    /// computations plan blind and share the cores with autovacuum. Runs as the owner, outside a
    /// transaction (VACUUM cannot run inside one); returns the seconds it took.
    func settle() throws -> Double {
        let started = Date()
        try database.vacuum(schema: "core", analyze: true)
        return Date().timeIntervalSince(started)
    }
}
