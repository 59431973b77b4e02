import ArgumentParser
import Foundation

struct DocsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docs",
        abstract: "Print documentation generated from the reference data.",
        subcommands: [ExtractFormat.self]
    )

    struct ExtractFormat: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "extract-format",
            abstract: "The extract format for agencies (docs/extract-format.md), as Markdown.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try reportingFailures {
                let sql = try String(
                    contentsOf: global.sqlDirectory().appendingPathComponent("docs/extract-format.sql"), encoding: .utf8
                )
                let text = try global.database().withConnection(as: .analyst) { connection in
                    try connection.query(sql).single().decode(String.self, at: 0)
                }
                print(text, terminator: "")
            }
        }
    }
}
