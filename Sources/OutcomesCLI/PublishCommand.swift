import ArgumentParser
import Foundation
import Indicators
import OutcomesStore
import Publish

/// Where the report templates and stylesheet are: --reports-dir, $OUTCOMES_REPORTS_DIR, beside the program, the checkout.
private func reportsDirectory(_ explicit: String?) throws -> URL {
    try Resources.directory(named: "Reports", explicit: explicit, environmentKey: "OUTCOMES_REPORTS_DIR")
}

/// Runs `body`, turning a publishing problem (missing results, broken template, bad folder) into a one-line error.
private func reportingPublishFailures(_ body: () throws -> Void) throws {
    try reportingFailures {
        do {
            try body()
        } catch let error as PublishError {
            fail(error.description, code: Exit.configuration)
        }
    }
}

struct PublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Render the static report site (HTML and CSV) of a computed period from its publishable results.",
        discussion: """
            Writes DIR/index.html, DIR/counties/<fips>-<county>.html and .csv for all 58 counties, DIR/statewide.csv, \
            DIR/measures.html, DIR/measures.csv, DIR/style.css and DIR/manifest.json (the SHA-256 of every file). \
            It reads only the suppressed, publishable results (as the analyst role). The same data give byte-identical \
            files. Wording and layout come from the Mustache templates in Reports/templates and Reports/style.css, \
            read at run time. An earlier site in DIR is replaced; a folder holding anything else is refused.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Reporting period to publish, e.g. SFY2025Q4 (compute it first).", valueName: "period"))
    var period: Period
    @Option(help: ArgumentHelp("Folder to write the site into.", valueName: "dir"))
    var out: String
    @Option(
        help: ArgumentHelp(
            "Folder holding templates/ and style.css (default: $OUTCOMES_REPORTS_DIR, else found beside the program).",
            valueName: "path"))
    var reportsDir: String?

    func run() throws {
        try reportingPublishFailures {
            let reports = try reportsDirectory(reportsDir)
            // Templates first: a broken template is reported before any database work.
            _ = try Publisher.loadTemplates(from: reports)
            let publisher = Publisher(database: try global.database(), reportsDirectory: reports)
            let summary = try publisher.publish(period: period, to: URL(fileURLWithPath: out))
            print(
                "Published \(period): \(summary.files) files, \(megabytes(summary.bytes)), in "
                    + "\(seconds(summary.loadSeconds + summary.renderSeconds)) (read results \(seconds(summary.loadSeconds)), "
                    + "render and write \(seconds(summary.renderSeconds))).")
            print(summary.index.path)
        }
    }
}

private func seconds(_ value: Double) -> String { String(format: "%.2f s", value) }
private func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }
