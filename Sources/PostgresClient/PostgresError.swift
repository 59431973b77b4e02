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

    /// A server error with the data values the server quotes in some messages taken out.
    ///
    /// PostgreSQL repeats the offending values in constraint errors ("Key (youth_id)=(A-17)
    /// already exists.", "Failing row contains (…)") and in data errors ("invalid input
    /// syntax for type integer: "A-17""). Those values are often bound parameters or rows
    /// being loaded, so they are replaced by "…" before the error exists; column and
    /// constraint names stay.
    static func redactingValues(
        kind: Kind, message: String, sqlState: String?, detail: String? = nil, hint: String? = nil,
        position: Int? = nil, column: String? = nil, constraint: String? = nil
    ) -> PostgresError {
        var message = message
        // Class 22 (data exception): the quoted parts of the message are the rejected input.
        if let sqlState, sqlState.hasPrefix("22") { message = redactingQuoted(message) }
        return PostgresError(
            kind: kind, message: message, sqlState: sqlState, detail: detail.map(redactingKeyValues), hint: hint,
            position: position, column: column, constraint: constraint)
    }

    /// `Key (cols)=(values) rest` → `Key (cols)=(…) rest`; `Failing row contains (…).`
    static func redactingKeyValues(_ detail: String) -> String {
        if detail.hasPrefix("Failing row contains") { return "Failing row contains (…)." }
        guard detail.hasPrefix("Key ("), let equals = detail.range(of: ")=(") else { return detail }
        let columns = detail[..<equals.upperBound]
        let endings = [
            ") already exists.", ") is not present in table ", ") is still referenced from table ",
            ") conflicts with existing key ",
        ]
        for ending in endings {
            if let end = detail.range(of: ending, options: .backwards), end.lowerBound >= equals.upperBound {
                var rest = String(detail[end.lowerBound...])
                if ending == ") conflicts with existing key " { rest = ") conflicts with an existing key." }
                return "\(columns)…\(rest)"
            }
        }
        return "\(columns)…)"
    }

    /// Replaces every double-quoted part of a message by "…".
    static func redactingQuoted(_ message: String) -> String {
        var result = ""
        var inQuotes = false
        for character in message {
            if character == "\"" {
                result.append(character)
                if !inQuotes { result.append("…") }
                inQuotes.toggle()
            } else if !inQuotes {
                result.append(character)
            }
        }
        return result
    }

    /// Well-known SQLSTATE codes the project reacts to.
    public static let syntaxError = "42601"
    public static let uniqueViolation = "23505"
    public static let insufficientPrivilege = "42501"
    public static let undefinedTable = "42P01"
    public static let queryCanceled = "57014"
}
