import PostgresClient

/// A reporting period: a California state fiscal year (`SFY2025` = 2024-07-01 … 2025-06-30)
/// or one of its quarters (`SFY2025Q1` = July–September 2024 … `SFY2025Q4` = April–June 2025).
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The calendar year in which the fiscal year ends.
    public let fiscalYear: Int
    /// 1–4, or nil for the whole fiscal year.
    public let quarter: Int?

    /// The number of periods a trend shows, counting the period itself.
    public var trendLength: Int { quarter == nil ? 5 : 8 }

    public init?(fiscalYear: Int, quarter: Int? = nil) {
        guard (1901...2199).contains(fiscalYear), quarter.map({ (1...4).contains($0) }) ?? true else { return nil }
        self.fiscalYear = fiscalYear
        self.quarter = quarter
    }

    /// Parses `SFY2025` or `SFY2025Q4` (case-insensitive).
    public init?(_ label: String) {
        let text = label.uppercased()
        guard text.hasPrefix("SFY") else { return nil }
        let rest = text.dropFirst(3)
        let yearText = rest.prefix(4)
        guard yearText.count == 4, yearText.allSatisfy(\.isNumber), let year = Int(yearText) else { return nil }
        let tail = rest.dropFirst(4)
        if tail.isEmpty {
            self.init(fiscalYear: year)
        } else if tail.count == 2, tail.first == "Q", let q = Int(tail.dropFirst()) {
            self.init(fiscalYear: year, quarter: q)
        } else {
            return nil
        }
    }

    public var description: String { quarter.map { "SFY\(fiscalYear)Q\($0)" } ?? "SFY\(fiscalYear)" }

    /// First day (inclusive).
    public var start: PostgresDate {
        guard let quarter else { return PostgresDate(year: fiscalYear - 1, month: 7, day: 1) }
        let month = (quarter - 1) * 3 + 7  // Q1 → 7 (July of the previous calendar year)
        return month > 12
            ? PostgresDate(year: fiscalYear, month: month - 12, day: 1)
            : PostgresDate(year: fiscalYear - 1, month: month, day: 1)
    }

    /// Last day (inclusive).
    public var end: PostgresDate {
        guard quarter != nil else { return PostgresDate(year: fiscalYear, month: 6, day: 30) }
        let first = start
        let month = first.month + 2
        return PostgresDate(year: first.year, month: month, day: PostgresDate.daysIn(month: month, year: first.year))
    }

    /// The period of the same kind just before this one.
    public var previous: Period {
        guard let quarter else { return Period(fiscalYear: fiscalYear - 1)! }
        return quarter == 1
            ? Period(fiscalYear: fiscalYear - 1, quarter: 4)! : Period(fiscalYear: fiscalYear, quarter: quarter - 1)!
    }

    /// The trend window, oldest first, ending with this period (8 quarters or 5 years).
    public var trend: [Period] {
        var periods = [self]
        while periods.count < trendLength { periods.append(periods.last!.previous) }
        return periods.reversed()
    }

    /// A human label, e.g. "April–June 2025 (SFY 2024–25, Q4)".
    public var displayName: String {
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December",
        ]
        let fy = "SFY \(fiscalYear - 1)–\(String(fiscalYear % 100).leftPadded(2))"
        guard let quarter else { return "July \(fiscalYear - 1) – June \(fiscalYear) (\(fy))" }
        return "\(months[start.month - 1])–\(months[end.month - 1]) \(start.year) (\(fy), Q\(quarter))"
    }

    public static func < (lhs: Period, rhs: Period) -> Bool {
        (lhs.fiscalYear, lhs.quarter ?? 0) < (rhs.fiscalYear, rhs.quarter ?? 0)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
