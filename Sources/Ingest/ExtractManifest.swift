import Foundation
import PostgresClient

/// The contents of `extract.json`: which agency produced the extract, when, in which format.
public struct ExtractManifest: Equatable, Sendable {
    public static let fileName = "extract.json"
    public static let supportedVersions = [1]
    /// extract.json is a few lines; anything larger is not one.
    static let maximumSize = 64 * 1024

    /// The fields extract.json holds, and may hold only.
    public static let fields = ["format_version", "agency_code", "extracted_on"]

    public var formatVersion: Int
    public var agencyCode: String
    public var extractedOn: PostgresDate

    /// What a refused extract.json still tells: its problems, and agency_code and extracted_on when each field
    /// itself is right, so that the upload is still checked against them and every problem of it is reported at
    /// once.
    public struct Refusal: Error, Sendable {
        public var issues: IssueList
        public var agencyCode: String?
        public var extractedOn: PostgresDate?
    }

    /// Reads and checks the extract.json at `url`. No more of it is read than the largest one allowed, so a
    /// huge file is refused without being read whole. Throws when the file cannot be read at all.
    public static func parse(contentsOf url: URL, today: PostgresDate) throws -> Result<ExtractManifest, Refusal> {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw CocoaError(.fileReadNoPermission, userInfo: [NSFilePathErrorKey: url.path])
        }
        defer { try? handle.close() }
        return parse(try handle.read(upToCount: maximumSize + 1) ?? Data(), today: today)
    }

    /// Parses and checks extract.json, returning every problem found at once. `today` bounds
    /// extracted_on: an extract cannot have been produced later.
    public static func parse(_ data: Data, today: PostgresDate) -> Result<ExtractManifest, Refusal> {
        var issues = IssueList()
        func issue(_ column: String?, _ value: String?, _ expected: String) {
            issues.append(IngestIssue(file: fileName, column: column, value: value, expected: expected))
        }
        guard data.count <= maximumSize else {
            issue(
                nil, nil,
                "extract.json is larger than 64 KiB; it should hold only format_version, agency_code and extracted_on")
            return .failure(Refusal(issues: issues))
        }
        let structure = JSONStructure(data)
        guard let object = try? JSONSerialization.jsonObject(with: data), let fields = object as? [String: Any],
            !structure.hasTrailingComma
        else {
            issue(
                nil, nil,
                "a JSON object such as {\"format_version\": 1, \"agency_code\": \"LA-DCFS\", \"extracted_on\": \"2025-07-15\"}"
            )
            return .failure(Refusal(issues: issues))
        }
        for key in fields.keys.sorted() where !ExtractManifest.fields.contains(key) {
            issue(key, nil, "only format_version, agency_code and extracted_on; remove this field")
        }
        // A field written twice has no one value: JSONSerialization keeps the last, which may not be the one
        // meant. Each is told once, and its value is not used. (Only the format's fields: any other is told as
        // unknown, and a name the upload chose is never put into a message's text.)
        let written = structure.memberNames.filter(ExtractManifest.fields.contains)
        let times = Dictionary(written.map { ($0, 1) }, uniquingKeysWith: +)
        let repeated = Set(times.filter { $0.value > 1 }.keys)
        for name in ExtractManifest.fields.filter(repeated.contains) {
            issue(name, nil, "each field once; \(name) is given \(times[name] ?? 0) times, keep only the right one")
        }
        var version: Int?
        if !repeated.contains("format_version") {
            switch fields["format_version"] {
            case nil: issue("format_version", nil, "format_version is required; this release accepts version 1")
            case let number as NSNumber where !isBoolean(number) && number.doubleValue == 1:
                version = 1
            case let other?:
                issue(
                    "format_version", jsonText(other),
                    "a format version this release accepts: \(supportedVersions.map(String.init).joined(separator: ", "))"
                        + ((other as? String).flatMap(Int.init).map(supportedVersions.contains) == true
                            ? ", written as a number (without quotes)" : ""))
            }
        }
        var agency: String?
        if !repeated.contains("agency_code") {
            switch fields["agency_code"] {
            case let code as String where !code.trimmingCharacters(in: .whitespaces).isEmpty:
                agency = code.trimmingCharacters(in: .whitespaces)
            case nil: issue("agency_code", nil, "agency_code is required: the code your agency was registered with")
            case is String:
                issue(
                    "agency_code", nil,
                    "agency_code is required: the code your agency was registered with (it is blank)")
            case let other?:
                issue("agency_code", jsonText(other), "the code your agency was registered with, as a string")
            }
        }
        var extractedOn: PostgresDate?
        if !repeated.contains("extracted_on") {
            switch fields["extracted_on"] {
            case let text as String:
                extractedOn = PostgresDate(iso: text)
                if extractedOn == nil {
                    issue("extracted_on", text, "a date YYYY-MM-DD")
                } else if let date = extractedOn, date.year < 1900 || date > today {
                    extractedOn = nil
                    issue(
                        "extracted_on", text,
                        "the date the extract was produced, from 1900-01-01 to today (\(today)); it cannot be later")
                }
            case nil:
                issue("extracted_on", nil, "extracted_on is required: the date the extract was produced (YYYY-MM-DD)")
            case let other?: issue("extracted_on", jsonText(other), "a date YYYY-MM-DD, as a string")
            }
        }
        guard issues.isEmpty, let version, let agency, let extractedOn else {
            return .failure(Refusal(issues: issues, agencyCode: agency, extractedOn: extractedOn))
        }
        return .success(ExtractManifest(formatVersion: version, agencyCode: agency, extractedOn: extractedOn))
    }
}

/// What JSONSerialization does not tell of the JSON object in `data`: the names of its members in the order
/// written, repeats included, and whether a comma stands before a closing `}` or `]`, which JSON does not allow
/// but JSONSerialization reads. Used only on text it has read as an object, so this reads the structure
/// without checking it, in the encodings it reads (UTF-8, or UTF-16 or UTF-32 as Windows tools write them,
/// told apart as RFC 4627 does: by a byte-order mark or by the zero bytes of the first character).
private struct JSONStructure {
    var memberNames: [String] = []
    var hasTrailingComma = false

    init(_ data: Data) {
        guard let text = decodedJSON(data) else { return }
        var depth = 0
        var nameNext = false
        var commaOpen = false  // a comma, and nothing but blanks since
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            if commaOpen, scalar == "}" || scalar == "]" { hasTrailingComma = true }
            if !(scalar.properties.isWhitespace) { commaOpen = scalar == "," }
            switch scalar {
            case "\"":
                var token = "\""
                while let inner = scalars.next() {
                    token.unicodeScalars.append(inner)
                    if inner == "\\", let escaped = scalars.next() {
                        token.unicodeScalars.append(escaped)
                    } else if inner == "\"" {
                        break
                    }
                }
                if depth == 1, nameNext,
                    let name = try? JSONSerialization.jsonObject(with: Data(token.utf8), options: .fragmentsAllowed)
                        as? String
                {
                    memberNames.append(name)
                }
                nameNext = false
            case "{", "[":
                depth += 1
                nameNext = depth == 1
            case "}", "]": depth -= 1
            case ",": nameNext = depth == 1
            default: break
            }
        }
    }
}

/// `data` decoded in the encoding JSONSerialization would read it in.
private func decodedJSON(_ data: Data) -> String? {
    let head = Array(data.prefix(4)) + [1, 1, 1, 1]
    let encoding: String.Encoding
    switch (head[0], head[1], head[2], head[3]) {
    case (0, 0, 0xFE, 0xFF), (0, 0, 0, _): encoding = .utf32BigEndian
    case (0xFF, 0xFE, 0, 0), (_, 0, 0, 0): encoding = .utf32LittleEndian
    case (0xFE, 0xFF, _, _), (0, _, _, _): encoding = .utf16BigEndian
    case (0xFF, 0xFE, _, _), (_, 0, _, _): encoding = .utf16LittleEndian
    default: encoding = .utf8
    }
    return String(data: data, encoding: encoding)
}

/// JSON booleans also bridge to NSNumber; `true` must not pass for version 1.
private func isBoolean(_ number: NSNumber) -> Bool {
    String(cString: number.objCType) == "c"
}

/// A value of the wrong JSON type as it was written (`true`, `"1"`, `null`), not as Foundation prints it.
private func jsonText(_ value: Any) -> String {
    switch value {
    case let number as NSNumber where isBoolean(number): return number.boolValue ? "true" : "false"
    case is NSNull: return "null"
    default:
        let options: JSONSerialization.WritingOptions = [.fragmentsAllowed, .withoutEscapingSlashes]
        guard let data = try? JSONSerialization.data(withJSONObject: [value], options: options),
            let text = String(data: data, encoding: .utf8), text.count >= 2
        else { return "\(value)" }
        return String(text.dropFirst().dropLast())  // strip the array brackets
    }
}
