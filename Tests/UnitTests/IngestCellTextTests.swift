import XCTest

@testable import Ingest

/// How cells are read (StagingLoader.trim) and how values are shown in issues (IngestIssue.printable).
final class IngestCellTextTests: XCTestCase {
    private func trimmed(_ text: String) -> String {
        String(decoding: StagingLoader.trim(Array(text.utf8)[...]), as: UTF8.self)
    }

    func testCellsAreReadWithoutTheBlanksAroundThem() {
        XCTAssertEqual(trimmed("  female\t"), "female")
        // A no-break space (U+00A0), an ideographic space (U+3000), a zero-width space (U+200B) and a
        // byte-order mark (U+FEFF), as copying from documents brings.
        XCTAssertEqual(trimmed("\u{00A0}female\u{3000}"), "female")
        XCTAssertEqual(trimmed("\u{FEFF}\u{200B} 2024-01-05 \u{00A0}"), "2024-01-05")
        // Inside a value they stay; so do letters outside ASCII at either end.
        XCTAssertEqual(trimmed(" a\u{00A0}b "), "a\u{00A0}b")
        XCTAssertEqual(trimmed("éa\u{00A0}é"), "éa\u{00A0}é")
        XCTAssertEqual(trimmed("\u{00A0} \t"), "")
        // A line break is not a blank: it is judged (no value of the format has one).
        XCTAssertEqual(trimmed("G\n"), "G\n")
    }

    func testInvisibleCharactersAreNamedInShownValues() {
        XCTAssertEqual(IngestIssue.printable("female\u{00A0}"), "female<U+00A0>")
        XCTAssertEqual(IngestIssue.printable("\u{FEFF}female"), "<U+FEFF>female")
        XCTAssertEqual(IngestIssue.printable("fe\u{200B}male"), "fe<U+200B>male")
        // Control characters become U+FFFD; a plain space and letters outside ASCII are shown as they are.
        XCTAssertEqual(IngestIssue.printable("a\tb\u{0}c"), "a\u{FFFD}b\u{FFFD}c")
        XCTAssertEqual(IngestIssue.printable("Mé xico"), "Mé xico")
    }

    func testOnlyTheFirstLineOfAValueIsShownAndLongOnesAreCut() {
        // What follows a line break is other records (a stray quote joined them): never shown.
        XCTAssertEqual(IngestIssue.shortened("self\nYNEWB002,LINKB-0002"), "self…")
        XCTAssertEqual(IngestIssue.shortened("G\r\n3"), "G…")
        XCTAssertEqual(IngestIssue.shortened("\nX"), "…")
        // 80 characters are shown whole, 81 cut to 77 and "…".
        XCTAssertEqual(IngestIssue.shortened(String(repeating: "a", count: 80)), String(repeating: "a", count: 80))
        XCTAssertEqual(
            IngestIssue.shortened(String(repeating: "a", count: 81)), String(repeating: "a", count: 77) + "…")
        // Counted in code points, as PostgreSQL cuts them: 41 "é" written e + U+0301 are 82 code points (41
        // characters), so 77 code points are kept: 38 pairs and an "e".
        XCTAssertEqual(
            IngestIssue.shortened(String(repeating: "e\u{301}", count: 41)),
            String(repeating: "e\u{301}", count: 38) + "e…")
        // U+0085 (next line, a C1 control) is shown as U+FFFD, like the C0 controls.
        XCTAssertEqual(IngestIssue.printable("a\u{85}b"), "a\u{FFFD}b")
    }

    func testPlaceholdersAreNoIdentifiers() {
        for word in ["NULL", "null", "Null", "nULl", "NA", "na", "None", "NIL", "Unknown", "0", "000", "-", "--", "_"] {
            XCTAssertTrue(StagingLoader.isPlaceholder(Array(word.utf8)[...]), word)
        }
        for other in ["NUL", "NULLS", "N_LL", "nu11", "", "NAN", "10", "0-1", "A0", "UNKNOWN1", "none_"] {
            XCTAssertFalse(StagingLoader.isPlaceholder(Array(other.utf8)[...]), other)
        }
    }
}
