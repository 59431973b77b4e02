import Foundation

/// PostgreSQL type OIDs the client decodes (see `pg_type`).
public struct PostgresType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let bool = PostgresType(rawValue: 16)
    public static let name = PostgresType(rawValue: 19)
    public static let int8 = PostgresType(rawValue: 20)
    public static let int2 = PostgresType(rawValue: 21)
    public static let int4 = PostgresType(rawValue: 23)
    public static let text = PostgresType(rawValue: 25)
    public static let oid = PostgresType(rawValue: 26)
    public static let json = PostgresType(rawValue: 114)
    public static let float4 = PostgresType(rawValue: 700)
    public static let float8 = PostgresType(rawValue: 701)
    public static let bpchar = PostgresType(rawValue: 1042)
    public static let varchar = PostgresType(rawValue: 1043)
    public static let date = PostgresType(rawValue: 1082)
    public static let timestamp = PostgresType(rawValue: 1114)
    public static let timestamptz = PostgresType(rawValue: 1184)
    public static let numeric = PostgresType(rawValue: 1700)
    public static let jsonb = PostgresType(rawValue: 3802)

    public var description: String {
        switch self {
        case .bool: "boolean"
        case .name: "name"
        case .int8: "bigint"
        case .int2: "smallint"
        case .int4: "integer"
        case .text: "text"
        case .oid: "oid"
        case .json: "json"
        case .float4: "real"
        case .float8: "double precision"
        case .bpchar: "character"
        case .varchar: "character varying"
        case .date: "date"
        case .timestamp: "timestamp"
        case .timestamptz: "timestamp with time zone"
        case .numeric: "numeric"
        case .jsonb: "jsonb"
        default: "type oid \(rawValue)"
        }
    }
}

/// A value that can be sent as a bound parameter, in PostgreSQL's text format.
public protocol PostgresBindable: Sendable {
    var postgresText: String { get }
}

/// A value that can be read from a column in PostgreSQL's text format.
public protocol PostgresDecodable {
    /// The column types this Swift type accepts; decoding any other type is an error naming the column.
    static var acceptedTypes: Set<PostgresType> { get }
    /// Parses the text form; returns nil when the text is not a valid value of the type.
    init?(postgresText: String)
}

extension String: PostgresBindable, PostgresDecodable {
    public var postgresText: String { self }
    public static let acceptedTypes: Set<PostgresType> = [.text, .varchar, .bpchar, .name, .json, .jsonb]
    public init?(postgresText: String) { self = postgresText }
}

/// A one-dimensional text array (`$1::text[]`): every element is quoted, so commas, braces, quotes
/// and backslashes inside an element stay in it.
extension Array: PostgresBindable where Element == String {
    public var postgresText: String {
        let elements = map { element in
            "\"" + element.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                + "\""
        }
        return "{" + elements.joined(separator: ",") + "}"
    }
}

extension Int: PostgresBindable, PostgresDecodable {
    public var postgresText: String { String(self) }
    public static let acceptedTypes: Set<PostgresType> = [.int2, .int4, .int8, .oid]
    public init?(postgresText: String) { self.init(postgresText, radix: 10) }
}

extension Int32: PostgresBindable, PostgresDecodable {
    public var postgresText: String { String(self) }
    public static let acceptedTypes: Set<PostgresType> = [.int2, .int4]
    public init?(postgresText: String) { self.init(postgresText, radix: 10) }
}

extension Int64: PostgresBindable, PostgresDecodable {
    public var postgresText: String { String(self) }
    public static let acceptedTypes: Set<PostgresType> = [.int2, .int4, .int8, .oid]
    public init?(postgresText: String) { self.init(postgresText, radix: 10) }
}

extension Double: PostgresBindable, PostgresDecodable {
    public var postgresText: String { String(self) }
    public static let acceptedTypes: Set<PostgresType> = [.float4, .float8, .numeric, .int2, .int4, .int8]
    public init?(postgresText: String) {
        switch postgresText {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(postgresText) else { return nil }
            self = value
        }
    }
}

extension Bool: PostgresBindable, PostgresDecodable {
    public var postgresText: String { self ? "true" : "false" }
    public static let acceptedTypes: Set<PostgresType> = [.bool]
    public init?(postgresText: String) {
        switch postgresText {
        case "t": self = true
        case "f": self = false
        default: return nil
        }
    }
}

extension Decimal: PostgresBindable, PostgresDecodable {
    public var postgresText: String { "\(self)" }
    public static let acceptedTypes: Set<PostgresType> = [.numeric, .int2, .int4, .int8]
    public init?(postgresText: String) {
        guard let value = Decimal(string: postgresText, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        self = value
    }
}

/// A calendar date without a time zone, as PostgreSQL's `date`.
public struct PostgresDate: Hashable, Comparable, Sendable, CustomStringConvertible, PostgresBindable,
    PostgresDecodable
{
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD` strictly (the only form the project reads and writes). Year 0000 is refused,
    /// as PostgreSQL refuses it (the year before 1 AD is 1 BC).
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        // Digits only: Int("+1") is 1, which would let "2024-+1-05" through.
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), y >= 1,
            (1...12).contains(m), d >= 1, d <= PostgresDate.daysIn(month: m, year: y)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The date of `now` in UTC, the time zone of every session of the project.
    public static func today(_ now: Date = Date()) -> PostgresDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return PostgresDate(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public var description: String {
        let y = String(year)
        let m = month < 10 ? "0\(month)" : "\(month)"
        let d = day < 10 ? "0\(day)" : "\(day)"
        return "\(String(repeating: "0", count: max(0, 4 - y.count)))\(y)-\(m)-\(d)"
    }

    public var postgresText: String { description }
    public static let acceptedTypes: Set<PostgresType> = [.date]
    public init?(postgresText: String) { self.init(iso: postgresText) }

    public static func < (lhs: PostgresDate, rhs: PostgresDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

extension Date: PostgresDecodable {
    public static let acceptedTypes: Set<PostgresType> = [.timestamptz]
    /// Parses the ISO output of a session whose TimeZone is UTC (the client sets it on connect).
    public init?(postgresText: String) {
        // e.g. 2025-07-15 10:11:12.123456+00
        var text = postgresText
        if text.hasSuffix("+00") { text.removeLast(3) } else { return nil }
        let parts = text.split(separator: " ")
        guard parts.count == 2, let date = PostgresDate(iso: String(parts[0])) else { return nil }
        let time = parts[1].split(separator: ":")
        guard time.count == 3, let h = Int(time[0]), let mi = Int(time[1]), let s = Double(time[2]) else { return nil }
        var components = DateComponents()
        components.year = date.year
        components.month = date.month
        components.day = date.day
        components.hour = h
        components.minute = mi
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let base = calendar.date(from: components) else { return nil }
        self = base.addingTimeInterval(s)
    }
}
