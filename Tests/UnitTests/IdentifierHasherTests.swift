import Foundation
import XCTest

@testable import Ingest

/// Keyed hashing of youth_key and linkage_id (Sources/Ingest/IdentifierHasher.swift).
final class IdentifierHasherTests: XCTestCase {
    // Expected digests computed outside the project, e.g.
    // python3 -c 'import hmac,hashlib;print(hmac.new(b"k",b"Y1",hashlib.sha256).hexdigest())'
    func testKnownHMACSHA256Vectors() {
        XCTAssertEqual(
            IdentifierHasher(secret: "k").hash(Array("Y1".utf8)),
            "16579f87e21275b4b4d53e241e0130683071d9057a21e2ede7d303fea510e5be")
        XCTAssertEqual(
            IdentifierHasher(secret: "test-secret-0123").hash(Array("YKq7Zt01".utf8)),
            "4cf71e8afe3355807d71c19d4460443c167adc2963238c2066506715cddf3dad")
        // A 64-character secret, as the deployment creates (one HMAC block exactly).
        XCTAssertEqual(
            IdentifierHasher(secret: String(repeating: "0123456789abcdef", count: 4)).hash(Array("YKq7Zt01".utf8)),
            "330bfe3698e6c051834abe7f7931a6d2d00e8b4e8d46c49b1b875ffcf46e491b")
        // A secret longer than the block is hashed first (RFC 2104).
        XCTAssertEqual(
            IdentifierHasher(secret: String(repeating: "a", count: 100)).hash(Array("Y1".utf8)),
            "7cc6500d0a8c1f532b8ead2c3eda78ff375f85a5f64f645ad06750f3e77286c8")
        // The secret is used as UTF-8 bytes.
        XCTAssertEqual(
            IdentifierHasher(secret: "k").hash(Array("ké".utf8)),
            "a8d7ada4680f27f142ec2fc033f92b53802745984e063d44b51165fa6de03f10")
    }

    func testHashIsLowercaseHexAndDependsOnTheSecret() {
        let one = IdentifierHasher(secret: "one").hash(Array("Y1".utf8))
        let two = IdentifierHasher(secret: "two").hash(Array("Y1".utf8))
        XCTAssertNotEqual(one, two)
        XCTAssertEqual(one.count, 64)
        XCTAssertTrue(one.allSatisfy { "0123456789abcdef".contains($0) })
        // Works on a slice of a larger buffer (how the loader calls it).
        let line = Array("xxY1,".utf8)
        XCTAssertEqual(IdentifierHasher(secret: "one").hash(line[2..<4]), one)
    }

    func testValidityRule() {
        func valid(_ text: String) -> Bool { IdentifierHasher.isValid(Array(text.utf8)[...]) }
        XCTAssertTrue(valid("A"))
        XCTAssertTrue(valid("Y1"))
        XCTAssertTrue(valid("abc_XYZ-0189"))
        XCTAssertTrue(valid("_-"))
        XCTAssertTrue(valid(String(repeating: "a", count: 64)), "64 characters")
        XCTAssertFalse(valid(String(repeating: "a", count: 65)), "65 characters")
        XCTAssertFalse(valid(""), "empty")
        for bad in ["a b", " a", "a.b", "a/b", "a:b", "a,b", "a;b", "é", "a+b", "a@b", "a\"b", "a\tb", "ÿ", "a\u{0}"] {
            XCTAssertFalse(valid(bad), bad)
        }
        // Every ASCII byte: only A-Z a-z 0-9 _ - are allowed.
        let allowed = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-".utf8))
        for byte in UInt8(0)...UInt8(255) {
            XCTAssertEqual(IdentifierHasher.isValid([byte][...]), allowed.contains(byte), "byte \(byte)")
        }
    }

    func testCandidatesAreThePlacesAnIdentifierCanSitInAText() {
        func candidates(_ text: String) -> Set<String>? { IdentifierHasher.candidates(in: text) }
        // Runs "G-1", "6", "2024-02-01": each join of neighbouring pieces between - and _ (G, G-1, 1; 2024,
        // 2024-02, 2024-02-01, 02, 02-01, 01), and each stretch from a separator to the run's end (-1; -02-01,
        // -01) or from the run's start through a separator (G-; 2024-, 2024-02-): 16. Then every stretch of 6
        // characters or more, all in 2024-02-01 (5 + 4 + 3 + 2 + 1 = 15), of which 2024-02, 2024-02-,
        // 2024-02-01 and -02-01 are above: 11 more, 27 in all.
        XCTAssertEqual(
            candidates("G-1,6,2024-02-01"),
            [
                "G", "G-1", "1", "-1", "G-", "6", "2024", "2024-02", "2024-02-01", "02", "02-01", "01", "-02-01",
                "-01", "2024-", "2024-02-",
                "2024-0", "024-02", "24-02-", "4-02-0", "024-02-", "24-02-0", "4-02-01", "024-02-0", "24-02-01",
                "2024-02-0", "024-02-01",
            ])
        // A key among words and punctuation: "case" (too short to hold another), and the 17-character run with
        // its 12 + 11 + … + 1 = 78 stretches of 6 or more, the key among them, and any key glued inside it.
        let key = candidates("case Y2C87003D8C0CA1B6.")
        XCTAssertEqual(key?.count, 79)
        XCTAssertTrue(key?.isSuperset(of: ["case", "Y2C87003D8C0CA1B6", "87003D", "C87003D8C0CA1B6"]) ?? false)
        // A statewide client number glued to letters.
        XCTAssertTrue(candidates("CWS1234567-1")?.contains("1234567") ?? false)
        // After a line break or a tab; runs shorter than 6 give no more than their pieces.
        XCTAssertEqual(candidates("x\n\tYK-1"), ["x", "YK", "YK-1", "1", "-1", "YK-"])
        // A key that begins or ends with a separator is found glued at it ("x_KEY" holds "_KEY").
        XCTAssertEqual(candidates("_abc"), ["_", "_abc", "abc"])
        XCTAssertEqual(candidates("abc-"), ["abc", "abc-", "-"])
        XCTAssertTrue(candidates("x_KLEADAA")?.contains("_KLEADAA") ?? false)
        XCTAssertTrue(candidates("KTRAILBB-x")?.contains("KTRAILBB-") ?? false)
        XCTAssertEqual(candidates("é, ;"), [])
        // 64 characters at most: 64 K give K×6 … K×64 (59); 65 K, whose run is no piece, the same 59.
        XCTAssertEqual(candidates(String(repeating: "K", count: 64))?.count, 59)
        XCTAssertEqual(
            candidates(String(repeating: "K", count: 65)), Set((6...64).map { String(repeating: "K", count: $0) }))
        // A run of 30 distinct characters has 25 × 26 / 2 = 325 stretches of 6 or more, over the 256 looked up:
        // only its pieces are (the whole run), as for one of 28 (23 × 24 / 2 = 276); one of 27 has
        // 22 × 23 / 2 = 253, its one piece among them. For a cell's value (allOrNone), none: a key glued inside
        // would be missed.
        XCTAssertEqual(candidates("ABCDEFGHIJKLMNOPQRSTUVWXYZabcd"), ["ABCDEFGHIJKLMNOPQRSTUVWXYZabcd"])
        XCTAssertNil(IdentifierHasher.candidates(in: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcd", allOrNone: true))
        XCTAssertNil(IdentifierHasher.candidates(in: "ABCDEFGHIJKLMNOPQRSTUVWXYZab", allOrNone: true))
        XCTAssertEqual(IdentifierHasher.candidates(in: "ABCDEFGHIJKLMNOPQRSTUVWXYZa", allOrNone: true)?.count, 253)
        // "00-01-…-71": 72 pieces and over 256 distinct joins (each of the first 50 pieces begins 21 joins of
        // at most 64 characters), too many to look up.
        XCTAssertNil(candidates((0..<72).map { String(format: "%02d", $0) }.joined(separator: "-")))
        // "a-a-…" (72 pieces, 144 characters): the joins "a", "a-a", … (odd lengths to 63: 32), the stretches
        // to the run's end "a-", "a-a-", … (even lengths to 64: 32) and "-", "-a-", … (odd lengths to 63: 32),
        // and those from its start through a separator, "a-", … again: 96. Of its stretches of 6 to 64, only
        // those from a "-" to an "a" are new ("-a-a-a", even lengths 6 to 64): 30 more, 126.
        XCTAssertEqual(candidates(String(repeating: "a-", count: 72))?.count, 126)
        // "a_" 10 times (20 characters) the same way: 10 + 10 + 10 = 30, and "_a_a_a" … of even lengths 6 to
        // 18 (from the second character on, at most 19 remain): 7 more, 37.
        XCTAssertEqual(candidates(String(repeating: "a_", count: 10))?.count, 37)
    }

    func testAFreeTextCellIsStagedWithTheHashesOfEveryStretchOfSixOrMore() {
        let hasher = IdentifierHasher(secret: "k")
        var memo = IdentifierMemo(hasher: hasher, columns: 1)
        func held(_ text: String) -> [UInt8] { memo.heldLiteral(Array(text.utf8)[...], shortest: 6) }
        func hashes(_ text: String) -> Set<String> {
            let literal = String(decoding: held(text), as: UTF8.self)
            guard literal.hasPrefix("{"), literal.hasSuffix("}") else { return literal == "\\N" ? [] : ["?"] }
            return Set(literal.dropFirst().dropLast().split(separator: ",").map(String.init))
        }
        func hashed(_ stretches: [String]) -> Set<String> { Set(stretches.map { hasher.hash(Array($0.utf8)) }) }

        // "CWSLZw9Px01-1" is one run of 13 characters: 13 − L + 1 stretches of each length L from 6 to 13, i.e.
        // 8 + 7 + … + 1 = 36, among them the linkage_id LZw9Px01 glued to CWS.
        let glued = hashes("CWSLZw9Px01-1")
        XCTAssertEqual(glued.count, 36)
        XCTAssertTrue(glued.isSuperset(of: hashed(["LZw9Px01", "CWSLZw", "CWSLZw9Px01-1"])))
        XCTAssertFalse(glued.contains(hasher.hash(Array("x01-1".utf8))), "5 characters")
        // Runs are cut at every other character: "ab cdefgh, 12345" has one stretch of 6, cdefgh.
        XCTAssertEqual(hashes("ab cdefgh, 12345"), hashed(["cdefgh"]))
        // In the order of the stretches' bytes, and the same again from the memo.
        let seven =
            "{" + ["abcdef", "abcdefg", "bcdefg"].map { hasher.hash(Array($0.utf8)) }.joined(separator: ",") + "}"
        XCTAssertEqual(String(decoding: held("abcdefg"), as: UTF8.self), seven)
        XCTAssertEqual(String(decoding: held("abcdefg"), as: UTF8.self), seven)
        // No stretch of 6: NULL in COPY's text format.
        XCTAssertEqual(String(decoding: held("G-1"), as: UTF8.self), "\\N")
        XCTAssertEqual(String(decoding: held("Plan 12, 4"), as: UTF8.self), "\\N")
        // 64 characters (58 "é" of two bytes each and KEY123: 122 bytes) are looked at; 65 fail the length rule
        // (at most 64 characters) and are never kept: not looked at.
        XCTAssertEqual(hashes(String(repeating: "é", count: 58) + "KEY123"), hashed(["KEY123"]))
        XCTAssertEqual(String(decoding: held(String(repeating: "é", count: 59) + "KEY123"), as: UTF8.self), "\\N")
        XCTAssertEqual(String(decoding: held(String(repeating: "K", count: 65)), as: UTF8.self), "\\N")
        // The longest run, 64 characters: 59 + 58 + … + 1 = 1,770 stretches, all distinct here (each of the 64
        // characters an identifier may have, once).
        XCTAssertEqual(hashes("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-").count, 1770)
    }
}
