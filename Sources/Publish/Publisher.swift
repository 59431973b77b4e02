import Crypto
import Foundation
import Indicators
import Logging
import OutcomesStore
import PostgresClient

/// `outcomes publish`: renders the static site (HTML + CSV + manifest) of one period from the
/// publishable results, reading the database as the analyst role only.
public struct Publisher: Sendable {
    public let database: Database
    /// The Reports folder: `templates/*.mustache` and `style.css`.
    public let reportsDirectory: URL
    let logger: Logger

    public init(database: Database, reportsDirectory: URL, logger: Logger = Logger(label: "outcomes.publish")) {
        self.database = database
        self.reportsDirectory = reportsDirectory
        self.logger = logger
    }

    public struct Summary: Sendable {
        public var directory: URL
        public var files: Int
        public var bytes: Int
        /// Reading the published results.
        public var loadSeconds: Double
        /// Rendering every file and writing the site.
        public var renderSeconds: Double
        public var index: URL { directory.appendingPathComponent("index.html") }
    }

    /// Loads the templates and the stylesheet (before touching the database, so a broken template fails fast).
    public func loadTemplates() throws -> (TemplateSet, String) { try Self.loadTemplates(from: reportsDirectory) }

    /// Loads `templates/*.mustache` and `style.css` of a Reports folder.
    public static func loadTemplates(from reportsDirectory: URL) throws -> (TemplateSet, String) {
        let templates = try TemplateSet(directory: reportsDirectory.appendingPathComponent("templates"))
        let cssURL = reportsDirectory.appendingPathComponent("style.css")
        guard let css = try? String(contentsOf: cssURL, encoding: .utf8) else {
            throw PublishError("Cannot read the stylesheet \(cssURL.path).")
        }
        return (templates, css)
    }

    /// Publishes `period` into `directory` (created; an earlier site there is replaced).
    @discardableResult
    public func publish(period: Period, to directory: URL) throws -> Summary {
        let (templates, css) = try loadTemplates()
        let loadStarted = Date()
        let data = try database.withConnection(as: .analyst) { try SiteData.load(period: period, from: $0) }
        let loaded = Date()
        let files = try Self.render(data: data, templates: templates, stylesheet: css)
        try Self.write(files, to: directory)
        let summary = Summary(
            directory: directory, files: files.count, bytes: files.reduce(0) { $0 + $1.data.count },
            loadSeconds: loaded.timeIntervalSince(loadStarted), renderSeconds: Date().timeIntervalSince(loaded))
        logger.debug("published \(period): \(summary.files) files in \(directory.path)")
        return summary
    }

    /// Every file of the site, manifest.json last (it lists the SHA-256 of all the others).
    public static func render(data: SiteData, templates: TemplateSet, stylesheet: String) throws -> [SiteFile] {
        var files = try SiteRenderer(data: data, templates: templates, stylesheet: stylesheet).render()
        files.append(SiteFile(path: "manifest.json", data: try manifest(data: data, files: files)))
        return files
    }

    struct Manifest: Encodable {
        struct TrendPeriod: Encodable {
            var period: String
            var inputs: [ExtractInput]
        }
        var period: String
        var periodName: String
        var periodStart: String
        var periodEnd: String
        var inputs: [ExtractInput]
        var trend: [TrendPeriod]
        var rows: Int
        var files: [String: String]
        var suppression: String

        enum CodingKeys: String, CodingKey {
            case period, inputs, trend, rows, files, suppression
            case periodName = "period_name"
            case periodStart = "period_start"
            case periodEnd = "period_end"
        }
    }

    /// manifest.json: period, the extracts used, and the SHA-256 of every file (sorted keys, no clock time).
    static func manifest(data: SiteData, files: [SiteFile]) throws -> Data {
        var hashes: [String: String] = [:]
        for file in files { hashes[file.path] = sha256(file.data) }
        let manifest = Manifest(
            period: data.period.description, periodName: data.period.displayName, periodStart: data.computation.start,
            periodEnd: data.computation.end, inputs: data.computation.inputs,
            trend: data.trend.compactMap { p in
                p.computation.map { .init(period: p.period.description, inputs: $0.inputs) }
            },
            rows: data.rows.count, files: hashes,
            suppression:
                "Figures come only from result.published: suppression was decided by the indicator engine before publishing."
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(manifest) + Data("\n".utf8)
    }

    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Writes the site into a new folder beside `directory`, then puts it in place of any earlier
    /// site there. A folder that holds something other than a published site is left alone.
    public static func write(_ files: [SiteFile], to directory: URL) throws {
        let fm = FileManager.default
        let target = directory.standardizedFileURL
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: target.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw PublishError("\(target.path) exists and is not a folder; choose another --out.")
            }
            let contents = try fm.contentsOfDirectory(atPath: target.path)
            if !contents.isEmpty && !contents.contains("manifest.json") {
                throw PublishError(
                    "\(target.path) is not empty and holds no published site (no manifest.json); "
                        + "choose a new or empty folder for --out so nothing else is overwritten.")
            }
        }
        let parent = target.deletingLastPathComponent()
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(
            ".\(target.lastPathComponent).publishing-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: staging)
        do {
            try fm.createDirectory(at: staging.appendingPathComponent("counties"), withIntermediateDirectories: true)
            for file in files {
                let url = staging.appendingPathComponent(file.path)
                try file.data.write(to: url)
            }
            if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
            try fm.moveItem(at: staging, to: target)
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
    }
}

/// `outcomes bench publish`: times rendering a whole site from results already computed.
public enum PublishBench {
    public struct Timing: Sendable {
        public var period: Period
        public var rows: Int
        public var files: Int
        public var bytes: Int
        public var loadSeconds: Double
        public var renderSeconds: Double
        public var totalSeconds: Double { loadSeconds + renderSeconds }
    }

    /// Publishes `period` (already computed and suppressed in `database`) into `directory` and
    /// reports how long reading the results and rendering + writing every file took.
    public static func run(database: Database, reportsDirectory: URL, period: Period, directory: URL) throws -> Timing {
        let publisher = Publisher(database: database, reportsDirectory: reportsDirectory)
        let summary = try publisher.publish(period: period, to: directory)
        let rows = try database.withConnection(as: .analyst) {
            try $0.query("SELECT count(*) AS n FROM result.published WHERE period = $1", [period.description]).single()
                .decode(Int.self, "n")
        }
        return Timing(
            period: period, rows: rows, files: summary.files, bytes: summary.bytes, loadSeconds: summary.loadSeconds,
            renderSeconds: summary.renderSeconds)
    }
}
