import Foundation
import Indicators
import Ingest
import OutcomesStore
import PostgresClient
import Synth
import TestSupport
import XCTest

/// Disclosure control on realistic data: synthetic statewide extracts (many small
/// counties and strata, so many cells fall in 1–10) are ingested and computed with
/// the real engine, and the invariants of Tests/Fixtures/indicators/suppression_invariants.sql
/// are checked on every group: no published count from 1 to 10, zero never
/// suppressed for being small, no additive group with a published total and exactly
/// one suppressed member, the extra-cell rule, and no undecided cell.
final class SuppressionPropertyTests: XCTestCase {
    func testInvariantsHoldOnEveryGroupOfSyntheticStatewideData() throws {
        // The seed varies from run to run (printed, so a failure can be replayed with OUTCOMES_TEST_SEED).
        let seed =
            ProcessInfo.processInfo.environment["OUTCOMES_TEST_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 1...1_000_000)
        print("SuppressionPropertyTests seed: \(seed)")
        let database = try TestCluster.shared.freshDatabase()
        let checkout = TestCluster.checkout
        let sql = checkout.appendingPathComponent("SQL")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("supp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }

        let reference = try database.withConnection(as: .analyst) { try SynthReference.load(from: $0) }
        let summary = try Synthesizer(reference: reference, seed: seed).writeStatewide(youth: 1500, to: folder)
        let registry = AgencyRegistry(database: database)
        let ingestor = Ingestor(
            database: database, hasher: IdentifierHasher(secret: "property-test"), sqlDirectory: sql)
        for agency in summary.agencies {
            try registry.add(code: agency.code, name: agency.name, counties: [agency.countyFIPS])
            let outcome = try ingestor.ingest(
                path: folder.appendingPathComponent(agency.code).path, agencyCode: agency.code)
            XCTAssertEqual(outcome.status, .accepted, "seed \(seed): \(agency.code) \(outcome.issues.listed.prefix(3))")
        }
        let period = Period("SFY2025Q4")!
        let computed = try IndicatorEngine(database: database, sqlDirectory: sql).compute(period)
        // 1,500 youth over 58 counties leave most county strata small: suppression must have work to do.
        XCTAssertGreaterThan(computed.suppressed, 1000, "seed \(seed)")

        let invariants = try String(
            contentsOf: checkout.appendingPathComponent("Tests/Fixtures/indicators/suppression_invariants.sql"),
            encoding: .utf8)
        let violations = try database.withConnection { try $0.query(invariants).rows }
        XCTAssertEqual(violations.count, 0, "seed \(seed): \(violations.count) violations")
        // The published view itself never shows a count from 1 to 10 (checked independently of the invariant query).
        let small = try database.withConnection(as: .analyst) { connection in
            try connection.query(
                """
                SELECT count(*) FROM result.published p JOIN ref.measure m ON m.code = p.measure
                WHERE (m.unit <> 'mean' AND p.numerator BETWEEN 1 AND 10)
                   OR (m.unit NOT LIKE 'rate%' AND p.denominator BETWEEN 1 AND 10)  -- a rate's denominator is days, not persons
                   OR p.improved BETWEEN 1 AND 10 OR p.unchanged BETWEEN 1 AND 10 OR p.worse BETWEEN 1 AND 10
                """
            ).single().decode(Int.self, at: 0)
        }
        XCTAssertEqual(small, 0, "seed \(seed)")
    }
}
