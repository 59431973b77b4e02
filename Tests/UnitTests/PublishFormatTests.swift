import Foundation
import XCTest

@testable import Publish

/// Number formatting, CSV escaping and the template loader of the published site.
final class PublishFormatTests: XCTestCase {
    func testGroupedInsertsThousandsSeparators() {
        XCTAssertEqual(NumberText.grouped("0"), "0")
        XCTAssertEqual(NumberText.grouped("999"), "999")
        XCTAssertEqual(NumberText.grouped("1000"), "1,000")
        XCTAssertEqual(NumberText.grouped("1234567"), "1,234,567")
        XCTAssertEqual(NumberText.grouped("-1234.50"), "-1,234.50")
        XCTAssertEqual(NumberText.grouped("100000.25"), "100,000.25")
        XCTAssertEqual(NumberText.grouped(""), "")
        XCTAssertEqual(NumberText.grouped("n/a"), "n/a", "not a number: unchanged")
    }

    func testFixedRoundsHalfAwayFromZeroWithoutLocale() {
        XCTAssertEqual(NumberText.fixed(2.345, decimals: 1), "2.3")
        XCTAssertEqual(
            NumberText.fixed(0.15, decimals: 1), "0.2", "0.15 is stored as 0.1499…; it rounds like the decimal")
        XCTAssertEqual(NumberText.fixed(2.5, decimals: 0), "3")
        XCTAssertEqual(NumberText.fixed(-2.5, decimals: 0), "-3")
        XCTAssertEqual(NumberText.fixed(-0.04, decimals: 1), "0.0", "no negative zero")
        XCTAssertEqual(NumberText.fixed(0.05, decimals: 2), "0.05")
        XCTAssertEqual(NumberText.fixed(1234.5, decimals: 1), "1234.5")
        XCTAssertEqual(NumberText.fixed(7, decimals: 2), "7.00")
        XCTAssertEqual(NumberText.short(2.5), "2.5")
        XCTAssertEqual(NumberText.short(40), "40")
        XCTAssertEqual(NumberText.short(0.30000000000000004), "0.3")
    }

    func testCSVQuotesOnlyWhatMustBeQuoted() {
        XCTAssertEqual(CSV.field("plain"), "plain")
        XCTAssertEqual(CSV.field(""), "")
        XCTAssertEqual(CSV.field("a,b"), "\"a,b\"")
        XCTAssertEqual(CSV.field("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(CSV.field("two\nlines"), "\"two\nlines\"")
        XCTAssertEqual(CSV.field("cr\rhere"), "\"cr\rhere\"")
        XCTAssertEqual(CSV.field("O'Brien; 12.5%"), "O'Brien; 12.5%")
        XCTAssertEqual(CSV.record(["a", "b,c", ""]), "a,\"b,c\",\r\n", "records end with CRLF (RFC 4180)")
        XCTAssertEqual(CSV.document(header: ["x", "y"], rows: [["1", "2"]]), "x,y\r\n1,2\r\n")
    }

    func testPublishedRowKeepsTheViewsNumbersAndTellsGapsApart() {
        func row(value: String, suppressed: String = "no", note: String = "") -> PublishedRow {
            PublishedRow(csvFields: [
                "SFY2025Q4", "06001", "Alameda", "1", "m", "", "all", "all", "", "", value, suppressed, "", "", "", "",
                note,
            ])
        }
        XCTAssertEqual(row(value: "0.0").state, .value(0), "zero is a value")
        XCTAssertEqual(row(value: "", suppressed: "yes").state, .suppressed)
        XCTAssertEqual(row(value: "", note: "not_reported").state, .notReported)
        XCTAssertEqual(row(value: "", note: "no_denominator").state, .noDenominator)
        XCTAssertEqual(row(value: "12.5").csvFields[10], "12.5", "numbers are kept as the database printed them")
        XCTAssertEqual(
            PublishedRow.csvHeader.joined(separator: ","),
            "period,county_fips,county_name,domain,measure,category,stratification,stratum,numerator,denominator,value,"
                + "suppressed,improved,unchanged,worse,median_change,note")
    }

    func testDisplayedValuesAndTheirBasis() {
        XCTAssertEqual(SiteRenderer.display("66.7", unit: "percent"), "66.7%")
        XCTAssertEqual(SiteRenderer.display("12345", unit: "count"), "12,345")
        XCTAssertEqual(SiteRenderer.display("3.29", unit: "rate_per_1000_days"), "3.29 per 1,000 days")
        XCTAssertEqual(SiteRenderer.display("1234.50", unit: "rate_per_100000_days"), "1,234.50 per 100,000 days")
        XCTAssertEqual(SiteRenderer.display("44.4", unit: "incremental"), "44.4% improved")
        XCTAssertEqual(SiteRenderer.display("4.00", unit: "mean"), "4.00")
        let percent = PublishedRow(csvFields: [
            "SFY2025Q4", "06001", "Alameda", "3", "m", "", "all", "all", "1200", "4500", "26.7", "no", "", "", "", "",
            "",
        ])
        XCTAssertEqual(SiteRenderer.basis(percent, unit: "percent"), "1,200 of 4,500")
        XCTAssertEqual(SiteRenderer.basis(percent, unit: "rate_per_1000_days"), "1,200 events in 4,500 placement days")
        var suppressed = percent
        suppressed.suppressed = "yes"
        XCTAssertEqual(
            SiteRenderer.basis(suppressed, unit: "percent"), "", "nothing behind a suppressed figure is shown")
        XCTAssertEqual(SiteRenderer.splitDefinition("First one. Second (e.g. this) one.").lead, "First one.")
        XCTAssertEqual(SiteRenderer.splitDefinition("Rate (e.g. per day). Then more.").lead, "Rate (e.g. per day).")
    }

    func testABrokenTemplateIsNamedWithItsLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "<p>{{title}}</p>\n".write(
            to: folder.appendingPathComponent("index.mustache"), atomically: true, encoding: .utf8)
        try "ok\n".write(to: folder.appendingPathComponent("measures.mustache"), atomically: true, encoding: .utf8)
        // Line 3 closes a section that line 2 did not open.
        try "<h1>{{areaName}}</h1>\n{{#received}}\n{{/recieved}}\n".write(
            to: folder.appendingPathComponent("county.mustache"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TemplateSet(directory: folder)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("county.mustache, line 3"), message)
            XCTAssertTrue(message.contains("does not match the section it closes"), message)
        }
        // A partial that does not exist is named too (Mustache alone would render nothing).
        try "<h1>{{areaName}}</h1>\n\n{{> _missing}}\n".write(
            to: folder.appendingPathComponent("county.mustache"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TemplateSet(directory: folder)) { error in
            XCTAssertTrue(
                "\(error)".contains("county.mustache, line 3: the partial {{> _missing}} does not exist"), "\(error)")
        }
        // A page template that is missing.
        try FileManager.default.removeItem(at: folder.appendingPathComponent("county.mustache"))
        XCTAssertThrowsError(try TemplateSet(directory: folder)) { error in
            XCTAssertTrue("\(error)".contains("county.mustache is missing"), "\(error)")
        }
    }

    func testTheShippedTemplatesParse() throws {
        let reports = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Reports")
        XCTAssertNoThrow(try Publisher.loadTemplates(from: reports))
    }
}
