import Foundation

/// A value shared between threads, reachable only while holding its lock.
///
/// `@unchecked Sendable` is justified because every access to `value` goes
/// through `withLock`, which holds the `NSLock` for the whole access.
/// (`Synchronization.Mutex` would do the same, but needs macOS 15 and the
/// package supports macOS 13.)
public final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
