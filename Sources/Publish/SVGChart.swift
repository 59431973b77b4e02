/// Charts drawn as inline SVG by the project itself: plain value types whose geometry can be
/// unit-tested, with colour-blind-safe colours (Okabe–Ito), a text alternative (`role="img"`
/// with `<title>` and `<desc>`) and every gap (suppressed, not reported, no one eligible, not
/// computed) drawn as a gap with a text marker, never as zero. The page shows the same
/// numbers in a table next to each chart.

/// One point of a chart: a number, or the reason there is none.
public enum ChartValue: Equatable, Sendable {
    case value(Double)
    case suppressed
    case notReported
    case noDenominator
    case notComputed

    public var number: Double? {
        if case .value(let v) = self { return v }
        return nil
    }

    /// The short text drawn where a gap is (explained in the chart's key and the page's footnote).
    public var gapSymbol: String {
        switch self {
        case .value: return ""
        case .suppressed: return "*"
        case .notReported: return "NR"
        case .noDenominator: return "n/a"
        case .notComputed: return "–"
        }
    }

    /// The words for a gap (used in the chart's description and key).
    public var gapWords: String {
        switch self {
        case .value: return ""
        case .suppressed: return "suppressed"
        case .notReported: return "not reported"
        case .noDenominator: return "no one eligible"
        case .notComputed: return "not computed"
        }
    }
}

/// How a series is drawn, so that series differ by more than colour.
public struct SeriesStyle: Equatable, Sendable {
    public var color: String
    /// SVG `stroke-dasharray`, empty for a solid line.
    public var dash: String
    public var marker: Marker

    public enum Marker: String, Sendable { case circle, square }

    public init(color: String, dash: String, marker: Marker) {
        self.color = color
        self.dash = dash
        self.marker = marker
    }

    /// The county: Okabe–Ito blue, solid, circles.
    public static let primary = SeriesStyle(color: "#0072B2", dash: "", marker: .circle)
    /// California: Okabe–Ito vermillion, dashed, squares.
    public static let secondary = SeriesStyle(color: "#D55E00", dash: "6 4", marker: .square)
}

public struct ChartSeries: Equatable, Sendable {
    public var name: String
    public var values: [ChartValue]
    public var style: SeriesStyle

    public init(name: String, values: [ChartValue], style: SeriesStyle) {
        self.name = name
        self.values = values
        self.style = style
    }
}

/// Okabe–Ito colours and the text colours that keep 4.5:1 contrast on them.
public enum Palette {
    public static let improved = "#0072B2"  // blue; white text 5.1:1
    public static let unchanged = "#DDDDDD"  // light grey; black text
    public static let worse = "#E69F00"  // orange; black text 10:1
    public static let text = "#1A1A1A"
    public static let grid = "#D0D0D0"
    public static let axis = "#595959"
}

/// A value axis from zero to a round maximum, with 2–6 round ticks (steps of 1, 2, 2.5 or 5 × 10ⁿ).
public struct ValueAxis: Equatable, Sendable {
    public let maximum: Double
    public let step: Double

    /// `largest`: the largest value drawn; `cap`: an upper bound the axis never passes (100 for percents).
    public init(largest: Double, cap: Double? = nil) {
        var top = largest.isFinite && largest > 0 ? largest : 1
        if let cap, top > cap { top = cap }
        let raw = top / 4
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw - 1e-12 } ?? 10 * magnitude
        var maximum = (top / step - 1e-9).rounded(.up) * step
        if maximum < top { maximum += step }
        if let cap, maximum > cap, cap >= top { maximum = cap }
        self.maximum = maximum
        self.step = step
    }

    public var ticks: [Double] {
        var ticks: [Double] = []
        var t = 0.0
        while t <= maximum + step * 1e-9 {
            ticks.append(t)
            t += step
        }
        return ticks
    }
}

/// SVG text and attribute escaping.
enum SVGText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    static func n(_ value: Double) -> String { NumberText.fixed(value, decimals: 1) }
}

/// A line chart of values over periods (a trend), one line per series; a gap breaks the line.
public struct TrendChart: Sendable {
    public var id: String
    public var title: String
    public var summary: String
    /// One label per period, oldest first; `\n` splits a label over two lines.
    public var periods: [String]
    public var series: [ChartSeries]
    /// Appended to tick labels ("%" for percents).
    public var unitSuffix: String
    public var axisCap: Double?

    public var width = 640.0
    public var height = 250.0
    public let left = 56.0, right = 24.0, top = 16.0, bottom = 64.0

    public init(
        id: String, title: String, summary: String, periods: [String], series: [ChartSeries], unitSuffix: String = "",
        axisCap: Double? = nil
    ) {
        self.id = id
        self.title = title
        self.summary = summary
        self.periods = periods
        self.series = series
        self.unitSuffix = unitSuffix
        self.axisCap = axisCap
    }

    public var axis: ValueAxis {
        ValueAxis(largest: series.flatMap { $0.values.compactMap(\.number) }.max() ?? 0, cap: axisCap)
    }

    public var plotBottom: Double { height - bottom }
    public var plotTop: Double { top }

    /// Horizontal centre of period `index`.
    public func x(_ index: Int) -> Double {
        let plotWidth = width - left - right
        guard periods.count > 1 else { return left + plotWidth / 2 }
        return left + plotWidth * Double(index) / Double(periods.count - 1)
    }

    /// Vertical position of `value` (0 at the bottom of the plot, the axis maximum at its top).
    public func y(_ value: Double) -> Double {
        let clamped = min(max(value, 0), axis.maximum)
        return plotBottom - (plotBottom - plotTop) * clamped / axis.maximum
    }

    /// The runs of consecutive values of a series, each drawn as one path.
    public func segments(of series: ChartSeries) -> [[(index: Int, value: Double)]] {
        var runs: [[(index: Int, value: Double)]] = []
        var current: [(index: Int, value: Double)] = []
        for (i, v) in series.values.enumerated() {
            if let number = v.number {
                current.append((i, number))
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    public var svg: String {
        let axis = self.axis
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 \(SVGText.n(width)) \(SVGText.n(height))" \
            width="\(SVGText.n(width))" height="\(SVGText.n(height))" role="img" aria-labelledby="\(id)-t \(id)-d">\
            <title id="\(id)-t">\(SVGText.escape(title))</title><desc id="\(id)-d">\(SVGText.escape(summary))</desc>
            """
        // Grid and tick labels.
        for tick in axis.ticks {
            let y = SVGText.n(self.y(tick))
            s +=
                "<line x1=\"\(SVGText.n(left))\" x2=\"\(SVGText.n(width - right))\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"\(tick == 0 ? Palette.axis : Palette.grid)\" stroke-width=\"1\"/>"
            s +=
                "<text x=\"\(SVGText.n(left - 6))\" y=\"\(SVGText.n(self.y(tick) + 4))\" text-anchor=\"end\" font-size=\"12\" fill=\"\(Palette.text)\">\(NumberText.grouped(NumberText.short(tick)))\(SVGText.escape(unitSuffix))</text>"
        }
        // Period labels.
        for (i, label) in periods.enumerated() {
            let lines = label.split(separator: "\n", omittingEmptySubsequences: false)
            for (k, line) in lines.enumerated() {
                s +=
                    "<text x=\"\(SVGText.n(x(i)))\" y=\"\(SVGText.n(plotBottom + 16 + 14 * Double(k)))\" text-anchor=\"middle\" font-size=\"12\" fill=\"\(Palette.text)\">\(SVGText.escape(String(line)))</text>"
            }
        }
        // Lines, markers and gap symbols.
        for (k, series) in series.enumerated() {
            let style = series.style
            for run in segments(of: series) where run.count > 1 {
                let d = run.enumerated().map { j, p in
                    "\(j == 0 ? "M" : "L")\(SVGText.n(x(p.index))) \(SVGText.n(y(p.value)))"
                }
                .joined(separator: " ")
                s +=
                    "<path d=\"\(d)\" fill=\"none\" stroke=\"\(style.color)\" stroke-width=\"2.5\"\(style.dash.isEmpty ? "" : " stroke-dasharray=\"\(style.dash)\"")/>"
            }
            for (i, value) in series.values.enumerated() {
                if let number = value.number {
                    s += marker(style.marker, x: x(i), y: y(number), color: style.color)
                } else {
                    // Gap: the symbol sits just above the baseline, one row per series.
                    let gy = plotBottom - 6 - 14 * Double(k)
                    s +=
                        "<text x=\"\(SVGText.n(x(i)))\" y=\"\(SVGText.n(gy))\" text-anchor=\"middle\" font-size=\"12\" font-weight=\"bold\" fill=\"\(Palette.text)\">\(SVGText.escape(value.gapSymbol))</text>"
                }
            }
        }
        s += key(y: height - 14)
        return s + "</svg>"
    }

    private func key(y: Double) -> String {
        var s = ""
        var x = left
        for series in series {
            s +=
                "<line x1=\"\(SVGText.n(x))\" x2=\"\(SVGText.n(x + 28))\" y1=\"\(SVGText.n(y - 4))\" y2=\"\(SVGText.n(y - 4))\" stroke=\"\(series.style.color)\" stroke-width=\"2.5\"\(series.style.dash.isEmpty ? "" : " stroke-dasharray=\"\(series.style.dash)\"")/>"
            s += marker(series.style.marker, x: x + 14, y: y - 4, color: series.style.color)
            s +=
                "<text x=\"\(SVGText.n(x + 34))\" y=\"\(SVGText.n(y))\" font-size=\"12\" fill=\"\(Palette.text)\">\(SVGText.escape(series.name))</text>"
            x += 44 + Double(series.name.count) * 7
        }
        let gaps = gapKinds
        if !gaps.isEmpty {
            let text = gaps.map { "\($0.gapSymbol) \($0.gapWords)" }.joined(separator: " · ")
            s +=
                "<text x=\"\(SVGText.n(x + 8))\" y=\"\(SVGText.n(y))\" font-size=\"12\" fill=\"\(Palette.text)\">\(SVGText.escape(text))</text>"
        }
        return s
    }

    /// The kinds of gap the chart shows, in a fixed order.
    public var gapKinds: [ChartValue] {
        let all = Set(series.flatMap { $0.values.map(\.gapSymbol) })
        return [ChartValue.suppressed, .notReported, .noDenominator, .notComputed].filter { all.contains($0.gapSymbol) }
    }

    private func marker(_ shape: SeriesStyle.Marker, x: Double, y: Double, color: String) -> String {
        switch shape {
        case .circle:
            return "<circle cx=\"\(SVGText.n(x))\" cy=\"\(SVGText.n(y))\" r=\"4\" fill=\"\(color)\"/>"
        case .square:
            return
                "<rect x=\"\(SVGText.n(x - 4))\" y=\"\(SVGText.n(y - 4))\" width=\"8\" height=\"8\" fill=\"#FFFFFF\" stroke=\"\(color)\" stroke-width=\"2\"/>"
        }
    }
}

/// Horizontal bars: one group per category, one bar per series; a gap is written out in words.
public struct BarChart: Sendable {
    public var id: String
    public var title: String
    public var summary: String
    public var categories: [String]
    public var series: [ChartSeries]
    /// Formats a drawn value for its label (e.g. `12.3%`).
    public var labels: [[String]]
    public var axisCap: Double?

    public var width = 640.0
    public let labelWidth = 190.0, right = 110.0, top = 8.0, barHeight = 16.0, barGap = 3.0, groupGap = 10.0

    /// `labels[s][c]` is the text written after bar `c` of series `s` (its value as the page shows it).
    public init(
        id: String, title: String, summary: String, categories: [String], series: [ChartSeries], labels: [[String]],
        axisCap: Double? = nil
    ) {
        self.id = id
        self.title = title
        self.summary = summary
        self.categories = categories
        self.series = series
        self.labels = labels
        self.axisCap = axisCap
    }

    public var axis: ValueAxis {
        ValueAxis(largest: series.flatMap { $0.values.compactMap(\.number) }.max() ?? 0, cap: axisCap)
    }

    public var plotLeft: Double { labelWidth + 8 }
    public var plotWidth: Double { width - plotLeft - right }
    var groupHeight: Double { Double(series.count) * (barHeight + barGap) - barGap + groupGap }
    public var height: Double { top + Double(categories.count) * groupHeight + (series.count > 1 ? 24 : 4) }

    /// Length of the bar for `value`.
    public func length(_ value: Double) -> Double {
        plotWidth * min(max(value, 0), axis.maximum) / axis.maximum
    }

    /// Top of the bar of series `s` in category `c`.
    public func barTop(category c: Int, series s: Int) -> Double {
        top + Double(c) * groupHeight + Double(s) * (barHeight + barGap)
    }

    public var svg: String {
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 \(SVGText.n(width)) \(SVGText.n(height))" \
            width="\(SVGText.n(width))" height="\(SVGText.n(height))" role="img" aria-labelledby="\(id)-t \(id)-d">\
            <title id="\(id)-t">\(SVGText.escape(title))</title><desc id="\(id)-d">\(SVGText.escape(summary))</desc>
            """
        let bottom = top + Double(categories.count) * groupHeight - groupGap
        s +=
            "<line x1=\"\(SVGText.n(plotLeft))\" x2=\"\(SVGText.n(plotLeft))\" y1=\"\(SVGText.n(top - 2))\" y2=\"\(SVGText.n(bottom + 2))\" stroke=\"\(Palette.axis)\" stroke-width=\"1\"/>"
        for (c, category) in categories.enumerated() {
            let groupMiddle = barTop(category: c, series: 0) + (groupHeight - groupGap) / 2
            s +=
                "<text x=\"\(SVGText.n(labelWidth))\" y=\"\(SVGText.n(groupMiddle + 4))\" text-anchor=\"end\" font-size=\"12\" fill=\"\(Palette.text)\">\(SVGText.escape(category))</text>"
            for (k, series) in series.enumerated() {
                let y = barTop(category: c, series: k)
                let label = k < labels.count && c < labels[k].count ? labels[k][c] : ""
                let value = c < series.values.count ? series.values[c] : .notComputed
                if let number = value.number {
                    let w = length(number)
                    s +=
                        "<rect x=\"\(SVGText.n(plotLeft))\" y=\"\(SVGText.n(y))\" width=\"\(SVGText.n(w))\" height=\"\(SVGText.n(barHeight))\" fill=\"\(series.style.color)\"\(k > 0 ? " fill-opacity=\"0.85\"" : "")/>"
                    s +=
                        "<text x=\"\(SVGText.n(plotLeft + w + 5))\" y=\"\(SVGText.n(y + barHeight - 4))\" font-size=\"12\" fill=\"\(Palette.text)\">\(SVGText.escape(label))</text>"
                } else {
                    s +=
                        "<text x=\"\(SVGText.n(plotLeft + 5))\" y=\"\(SVGText.n(y + barHeight - 4))\" font-size=\"12\" font-style=\"italic\" fill=\"\(Palette.text)\">\(SVGText.escape(value.gapSymbol + " " + value.gapWords))</text>"
                }
            }
        }
        if series.count > 1 {
            var x = plotLeft
            let y = height - 8
            for series in series {
                s +=
                    "<rect x=\"\(SVGText.n(x))\" y=\"\(SVGText.n(y - 10))\" width=\"12\" height=\"12\" fill=\"\(series.style.color)\"/>"
                s +=
                    "<text x=\"\(SVGText.n(x + 17))\" y=\"\(SVGText.n(y))\" font-size=\"12\" fill=\"\(Palette.text)\">\(SVGText.escape(series.name))</text>"
                x += 40 + Double(series.name.count) * 7
            }
        }
        return s + "</svg>"
    }
}

/// Incremental progress: per row one bar split into improved / unchanged / worse (shares of persons compared).
public struct ProgressChart: Sendable {
    public struct Row: Equatable, Sendable {
        public var name: String
        /// nil when the row has no counts (then `gap` says why).
        public var counts: (improved: Int, unchanged: Int, worse: Int)?
        public var gap: ChartValue

        public init(name: String, improved: Int, unchanged: Int, worse: Int) {
            self.name = name
            self.counts = (improved, unchanged, worse)
            self.gap = .value(0)
        }

        public init(name: String, gap: ChartValue) {
            self.name = name
            self.counts = nil
            self.gap = gap
        }

        public static func == (a: Row, b: Row) -> Bool {
            a.name == b.name && a.gap == b.gap && a.counts?.improved == b.counts?.improved
                && a.counts?.unchanged == b.counts?.unchanged && a.counts?.worse == b.counts?.worse
        }
    }

    public var id: String
    public var title: String
    public var summary: String
    public var rows: [Row]
    public var width = 640.0
    public let labelWidth = 110.0, right = 16.0, top = 8.0, rowHeight = 26.0, barHeight = 20.0

    public init(id: String, title: String, summary: String, rows: [Row]) {
        self.id = id
        self.title = title
        self.summary = summary
        self.rows = rows
    }

    public var plotLeft: Double { labelWidth + 8 }
    public var plotWidth: Double { width - plotLeft - right }
    public var height: Double { top + Double(rows.count) * rowHeight + 26 }

    /// Widths of the improved, unchanged and worse parts of a row's bar (they add up to the plot width).
    public func widths(_ row: Row) -> (improved: Double, unchanged: Double, worse: Double)? {
        guard let c = row.counts else { return nil }
        let total = c.improved + c.unchanged + c.worse
        guard total > 0 else { return nil }
        let unit = plotWidth / Double(total)
        return (Double(c.improved) * unit, Double(c.unchanged) * unit, Double(c.worse) * unit)
    }

    public var svg: String {
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 \(SVGText.n(width)) \(SVGText.n(height))" \
            width="\(SVGText.n(width))" height="\(SVGText.n(height))" role="img" aria-labelledby="\(id)-t \(id)-d">\
            <title id="\(id)-t">\(SVGText.escape(title))</title><desc id="\(id)-d">\(SVGText.escape(summary))</desc>
            """
        let parts: [(String, String, String)] = [
            ("improved", Palette.improved, "#FFFFFF"), ("unchanged", Palette.unchanged, Palette.text),
            ("worse", Palette.worse, Palette.text),
        ]
        for (r, row) in rows.enumerated() {
            let y = top + Double(r) * rowHeight
            s +=
                "<text x=\"\(SVGText.n(labelWidth))\" y=\"\(SVGText.n(y + barHeight - 6))\" text-anchor=\"end\" font-size=\"12\" fill=\"\(Palette.text)\">\(SVGText.escape(row.name))</text>"
            if let w = widths(row), let c = row.counts {
                let total = Double(c.improved + c.unchanged + c.worse)
                var x = plotLeft
                for (k, width) in [w.improved, w.unchanged, w.worse].enumerated() where width > 0 {
                    s +=
                        "<rect x=\"\(SVGText.n(x))\" y=\"\(SVGText.n(y))\" width=\"\(SVGText.n(width))\" height=\"\(SVGText.n(barHeight))\" fill=\"\(parts[k].1)\" stroke=\"#FFFFFF\" stroke-width=\"1\"/>"
                    let count = [c.improved, c.unchanged, c.worse][k]
                    let label = NumberText.fixed(100 * Double(count) / total, decimals: 0) + "%"
                    if width >= 38 {
                        s +=
                            "<text x=\"\(SVGText.n(x + width / 2))\" y=\"\(SVGText.n(y + barHeight - 6))\" text-anchor=\"middle\" font-size=\"12\" fill=\"\(parts[k].2)\">\(label)</text>"
                    }
                    x += width
                }
            } else {
                let gap = row.counts == nil ? row.gap : .noDenominator
                s +=
                    "<text x=\"\(SVGText.n(plotLeft + 5))\" y=\"\(SVGText.n(y + barHeight - 6))\" font-size=\"12\" font-style=\"italic\" fill=\"\(Palette.text)\">\(SVGText.escape(gap.gapSymbol + " " + gap.gapWords))</text>"
            }
        }
        var x = plotLeft
        let y = height - 8
        for part in parts {
            s +=
                "<rect x=\"\(SVGText.n(x))\" y=\"\(SVGText.n(y - 10))\" width=\"12\" height=\"12\" fill=\"\(part.1)\" stroke=\"\(Palette.axis)\" stroke-width=\"0.5\"/>"
            s +=
                "<text x=\"\(SVGText.n(x + 17))\" y=\"\(SVGText.n(y))\" font-size=\"12\" fill=\"\(Palette.text)\">\(part.0)</text>"
            x += 100
        }
        return s + "</svg>"
    }
}
