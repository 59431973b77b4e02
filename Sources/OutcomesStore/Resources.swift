import Foundation

/// Finds the project's SQL and report templates both in a checkout and in an installation.
///
/// Order: an explicit path (option or environment variable); `../share/outcomes/<name>`
/// beside the executable (what `deploy/install-debian.sh` installs); the nearest
/// checkout above the executable (`swift build` puts it under `.build/`); the
/// current folder.
public enum Resources {
    public static func directory(named name: String, explicit: String?, environmentKey: String) throws -> URL {
        let fm = FileManager.default
        var candidates: [URL] = []
        if let explicit { candidates.append(URL(fileURLWithPath: explicit)) }
        if let fromEnvironment = ProcessInfo.processInfo.environment[environmentKey] {
            candidates.append(URL(fileURLWithPath: fromEnvironment))
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let binDir = executable.deletingLastPathComponent()
        candidates.append(binDir.appendingPathComponent("../share/outcomes/\(name)").standardizedFileURL)
        var folder = binDir
        while folder.path != "/" {
            if fm.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                candidates.append(folder.appendingPathComponent(name))
                break
            }
            folder = folder.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent(name))
        if let explicitOne = candidates.first, explicit != nil {
            guard fm.fileExists(atPath: explicitOne.path) else {
                throw StoreError(.configuration, "The folder \(explicitOne.path) given for \(name) does not exist.")
            }
            return explicitOne
        }
        for candidate in candidates where fm.fileExists(atPath: candidate.path) {
            return candidate.standardizedFileURL
        }
        throw StoreError(
            .configuration,
            "Could not find the project's \(name) folder (looked in: \(candidates.map(\.path).joined(separator: ", "))). "
                + "Set \(environmentKey) to its path.")
    }
}
