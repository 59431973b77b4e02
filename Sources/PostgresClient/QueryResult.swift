import CLibPQ

/// The rows of one statement, copied out of libpq so the C result is freed at once.
public struct QueryResult: Sendable {
    public let columns: [String]
    public let types: [PostgresType]
    public let rows: [Row]
    /// Rows affected, for INSERT / UPDATE / DELETE / COPY (from `PQcmdTuples`).
    public let affectedRows: Int

    /// Copies everything out of a libpq result; the caller still owns and clears it.
    init(copying result: OpaquePointer) {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        var names: [String] = []
        var types: [PostgresType] = []
        names.reserveCapacity(columnCount)
        for c in 0..<columnCount {
            names.append(String(cString: PQfname(result, Int32(c))))
            types.append(PostgresType(rawValue: PQftype(result, Int32(c))))
        }
        let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var rows: [Row] = []
        rows.reserveCapacity(rowCount)
        for r in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for c in 0..<columnCount {
                if PQgetisnull(result, Int32(r), Int32(c)) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, Int32(r), Int32(c))))
                }
            }
            rows.append(Row(columns: names, types: types, index: index, values: values))
        }
        self.columns = names
        self.types = types
        self.rows = rows
        self.affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// The only row of a statement expected to return exactly one.
    public func single() throws -> Row {
        guard rows.count == 1 else {
            throw PostgresError(kind: .protocolViolation, message: "expected one row, got \(rows.count)")
        }
        return rows[0]
    }
}

/// One result row; values are decoded on demand into the Swift type asked for.
public struct Row: Sendable {
    let columns: [String]
    let types: [PostgresType]
    let index: [String: Int]
    let values: [String?]

    /// Decodes a non-NULL value; NULL or a type mismatch throws an error naming the column.
    public func decode<T: PostgresDecodable>(_ type: T.Type, _ column: String) throws -> T {
        try decode(type, at: position(of: column))
    }

    /// Decodes a value that may be NULL.
    public func decode<T: PostgresDecodable>(_ type: T?.Type, _ column: String) throws -> T? {
        try decode(type, at: position(of: column))
    }

    public func decode<T: PostgresDecodable>(_ type: T.Type, at position: Int) throws -> T {
        guard let value = try decode(T?.self, at: position) else {
            throw PostgresError(
                kind: .decoding, message: "column \"\(columns[position])\" is NULL but \(T.self) was expected",
                column: columns[position])
        }
        return value
    }

    public func decode<T: PostgresDecodable>(_ type: T?.Type, at position: Int) throws -> T? {
        guard position >= 0, position < values.count else {
            throw PostgresError(kind: .decoding, message: "no column at position \(position)")
        }
        let name = columns[position]
        guard T.acceptedTypes.contains(types[position]) else {
            throw PostgresError(
                kind: .decoding,
                message: "column \"\(name)\" has type \(types[position]), which cannot be decoded as \(T.self)",
                column: name)
        }
        guard let text = values[position] else { return nil }
        guard let value = T(postgresText: text) else {
            throw PostgresError(
                kind: .decoding, message: "column \"\(name)\" holds a value that is not a valid \(T.self)",
                column: name)
        }
        return value
    }

    public func isNull(_ column: String) throws -> Bool {
        values[try position(of: column)] == nil
    }

    private func position(of column: String) throws -> Int {
        guard let position = index[column] else {
            throw PostgresError(kind: .decoding, message: "the result has no column \"\(column)\"", column: column)
        }
        return position
    }
}
