import ArgumentParser
import Foundation
import Indicators
import OutcomesStore
import Publish

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole service end to end on synthetic statewide data and publish the site.",
        discussion: """
            Synthesizes extracts for every county's agencies, registers the agencies, ingests every extract, \
            computes the chosen quarter and the seven before it (the trend), and publishes the site. Running it \
            again recognises the extracts already accepted and recomputes and republishes.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Number of synthetic youth.") var youth = 20_000
    @Option(help: "Seed of the synthetic data.") var seed: UInt64 = 2025
    @Option(
        help: ArgumentHelp("Quarter to publish (the synthetic extracts are dated 2025-08-15).", valueName: "period"))
    var period = Period("SFY2025Q4")!
    @Option(
        help: ArgumentHelp("Folder for the site (default: Reports/site in the checkout or install).", valueName: "dir"))
    var out: String?

    func validate() throws {
        try validateYouthCount(youth)
    }

    func run() throws {
        try reportingFailures {
            let database = try global.database()
            progress(
                "1/5 PostgreSQL ready (\(global.externalDatabase == nil ? "embedded cluster in \(global.homeURL.path)" : "given server"))."
            )
            let pipeline = Pipeline(
                database: database, sqlDirectory: try global.sqlDirectory(),
                hasher: try global.identifierHasher(for: database))
            let data = global.homeURL.appendingPathComponent("demo-extracts-\(seed)-\(youth)")
            let summary = try pipeline.synthesize(youth: youth, seed: seed, to: data)
            progress(
                "2/5 Synthesized \(summary.persons) youth for \(summary.agencies.count) agencies in 58 counties: \(data.path)"
            )
            try pipeline.register(summary.agencies)
            let totals = try pipeline.ingestAll(summary.agencies, from: data)
            let settled = try pipeline.settle()
            progress(
                "3/5 Ingested \(totals.extracts) extracts (\(totals.accepted) accepted, \(totals.alreadyAccepted) already accepted) "
                    + String(format: "in %.1f s, vacuumed and analysed in %.1f s.", totals.seconds, settled))
            let engine = IndicatorEngine(database: database, sqlDirectory: try global.sqlDirectory())
            var cells = 0
            for target in period.trend {
                let summary = try engine.compute(target)
                cells += summary.cells
                progress(
                    String(
                        format: "    %@: %d cells, %d suppressed, %.1f s", target.description, summary.cells,
                        summary.suppressed, summary.seconds))
            }
            progress(
                "4/5 Computed \(period.trend.count) quarters (\(period.trend.first!) … \(period)): \(cells) result cells, suppression decided."
            )
            let reports = try Resources.directory(
                named: "Reports", explicit: nil, environmentKey: "OUTCOMES_REPORTS_DIR")
            let site = out.map { URL(fileURLWithPath: $0) } ?? reports.appendingPathComponent("site")
            let published = try Publisher(database: database, reportsDirectory: reports).publish(
                period: period, to: site)
            progress("5/5 Published \(published.files) files.")
            print(published.index.path)
        }
    }
}
