import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A random secret kept in a file only its owner can read (mode 0600).
public enum SecretFile {
    /// Reads the secret, creating it with `bytes` random bytes (hex) on first use.
    public static func readOrCreate(at url: URL, bytes: Int) throws -> String {
        if let existing = try read(at: url) { return existing }
        return try create(at: url, bytes: bytes)
    }

    /// Reads the secret; nil when there is no file. A file that other users may read or change is refused:
    /// whoever reads it can test guessed identifiers against the stored hashes.
    public static func read(at url: URL) throws -> String? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        var info = stat()
        if stat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_mode & 0o077 != 0 {
            throw StoreError(
                .configuration,
                "The secret file \(url.path) can be read or changed by users other than its owner (mode "
                    + String(info.st_mode & 0o777, radix: 8) + "): make it private with chmod 600 \(url.path), and "
                    + "check who has read it.")
        }
        guard let existing = try? String(contentsOf: url, encoding: .utf8) else {
            throw StoreError(
                .configuration,
                "Cannot read the secret file \(url.path): it must be a text file readable by the user running "
                    + "outcomes (check its owner and mode, 0600).")
        }
        let value = existing.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else {
            throw StoreError(.configuration, "The secret file \(url.path) is empty; restore it from a backup.")
        }
        return value
    }

    /// Creates the file with `bytes` random bytes (hex), owner-only; refuses to replace one.
    public static func create(at url: URL, bytes: Int) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let value = (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }
            .joined()
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw StoreError(.configuration, "Could not create the secret file \(url.path) (errno \(errno)).")
        }
        let data = Array((value + "\n").utf8)
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        fsync(fd)
        close(fd)
        guard written == data.count else {
            throw StoreError(.configuration, "Could not write the secret file \(url.path).")
        }
        return value
    }
}
