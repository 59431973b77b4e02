import Foundation
import OutcomesStore
import TestSupport
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// `outcomes bench ingest` through the program: the figures it prints, its bound on the youth
/// count, and its scratch cluster, which it removes even when interrupted.
final class BenchCommandTests: XCTestCase {
    private var binary: String { TestCluster.checkout.appendingPathComponent(".build/debug/outcomes").path }

    /// Benchmark scratch folders of process `pid` (each holds an `owner.pid` marker).
    private func scratchFolders(of pid: Int32) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter { name in
            name.hasPrefix("ob-")
                && (try? String(contentsOfFile: "/tmp/\(name)/owner.pid", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines) == String(pid)
        }
    }

    /// Every benchmark scratch folder there is now.
    private func benchmarkFolders() throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter { $0.hasPrefix("ob-") })
    }

    func testPrintsEachFigureAndRemovesItsCluster() throws {
        let before = try benchmarkFolders()
        let run = try runTool(binary, ["bench", "ingest", "--youth", "30", "--seed", "3"])
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertEqual(try benchmarkFolders().subtracting(before), [], "its scratch folder is removed")
        // Every extract of the 143 agencies, the phases, the floor, the ratio, the bound and the memory.
        for line in [
            "bench ingest: 30 youth, 143 extracts", "  ours (validated, all or nothing): ",
            "staging (COPY from this process, which parses and hashes) ", "  floor (plain COPY, unlogged text): ",
            "  ratio (ours / floor throughput): ", "our staging plus that write would still be at most ",
            "  peak resident memory of this process: ",
        ] {
            XCTAssertTrue(run.output.contains(line), "\(line) in\n\(run.output)")
        }
        // The rows counted for us and for the floor are the same files' rows.
        let rows = run.output.split(separator: "\n").compactMap { line -> Int? in
            guard line.contains(" rows in ") else { return nil }
            return Int(line.split(separator: ":")[1].split(separator: " ")[0])
        }
        XCTAssertEqual(rows.count, 2, run.output)
        XCTAssertEqual(rows.first, rows.last, run.output)
        XCTAssertGreaterThan(rows.first ?? 0, 30 * 2, "each youth has at least a youth row and a flag row")
    }

    func testAnInterruptedBenchmarkStopsItsServerAndRemovesItsFolder() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).log")
        XCTAssertTrue(FileManager.default.createFile(atPath: log.path, contents: nil))
        defer { try? FileManager.default.removeItem(at: log) }
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["bench", "ingest", "--youth", "20000"]
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier

        // Wait until its server runs and it writes the synthetic extracts into its scratch folder.
        var folder: String?
        let deadline = Date().addingTimeInterval(120)
        while folder == nil, process.isRunning, Date() < deadline {
            folder = try scratchFolders(of: pid).first {
                FileManager.default.fileExists(atPath: "/tmp/\($0)/extracts/agencies.csv")
            }
            if folder == nil { usleep(50_000) }
        }
        guard let folder else {
            process.terminate()
            process.waitUntilExit()
            return XCTFail("no running scratch cluster: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
        let postmaster = try String(contentsOfFile: "/tmp/\(folder)/pgdata/postmaster.pid", encoding: .utf8)
        let server = try XCTUnwrap(pid_t(postmaster.split(separator: "\n")[0]))
        XCTAssertEqual(kill(server, 0), 0, "the server runs")

        XCTAssertEqual(kill(pid, SIGTERM), 0)
        process.waitUntilExit()
        // The signal's status, and no error caused by the teardown itself (the server it stopped).
        XCTAssertEqual(process.terminationStatus, 128 + SIGTERM)
        XCTAssertFalse((try String(contentsOf: log, encoding: .utf8)).contains("outcomes:"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/\(folder)"), "the scratch folder is removed")
        // Stopped: gone, or a zombie that nobody reaps (the state after the name in /proc/PID/stat is Z).
        let stat = try? String(contentsOfFile: "/proc/\(server)/stat", encoding: .utf8)
        let state = stat?.split(separator: ")").last?.split(separator: " ").first
        XCTAssertTrue(stat == nil || state == "Z", "the server is stopped: \(stat ?? "")")
    }

    func testTheYouthCountIsBounded() throws {
        // A million youth write about 7 GB of extracts; one more is refused before anything starts.
        let run = try runTool(binary, ["bench", "ingest", "--youth", "1000001"])
        XCTAssertEqual(run.status, 64, run.output)
        XCTAssertTrue(run.output.contains("--youth must be at most 1000000 (got 1000001)."), run.output)
        let demo = try runTool(binary, ["demo", "--youth", "0", "--home", "/nonexistent"])
        XCTAssertEqual(demo.status, 64, demo.output)
        XCTAssertTrue(demo.output.contains("--youth must be at least 1 (got 0)."), demo.output)
    }
}
