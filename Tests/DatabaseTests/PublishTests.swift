import Crypto
import Foundation
import Indicators
import OutcomesStore
import PostgresClient
import Publish
import TestSupport
import XCTest

/// `outcomes publish`: the site is rendered from result.published only, its CSV files equal the
/// published rows, it holds no record-level value, and the same data give the same bytes.
final class PublishTests: XCTestCase {
    private var cleanup: [URL] = []

    override func tearDown() {
        for url in cleanup { try? FileManager.default.removeItem(at: url) }
        cleanup = []
        super.tearDown()
    }

    private func scratch(_ name: String) -> URL {
        let url = PublishFixture.scratch(name)
        cleanup.append(url)
        return url
    }

    private func text(_ folder: URL, _ path: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
    }

    // MARK: Hand-made results

    func testRendersTheHandMadeResultsAsPublished() throws {
        let db = try TestCluster.shared.freshDatabase()
        try PublishFixture.insertHandMadeResults(into: db)
        let site = scratch("hand")
        let summary = try PublishFixture.publish(db, to: site)
        // style.css, index, measures (html + csv), statewide.csv, 58 x (html + csv), manifest.json.
        XCTAssertEqual(summary.files, 1 + 1 + 2 + 1 + 58 * 2 + 1)

        let statewide = try text(site, "statewide.csv")
        let lines = statewide.components(separatedBy: "\r\n")
        XCTAssertEqual(
            lines[0],
            "period,county_fips,county_name,domain,measure,category,stratification,stratum,numerator,denominator,value,"
                + "suppressed,improved,unchanged,worse,median_change,note")
        // 06000 first, then counties by FIPS, measures in catalogue order; numbers exactly as the view prints them.
        XCTAssertEqual(lines[1], "SFY2025Q4,06000,California,,population_in_scope,,all,all,57,,57,no,,,,,")
        for expected in [
            "SFY2025Q4,06001,Alameda,,population_in_scope,,tier,suspected,,,,yes,,,,,",
            "SFY2025Q4,06001,Alameda,1,safety_exploitation_incident,,all,all,,,,yes,,,,,",
            "SFY2025Q4,06001,Alameda,1,safety_homelessness,,all,all,0,45,0.0,no,,,,,",
            "SFY2025Q4,06001,Alameda,2,health_injury_treated,,all,all,0,0,,no,,,,,no_denominator",
            "SFY2025Q4,06001,Alameda,3,mental_service_access,,all,all,30,45,66.7,no,,,,,",
            "SFY2025Q4,06000,California,3,mental_service_access,,all,all,40,57,70.2,no,,,,,",
            "SFY2025Q4,06001,Alameda,4,placement_moves,,all,all,12,3650,3.29,no,,,,,",
            "SFY2025Q4,06001,Alameda,8,agency_sense_of_control,,all,all,,40,4.00,no,,,,,",
            "SFY2025Q4,06001,Alameda,6,education_credits_change,,all,all,20,45,44.4,no,20,12,13,0.50,",
            "SFY2025Q4,06001,Alameda,,progress_readiness_stage,contemplation,all,all,13,40,32.5,no,,,,,",
            "SFY2025Q4,06001,Alameda,,progress_readiness_stage,maintenance,all,all,,,,yes,,,,,",
            "SFY2025Q4,06001,Alameda,10,legal_victim_witness,,all,all,0,,0,no,,,,,",
            "SFY2025Q4,06003,Alpine,,population_in_scope,,all,all,,,,no,,,,,not_reported",
        ] {
            XCTAssertTrue(lines.contains(expected), "statewide.csv lacks: \(expected)")
        }
        // The undecided SFY2025Q2 computation and the earlier period are not in this period's files.
        XCTAssertFalse(statewide.contains("SFY2025Q2"))
        XCTAssertFalse(statewide.contains("SFY2025Q3"))

        let alameda = try text(site, "counties/06001-alameda.html")
        XCTAssertTrue(alameda.contains("<html lang=\"en\">"))
        XCTAssertTrue(alameda.contains("<h1>Alameda County</h1>"))
        XCTAssertTrue(alameda.contains("<span class=\"num\">66.7%</span>"), "the county's value")
        XCTAssertTrue(alameda.contains("<span class=\"num\">70.2%</span>"), "beside the state's")
        XCTAssertTrue(alameda.contains("30 of 45"))
        XCTAssertTrue(alameda.contains("<span class=\"num\">3.29 per 1,000 days</span>"))
        XCTAssertTrue(alameda.contains("12 events in 3,650 placement days"))
        XCTAssertTrue(alameda.contains("<span class=\"num\">4.00</span>") && alameda.contains("average of 40 youth"))
        XCTAssertTrue(alameda.contains("<span class=\"num\">44.4% improved</span>"))
        XCTAssertTrue(alameda.contains("<td>20 (44.4%)</td><td>12 (26.7%)</td><td>13 (28.9%)</td><td>0.50</td>"))
        // Zero, suppressed, not reported and no one eligible look different from each other.
        XCTAssertTrue(alameda.contains("<span class=\"num\">0.0%</span>"), "a real zero is a plain number")
        XCTAssertTrue(alameda.contains("<span class=\"gap gap-suppressed\">"))
        XCTAssertTrue(
            alameda.contains(
                "<span class=\"gap gap-none\"><span class=\"sym\" aria-hidden=\"true\">n/a</span> no one eligible</span>"
            ))
        XCTAssertTrue(alameda.contains("Lower is better") && alameda.contains("Higher is better"))
        // Trend: SFY2025Q3 was published (62.5% and 60.0%); SFY2025Q2 was never decided, so it is absent.
        XCTAssertTrue(alameda.contains("id=\"t-mental-service-access-t\""))
        XCTAssertTrue(
            alameda.contains("<span class=\"num\">62.5%</span>") && alameda.contains("<span class=\"num\">60.0%</span>")
        )
        XCTAssertFalse(alameda.contains("October–December 2024"))
        // Stages of change, race breakdown with the self-reported share, data currency, footnote.
        XCTAssertTrue(alameda.contains("Preparation / action"))
        XCTAssertTrue(
            alameda.contains(
                "reported by the youth themselves (rather than recorded by a worker) for 66.7% of youth in scope"))
        XCTAssertTrue(alameda.contains("<th scope=\"row\">ALA-PROB</th><td>3</td><td>2025-07-12</td>"))
        XCTAssertTrue(alameda.contains("id=\"fn-suppression\""))
        XCTAssertFalse(alameda.contains("<script"))

        // Counties without data say so, and why; they are not empty pages.
        for page in ["counties/06003-alpine.html", "counties/06005-amador.html"] {
            let html = try text(site, page)
            XCTAssertTrue(html.contains("<h2 id=\"no-data-h\">No extract received</h2>"), page)
            XCTAssertTrue(html.contains("had an accepted data extract when the results for"), page)
            XCTAssertTrue(html.contains("This does not mean that no youth were affected"), page)
            XCTAssertFalse(html.contains("class=\"measure\""), "\(page): no empty measure cards")
        }
        let amadorCSV = try text(site, "counties/06005-amador.csv")
        XCTAssertEqual(amadorCSV, PublishedRow.csvHeader.joined(separator: ",") + "\r\n", "no rows, but the header")

        let index = try text(site, "index.html")
        XCTAssertEqual(index.components(separatedBy: "<tr><th scope=\"row\"><a href=\"counties/").count - 1, 58)
        XCTAssertTrue(index.contains("<a href=\"counties/06037-los-angeles.html\">Los Angeles</a>"))
        XCTAssertTrue(index.contains("Data were received for 2 of the 58 counties"), "Alameda and Contra Costa")

        let measures = try text(site, "measures.html")
        XCTAssertTrue(measures.contains("id=\"suppression\""))
        XCTAssertTrue(measures.contains("<code>progress_readiness_stage</code>"))

        let manifest =
            try JSONSerialization.jsonObject(with: Data(contentsOf: site.appendingPathComponent("manifest.json")))
            as! [String: Any]
        XCTAssertEqual(manifest["period"] as? String, "SFY2025Q4")
        let inputs = manifest["inputs"] as! [[String: Any]]
        XCTAssertEqual(inputs.map { $0["agency_code"] as? String }, ["ALA-CWS", "ALA-PROB"])
        XCTAssertEqual(
            (manifest["trend"] as! [[String: Any]]).map { $0["period"] as? String }, ["SFY2025Q3", "SFY2025Q4"])
    }

    func testMeasuresCSVIsTheCatalogue() throws {
        let db = try TestCluster.shared.freshDatabase()
        try PublishFixture.insertHandMadeResults(into: db)
        let site = scratch("measures")
        try PublishFixture.publish(db, to: site)
        let rows = try PublishFixture.parseCSV(site.appendingPathComponent("measures.csv"))
        XCTAssertEqual(rows.first, SiteRenderer.measuresCSVHeader)
        let catalogue = try db.withConnection(as: .analyst) { c in
            try c.query("SELECT code, definition, unit, direction FROM ref.measure ORDER BY ord").rows.map {
                [
                    try $0.decode(String.self, "code"), try $0.decode(String.self, "definition"),
                    try $0.decode(String.self, "unit"), try $0.decode(String.self, "direction"),
                ]
            }
        }
        // Definitions hold commas, quotes and apostrophes: they come back intact through a standard reader.
        XCTAssertEqual(rows.dropFirst().map { [$0[0], $0[4], $0[7], $0[8]] }, catalogue)
    }

    func testPublishingNeedsAComputedPeriod() throws {
        let db = try TestCluster.shared.freshDatabase()
        try PublishFixture.insertHandMadeResults(into: db)
        XCTAssertThrowsError(
            try Publisher(database: db, reportsDirectory: PublishFixture.reports).publish(
                period: Period("SFY2025Q2")!, to: scratch("undecided"))
        ) { error in
            XCTAssertTrue("\(error)".contains("No published results for SFY2025Q2"), "\(error)")
        }
    }

    func testRefusesToOverwriteAFolderThatIsNotASite() throws {
        let db = try TestCluster.shared.freshDatabase()
        try PublishFixture.insertHandMadeResults(into: db)
        let folder = scratch("occupied")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "keep me".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try PublishFixture.publish(db, to: folder))
        XCTAssertEqual(try String(contentsOf: folder.appendingPathComponent("notes.txt"), encoding: .utf8), "keep me")
        // An earlier site is replaced, stale files included.
        let site = scratch("replace")
        try PublishFixture.publish(db, to: site)
        try "stale".write(to: site.appendingPathComponent("counties/stale.html"), atomically: true, encoding: .utf8)
        try PublishFixture.publish(db, to: site)
        XCTAssertFalse(FileManager.default.fileExists(atPath: site.appendingPathComponent("counties/stale.html").path))
    }

    func testTheAnalystRoleCannotReadWhatIsNotPublished() throws {
        let db = try TestCluster.shared.freshDatabase()
        try PublishFixture.insertHandMadeResults(into: db)
        // Publishing connects as outcomes_analyst; that role sees result.published, never cells or records.
        for table in ["result.cell", "result.computed", "core.youth"] {
            XCTAssertThrowsError(try db.withConnection(as: .analyst) { try $0.query("SELECT count(*) FROM \(table)") })
            {
                XCTAssertEqual(($0 as? PostgresError)?.sqlState, "42501", "\(table): permission denied")
            }
        }
    }

    // MARK: Templates

    func testABrokenTemplateFailsWithItsNameAndLine() throws {
        let db = try TestCluster.shared.freshDatabase()
        try PublishFixture.insertHandMadeResults(into: db)
        let reports = scratch("reports")
        try FileManager.default.copyItem(at: PublishFixture.reports, to: reports)
        let county = reports.appendingPathComponent("templates/county.mustache")
        var lines = try String(contentsOf: county, encoding: .utf8).components(separatedBy: "\n")
        lines.insert("{{#received}}<p>unclosed</p>{{/recieved}}", at: 4)  // becomes line 5
        try lines.joined(separator: "\n").write(to: county, atomically: true, encoding: .utf8)
        let site = scratch("broken")
        XCTAssertThrowsError(try PublishFixture.publish(db, to: site, reports: reports)) { error in
            XCTAssertTrue("\(error)".contains("templates/county.mustache, line 5"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: site.path), "nothing is written")

        // The command line says the same in one line and exits non-zero, without a stack trace.
        let outcomes = try XCTUnwrap(Self.outcomesExecutable(), "the outcomes program is built beside the tests")
        let run = try PublishFixture.run(
            outcomes,
            [
                "publish", "--period", "SFY2025Q4", "--out", site.path, "--reports-dir", reports.path,
                "--database", try TestCluster.shared.conninfo(database: "postgres"),
            ])
        XCTAssertEqual(run.status, 78, run.output)
        XCTAssertTrue(run.output.hasPrefix("outcomes: Template "), run.output)
        XCTAssertTrue(run.output.contains("county.mustache, line 5, column"), run.output)
        XCTAssertEqual(run.output.trimmingCharacters(in: .newlines).components(separatedBy: "\n").count, 1, run.output)
        XCTAssertFalse(run.output.contains("Fatal error") || run.output.contains("Stack dump"), run.output)
    }

    func testAnAnalystCanChangeWordingWithoutRecompiling() throws {
        let db = try TestCluster.shared.freshDatabase()
        try PublishFixture.insertHandMadeResults(into: db)
        let reports = scratch("wording")
        try FileManager.default.copyItem(at: PublishFixture.reports, to: reports)
        let key = reports.appendingPathComponent("templates/_cell.mustache")
        let text = try String(contentsOf: key, encoding: .utf8).replacingOccurrences(
            of: " no one eligible", with: " nobody eligible")
        try text.write(to: key, atomically: true, encoding: .utf8)
        let site = scratch("reworded")
        try PublishFixture.publish(db, to: site, reports: reports)
        XCTAssertTrue(try self.text(site, "counties/06001-alameda.html").contains("nobody eligible"))
    }

    // MARK: From records, through the engine

    func testCSVFilesEqualThePublishedRowsRowForRow() throws {
        let db = try TestCluster.shared.freshDatabase()
        try PublishFixture.computeFromRecords(into: db)
        let site = scratch("engine")
        try PublishFixture.publish(db, to: site)

        let published = try PublishFixture.publishedRows(db)
        XCTAssertGreaterThan(published.count, 10_000, "every measure x stratum x county of a real computation")
        let statewide = try PublishFixture.parseCSV(site.appendingPathComponent("statewide.csv"))
        XCTAssertEqual(statewide.first, PublishedRow.csvHeader)
        XCTAssertEqual(statewide.count - 1, published.count)
        XCTAssertEqual(Array(statewide.dropFirst()), published, "statewide.csv = result.published, row for row")

        let statewideText = try text(site, "statewide.csv")
        let statewideLines = statewideText.components(separatedBy: "\r\n")
        let counties = try FileManager.default.contentsOfDirectory(atPath: site.appendingPathComponent("counties").path)
            .filter { $0.hasSuffix(".csv") }.sorted()
        XCTAssertEqual(counties.count, 58)
        for file in counties {
            let fips = String(file.prefix(5))
            let countyText = try text(site, "counties/" + file)
            let countyLines = countyText.components(separatedBy: "\r\n")
            XCTAssertEqual(countyLines.first, statewideLines.first, "\(file): same columns")
            XCTAssertEqual(
                Array(countyLines.dropFirst().filter { !$0.isEmpty }),
                statewideLines.dropFirst().filter { $0.hasPrefix("SFY2025Q4,\(fips),") },
                "\(file) = its rows of statewide.csv")
            if fips == "06001" {
                XCTAssertEqual(
                    Array(try PublishFixture.parseCSV(site.appendingPathComponent("counties/" + file)).dropFirst()),
                    try PublishFixture.publishedRows(db, county: fips))
            }
        }
        XCTAssertTrue(statewideText.hasSuffix("\r\n"))
        XCTAssertNotNil(statewideText.data(using: .utf8))
    }

    func testNoRecordLevelValueIsPublished() throws {
        let db = try TestCluster.shared.freshDatabase()
        try PublishFixture.computeFromRecords(into: db)
        let site = scratch("records")
        try PublishFixture.publish(db, to: site)
        // Sacramento's youth are in the results (so the test means something): twelve records, two of
        // them with the same linkage hash in the same county, are 11 persons; fixture 01 has 7 persons
        // statewide, so California has 7 + 11 = 18 (Sacramento's own 11 is suppressed to protect
        // Alameda's 6 and Contra Costa's 1 in the county group) …
        let state = try text(site, "statewide.csv").components(separatedBy: "\r\n")
            .filter { $0.hasPrefix("SFY2025Q4,06000,California,,population_in_scope,,all,all,") }
        XCTAssertEqual(state, ["SFY2025Q4,06000,California,,population_in_scope,,all,all,18,,18,no,,,,,"])
        // … but none of their identifiers, hashes or birth months is in any file.
        let needles =
            PublishFixture.youthHashes + [
                PublishFixture.linkageHash, PublishFixture.birthMonth, "2008-02", "c0ffee5a5a",
            ]
        for (path, data) in try PublishFixture.files(in: site) {
            let text = String(decoding: data, as: UTF8.self)
            for needle in needles {
                XCTAssertFalse(text.contains(needle), "\(path) contains the record-level value \(needle)")
            }
        }
        // Nor the computation's clock time.
        let computedAt = try db.withConnection { c in
            try c.query("SELECT to_char(computed_at, 'YYYY-MM-DD HH24:MI') AS t FROM result.computation LIMIT 1")
                .single()
                .decode(String.self, "t")
        }
        for (path, data) in try PublishFixture.files(in: site) {
            XCTAssertFalse(String(decoding: data, as: UTF8.self).contains(computedAt), "\(path) shows computed_at")
        }
    }

    func testTwoPublishesOfTheSameDataAreByteIdentical() throws {
        let db = try TestCluster.shared.freshDatabase()
        try PublishFixture.computeFromRecords(into: db)
        let first = scratch("first"), second = scratch("second")
        try PublishFixture.publish(db, to: first)
        try PublishFixture.publish(db, to: second)
        let a = try PublishFixture.files(in: first), b = try PublishFixture.files(in: second)
        XCTAssertEqual(a.keys.sorted(), b.keys.sorted())
        XCTAssertEqual(a.count, 1 + 1 + 2 + 1 + 58 * 2 + 1)
        for (path, data) in a { XCTAssertEqual(data, b[path], "\(path) differs between two publishes") }
        XCTAssertEqual(a["manifest.json"], b["manifest.json"])

        // The manifest lists the SHA-256 of every other file, with sorted keys.
        let manifestText = String(decoding: a["manifest.json"]!, as: UTF8.self)
        let manifest = try JSONSerialization.jsonObject(with: a["manifest.json"]!) as! [String: Any]
        let hashes = manifest["files"] as! [String: String]
        XCTAssertEqual(Set(hashes.keys), Set(a.keys).subtracting(["manifest.json"]))
        for (path, hash) in hashes {
            XCTAssertEqual(hash, SHA256.hash(data: a[path]!).map { String(format: "%02x", $0) }.joined(), path)
        }
        let topKeys = [
            "\"files\"", "\"inputs\"", "\"period\"", "\"period_end\"", "\"period_name\"", "\"period_start\"",
            "\"rows\"", "\"suppression\"", "\"trend\"",
        ]
        let positions = topKeys.map { manifestText.range(of: "\n  \($0)")?.lowerBound }
        XCTAssertFalse(positions.contains(nil), manifestText.prefix(400).description)
        XCTAssertEqual(positions.compactMap { $0 }, positions.compactMap { $0 }.sorted(), "keys are sorted")
        let inputs = manifest["inputs"] as! [[String: Any]]
        XCTAssertEqual(inputs.map { $0["agency_code"] as? String }, ["ALA-CWS", "ALA-PROB", "SAC-CWS"])
        XCTAssertEqual(inputs.map { $0["extracted_on"] as? String }, ["2025-07-10", "2025-07-12", "2025-07-20"])
    }

    /// Nu HTML Checker and axe-core in headless Chromium on every page (Tests/html/check_site.py).
    func testEveryPagePassesTheHTMLCheckerAndAxe() throws {
        let db = try TestCluster.shared.freshDatabase()
        try PublishFixture.computeFromRecords(into: db)
        let site = scratch("checked")
        try PublishFixture.publish(db, to: site)
        let script = PublishFixture.checkout.appendingPathComponent("Tests/html/check_site.py").path
        let run = try PublishFixture.run("python3", [script, site.path])
        XCTAssertEqual(
            run.status, 0,
            "Tests/html/check_site.py found problems (install its tools with deploy/install-debian.sh --test):\n"
                + run.output.suffix(20_000))
    }

    /// The `outcomes` program built beside this test bundle.
    static func outcomesExecutable() -> String? {
        guard let me = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        var folder = URL(fileURLWithPath: me).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("outcomes").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }
}
