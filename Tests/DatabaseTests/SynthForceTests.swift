import Foundation
import Synth
import TestSupport
import XCTest

/// `outcomes synth --force` replaces regular files only: a folder where an output file goes stops the run.
final class SynthForceTests: XCTestCase {
    private func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "synth-force-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// A folder with something in it, where the run would write (or remove) a file.
    private func folderInTheWay(_ path: URL) throws -> URL {
        try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
        let keep = path.appendingPathComponent("keep.txt")
        try Data("someone's work\n".utf8).write(to: keep)
        return keep
    }

    func testForceRefusesAFolderWhereAnOutputFileGoesAndChangesNothing() throws {
        let database = try TestCluster.shared.freshDatabase()
        let reference = try database.withConnection(as: .analyst) { try SynthReference.load(from: $0) }

        // Statewide: a folder named like the placements.csv of an agency that does not report placements
        // (a run removes such a file so that an earlier run's copy does not linger).
        let statewide = try scratch()
        let agency = try XCTUnwrap(
            Synthesizer(reference: reference, seed: 1).agencies.first { !$0.reports("placements.csv") }
        ).code
        let path = statewide.appendingPathComponent(agency).appendingPathComponent("placements.csv")
        let keep = try folderInTheWay(path)
        let run = try runTool(
            outcomesBinary.path,
            [
                "synth", "--youth", "60", "--seed", "1", "--out", statewide.path, "--force", "--database",
                database.conninfo,
            ])
        XCTAssertEqual(run.status, 64, run.output)
        XCTAssertEqual(
            run.output,
            "outcomes: \(path.path) is a folder where the run writes (or removes) a file, and only regular files "
                + "are replaced. Remove it, or choose another output folder, and run again.\n")
        XCTAssertEqual(try String(contentsOf: keep, encoding: .utf8), "someone's work\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: statewide.appendingPathComponent("agencies.csv").path))

        // The sample: a folder where its events.csv goes.
        let sample = try scratch()
        let sampleKeep = try folderInTheWay(sample.appendingPathComponent("events.csv"))
        let refused = try runTool(
            outcomesBinary.path,
            ["synth", "--sample", "--out", sample.path, "--force", "--database", database.conninfo])
        XCTAssertEqual(refused.status, 64, refused.output)
        XCTAssert(refused.output.contains(sample.appendingPathComponent("events.csv").path + " is a folder"))
        XCTAssertEqual(try String(contentsOf: sampleKeep, encoding: .utf8), "someone's work\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: sample.appendingPathComponent("extract.json").path))

        // Regular files are replaced, and other files in the folder stay.
        try FileManager.default.removeItem(at: sample.appendingPathComponent("events.csv"))
        try Data("old\n".utf8).write(to: sample.appendingPathComponent("youth.csv"))
        try Data("mine\n".utf8).write(to: sample.appendingPathComponent("notes.txt"))
        let replaced = try runTool(
            outcomesBinary.path,
            ["synth", "--sample", "--out", sample.path, "--force", "--database", database.conninfo])
        XCTAssertEqual(replaced.status, 0, replaced.output)
        XCTAssert(
            try String(contentsOf: sample.appendingPathComponent("youth.csv"), encoding: .utf8).hasPrefix("youth_key"))
        XCTAssertEqual(try String(contentsOf: sample.appendingPathComponent("notes.txt"), encoding: .utf8), "mine\n")
    }

    func testTheLibraryRefusesTooBeforeWritingAnything() throws {
        let reference = try TestCluster.shared.freshDatabase().withConnection(as: .analyst) {
            try SynthReference.load(from: $0)
        }
        let folder = try scratch()
        let keep = try folderInTheWay(folder.appendingPathComponent("goals.csv"))
        XCTAssertThrowsError(try Synthesizer(reference: reference, seed: 1).writeSample(to: folder)) { error in
            XCTAssertEqual((error as? SynthError)?.kind, .pathInTheWay)
            XCTAssert("\(error)".contains(folder.appendingPathComponent("goals.csv").path + " is a folder"))
        }
        XCTAssertEqual(try String(contentsOf: keep, encoding: .utf8), "someone's work\n")
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: folder.path), ["goals.csv"], "nothing was written")
    }
}
