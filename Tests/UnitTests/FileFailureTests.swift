import Foundation
import OutcomesStore
import XCTest

/// Real failures from Foundation, described in the operating system's words.
final class FileFailureTests: XCTestCase {
    func testAFolderUnderAFileIsNotADirectory() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("file-failure-\(UUID().uuidString)")
        XCTAssertTrue(FileManager.default.createFile(atPath: file.path, contents: Data("x".utf8)))
        defer { try? FileManager.default.removeItem(at: file) }
        XCTAssertThrowsError(
            try FileManager.default.createDirectory(
                at: file.appendingPathComponent("sub"), withIntermediateDirectories: true)
        ) { error in
            // Foundation itself says "The operation could not be completed. (NSCocoaErrorDomain error 512.)".
            XCTAssertEqual(fileFailureReason(error), "\(file.path) is a file, not a folder")
        }
    }

    func testAFullDevice() {
        // /dev/full refuses every write with ENOSPC.
        XCTAssertThrowsError(try FileHandle(forWritingAtPath: "/dev/full")!.write(contentsOf: Data([1]))) { error in
            XCTAssertEqual(fileFailureReason(error), "No space left on device")
        }
    }

    func testAMissingFileIsNotCalledAWriteProblem() throws {
        // As the ingest reports a missing extract: a read error with a path and no system reason. What the
        // path's nearest existing part is says nothing about a read (here a file: it used to be called "a
        // file, not a folder"; for a user who may not write in the folder, "no permission to write").
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("file-failure-\(UUID().uuidString)")
        XCTAssertTrue(FileManager.default.createFile(atPath: file.path, contents: Data("x".utf8)))
        defer { try? FileManager.default.removeItem(at: file) }
        let error = CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: file.path + "/typo/extract.zip"])
        XCTAssertEqual(fileFailureReason(error), error.localizedDescription)
    }

    func testAnErrorWithoutAnOperatingSystemReasonKeepsItsOwnDescription() {
        struct Refusal: LocalizedError { var errorDescription: String? { "refused by the test" } }
        XCTAssertEqual(fileFailureReason(Refusal()), "refused by the test")
    }
}
