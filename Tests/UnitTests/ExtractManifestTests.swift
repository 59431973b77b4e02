import Foundation
import Ingest
import PostgresClient
import XCTest

/// extract.json (Sources/Ingest/ExtractManifest.swift): every problem is reported at once,
/// each naming the field, the value found and what was expected.
final class ExtractManifestTests: XCTestCase {
    /// Today is 2026-11-24 for these tests, so that the bound on extracted_on does not move.
    private let today = PostgresDate(year: 2026, month: 11, day: 24)

    private func parse(_ text: String) -> Result<ExtractManifest, ExtractManifest.Refusal> {
        ExtractManifest.parse(Data(text.utf8), today: today)
    }

    /// The issues of a manifest that must fail, as (column, value, expected).
    private func issues(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> [IngestIssue] {
        switch parse(text) {
        case .success(let manifest):
            XCTFail("accepted: \(manifest)", file: file, line: line)
            return []
        case .failure(let refusal):
            let list = refusal.issues
            XCTAssertEqual(list.total, list.listed.count, file: file, line: line)
            for issue in list.listed {
                XCTAssertEqual(issue.file, "extract.json", file: file, line: line)
                XCTAssertNil(issue.record, "extract.json has no records", file: file, line: line)
            }
            return list.listed
        }
    }

    func testValid() throws {
        let manifest = try parse(#"{"format_version": 1, "agency_code": "LA-DCFS", "extracted_on": "2025-07-15"}"#)
            .get()
        XCTAssertEqual(manifest.formatVersion, 1)
        XCTAssertEqual(manifest.agencyCode, "LA-DCFS")
        XCTAssertEqual(manifest.extractedOn, PostgresDate(year: 2025, month: 7, day: 15))
    }

    func testValidWithSpacesAndAnyKeyOrder() throws {
        let manifest = try parse(
            "\n{ \"extracted_on\" : \"2024-02-29\",\n  \"agency_code\": \" LA-DCFS \", \"format_version\": 1 }\n"
        ).get()
        XCTAssertEqual(manifest.agencyCode, "LA-DCFS", "trimmed")
        XCTAssertEqual(manifest.extractedOn, PostgresDate(year: 2024, month: 2, day: 29))
    }

    func testFormatVersion2NamesTheAcceptedVersions() {
        let found = issues(#"{"format_version": 2, "agency_code": "LA-DCFS", "extracted_on": "2025-07-15"}"#)
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.column, "format_version")
        XCTAssertEqual(found.first?.value, "2")
        XCTAssertEqual(found.first?.expected, "a format version this release accepts: 1")
    }

    func testTrueIsNotVersion1() {
        let found = issues(#"{"format_version": true, "agency_code": "LA-DCFS", "extracted_on": "2025-07-15"}"#)
        XCTAssertEqual(found.map(\.column), ["format_version"])
        XCTAssertEqual(found.first?.value, "true", "the value as written, not 1")
        XCTAssertTrue(found.first?.expected.contains("accepts: 1") ?? false)
    }

    func testVersionAsAStringOrFractionIsRejected() {
        let string = issues(#"{"format_version": "1", "agency_code": "LA-DCFS", "extracted_on": "2025-07-15"}"#)
        XCTAssertEqual(string.map(\.column), ["format_version"])
        XCTAssertEqual(string.first?.value, "\"1\"", "a string, shown quoted")
        XCTAssertEqual(
            string.first?.expected, "a format version this release accepts: 1, written as a number (without quotes)")
        // "2" in quotes is no version either way: no advice on quotes.
        let two = issues(#"{"format_version": "2", "agency_code": "LA-DCFS", "extracted_on": "2025-07-15"}"#)
        XCTAssertEqual(two.first?.expected, "a format version this release accepts: 1")
        let null = issues(#"{"format_version": null, "agency_code": null, "extracted_on": "2025-07-15"}"#)
        XCTAssertEqual(null.map(\.column), ["format_version", "agency_code"])
        XCTAssertEqual(null.map(\.value), ["null", "null"])
        let fraction = issues(#"{"format_version": 1.5, "agency_code": "LA-DCFS", "extracted_on": "2025-07-15"}"#)
        XCTAssertEqual(fraction.map(\.column), ["format_version"])
        XCTAssertEqual(fraction.first?.value, "1.5")
    }

    func testMissingFieldsAreAllReported() {
        let found = issues("{}")
        XCTAssertEqual(found.map(\.column), ["format_version", "agency_code", "extracted_on"])
        XCTAssertEqual(found.map(\.value), [nil, nil, nil])
        XCTAssertTrue(found[0].expected.contains("format_version is required"))
        XCTAssertTrue(found[1].expected.contains("agency_code is required"))
        XCTAssertTrue(found[2].expected.contains("extracted_on is required"))
    }

    func testEmptyOrNonStringAgencyCode() {
        let empty = issues(#"{"format_version": 1, "agency_code": "  ", "extracted_on": "2025-07-15"}"#)
        XCTAssertEqual(empty.map(\.column), ["agency_code"])
        XCTAssertEqual(
            empty.first?.expected,
            "agency_code is required: the code your agency was registered with (it is blank)", "not \"as a string\"")
        let number = issues(#"{"format_version": 1, "agency_code": 12, "extracted_on": "2025-07-15"}"#)
        XCTAssertEqual(number.map(\.column), ["agency_code"])
        XCTAssertEqual(number.first?.value, "12")
        XCTAssertTrue(number.first?.expected.contains("as a string") ?? false)
    }

    func testBadDates() {
        for (text, shown) in [
            ("\"2025-02-30\"", "2025-02-30"), ("\"15/07/2025\"", "15/07/2025"), ("\"2025-7-15\"", "2025-7-15"),
            ("\"\"", ""),
        ] {
            let found = issues(#"{"format_version": 1, "agency_code": "LA-DCFS", "extracted_on": "# + text + "}")
            XCTAssertEqual(found.map(\.column), ["extracted_on"], text)
            XCTAssertEqual(found.first?.value, shown, text)
            XCTAssertEqual(found.first?.expected, "a date YYYY-MM-DD", text)
        }
        // Real dates outside 1900-01-01 … today (2026-11-24 here): the day after today, far years.
        for text in ["2026-11-25", "9999-12-31", "1899-12-31", "0001-01-01"] {
            let found = issues(#"{"format_version": 1, "agency_code": "LA-DCFS", "extracted_on": ""# + text + #""}"#)
            XCTAssertEqual(found.map(\.value), [text], text)
            XCTAssertEqual(
                found.first?.expected,
                "the date the extract was produced, from 1900-01-01 to today (2026-11-24); it cannot be later", text)
        }
        for text in ["2026-11-24", "1900-01-01"] {  // the bounds themselves
            XCTAssertNoThrow(
                try parse(#"{"format_version": 1, "agency_code": "LA-DCFS", "extracted_on": ""# + text + #""}"#).get(),
                text)
        }
        let number = issues(#"{"format_version": 1, "agency_code": "LA-DCFS", "extracted_on": 20250715}"#)
        XCTAssertEqual(number.map(\.column), ["extracted_on"])
        XCTAssertEqual(number.first?.expected, "a date YYYY-MM-DD, as a string")
    }

    func testUnknownField() {
        let found = issues(
            #"{"format_version": 1, "agency_code": "LA-DCFS", "extracted_on": "2025-07-15", "agency_name": "LA"}"#)
        XCTAssertEqual(found.map(\.column), ["agency_name"])
        XCTAssertEqual(found.first?.expected, "only format_version, agency_code and extracted_on; remove this field")
    }

    func testEveryProblemAtOnce() {
        let found = issues(#"{"format_version": 3, "extracted_on": "2025-13-01", "notes": "x"}"#)
        XCTAssertEqual(Set(found.compactMap(\.column)), ["notes", "format_version", "agency_code", "extracted_on"])
    }

    func testNotJSON() {
        // The last three end a list with a comma, which JSON does not allow (JSONSerialization reads them).
        for text in [
            "", "hello", "format_version=1", "[1, 2]", "\"text\"", "{\"format_version\": 1,",
            #"{"format_version": 1, "agency_code": "LA-DCFS", "extracted_on": "2025-07-15",}"#,
            #"{"format_version": 1, "agency_code": "LA-DCFS", "extracted_on": "2025-07-15" ,\r\n\t }"#,
            #"{"format_version": 1, "agency_code": "LA-DCFS", "extracted_on": "2025-07-15", "x": [1,]}"#,
        ] {
            let found = issues(text)
            XCTAssertEqual(found.count, 1, text)
            XCTAssertNil(found.first?.column, text)
            XCTAssertTrue(found.first?.expected.hasPrefix("a JSON object such as") ?? false, text)
        }
    }

    func testACommaBeforeABraceInsideAStringIsNoTrailingComma() throws {
        let manifest = try parse(#"{"format_version": 1, "agency_code": "LA,}", "extracted_on": "2025-07-15"}"#).get()
        XCTAssertEqual(manifest.agencyCode, "LA,}")
    }

    func testNotUTF8() {
        let found = ExtractManifest.parse(Data([0x7B, 0xFF, 0xFE, 0x7D]), today: today)
        guard case .failure(let refusal) = found else { return XCTFail("accepted") }
        XCTAssertEqual(refusal.issues.total, 1)
    }

    func testARefusedManifestStillGivesARightAgencyAndExtractedOn() {
        // The records are held to extracted_on, and the upload to agency_code, whatever else is wrong: an
        // unknown field, another version, the other field missing or wrong. A field that is itself wrong gives
        // none (the records are then held to no date, and no agency is compared).
        let day = PostgresDate(year: 2025, month: 7, day: 15)
        for (text, agency, date): (String, String?, PostgresDate?) in [
            (
                #"{"format_version": 1, "agency_code": "LA-DCFS", "extracted_on": "2024-02-29", "comment": "x"}"#,
                "LA-DCFS", PostgresDate(year: 2024, month: 2, day: 29)
            ),
            (#"{"format_version": 2, "extracted_on": "2025-07-15"}"#, nil, day),
            (#"{"format_version": 2, "agency_code": " LA-DCFS ", "extracted_on": "2025-02-30"}"#, "LA-DCFS", nil),
            (#"{"format_version": 2, "agency_code": "LA-DCFS", "extracted_on": "2026-11-25"}"#, "LA-DCFS", nil),
            (#"{"format_version": 2, "agency_code": "LA-DCFS", "extracted_on": 20250715}"#, "LA-DCFS", nil),
            (#"{"format_version": 1, "agency_code": 7, "extracted_on": "2025-07-15"}"#, nil, day),
            (#"{"format_version": 1, "agency_code": "", "extracted_on": "2025-07-15"}"#, nil, day),
            (#"{"format_version": 1, "agency_code": "A", "agency_code": "B", "extracted_on": "2025-07-15"}"#, nil, day),
            ("[1]", nil, nil),
        ] {
            guard case .failure(let refusal) = parse(text) else {
                XCTFail("accepted: \(text)")
                continue
            }
            XCTAssertEqual(refusal.agencyCode, agency, text)
            XCTAssertEqual(refusal.extractedOn, date, text)
        }
    }

    func testAFieldWrittenTwiceIsToldAndItsValueNotUsed() throws {
        // JSONSerialization keeps the last of a repeated name: "2025-07-01" would have been taken silently.
        let date = #"{"format_version": 1, "agency_code": "LA-DCFS", "extracted_on": "2025-07-15", "#
        guard case .failure(let refusal) = parse(date + #""extracted_on": "2025-07-01"}"#) else {
            return XCTFail("accepted")
        }
        XCTAssertEqual(
            refusal.issues.listed.map { [$0.column, $0.value, $0.expected] },
            [["extracted_on", nil, "each field once; extracted_on is given 2 times, keep only the right one"]])
        XCTAssertNil(refusal.extractedOn, "neither date is known to be the one meant")

        // The same value twice, three times, a name written with an escape (\u005f is "_"), all told once
        // each, in the format's order; no other issue (neither is told as missing).
        let found = issues(
            #"{"format_version": 1, "agency_code": "A", "format_version": 1, "agency\u005fcode": "B", "#
                + #""extracted_on": "2025-07-15", "agency_code": "C"}"#)
        XCTAssertEqual(
            found.map { [$0.column, $0.expected] },
            [
                ["format_version", "each field once; format_version is given 2 times, keep only the right one"],
                ["agency_code", "each field once; agency_code is given 3 times, keep only the right one"],
            ])

        // An unknown field written twice is told once, as unknown, even when its name is not shown as written
        // (a tab is shown as U+FFFD, a long name is cut): a name the upload chose is never in a message's text.
        for name in ["notes", #"notes\t"#, String(repeating: "n", count: 90)] {
            XCTAssertEqual(
                issues(date + "\"\(name)\": \"a\", \"\(name)\": \"b\"}").map(\.expected),
                ["only format_version, agency_code and extracted_on; remove this field"], name)
        }

        // Names inside nested values, and a name-like text inside a string, are no fields of extract.json:
        // only the three unknown fields are told.
        XCTAssertEqual(
            issues(
                date + #""list": [{"extracted_on": 1}, {"extracted_on": 2}], "#
                    + #""text": "x\", \"extracted_on\": \"", "more": {"a": 1, "a": 2}}"#
            ).map(\.column), ["list", "more", "text"])

        // Written by Windows tools in UTF-16 (little-endian with a byte-order mark, as PowerShell 5 writes
        // it, and big-endian without one): read as before, and a repeat found as in UTF-8.
        let valid = #"{"format_version": 1, "agency_code": "LA-DCFS", "extracted_on": "2025-07-15"}"#
        for encoding in [String.Encoding.utf16, .utf16BigEndian] {
            let manifest = try ExtractManifest.parse(try XCTUnwrap(valid.data(using: encoding)), today: today).get()
            XCTAssertEqual(manifest.extractedOn, PostgresDate(year: 2025, month: 7, day: 15))
            let twice = try XCTUnwrap((date + #""extracted_on": "2025-07-01"}"#).data(using: encoding))
            guard case .failure(let refusal) = ExtractManifest.parse(twice, today: today) else {
                XCTFail("accepted in \(encoding)")
                continue
            }
            XCTAssertEqual(refusal.issues.listed.map(\.column), ["extracted_on"], "\(encoding)")
        }
    }

    func testAFileIsReadNoFurtherThanTheLargestAllowed() throws {
        // An extract.json of 8 GiB (sparse: it takes no disk) is refused from its first 64 KiB + 1 byte; read
        // whole, it would take 8 GiB of memory. A file that is not there cannot be read: an error, not an issue.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        let huge = folder.appendingPathComponent("extract.json")
        XCTAssertTrue(FileManager.default.createFile(atPath: huge.path, contents: nil))
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 8 << 30)
        try handle.close()
        guard case .failure(let refusal) = try ExtractManifest.parse(contentsOf: huge, today: today) else {
            return XCTFail("accepted")
        }
        XCTAssertEqual(
            refusal.issues.listed.map(\.expected),
            ["extract.json is larger than 64 KiB; it should hold only format_version, agency_code and extracted_on"])
        XCTAssertThrowsError(
            try ExtractManifest.parse(contentsOf: folder.appendingPathComponent("missing.json"), today: today))
    }

    func testTooLarge() {
        let padding = String(repeating: " ", count: 70 * 1024)
        let found = issues(#"{"format_version": 1, "agency_code": "LA-DCFS", "extracted_on": "2025-07-15"}"# + padding)
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(found.first?.expected.contains("larger than 64 KiB") ?? false)
    }
}
