import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Throwaway folders for embedded clusters (the tests', the benchmarks'): short paths under
/// /tmp, reachable by the server account, and removed (server stopped first) when the process
/// exits, also on Ctrl-C or `kill`. Other throwaway folders (an unpacked upload, which holds raw
/// identifiers) are removed likewise once registered with `removeAtExit`.
///
/// Every folder is `/tmp/oc-XXXXXX` or `/tmp/ob-XXXXXX` (a PostgreSQL socket path must stay
/// under about 107 bytes) and holds an `owner.pid` marker naming the process that made it. A
/// process killed before it could clean up (SIGKILL, a crash) leaves its folder and server
/// behind; the next process that makes one removes every such folder whose owner is gone, so
/// servers (and a benchmark's gigabytes of extracts) never accumulate.
public enum ScratchHome {
    /// Tests' folders and benchmarks' apart: `make test` clears every test folder before it starts.
    public enum Use: String, CaseIterable, Sendable {
        case test = "/tmp/oc-"
        case benchmark = "/tmp/ob-"
    }
    static let marker = "owner.pid"
    /// Folders to destroy at exit: clusters' homes, and plain folders (`removeAtExit`).
    private static let registered = Locked<[URL]>([])
    private static let plainFolders = Locked<[URL]>([])
    private static let setUp = Locked(false)

    /// Creates a fresh folder and arranges for it (and any cluster in it) to be destroyed at exit.
    public static func make(for use: Use = .test) throws -> URL {
        installExitHandlers()
        var template = Array("\(use.rawValue)XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        let path = String(cString: made)
        // mkdtemp makes the folder 0700. When the tests run as root the server runs
        // as an unprivileged account, which must be able to enter this folder to reach
        // its data, socket and log folders (EmbeddedCluster checks every parent).
        // 0711 lets it pass through without listing anything.
        guard chmod(path, 0o711) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EPERM) }
        let url = URL(fileURLWithPath: path, isDirectory: true)
        try Data("\(getpid())\n".utf8).write(to: url.appendingPathComponent(marker))
        registered.withLock { $0.append(url) }
        return url
    }

    /// Has `folder`, one this process made, removed if the process exits or is interrupted (Ctrl-C, `kill`)
    /// before it calls `forgetRemoval`: a signal would otherwise end it without running its own clean-up.
    public static func removeAtExit(_ folder: URL) {
        installExitHandlers()
        plainFolders.withLock { $0.append(folder) }
    }

    /// The folder was removed by its maker (or is handed on): the exit no longer needs to.
    public static func forgetRemoval(_ folder: URL) {
        plainFolders.withLock { $0.removeAll { $0 == folder } }
    }

    /// Stops the cluster in `home` (if any) and deletes the folder now (never while a signal's teardown runs).
    public static func destroy(_ home: URL) {
        tearingDown.withLock { _ in
            try? EmbeddedCluster(home: home).destroy()
            registered.withLock { $0.removeAll { $0 == home } }
        }
    }

    /// Called before reporting an error and exiting: when a signal is tearing the clusters down, the
    /// error is only its consequence (a server that stopped), so this waits, without returning, for the
    /// teardown to end the process with the signal's status.
    public static func holdIfInterrupted() {
        guard interrupted.withLock({ $0 }) else { return }
        tearingDown.withLock { _ in }
    }
    private static let interrupted = Locked(false)

    /// Destroys every folder this process made and still has; runs at exit.
    ///
    /// The lock is held for the whole teardown: when a signal handler is tearing
    /// down and XCTest's main thread calls exit() meanwhile, the atexit call waits
    /// here instead of ending the process halfway through.
    /// With `exitStatus`, the process ends with it while the lock is still held, so that no other thread
    /// (the main one, in exit() after an error the teardown caused) ends it first with another status.
    static func destroyAll(thenExit exitStatus: Int32? = nil) {
        tearingDown.withLock { _ in
            let homes = registered.withLock { homes -> [URL] in
                defer { homes.removeAll() }
                return homes
            }
            for home in homes { try? EmbeddedCluster(home: home).destroy() }
            for folder in plainFolders.withLock({ $0 }) { removeWhileInUse(folder) }
            if let exitStatus { _exit(exitStatus) }
        }
    }
    private static let tearingDown = Locked(())

    /// Removes a folder that another thread may still be writing into (a zip being unpacked when Ctrl-C
    /// came): it is first renamed, in one step, so that no file is made in it once its removal has begun
    /// (a file made by its old path then fails), and what is in it is removed with it. Its new name only
    /// adds ".removing" to the old one.
    static func removeWhileInUse(_ folder: URL) {
        let moved = URL(fileURLWithPath: folder.path + ".removing")
        let target = rename(folder.path, moved.path) == 0 ? moved : folder
        try? FileManager.default.removeItem(at: target)
    }

    private static func installExitHandlers() {
        setUp.withLock { done in
            guard !done else { return }
            done = true
            removeAbandoned()
            // Runs when XCTest exits normally, whether tests passed or failed.
            // atexit takes a C function pointer, so the closure must capture nothing.
            atexit { ScratchHome.destroyAll() }
            // Ctrl-C or a `kill` would skip atexit: tear down first, then exit.
            for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler {
                    interrupted.withLock { $0 = true }
                    ScratchHome.destroyAll(thenExit: 128 + signalNumber)
                }
                source.resume()
                signalSources.append(source)
            }
        }
    }

    /// Keeps the signal sources alive for the life of the process. Dispatch sources
    /// are not Sendable, so this cannot sit in a `Locked`; it is only written inside
    /// `setUp`'s lock, once, and never read, which makes `nonisolated(unsafe)` safe.
    nonisolated(unsafe) private static var signalSources: [any DispatchSourceSignal] = []

    /// Removes folders left by processes that no longer exist.
    private static func removeAbandoned() {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: "/tmp") else { return }
        for name in names where Use.allCases.contains(where: { "/tmp/\(name)".hasPrefix($0.rawValue) }) {
            let home = URL(fileURLWithPath: "/tmp/\(name)", isDirectory: true)
            guard let text = try? String(contentsOf: home.appendingPathComponent(marker), encoding: .utf8),
                let owner = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
            else { continue }  // not ours, or its owner is still writing the marker
            if kill(owner, 0) == -1, errno == ESRCH {
                try? EmbeddedCluster(home: home).destroy()
            }
        }
    }
}
