import ArgumentParser
import Foundation
import Ingest
import OutcomesStore
import PostgresClient

/// Exit codes (from sysexits.h), so scripts can tell a bad extract from an outage.
enum Exit {
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let unavailable: Int32 = 69
    static let software: Int32 = 70
    static let ioError: Int32 = 74
    static let configuration: Int32 = 78
}

/// Prints a one-line error for the user and exits with a meaningful code, never a stack trace.
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as IngestFailure {
        fail(error.description, code: Exit.usage)
    } catch let error as StoreError {
        fail(error.message, code: error.kind == .unavailable ? Exit.unavailable : Exit.configuration)
    } catch let error as PostgresError {
        fail(error.description, code: error.kind == .connection ? Exit.unavailable : Exit.software)
    } catch let error as CocoaError {
        let path = (error.userInfo[NSFilePathErrorKey] as? String).map { " (\($0))" } ?? ""
        fail("cannot read or write a file\(path): \(fileFailureReason(error))", code: Exit.ioError)
    } catch {
        fail("\(error)", code: Exit.software)
    }
}

func fail(_ message: String, code: Int32) -> Never {
    ScratchHome.holdIfInterrupted()
    printError("outcomes: \(message)")
    Foundation.exit(code)
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Prints a progress line at once, even when standard output is a pipe (print alone buffers it).
func progress(_ line: String) {
    print(line)
    fflush(nil)
}
