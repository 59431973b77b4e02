/// The one error type of the database client.
///
/// It carries what the server said (SQLSTATE, message, detail, hint, position)
/// so callers can react to a condition (`23505` unique violation, `42501`
/// permission denied) instead of parsing text. Bound parameter values are never
/// stored in it, so printing an error cannot leak a youth's identifier.
public struct PostgresError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Could not open a connection (refused, authentication, bad conninfo).
        case connection
        /// The server rejected a statement.
        case server
        /// A value could not be decoded as the Swift type asked for.
        case decoding
        /// The client and server disagreed about the protocol (unexpected result status, COPY state).
        case protocolViolation
    }

    public var kind: Kind
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    /// 1-based character position of the error in the statement, when the server gives one.
    public var position: Int?
    /// The column involved, for decoding errors and for constraint errors the server names.
    public var column: String?
    public var constraint: String?

    public init(
        kind: Kind, message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil,
        position: Int? = nil, column: String? = nil, constraint: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.position = position
        self.column = column
        self.constraint = constraint
    }

    public var description: String {
        var text: String
        switch kind {
        case .connection: text = "cannot connect to PostgreSQL: \(message)"
        case .server: text = message
        case .decoding: text = "cannot decode result: \(message)"
        case .protocolViolation: text = "unexpected reply from PostgreSQL: \(message)"
        }
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let detail { text += "\nDetail: \(detail)" }
        if let hint { text += "\nHint: \(hint)" }
        return text
    }

    /// Well-known SQLSTATE codes the project reacts to.
    public static let syntaxError = "42601"
    public static let uniqueViolation = "23505"
    public static let insufficientPrivilege = "42501"
    public static let undefinedTable = "42P01"
    public static let queryCanceled = "57014"
}
