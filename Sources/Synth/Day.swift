import PostgresClient

/// A calendar date as a day number (days since 1970-01-01), with the civil
/// calendar conversions of Howard Hinnant's `days_from_civil` / `civil_from_days`.
/// Pure integer arithmetic: no time zones, no clock, no Foundation calendars.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var number: Int

    public init(number: Int) { self.number = number }

    public init(year: Int, month: Int, day: Int) {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        number = era * 146_097 + doe - 719_468
    }

    /// Parses `YYYY-MM-DD` strictly (a real calendar date), by the project's one date parser.
    public init?(iso text: String) {
        guard let date = PostgresDate(iso: text) else { return nil }
        self.init(year: date.year, month: date.month, day: date.day)
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = number + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public var year: Int { components.year }

    /// Month lengths are the client's calendar rule; one definition for the whole project.
    public static func daysIn(month: Int, year: Int) -> Int {
        PostgresDate.daysIn(month: month, year: year)
    }

    /// The first day of this day's month.
    public var firstOfMonth: Day {
        let c = components
        return Day(year: c.year, month: c.month, day: 1)
    }

    /// Whole years from `birth` to this day (age on this day).
    public func years(since birth: Day) -> Int {
        let a = components, b = birth.components
        var age = a.year - b.year
        if a.month < b.month || (a.month == b.month && a.day < b.day) { age -= 1 }
        return age
    }

    /// The same month and day `years` later (29 February becomes 28 February).
    public func adding(years: Int) -> Day {
        let c = components
        let y = c.year + years
        return Day(year: y, month: c.month, day: min(c.day, Day.daysIn(month: c.month, year: y)))
    }

    /// Monday … Friday days in the closed interval `from` … `through` (0 when it is empty).
    public static func weekdays(from: Day, through: Day) -> Int {
        guard through >= from else { return 0 }
        let days = through - from + 1
        var count = days / 7 * 5
        // 1970-01-01 (day 0) was a Thursday: (number + 3) mod 7 is 0 on Mondays … 6 on Sundays.
        var weekday = ((from.number + 3) % 7 + 7) % 7
        for _ in 0..<(days % 7) {
            if weekday < 5 { count += 1 }
            weekday = (weekday + 1) % 7
        }
        return count
    }

    public static func + (lhs: Day, rhs: Int) -> Day { Day(number: lhs.number + rhs) }
    public static func - (lhs: Day, rhs: Int) -> Day { Day(number: lhs.number - rhs) }
    public static func - (lhs: Day, rhs: Day) -> Int { lhs.number - rhs.number }
    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.number < rhs.number }

    /// `YYYY-MM-DD`.
    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10)
        appendISO(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `YYYY-MM`.
    public var monthText: String {
        var bytes: [UInt8] = []
        appendISO(to: &bytes, withDay: false)
        return String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always)
    func appendISO(to bytes: inout [UInt8], withDay: Bool = true) {
        let c = components
        let y = c.year
        bytes.append(UInt8(0x30 + (y / 1000) % 10))
        bytes.append(UInt8(0x30 + (y / 100) % 10))
        bytes.append(UInt8(0x30 + (y / 10) % 10))
        bytes.append(UInt8(0x30 + y % 10))
        bytes.append(UInt8(ascii: "-"))
        bytes.append(UInt8(0x30 + c.month / 10))
        bytes.append(UInt8(0x30 + c.month % 10))
        if withDay {
            bytes.append(UInt8(ascii: "-"))
            bytes.append(UInt8(0x30 + c.day / 10))
            bytes.append(UInt8(0x30 + c.day % 10))
        }
    }

    /// Uniform day in the closed interval (the lower bound when it is empty).
    static func random(_ from: Day, _ to: Day, _ rng: inout SynthRandom) -> Day {
        to <= from ? from : Day(number: rng.int(from.number...to.number))
    }
}
