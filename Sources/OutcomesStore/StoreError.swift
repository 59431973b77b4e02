/// Errors a user can cause or fix in the service's set-up: each says what went wrong and how to fix it.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// Something is missing or misconfigured on this machine (binaries, folders, files).
        case configuration
        /// The embedded cluster is not there or not running.
        case unavailable
        /// A migration file or its record is inconsistent.
        case migration
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
