import ArgumentParser
import Foundation
import Indicators
import Ingest
import OutcomesStore
import PostgresClient
import Publish
import Synth

#if canImport(Glibc)
    import Glibc
#endif

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure ingest, computation and publishing on synthetic data, each against its floor.",
        discussion: """
            Each benchmark runs in a scratch embedded cluster (default durability) in a new temporary folder that \
            is removed afterwards, so it never touches the service's data. Use a release build.
            """,
        subcommands: [Ingest.self, Compute.self, Publish.self]
    )

    /// Options every benchmark shares.
    struct Options: ParsableArguments {
        @Option(help: "Number of synthetic youth.") var youth = 100_000
        @Option(help: "Seed of the synthetic data.") var seed: UInt64 = 7
        @Option(
            help: ArgumentHelp(
                "Folder holding the project's SQL (default: found beside the program).", valueName: "path"))
        var sqlDir: String?

        func validate() throws {
            try validateYouthCount(youth)
        }
    }

    struct Ingest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ingest throughput against a plain COPY of the same CSV files into unlogged text tables.")
        @OptionGroup var options: Options

        func run() throws {
            try reportingFailures {
                try BenchEnvironment.with(options) { env in
                    let data = try env.synthesize()
                    let ours = try env.pipeline.ingestAll(data.agencies, from: data.folder)
                    let floor = try env.plainCopy(data)
                    let write = try env.typedWrite()
                    let oursRate = Double(ours.rows) / ours.seconds
                    let floorRate = Double(floor.rows) / floor.seconds
                    let writeRate = Double(write.rows) / write.seconds
                    print("bench ingest: \(options.youth) youth, \(data.agencies.count) extracts")
                    print(
                        String(
                            format: "  ours (validated, all or nothing): %d rows in %.2f s = %.0f rows/s", ours.rows,
                            ours.seconds, oursRate))
                    let phases = ours.phases
                    print(
                        String(
                            format:
                                "    staging (COPY from this process, which parses and hashes) %.2f s, validate.sql %.2f s, "
                                + "accept.sql (assessment rules, records written, scores) %.2f s, the rest %.2f s",
                            phases.staging, phases.validation, phases.acceptance,
                            ours.seconds - phases.staging - phases.validation - phases.acceptance))
                    print(
                        String(
                            format: "  floor (plain COPY, unlogged text): %d rows in %.2f s = %.0f rows/s", floor.rows,
                            floor.seconds, floorRate))
                    print(String(format: "  ratio (ours / floor throughput): %.2f", oursRate / floorRate))
                    print(
                        String(
                            format:
                                "  (for reference: writing the accepted, already typed rows once more into logged copies "
                                + "of the record tables, nothing else: %.2f s = %.0f rows/s, %.2f of the floor)",
                            write.seconds, writeRate, writeRate / floorRate))
                    // Staging and a durable write are work no validating ingest can skip: their sum bounds the
                    // ratio even if every rule cost nothing.
                    print(
                        String(
                            format:
                                "  (so with every rule free, our staging plus that write would still be at most %.2f of "
                                + "the floor)",
                            Double(ours.rows) / (phases.staging + write.seconds) / floorRate))
                    print(
                        String(
                            format: "  peak resident memory of this process: %.1f MB", BenchEnvironment.peakResidentMB()
                        ))
                }
            }
        }
    }

    struct Compute: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Seconds to compute one quarter for all counties and strata, against reading every input table once.")
        @OptionGroup var options: Options
        @Option(help: ArgumentHelp("Quarter to compute.", valueName: "period")) var period = Period("SFY2025Q4")!
        @Option(
            help: ArgumentHelp(
                "Paired runs, each a computation and then the floor; the ratio reported is their median "
                    + "(one run swings with the machine's speed)."))
        var runs = 3

        func validate() throws {
            guard runs >= 1 else { throw ValidationError("--runs must be at least 1.") }
        }

        func run() throws {
            try reportingFailures {
                try BenchEnvironment.with(options) { env in
                    let data = try env.synthesize()
                    _ = try env.pipeline.ingestAll(data.agencies, from: data.folder)
                    let settled = try env.pipeline.settle()
                    let engine = IndicatorEngine(database: env.database, sqlDirectory: env.sqlDirectory)
                    let indexStarted = Date()
                    try engine.refreshPersonIndex()
                    let indexed = Date().timeIntervalSince(indexStarted)
                    let measured = try (1...runs).map { _ in
                        (summary: try engine.compute(period), floor: try env.measureFloors())
                    }
                    let summary = measured[0].summary
                    print(
                        "bench compute: \(options.youth) youth, \(period), \(summary.cells) cells (\(summary.suppressed) suppressed)"
                    )
                    for (run, pair) in measured.enumerated() {
                        print(
                            String(
                                format:
                                    "  run %d: compute + suppression %.2f s, floor (read every value of every input "
                                    + "table once; median of 3 reads) %.2f s: ratio %.1f",
                                run + 1, pair.summary.seconds, pair.floor.values,
                                pair.summary.seconds / pair.floor.values))
                    }
                    print(
                        String(
                            format: "  ratio (compute / floor, median of %d runs): %.1f", runs,
                            median(measured.map { $0.summary.seconds / $0.floor.values })))
                    print(
                        String(
                            format:
                                "  (for reference: count(*) of each input table, which reads no values: %.2f s, median)",
                            median(measured.map(\.floor.count))))
                    print(
                        String(
                            format:
                                "  (for reference: every value of the tables the computation reads, the person index: "
                                + "%.2f s; compute / that: %.1f; medians)",
                            median(measured.map(\.floor.computed)),
                            median(measured.map { $0.summary.seconds / $0.floor.computed })))
                    print(
                        String(
                            format:
                                "  (before the runs: the person index built from the accepted extracts, which the "
                                + "first computation after any change of the current extracts does: %.2f s; that "
                                + "first computation / floor: %.1f)",
                            indexed,
                            (indexed + median(measured.map(\.summary.seconds)))
                                / median(measured.map(\.floor.values))))
                    print(
                        String(
                            format:
                                "  (before the runs: the record tables vacuumed and analysed after the bulk load, as "
                                + "autovacuum would in its own time: %.2f s, not counted)",
                            settled))
                }
            }
        }
    }

    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seconds to render every file of the site for N youth's results.")
        @OptionGroup var options: Options
        @Option(help: ArgumentHelp("Quarter to publish (its trend quarters are computed too).", valueName: "period"))
        var period = Period("SFY2025Q4")!
        @Option(help: ArgumentHelp("Folder holding templates/ and style.css.", valueName: "path")) var reportsDir:
            String?

        func run() throws {
            try reportingFailures {
                let reports = try Resources.directory(
                    named: "Reports", explicit: reportsDir, environmentKey: "OUTCOMES_REPORTS_DIR")
                try BenchEnvironment.with(options) { env in
                    let data = try env.synthesize()
                    _ = try env.pipeline.ingestAll(data.agencies, from: data.folder)
                    _ = try env.pipeline.settle()
                    let engine = IndicatorEngine(database: env.database, sqlDirectory: env.sqlDirectory)
                    for target in period.trend { _ = try engine.compute(target) }
                    let site = env.scratch.appendingPathComponent("site")
                    let timing = try PublishBench.run(
                        database: env.database, reportsDirectory: reports, period: period, directory: site)
                    print(
                        "bench publish: \(options.youth) youth, \(period) with \(period.trend.count - 1) trend quarters"
                    )
                    print(
                        String(
                            format:
                                "  %d published rows -> %d files (%.1f MB): read %.2f s, render and write %.2f s, total %.2f s",
                            timing.rows, timing.files, Double(timing.bytes) / 1_000_000, timing.loadSeconds,
                            timing.renderSeconds, timing.totalSeconds))
                }
            }
        }
    }
}

/// A scratch cluster with the schema, the secret and synthetic data, removed afterwards.
struct BenchEnvironment {
    let scratch: URL
    let database: Database
    let sqlDirectory: URL
    let pipeline: Pipeline
    let options: BenchCommand.Options

    struct SynthData {
        var folder: URL
        var agencies: [SynthAgency]
    }

    static func with(_ options: BenchCommand.Options, _ body: (BenchEnvironment) throws -> Void) throws {
        let scratch = try ScratchHome.make(for: .benchmark)
        defer { ScratchHome.destroy(scratch) }
        let cluster = EmbeddedCluster(home: scratch)
        let database = Database(conninfo: try cluster.start())
        let sqlDirectory = try Resources.directory(
            named: "SQL", explicit: options.sqlDir, environmentKey: "OUTCOMES_SQL_DIR")
        let migrator = try Migrator(directory: sqlDirectory.appendingPathComponent("migrations"))
        try database.withConnection { _ = try migrator.migrate(on: $0) }
        let hasher = IdentifierHasher(
            secret: try SecretFile.readOrCreate(at: scratch.appendingPathComponent("secret.key"), bytes: 32))
        try body(
            BenchEnvironment(
                scratch: scratch, database: database, sqlDirectory: sqlDirectory,
                pipeline: Pipeline(database: database, sqlDirectory: sqlDirectory, hasher: hasher), options: options))
    }

    func synthesize() throws -> SynthData {
        let folder = scratch.appendingPathComponent("extracts")
        let summary = try pipeline.synthesize(youth: options.youth, seed: options.seed, to: folder)
        try pipeline.register(summary.agencies)
        return SynthData(folder: folder, agencies: summary.agencies)
    }

    /// The floor for ingest: COPY of the same CSV files into unlogged all-text tables, nothing else.
    func plainCopy(_ data: SynthData) throws -> (rows: Int, seconds: Double) {
        try database.withConnection { connection in
            var rows = 0
            var seconds = 0.0
            var tables = 0
            for agency in data.agencies {
                let folder = data.folder.appendingPathComponent(agency.code)
                for file in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
                where file.hasSuffix(".csv") {
                    let url = folder.appendingPathComponent(file)
                    let columns = try BenchEnvironment.headerColumnCount(url)
                    tables += 1
                    let table = "floor_\(tables)"
                    try connection.query(
                        "CREATE UNLOGGED TABLE \(table) (\((1...columns).map { "c\($0) text" }.joined(separator: ", ")))"
                    )
                    let started = Date()
                    rows += try connection.copyIn(
                        "COPY \(table) FROM STDIN (FORMAT csv, HEADER true)", fileAt: url.path)
                    seconds += Date().timeIntervalSince(started)
                    try connection.query("DROP TABLE \(table)")
                }
            }
            return (rows, seconds)
        }
    }

    /// A reference for the ingest floor: what durably writing the same rows costs when they are already
    /// typed and valid (INSERT … SELECT from the record tables into logged copies, without indexes).
    /// No ingest that keeps the data can be faster than this part of its work.
    func typedWrite() throws -> (rows: Int, seconds: Double) {
        try database.withConnection { connection in
            var rows = 0
            var seconds = 0.0
            for table in BenchEnvironment.recordTables {
                try connection.query("CREATE TABLE bench_write (LIKE core.\(table))")
                let started = Date()
                rows += try connection.query("INSERT INTO bench_write SELECT * FROM core.\(table)").affectedRows
                seconds += Date().timeIntervalSince(started)
                try connection.query("DROP TABLE bench_write")
            }
            return (rows, seconds)
        }
    }

    static let recordTables = [
        "youth", "cse_flag", "placement", "absence", "event", "school_term", "assessment", "stage_of_change", "goal",
    ]

    /// The floor for computation: the seconds PostgreSQL takes to read every input table once.
    ///
    /// `values` reads every column of every row of the record tables as agencies sent them (what any
    /// computation over the data must at least do); `count` only counts their rows, which never unpacks
    /// a value. `computed` reads every value of the tables the computation itself reads: the person
    /// index, built from the record tables once per change of the current extracts (with the instrument
    /// scores worked out at acceptance in place of the item rows). The last two are printed for
    /// reference. Each figure is the median of three reads: one read takes about a second and varies by
    /// a quarter from the next on an otherwise idle machine.
    func measureFloors() throws -> (values: Double, count: Double, computed: Double) {
        try database.withConnection { connection in
            // num_nonnulls over every column touches each value once without converting it.
            func readEveryValue(of schema: String, _ tables: [String]) throws -> Double {
                var reads: [String] = []
                for table in tables {
                    let columns = try connection.query(
                        "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) "
                            + "FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2",
                        [schema, table]
                    ).single().decode(String.self, at: 0)
                    reads.append("SELECT sum(num_nonnulls(\(columns))) FROM \(schema).\(table)")
                }
                let started = Date()
                for read in reads { try connection.query(read) }
                return Date().timeIntervalSince(started)
            }
            func countRows() throws -> Double {
                let started = Date()
                for table in BenchEnvironment.recordTables {
                    try connection.query("SELECT count(*) FROM core.\(table)")
                }
                return Date().timeIntervalSince(started)
            }
            let indexTables = try connection.query(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = 'person_index' ORDER BY 1"
            ).rows.map { try $0.decode(String.self, at: 0) }
            var values: [Double] = []
            var count: [Double] = []
            var computed: [Double] = []
            for _ in 1...3 {
                values.append(try readEveryValue(of: "core", BenchEnvironment.recordTables))
                count.append(try countRows())
                computed.append(try readEveryValue(of: "person_index", indexTables))
            }
            return (median(values), median(count), median(computed))
        }
    }

    static func headerColumnCount(_ url: URL) throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        defer { try? handle.close() }
        let head = try handle.read(upToCount: 4096) ?? Data()
        let line = String(decoding: head.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        return line.split(separator: ",", omittingEmptySubsequences: false).count
    }

    /// VmHWM of this process (Linux), in MB.
    static func peakResidentMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kb / 1024
    }
}

/// The middle value (the mean of the two middle ones for an even count): benchmark figures swing with
/// the machine's speed, so repeated measurements are summarised by their median.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
