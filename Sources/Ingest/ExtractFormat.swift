import PostgresClient

/// The extract format as the database defines it (`ref.extract_file`, `ref.extract_column`).
///
/// The loader reads it at run time, so the format lives in one place: the reference migration.
public struct ExtractFormat: Sendable {
    public struct Column: Sendable, Equatable {
        public var name: String
        public var required: Bool
        public var kind: String
        /// Kept as the agency sent it (goal_id; a detail is kept only as one of its event's codes), so it may
        /// hold no identifier: staged beside `held_<column>` (migration 0015).
        public var keptAsSent: Bool
        public var isIdentifier: Bool { kind == "identifier" }
    }

    public struct File: Sendable {
        public var name: String
        public var required: Bool
        public var columns: [Column]
        /// `youth.csv` → `stage_youth`.
        public var stageTable: String { "stage_" + name.replacingOccurrences(of: ".csv", with: "") }
        /// The staging table's columns after `rec`: every column as text, then for each column kept as sent
        /// `held_<column>`, the keyed hashes of the cell's stretches that could be an identifier.
        public var stageColumns: [(name: String, type: String)] {
            columns.map { ($0.name, "text") } + columns.filter(\.keptAsSent).map { ("held_" + $0.name, "text[]") }
        }
    }

    public var files: [File]
    /// The file of the youth themselves: every other file's youth_key must be listed in it.
    public static let youthFile = "youth.csv"

    /// The blanks every cell, header name and value of a multi-value cell is read without: spaces and tabs,
    /// and those that copying from documents or web pages brings (no-break and other Unicode spaces,
    /// zero-width characters, a byte-order mark), which no value of the format has. (The loader trims cells;
    /// ingest.split_values, migration 0014, trims the values of a multi-value cell of the same set.)
    public static let blanks: [Unicode.Scalar] =
        [" ", "\t", "\u{00A0}", "\u{1680}", "\u{202F}", "\u{205F}", "\u{2060}", "\u{3000}", "\u{FEFF}"]
        + (0x2000...0x200B).compactMap(Unicode.Scalar.init)

    public static func load(from connection: PostgresConnection) throws -> ExtractFormat {
        let result = try connection.query(
            """
            SELECT f.file, f.required AS file_required, c.name, c.required, c.kind, c.kept_as_sent
            FROM ref.extract_file f JOIN ref.extract_column c USING (file)
            ORDER BY f.ord, c.ord
            """)
        var files: [File] = []
        for row in result.rows {
            let name = try row.decode(String.self, "file")
            let column = Column(
                name: try row.decode(String.self, "name"), required: try row.decode(Bool.self, "required"),
                kind: try row.decode(String.self, "kind"), keptAsSent: try row.decode(Bool.self, "kept_as_sent"))
            if files.last?.name == name {
                files[files.count - 1].columns.append(column)
            } else {
                files.append(File(name: name, required: try row.decode(Bool.self, "file_required"), columns: [column]))
            }
        }
        return ExtractFormat(files: files)
    }

    public func file(named name: String) -> File? { files.first { $0.name == name } }
}
