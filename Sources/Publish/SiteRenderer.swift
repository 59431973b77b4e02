import Foundation
import Indicators

/// A file of the published site: its path inside the site folder and its bytes.
public struct SiteFile: Sendable {
    public var path: String
    public var data: Data

    public init(path: String, text: String) {
        self.path = path
        self.data = Data(text.utf8)
    }

    public init(path: String, data: Data) {
        self.path = path
        self.data = data
    }
}

/// Rendered `_cell` HTML by figure (a reference, so the renderer can stay a value).
final class CellCache {
    var html: [String: String] = [:]
}

/// Turns `SiteData` into the files of the site. Everything shown comes from `result.published`
/// rows (suppression was decided upstream); nothing here reads the clock, the locale or the
/// environment, and every list is in a fixed order, so the same data give the same bytes.
public struct SiteRenderer {
    public let data: SiteData
    public let templates: TemplateSet
    public let stylesheet: String

    public static let stateFIPS = "06000"

    private let index: [String: PublishedRow]
    private let trendIndex: [String: PublishedRow]
    private let measuresByCode: [String: MeasureInfo]
    private let stratumLabels: [String: String]
    private let cells = CellCache()

    public init(data: SiteData, templates: TemplateSet, stylesheet: String) {
        self.data = data
        self.templates = templates
        self.stylesheet = stylesheet
        var index: [String: PublishedRow] = [:]
        index.reserveCapacity(data.rows.count)
        for row in data.rows {
            index[Self.key(row.countyFIPS, row.measure, row.category, row.stratification, row.stratum)] = row
        }
        self.index = index
        var trendIndex: [String: PublishedRow] = [:]
        for row in data.trendRows where row.stratification == "all" {
            trendIndex[Self.key(row.countyFIPS, row.measure, row.category, row.period)] = row
        }
        self.trendIndex = trendIndex
        measuresByCode = Dictionary(data.measures.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        stratumLabels = Dictionary(
            data.strata.map { ($0.stratification + "|" + $0.stratum, $0.label) }, uniquingKeysWith: { a, _ in a })
    }

    static func key(_ parts: String...) -> String { parts.joined(separator: "|") }

    // MARK: Files

    /// Every file of the site except manifest.json, in a fixed order.
    public func render() throws -> [SiteFile] {
        var files: [SiteFile] = []
        files.append(SiteFile(path: "style.css", text: stylesheet))
        files.append(SiteFile(path: "index.html", text: try templates.render("index", indexContext())))
        files.append(SiteFile(path: "measures.html", text: try templates.render("measures", measuresContext())))
        files.append(SiteFile(path: "measures.csv", text: measuresCSV()))
        files.append(SiteFile(path: "statewide.csv", text: statewideCSV()))
        for county in data.counties {
            files.append(
                SiteFile(path: county.pathStem + ".html", text: try templates.render("county", countyContext(county))))
            files.append(SiteFile(path: county.pathStem + ".csv", text: countyCSV(county)))
        }
        return files
    }

    public func statewideCSV() -> String {
        CSV.document(header: PublishedRow.csvHeader, rows: data.rows.map(\.csvFields))
    }

    public func countyCSV(_ county: CountyInfo) -> String {
        CSV.document(
            header: PublishedRow.csvHeader, rows: data.rows.filter { $0.countyFIPS == county.fips }.map(\.csvFields))
    }

    public static let measuresCSVHeader = [
        "code", "domain", "domain_name", "name", "definition", "numerator", "denominator", "unit", "direction",
        "sources",
        "observation", "categories", "stratified", "suppression_rule",
    ]

    public func measuresCSV() -> String {
        let domainNames = Dictionary(data.domains.map { ($0.number, $0.name) }, uniquingKeysWith: { a, _ in a })
        return CSV.document(
            header: Self.measuresCSVHeader,
            rows: data.measures.map { m in
                [
                    m.code, m.domain.map(String.init) ?? "", m.domain.flatMap { domainNames[$0] } ?? "", m.name,
                    m.definition,
                    m.numerator, m.denominator ?? "", m.unit, m.direction, m.sources.joined(separator: ";"),
                    m.observation ?? "", m.categories.joined(separator: ";"), m.stratified ? "yes" : "no",
                    Self.suppressionRule(for: m),
                ]
            })
    }

    /// The disclosure rule as it applies to one measure (measures.md, "Disclosure control").
    public static func suppressionRule(for m: MeasureInfo) -> String {
        let primary: String
        switch m.unit {
        case "count": primary = "Suppressed when the count is between 1 and 10."
        case "mean": primary = "Suppressed when fewer than 11 persons are averaged (1 to 10)."
        case "incremental":
            primary = "Suppressed when the number compared, improved, unchanged or worse is between 1 and 10."
        case "rate_per_1000_days", "rate_per_100000_days":
            primary =
                "Suppressed when the number of events or the persons behind the placement days is between 1 and 10."
        default: primary = "Suppressed when the numerator or the denominator is between 1 and 10."
        }
        return primary
            + " Zero is never suppressed. Further cells are suppressed where a suppressed figure could otherwise be"
            + " worked out by subtraction from other published figures (complementary suppression)."
    }

    // MARK: Cells

    /// How one published figure is shown (a value, or one of the four kinds of gap), as HTML made by
    /// the `_cell` template; pages insert it with `{{{cell}}}`.
    func cell(_ row: PublishedRow?, measure: MeasureInfo, unit: String? = nil) -> String {
        guard let row else { return notComputedCell }
        let state = row.state
        return cellHTML(state, text: state.number == nil ? "" : Self.display(row.value, unit: unit ?? measure.unit))
    }

    /// The `_cell` template rendered once per distinct figure (a page has thousands of cells, most alike).
    func cellHTML(_ state: ChartValue, text: String) -> String {
        let key = state.gapSymbol + "|" + text
        if let html = cells.html[key] { return html }
        var html = (try? templates.render("_cell", Self.cellContext(state, text: text))) ?? ""
        while html.hasSuffix("\n") { html.removeLast() }
        cells.html[key] = html
        return html
    }

    var notComputedCell: String { cellHTML(.notComputed, text: "") }

    /// A value as a page shows it, e.g. `12.3%`, `4.56 per 1,000 days`, `1,234`.
    public static func display(_ value: String, unit: String) -> String {
        switch unit {
        case "count": return NumberText.grouped(value)
        case "percent", "distribution": return value + "%"
        case "incremental": return value + "% improved"
        case "rate_per_1000_days": return value + " per 1,000 days"
        case "rate_per_100000_days": return NumberText.grouped(value) + " per 100,000 days"
        case "number": return NumberText.grouped(value)
        default: return value
        }
    }

    /// The counts behind a figure in words, e.g. `12 of 340`; empty when there are none to show.
    public static func basis(_ row: PublishedRow?, unit: String) -> String {
        guard let row, row.suppressed == "no", row.note.isEmpty else { return "" }
        let n = NumberText.grouped(row.numerator), d = NumberText.grouped(row.denominator)
        switch unit {
        case "count": return ""
        case "mean": return d.isEmpty ? "" : "average of \(d) youth"
        case "incremental": return d.isEmpty ? "" : "\(n) of \(d) compared improved"
        case "rate_per_1000_days", "rate_per_100000_days": return "\(n) events in \(d) placement days"
        default: return n.isEmpty || d.isEmpty ? "" : "\(n) of \(d)"
        }
    }

    /// A cell's context names every flag the `_cell` template asks about, so that Mustache finds each
    /// one at once instead of searching the enclosing contexts for it.
    static func cellContext(_ state: ChartValue, text: String) -> [String: Any] {
        [
            "isValue": state.number != nil, "isSuppressed": state == .suppressed,
            "isNotReported": state == .notReported,
            "isNoDenominator": state == .noDenominator, "isNotComputed": state == .notComputed, "valueText": text,
        ]
    }

    static func chartValue(_ row: PublishedRow?) -> ChartValue { row?.state ?? .notComputed }

    /// Tables name the unit of a rate in their caption, so their cells hold the number alone.
    static func tableUnit(_ unit: String) -> String {
        switch unit {
        case "rate_per_1000_days", "rate_per_100000_days": return "number"
        case "incremental": return "percent"
        default: return unit
        }
    }

    static func tableUnitNote(_ unit: String) -> String {
        switch unit {
        case "rate_per_1000_days": return " (per 1,000 placement days)"
        case "rate_per_100000_days": return " (per 100,000 placement days)"
        case "incremental": return " (% improved)"
        default: return ""
        }
    }

    static func directionWords(_ direction: String) -> String {
        switch direction {
        case "higher": return "Higher is better"
        case "lower": return "Lower is better"
        default: return "Neither higher nor lower is better (context)"
        }
    }

    static func unitWords(_ unit: String) -> String {
        switch unit {
        case "count": return "Count"
        case "percent": return "Percentage (0–100, one decimal)"
        case "rate_per_1000_days": return "Rate per 1,000 placement days (two decimals)"
        case "rate_per_100000_days": return "Rate per 100,000 placement days (two decimals)"
        case "mean": return "Average score (two decimals)"
        case "incremental": return "Change between two observations: % improved, unchanged, worse; median change"
        case "distribution": return "Percentage in each category (one decimal)"
        default: return unit
        }
    }

    /// The first sentence of a definition (shown under the measure; the rest is one click away).
    static func splitDefinition(_ text: String) -> (lead: String, rest: String) {
        var search = text.startIndex
        while let dot = text.range(of: ". ", range: search..<text.endIndex) {
            let next = text[dot.upperBound...].first
            let before = text[text.startIndex..<dot.lowerBound]
            if let next, next.isUppercase, !before.hasSuffix("e.g"), !before.hasSuffix("i.e") {
                return (
                    String(text[..<dot.upperBound]).trimmingCharacters(in: .whitespaces),
                    String(text[dot.upperBound...])
                )
            }
            search = dot.upperBound
        }
        return (text, "")
    }

    /// Short two-line label of a period for chart axes: `Apr–Jun\n2025` or `SFY\n2024–25`.
    public static func shortLabel(_ p: Period) -> String {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard p.quarter != nil else {
            return "SFY\n\(p.fiscalYear - 1)–\(NumberText.fixed(Double(p.fiscalYear % 100), decimals: 0).leftPad2)"
        }
        return "\(months[p.start.month - 1])–\(months[p.end.month - 1])\n\(p.start.year)"
    }

    static func slug(_ code: String) -> String { code.replacingOccurrences(of: "_", with: "-") }

    // MARK: Areas (a county, or California)

    struct Area {
        var fips: String
        var name: String
        var isState: Bool
    }

    func row(
        _ area: String, _ measure: String, category: String = "", _ stratification: String = "all",
        _ stratum: String = "all"
    )
        -> PublishedRow?
    {
        index[Self.key(area, measure, category, stratification, stratum)]
    }

    /// The value of one measure for one area over the trend window (nil where the period was not computed).
    func trendRow(_ area: String, _ measure: String, category: String = "", period: Period) -> PublishedRow? {
        if period == data.period { return row(area, measure, category: category) }
        return trendIndex[Self.key(area, measure, category, period.description)]
    }

    /// The trend periods drawn: from the first computed one to the period itself.
    var trendWindow: [Period] {
        let computed = data.trend.filter { $0.computation != nil }.map(\.period)
        guard let first = computed.first else { return [data.period] }
        return data.trend.map(\.period).filter { $0 >= first }
    }

    /// The page context shared by every page: the period, navigation paths, the CSS.
    func common(root: String, title: String) -> [String: Any] {
        [
            "markZero": cellHTML(.value(0), text: "0"),
            "markSuppressed": cellHTML(.suppressed, text: ""),
            "markNotReported": cellHTML(.notReported, text: ""),
            "markNoDenominator": cellHTML(.noDenominator, text: ""),
            "markNotComputed": cellHTML(.notComputed, text: ""),
            "title": title,
            "root": root,
            "period": data.period.description,
            "periodName": data.period.displayName,
            "periodStart": data.computation.start,
            "periodEnd": data.computation.end,
        ]
    }

    func summary(_ area: Area, compare: Area?) -> [String: Any] {
        func figure(_ code: String) -> [String: Any] {
            let m = measuresByCode[code]!
            var f: [String: Any] = [
                "name": m.name, "definitionLead": Self.splitDefinition(m.definition).lead,
                "cell": cell(row(area.fips, code), measure: m), "basis": Self.basis(row(area.fips, code), unit: m.unit),
            ]
            if let compare { f["compare"] = ["cell": cell(row(compare.fips, code), measure: m)] }
            return f
        }
        var figures: [[String: Any]] = []
        for code in ["population_in_scope", "population_newly_identified", "race_self_reported_share"]
        where measuresByCode[code] != nil {
            figures.append(figure(code))
        }
        return ["figures": figures]
    }

    /// Population by a stratification: a bar chart and the same numbers in a table.
    func population(_ area: Area, compare: Area?, stratification: String, title: String) -> [String: Any]? {
        guard let m = measuresByCode["population_in_scope"] else { return nil }
        let strata = data.strata.filter { $0.stratification == stratification }
        let rows = strata.map { s -> [String: Any] in
            var r: [String: Any] = [
                "hasCompare": compare != nil, "label": s.label,
                "cell": cell(row(area.fips, m.code, stratification, s.stratum), measure: m),
            ]
            if let compare {
                r["compare"] = ["cell": cell(row(compare.fips, m.code, stratification, s.stratum), measure: m)]
            }
            return r
        }
        let values = strata.map { Self.chartValue(row(area.fips, m.code, stratification, $0.stratum)) }
        let chart = BarChart(
            id: "pop-\(stratification)", title: "\(title), \(area.name), \(data.period.displayName)",
            summary: Self.describe(categories: strata.map(\.label), values: values, unit: "count"),
            categories: strata.map(\.label),
            series: [ChartSeries(name: area.name, values: values, style: .primary)],
            labels: [
                strata.map {
                    row(area.fips, m.code, stratification, $0.stratum).map { NumberText.grouped($0.value) } ?? ""
                }
            ])
        return [
            "title": title, "id": "pop-\(stratification)", "svg": chart.svg, "rows": rows,
            "areaName": area.name, "compareName": compare?.name ?? "", "hasCompare": compare != nil,
        ]
    }

    /// Text alternative of a chart: each category with its value or the reason it has none.
    static func describe(categories: [String], values: [ChartValue], unit: String) -> String {
        zip(categories, values).map { label, value in
            if let number = value.number {
                let text = unit == "count" ? NumberText.fixed(number, decimals: 0) : NumberText.short(number)
                return "\(label): \(display(text, unit: unit))"
            }
            return "\(label): \(value.gapWords)"
        }.joined(separator: "; ") + "."
    }

    /// Sections of a page: the 13 domains, then the measures that serve no single domain.
    func sections(_ area: Area, compare: Area?) -> [[String: Any]] {
        var sections: [[String: Any]] = []
        let summaryCodes: Set<String> = [
            "population_in_scope", "population_newly_identified", "race_self_reported_share",
        ]
        for domain in data.domains {
            let measures = data.measures.filter { $0.domain == domain.number }
            sections.append([
                "id": "domain-\(domain.number)", "heading": "\(domain.number). \(domain.name)",
                "description": domain.description,
                "measures": measures.map { measureContext($0, area: area, compare: compare) },
            ])
        }
        let rest = data.measures.filter { $0.domain == nil && !summaryCodes.contains($0.code) }
        if !rest.isEmpty {
            sections.append([
                "id": "progress", "heading": "Progress and readiness to change",
                "description": "Case-plan goals, readiness to change and stages of change, which serve every domain.",
                "measures": rest.map { measureContext($0, area: area, compare: compare) },
            ])
        }
        return sections
    }

    func measureContext(_ m: MeasureInfo, area: Area, compare: Area?) -> [String: Any] {
        let (lead, rest) = Self.splitDefinition(m.definition)
        let optional = m.sources.filter { $0 != "youth.csv" && $0 != "cse_flags.csv" }
        var c: [String: Any] = [
            "id": "m-\(Self.slug(m.code))", "code": m.code, "name": m.name,
            "definitionLead": lead, "definitionRest": rest,
            "numerator": m.numerator, "denominator": m.denominator ?? "",
            "hasDenominator": m.denominator != nil, "unitWords": Self.unitWords(m.unit),
            "direction": Self.directionWords(m.direction), "directionClass": "dir-\(m.direction)",
            "isHigher": m.direction == "higher", "isLower": m.direction == "lower",
            "isNeither": m.direction == "neither",
            "sources": m.sources.joined(separator: ", "),
            "notReportedWhy": optional.isEmpty
                ? "No agency reporting for \(area.name) sent an accepted extract."
                : "None of the agencies reporting for \(area.name) sends \(optional.joined(separator: " and ")), which this measure needs.",
            "areaName": area.name, "compareName": compare?.name ?? "", "hasCompare": compare != nil,
            "isIncremental": m.unit == "incremental", "isDistribution": m.unit == "distribution",
            "isSimple": m.unit != "distribution",
            "observation": m.observation ?? "", "hasObservation": m.observation != nil,
            "tableUnitNote": Self.tableUnitNote(m.unit),
        ]
        if m.unit == "distribution" {
            c["distribution"] = distribution(m, area: area, compare: compare)
        } else {
            c["area"] = [
                "cell": cell(row(area.fips, m.code), measure: m),
                "basis": Self.basis(row(area.fips, m.code), unit: m.unit),
            ]
            if let compare {
                c["compare"] = [
                    "cell": cell(row(compare.fips, m.code), measure: m),
                    "basis": Self.basis(row(compare.fips, m.code), unit: m.unit),
                ]
            }
            c["isNotReported"] = row(area.fips, m.code)?.note == "not_reported"
            c["trend"] = trend(m, area: area, compare: compare)
        }
        if m.unit == "incremental" {
            c["progress"] = progress(m, area: area, compare: compare)
        }
        if m.stratified {
            c["breakdowns"] = breakdowns(m, area: area, compare: compare)
            c["hasBreakdowns"] = true
        }
        return c
    }

    func trend(_ m: MeasureInfo, area: Area, compare: Area?) -> [String: Any] {
        let window = trendWindow
        guard window.count > 1 else {
            return ["hasChart": false]
        }
        let computed = Set(data.trend.filter { $0.computation != nil }.map(\.period))
        func values(_ fips: String) -> [ChartValue] {
            window.map { computed.contains($0) ? Self.chartValue(trendRow(fips, m.code, period: $0)) : .notComputed }
        }
        var series = [ChartSeries(name: area.name, values: values(area.fips), style: .primary)]
        if let compare {
            series.append(ChartSeries(name: compare.name, values: values(compare.fips), style: .secondary))
        }
        let labels = window.map { Self.shortLabel($0).replacingOccurrences(of: "\n", with: " ") }
        let desc = series.map { s in "\(s.name): " + Self.describe(categories: labels, values: s.values, unit: m.unit) }
            .joined(separator: " ")
        let chart = TrendChart(
            id: "t-\(Self.slug(m.code))",
            title: "\(m.name): trend, \(area.name)\(compare.map { " and " + $0.name } ?? "")",
            summary: desc, periods: window.map(Self.shortLabel), series: series,
            unitSuffix: ["percent", "distribution", "incremental"].contains(m.unit) ? "%" : "",
            axisCap: ["percent", "distribution", "incremental"].contains(m.unit) ? 100 : nil)
        let newestFirst: [Period] = window.reversed()
        let notComputed = notComputedCell
        // The table's caption names the unit of rates and says "% improved" for incremental measures.
        let unit = Self.tableUnit(m.unit)
        var rows: [[String: Any]] = []
        for p in newestFirst {
            var r: [String: Any] = [
                "hasCompare": compare != nil,
                "period": Self.shortLabel(p).replacingOccurrences(of: "\n", with: " "), "periodName": p.displayName,
                "cell": computed.contains(p)
                    ? cell(trendRow(area.fips, m.code, period: p), measure: m, unit: unit) : notComputed,
            ]
            if let compare {
                let other: String =
                    computed.contains(p)
                    ? cell(trendRow(compare.fips, m.code, period: p), measure: m, unit: unit) : notComputed
                r["compare"] = ["cell": other]
            }
            rows.append(r)
        }
        return ["hasChart": true, "svg": chart.svg, "rows": rows]
    }

    func progress(_ m: MeasureInfo, area: Area, compare: Area?) -> [String: Any] {
        func chartRow(_ name: String, _ r: PublishedRow?) -> ProgressChart.Row {
            guard let r else { return .init(name: name, gap: .notComputed) }
            switch r.state {
            case .value, .noDenominator:
                if let i = Int(r.improved), let u = Int(r.unchanged), let w = Int(r.worse), i + u + w > 0 {
                    return .init(name: name, improved: i, unchanged: u, worse: w)
                }
                return .init(name: name, gap: .noDenominator)
            case let gap: return .init(name: name, gap: gap)
            }
        }
        func tableRow(_ name: String, _ r: PublishedRow?) -> [String: Any] {
            let state = r?.state ?? .notComputed
            let counts = chartRow(name, r).counts
            guard let r, let counts, case .value = state else {
                let gap = state.number == nil ? cell(r, measure: m) : cellHTML(.noDenominator, text: "")
                return ["name": name, "gap": gap, "hasCounts": false]
            }
            let total = Double(counts.improved + counts.unchanged + counts.worse)
            func share(_ n: Int) -> String { NumberText.fixed(100 * Double(n) / total, decimals: 1) + "%" }
            return [
                "name": name, "hasCounts": true, "compared": NumberText.grouped(r.denominator),
                "improved": NumberText.grouped(r.improved), "improvedShare": share(counts.improved),
                "unchanged": NumberText.grouped(r.unchanged), "unchangedShare": share(counts.unchanged),
                "worse": NumberText.grouped(r.worse), "worseShare": share(counts.worse),
                "median": r.medianChange.isEmpty ? "not published" : r.medianChange,
            ]
        }
        var rows = [chartRow(area.name, row(area.fips, m.code))]
        var table = [tableRow(area.name, row(area.fips, m.code))]
        if let compare {
            rows.append(chartRow(compare.name, row(compare.fips, m.code)))
            table.append(tableRow(compare.name, row(compare.fips, m.code)))
        }
        let desc =
            rows.map { r -> String in
                guard let c = r.counts else { return "\(r.name): \(r.gap.gapWords)" }
                let total = c.improved + c.unchanged + c.worse
                return
                    "\(r.name): of \(total) compared, \(c.improved) improved, \(c.unchanged) unchanged, \(c.worse) worse"
            }.joined(separator: "; ") + "."
        let chart = ProgressChart(
            id: "p-\(Self.slug(m.code))", title: "\(m.name): improved, unchanged and worse", summary: desc, rows: rows)
        return ["svg": chart.svg, "rows": table]
    }

    func distribution(_ m: MeasureInfo, area: Area, compare: Area?) -> [String: Any] {
        let labels = m.categories.map(Self.categoryLabel)
        let areaRows = m.categories.map { row(area.fips, m.code, category: $0) }
        var series = [ChartSeries(name: area.name, values: areaRows.map(Self.chartValue), style: .primary)]
        var labelTexts = [areaRows.map { $0.map { Self.display($0.value, unit: m.unit) } ?? "" }]
        var compareRows: [PublishedRow?] = []
        if let compare {
            compareRows = m.categories.map { row(compare.fips, m.code, category: $0) }
            series.append(ChartSeries(name: compare.name, values: compareRows.map(Self.chartValue), style: .secondary))
            labelTexts.append(compareRows.map { $0.map { Self.display($0.value, unit: m.unit) } ?? "" })
        }
        let desc = series.map { "\($0.name): " + Self.describe(categories: labels, values: $0.values, unit: m.unit) }
            .joined(separator: " ")
        let chart = BarChart(
            id: "d-\(Self.slug(m.code))", title: "\(m.name), \(data.period.displayName)", summary: desc,
            categories: labels, series: series, labels: labelTexts, axisCap: 100)
        let rows = m.categories.indices.map { i -> [String: Any] in
            var r: [String: Any] = [
                "hasCompare": compare != nil,
                "label": labels[i], "cell": cell(areaRows[i], measure: m),
                "basis": Self.basis(areaRows[i], unit: m.unit),
            ]
            if compare != nil { r["compare"] = ["cell": cell(compareRows[i], measure: m)] }
            return r
        }
        return ["svg": chart.svg, "rows": rows]
    }

    static func categoryLabel(_ code: String) -> String {
        switch code {
        case "precontemplation": return "Precontemplation"
        case "contemplation": return "Contemplation"
        case "preparation_action": return "Preparation / action"
        case "maintenance": return "Maintenance"
        default: return code.replacingOccurrences(of: "_", with: " ")
        }
    }

    static let breakdownTitles: [(String, String)] = [
        ("tier", "By tier of CSE concern"),
        ("concern", "By concern status at the end of the period"),
        ("age_group", "By age group"),
        ("gender", "By gender"),
        ("race_alone", "By race/ethnicity: one category alone, multiracial, or declined/unknown"),
        ("race_any", "By race/ethnicity, alone or in combination (a multiracial youth counts in each category chosen)"),
    ]

    func breakdowns(_ m: MeasureInfo, area: Area, compare: Area?) -> [[String: Any]] {
        Self.breakdownTitles.map { stratification, title in
            let strata = data.strata.filter { $0.stratification == stratification }
            let rows: [[String: Any]]
            if m.unit == "distribution" {
                rows = strata.map { s in
                    [
                        "label": s.label, "isDistribution": true,
                        "cells": m.categories.map {
                            ["cell": cell(row(area.fips, m.code, category: $0, stratification, s.stratum), measure: m)]
                        },
                    ]
                }
            } else {
                rows = strata.map { s in
                    var r: [String: Any] = [
                        "hasCompare": compare != nil, "label": s.label, "isDistribution": false,
                        "cell": cell(
                            row(area.fips, m.code, stratification, s.stratum), measure: m, unit: Self.tableUnit(m.unit)),
                        "basis": Self.basis(row(area.fips, m.code, stratification, s.stratum), unit: m.unit),
                    ]
                    if let compare {
                        r["compare"] = [
                            "cell": cell(
                                row(compare.fips, m.code, stratification, s.stratum), measure: m,
                                unit: Self.tableUnit(m.unit))
                        ]
                    }
                    return r
                }
            }
            var table: [String: Any] = [
                "title": title, "rows": rows, "categories": m.categories.map(Self.categoryLabel),
            ]
            if stratification.hasPrefix("race"), let note = raceNote(area: area, compare: compare) {
                table["raceNote"] = note
            }
            return table
        }
    }

    /// The share of youth whose race/ethnicity they reported themselves (a data-quality figure shown with every race breakdown).
    func raceNote(area: Area, compare: Area?) -> String? {
        guard let m = measuresByCode["race_self_reported_share"] else { return nil }
        func words(_ fips: String) -> String {
            let r = row(fips, m.code)
            switch r?.state ?? .notComputed {
            case .value: return Self.display(r!.value, unit: m.unit)
            case let gap: return gap.gapWords
            }
        }
        var text =
            "Race/ethnicity was reported by the youth themselves (rather than recorded by a worker) for "
            + "\(words(area.fips)) of youth in scope in \(area.name)"
        if let compare { text += " (\(compare.name): \(words(compare.fips)))" }
        return text + "."
    }

    /// Which agencies and extracts the period's results came from (for one county when the engine records counties).
    func currency(for fips: String?) -> [String: Any] {
        func list(_ inputs: [ExtractInput]) -> [[String: Any]] {
            inputs.map { ["agency": $0.agencyCode, "extract": String($0.extractID), "extractedOn": $0.extractedOn] }
        }
        let recordsCounties = data.computation.inputs.contains { $0.counties != nil }
        var inputs = data.computation.inputs
        var scoped = false
        if let fips, recordsCounties {
            inputs = inputs.filter { $0.counties?.contains(fips) ?? false }
            scoped = true
        }
        let periods: [[String: Any]] = Array(data.trend.filter { $0.computation != nil }.reversed()).map {
            p -> [String: Any] in
            [
                "period": p.period.displayName, "code": p.period.description,
                "extracts": String(p.computation!.inputs.count),
            ]
        }
        let dates = inputs.map(\.extractedOn).filter { !$0.isEmpty }.sorted()
        return [
            "inputs": list(inputs), "hasInputs": !inputs.isEmpty, "scoped": scoped,
            "extractCount": String(inputs.count), "oldest": dates.first ?? "", "newest": dates.last ?? "",
            "trendPeriods": periods,
        ]
    }

    // MARK: Pages

    func indexContext() -> [String: Any] {
        let state = Area(fips: Self.stateFIPS, name: "California", isState: true)
        var c = common(root: "", title: "CSE youth outcomes in California, \(data.period.displayName)")
        c["areaName"] = "California"
        c["summary"] = summary(state, compare: nil)
        c["population"] = [
            population(state, compare: nil, stratification: "tier", title: "Youth in scope by tier"),
            population(state, compare: nil, stratification: "concern", title: "Youth in scope by concern status"),
        ].compactMap { $0 }
        if let m = measuresByCode["population_in_scope"] {
            c["populationTrend"] = trend(m, area: state, compare: nil)
        }
        c["sections"] = sections(state, compare: nil)
        let population = measuresByCode["population_in_scope"]
        let newly = measuresByCode["population_newly_identified"]
        c["counties"] = data.counties.map { county -> [String: Any] in
            let received = hasData(county.fips)
            return [
                "name": county.name, "fips": county.fips, "html": county.pathStem + ".html",
                "csv": county.pathStem + ".csv",
                "received": received,
                "inScope": population.map { cell(row(county.fips, $0.code), measure: $0) } ?? notComputedCell,
                "newly": newly.map { cell(row(county.fips, $0.code), measure: $0) } ?? notComputedCell,
            ]
        }
        c["countiesReceived"] = String(data.counties.filter { hasData($0.fips) }.count)
        c["currency"] = currency(for: nil)
        return c
    }

    /// A county has data when its population is published and not "not reported" (no accepted extract covers it).
    func hasData(_ fips: String) -> Bool {
        guard let population = row(fips, "population_in_scope") else { return false }
        return population.note != "not_reported"
    }

    func countyContext(_ county: CountyInfo) -> [String: Any] {
        let area = Area(fips: county.fips, name: "\(county.name) County", isState: false)
        let state = Area(fips: Self.stateFIPS, name: "California", isState: true)
        var c = common(root: "../", title: "\(county.name) County: CSE youth outcomes, \(data.period.displayName)")
        c["areaName"] = area.name
        c["countyName"] = county.name
        c["fips"] = county.fips
        c["csv"] = "\(county.fips)-\(county.slug).csv"
        let received = hasData(county.fips)
        c["received"] = received
        c["currency"] = currency(for: county.fips)
        guard received else { return c }
        c["summary"] = summary(area, compare: state)
        c["population"] = [
            population(area, compare: state, stratification: "tier", title: "Youth in scope by tier"),
            population(area, compare: state, stratification: "concern", title: "Youth in scope by concern status"),
        ].compactMap { $0 }
        c["sections"] = sections(area, compare: state)
        return c
    }

    func measuresContext() -> [String: Any] {
        var c = common(root: "", title: "Measures and definitions, \(data.period.displayName)")
        let groups: [(String, String, [MeasureInfo])] =
            data.domains.map { d in
                ("domain-\(d.number)", "\(d.number). \(d.name)", data.measures.filter { $0.domain == d.number })
            }
            + [("other", "Population, data quality and progress", data.measures.filter { $0.domain == nil })]
        c["groups"] = groups.filter { !$0.2.isEmpty }.map { id, heading, measures in
            [
                "id": id, "heading": heading,
                "measures": measures.map { m -> [String: Any] in
                    [
                        "id": "m-\(Self.slug(m.code))", "code": m.code, "name": m.name, "definition": m.definition,
                        "numerator": m.numerator, "denominator": m.denominator ?? "",
                        "hasDenominator": m.denominator != nil,
                        "unitWords": Self.unitWords(m.unit), "direction": Self.directionWords(m.direction),
                        "sources": m.sources.joined(separator: ", "), "observation": m.observation ?? "",
                        "hasObservation": m.observation != nil,
                        "categories": m.categories.map(Self.categoryLabel).joined(separator: ", "),
                        "hasCategories": !m.categories.isEmpty,
                        "stratified": m.stratified
                            ? "tier, concern status, age group, gender, race/ethnicity"
                            : "not broken down (all youth only)",
                        "rule": Self.suppressionRule(for: m),
                    ]
                },
            ]
        }
        c["strata"] = ["tier", "concern", "age_group", "gender", "race_alone", "race_any"].map { s -> [String: Any] in
            [
                "title": Self.breakdownTitles.first { $0.0 == s }?.1 ?? s, "code": s,
                "values": data.strata.filter { $0.stratification == s }.map {
                    ["label": $0.label, "code": $0.stratum]
                },
            ]
        }
        return c
    }
}

extension String {
    var leftPad2: String { count >= 2 ? self : String(repeating: "0", count: 2 - count) + self }
}
