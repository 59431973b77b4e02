import Foundation
import OutcomesStore
import PostgresClient
import TestSupport
import XCTest

/// The agency documentation of the format is generated from the reference tables
/// (`outcomes docs extract-format`); this test fails when the committed copy drifts.
final class DocumentationTests: XCTestCase {
    func testCommittedExtractFormatDocumentMatchesTheReferenceTables() throws {
        let checkout = TestCluster.checkout
        let sql = try String(
            contentsOf: checkout.appendingPathComponent("SQL/docs/extract-format.sql"), encoding: .utf8)
        let committed = try String(
            contentsOf: checkout.appendingPathComponent("docs/extract-format.md"), encoding: .utf8)
        let generated = try TestCluster.shared.freshDatabase().withConnection(as: .analyst) { connection in
            try connection.query(sql).single().decode(String.self, at: 0)
        }
        XCTAssertEqual(
            committed, generated,
            "docs/extract-format.md is stale: regenerate it with `outcomes docs extract-format > docs/extract-format.md`"
        )
        // Spot checks that the generator covers what agencies need (read off the format by hand):
        // all nine files, the placement ranks, and the one event that takes a detail.
        for file in [
            "youth.csv", "cse_flags.csv", "placements.csv", "absences.csv", "events.csv", "school_terms.csv",
            "assessments.csv", "stages_of_change.csv", "goals.csv",
        ] {
            XCTAssertTrue(generated.contains("## \(file) ("), file)
        }
        XCTAssertTrue(generated.contains("`strtp` (rank 6)"))
        XCTAssertTrue(generated.contains("`document_obtained` (detail: `birth_certificate`, `ssn_card`, `state_id`"))
    }
}
