import Logging
import OutcomesStore

/// A swift-log handler that keeps every entry, for asserting on what was logged.
public struct CapturingLogHandler: LogHandler {
    public struct Entry: Sendable, Equatable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]

        public init(level: Logger.Level, message: String, metadata: [String: String]) {
            self.level = level
            self.message = message
            self.metadata = metadata
        }
    }

    /// Shared by every copy of the handler (a `Logger` copies its handler by value).
    public final class Store: Sendable {
        private let entries = Locked<[Entry]>([])
        public init() {}
        public var all: [Entry] { entries.withLock { $0 } }
        func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
    }

    public let store: Store
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init(store: Store) { self.store = store }

    /// A logger whose entries land in a new store.
    public static func logger(label: String = "outcomes.test") -> (Logger, Store) {
        let store = Store()
        return (Logger(label: label, factory: { _ in CapturingLogHandler(store: store) }), store)
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        store.append(
            Entry(
                level: event.level, message: event.message.description,
                metadata: merged.mapValues { $0.description }))
    }
}
