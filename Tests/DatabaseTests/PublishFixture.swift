import Foundation
import Indicators
import OutcomesStore
import PostgresClient
import Publish
import TestSupport

/// Data and helpers for the publishing tests.
enum PublishFixture {
    static let checkout = TestCluster.checkout
    static var reports: URL { checkout.appendingPathComponent("Reports") }
    static var sql: URL { checkout.appendingPathComponent("SQL") }
    static let period = Period("SFY2025Q4")!

    /// A tiny computation written by hand straight into result.computation / result.cell (as the
    /// owner), with the suppression decision already made. Published values (result.published
    /// rounds them) worked out by hand:
    ///
    ///   SFY2025Q4 (decided)
    ///   06000 population_in_scope            57                              -> 57
    ///   06001 population_in_scope            45; tier confirmed 20,
    ///         suspected 18 (complementary), at_risk 7 (primary)             -> 45, 20, *, *
    ///   06013 population_in_scope            12                              -> 12 (its other measures: no rows)
    ///   06003 population_in_scope            not_reported (Alpine: no data)
    ///   06001 safety_exploitation_incident   9 / 45 (primary: 9 <= 10)       -> suppressed, numbers blank
    ///   06001 safety_homelessness            0 / 45                          -> 0.0 (zero is never suppressed)
    ///   06001 health_injury_treated          0 / 0                           -> no_denominator, value blank
    ///   06001 mental_service_access          30 / 45 = 66.666…               -> 66.7
    ///   06000 mental_service_access          40 / 57 = 70.175…               -> 70.2
    ///   06001 placement_moves                12 events / 3650 days x 1000 = 3.2876… -> 3.29
    ///   06001 agency_sense_of_control        mean 4 over 40 persons          -> numerator blank, 40, 4.00
    ///   06001 education_credits_change       improved 20, unchanged 12, worse 13 of 45 = 44.44…%,
    ///                                        median 0.5                      -> 20, 45, 44.4, 20, 12, 13, 0.50
    ///   06001 progress_readiness_stage       11, 13, 12 (complementary), 4 (primary) of 40
    ///                                        -> 27.5, 32.5, *, *
    ///   06001 legal_victim_witness           0                               -> 0
    ///   06001 race_self_reported_share       30 / 45                         -> 66.7
    ///   SFY2025Q3 (decided): 06001 mental_service_access 25 / 40 -> 62.5; 06000 30 / 50 -> 60.0;
    ///                        population 06001 40, 06000 50
    ///   SFY2025Q2 (NOT decided: suppressed_at NULL): 06001 mental_service_access 1 / 2 -> never published
    static func insertHandMadeResults(into db: Database) throws {
        try db.withConnection { c in
            try c.execute(
                script: """
                    INSERT INTO result.computation (period, period_start, period_end, computed_at, inputs, suppressed_at) VALUES
                      ('SFY2025Q4', '2025-04-01', '2025-06-30', now(),
                       '[{"agency_code": "ALA-CWS", "extract_id": 2, "extracted_on": "2025-07-10"},
                         {"agency_code": "ALA-PROB", "extract_id": 3, "extracted_on": "2025-07-12"}]', now()),
                      ('SFY2025Q3', '2025-01-01', '2025-03-31', now(),
                       '[{"agency_code": "ALA-CWS", "extract_id": 1, "extracted_on": "2025-04-02"}]', now()),
                      ('SFY2025Q2', '2024-10-01', '2024-12-31', now(), '[]', NULL);
                    CREATE TEMP TABLE hand (period text, county char(5), measure text, category text, stratification text,
                        stratum text, numerator numeric, denominator numeric, value numeric, persons numeric,
                        improved int, unchanged int, worse int, median_change numeric, note text, suppressed boolean,
                        reason text);
                    INSERT INTO hand VALUES
                      ('SFY2025Q4', '06000', 'population_in_scope', '', 'all', 'all', 57, NULL, 57, NULL, NULL, NULL, NULL, NULL, NULL, false, NULL),
                      ('SFY2025Q4', '06001', 'population_in_scope', '', 'all', 'all', 45, NULL, 45, NULL, NULL, NULL, NULL, NULL, NULL, false, NULL),
                      ('SFY2025Q4', '06001', 'population_in_scope', '', 'tier', 'confirmed', 20, NULL, 20, NULL, NULL, NULL, NULL, NULL, NULL, false, NULL),
                      ('SFY2025Q4', '06001', 'population_in_scope', '', 'tier', 'suspected', 18, NULL, 18, NULL, NULL, NULL, NULL, NULL, NULL, true, 'complementary'),
                      ('SFY2025Q4', '06001', 'population_in_scope', '', 'tier', 'at_risk', 7, NULL, 7, NULL, NULL, NULL, NULL, NULL, NULL, true, 'primary'),
                      ('SFY2025Q4', '06013', 'population_in_scope', '', 'all', 'all', 12, NULL, 12, NULL, NULL, NULL, NULL, NULL, NULL, false, NULL),
                      ('SFY2025Q4', '06003', 'population_in_scope', '', 'all', 'all', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'not_reported', false, NULL),
                      ('SFY2025Q4', '06001', 'safety_exploitation_incident', '', 'all', 'all', 9, 45, 20, 45, NULL, NULL, NULL, NULL, NULL, true, 'primary'),
                      ('SFY2025Q4', '06001', 'safety_homelessness', '', 'all', 'all', 0, 45, 0, 45, NULL, NULL, NULL, NULL, NULL, false, NULL),
                      ('SFY2025Q4', '06001', 'health_injury_treated', '', 'all', 'all', 0, 0, NULL, 0, NULL, NULL, NULL, NULL, 'no_denominator', false, NULL),
                      ('SFY2025Q4', '06001', 'mental_service_access', '', 'all', 'all', 30, 45, 66.66666666666667, 45, NULL, NULL, NULL, NULL, NULL, false, NULL),
                      ('SFY2025Q4', '06000', 'mental_service_access', '', 'all', 'all', 40, 57, 70.17543859649123, 57, NULL, NULL, NULL, NULL, NULL, false, NULL),
                      ('SFY2025Q4', '06001', 'placement_moves', '', 'all', 'all', 12, 3650, 3.287671232876712, 40, NULL, NULL, NULL, NULL, NULL, false, NULL),
                      ('SFY2025Q4', '06001', 'agency_sense_of_control', '', 'all', 'all', 160, 40, 4, 40, NULL, NULL, NULL, NULL, NULL, false, NULL),
                      ('SFY2025Q4', '06001', 'education_credits_change', '', 'all', 'all', 20, 45, 44.44444444444444, 45, 20, 12, 13, 0.5, NULL, false, NULL),
                      ('SFY2025Q4', '06001', 'progress_readiness_stage', 'precontemplation', 'all', 'all', 11, 40, 27.5, 40, NULL, NULL, NULL, NULL, NULL, false, NULL),
                      ('SFY2025Q4', '06001', 'progress_readiness_stage', 'contemplation', 'all', 'all', 13, 40, 32.5, 40, NULL, NULL, NULL, NULL, NULL, false, NULL),
                      ('SFY2025Q4', '06001', 'progress_readiness_stage', 'preparation_action', 'all', 'all', 12, 40, 30, 40, NULL, NULL, NULL, NULL, NULL, true, 'complementary'),
                      ('SFY2025Q4', '06001', 'progress_readiness_stage', 'maintenance', 'all', 'all', 4, 40, 10, 40, NULL, NULL, NULL, NULL, NULL, true, 'primary'),
                      ('SFY2025Q4', '06001', 'legal_victim_witness', '', 'all', 'all', 0, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, false, NULL),
                      ('SFY2025Q4', '06001', 'race_self_reported_share', '', 'all', 'all', 30, 45, 66.66666666666667, 45, NULL, NULL, NULL, NULL, NULL, false, NULL),
                      ('SFY2025Q3', '06000', 'population_in_scope', '', 'all', 'all', 50, NULL, 50, NULL, NULL, NULL, NULL, NULL, NULL, false, NULL),
                      ('SFY2025Q3', '06001', 'population_in_scope', '', 'all', 'all', 40, NULL, 40, NULL, NULL, NULL, NULL, NULL, NULL, false, NULL),
                      ('SFY2025Q3', '06001', 'mental_service_access', '', 'all', 'all', 25, 40, 62.5, 40, NULL, NULL, NULL, NULL, NULL, false, NULL),
                      ('SFY2025Q3', '06000', 'mental_service_access', '', 'all', 'all', 30, 50, 60, 50, NULL, NULL, NULL, NULL, NULL, false, NULL),
                      ('SFY2025Q2', '06001', 'mental_service_access', '', 'all', 'all', 1, 2, 50, 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
                    INSERT INTO result.cell (computation_id, county_fips, measure, category, stratification, stratum,
                        numerator, denominator, value, persons, improved, unchanged, worse, median_change, note,
                        suppressed, suppression_reason)
                    SELECT c.id, h.county, h.measure, h.category, h.stratification, h.stratum, h.numerator, h.denominator,
                           h.value, h.persons, h.improved, h.unchanged, h.worse, h.median_change, h.note, h.suppressed, h.reason
                    FROM hand h JOIN result.computation c ON c.period = h.period;
                    DROP TABLE hand;
                    """)
        }
    }

    /// Recognisable record-level values that must never reach a published file.
    static let youthHashes = (1...12).map { i in
        "c0ffee" + String(repeating: "5a", count: 28) + String(format: "%02d", i)
    }
    static let linkageHash = "1d" + String(repeating: "e7", count: 31)
    static let birthMonth = "2008-02-01"

    /// Records for the real engine: indicator fixture 01 (Alameda, Contra Costa, Alpine without an
    /// accepted extract, Amador without an agency) plus twelve Sacramento youth with recognisable
    /// hashes, a shared linkage hash and a birth month, all in scope for SFY2025Q4; then the
    /// engine computes and suppresses SFY2025Q4 and SFY2025Q3.
    static func computeFromRecords(into db: Database) throws {
        let fixture = try String(
            contentsOf: checkout.appendingPathComponent("Tests/Fixtures/indicators/01_population.sql"), encoding: .utf8)
        var youth: [String] = []
        var flags: [String] = []
        for (i, hash) in youthHashes.enumerated() {
            youth.append(
                "(10, 10, \(i + 1), '\(hash)', \(i < 2 ? "'\(linkageHash)'" : "NULL"), '06067', '\(birthMonth)', "
                    + "'\(i % 2 == 0 ? "female" : "male")', '{BLACK}', 'self')")
            flags.append(
                "(10, 10, \(i + 1), '\(hash)', '\(i < 4 ? "confirmed" : "suspected")', '2025-05-02', 'court', NULL)")
        }
        try db.withConnection { c in
            try c.execute(script: fixture)
            try c.execute(
                script: """
                    INSERT INTO core.agency (id, code, name) OVERRIDING SYSTEM VALUE VALUES (10, 'SAC-CWS', 'Sacramento County CWS');
                    INSERT INTO core.agency_county (agency_id, county_fips) VALUES (10, '06067');
                    INSERT INTO core.extract (id, agency_id, sha256, status, source_name, extracted_on, files, error_count)
                        OVERRIDING SYSTEM VALUE VALUES
                        (10, 10, repeat('a', 64), 'accepted', 'sac-cws-1.zip', '2025-07-20', '{youth.csv,cse_flags.csv,events.csv}', 0);
                    INSERT INTO core.youth (extract_id, agency_id, rec, youth_hash, linkage_hash, county_fips, birth_month,
                        gender, race_categories, race_source) VALUES
                    \(youth.joined(separator: ",\n")) ;
                    INSERT INTO core.cse_flag (extract_id, agency_id, rec, youth_hash, flag, flagged_on, basis, resolved_on) VALUES
                    \(flags.joined(separator: ",\n")) ;
                    """)
        }
        let engine = IndicatorEngine(database: db, sqlDirectory: sql)
        for p in [Period("SFY2025Q3")!, period] { _ = try engine.compute(p) }
    }

    static func publish(_ db: Database, to folder: URL, reports: URL? = nil) throws -> Publisher.Summary {
        try Publisher(database: db, reportsDirectory: reports ?? Self.reports).publish(period: period, to: folder)
    }

    static func scratch(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("publish-\(name)-\(UUID().uuidString)")
    }

    /// Every file under `folder`, relative path -> bytes.
    static func files(in folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let base = folder.standardizedFileURL.path + "/"
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        else {
            return result
        }
        for case let url as URL in walker
        where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            let path = url.standardizedFileURL.path
            result[path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path] = try Data(contentsOf: url)
        }
        return result
    }

    struct Run {
        var status: Int32
        var output: String
    }

    /// Runs a program to completion, its output (stdout and stderr) collected through a file.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let run = try runTool("/usr/bin/env", [executable] + arguments, environment: environment)
        return Run(status: run.status, output: run.output)
    }

    /// Parses a CSV file with Python's standard csv module (an independent RFC 4180 reader).
    static func parseCSV(_ file: URL) throws -> [[String]] {
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline='', encoding='utf-8') as f:
                rows = list(csv.reader(f, strict=True))
            json.dump(rows, sys.stdout)
            """
        let result = try run("python3", ["-c", script, file.path])
        guard result.status == 0,
            let rows = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String]]
        else {
            throw HarnessError("python3 could not parse \(file.path): \(result.output.prefix(500))")
        }
        return rows
    }

    /// result.published rows of `period`, every column as text (NULL as ''), in the view's order.
    static func publishedRows(_ db: Database, county: String? = nil) throws -> [[String]] {
        try db.withConnection(as: .analyst) { c in
            try c.query(
                """
                SELECT period, county_fips, county_name, coalesce(domain::text, '') AS domain, measure, category,
                       stratification, stratum, coalesce(numerator::text, '') AS numerator,
                       coalesce(denominator::text, '') AS denominator, coalesce(value::text, '') AS value, suppressed,
                       coalesce(improved::text, '') AS improved, coalesce(unchanged::text, '') AS unchanged,
                       coalesce(worse::text, '') AS worse, coalesce(median_change::text, '') AS median_change, note
                FROM result.published WHERE period = $1 AND ($2 = '' OR county_fips = $2)
                ORDER BY period, county_fips, measure_ord, category_ord, stratum_ord
                """, [period.description, county ?? ""]
            ).rows.map { row in try PublishedRow.csvHeader.map { try row.decode(String.self, $0) } }
        }
    }
}
