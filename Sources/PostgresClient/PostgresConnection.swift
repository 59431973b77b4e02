import CLibPQ
import Foundation
import Logging

/// One libpq connection. Not thread-safe: use it from one task at a time.
///
/// The connection owns its `PGconn` and calls `PQfinish` exactly once (in
/// `close()` or `deinit`); every `PGresult` is cleared before a method returns.
public final class PostgresConnection {
    private var handle: OpaquePointer?
    private let noticeSink: NoticeSink

    /// Opens a connection from a `postgresql://` URL or a `key=value` conninfo string.
    ///
    /// The session uses UTF-8, UTC and ISO dates whatever the server's defaults,
    /// so text decoding never depends on the server's configuration. The server checks every second
    /// that the client is still there, so that the statement of a killed process ends at once instead
    /// of running on, holding its locks (an ingest holds its agency's snapshot), to its end.
    public init(conninfo: String, logger: Logger = Logger(label: "outcomes.postgres")) throws {
        noticeSink = NoticeSink(logger: logger)
        let keys = ["dbname", "client_encoding", "options", "application_name", "connect_timeout"]
        let values = [
            conninfo, "UTF8",
            "-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=iso_8601 -c client_connection_check_interval=1s",
            "outcomes", "10",
        ]
        let conn = withArrayOfCStrings(keys) { k in
            withArrayOfCStrings(values) { v in PQconnectdbParams(k, v, 1) }
        }
        guard let conn else {
            throw PostgresError(kind: .connection, message: "libpq could not allocate a connection")
        }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = PostgresConnection.scrub(String(cString: PQerrorMessage(conn)), conninfo: conninfo)
            PQfinish(conn)
            throw PostgresError(kind: .connection, message: message)
        }
        handle = conn
        PQsetNoticeReceiver(conn, noticeReceiver, Unmanaged.passUnretained(noticeSink).toOpaque())
    }

    deinit { close() }

    /// Closes the connection; safe to call more than once.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    public var isOpen: Bool { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }

    /// Runs one statement with bound parameters (`$1`, `$2`, …) and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PostgresBindable)?] = []) throws -> QueryResult {
        let conn = try open()
        let texts = parameters.map { $0?.postgresText }
        let result = withOptionalCStrings(texts) { pointers in
            PQexecParams(conn, sql, Int32(texts.count), nil, pointers, nil, nil, 0)
        }
        return try consume(result) { status, result in
            guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK else {
                throw PostgresConnection.unexpected(status, expecting: "rows or a command result")
            }
            return QueryResult(copying: result)
        }
    }

    /// Runs a script of several statements without parameters (migrations, indicator SQL).
    public func execute(script sql: String) throws {
        let conn = try open()
        guard PQsendQuery(conn, sql) == 1 else { throw error(from: conn) }
        var failure: PostgresError?
        while let result = PQgetResult(conn) {
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            if failure == nil, status != PGRES_COMMAND_OK, status != PGRES_TUPLES_OK, status != PGRES_EMPTY_QUERY {
                failure =
                    status == PGRES_FATAL_ERROR
                    ? PostgresConnection.error(from: result)
                    : PostgresConnection.unexpected(status, expecting: "command results")
            }
        }
        if let failure { throw failure }
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    public func withTransaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try query("BEGIN")
        let value: T
        do {
            value = try body(self)
        } catch {
            if isOpen { _ = try? query("ROLLBACK") }
            throw error
        }
        try query("COMMIT")
        return value
    }

    // MARK: COPY

    /// Streams data into `COPY … FROM STDIN`; `body` writes chunks through the writer.
    ///
    /// Nothing is buffered beyond libpq's own send buffer, so memory does not
    /// grow with the size of the data. If `body` throws, the COPY is aborted
    /// and the statement fails on the server.
    @discardableResult
    public func copyIn(_ sql: String, _ body: (CopyWriter) throws -> Void) throws -> Int {
        let conn = try open()
        try consume(PQexec(conn, sql)) { status, _ in
            guard status == PGRES_COPY_IN else { throw PostgresConnection.unexpected(status, expecting: "COPY IN") }
        }
        let writer = CopyWriter(conn: conn)
        var bodyError: Error?
        do { try body(writer) } catch { bodyError = error }
        let end: Int32 =
            bodyError == nil ? PQputCopyEnd(conn, nil) : PQputCopyEnd(conn, "aborted by the client")
        if end != 1 { throw self.error(from: conn) }
        var failure: PostgresError?
        var rows = 0
        while let result = PQgetResult(conn) {
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            if status == PGRES_COMMAND_OK {
                rows = Int(String(cString: PQcmdTuples(result))) ?? 0
            } else if failure == nil {
                failure =
                    status == PGRES_FATAL_ERROR
                    ? PostgresConnection.error(from: result)
                    : PostgresConnection.unexpected(status, expecting: "COPY end")
            }
        }
        if let bodyError { throw bodyError }
        if let failure { throw failure }
        return rows
    }

    /// Streams a file into `COPY … FROM STDIN` in fixed-size chunks.
    @discardableResult
    public func copyIn(_ sql: String, fileAt path: String, chunkSize: Int = 1 << 16) throws -> Int {
        guard let file = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? file.close() }
        return try copyIn(sql) { writer in
            while let chunk = try file.read(upToCount: chunkSize), !chunk.isEmpty {
                try writer.write(chunk)
            }
        }
    }

    /// Streams `COPY … TO STDOUT`, handing each row's bytes to `body` as they arrive.
    public func copyOut(_ sql: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let conn = try open()
        try consume(PQexec(conn, sql)) { status, _ in
            guard status == PGRES_COPY_OUT else { throw PostgresConnection.unexpected(status, expecting: "COPY OUT") }
        }
        var bodyError: Error?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(conn, &buffer, 0)
            if length > 0, let buffer {
                if bodyError == nil {
                    do { try body(UnsafeRawBufferPointer(start: buffer, count: Int(length))) } catch {
                        bodyError = error
                    }
                }
                PQfreemem(buffer)
            } else if length == -1 {
                break
            } else {
                throw self.error(from: conn)
            }
        }
        var failure: PostgresError?
        while let result = PQgetResult(conn) {
            defer { PQclear(result) }
            if PQresultStatus(result) == PGRES_FATAL_ERROR, failure == nil {
                failure = PostgresConnection.error(from: result)
            }
        }
        if let bodyError { throw bodyError }
        if let failure { throw failure }
    }

    // MARK: Internals

    private func open() throws -> OpaquePointer {
        guard let handle else {
            throw PostgresError(kind: .connection, message: "the connection is closed")
        }
        return handle
    }

    /// Checks a result's status through `body`, turning server errors into `PostgresError`, and always clears it.
    private func consume<T>(
        _ result: OpaquePointer?, _ body: (ExecStatusType, OpaquePointer) throws -> T
    ) throws -> T {
        guard let result else { throw error(from: try open()) }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        if status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR {
            throw PostgresConnection.error(from: result)
        }
        return try body(status, result)
    }

    private func error(from conn: OpaquePointer) -> PostgresError {
        let message = String(cString: PQerrorMessage(conn)).trimmingCharacters(in: .whitespacesAndNewlines)
        let kind: PostgresError.Kind = PQstatus(conn) == CONNECTION_OK ? .protocolViolation : .connection
        return PostgresError(kind: kind, message: message.isEmpty ? "the connection failed" : message)
    }

    static func error(from result: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        let message =
            field("M")
            ?? String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
        return PostgresError.redactingValues(
            kind: .server, message: message, sqlState: field("C"), detail: field("D"), hint: field("H"),
            position: field("P").flatMap { Int($0) }, column: field("c"), constraint: field("n"))
    }

    static func unexpected(_ status: ExecStatusType, expecting: String) -> PostgresError {
        PostgresError(
            kind: .protocolViolation,
            message: "expected \(expecting), got \(String(cString: PQresStatus(status)))")
    }

    /// Removes a password that libpq might echo from the conninfo.
    ///
    /// libpq quotes an unparseable URI whole ("… in URI: "postgresql://u:secret@[::1""),
    /// so the conninfo itself is replaced first, then every form the password may take.
    static func scrub(_ message: String, conninfo: String) -> String {
        var text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        if !conninfo.isEmpty {
            text = text.replacingOccurrences(of: conninfo, with: ConnectionString.redacted(conninfo))
        }
        for password in ConnectionString.passwordForms(in: conninfo) {
            text = text.replacingOccurrences(of: password, with: "********")
        }
        return text.replacingOccurrences(of: "\n\t", with: " ").replacingOccurrences(of: "\n", with: " ")
    }
}

/// Hands COPY data to libpq chunk by chunk.
public struct CopyWriter {
    let conn: OpaquePointer

    public func write(_ bytes: some ContiguousBytes) throws {
        try bytes.withUnsafeBytes { buffer in
            guard buffer.count > 0 else { return }
            let sent = buffer.withMemoryRebound(to: CChar.self) { chars in
                PQputCopyData(conn, chars.baseAddress, Int32(chars.count))
            }
            guard sent == 1 else {
                throw PostgresError(
                    kind: .protocolViolation, message: String(cString: PQerrorMessage(conn)))
            }
        }
    }

    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }
}

/// Routes server notices (NOTICE, WARNING, …) to swift-log.
final class NoticeSink {
    let logger: Logger
    init(logger: Logger) { self.logger = logger }
}

private func noticeReceiver(_ context: UnsafeMutableRawPointer?, _ result: OpaquePointer?) {
    guard let context, let result else { return }
    let sink = Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue()
    let severity = PQresultErrorField(result, Int32(Character("V").asciiValue!)).map { String(cString: $0) } ?? "NOTICE"
    let message = PQresultErrorField(result, Int32(Character("M").asciiValue!)).map { String(cString: $0) } ?? ""
    switch severity {
    case "WARNING": sink.logger.warning("\(message)", metadata: ["severity": "\(severity)"])
    case "DEBUG", "LOG": sink.logger.debug("\(message)", metadata: ["severity": "\(severity)"])
    default: sink.logger.notice("\(message)", metadata: ["severity": "\(severity)"])
    }
}

private func withArrayOfCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    withOptionalCStrings(strings.map { Optional($0) }) { body($0!) }
}

/// Gives C a NULL-terminated array of C strings (nil entries stay NULL) for the duration of `body`.
private func withOptionalCStrings<R>(
    _ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R
) -> R {
    let duplicated = strings.map { $0.map { strdup($0)! } }
    defer { duplicated.forEach { free($0) } }
    var pointers = duplicated.map { $0.map { UnsafePointer($0) } }
    pointers.append(nil)
    return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}
