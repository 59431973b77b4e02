import ArgumentParser
import Foundation
import Indicators
import OutcomesStore

extension Period: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

struct ComputeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compute",
        abstract: "Compute every measure for a period, then decide suppression, replacing earlier results.",
        discussion: "Periods: SFY2025 (July 2024 – June 2025) or SFY2025Q1 … SFY2025Q4 (quarters from July)."
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Reporting period, e.g. SFY2025Q4 or SFY2025.", valueName: "period"))
    var period: Period
    @Flag(help: "Also compute the earlier periods of the trend (7 quarters or 4 years before it).")
    var trend = false

    func run() throws {
        try reportingFailures {
            let engine = IndicatorEngine(database: try global.database(), sqlDirectory: try global.sqlDirectory())
            for target in trend ? period.trend : [period] {
                let summary = try engine.compute(target)
                print(
                    "\(target): \(summary.cells) cells, \(summary.suppressed) suppressed, "
                        + String(format: "%.1f s", summary.seconds))
            }
        }
    }
}

struct MeasuresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measures", abstract: "List the measure catalogue (code, domain, unit, direction, name).")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print each measure's full definition too.") var definitions = false

    func run() throws {
        try reportingFailures {
            let rows = try global.database().withConnection(as: .analyst) { connection in
                try connection.query(
                    "SELECT code, domain, unit, direction, name, definition FROM ref.measure ORDER BY ord"
                ).rows
            }
            for row in rows {
                let domain = try row.decode(Int?.self, "domain").map(String.init) ?? "-"
                print(
                    [
                        try row.decode(String.self, "code"), domain, try row.decode(String.self, "unit"),
                        try row.decode(String.self, "direction"), try row.decode(String.self, "name"),
                    ].joined(separator: "\t"))
                if definitions { print("    " + (try row.decode(String.self, "definition"))) }
            }
        }
    }
}
