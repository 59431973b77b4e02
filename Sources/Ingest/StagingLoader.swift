import Foundation
import PostgresClient

/// Streams one CSV file of an extract into its temporary staging table with COPY.
///
/// Cells are staged as text, unchanged, in the format's column order; the set-based
/// validation in SQL/ingest/validate.sql judges them. Only what cannot reach SQL
/// is judged here: the CSV structure, UTF-8, the header, and identifiers, which
/// are replaced by their keyed hash before they leave the process. Beside each
/// cell kept as sent (goal_id) go the keyed hashes of its stretches that could be
/// an identifier (`held_<column>`), so that SQL can tell one inside it unseen.
struct StagingLoader {
    /// Comes before the keyed hash of an identifier that broke the format rule (a name sent as a youth_key,
    /// say): validate.sql refuses it, and a report withholds it where another column shows it, as a valid
    /// one. The raw value is never staged.
    static let invalidIdentifierMark = UInt8(ascii: "!")
    /// What a header or record cell that is not UTF-8 was expected to be.
    static let notUTF8 = "UTF-8 text (save the file as UTF-8)"
    static let chunkSize = 1 << 16
    /// Staged text is handed to libpq in pieces well below a socket's buffer (about 200 KB), so the
    /// server copies one piece while this process parses the next. With pieces of 256 KB each write
    /// waited for the server to drain the socket, and the two took turns: the largest extract of the
    /// 100,000-youth demo staged in 5.3 s instead of 2.5 s (8 KB pieces: 3.1 to 3.8 s).
    static let flushThreshold = 1 << 16

    let file: ExtractFormat.File
    let hasher: IdentifierHasher
    /// The file's youth_key column, for `heldKey`.
    private let keyColumn: Int?
    /// The columns kept as sent (goal_id), each staged with its `held_<column>`.
    private let keptAsSent: [Int]

    init(file: ExtractFormat.File, hasher: IdentifierHasher) {
        self.file = file
        self.hasher = hasher
        keyColumn = file.columns.firstIndex { $0.name == "youth_key" }
        keptAsSent = file.columns.indices.filter { file.columns[$0].keptAsSent }
    }

    /// What a load staged: nil from `load` when the file has no usable header, so no record was read.
    struct Loaded {
        var staged = 0
        /// Records with a problem found here (CSV structure, UTF-8), left out of the staging table.
        var leftOut = 0
    }

    /// Loads the file and says how many records were staged; problems go to `issues`.
    func load(from url: URL, into connection: PostgresConnection, issues: inout IssueList) throws -> Loaded? {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: url.path])
        }
        defer { try? handle.close() }
        let columnList = (["rec"] + file.stageColumns.map { "\"\($0.name)\"" }).joined(separator: ", ")
        var parser = CSVParser()
        var mapping: [Int?]? = nil  // header position → format column index
        var positions: [Int?] = []  // format column index → header position
        var memo = IdentifierMemo(hasher: hasher, columns: file.columns.count)
        var headerFailed = false
        var loaded = Loaded()
        var output: [UInt8] = []
        output.reserveCapacity(StagingLoader.flushThreshold + 4096)
        var localIssues = issues
        defer { issues = localIssues }

        try connection.copyIn("COPY pg_temp.\(file.stageTable) (\(columnList)) FROM STDIN") { writer in
            let handleRecord = { (record: CSVParser.Record) throws -> Void in
                if record.number == 0 {
                    mapping = self.mapHeader(record, issues: &localIssues)
                    headerFailed = mapping == nil
                    positions = self.file.columns.indices.map { index in mapping?.firstIndex(of: index) }
                    return
                }
                guard !headerFailed, let mapping else { return }
                if self.stage(
                    record, mapping: mapping, positions: positions, memo: &memo, into: &output, issues: &localIssues)
                {
                    loaded.staged += 1
                } else {
                    loaded.leftOut += 1
                }
                if output.count >= StagingLoader.flushThreshold {
                    try writer.write(output)
                    output.removeAll(keepingCapacity: true)
                }
            }
            // Once the header is refused no record is looked at, so the rest of the file is not read.
            while !headerFailed, let chunk = try handle.read(upToCount: StagingLoader.chunkSize), !chunk.isEmpty {
                try chunk.withUnsafeBytes { try parser.feed($0, handleRecord) }
            }
            if !headerFailed { try parser.finish(handleRecord) }
            if mapping == nil, !headerFailed {
                // No record at all: an empty file, or one of blank lines only.
                localIssues.append(
                    IngestIssue(
                        file: file.name,
                        expected: "a header row naming the columns; the file is "
                            + (parser.sawContent ? "blank (it has only empty lines)" : "empty")))
            }
            try writer.write(output)
        }
        return mapping == nil ? nil : loaded
    }

    /// Matches header names to the format's columns (case-insensitive, trimmed).
    private func mapHeader(_ record: CSVParser.Record, issues: inout IssueList) -> [Int?]? {
        let known = file.columns.map(\.name)
        var mapping: [Int?] = []
        var seen: [String: Int] = [:]
        var headerIssues: [IngestIssue] = []
        var matched = 0
        if let fault = record.fault {
            issues.append(IngestIssue(file: file.name, record: 0, expected: StagingLoader.explain(fault, header: true)))
            return nil
        }
        // A line break inside a header name means the file's lines did not end as the format says
        // (e.g. old Mac CR-only line endings, so the whole file reads as one header row): say so,
        // and show no value, since what follows the break is data and may hold identifiers.
        if (0..<record.fieldCount).contains(where: { record.field($0).contains { $0 == 0x0D || $0 == 0x0A } }) {
            issues.append(
                IngestIssue(
                    file: file.name, record: 0,
                    expected: "a header row on one line, and lines ending in LF or CRLF (save the file as CSV with "
                        + "Windows or Unix line endings)"))
            return nil
        }
        // A header cell with a digit may be an identifier (no column name of the format has one), from
        // a record run into the header: its position is named, not its text.
        func shown(_ raw: String) -> String? { raw.contains(where: \.isNumber) ? nil : raw }
        var unknown: [(position: Int, name: String)] = []
        var blank = 0
        for position in 0..<record.fieldCount {
            guard let raw = record.string(position) else {
                headerIssues.append(
                    IngestIssue(
                        file: file.name, record: 0, column: "#\(position + 1)",
                        expected: StagingLoader.notUTF8))
                mapping.append(nil)
                continue
            }
            let name = String(decoding: StagingLoader.trim(record.field(position)), as: UTF8.self).lowercased()
            if name.isEmpty {
                // Spreadsheets leave these where cells right of the table were once used (or a record's empty
                // value, when one has run into the header).
                blank += 1
                headerIssues.append(
                    IngestIssue(
                        file: file.name, record: 0, column: "#\(position + 1)",
                        expected: "a column name (this header cell is empty: delete the empty columns, "
                            + "e.g. at the right of the sheet, and save again)"))
                mapping.append(nil)
                continue
            }
            if let earlier = seen[name] {
                headerIssues.append(
                    IngestIssue(
                        file: file.name, record: 0, column: known.contains(name) ? name : "#\(position + 1)",
                        value: shown(raw), expected: "each column once (it is also column \(earlier + 1) of the header)"
                    ))
                mapping.append(nil)
                continue
            }
            seen[name] = position
            if let index = known.firstIndex(of: name) {
                mapping.append(index)
                matched += 1
            } else {
                unknown.append((position, name))
                headerIssues.append(
                    IngestIssue(
                        file: file.name, record: 0, column: "#\(position + 1)", value: shown(raw),
                        expected: "a column of \(file.name): \(known.joined(separator: ", "))"))
                mapping.append(nil)
            }
        }
        if matched == 0 {
            issues.append(
                IngestIssue(file: file.name, record: 0, expected: StagingLoader.noHeader(record, known: known)))
            return nil
        }
        // A record has run into the header line (a missing line break) when a cell that is no column begins
        // with the name of a column the header lacks (the last name and the first value joined) and is
        // followed by cells, none of them a column (the record's other values). One issue for the cause, and
        // none of the cells, which are data. (A misspelt name, "youth_keys", is followed by columns, or by none.)
        let lacking = file.columns.indices.filter { !mapping.contains($0) }.map { known[$0] }
        let runOn = unknown.contains { cell in
            lacking.contains { cell.name.count > $0.count && cell.name.hasPrefix($0) }
                && cell.position + 1 < mapping.count && mapping[(cell.position + 1)...].allSatisfy { $0 == nil }
        }
        // The records are read under a header with names that are no column of the file (or empty), or a column
        // named twice (its first is read), so that their cells are judged too; not when the header may be a record.
        var mayBeData = runOn
        if runOn {
            headerIssues = [
                IngestIssue(
                    file: file.name, record: 0,
                    expected: "a header row of column names only (\(unknown.count) of its \(record.fieldCount) cells "
                        + "are not columns of \(file.name): if the first record runs on from the header line, end the "
                        + "header with a line break)")
            ]
        } else if file.name == ExtractFormat.youthFile, unknown.count + blank >= matched {
            mayBeData = true
            // As many cells that are no column (or empty) as columns: they may be a record's values (run into
            // the header after a trailing comma), so each is named by its position only. Only in youth.csv:
            // a record run into another file's header holds a youth_key that youth.csv lists, which is withheld
            // when shown; a record of youth.csv is read nowhere else, and may hold a linkage_id.
            for index in headerIssues.indices where headerIssues[index].value != nil {
                headerIssues[index].value = nil
                headerIssues[index].expected +=
                    " (the name is not shown: as many cells of this header are no column as are, so they may be data)"
            }
        }
        // Nor when a required column is missing: every record would lack its value, and the rules that read it
        // would say nothing of them.
        let lackingRequired = file.columns.indices.filter { file.columns[$0].required && !mapping.contains($0) }
        for index in lackingRequired {
            headerIssues.append(
                IngestIssue(
                    file: file.name, record: 0, column: known[index], expected: "this required column in the header"))
        }
        for issue in headerIssues { issues.append(issue) }
        return mayBeData || !lackingRequired.isEmpty ? nil : mapping
    }

    /// Appends one record in COPY text format; returns false (with issues) when it cannot be staged.
    /// `mapping` takes a header position to its format column, `positions` a format column to its header position.
    private func stage(
        _ record: CSVParser.Record, mapping: [Int?], positions: [Int?], memo: inout IdentifierMemo,
        into output: inout [UInt8], issues: inout IssueList
    ) -> Bool {
        if let fault = record.fault {
            let column: String? = {
                switch fault {
                case .quoteInUnquotedField(let c), .textAfterClosingQuote(let c), .unterminatedQuote(let c),
                    .recordTooLong(let c):
                    return c <= mapping.count ? mapping[c - 1].map { file.columns[$0].name } : nil
                }
            }()
            issues.append(
                IngestIssue(
                    file: file.name, record: record.number, column: column,
                    expected: StagingLoader.explain(fault, header: false)))
            return false
        }
        guard record.fieldCount == mapping.count else {
            // A line of blanks or control characters only (spaces, an old end-of-file mark Ctrl-Z) is no record
            // with a comma too few: say what it is.
            let blank = (0..<record.fieldCount).allSatisfy { position in
                StagingLoader.trim(record.field(position)).allSatisfy { $0 < 0x20 || $0 == 0x7F }
            }
            issues.append(
                IngestIssue(
                    file: file.name, record: record.number,
                    expected: "\(mapping.count) fields as in the header (found \(record.fieldCount)); "
                        + (blank
                            ? "this line holds only blanks or control characters (such as a Ctrl-Z end-of-file "
                                + "mark): delete it"
                            : "quote values that contain commas")))
            return false
        }
        for position in 0..<mapping.count {
            guard let index = mapping[position] else { continue }
            let bytes = record.field(position)
            // PostgreSQL's text refuses the NUL byte, valid as it is in UTF-8: it is judged here.
            if !bytes.allSatisfy({ $0 < 0x80 && $0 != 0 }) {
                let expected: String
                if bytes.contains(0) {
                    expected = "text without NUL characters (byte 0); export the file again as CSV"
                } else if String(validating: bytes, as: UTF8.self) == nil {
                    expected = StagingLoader.notUTF8
                } else {
                    continue
                }
                let column = file.columns[index]
                issues.append(
                    IngestIssue(
                        file: file.name, record: record.number, column: column.name,
                        value: column.isIdentifier ? nil : String(decoding: bytes, as: UTF8.self), expected: expected))
                return false
            }
        }
        if let column = heldKey(record, positions: positions) {
            issues.append(
                IngestIssue(
                    file: file.name, record: record.number, column: file.columns[column].name,
                    expected: StagingLoader.holdsTheYouthKey(file.columns[column].name)))
            return false
        }
        StagingLoader.appendNumber(record.number, to: &output)
        for (index, column) in file.columns.enumerated() {
            output.append(UInt8(ascii: "\t"))
            guard let position = positions[index], case let cell = StagingLoader.trim(record.field(position)),
                !cell.isEmpty
            else {
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
                continue
            }
            guard column.isIdentifier else {
                StagingLoader.appendEscaped(cell, to: &output)
                continue
            }
            let placeholder = StagingLoader.isPlaceholder(cell)
            if IdentifierHasher.isValid(cell) && !placeholder {
                output.append(contentsOf: memo.hexDigest(cell, column: index))
            } else {
                // Hashed as a report reads a value it shows (the first line, its first characters, trimmed), so
                // that this one shown in another column is found whole, however long it is. Not a placeholder
                // (NULL, NA, or no letter or digit, as SAS's "."): it identifies nobody, and is shown elsewhere.
                output.append(StagingLoader.invalidIdentifierMark)
                let read = IngestIssue.asRead(String(decoding: cell, as: UTF8.self))
                if !placeholder, read.unicodeScalars.contains(where: IssueList.isLetterOrDigit) {
                    output.append(contentsOf: hasher.hexDigest(Array(StagingLoader.trim(Array(read.utf8)[...]))))
                }
            }
        }
        for index in keptAsSent {
            output.append(UInt8(ascii: "\t"))
            let cell = positions[index].map { StagingLoader.trim(record.field($0)) } ?? []
            output.append(contentsOf: memo.heldLiteral(cell, shortest: StagingLoader.shortestHeldKey))
        }
        output.append(UInt8(ascii: "\n"))
        return true
    }

    /// The column kept as sent (goal_id) of `record` that holds the record's own youth_key in any case, if
    /// any: a youth_key is kept only as its keyed hash, and a goal_id built from it would keep it as sent.
    /// (Judged here, as the raw key never reaches the server; validate.sql finds every identifier of the
    /// agency's youth written as it is.) A detail is kept only as one of its event's codes, so it is not looked
    /// at: a key can be part of a code by chance. Keys of fewer than `shortestHeldKey` characters are not
    /// looked for: `12` is in `G-12` by chance.
    private func heldKey(_ record: CSVParser.Record, positions: [Int?]) -> Int? {
        guard !keptAsSent.isEmpty, let keyColumn, let keyPosition = positions[keyColumn] else { return nil }
        let key = StagingLoader.trim(record.field(keyPosition))
        guard key.count >= StagingLoader.shortestHeldKey, IdentifierHasher.isValid(key) else { return nil }
        func folded(_ bytes: ArraySlice<UInt8>) -> [UInt8] { bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 } }
        for index in keptAsSent {
            // Of a cell with a line break only the first line is looked at, the part a refusal shows: the
            // cell is refused for the break, which tells the likelier cause, a stray quote that joined the
            // next records (the same youth's among them) to this one. (Most cells are shorter than the key: nothing
            // to fold.)
            guard let position = positions[index], case let field = record.field(position),
                case let bytes = field.prefix(while: { $0 != 0x0A && $0 != 0x0D }), bytes.count >= key.count
            else { continue }
            let (cell, wanted) = (folded(bytes), folded(key))
            if (0...(cell.count - wanted.count)).contains(where: {
                cell[$0..<($0 + wanted.count)].elementsEqual(wanted)
            }) {
                return index
            }
        }
        return nil
    }

    static let shortestHeldKey = 6
    static func holdsTheYouthKey(_ column: String) -> String {
        "a value without the record's youth_key in it (the value is not shown: a youth_key is kept only as a "
            + "keyed hash, so it may not be sent inside another column"
            + (column == "goal_id" ? "; give the goal a code of its own, such as G-1)" : ")")
    }

    /// What to say when the first line names no column of the file, with the likely cause when it can
    /// be told. The line itself is not shown: it may be data, with identifiers.
    static func noHeader(_ record: CSVParser.Record, known: [String]) -> String {
        let wanted = "a header row naming the columns (\(known.joined(separator: ", "))) as the first line"
        let fields = (0..<record.fieldCount).map { record.field($0) }
        if fields.contains(where: { $0.contains(0) }) {
            return wanted + "; this file has NUL bytes, as files saved as UTF-16 (\"Unicode text\") have: "
                + "save it as CSV in UTF-8"
        }
        if fields.count == 1, let line = record.string(0) {
            for (separator, name) in [(";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")] {
                let names = line.components(separatedBy: separator).map {
                    $0.trimmingCharacters(in: .whitespaces).lowercased()
                }
                if names.count > 1, names.contains(where: known.contains) {
                    return wanted + ", separated by commas (this one separates them with \(name): "
                        + "export the file as CSV with commas)"
                }
            }
        }
        return wanted
    }

    static func explain(_ fault: CSVParser.Fault, header: Bool) -> String {
        switch fault {
        case .quoteInUnquotedField:
            return "a value containing a double quote must be enclosed in double quotes, with the quote doubled (\"\")"
        case .textAfterClosingQuote:
            return "a comma or the end of the line right after a closing double quote"
        case .unterminatedQuote:
            return "a closing double quote: this quoted value runs to the end of the file"
        case .recordTooLong:
            return
                "a record of at most \(CSVParser.maximumRecordBytes >> 20) MiB and \(CSVParser.maximumFields) fields "
                + "(this one is longer: look for a double quote that is never closed, "
                + "or line endings other than LF or CRLF)"
        }
    }

    /// What exports and people write for no value: NULL, NA, NONE, NIL, UNKNOWN (in any case), or only zeros,
    /// `-` and `_` (`0`, `-`, `000`). Taken for an identifier, it would make every youth without a linkage_id
    /// one person.
    /// (Looked at for every identifier cell, so without allocating: most keys fail the first test at their
    /// first byte and are longer than the longest word.)
    static func isPlaceholder(_ bytes: ArraySlice<UInt8>) -> Bool {
        let filler: (UInt8) -> Bool = { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
        if !bytes.isEmpty, bytes.allSatisfy(filler) { return true }
        guard bytes.count <= 7 else { return false }
        return placeholderWords.contains { word in
            word.count == bytes.count && zip(bytes, word).allSatisfy { $0 | 0x20 == $1 }
        }
    }

    private static let placeholderWords = ["null", "na", "none", "nil", "unknown"].map { Array($0.utf8) }

    /// Every cell and header name is read without the blanks around it (`ExtractFormat.blanks`).
    static func trim(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first >= 0x80 || first == 0x20 || first == 0x09 {
            guard let blank = blanks.first(where: slice.starts(with:)) else { break }
            slice = slice.dropFirst(blank.count)
        }
        while let last = slice.last, last >= 0x80 || last == 0x20 || last == 0x09 {
            guard let blank = blanks.first(where: { slice.reversed().starts(with: $0.reversed()) }) else { break }
            slice = slice.dropLast(blank.count)
        }
        return slice
    }

    /// The UTF-8 of the blanks `trim` removes.
    private static let blanks: [[UInt8]] = ExtractFormat.blanks.map { Array(String($0).utf8) }

    static func appendNumber(_ number: Int, to output: inout [UInt8]) {
        output.append(contentsOf: String(number).utf8)
    }

    /// COPY text format: backslash, tab, newline and carriage return are escaped.
    static func appendEscaped(_ bytes: ArraySlice<UInt8>, to output: inout [UInt8]) {
        let special: (UInt8) -> Bool = { $0 == UInt8(ascii: "\\") || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard bytes.contains(where: special) else {
            output.append(contentsOf: bytes)
            return
        }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\t"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\n"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            default: output.append(byte)
            }
        }
    }
}
