import Foundation
import PostgresClient

#if canImport(Glibc)
    import Glibc
#endif

/// A private PostgreSQL cluster kept in a folder, so the service works on a fresh
/// machine without an administrator setting up a server.
///
/// The cluster listens on a unix socket inside the folder and on 127.0.0.1 at a
/// free port. PostgreSQL refuses to run as root, so when the program runs as
/// root the server runs as an unprivileged system user that owns the data folder.
public struct EmbeddedCluster: Sendable {
    public enum Status: Equatable, Sendable {
        case notInitialized
        case stopped
        case running(port: Int)
    }

    public let home: URL
    /// Trade durability for speed (fsync off); for throwaway test clusters only.
    public let ephemeral: Bool
    public static let databaseName = "outcomes"
    public static let superuser = "outcomes"

    public init(home: URL, ephemeral: Bool = false) {
        self.home = home.standardizedFileURL
        self.ephemeral = ephemeral
    }

    public var dataDirectory: URL { home.appendingPathComponent("pgdata") }
    public var socketDirectory: URL { home.appendingPathComponent("run") }
    public var logDirectory: URL { home.appendingPathComponent("log") }
    public var logFile: URL { logDirectory.appendingPathComponent("postgres.log") }
    var passwordFile: URL { home.appendingPathComponent("superuser.password") }

    // MARK: Status

    public func status() throws -> Status {
        let versionFile = dataDirectory.appendingPathComponent("PG_VERSION")
        guard FileManager.default.fileExists(atPath: versionFile.path) else { return .notInitialized }
        guard let pid = postmasterPID(), processIsPostgres(pid) else { return .stopped }
        guard let port = postmasterPort() else { return .stopped }
        return .running(port: port)
    }

    /// libpq conninfo over the unix socket, for the running cluster.
    public func conninfo(port: Int, database: String = EmbeddedCluster.databaseName) -> String {
        "host=\(socketDirectory.path) port=\(port) user=\(Self.superuser) dbname=\(database)"
    }

    /// A URL for people: TCP on loopback (password in `superuser.password` beside the data).
    public func displayURL(port: Int) -> String {
        "postgresql://\(Self.superuser)@127.0.0.1:\(port)/\(Self.databaseName)"
    }

    // MARK: Start and stop

    /// Creates the cluster if needed and starts it; does nothing when it already runs.
    /// Returns the conninfo of the service database.
    @discardableResult
    public func start() throws -> String {
        let tools = try PostgresBinaries.locate()
        try prepareFolders()
        // Commands run at once on a new folder would each run initdb, or pg_ctl start, and all but one
        // would fail: the first holds this lock while it prepares the cluster, the others then find it running.
        // (Close-on-exec: the server started here must not inherit it and hold it for its whole life.)
        let lock = open(home.appendingPathComponent("start.lock").path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0, flock(lock, LOCK_EX) == 0 else {
            throw StoreError(.configuration, "Cannot lock \(home.path)/start.lock (errno \(errno)).")
        }
        defer { close(lock) }  // closing releases the lock
        let account = try ServerAccount.current()
        if try status() == .notInitialized {
            try initialize(tools: tools, account: account)
        }
        if case .running(let port) = try status() {
            try createServiceDatabase(port: port)
            return conninfo(port: port)
        }
        if let port = try waitForStartingServer() {
            try createServiceDatabase(port: port)
            return conninfo(port: port)
        }
        removeStaleLockFile()
        let port = try LoopbackPort().port
        var options = [
            "-p \(port)", "-k \(socketDirectory.path)", "-c listen_addresses=127.0.0.1",
            "-c unix_socket_permissions=0700",
        ]
        if ephemeral {
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        }
        let result = try account.run(
            [
                tools.pgCtl, "start", "-D", dataDirectory.path, "-l", logFile.path, "-w", "-t", "60", "-s",
                "-o", options.joined(separator: " "),
            ],
            in: dataDirectory)
        guard result.status == 0 else {
            throw StoreError(
                .unavailable,
                "The embedded PostgreSQL server in \(dataDirectory.path) did not start: \(result.output). "
                    + "See \(logFile.path) for the server's own log.")
        }
        try createServiceDatabase(port: port)
        return conninfo(port: port)
    }

    /// Stops the server (fast shutdown); does nothing when it is not running.
    public func stop() throws {
        guard case .running = try status() else { return }
        let tools = try PostgresBinaries.locate()
        let account = try ServerAccount.current()
        let result = try account.run(
            [tools.pgCtl, "stop", "-D", dataDirectory.path, "-m", "fast", "-w", "-t", "60", "-s"], in: dataDirectory)
        guard result.status == 0 else {
            throw StoreError(.unavailable, "The embedded PostgreSQL server did not stop: \(result.output)")
        }
    }

    /// Stops the server and deletes the whole folder (test clusters).
    public func destroy() throws {
        try? stop()
        // Another thread may still be writing into the home (a benchmark interrupted while it writes its
        // extracts), so that a removal finds a folder not empty: it is tried again, three times at most.
        let fm = FileManager.default
        for attempt in 1...3 where fm.fileExists(atPath: home.path) {
            do { try fm.removeItem(at: home) } catch  where attempt < 3 {}
        }
    }

    // MARK: Internals

    private func prepareFolders() throws {
        // A unix socket path is limited to about 107 bytes; ".s.PGSQL.NNNNN" is added to the folder.
        guard socketDirectory.path.utf8.count <= 90 else {
            throw StoreError(
                .configuration,
                "The folder \(home.path) is too deep for a PostgreSQL socket (at most about 80 characters). "
                    + "Set OUTCOMES_HOME or --home to a shorter path.")
        }
        let fm = FileManager.default
        try fm.createDirectory(at: home, withIntermediateDirectories: true)
        for folder in [dataDirectory, socketDirectory, logDirectory] where !fm.fileExists(atPath: folder.path) {
            try fm.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
    }

    private func initialize(tools: PostgresBinaries, account: ServerAccount) throws {
        let fm = FileManager.default
        // Initialise into an empty folder; an interrupted earlier initdb leaves debris to clear.
        if let leftovers = try? fm.contentsOfDirectory(atPath: dataDirectory.path), !leftovers.isEmpty {
            try fm.removeItem(at: dataDirectory)
            try fm.createDirectory(
                at: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let password = try SecretFile.readOrCreate(at: passwordFile, bytes: 24)
        // initdb reads the password from a file the server account can read; it is removed at once.
        let handoff = dataDirectory.deletingLastPathComponent().appendingPathComponent(".initdb-pw")
        try Data((password + "\n").utf8).write(to: handoff)
        defer { try? fm.removeItem(at: handoff) }
        try account.giveOwnership(of: [dataDirectory, socketDirectory, logDirectory, handoff])
        // Text is compared byte by byte (lc_collate C): PostgreSQL 15 sorts and indexes text fastest
        // in C (other collations, C.UTF-8 included, compare through strcoll and without abbreviated
        // keys), and the data's text (codes, FIPS codes, hex hashes) orders the same either way.
        // Character classes still follow UTF-8 (lc_ctype C.UTF-8).
        var arguments = [
            tools.initdb, "-D", dataDirectory.path, "-U", Self.superuser, "-E", "UTF8", "--locale=C.UTF-8",
            "--lc-collate=C", "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=\(handoff.path)",
        ]
        if ephemeral { arguments.append("--no-sync") }
        let result = try account.run(arguments, in: dataDirectory)
        guard result.status == 0 else {
            throw StoreError(.configuration, "initdb failed for \(dataDirectory.path): \(result.output)")
        }
    }

    private func createServiceDatabase(port: Int) throws {
        let connection = try PostgresConnection(conninfo: conninfo(port: port, database: "postgres"))
        defer { connection.close() }
        let exists = try connection.query("SELECT 1 FROM pg_database WHERE datname = $1", [Self.databaseName])
        if exists.rows.isEmpty {
            try connection.query("CREATE DATABASE \(Self.databaseName)")
        }
    }

    private func postmasterLines() -> [Substring]? {
        let pidFile = dataDirectory.appendingPathComponent("postmaster.pid")
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8) else { return nil }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    private func postmasterPID() -> Int32? {
        postmasterLines().flatMap { $0.first }.flatMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
    }

    private func postmasterPort() -> Int? {
        guard let lines = postmasterLines(), lines.count > 3 else { return nil }
        return Int(lines[3].trimmingCharacters(in: .whitespaces))
    }

    /// True when `pid` is alive and is a PostgreSQL server (a pid can be reused after a crash).
    private func processIsPostgres(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        // A killed server that nobody reaps (PID 1 in a container without an init)
        // lingers as a zombie: kill(pid, 0) succeeds and comm still says postgres.
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let endOfName = stat.lastIndex(of: ")"),
            let state = stat[stat.index(after: endOfName)...].first(where: { $0 != " " }),
            state == "Z" || state == "X"
        {
            return false
        }
        let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
        return comm.hasPrefix("postgres")
    }

    /// After a crash the pid file may name a dead process or one that reused its pid.
    /// Another process may be starting the server right now: its pid file exists
    /// and names a live postgres, but has no port line yet. Wait for it (up to 30 s).
    private func waitForStartingServer() throws -> Int? {
        for _ in 0..<300 {
            guard let pid = postmasterPID(), processIsPostgres(pid) else { return nil }
            if case .running(let port) = try status() { return port }
            usleep(100_000)
        }
        throw StoreError(
            .unavailable,
            "The embedded PostgreSQL server in \(dataDirectory.path) has been starting for 30 s; see \(logFile.path).")
    }

    /// Removes a pid file left by a server that is gone (after a crash or a kill).
    private func removeStaleLockFile() {
        let pidFile = dataDirectory.appendingPathComponent("postmaster.pid")
        if FileManager.default.fileExists(atPath: pidFile.path) {
            try? FileManager.default.removeItem(at: pidFile)
        }
    }
}

/// Where the PostgreSQL server programs are: Debian keeps them off PATH in /usr/lib/postgresql/N/bin.
struct PostgresBinaries {
    var initdb: String
    var pgCtl: String

    static func locate() throws -> PostgresBinaries {
        var candidates: [String] = []
        if let dir = ProcessInfo.processInfo.environment["OUTCOMES_PG_BINDIR"] { candidates.append(dir) }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        candidates += versions.map { "\(root)/\($0)/bin" }
        if let pgCtl = Subprocess.which("pg_ctl") { candidates.append((pgCtl as NSString).deletingLastPathComponent) }
        for dir in candidates {
            let initdb = "\(dir)/initdb"
            let pgCtl = "\(dir)/pg_ctl"
            if FileManager.default.isExecutableFile(atPath: initdb), FileManager.default.isExecutableFile(atPath: pgCtl)
            {
                return PostgresBinaries(initdb: initdb, pgCtl: pgCtl)
            }
        }
        throw StoreError(
            .configuration,
            "PostgreSQL's server programs (initdb, pg_ctl) were not found. Install them with "
                + "`sudo apt-get install postgresql` (or run `deploy/install-debian.sh`), "
                + "set OUTCOMES_PG_BINDIR, or use --database with an existing server.")
    }
}

/// The operating-system account the server runs as: the caller, or an
/// unprivileged system user when the caller is root.
struct ServerAccount {
    var runAsUser: String?

    static let systemUser = ProcessInfo.processInfo.environment["OUTCOMES_PG_USER"] ?? "outcomes"

    static func current() throws -> ServerAccount {
        guard geteuid() == 0 else { return ServerAccount(runAsUser: nil) }
        if getpwnam(systemUser) == nil {
            let result = try Subprocess.run([
                "/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "--user-group",
                systemUser,
            ])
            guard result.status == 0 || getpwnam(systemUser) != nil else {
                throw StoreError(
                    .configuration,
                    "Could not create the system user '\(systemUser)' to run PostgreSQL: \(result.output)")
            }
        }
        return ServerAccount(runAsUser: systemUser)
    }

    func run(_ arguments: [String], in directory: URL) throws -> Subprocess.Outcome {
        guard let runAsUser else { return try Subprocess.run(arguments, workingDirectory: directory) }
        return try Subprocess.run(
            ["/usr/sbin/runuser", "-u", runAsUser, "--"] + arguments, workingDirectory: directory)
    }

    /// Hands folders and files to the server account (root only).
    func giveOwnership(of urls: [URL]) throws {
        guard let runAsUser, let entry = getpwnam(runAsUser) else { return }
        let uid = entry.pointee.pw_uid
        let gid = entry.pointee.pw_gid
        for url in urls where chown(url.path, uid, gid) != 0 {
            throw StoreError(.configuration, "Could not give \(url.path) to the user '\(runAsUser)' (errno \(errno)).")
        }
        // The server account must be able to reach the folders through their parents.
        var parent = urls.first?.deletingLastPathComponent()
        while let folder = parent, folder.path != "/" {
            let result = try Subprocess.run([
                "/usr/sbin/runuser", "-u", runAsUser, "--", "/usr/bin/test", "-x", folder.path,
            ])
            if result.status != 0 {
                throw StoreError(
                    .configuration,
                    "The PostgreSQL account '\(runAsUser)' cannot enter \(folder.path). Choose a home folder it can reach "
                        + "(set OUTCOMES_HOME, e.g. /var/lib/outcomes) or make the parent folders searchable (chmod o+x)."
                )
            }
            parent = folder.deletingLastPathComponent()
        }
    }
}

/// A TCP port on 127.0.0.1, bound by this process (never listening) for as long as the object lives.
///
/// Binding port 0 lets the kernel choose a free port. The embedded cluster takes its port this way
/// and lets it go just before PostgreSQL binds it; while held, no other process can listen on it,
/// and every connection to it is refused (tests use that for a server that is not there).
public final class LoopbackPort: Sendable {
    public let port: Int
    private let descriptor: Int32

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StoreError(.configuration, "Could not open a socket to find a free port.") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw StoreError(.configuration, "Could not find a free TCP port on 127.0.0.1.")
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}
