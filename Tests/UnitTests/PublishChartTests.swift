import Foundation
import XCTest

@testable import Publish

/// The SVG charts of the published pages: geometry worked out by hand from the layout constants.
final class PublishChartTests: XCTestCase {
    func testValueAxisUsesRoundSteps() {
        // 37 / 4 = 9.25 -> step 10 -> axis 0…40.
        XCTAssertEqual(ValueAxis(largest: 37).maximum, 40)
        XCTAssertEqual(ValueAxis(largest: 37).ticks, [0, 10, 20, 30, 40])
        // 100 / 4 = 25 -> step 25 (1, 2, 2.5, 5 x 10^n) -> 0, 25, 50, 75, 100.
        XCTAssertEqual(ValueAxis(largest: 100, cap: 100).ticks, [0, 25, 50, 75, 100])
        // 3.29 / 4 = 0.82 -> step 1 -> axis 0…4.
        XCTAssertEqual(ValueAxis(largest: 3.29).maximum, 4)
        // Nothing to draw (all gaps, or all zero): a 0…1 axis rather than a division by zero.
        XCTAssertEqual(ValueAxis(largest: 0).maximum, 1)
        // A percentage axis never passes 100 even when rounding up would.
        XCTAssertEqual(ValueAxis(largest: 96, cap: 100).maximum, 100)
    }

    func testTrendChartScalesValuesToThePlot() {
        let chart = TrendChart(
            id: "t", title: "T", summary: "S", periods: ["a", "b", "c"],
            series: [ChartSeries(name: "County", values: [.value(25), .value(50), .value(100)], style: .primary)],
            unitSuffix: "%", axisCap: 100)
        // Plot: top 16, bottom 250 - 64 = 186 (170 high); x from 56 to 640 - 24 = 616.
        XCTAssertEqual(chart.axis.maximum, 100)
        XCTAssertEqual(chart.y(100), 16, accuracy: 1e-9)
        XCTAssertEqual(chart.y(0), 186, accuracy: 1e-9)
        XCTAssertEqual(chart.y(50), 101, accuracy: 1e-9)  // 186 - 170 / 2
        XCTAssertEqual(chart.y(25), 143.5, accuracy: 1e-9)  // 186 - 170 / 4
        XCTAssertEqual(chart.x(0), 56, accuracy: 1e-9)
        XCTAssertEqual(chart.x(1), 336, accuracy: 1e-9)
        XCTAssertEqual(chart.x(2), 616, accuracy: 1e-9)
        let svg = chart.svg
        // One path through the three points, coordinates with one decimal.
        XCTAssertTrue(svg.contains("d=\"M56.0 143.5 L336.0 101.0 L616.0 16.0\""), svg)
        XCTAssertTrue(
            svg.contains(
                "<text x=\"50.0\" y=\"105.0\" text-anchor=\"end\" font-size=\"12\" fill=\"#1A1A1A\">50%</text>"))
    }

    func testTrendChartBreaksTheLineAtGapsAndLabelsThem() {
        let series = ChartSeries(
            name: "County", values: [.value(10), .value(20), .suppressed, .value(40), .notReported, .notComputed],
            style: .primary)
        let chart = TrendChart(
            id: "g", title: "T", summary: "S", periods: ["1", "2", "3", "4", "5", "6"], series: [series])
        let runs = chart.segments(of: series)
        XCTAssertEqual(
            runs.map { $0.map(\.index) }, [[0, 1], [3]], "a gap splits the line; it is never drawn as zero")
        let svg = chart.svg
        // Axis 0…40 (40 / 4 = 10). Only the run of two points becomes a path: x 56 and 56 + 560 / 5 = 168.
        XCTAssertEqual(svg.components(separatedBy: "<path ").count - 1, 1)
        XCTAssertTrue(svg.contains("d=\"M56.0 143.5 L168.0 101.0\""), svg)
        // Point 3 (40) is still marked on its own.
        XCTAssertTrue(svg.contains("<circle cx=\"392.0\" cy=\"16.0\""))
        // The gaps are written where they are, and explained in the key.
        XCTAssertTrue(svg.contains(">*</text>"))
        XCTAssertTrue(svg.contains(">NR</text>"))
        XCTAssertTrue(svg.contains("* suppressed · NR not reported · – not computed"))
        XCTAssertEqual(chart.gapKinds, [.suppressed, .notReported, .notComputed])
    }

    func testChartsCarryATextAlternativeAndNoScript() {
        let chart = TrendChart(
            id: "a11y", title: "Arrests <&> trend", summary: "County: 1%.", periods: ["x"],
            series: [ChartSeries(name: "County", values: [.value(1)], style: .primary)])
        let svg = chart.svg
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        XCTAssertTrue(svg.contains("role=\"img\" aria-labelledby=\"a11y-t a11y-d\""))
        XCTAssertTrue(svg.contains("<title id=\"a11y-t\">Arrests &lt;&amp;&gt; trend</title>"), "text is escaped")
        XCTAssertTrue(svg.contains("<desc id=\"a11y-d\">County: 1%.</desc>"))
        XCTAssertFalse(svg.contains("<script"))
        XCTAssertFalse(svg.contains("href"), "no external resources")
    }

    func testBarLengthsAreProportional() {
        let chart = BarChart(
            id: "b", title: "T", summary: "S", categories: ["Confirmed", "Suspected", "At risk"],
            series: [ChartSeries(name: "County", values: [.value(10), .value(40), .notReported], style: .primary)],
            labels: [["10", "40", ""]])
        // Plot width 640 - 198 - 110 = 332; axis 0…40.
        XCTAssertEqual(chart.plotWidth, 332)
        XCTAssertEqual(chart.length(40), 332, accuracy: 1e-9)
        XCTAssertEqual(chart.length(10), 83, accuracy: 1e-9)
        XCTAssertEqual(chart.length(0), 0)
        let svg = chart.svg
        XCTAssertTrue(svg.contains("width=\"83.0\" height=\"16.0\""))
        XCTAssertTrue(svg.contains("width=\"332.0\" height=\"16.0\""))
        XCTAssertTrue(svg.contains(">NR not reported</text>"), "a gap is words, not a zero-length bar")
        XCTAssertEqual(svg.components(separatedBy: "<rect ").count - 1, 2)
    }

    func testProgressBarSplitsIntoImprovedUnchangedWorse() {
        let chart = ProgressChart(
            id: "p", title: "T", summary: "S",
            rows: [
                .init(name: "County", improved: 20, unchanged: 10, worse: 10),
                .init(name: "California", gap: .suppressed),
            ])
        // Plot width 640 - 118 - 16 = 506: 20/40 -> 253, 10/40 -> 126.5 each.
        let w = chart.widths(chart.rows[0])!
        XCTAssertEqual(w.improved, 253, accuracy: 1e-9)
        XCTAssertEqual(w.unchanged, 126.5, accuracy: 1e-9)
        XCTAssertEqual(w.worse, 126.5, accuracy: 1e-9)
        XCTAssertNil(chart.widths(chart.rows[1]))
        let svg = chart.svg
        XCTAssertTrue(svg.contains(">50%</text>"))
        XCTAssertTrue(svg.contains(">25%</text>"))
        XCTAssertTrue(svg.contains(">* suppressed</text>"))
        XCTAssertTrue(
            svg.contains(">improved</text>") && svg.contains(">unchanged</text>") && svg.contains(">worse</text>"))
    }
}
