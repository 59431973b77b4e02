import Crypto
import Foundation
import OutcomesStore
import ZIPFoundation

/// An uploaded extract as a folder of files, whether it arrived as a folder or a `.zip`.
///
/// A zip is unpacked into a private temporary folder with limits (no paths
/// outside the folder, no links, a size cap counted while inflating, so a zip
/// bomb cannot fill the disk), and the folder is removed by `close()`, or on
/// Ctrl-C or `kill` before that (`ScratchHome.removeAtExit`), or, if the process
/// was killed outright (SIGKILL, a crash), by the next process that opens an upload.
public final class ExtractSource {
    /// Caps on what a zip may unpack to (a zip bomb stops at the cap, counted while inflating).
    public struct Limits: Sendable, Equatable {
        /// Largest unpacked size of one file.
        public var fileBytes: UInt64
        /// Largest unpacked size of the whole extract.
        public var totalBytes: UInt64
        /// Most entries (files and folders) in the zip.
        public var entries: Int

        public init(fileBytes: UInt64, totalBytes: UInt64, entries: Int) {
            self.fileBytes = fileBytes
            self.totalBytes = totalBytes
            self.entries = entries
        }

        /// The service's caps: 2 GiB per file, 4 GiB in all, 64 entries.
        public static let standard = Limits(fileBytes: 2 << 30, totalBytes: 4 << 30, entries: 64)
    }

    /// Largest unpacked size of one file and of the whole extract.
    public static let maximumFileBytes: UInt64 = Limits.standard.fileBytes
    public static let maximumTotalBytes: UInt64 = Limits.standard.totalBytes
    public static let maximumEntries = Limits.standard.entries

    public let displayName: String
    public let folder: URL
    /// SHA-256 of the upload: of the zip file's bytes, or of the folder's files (names and contents, by name).
    public let sha256: String
    /// Names of the regular files in the extract.
    public let files: [String]
    /// Problems with the upload itself (zip paths, sizes, sub-folders).
    public let issues: IssueList
    /// False when a zip could not be unpacked in full (not a zip, too many entries, an entry refused
    /// or damaged, the size cap): a file absent from `files` may then be in the upload, so it is not
    /// called missing. (A folder's names are all known: only those refused in `issues` are not files.)
    public let complete: Bool
    private let temporary: URL?

    private init(
        displayName: String, folder: URL, sha256: String, files: [String], issues: IssueList, complete: Bool = true,
        temporary: URL?
    ) {
        self.displayName = displayName
        self.folder = folder
        self.sha256 = sha256
        self.files = files
        self.issues = issues
        self.complete = complete
        self.temporary = temporary
    }

    deinit { close() }

    public func close() {
        guard let temporary else { return }
        try? FileManager.default.removeItem(at: temporary)
        ScratchHome.forgetRemoval(temporary)
    }

    /// Opens a folder or a zip. Throws only for operational failures (missing path, unreadable file).
    public static func open(path: String, limits: Limits = .standard) throws -> ExtractSource {
        // Whatever the upload, copies of zips left by ingests killed outright go now (they hold raw identifiers).
        removeAbandonedFolders(in: FileManager.default.temporaryDirectory)
        let url = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        if isDirectory.boolValue { return try openFolder(url) }
        return try openZip(url, limits: limits)
    }

    /// macOS adds these beside the files it copies or zips (Finder also puts resource forks in a __MACOSX/
    /// folder of its zips): .DS_Store, and "._name" files (AppleDouble) on shares and USB drives. Not data.
    static func isMacOSMetadata(_ name: some StringProtocol) -> Bool {
        name == ".DS_Store" || name.hasPrefix("._")
    }

    private static func openFolder(_ url: URL) throws -> ExtractSource {
        let fm = FileManager.default
        var issues = IssueList()
        var files: [String] = []
        for name in try fm.contentsOfDirectory(atPath: url.path).sorted() where !isMacOSMetadata(name) {
            let path = url.appendingPathComponent(name).path
            // A name that is not UTF-8 comes back altered and cannot be opened by it.
            guard let attributes = try? fm.attributesOfItem(atPath: path) else {
                issues.append(
                    IngestIssue(
                        file: name, expected: "a file name in UTF-8 (this one cannot be read as it is; rename the file)"
                    ))
                continue
            }
            let type = attributes[.type] as? FileAttributeType
            if type == .typeDirectory || type == .typeSymbolicLink {
                issues.append(
                    IngestIssue(
                        file: name, expected: "only files directly in the extract folder (no sub-folders or links)"))
            } else if type != .typeRegular {
                // A named pipe would block the reading of the extract for ever.
                issues.append(
                    IngestIssue(
                        file: name,
                        expected: "only ordinary files in the extract folder (this is a pipe, socket or device)"
                    ))
            } else {
                files.append(name)
            }
        }
        var hasher = SHA256()
        for name in files {
            let data = Data(name.utf8)
            hasher.update(data: data)
            hasher.update(data: [0])
            guard let handle = FileHandle(forReadingAtPath: url.appendingPathComponent(name).path) else {
                throw CocoaError(
                    .fileReadNoPermission, userInfo: [NSFilePathErrorKey: url.appendingPathComponent(name).path])
            }
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
            hasher.update(data: [0])
        }
        return ExtractSource(
            displayName: url.lastPathComponent, folder: url, sha256: Hex.string(hasher.finalize()), files: files,
            issues: issues, temporary: nil)
    }

    private static func openZip(_ url: URL, limits: Limits) throws -> ExtractSource {
        let name = url.lastPathComponent
        var hasher = SHA256()
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: url.path])
        }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        try handle.close()
        let sha = Hex.string(hasher.finalize())

        let fm = FileManager.default
        let temporary = fm.temporaryDirectory.appendingPathComponent(
            "\(unpackPrefix)\(getpid())-\(UUID().uuidString)")
        try fm.createDirectory(
            at: temporary, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        // The unpacked files hold raw identifiers: when unpacking fails, they go at once, and if the process is
        // interrupted (Ctrl-C, `kill`) they go before it ends.
        ScratchHome.removeAtExit(temporary)
        var handedOver = false
        defer {
            if !handedOver {
                try? fm.removeItem(at: temporary)
                ScratchHome.forgetRemoval(temporary)
            }
        }
        var issues = IssueList()
        var files: [String] = []
        var complete = true
        func source(_ files: [String]) -> ExtractSource {
            handedOver = true
            return ExtractSource(
                displayName: name, folder: temporary, sha256: sha, files: files, issues: issues, complete: complete,
                temporary: temporary)
        }
        func reject(_ expected: String, entry: String? = nil) {
            issues.append(IngestIssue(file: entry.map { "\(name): \($0)" } ?? name, expected: expected))
            complete = false
        }
        guard let archive = try? Archive(url: url, accessMode: .read, pathEncoding: nil) else {
            reject("a .zip file (this one cannot be opened as a zip archive)")
            return source([])
        }
        // ZIPFoundation's listing stops, without a word, at the first entry it cannot read (one protected
        // by a password): the entries the zip declares are counted, so that none is silently left out.
        let listed = Array(archive)
        if let declared = declaredEntryCount(of: url), listed.count < declared {
            reject(
                "a zip whose entries can all be read (only \(listed.count) of its \(declared) can: the next is protected "
                    + "by a password or damaged; create the zip again, without a password)")
            return source([])
        }
        // Some Windows tools write `\` between folder names instead of the `/` the zip format asks for;
        // either is a separator here, so `..\x` is caught like `../x`.
        func path(_ entry: Entry) -> String { entry.path.replacingOccurrences(of: "\\", with: "/") }
        let entries = listed.filter { entry in
            let parts = path(entry).split(separator: "/")
            return parts.first != "__MACOSX" && !isMacOSMetadata(parts.last ?? "")
        }
        // A zip of the folder itself has one top-level folder; its contents are the extract.
        let filePaths = entries.filter { $0.type == .file }.map(path)
        let topFolders = Set(
            filePaths.map { $0.split(separator: "/", omittingEmptySubsequences: false).first.map(String.init) ?? "" })
        let prefix: String? =
            topFolders.count == 1 && filePaths.allSatisfy({ $0.contains("/") })
            ? topFolders.first.map { $0 + "/" } : nil
        guard entries.count <= limits.entries else {
            reject("at most \(limits.entries) entries in the zip (it has \(entries.count))")
            return source([])
        }
        var total: UInt64 = 0
        for entry in entries {
            let path = path(entry)
            if entry.type == .symlink {
                reject("no symbolic links in the zip", entry: path)
                continue
            }
            if entry.type == .directory {
                // A folder holding files is the extract's own (a zip of the folder), or told with its files;
                // an empty one is told here, as a folder upload's sub-folder is (it hides no file, so the zip
                // stays complete).
                let folder = path.hasSuffix("/") ? path : path + "/"
                if !filePaths.contains(where: { $0.hasPrefix(folder) }) {
                    issues.append(
                        IngestIssue(
                            file: "\(name): \(path)", expected: "files directly in the extract folder (no sub-folders)")
                    )
                }
                continue
            }
            let components = path.split(separator: "/", omittingEmptySubsequences: false)
            if path.hasPrefix("/") || components.contains("..") {
                reject("a file inside the extract folder (this path points outside it)", entry: path)
                continue
            }
            var relative = path
            if let prefix, relative.hasPrefix(prefix) { relative.removeFirst(prefix.count) }
            if relative.contains("/") || relative.isEmpty {
                reject("files directly in the extract folder (no sub-folders)", entry: path)
                continue
            }
            // No name of the format is "." or longer than a file name may be (255 bytes).
            if relative == "." || relative.utf8.count > 255 || relative.utf8.contains(0) {
                reject("a file of the extract (this entry's name cannot be a file's name)", entry: path)
                continue
            }
            if files.contains(relative) {
                reject("each file once in the zip (an earlier entry has the same file name)", entry: path)
                continue
            }
            let target = temporary.appendingPathComponent(relative)
            guard fm.createFile(atPath: target.path, contents: nil, attributes: [.posixPermissions: 0o600]),
                let out = FileHandle(forWritingAtPath: target.path)
            else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path])
            }
            var written: UInt64 = 0
            var tooLarge = false
            var damaged = false
            do {
                let checksum = try archive.extract(entry, skipCRC32: false) { data in
                    written += UInt64(data.count)
                    total += UInt64(data.count)
                    if written > limits.fileBytes || total > limits.totalBytes {
                        tooLarge = true
                        throw CocoaError(.fileWriteOutOfSpace)
                    }
                    try out.write(contentsOf: data)
                }
                // ZIPFoundation computes the CRC-32 but leaves comparing it to the caller.
                if checksum != entry.checksum {
                    damaged = true
                    throw CocoaError(.fileReadCorruptFile)
                }
            } catch {
                try? out.close()
                try? fm.removeItem(at: target)
                if tooLarge {
                    reject(
                        "at most \(describe(bytes: limits.fileBytes)) per file and \(describe(bytes: limits.totalBytes)) "
                            + "in all once unpacked "
                            + "(this zip unpacks to more: split it or check it is the right file)",
                        entry: path)
                    break
                }
                if case Archive.ArchiveError.invalidCompressionMethod = error {
                    reject(
                        "a zip entry stored or compressed with Deflate, the usual method (this one uses another, such "
                            + "as bzip2 or LZMA; create the zip with a standard zip tool's default settings)",
                        entry: path)
                    continue
                }
                if damaged {
                    reject(
                        "a readable zip entry (this one is damaged: its contents do not match the checksum "
                            + "stored in the zip; create the zip again)", entry: path)
                    continue
                }
                reject("a readable zip entry (this one is damaged: \(error.localizedDescription))", entry: path)
                continue
            }
            try out.close()
            files.append(relative)
        }
        return source(files.sorted())
    }

    /// Unpacked zips hold raw identifiers, so each is in a folder named after the process that made it:
    /// a run that was killed cannot remove its own, and the next upload opened removes it.
    static let unpackPrefix = "outcomes-extract-"

    /// Removes unpacked zips whose process is gone: `outcomes-extract-PID-UUID` folders (not links) of
    /// this user, private (0700) as this type makes them, whose PID no longer runs. Anything else in a
    /// shared temporary folder, another user's above all, is left alone.
    static func removeAbandonedFolders(in parent: URL) {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: parent.path)) ?? [] where name.hasPrefix(unpackPrefix) {
            let fields = name.dropFirst(unpackPrefix.count).split(separator: "-")
            let path = parent.appendingPathComponent(name).path
            var info = stat()
            guard fields.count == 6, let pid = pid_t(fields[0]), pid > 0, pid != getpid(),
                lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_mode & 0o777 == 0o700,
                info.st_uid == getuid(), kill(pid, 0) == -1, errno == ESRCH
            else { continue }
            try? fm.removeItem(atPath: path)
        }
    }

    /// The number of entries the zip's end-of-central-directory record declares (its ZIP64 record's,
    /// for a zip of more than 65,534 entries); nil when it cannot be found.
    static func declaredEntryCount(of url: URL) -> UInt64? {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return nil }
        defer { try? handle.close() }
        func read(at offset: UInt64, _ count: Int) -> [UInt8]? {
            guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.read(upToCount: count),
                data.count == count
            else { return nil }
            return [UInt8](data)
        }
        func littleEndian(_ bytes: [UInt8], _ at: Int, _ count: Int) -> UInt64 {
            (0..<count).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * $1) }
        }
        // The record is the last 22 bytes, unless a comment of up to 65,535 bytes follows it.
        guard let size = try? handle.seekToEnd(), size >= 22 else { return nil }
        let tailLength = min(size, 22 + 65_535)
        guard let tail = read(at: size - tailLength, Int(tailLength)),
            let at = stride(from: tail.count - 22, through: 0, by: -1).first(where: {
                tail[$0..<$0 + 4] == [0x50, 0x4B, 0x05, 0x06]
            })
        else { return nil }
        let count = littleEndian(tail, at + 10, 2)
        guard count == 0xFFFF else { return count }
        // ZIP64: a locator just before the record gives the offset of the ZIP64 record (count at 32).
        guard at >= 20, tail[at - 20..<at - 16] == [0x50, 0x4B, 0x06, 0x07],
            let record = read(at: littleEndian(tail, at - 12, 8), 40), record[0..<4] == [0x50, 0x4B, 0x06, 0x06]
        else { return nil }
        return littleEndian(record, 32, 8)
    }

    /// "2 GiB", "1 MiB", "512 bytes": a cap as people read it.
    static func describe(bytes: UInt64) -> String {
        if bytes >= 1 << 30, bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}
