import Foundation
import XCTest

@testable import Synth

/// Internals of the generator that decide bytes of output.
final class SynthInternalsTests: XCTestCase {
    func testExponentialAgreesWithTheSystemLibrary() {
        var rng = SynthRandom(seed: 5)
        for _ in 0..<2000 {
            let x = rng.double(-30, 5)
            XCTAssertEqual(SynthMath.exp(x), Foundation.exp(x), accuracy: Foundation.exp(x) * 1e-13)
        }
    }

    func testCSVFieldsAreQuotedOnlyWhenNeeded() {
        XCTAssertEqual(CSVTable.field("Alameda County Child Welfare Services"), "Alameda County Child Welfare Services")
        XCTAssertEqual(CSVTable.field("Smith, Jones"), "\"Smith, Jones\"")
        XCTAssertEqual(CSVTable.field("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(CSVTable.field("two\nlines"), "\"two\nlines\"")
    }

    func testNumbersAndHalvesAreWrittenAsPlainDecimals() {
        var bytes: [UInt8] = []
        for n in [0, 7, 10, 123_456, -42] {
            bytes.removeAll()
            CSVTable.appendInt(n, to: &bytes)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), String(n))
        }
    }

    func testYouthKeysAreUniqueAndValidIdentifiers() {
        let agency = SynthAgency(
            code: "TEST-CWS", name: "Test", kind: .childWelfare, countyFIPS: "06001", countyNumber: 1, omits: [],
            share: 1)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("synth-keys-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let reference = SynthReference(
            counties: [], lists: [], domains: [], instruments: [],
            files: [
                .init(name: "youth.csv", required: true, columns: ["youth_key"]),
                .init(name: "cse_flags.csv", required: true, columns: ["youth_key"]),
            ])
        guard let writer = try? AgencyWriter(agency: agency, reference: reference, folder: folder, seed: 7) else {
            return XCTFail("could not open the writer")
        }
        var keys = Set<String>()
        for i in 0..<20_000 {
            let key = writer.youthKey(i)
            XCTAssertEqual(key.count, 17)
            XCTAssert(key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
            keys.insert(key)
        }
        XCTAssertEqual(keys.count, 20_000)
        try? writer.finish(extractedOn: Synthesizer.defaultExtractedOn)
    }
}
