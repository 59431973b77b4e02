import Foundation
import Indicators
import OutcomesStore
import PostgresClient

/// One row of `result.published`, every column as the text the CSV carries: numbers exactly as
/// the view returns them (already rounded, blank when suppressed), NULL as the empty string.
public struct PublishedRow: Equatable, Sendable {
    public var period: String
    public var countyFIPS: String
    public var countyName: String
    public var domain: String
    public var measure: String
    public var category: String
    public var stratification: String
    public var stratum: String
    public var numerator: String
    public var denominator: String
    public var value: String
    public var suppressed: String
    public var improved: String
    public var unchanged: String
    public var worse: String
    public var medianChange: String
    public var note: String

    /// The CSV header of statewide.csv and every county file (issue 5, item 2).
    public static let csvHeader = [
        "period", "county_fips", "county_name", "domain", "measure", "category", "stratification", "stratum",
        "numerator", "denominator", "value", "suppressed", "improved", "unchanged", "worse", "median_change", "note",
    ]

    public var csvFields: [String] {
        [
            period, countyFIPS, countyName, domain, measure, category, stratification, stratum, numerator, denominator,
            value, suppressed, improved, unchanged, worse, medianChange, note,
        ]
    }

    public init(csvFields f: [String]) {
        precondition(f.count == Self.csvHeader.count, "a published row has \(Self.csvHeader.count) fields")
        (period, countyFIPS, countyName, domain, measure, category, stratification, stratum) =
            (f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7])
        (numerator, denominator, value, suppressed, improved, unchanged, worse, medianChange, note) =
            (f[8], f[9], f[10], f[11], f[12], f[13], f[14], f[15], f[16])
    }

    /// What the row lets a page show.
    public var state: ChartValue {
        if note == "not_reported" { return .notReported }
        if suppressed == "yes" { return .suppressed }
        if note == "no_denominator" { return .noDenominator }
        guard let number = Double(value) else { return .noDenominator }
        return .value(number)
    }
}

/// One entry of the measure catalogue (`ref.measure`).
public struct MeasureInfo: Equatable, Sendable {
    public var code: String
    public var ord: Int
    public var domain: Int?
    public var name: String
    public var definition: String
    public var numerator: String
    public var denominator: String?
    public var unit: String
    public var direction: String
    public var sources: [String]
    public var observation: String?
    public var categories: [String]
    public var stratified: Bool
}

public struct DomainInfo: Equatable, Sendable {
    public var number: Int
    public var name: String
    public var description: String
}

public struct CountyInfo: Equatable, Sendable {
    public var fips: String
    public var name: String
    public var slug: String

    /// `counties/06001-alameda` (add `.html` or `.csv`).
    public var pathStem: String { "counties/\(fips)-\(slug)" }
}

public struct StratumInfo: Equatable, Sendable {
    public var stratification: String
    public var stratum: String
    public var ord: Int
    public var label: String
    public var additive: Bool
}

/// One agency extract a computation used (from `result.published_computation.inputs`).
public struct ExtractInput: Codable, Equatable, Sendable {
    public var agencyCode: String
    public var extractID: Int64
    public var extractedOn: String
    /// The counties the agency reports for, when the engine records them.
    public var counties: [String]?

    enum CodingKeys: String, CodingKey {
        case agencyCode = "agency_code"
        case extractID = "extract_id"
        case extractedOn = "extracted_on"
        case counties
    }
}

/// A published computation: its period and the extracts it used (never its clock time).
public struct ComputationInfo: Equatable, Sendable {
    public var period: Period
    public var start: String
    public var end: String
    public var inputs: [ExtractInput]
}

/// Everything a site is rendered from, read as the analyst role.
public struct SiteData: Sendable {
    public var period: Period
    public var computation: ComputationInfo
    /// The trend window, oldest first, ending with `period`; nil where that period has no published computation.
    public var trend: [(period: Period, computation: ComputationInfo?)]
    /// Every published row of `period`, in the view's order.
    public var rows: [PublishedRow]
    /// Published rows of the earlier trend periods, stratum `all` only.
    public var trendRows: [PublishedRow]
    public var measures: [MeasureInfo]
    public var domains: [DomainInfo]
    public var counties: [CountyInfo]
    public var strata: [StratumInfo]

    public init(
        period: Period, computation: ComputationInfo, trend: [(period: Period, computation: ComputationInfo?)],
        rows: [PublishedRow], trendRows: [PublishedRow], measures: [MeasureInfo], domains: [DomainInfo],
        counties: [CountyInfo], strata: [StratumInfo]
    ) {
        self.period = period
        self.computation = computation
        self.trend = trend
        self.rows = rows
        self.trendRows = trendRows
        self.measures = measures
        self.domains = domains
        self.counties = counties
        self.strata = strata
    }

    static let rowColumns = """
        period, county_fips, county_name, coalesce(domain::text, '') AS domain, measure, category, stratification, stratum,
        coalesce(numerator::text, '') AS numerator, coalesce(denominator::text, '') AS denominator,
        coalesce(value::text, '') AS value, suppressed, coalesce(improved::text, '') AS improved,
        coalesce(unchanged::text, '') AS unchanged, coalesce(worse::text, '') AS worse,
        coalesce(median_change::text, '') AS median_change, note
        """

    /// Reads the published results of `period` (and the stratum-`all` rows of its trend periods).
    /// Run it on a connection acting as the analyst role: it reads only `result.published*` and `ref.*`.
    public static func load(period: Period, from connection: PostgresConnection) throws -> SiteData {
        let computations = try connection.query(
            """
            SELECT period, period_start::text AS period_start, period_end::text AS period_end, inputs::text AS inputs
            FROM result.published_computation ORDER BY period
            """
        ).rows.map { row -> ComputationInfo in
            let label = try row.decode(String.self, "period")
            guard let p = Period(label) else {
                throw PublishError(
                    "result.published_computation holds a period \"\(label)\" that is not a reporting period.")
            }
            let inputs = try JSONDecoder().decode(
                [ExtractInput].self, from: Data(try row.decode(String.self, "inputs").utf8))
            return ComputationInfo(
                period: p, start: try row.decode(String.self, "period_start"),
                end: try row.decode(String.self, "period_end"),
                inputs: inputs.sorted { ($0.agencyCode, $0.extractID) < ($1.agencyCode, $1.extractID) })
        }
        let byPeriod = Dictionary(computations.map { ($0.period, $0) }, uniquingKeysWith: { a, _ in a })
        guard let computation = byPeriod[period] else {
            let available = computations.map(\.period.description).joined(separator: ", ")
            throw PublishError(
                "No published results for \(period): run `outcomes compute --period \(period)` first"
                    + (available.isEmpty
                        ? " (no period has been computed yet)." : " (published periods: \(available))."))
        }
        let trend = period.trend.map { (period: $0, computation: byPeriod[$0]) }
        let rows = try connection.query(
            "SELECT \(rowColumns) FROM result.published WHERE period = $1 "
                + "ORDER BY period, county_fips, measure_ord, category_ord, stratum_ord", [period.description]
        ).rows.map(decodeRow)
        let earlier = trend.compactMap { $0.computation == nil || $0.period == period ? nil : $0.period.description }
        let trendRows =
            earlier.isEmpty
            ? []
            : try connection.query(
                "SELECT \(rowColumns) FROM result.published WHERE period = ANY (string_to_array($1, ',')) "
                    + "AND stratification = 'all' ORDER BY period, county_fips, measure_ord, category_ord, stratum_ord",
                [earlier.joined(separator: ",")]
            ).rows.map(decodeRow)
        let measures = try connection.query(
            """
            SELECT code, ord, domain, name, definition, numerator, denominator, unit, direction,
                   array_to_string(sources, ',') AS sources, observation,
                   coalesce(array_to_string(categories, ','), '') AS categories, stratified
            FROM ref.measure ORDER BY ord
            """
        ).rows.map { row in
            MeasureInfo(
                code: try row.decode(String.self, "code"), ord: try row.decode(Int.self, "ord"),
                domain: try row.decode(Int?.self, "domain"), name: try row.decode(String.self, "name"),
                definition: try row.decode(String.self, "definition"),
                numerator: try row.decode(String.self, "numerator"),
                denominator: try row.decode(String?.self, "denominator"), unit: try row.decode(String.self, "unit"),
                direction: try row.decode(String.self, "direction"),
                sources: try row.decode(String.self, "sources").split(separator: ",").map(String.init),
                observation: try row.decode(String?.self, "observation"),
                categories: try row.decode(String.self, "categories").split(separator: ",").map(String.init),
                stratified: try row.decode(Bool.self, "stratified"))
        }
        let domains = try connection.query("SELECT number, name, description FROM ref.domain ORDER BY number").rows.map
        {
            DomainInfo(
                number: try $0.decode(Int.self, "number"), name: try $0.decode(String.self, "name"),
                description: try $0.decode(String.self, "description"))
        }
        let counties = try connection.query("SELECT fips::text AS fips, name, slug FROM ref.county ORDER BY fips").rows
            .map {
                CountyInfo(
                    fips: try $0.decode(String.self, "fips"), name: try $0.decode(String.self, "name"),
                    slug: try $0.decode(String.self, "slug"))
            }
        let strata = try connection.query(
            "SELECT stratification, stratum, ord, label, additive FROM ref.stratum ORDER BY ord"
        ).rows.map {
            StratumInfo(
                stratification: try $0.decode(String.self, "stratification"),
                stratum: try $0.decode(String.self, "stratum"),
                ord: try $0.decode(Int.self, "ord"), label: try $0.decode(String.self, "label"),
                additive: try $0.decode(Bool.self, "additive"))
        }
        return SiteData(
            period: period, computation: computation, trend: trend, rows: rows, trendRows: trendRows,
            measures: measures,
            domains: domains, counties: counties, strata: strata)
    }

    private static func decodeRow(_ row: Row) throws -> PublishedRow {
        try PublishedRow(csvFields: PublishedRow.csvHeader.map { try row.decode(String.self, $0) })
    }
}

/// A failure the person running `outcomes publish` can fix (missing results, a broken template, a bad folder).
public struct PublishError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
