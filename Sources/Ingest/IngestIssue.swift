import Foundation

/// One problem found in an extract: where it is and what was expected instead.
///
/// `value` is nil for identifier columns (youth_key, linkage_id): their values
/// are never written into reports or logs, only the record number.
public struct IngestIssue: Codable, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1 = first data row; 0 = the header row; nil = the file as a whole.
    public var record: Int?
    public var column: String?
    public var value: String?
    public var expected: String
    /// As much of the value as read as can show an identifier (what is shown, and an identifier that begins
    /// there): the ingest withholds the value if it holds one of the extract's identifiers. Never written anywhere.
    var valueAsRead: String?
    /// The value of another cell that `expected` shows (a date or number it is compared with), withheld
    /// from `expected` when it is an identifier. Never written anywhere.
    var otherValue: String?
    /// `file` and `column` before they were shortened, as far as they can show an identifier.
    var fileAsRead = ""
    var columnAsRead: String?

    enum CodingKeys: String, CodingKey { case file, record, column, value, expected }

    /// Issues are equal when they say the same (what was read is only a means to that).
    public static func == (a: IngestIssue, b: IngestIssue) -> Bool {
        (a.file, a.record, a.column, a.value, a.expected) == (b.file, b.record, b.column, b.value, b.expected)
    }

    /// Text from the upload (a value, a header name, a zip entry's path) is made printable here, and
    /// values shortened, so the console, the `--report` file and the stored report show the same.
    /// `valueAsRead` is the value before any shortening, when it reaches here already cut (from SQL: its
    /// first `readLength` characters).
    init(
        file: String, record: Int? = nil, column: String? = nil, value: String? = nil, expected: String,
        valueAsRead: String?, otherValue: String? = nil
    ) {
        self.file = IngestIssue.printable(IngestIssue.shortened(file))
        self.record = record
        self.column = column.map { IngestIssue.printable(IngestIssue.shortened($0)) }
        fileAsRead = IngestIssue.asRead(file)
        columnAsRead = column.map(IngestIssue.asRead)
        self.value = value.map { IngestIssue.printable(IngestIssue.shortened($0)) }
        self.expected = expected
        self.valueAsRead = valueAsRead.map(IngestIssue.asRead)
        self.otherValue = otherValue
    }

    /// As much of a text as it is shown (its first line, `shortened`) and an identifier beginning in it.
    static func asRead(_ text: String) -> String {
        String(String.UnicodeScalarView(firstLine(text).prefix(readLength)))
    }

    /// At most this many characters (Unicode code points, as PostgreSQL counts them) of a value are shown.
    static let shownLength = 80
    /// What is shown of a value, and an identifier beginning in it.
    static let readLength = shownLength + IdentifierHasher.maximumLength

    public init(file: String, record: Int? = nil, column: String? = nil, value: String? = nil, expected: String) {
        self.init(file: file, record: record, column: column, value: value, expected: expected, valueAsRead: value)
    }

    public var description: String {
        var place = file
        if let record { place += record == 0 ? ", header" : ", record \(record)" }
        if let column { place += ", column \(column)" }
        let shown = value.map { " (found \"\($0)\")" } ?? ""
        return "\(place): \(expected)\(shown)"
    }

    /// Only the first line of a value is shown: when a stray quote joined records into one value, what
    /// follows a line break is other records, with their identifiers. Values of more than 80 characters are
    /// cut to 77, so one bad cell cannot flood a report. A cut value ends in "…".
    static func shortened(_ value: String) -> String {
        var shown = firstLine(value)
        var cut = shown.count < value.unicodeScalars.count
        if shown.count > shownLength {
            shown = shown.prefix(shownLength - 3)
            cut = true
        }
        return String(String.UnicodeScalarView(shown)) + (cut ? "…" : "")
    }

    private static func firstLine(_ value: String) -> Substring.UnicodeScalarView {
        let scalars = Substring(value).unicodeScalars
        return scalars[..<(scalars.firstIndex { $0 == "\n" || $0 == "\r" } ?? scalars.endIndex)]
    }

    /// Control characters (a NUL byte, a line break, a tab) become U+FFFD: a report stays one line per
    /// issue, and PostgreSQL, which refuses NUL in text, can store it. Blanks that look like a space or like
    /// nothing (a no-break space, a zero-width space, a byte-order mark) are named, as <U+00A0>: an agency
    /// told that "female" is refused must see what else the cell holds.
    static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) || isHidden($0) }) else { return text }
        var shown = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                shown.append("\u{FFFD}")
            } else if isHidden(scalar) {
                shown.append(contentsOf: "<U+\(String(format: "%04X", scalar.value))>".unicodeScalars)
            } else {
                shown.append(scalar)
            }
        }
        return String(shown)
    }

    /// C0 and C1 controls (U+0085, "next line", breaks lines too) and DEL.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    private static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .spaceSeparator: return scalar != " "
        case .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }
}

/// Collects issues up to a cap while counting all of them.
public struct IssueList: Error, Sendable {
    /// How many issues a report lists; the total is always counted.
    public static let cap = 1000

    public private(set) var listed: [IngestIssue] = []
    public private(set) var total = 0

    public init() {}

    public mutating func append(_ issue: IngestIssue) {
        total += 1
        if listed.count < IssueList.cap { listed.append(issue) }
    }

    public mutating func add(count: Int, listing issues: [IngestIssue]) {
        total += count
        for issue in issues where listed.count < IssueList.cap { listed.append(issue) }
    }

    public var isEmpty: Bool { total == 0 }

    /// Names the upload chose (a file or zip entry, a header cell, a field of extract.json), not the format's
    /// own names nor a header position ("#3").
    private static func fromUpload(_ name: String?, ownNames: Set<String>) -> String? {
        guard let name, !ownNames.contains(name), !(name.first == "#" && name.dropFirst().allSatisfy(\.isNumber))
        else { return nil }
        return name
    }

    /// Hides values and names that hold identifiers of the extract, or too many stretches to look them all up,
    /// and says why nothing is shown. The stretches of every listed value and name from the upload that could
    /// be an identifier are worked out once and handed to `identifiers` at once, which returns those that are
    /// one; `ownNames` are the format's file and column names, never checked. `youthListedInFull`: every
    /// record of youth.csv was read (so the youth of other files that it lists are known). `quoted`: values of
    /// the upload that messages quote in their text (extract.json's extracted_on, in the date bound), each
    /// replaced by "…" where it is, whole, an identifier.
    mutating func withhold(
        ownNames: Set<String>, youthListedInFull: Bool, quoted: [String] = [],
        identifiers lookUp: (Set<String>) throws -> Set<String>
    ) rethrows {
        // Per listed issue: nil when there is nothing to check, else the stretches (nil: too many).
        // (A value with a run too long to look for every key glued inside it is not shown; a name is looked
        // at its separators then: upload names such as "extract-2025-08-15-ALAMEDA-CWS" are common.)
        func stretches(_ text: String?, allOrNone: Bool = false) -> Set<String>?? {
            text.map { IdentifierHasher.candidates(in: $0, allOrNone: allOrNone) }
        }
        let files = listed.map { stretches(IssueList.fromUpload($0.fileAsRead, ownNames: ownNames)) }
        let columns = listed.map { stretches(IssueList.fromUpload($0.columnAsRead, ownNames: ownNames)) }
        let values = listed.map { stretches($0.value == nil ? nil : $0.valueAsRead, allOrNone: true) }
        // Each shown value as a whole, as an identifier is read (without the blanks around it): it may be one
        // sent in a youth_key or linkage_id column that broke the format's rule there ("Jane Doe").
        let wholes = listed.map { issue in
            issue.value == nil
                ? nil
                : issue.valueAsRead.map { String(decoding: StagingLoader.trim(Array($0.utf8)[...]), as: UTF8.self) }
        }
        var all = Set(listed.compactMap(\.otherValue) + wholes.compactMap { $0 } + quoted)
        for case let found?? in files + columns + values { all.formUnion(found) }
        let identifiers = try lookUp(all)
        for value in quoted where identifiers.contains(value) {
            for index in listed.indices {
                listed[index].expected = listed[index].expected.replacingOccurrences(of: value, with: "…")
            }
        }
        let unsure = unsure(youthListedInFull: youthListedInFull, wholes: wholes)

        for index in listed.indices {
            if let name = files[index], let shown = IssueList.hidden(name, among: identifiers) {
                listed[index].file = shown
            }
            if let name = columns[index], let shown = IssueList.hidden(name, among: identifiers) {
                listed[index].column = shown
            }
            // Another cell's value shown in `expected`: a date or a number that passed its rule, so an
            // identifier only when the whole of it is one (a numeric or date-like key in a swapped column).
            if let other = listed[index].otherValue, identifiers.contains(other) {
                // (Shown last in each message that has one: "… (2024-03-01)", "… which ends 2024-03-01)".)
                if let shown = listed[index].expected.range(of: other, options: .backwards) {
                    listed[index].expected.replaceSubrange(shown, with: "…")
                }
                listed[index].expected += IssueList.withheldOtherNote
            }
            guard let value = values[index], let whole = wholes[index] else { continue }
            let note: String
            if identifiers.contains(whole) {
                note = IssueList.withheldNote
            } else if let value {
                if !value.isDisjoint(with: identifiers) {
                    note = IssueList.withheldPartNote
                } else if let unsureNote = unsure[index] {
                    note = unsureNote
                } else {
                    continue
                }
            } else {
                note = IssueList.uncheckedNote
            }
            listed[index].value = nil
            listed[index].expected += note
        }
    }

    /// The listed issues whose value could be an identifier that is known nowhere, each with the note that says
    /// why it is not shown. Identifiers are known from the identifier columns of the upload and the current
    /// snapshot; but when a header names the columns in another order than its records, they are read as,
    /// say, genders, and what is read as youth_key or linkage_id is not them. That shows as youth that
    /// youth.csv does not list, except in youth.csv itself. So a refused value written like an identifier or a
    /// name (`couldBeAnIdentifier`) is not shown in youth.csv, nor in a record whose youth is not known from
    /// youth.csv: one with an issue of its youth_key (the first column of every file, so listed before the
    /// record's others even in a capped list). However often a value is refused, it may be a key: one youth
    /// has many records, and a linkage_id may be several youth's. When youth.csv was not read in full (missing,
    /// or records left out for their structure or bytes, whose identifiers are then known nowhere), no refused
    /// value of another file is shown, however it is written (a key glued into a list, "online;LNK5555"), and
    /// a header cell of another file written like a key or a name is not shown either (a record run into the
    /// header may hold a key).
    /// (`wholes`: each listed issue's shown value as an identifier is read, nil when none is shown.)
    private func unsure(youthListedInFull: Bool, wholes: [String?]) -> [Int: String] {
        let youthUnknown = Set(
            listed.filter { $0.column == "youth_key" && $0.record != nil }.map { "\($0.file)\n\($0.record ?? 0)" })
        var notes: [Int: String] = [:]
        for (index, issue) in listed.enumerated() {
            guard let record = issue.record, let whole = wholes[index] else { continue }
            let note: String
            if issue.file == ExtractFormat.youthFile {
                // (Its header cells have a rule of their own, StagingLoader.mapHeader.)
                guard record > 0 else { continue }
                note = IssueList.unsureNote
            } else if record == 0 {
                guard !youthListedInFull else { continue }
                note = IssueList.unknownYouthHeaderNote
            } else if !youthListedInFull {
                notes[index] = IssueList.youthNotReadNote
                continue
            } else {
                guard youthUnknown.contains("\(issue.file)\n\(record)") else { continue }
                note = IssueList.unknownYouthNote
            }
            if IssueList.couldBeAnIdentifier(whole) { notes[index] = note }
        }
        return notes
    }

    /// Letters (of any script, with their accents), digits, spaces and _ - ' ’ . , only, with a letter or a
    /// digit: a youth_key or linkage_id, valid (A-Z a-z 0-9 _ -) or not, as when an agency keys its youth by
    /// name ("Jane Doe", "Doe, Jane A.", "O’Neil"). Codes, dates and numbers that are slightly off are written
    /// so too ("woman", "2009-13", "F."); a multi-value cell ("BLACK;;WHITE") or a date with slashes is not.
    /// Hidden characters (a zero-width or no-break space) and bytes that were not UTF-8 (read as U+FFFD, as
    /// "Jos\u{FFFD}" of a file saved as Windows-1252) prove nothing: they are passed over.
    static func couldBeAnIdentifier(_ value: String) -> Bool {
        let scalars = value.unicodeScalars
        return scalars.contains(where: isLetterOrDigit)
            && scalars.allSatisfy {
                isLetterOrDigit($0) || " _-'\u{2019}.,\u{FFFD}".unicodeScalars.contains($0)
                    || [.nonspacingMark, .spacingMark, .format, .spaceSeparator].contains($0.properties.generalCategory)
            }
    }

    static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// What is shown in place of a name from the upload (a file, the upload itself) whose `stretches` (those
    /// that could be an identifier; nil: too many to look up) hold one of `identifiers`; nil when it may be shown.
    static func hidden(_ stretches: Set<String>?, among identifiers: Set<String>) -> String? {
        guard let stretches else { return uncheckedName }
        return stretches.isDisjoint(with: identifiers) ? nil : withheldName
    }

    static let withheldNote =
        " (the value is not shown: it is one of this extract's youth_key or linkage_id values; "
        + "check that the columns are in the header's order)"
    static let unsureNote =
        " (the value is not shown: in youth.csv, where the youth's identifiers are, a value written like a youth_key, "
        + "a linkage_id or a name is not shown; check that the columns are in the header's order)"
    static let unknownYouthNote =
        " (the value is not shown: where the record's youth is not known from youth.csv, a value written like a "
        + "youth_key, a linkage_id or a name is not shown; check that the columns are in the header's order)"
    static let youthNotReadNote =
        " (the value is not shown: youth.csv was not read in full, so the youth's identifiers are not all known; "
        + "correct youth.csv first)"
    static let unknownYouthHeaderNote =
        " (the name is not shown: youth.csv was not read in full, so the youth's identifiers are not known, and a "
        + "header cell written like a youth_key, a linkage_id or a name may be one, of a record run into the header)"
    static let withheldPartNote =
        " (the value is not shown: a part of it is one of this extract's youth_key or linkage_id values)"
    static let withheldName = "(a name that holds a youth_key or linkage_id value: not shown)"
    static let uncheckedName = "(a name with too many parts to check that it holds no youth_key or linkage_id)"
    static let withheldOtherNote =
        " (a value of another column is not shown: it is one of this extract's youth_key or linkage_id values)"
    static let uncheckedNote =
        " (the value is not shown: it has too many parts to check that it holds no youth_key or linkage_id)"

    /// Adds the issues found apart (by SQL, after those found while reading the files) and lists the first
    /// `cap` of all as an agency reads them: by file (`fileOrder`; the upload's own problems first), record
    /// (the file as a whole first), and as found. Each side lists its own first issues in that order, so
    /// the first `cap` of both are among them: a later file's problems found while reading cannot push out
    /// an earlier file's found by SQL.
    public mutating func merge(count: Int, listing issues: [IngestIssue], fileOrder: [String]) {
        func rank(_ file: String) -> Int { fileOrder.firstIndex(of: file) ?? -1 }
        total += count
        // (Swift's sort is stable: issues of one record keep their order.)
        listed = Array(
            (listed + issues).sorted { a, b in
                (rank(a.file), a.file, a.record ?? -1) < (rank(b.file), b.file, b.record ?? -1)
            }.prefix(IssueList.cap))
    }
}
