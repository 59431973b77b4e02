import ArgumentParser
import Foundation
import OutcomesStore
import Synth

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write synthetic agency extracts for testing, or the small sample extract.",
        discussion: """
            Statewide: --youth N --seed S --out DIR writes DIR/agencies.csv (code,name,counties) and one extract \
            folder per agency, DIR/<CODE>/ (several agencies in each of the 58 counties, youth spread by county \
            population, about 5% reported by two agencies of the same county with the same linkage_id). Register \
            the agencies with `outcomes agency add` and load each folder with `outcomes ingest`.

            Sample: --sample --out DIR writes one small extract for SAMPLE-CWS (county 06001, Alameda) into DIR \
            itself, showing every file and every code of the format.

            The same seed and extract date always give byte-identical files. The code lists, counties and the \
            files' columns are read from the database's reference tables.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Number of distinct youth to generate (at least 1; the sample defaults to 25).")
    var youth: Int?

    @Option(help: "Seed of the generator (0 … 2^64−1; the sample defaults to 1).")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Folder to write into (created if missing).", valueName: "dir"))
    var out: String

    @Option(
        help: ArgumentHelp(
            "extracted_on of every extract; no record is dated after it (default 2025-08-15).", valueName: "YYYY-MM-DD")
    )
    var extractedOn: String?

    @Flag(help: "Write the small sample extract (one agency, SAMPLE-CWS) instead of statewide extracts.")
    var sample = false

    @Flag(
        help: """
            Write into a folder that is not empty: the regular files this run writes (agencies.csv, and each \
            extract's extract.json and CSV files) are replaced, and CSV files of the format that an agency does \
            not report are removed; nothing else in the folder is touched. A folder or link where one of those \
            files goes stops the run (exit 64).
            """)
    var force = false

    func validate() throws {
        if !sample, youth == nil {
            throw ValidationError("Give --youth N (the number of youth to generate), or --sample.")
        }
        if !sample, seed == nil {
            throw ValidationError("Give --seed S (any whole number from 0 to 18446744073709551615).")
        }
        if let youth { try validateYouthCount(youth) }
        if let extractedOn {
            guard let day = Day(iso: extractedOn) else {
                throw ValidationError("--extracted-on must be a real date written YYYY-MM-DD (got \(extractedOn)).")
            }
            guard (2000...2100).contains(day.year) else {
                throw ValidationError("--extracted-on must be a date between 2000 and 2100 (got \(extractedOn)).")
            }
        }
        guard !out.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--out must name a folder.")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ValidationError("--out \(out) exists and is not a folder.") }
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
            if !contents.isEmpty, !force {
                throw ValidationError("--out \(out) is not empty; choose a new folder or add --force to write into it.")
            }
        }
    }

    func run() throws {
        try reportingFailures {
            let database = try global.database()
            let reference = try database.withConnection(as: .analyst) { try SynthReference.load(from: $0) }
            let day = extractedOn.flatMap { Day(iso: $0) } ?? Synthesizer.defaultExtractedOn
            let url = URL(fileURLWithPath: out, isDirectory: true)
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                if sample {
                    let synthesizer = Synthesizer(
                        reference: reference, seed: seed ?? Synthesizer.sampleSeed, extractedOn: day)
                    let summary = try synthesizer.writeSample(youth: youth ?? Synthesizer.sampleYouth, to: url)
                    print(
                        "Wrote the sample extract of \(Synthesizer.sampleAgencyCode) (\(summary.persons) youth) to \(url.path)."
                    )
                    printRows(summary)
                    print("Register and load it with:")
                    print(
                        "  outcomes agency add --code \(Synthesizer.sampleAgencyCode) --name 'Sample agency' --county \(Synthesizer.sampleCountyFIPS)"
                    )
                    print("  outcomes ingest \(url.path) --agency \(Synthesizer.sampleAgencyCode)")
                } else {
                    let synthesizer = Synthesizer(reference: reference, seed: seed!, extractedOn: day)
                    let summary = try synthesizer.writeStatewide(youth: youth!, to: url)
                    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                    print(
                        "Wrote \(summary.persons) youth (\(summary.sharedPersons) reported by two agencies) for "
                            + "\(summary.agencies.count) agencies in \(Set(summary.agencies.map(\.countyFIPS)).count) counties "
                            + "to \(url.path) in \(String(format: "%.1f", seconds)) s.")
                    printRows(summary)
                    print("Agencies, with their counties: \(url.appendingPathComponent("agencies.csv").path)")
                }
            } catch let error as SynthError {
                fail(error.description, code: error.kind == .pathInTheWay ? Exit.usage : Exit.ioError)
            }
        }
    }

    private func printRows(_ summary: SynthSummary) {
        for count in summary.rows {
            print("  \(count.file.padding(toLength: 22, withPad: " ", startingAt: 0)) \(count.rows) rows")
        }
    }
}

/// The youth counts the commands that synthesize data accept (synth, demo, bench).
func validateYouthCount(_ youth: Int) throws {
    guard youth >= 1 else { throw ValidationError("--youth must be at least 1 (got \(youth)).") }
    guard youth <= Synthesizer.maximumYouth else {
        throw ValidationError("--youth must be at most \(Synthesizer.maximumYouth) (got \(youth)).")
    }
}
