import Foundation
import Ingest
import XCTest

/// The streaming RFC 4180 parser (Sources/Ingest/CSVParser.swift).
final class CSVParserTests: XCTestCase {
    /// A record copied out of the parser (its bytes are only valid inside the callback).
    struct Parsed: Equatable, CustomStringConvertible {
        var number: Int
        var fields: [String]
        var fault: CSVParser.Fault?

        init(_ number: Int, _ fields: [String], _ fault: CSVParser.Fault? = nil) {
            self.number = number
            self.fields = fields
            self.fault = fault
        }

        var description: String { "#\(number) \(fields.map { "[\($0)]" }.joined()) \(fault.map { "\($0)" } ?? "")" }
    }

    /// Parses `bytes` fed in chunks of `chunk` bytes (0 = all at once).
    static func parse(_ bytes: [UInt8], chunk: Int = 0) -> (records: [Parsed], sawContent: Bool) {
        var parser = CSVParser()
        var records: [Parsed] = []
        let emit = { (record: CSVParser.Record) in
            records.append(
                Parsed(
                    record.number, (0..<record.fieldCount).map { String(decoding: record.field($0), as: UTF8.self) },
                    record.fault))
        }
        let size = chunk == 0 ? max(bytes.count, 1) : chunk
        var start = 0
        while start < bytes.count {
            let end = min(start + size, bytes.count)
            bytes[start..<end].withUnsafeBytes { parser.feed($0, emit) }
            start = end
        }
        parser.finish(emit)
        return (records, parser.sawContent)
    }

    static func parse(_ text: String, chunk: Int = 0) -> [Parsed] { parse(Array(text.utf8), chunk: chunk).records }

    /// Every chunking of the input gives the same records as feeding it whole.
    func assertChunkingInvariant(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        let whole = Self.parse(bytes)
        for chunk in [1, 2, 3, 5, 7, 64] {
            let chunked = Self.parse(bytes, chunk: chunk)
            XCTAssertEqual(chunked.records, whole.records, "chunks of \(chunk)", file: file, line: line)
            XCTAssertEqual(chunked.sawContent, whole.sawContent, "chunks of \(chunk)", file: file, line: line)
        }
        // And every split into two chunks at every position.
        for split in 0...bytes.count {
            var parser = CSVParser()
            var records: [Parsed] = []
            let emit = { (record: CSVParser.Record) in
                records.append(
                    Parsed(
                        record.number,
                        (0..<record.fieldCount).map { String(decoding: record.field($0), as: UTF8.self) },
                        record.fault))
            }
            bytes[0..<split].withUnsafeBytes { parser.feed($0, emit) }
            bytes[split...].withUnsafeBytes { parser.feed($0, emit) }
            parser.finish(emit)
            XCTAssertEqual(records, whole.records, "split at \(split)", file: file, line: line)
        }
    }

    func testPlainRecordsAreNumberedFromTheHeader() {
        XCTAssertEqual(
            Self.parse("a,b,c\n1,2,3\n4,5,6\n"),
            [Parsed(0, ["a", "b", "c"]), Parsed(1, ["1", "2", "3"]), Parsed(2, ["4", "5", "6"])])
    }

    func testEmptyFieldsAreKept() {
        XCTAssertEqual(Self.parse("a,,c\n,,\n"), [Parsed(0, ["a", "", "c"]), Parsed(1, ["", "", ""])])
    }

    func testQuotedCommas() {
        XCTAssertEqual(Self.parse("a,\"b,c\",d\n"), [Parsed(0, ["a", "b,c", "d"])])
    }

    func testDoubledQuotes() {
        XCTAssertEqual(Self.parse("\"say \"\"hi\"\"\",\"\"\"\"\n"), [Parsed(0, ["say \"hi\"", "\""])])
    }

    func testQuotedNewlinesStayInTheField() {
        XCTAssertEqual(
            Self.parse("h\n\"line 1\nline 2\",x\n\"a\r\nb\"\nnext\n"),
            [Parsed(0, ["h"]), Parsed(1, ["line 1\nline 2", "x"]), Parsed(2, ["a\r\nb"]), Parsed(3, ["next"])])
    }

    func testCRLFAndLFGiveTheSameRecords() {
        let lf = Self.parse("a,b\n1,\"2\"\n3,\n")
        let crlf = Self.parse("a,b\r\n1,\"2\"\r\n3,\r\n")
        XCTAssertEqual(lf, [Parsed(0, ["a", "b"]), Parsed(1, ["1", "2"]), Parsed(2, ["3", ""])])
        XCTAssertEqual(crlf, lf)
        // Mixed in one file, too.
        XCTAssertEqual(Self.parse("a,b\n1,\"2\"\r\n3,\n"), lf)
    }

    func testACarriageReturnInsideAnUnquotedValueIsKept() {
        XCTAssertEqual(Self.parse("a\rb,c\n"), [Parsed(0, ["a\rb", "c"])])
    }

    func testByteOrderMarkIsDropped() {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let parsed = Self.parse(bom + Array("youth_key,x\n1,2\n".utf8))
        XCTAssertEqual(parsed.records, [Parsed(0, ["youth_key", "x"]), Parsed(1, ["1", "2"])])
        XCTAssertTrue(parsed.sawContent)
    }

    func testByteOrderMarkSplitAcrossChunks() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("ab,c\n".utf8)
        let expected = [Parsed(0, ["ab", "c"])]
        for chunk in 1...4 { XCTAssertEqual(Self.parse(bytes, chunk: chunk).records, expected, "chunks of \(chunk)") }
        // The first chunk is only part of a BOM: nothing is emitted until the rest arrives.
        var parser = CSVParser()
        var count = 0
        [UInt8(0xEF), 0xBB].withUnsafeBytes { parser.feed($0) { _ in count += 1 } }
        XCTAssertFalse(parser.sawContent)
        [UInt8(0xBF)].withUnsafeBytes { parser.feed($0) { _ in count += 1 } }
        XCTAssertFalse(parser.sawContent, "a byte-order mark is not content")
        Array("x\n".utf8).withUnsafeBytes { parser.feed($0) { _ in count += 1 } }
        XCTAssertEqual(count, 1)
    }

    func testAnIncompleteByteOrderMarkIsData() {
        // EF BB followed by "a": not a BOM, so the bytes are kept (the loader then reports them as not UTF-8).
        let bytes: [UInt8] = [0xEF, 0xBB] + Array("a,b\n".utf8)
        for chunk in [1, 2, 3, 100] {
            var parser = CSVParser()
            var first: [UInt8]?
            var start = 0
            while start < bytes.count {
                let end = min(start + chunk, bytes.count)
                bytes[start..<end].withUnsafeBytes {
                    parser.feed($0) { r in if first == nil { first = Array(r.field(0)) } }
                }
                start = end
            }
            parser.finish { _ in }
            XCTAssertEqual(first, [0xEF, 0xBB, 0x61], "chunks of \(chunk): the two bytes stay in front of the field")
        }
        // A BOM-like prefix alone at the end of the input is data too.
        var lone = CSVParser()
        var fields: [[UInt8]] = []
        [UInt8(0xEF)].withUnsafeBytes { lone.feed($0) { r in fields.append(Array(r.field(0))) } }
        lone.finish { r in fields.append(Array(r.field(0))) }
        XCTAssertEqual(fields, [[0xEF]])
        XCTAssertTrue(lone.sawContent)
    }

    func testBlankLinesAreNotRecords() {
        XCTAssertEqual(
            Self.parse("\na,b\n\n1,2\r\n\r\n\n3,4\n\n"),
            [Parsed(0, ["a", "b"]), Parsed(1, ["1", "2"]), Parsed(2, ["3", "4"])])
        // A quoted empty value is a record, though.
        XCTAssertEqual(Self.parse("h\n\"\"\n"), [Parsed(0, ["h"]), Parsed(1, [""])])
    }

    func testLastRecordWithoutNewline() {
        XCTAssertEqual(Self.parse("a,b\n1,2"), [Parsed(0, ["a", "b"]), Parsed(1, ["1", "2"])])
        XCTAssertEqual(Self.parse("a,b\n1,\"2\""), [Parsed(0, ["a", "b"]), Parsed(1, ["1", "2"])])
        XCTAssertEqual(Self.parse("a,b\n1,"), [Parsed(0, ["a", "b"]), Parsed(1, ["1", ""])])
        XCTAssertEqual(Self.parse("a,b\n1,2\r"), [Parsed(0, ["a", "b"]), Parsed(1, ["1", "2"])])
    }

    func testEmptyInput() {
        let empty = Self.parse([])
        XCTAssertEqual(empty.records, [])
        XCTAssertFalse(empty.sawContent)
        let blank = Self.parse(Array("\n\r\n".utf8))
        XCTAssertEqual(blank.records, [])
        XCTAssertTrue(blank.sawContent)
        let bomOnly = Self.parse([0xEF, 0xBB, 0xBF])
        XCTAssertEqual(bomOnly.records, [])
        XCTAssertFalse(bomOnly.sawContent)
    }

    func testUnterminatedQuoteRunsToTheEndAndIsReported() {
        XCTAssertEqual(
            Self.parse("a,b\n1,\"2\n3,4\n"),
            [Parsed(0, ["a", "b"]), Parsed(1, ["1", "2\n3,4\n"], .unterminatedQuote(column: 2))])
        XCTAssertEqual(Self.parse("\"abc"), [Parsed(0, ["abc"], .unterminatedQuote(column: 1))])
    }

    func testQuoteInAnUnquotedField() {
        XCTAssertEqual(
            Self.parse("a,b\"c,d\nnext\n"),
            [Parsed(0, ["a", "b\"c", "d"], .quoteInUnquotedField(column: 2)), Parsed(1, ["next"])],
            "the fault stays with its record; the next record is clean")
    }

    func testTextAfterAClosingQuote() {
        XCTAssertEqual(
            Self.parse("\"a\"b,c\nnext\n"),
            [Parsed(0, ["ab", "c"], .textAfterClosingQuote(column: 1)), Parsed(1, ["next"])])
        XCTAssertEqual(Self.parse("x,\"a\"\rb\n"), [Parsed(0, ["x", "a\rb"], .textAfterClosingQuote(column: 2))])
        // Only the first fault of a record is kept.
        XCTAssertEqual(Self.parse("\"a\"b,c\"d\n"), [Parsed(0, ["ab", "c\"d"], .textAfterClosingQuote(column: 1))])
    }

    func testRecordNumbersContinueAfterFaultsAndQuotedNewlines() {
        let records = Self.parse("h\n\"1\n1\"\nx\"y\n\n3\n")
        XCTAssertEqual(records.map(\.number), [0, 1, 2, 3])
        XCTAssertEqual(records.map(\.fields), [["h"], ["1\n1"], ["x\"y"], ["3"]])
    }

    func testFieldAccessors() {
        var parser = CSVParser()
        var seen: [(Int, String?, String?)] = []
        let bytes: [UInt8] = Array("ok,".utf8) + [0xFF] + Array("\n".utf8)
        bytes.withUnsafeBytes { parser.feed($0) { r in seen.append((r.fieldCount, r.string(0), r.string(1))) } }
        parser.finish { _ in }
        XCTAssertEqual(seen.count, 1)
        XCTAssertEqual(seen.first?.0, 2)
        XCTAssertEqual(seen.first?.1, "ok")
        XCTAssertNil(seen.first?.2, "not UTF-8: no string")
    }

    func testARecordLongerThanTheCapIsCutAndFlagged() {
        // A quoted value of 3 MiB: the parser keeps the first 1 MiB, flags the record and goes on.
        let big = Array("a\n\"".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 3 << 20) + Array("\"\nb\n".utf8)
        var parser = CSVParser()
        var seen: [(Int, Int, CSVParser.Fault?)] = []
        var fields: [String] = []
        big.withUnsafeBytes {
            parser.feed($0) { r in
                seen.append((r.number, r.field(0).count, r.fault))
                if r.fieldCount == 1, r.field(0).count < 10 { fields.append(r.string(0) ?? "") }
            }
        }
        parser.finish { _ in }
        XCTAssertEqual(seen.map(\.0), [0, 1, 2])
        XCTAssertEqual(seen[1].1, CSVParser.maximumRecordBytes)
        XCTAssertEqual(seen[1].2, .recordTooLong(column: 1))
        XCTAssertEqual(fields, ["a", "b"], "the records around it are intact")
        XCTAssertEqual(CSVParser.maximumRecordBytes, 1 << 20)
    }

    func testAQuoteNeverClosedDoesNotHoldTheWholeFile() {
        // The quote opened in record 1 runs to the end of 3 MiB: one record, cut at the cap.
        var text = "h1,h2\nY1,\"open\n"
        let line = "Y2,value\n"
        text += String(repeating: line, count: (3 << 20) / line.utf8.count)
        let records = Self.parse(Array(text.utf8), chunk: 1 << 16).records
        XCTAssertEqual(records.count, 2)
        XCTAssertEqual(records[1].fault, .recordTooLong(column: 2))
        XCTAssertLessThanOrEqual(records[1].fields.map(\.utf8.count).reduce(0, +), CSVParser.maximumRecordBytes)
    }

    func testTooManyFieldsAreCutAndFlagged() {
        let records = Self.parse(String(repeating: ",", count: 5000) + "\nnext\n")
        XCTAssertEqual(records.count, 2)
        XCTAssertEqual(records[0].fault, .recordTooLong(column: CSVParser.maximumFields + 1))
        XCTAssertLessThanOrEqual(records[0].fields.count, CSVParser.maximumFields + 1)
        XCTAssertEqual(records[1], Parsed(1, ["next"]))
    }

    func testCarriageReturnOnlyLineEndingsAreOneRecord() {
        // Old Mac line endings are not line endings of the format: the loader rejects the header
        // (a line break inside a header name) without showing it.
        XCTAssertEqual(Self.parse("a,b\rc,d\r"), [Parsed(0, ["a", "b\rc", "d"])])
    }

    func testChunkBoundariesEverywhere() {
        let samples: [[UInt8]] = [
            Array("youth_key,linkage_id,gender\r\nY1,,female\r\n\"Y,2\",\"L \"\"x\"\"\",male\r\n".utf8),
            [0xEF, 0xBB, 0xBF] + Array("a,b\n\"multi\nline\",\"q\"\"q\"\n\n\r\nlast,\"x\"".utf8),
            Array("a\"b,\"c\"d,\"e\r\nf\"\r\n\"open\n,,\n".utf8),
            Array("\r\n\r\n\"\"\n,\n\"\"\"\"\r".utf8),
            [0xEF, 0xBB] + Array("x\n".utf8),
            [0xEF] + Array("\"y\"\n".utf8),
        ]
        for sample in samples { assertChunkingInvariant(sample) }
    }

    func testOneByteAtATimeOverALargerFile() {
        var text = "youth_key,linkage_id,county_fips,birth_month,gender,race_ethnicity,race_source\r\n"
        for i in 0..<200 {
            text += "Y\(i),\(i % 3 == 0 ? "" : "L\(i)"),06001,2009-04,\"fem\"\"ale\",\"HISPANIC;\nWHITE\",self\r\n"
            if i % 17 == 0 { text += "\r\n" }
        }
        let bytes = [0xEF, 0xBB, 0xBF] + Array(text.utf8)
        let whole = Self.parse(bytes).records
        XCTAssertEqual(whole.count, 201)
        XCTAssertEqual(whole[5].fields, ["Y4", "L4", "06001", "2009-04", "fem\"ale", "HISPANIC;\nWHITE", "self"])
        XCTAssertEqual(Self.parse(bytes, chunk: 1).records, whole)
        XCTAssertEqual(Self.parse(bytes, chunk: 4093).records, whole)
    }
}
