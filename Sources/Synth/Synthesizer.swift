import Foundation

/// What a run wrote.
public struct SynthSummary: Sendable {
    public struct FileCount: Sendable, Equatable {
        public var file: String
        public var rows: Int
    }

    public var agencies: [SynthAgency]
    /// Distinct youth (persons) generated.
    public var persons: Int
    /// Persons reported by two agencies (same linkage_id).
    public var sharedPersons: Int
    /// Data rows per file over all agencies, in the format's file order.
    public var rows: [FileCount]
}

/// Writes synthetic agency extracts in the exact format of extract-format-v1.
///
/// The same reference data, seed and extract date always give byte-identical
/// files: values come from the project's own xoshiro256** generator (a
/// separate stream per youth), nothing is read from the clock, and no
/// dictionary or set is ever iterated to produce output.
public struct Synthesizer {
    public static let defaultExtractedOn = Day(year: 2025, month: 8, day: 15)
    public static let sampleAgencyCode = "SAMPLE-CWS"
    public static let sampleCountyFIPS = "06001"
    public static let sampleYouth = 25
    public static let sampleSeed: UInt64 = 1

    public let reference: SynthReference
    public let seed: UInt64
    public let extractedOn: Day

    public init(reference: SynthReference, seed: UInt64, extractedOn: Day = Synthesizer.defaultExtractedOn) {
        self.reference = reference
        self.seed = seed
        self.extractedOn = extractedOn
    }

    /// Every agency a statewide run writes, county by county.
    public var agencies: [SynthAgency] { AgencyPlan.statewide(reference.counties) }

    /// Youth per county: proportional to population, at least one per county when there are enough youth.
    public func youthPerCounty(_ total: Int) -> [Int] {
        AgencyPlan.allocate(total: total, weights: reference.counties.map(\.population), minimum: 1)
    }

    /// The most youth one run writes: a million youth are about 7 GB of extracts (10,000 were 70 MB),
    /// five times the largest benchmark; a mistyped count must not fill the disk.
    public static let maximumYouth = 1_000_000

    /// `DIR/agencies.csv` plus one extract folder per agency (`DIR/<CODE>/`).
    public func writeStatewide(youth total: Int, to directory: URL) throws -> SynthSummary {
        guard total >= 1 else { throw SynthError("the number of youth must be at least 1") }
        try Synthesizer.checkReplaceable(
            files: [directory.appendingPathComponent("agencies.csv")]
                + agencies.flatMap { extractPaths(in: directory.appendingPathComponent($0.code, isDirectory: true)) },
            folders: agencies.map { directory.appendingPathComponent($0.code, isDirectory: true) })
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let generator = try YouthGenerator(
            reference: reference, extractedOn: extractedOn, seed: seed, coverage: Coverage(force: 0.05))
        let perCounty = youthPerCounty(total)
        var counts = Array(repeating: 0, count: reference.files.count)
        var shared = 0
        var all: [SynthAgency] = []
        var index = 0
        for (c, county) in reference.counties.enumerated() {
            let agencies = AgencyPlan.agencies(for: county)
            all += agencies
            let writers = try agencies.map {
                try AgencyWriter(agency: $0, reference: reference, root: directory, seed: seed)
            }
            for _ in 0..<perCounty[c] {
                let youth = generator.make(index: index, county: county, agencies: agencies)
                writers[youth.primary].write(youth, secondary: false, generator: generator)
                if let second = youth.secondary {
                    writers[second].write(youth, secondary: true, generator: generator)
                    shared += 1
                }
                index += 1
            }
            for writer in writers {
                try writer.finish(extractedOn: extractedOn)
                for (f, n) in writer.rowCounts.enumerated() { counts[f] += n }
            }
        }
        let agenciesFile = try BufferedFile(url: directory.appendingPathComponent("agencies.csv"))
        agenciesFile.append("code,name,counties\n")
        for agency in all {
            agenciesFile.append("\(CSVTable.field(agency.code)),\(CSVTable.field(agency.name)),\(agency.countyFIPS)\n")
        }
        try agenciesFile.close()
        return SynthSummary(
            agencies: all, persons: total, sharedPersons: shared,
            rows: zip(reference.files, counts).map { SynthSummary.FileCount(file: $0.name, rows: $1) })
    }

    /// The sample agency: county child welfare of Alameda County (06001), reporting every file.
    public func sampleAgency() throws -> SynthAgency {
        guard let county = reference.counties.first(where: { $0.fips == Synthesizer.sampleCountyFIPS }) else {
            throw SynthError("the reference tables have no county \(Synthesizer.sampleCountyFIPS)")
        }
        return SynthAgency(
            code: Synthesizer.sampleAgencyCode,
            name: "Sample County Child Welfare Services (\(county.name), sample extract)",
            kind: .childWelfare, countyFIPS: county.fips, countyNumber: county.number, omits: [], share: 1)
    }

    /// One small extract folder (written directly into `directory`) that shows every file, every code and every situation.
    public func writeSample(youth total: Int = Synthesizer.sampleYouth, to directory: URL) throws -> SynthSummary {
        guard total >= 1 else { throw SynthError("the number of youth must be at least 1") }
        let agency = try sampleAgency()
        let county = reference.counties.first { $0.fips == agency.countyFIPS }!
        try Synthesizer.checkReplaceable(files: extractPaths(in: directory), folders: [])
        let generator = try YouthGenerator(
            reference: reference, extractedOn: extractedOn, seed: seed, coverage: Coverage(force: 1))
        let writer = try AgencyWriter(agency: agency, reference: reference, folder: directory, seed: seed)
        for index in 0..<total {
            writer.write(
                generator.make(index: index, county: county, agencies: [agency]), secondary: false, generator: generator
            )
        }
        try writer.finish(extractedOn: extractedOn)
        return SynthSummary(
            agencies: [agency], persons: total, sharedPersons: 0,
            rows: zip(reference.files, writer.rowCounts).map { SynthSummary.FileCount(file: $0.name, rows: $1) })
    }
}

extension Synthesizer {
    /// The paths of one extract folder that a run writes or removes: extract.json and every file of the
    /// format (a file the agency does not report is removed, so an earlier run's copy does not linger).
    func extractPaths(in folder: URL) -> [URL] {
        [folder.appendingPathComponent("extract.json")] + reference.files.map { folder.appendingPathComponent($0.name) }
    }

    /// What a run into a folder that is not empty (`--force`) may replace: checked before anything is written.
    /// Each of `files` must be a regular file or absent, each of `folders` a folder or absent. Anything else
    /// there (a folder, with whatever it holds, a symbolic link, a device) stops the run: it is never removed,
    /// replaced or written through.
    static func checkReplaceable(files: [URL], folders: [URL]) throws {
        let expected =
            folders.map { ($0, FileAttributeType.typeDirectory, "writes an extract folder") }
            + files.map {
                ($0, FileAttributeType.typeRegular, "writes (or removes) a file, and only regular files are replaced")
            }
        for (url, wanted, what) in expected {
            guard let type = fileType(url.path), type != wanted else { continue }
            throw SynthError(
                "\(url.path) is \(describe(type)) where the run \(what). "
                    + "Remove it, or choose another output folder, and run again.",
                kind: .pathInTheWay)
        }
    }

    /// The type of what is at `path` itself (a link is not followed); nil when nothing is there.
    private static func fileType(_ path: String) -> FileAttributeType? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return attributes[.type] as? FileAttributeType ?? .typeUnknown
    }

    private static func describe(_ type: FileAttributeType) -> String {
        switch type {
        case .typeDirectory: return "a folder"
        case .typeRegular: return "a file"
        case .typeSymbolicLink: return "a symbolic link"
        default: return "a special file"
        }
    }
}

/// The extract folder of one agency: extract.json and the CSV files it reports.
final class AgencyWriter {
    /// The generator's columns per file (the header order comes from the reference tables).
    static let columns: [String: [String]] = [
        "youth.csv": [
            "youth_key", "linkage_id", "county_fips", "birth_month", "gender", "race_ethnicity", "race_source",
        ],
        "cse_flags.csv": [
            "youth_key", "flag", "flagged_on", "basis", "exploitation_types", "incident_on", "last_occurrence_on",
            "resolved_on",
        ],
        "placements.csv": ["youth_key", "started_on", "ended_on", "setting", "end_reason"],
        "absences.csv": ["youth_key", "left_on", "returned_on", "returned_to_same_caregiver"],
        "events.csv": ["youth_key", "event", "occurred_on", "detail"],
        "school_terms.csv": [
            "youth_key", "term_start", "term_end", "days_enrolled", "days_attended", "credits_earned",
        ],
        "assessments.csv": ["youth_key", "instrument", "administered_on", "item", "score"],
        "stages_of_change.csv": ["youth_key", "assessed_on", "behavior", "stage"],
        "goals.csv": ["youth_key", "goal_id", "domain", "set_on", "status", "status_on"],
    ]

    let agency: SynthAgency
    let folder: URL
    private let salt: UInt64
    private let fileOrder: [String]
    private var tables: [CSVTable?]
    private let youthTable: CSVTable, flagTable: CSVTable
    private let placementTable: CSVTable?, absenceTable: CSVTable?, eventTable: CSVTable?, termTable: CSVTable?
    private let assessmentTable: CSVTable?, stageTable: CSVTable?, goalTable: CSVTable?
    private let yes: String, no: String
    private var finished = false

    /// Statewide runs: the folder `root/<CODE>/`.
    convenience init(agency: SynthAgency, reference: SynthReference, root: URL, seed: UInt64) throws {
        try self.init(
            agency: agency, reference: reference, folder: root.appendingPathComponent(agency.code, isDirectory: true),
            seed: seed)
    }

    init(agency: SynthAgency, reference: SynthReference, folder: URL, seed: UInt64) throws {
        self.agency = agency
        self.folder = folder
        salt = SplitMix64.mix(seed ^ AgencyWriter.fnv1a(agency.code))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let order = reference.files.map(\.name)
        fileOrder = order
        var tables: [CSVTable?] = []
        for file in reference.files {
            let url = folder.appendingPathComponent(file.name)
            let writes = file.required || agency.reports(file.name)
            guard writes, let known = AgencyWriter.columns[file.name] else {
                if file.required {
                    throw SynthError("the format requires \(file.name), which the generator does not know")
                }
                // A file this agency does not report must not linger from an earlier run (--force). Only a
                // regular file goes (Synthesizer.checkReplaceable has refused anything else before the run).
                if (try? FileManager.default.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType)
                    == .typeRegular
                {
                    try FileManager.default.removeItem(at: url)
                }
                tables.append(nil)
                continue
            }
            tables.append(try CSVTable(file: file, known: known, directory: folder))
        }
        self.tables = tables
        func table(_ name: String) -> CSVTable? { order.firstIndex(of: name).flatMap { tables[$0] } }
        guard let youth = table("youth.csv"), let flags = table("cse_flags.csv") else {
            throw SynthError("the reference format lacks youth.csv or cse_flags.csv")
        }
        youthTable = youth
        flagTable = flags
        placementTable = table("placements.csv")
        absenceTable = table("absences.csv")
        eventTable = table("events.csv")
        termTable = table("school_terms.csv")
        assessmentTable = table("assessments.csv")
        stageTable = table("stages_of_change.csv")
        goalTable = table("goals.csv")
        let yesNo = try? reference.list("yes_no")
        yes = yesNo?.index(of: "yes").map { yesNo![$0] } ?? "yes"
        no = yesNo?.index(of: "no").map { yesNo![$0] } ?? "no"
    }

    /// Data rows written per file, in the format's file order (0 for files not written).
    var rowCounts: [Int] { tables.map { $0?.rows ?? 0 } }

    /// FNV-1a of the code's bytes (a fixed, platform-independent string hash).
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01B3
        }
        return hash
    }

    /// This agency's own pseudonymous key for youth `index` (a bijection: unique within the agency).
    func youthKey(_ index: Int) -> String {
        let hex = String(SplitMix64.mix(salt ^ SplitMix64.mix(UInt64(index))), radix: 16, uppercase: true)
        return "Y" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    func write(_ y: SynthYouth, secondary: Bool, generator g: YouthGenerator) {
        let key = youthKey(y.index)
        let t = youthTable
        t.set(0, key)
        t.set(1, y.linkageID)
        t.set(2, y.countyFIPS)
        t.set(month: 3, y.birthMonth)
        t.set(4, g.gender[y.gender])
        t.set(5, y.race)
        t.set(6, g.raceSource[y.raceSource])
        t.commit()

        for f in secondary ? y.secondaryFlags : y.flags {
            flagTable.set(0, key)
            flagTable.set(1, g.flag[f.flag])
            flagTable.set(2, f.flaggedOn)
            flagTable.set(3, g.basis[f.basis])
            if !f.types.isEmpty { flagTable.set(4, f.types.map { g.exploitationType[$0] }.joined(separator: ";")) }
            flagTable.set(5, f.incidentOn)
            flagTable.set(6, f.lastOccurrenceOn)
            flagTable.set(7, f.resolvedOn)
            flagTable.commit()
        }

        if let events = eventTable {
            for e in y.events where e.bySecondary == secondary {
                events.set(0, key)
                events.set(1, g.event[e.event])
                events.set(2, e.on)
                if let d = e.detail, let details = g.eventDetails[e.event] { events.set(3, details[d]) }
                events.commit()
            }
        }
        if let goals = goalTable {
            for goal in secondary ? y.secondaryGoals : y.goals {
                goals.set(0, key)
                goals.set(1, goal.id)
                goals.set(2, goal.domain)
                goals.set(3, goal.setOn)
                goals.set(4, g.goalStatus[goal.status])
                goals.set(5, goal.statusOn)
                goals.commit()
            }
        }
        // Placements, absences, school, instruments and stages come from the main agency only.
        guard !secondary else { return }
        if let placements = placementTable {
            for p in y.placements {
                placements.set(0, key)
                placements.set(1, p.startedOn)
                placements.set(2, p.endedOn)
                placements.set(3, g.setting[p.setting])
                if let r = p.endReason { placements.set(4, g.endReason[r]) }
                placements.commit()
            }
        }
        if let absences = absenceTable {
            for a in y.absences {
                absences.set(0, key)
                absences.set(1, a.leftOn)
                absences.set(2, a.returnedOn)
                if let same = a.sameCaregiver { absences.set(3, same ? yes : no) }
                absences.commit()
            }
        }
        if let terms = termTable {
            for term in y.terms {
                terms.set(0, key)
                terms.set(1, term.start)
                terms.set(2, term.end)
                terms.set(3, term.enrolled)
                terms.set(4, term.attended)
                if let halves = term.creditHalves { terms.set(halves: 5, halves) }
                terms.commit()
            }
        }
        if let assessments = assessmentTable {
            for a in y.administrations {
                let instrument = g.reference.instruments[a.instrument].code
                for (item, score) in a.items {
                    assessments.set(0, key)
                    assessments.set(1, instrument)
                    assessments.set(2, a.on)
                    assessments.set(3, item)
                    assessments.set(4, score)
                    assessments.commit()
                }
            }
        }
        if let stages = stageTable {
            for s in y.stages {
                stages.set(0, key)
                stages.set(1, s.on)
                stages.set(2, g.behavior[s.behavior])
                stages.set(3, g.stage[s.stage])
                stages.commit()
            }
        }
    }

    func finish(extractedOn: Day) throws {
        guard !finished else { return }
        finished = true
        for table in tables { try table?.close() }
        let manifest = """
            {
              "format_version": 1,
              "agency_code": "\(agency.code)",
              "extracted_on": "\(extractedOn)"
            }

            """
        try Data(manifest.utf8).write(to: folder.appendingPathComponent("extract.json"))
    }
}
