import Crypto
import Foundation
import Ingest
import OutcomesStore
import PostgresClient
import Synth
import TestSupport
import XCTest

/// The synthetic data generator against the real reference tables and the real ingest:
/// deterministic bytes, every code of every list, every county, and every extract accepted.
final class SynthTests: XCTestCase {
    static let sqlDirectory = TestCluster.checkout.appendingPathComponent("SQL", isDirectory: true)
    static let sampleFolder = TestCluster.checkout.appendingPathComponent("samples/sample-extract", isDirectory: true)
    static let statewideYouth = 3000
    static let statewideSeed: UInt64 = 20_250_815

    /// One statewide run at N = 3000 shared by the tests of this class (generated on first use).
    private static let statewide = Locked<URL?>(nil)

    private static func reference() throws -> SynthReference {
        try TestCluster.shared.freshDatabase().withConnection(as: .analyst) { try SynthReference.load(from: $0) }
    }

    private static func statewideFolder() throws -> URL {
        try statewide.withLock { folder in
            if let folder { return folder }
            let url = FileManager.default.temporaryDirectory.appendingPathComponent(
                "synth-statewide-\(getpid())", isDirectory: true)
            try? FileManager.default.removeItem(at: url)
            _ = try Synthesizer(reference: try reference(), seed: statewideSeed).writeStatewide(
                youth: statewideYouth, to: url)
            folder = url
            return url
        }
    }

    override class func tearDown() {
        statewide.withLock { folder in
            if let folder { try? FileManager.default.removeItem(at: folder) }
            folder = nil
        }
        super.tearDown()
    }

    private func scratch() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "synth-test-\(UUID().uuidString)", isDirectory: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    // MARK: Determinism

    /// SHA-256 over every file under `folder` (relative path, NUL, bytes), in sorted path order.
    private func digest(of folder: URL) throws -> String {
        let paths = try XCTUnwrap(FileManager.default.subpaths(atPath: folder.path)).sorted().filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(
                atPath: folder.appendingPathComponent(path).path, isDirectory: &isDirectory) && !isDirectory.boolValue
        }
        var hasher = SHA256()
        for path in paths {
            hasher.update(data: Data(path.utf8 + [0]))
            hasher.update(data: try Data(contentsOf: folder.appendingPathComponent(path)))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    func testSameSeedGivesByteIdenticalFiles() throws {
        let reference = try Self.reference()
        let first = scratch(), second = scratch(), other = scratch()
        let a = try Synthesizer(reference: reference, seed: 11).writeStatewide(youth: 400, to: first)
        _ = try Synthesizer(reference: reference, seed: 11).writeStatewide(youth: 400, to: second)
        _ = try Synthesizer(reference: reference, seed: 12).writeStatewide(youth: 400, to: other)
        XCTAssertEqual(try digest(of: first), try digest(of: second))
        XCTAssertNotEqual(try digest(of: first), try digest(of: other))
        XCTAssertEqual(a.persons, 400)
        XCTAssertGreaterThan(a.rows.first { $0.file == "youth.csv" }?.rows ?? 0, 400)  // some youth reported twice

        // The extract date is an input, not the clock.
        let later = scratch()
        _ = try Synthesizer(reference: reference, seed: 11, extractedOn: Day(year: 2025, month: 9, day: 30))
            .writeStatewide(youth: 400, to: later)
        XCTAssertNotEqual(try digest(of: first), try digest(of: later))

        let sampleA = scratch(), sampleB = scratch()
        _ = try Synthesizer(reference: reference, seed: Synthesizer.sampleSeed).writeSample(to: sampleA)
        _ = try Synthesizer(reference: reference, seed: Synthesizer.sampleSeed).writeSample(to: sampleB)
        XCTAssertEqual(try digest(of: sampleA), try digest(of: sampleB))
    }

    func testCommittedSampleIsWhatTheGeneratorWrites() throws {
        let fresh = scratch()
        _ = try Synthesizer(reference: try Self.reference(), seed: Synthesizer.sampleSeed).writeSample(to: fresh)
        XCTAssertEqual(
            try digest(of: Self.sampleFolder), try digest(of: fresh),
            "samples/sample-extract is out of date: regenerate it with `outcomes synth --sample --out samples/sample-extract --force`"
        )
    }

    // MARK: Coverage

    /// Data rows of a CSV file as dictionaries (the generator never writes quoted cells in extract files).
    private func rows(_ url: URL) throws -> (header: [String], rows: [[String]]) {
        guard FileManager.default.fileExists(atPath: url.path) else { return ([], []) }
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return (header, lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) })
    }

    /// Every (list, code) the folders' files use, read through the format's own column definitions.
    private func usedCodes(in folders: [URL], database: Database) throws -> (
        codes: Set<String>, items: Set<String>, files: [String: Int]
    ) {
        struct Column { var file: String; var name: String; var kind: String; var list: String? }
        let columns = try database.withConnection { connection in
            try connection.query("SELECT file, name, kind, list FROM ref.extract_column ORDER BY file, ord").rows.map {
                Column(
                    file: try $0.decode(String.self, "file"), name: try $0.decode(String.self, "name"),
                    kind: try $0.decode(String.self, "kind"), list: try $0.decode(String?.self, "list"))
            }
        }
        let detailLists = try database.withConnection { connection in
            try connection.query(
                "SELECT code, detail_list FROM ref.code WHERE list = 'event' AND detail_list IS NOT NULL"
            ).rows.map {
                (try $0.decode(String.self, "code"), try $0.decode(String.self, "detail_list"))
            }
        }
        var used = Set<String>(), items = Set<String>()
        var files: [String: Int] = [:]
        for folder in folders {
            for file in Set(columns.map(\.file)) {
                let (header, data) = try rows(folder.appendingPathComponent(file))
                guard !header.isEmpty else { continue }
                files[file, default: 0] += data.count
                for row in data {
                    func cell(_ name: String) -> String { header.firstIndex(of: name).map { row[$0] } ?? "" }
                    for column in columns where column.file == file {
                        let value = cell(column.name)
                        guard !value.isEmpty else { continue }
                        switch column.kind {
                        case "code": used.insert("\(column.list!):\(value)")
                        case "codes": for v in value.split(separator: ";") { used.insert("\(column.list!):\(v)") }
                        case "bool": used.insert("yes_no:\(value)")
                        case "race":
                            for v in value.split(separator: ";") {
                                let category = v.split(separator: ".").first.map(String.init) ?? ""
                                used.insert("race_category:\(category)")
                                used.insert("race_special:\(category)")
                                if v.contains(".") { used.insert("feature:race_detail") }
                            }
                            if value.contains(";") { used.insert("feature:multiracial") }
                        default: break
                        }
                    }
                    if file == "events.csv", let list = detailLists.first(where: { $0.0 == cell("event") })?.1,
                        !cell("detail").isEmpty
                    {
                        used.insert("\(list):\(cell("detail"))")
                    }
                    if file == "assessments.csv" {
                        let item = cell("item")
                        items.insert(
                            cell("instrument") == "CANS"
                                ? "CANS:" + (item.split(separator: ".").first.map(String.init) ?? "")
                                : "\(cell("instrument")):\(item)")
                    }
                    if file == "school_terms.csv", cell("days_enrolled") == "0" {
                        used.insert("feature:days_enrolled_zero")
                    }
                    if file == "absences.csv", cell("returned_on").isEmpty { used.insert("feature:still_away") }
                    if file == "placements.csv", cell("ended_on").isEmpty { used.insert("feature:ongoing_placement") }
                }
            }
        }
        return (used, items, files)
    }

    private func assertEveryCode(
        _ used: (codes: Set<String>, items: Set<String>, files: [String: Int]), database: Database
    ) throws {
        let codes = try database.withConnection { connection in
            try connection.query("SELECT list, code FROM ref.code ORDER BY list, ord").rows.map {
                "\(try $0.decode(String.self, "list")):\(try $0.decode(String.self, "code"))"
            }
        }
        XCTAssertGreaterThan(codes.count, 100)
        let missing = codes.filter { !used.codes.contains($0) }
        XCTAssertEqual(missing, [], "codes that never appear")
        for feature in ["multiracial", "race_detail", "days_enrolled_zero", "still_away", "ongoing_placement"] {
            XCTAssert(used.codes.contains("feature:\(feature)"), "no \(feature) in the output")
        }
        let listedItems = try database.withConnection { connection in
            try connection.query("SELECT instrument || ':' || item AS i FROM ref.instrument_item ORDER BY 1").rows.map {
                try $0.decode(String.self, "i")
            }
        }
        XCTAssertEqual(listedItems.filter { !used.items.contains($0) }, [], "instrument items that never appear")
        for domain in ["behavioral", "substance", "strengths", "risk"] {
            XCTAssert(used.items.contains("CANS:\(domain)"), domain)
        }
        for file in [
            "youth.csv", "cse_flags.csv", "placements.csv", "absences.csv", "events.csv", "school_terms.csv",
            "assessments.csv", "stages_of_change.csv", "goals.csv",
        ] {
            XCTAssertGreaterThan(used.files[file] ?? 0, 0, "\(file) has no rows")
        }
    }

    func testEveryCodeOfEveryListAppearsInAStatewideRun() throws {
        let folder = try Self.statewideFolder()
        let database = try TestCluster.shared.freshDatabase()
        let agencies = try rows(folder.appendingPathComponent("agencies.csv")).rows.map { $0[0] }
        let used = try usedCodes(in: agencies.map { folder.appendingPathComponent($0) }, database: database)
        try assertEveryCode(used, database: database)
    }

    func testSampleShowsEveryFileAndEveryCode() throws {
        let database = try TestCluster.shared.freshDatabase()
        try assertEveryCode(try usedCodes(in: [Self.sampleFolder], database: database), database: database)
    }

    func testAgenciesFileListsEveryCountyAndSomeFilesAreNotReported() throws {
        let folder = try Self.statewideFolder()
        let reference = try Self.reference()
        let (header, agencies) = try rows(folder.appendingPathComponent("agencies.csv"))
        XCTAssertEqual(header, ["code", "name", "counties"])
        XCTAssertEqual(
            Set(agencies.flatMap { $0[2].split(separator: ";").map(String.init) }), Set(reference.counties.map(\.fips)))
        XCTAssertEqual(Set(agencies.map { $0[0] }).count, agencies.count, "agency codes repeat")
        var schoolByCounty: [String: Bool] = [:]
        var omissions = 0
        for agency in agencies {
            XCTAssert(AgencyPlan.isValidCode(agency[0]), agency[0])
            let extract = folder.appendingPathComponent(agency[0])
            let manifest =
                try JSONSerialization.jsonObject(with: Data(contentsOf: extract.appendingPathComponent("extract.json")))
                as? [String: Any]
            XCTAssertEqual(manifest?["agency_code"] as? String, agency[0])
            XCTAssertEqual(manifest?["format_version"] as? Int, 1)
            XCTAssertEqual(manifest?["extracted_on"] as? String, "2025-08-15")
            for required in ["youth.csv", "cse_flags.csv"] {
                XCTAssert(FileManager.default.fileExists(atPath: extract.appendingPathComponent(required).path))
            }
            let present = try FileManager.default.contentsOfDirectory(atPath: extract.path)
            omissions += reference.files.filter { !$0.required && !present.contains($0.name) }.count
            let school = present.contains("school_terms.csv")
            schoolByCounty[agency[2]] = (schoolByCounty[agency[2]] ?? false) || school
        }
        XCTAssertGreaterThan(omissions, 0, "no agency leaves out an optional file")
        XCTAssert(schoolByCounty.values.contains(false), "every county has some agency reporting school terms")
        // Most agencies report most files.
        XCTAssertLessThan(omissions, agencies.count * 2)
    }

    // MARK: Acceptance by the real ingest

    func testEveryStatewideExtractIsAcceptedByTheIngest() throws {
        let folder = try Self.statewideFolder()
        let database = try TestCluster.shared.freshDatabase()
        let registry = AgencyRegistry(database: database)
        let agencies = try rows(folder.appendingPathComponent("agencies.csv")).rows
        for agency in agencies {
            try registry.add(
                code: agency[0], name: agency[1], counties: agency[2].split(separator: ";").map(String.init))
        }
        let ingestor = Ingestor(
            database: database, hasher: IdentifierHasher(secret: "synth-test-secret"), sqlDirectory: Self.sqlDirectory)
        var youth = 0
        for agency in agencies {
            let outcome = try ingestor.ingest(
                path: folder.appendingPathComponent(agency[0]).path, agencyCode: agency[0])
            XCTAssertEqual(
                outcome.status, .accepted, "\(agency[0]): \(outcome.issues.listed.prefix(5).map { "\($0)" })")
            youth += outcome.recordCounts["youth.csv"] ?? 0
        }
        XCTAssertGreaterThan(youth, Self.statewideYouth)

        try database.withConnection { connection in
            // About 5% of persons are reported by two agencies of one county with one linkage_id,
            // and both agencies agree on the birth month and county.
            let shared = try connection.query(
                """
                SELECT count(*) AS persons,
                       count(*) FILTER (WHERE months = 1 AND counties = 1 AND genders = 1) AS consistent
                FROM (SELECT linkage_hash, count(DISTINCT birth_month) AS months, count(DISTINCT county_fips) AS counties,
                             count(DISTINCT gender) AS genders
                      FROM core.youth WHERE linkage_hash IS NOT NULL
                      GROUP BY linkage_hash HAVING count(DISTINCT agency_id) > 1) s
                """
            ).single()
            let persons = try shared.decode(Int.self, "persons")
            XCTAssertEqual(Double(persons) / Double(Self.statewideYouth), 0.05, accuracy: 0.02)
            XCTAssertEqual(try shared.decode(Int.self, "consistent"), persons)

            // About 60% of identified (confirmed or suspected) persons are confirmed.
            let tiers = try connection.query(
                """
                SELECT count(*) FILTER (WHERE tier = 3) AS confirmed, count(*) FILTER (WHERE tier = 2) AS suspected,
                       count(*) FILTER (WHERE tier = 1) AS at_risk
                FROM (SELECT youth_hash, max(CASE flag WHEN 'confirmed' THEN 3 WHEN 'suspected' THEN 2 ELSE 1 END) AS tier
                      FROM core.cse_flag GROUP BY extract_id, youth_hash) t
                """
            ).single()
            let confirmed = Double(try tiers.decode(Int.self, "confirmed")),
                suspected = Double(try tiers.decode(Int.self, "suspected"))
            XCTAssertEqual(confirmed / (confirmed + suspected), 0.6, accuracy: 0.05)
            XCTAssertGreaterThan(try tiers.decode(Int.self, "at_risk"), 0)

            // Flags over several years, some resolved; moves on the next day; step-downs.
            let years = try connection.query(
                "SELECT count(DISTINCT extract(year FROM flagged_on)) AS years, count(resolved_on) AS resolved FROM core.cse_flag"
            ).single()
            XCTAssertGreaterThanOrEqual(try years.decode(Int.self, "years"), 5)
            XCTAssertGreaterThan(try years.decode(Int.self, "resolved"), 0)
            let moves = try connection.query(
                """
                SELECT count(*) FILTER (WHERE p.started_on = q.ended_on + 1) AS next_day,
                       count(*) FILTER (WHERE p.started_on = q.ended_on) AS same_day,
                       count(*) FILTER (WHERE sp.rank < sq.rank) AS step_down
                FROM core.placement p
                JOIN core.placement q ON q.extract_id = p.extract_id AND q.youth_hash = p.youth_hash AND q.rec <> p.rec
                     AND p.started_on IN (q.ended_on, q.ended_on + 1)
                JOIN ref.code sp ON sp.list = 'setting' AND sp.code = p.setting
                JOIN ref.code sq ON sq.list = 'setting' AND sq.code = q.setting
                """
            ).single()
            XCTAssertGreaterThan(try moves.decode(Int.self, "next_day"), 0)
            XCTAssertGreaterThan(try moves.decode(Int.self, "same_day"), 0)
            XCTAssertGreaterThan(try moves.decode(Int.self, "step_down"), 0)
        }
    }

    func testCommittedSampleIsAcceptedByTheIngest() throws {
        let database = try TestCluster.shared.freshDatabase()
        try AgencyRegistry(database: database).add(
            code: Synthesizer.sampleAgencyCode, name: "Sample agency", counties: [Synthesizer.sampleCountyFIPS])
        let ingestor = Ingestor(
            database: database, hasher: IdentifierHasher(secret: "synth-test-secret"), sqlDirectory: Self.sqlDirectory)
        let outcome = try ingestor.ingest(path: Self.sampleFolder.path, agencyCode: Synthesizer.sampleAgencyCode)
        XCTAssertEqual(outcome.status, .accepted, "\(outcome.issues.listed.prefix(5).map { "\($0)" })")
        XCTAssertEqual(outcome.recordCounts["youth.csv"], Synthesizer.sampleYouth)
        for file in [
            "cse_flags.csv", "placements.csv", "absences.csv", "events.csv", "school_terms.csv", "assessments.csv",
            "stages_of_change.csv", "goals.csv",
        ] {
            XCTAssertGreaterThan(outcome.recordCounts[file] ?? 0, 0, file)
        }
    }

    func testReferenceComesFromTheDatabase() throws {
        let reference = try Self.reference()
        XCTAssertEqual(reference.counties.count, 58)
        XCTAssertEqual(reference.files.map(\.name).first, "youth.csv")
        XCTAssertEqual(reference.files.count, 9)
        XCTAssertEqual(try reference.list("event").count, 44)
        XCTAssertEqual(reference.instruments.first { $0.code == "COPSE" }?.items.count, 26)
        XCTAssertEqual(reference.instruments.first { $0.code == "URICA" }?.items.count, 32)
        XCTAssertNotNil(reference.instruments.first { $0.code == "CANS" }?.itemPattern)
    }
}
