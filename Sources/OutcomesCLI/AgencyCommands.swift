import ArgumentParser
import Foundation
import Ingest

struct AgencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agency",
        abstract: "Register agencies and the counties they report for.",
        subcommands: [Add.self, Counties.self, List.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an agency and the counties it may report for.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Agency code used in extract.json, e.g. LA-DCFS (capital letters, digits, - and _).")
        var code: String
        @Option(help: "Agency name shown to analysts.")
        var name: String
        @Option(name: .customLong("county"), help: "Five-digit county FIPS code (repeat for several).")
        var counties: [String] = []

        func validate() throws {
            guard !counties.isEmpty else {
                throw ValidationError("Give at least one --county FIPS code (e.g. --county 06037).")
            }
            let problem =
                AgencyRegistry.codeProblem(code.uppercased()) ?? AgencyRegistry.nameProblem(name)
                ?? AgencyRegistry.countiesProblem(counties)
            if let problem { throw ValidationError(problem) }
        }

        func run() throws {
            try reportingFailures {
                try AgencyRegistry(database: global.database()).add(
                    code: code.uppercased(), name: name, counties: counties)
                print(
                    "Registered \(code.uppercased()) for \(counties.count) count\(counties.count == 1 ? "y" : "ies").")
            }
        }
    }

    struct Counties: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add or remove counties a registered agency may report for.",
            discussion: """
                Extracts already accepted stay as they are; the change applies from the agency's next upload. \
                An agency keeps at least one county.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "Code of the registered agency.")
        var code: String
        @Option(name: .customLong("add"), help: "Five-digit county FIPS code to add (repeat for several).")
        var adding: [String] = []
        @Option(name: .customLong("remove"), help: "Five-digit county FIPS code to remove (repeat for several).")
        var removing: [String] = []

        func validate() throws {
            guard !adding.isEmpty || !removing.isEmpty else {
                throw ValidationError("Give at least one --add or --remove FIPS code (e.g. --add 06037).")
            }
            if let problem = AgencyRegistry.codeProblem(code.uppercased())
                ?? AgencyRegistry.countiesProblem(
                    adding + removing)
            {
                throw ValidationError(problem)
            }
        }

        func run() throws {
            try reportingFailures {
                let counties = try AgencyRegistry(database: global.database()).changeCounties(
                    code: code.uppercased(), adding: adding, removing: removing)
                print("\(code.uppercased()) reports for \(counties.joined(separator: ", ")).")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered agencies.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try reportingFailures {
                let agencies = try AgencyRegistry(database: global.database()).list()
                if agencies.isEmpty { print("No agencies are registered yet; add one with `outcomes agency add`.") }
                for agency in agencies {
                    print("\(agency.code)\t\(agency.name)\t\(agency.counties.joined(separator: ","))")
                }
            }
        }
    }
}
