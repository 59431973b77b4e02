import Foundation

/// Runs one test of this test bundle again in a child process.
///
/// Used where a measurement must not include the parent's baggage (peak memory):
/// the child is the same executable, runs only the named test, and learns what to
/// do from environment variables.
public enum ChildTest {
    public struct Outcome: Sendable {
        public var status: Int32
        /// What the child printed (XCTest's own lines included).
        public var output: String
    }

    /// True in the child: the variable `key` is set.
    public static func value(of key: String) -> String? { ProcessInfo.processInfo.environment[key] }

    /// Runs `Module.Class/testMethod` in a new process of this executable and waits for it.
    public static func run(test: String, environment: [String: String]) throws -> Outcome {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: log.path])
        }
        defer { try? FileManager.default.removeItem(at: log) }
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [test]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        // A file, not a pipe: a pipe nobody reads fills up and blocks the child.
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return Outcome(status: process.terminationStatus, output: text)
    }
}
