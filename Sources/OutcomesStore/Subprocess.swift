import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a helper program (initdb, pg_ctl, useradd) and captures what it printed.
///
/// It uses posix_spawn and waitpid directly: the server that pg_ctl starts
/// outlives pg_ctl, and Foundation's Process can wait forever for such a tree.
/// Output goes to a temporary file, not a pipe, for the same reason.
enum Subprocess {
    struct Outcome {
        var status: Int32
        var output: String
    }

    static func run(_ arguments: [String], workingDirectory: URL? = nil) throws -> Outcome {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: capture) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capture.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // env -C changes the folder for the child (posix_spawn's chdir action is not exported to Swift).
        let arguments = workingDirectory.map { ["/usr/bin/env", "-C", $0.path] + arguments } ?? arguments
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw StoreError(.configuration, "Could not run \(arguments[0]): \(String(cString: strerror(spawned))).")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { break }
        }
        let output = (try? String(contentsOf: capture, encoding: .utf8)) ?? ""
        // WIFEXITED / WEXITSTATUS are macros; decode the wait status by hand.
        let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(status: exitCode, output: output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The first executable called `name` on PATH, if any.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
