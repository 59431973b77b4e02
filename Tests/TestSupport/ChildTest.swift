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
        let run = try runTool(executable, [test], environment: environment)
        return Outcome(status: run.status, output: run.output)
    }
}
