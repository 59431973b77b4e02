import ArgumentParser
import Foundation
import Logging

/// `outcomes`: the command-line program of the CSE youth outcome-indicator service.
@main
struct Outcomes: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "outcomes",
        abstract: "Outcome indicators for California youth affected by, suspected of, or at risk of CSE.",
        discussion: """
            With no --database, the program uses its own private PostgreSQL cluster in \
            $OUTCOMES_HOME (default ./.outcomes), starting it when needed.
            """,
        version: version,
        subcommands: [
            DB.self, AgencyCommand.self, IngestCommand.self, ExtractsCommand.self, ComputeCommand.self,
            MeasuresCommand.self, DocsCommand.self, PublishCommand.self, SynthCommand.self, DemoCommand.self,
            BenchCommand.self,
        ]
    )
}
