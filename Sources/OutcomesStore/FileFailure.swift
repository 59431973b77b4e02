import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why a file operation failed, in words a user can act on ("No space left on device", "/x/y is a
/// file, not a folder"). Foundation's own descriptions are often only "The operation could not be
/// completed (NSCocoaErrorDomain error 512)", or a dump of its error domains.
public func fileFailureReason(_ error: any Error) -> String {
    var innermost = error as NSError
    while let underlying = innermost.userInfo[NSUnderlyingErrorKey] as? NSError { innermost = underlying }
    if innermost.domain == NSPOSIXErrorDomain, let text = strerror(Int32(innermost.code)) {
        return String(cString: text)
    }
    // A failed write without the system's reason: the path often tells, by the nearest part of it
    // that exists. (Foundation's write errors are codes 512 to 767; its read errors say what they are.)
    let nsError = error as NSError
    if nsError.domain == NSCocoaErrorDomain, (512...767).contains(nsError.code),
        let path = nsError.userInfo[NSFilePathErrorKey] as? String
    {
        var ancestor = URL(fileURLWithPath: path).deletingLastPathComponent()
        var isFolder: ObjCBool = false
        while ancestor.path != "/", !FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isFolder) {
            ancestor.deleteLastPathComponent()
        }
        if FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isFolder), !isFolder.boolValue {
            return "\(ancestor.path) is a file, not a folder"
        }
        if !FileManager.default.isWritableFile(atPath: ancestor.path) {
            return "no permission to write in \(ancestor.path)"
        }
    }
    return (error as NSError).localizedDescription
}
