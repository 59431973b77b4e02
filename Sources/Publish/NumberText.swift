/// Number formatting that never depends on the machine's locale or clock, so the same data
/// always gives the same bytes (POSIX style: `.` for decimals, `,` between thousands in the
/// HTML only; CSV numbers are written exactly as the database returns them).
public enum NumberText {
    /// Inserts thousands separators into a plain decimal text: `"1234567"` → `"1,234,567"`,
    /// `"-1234.50"` → `"-1,234.50"`. Text that is not a plain number is returned unchanged.
    public static func grouped(_ text: String) -> String {
        var body = Substring(text)
        var sign = ""
        if body.first == "-" {
            sign = "-"
            body = body.dropFirst()
        }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let integer = parts.first, !integer.isEmpty, integer.allSatisfy(\.isASCIIDigit),
            parts.count == 1 || parts[1].allSatisfy(\.isASCIIDigit)
        else { return text }
        var groups: [Substring] = []
        var end = integer.endIndex
        while end > integer.startIndex {
            let start = integer.index(end, offsetBy: -3, limitedBy: integer.startIndex) ?? integer.startIndex
            groups.append(integer[start..<end])
            end = start
        }
        let joined = groups.reversed().joined(separator: ",")
        return sign + joined + (parts.count == 2 ? "." + parts[1] : "")
    }

    /// `value` rounded half away from zero to `decimals` places, POSIX style: `fixed(2.345, 1)` → `"2.3"`,
    /// `fixed(-0.04, 1)` → `"0.0"`, `fixed(12, 0)` → `"12"`.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        precondition((0...6).contains(decimals), "decimals must be 0-6")
        guard value.isFinite else { return "" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        // Nudge by a relative epsilon so that 0.15 (stored as 0.1499999…) rounds like the decimal it stands for.
        let scaled = (abs(value) * scale * (1 + 1e-12)).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return String(value) }
        let units = Int64(scaled)
        let negative = value < 0 && units != 0
        var digits = String(units)
        if decimals > 0 {
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return (negative ? "-" : "") + digits
    }

    /// The shortest of `fixed(value, 0…6)` that reads back as `value` (for axis ticks such as 2.5 or 0.25).
    public static func short(_ value: Double) -> String {
        for decimals in 0...6 {
            let text = fixed(value, decimals: decimals)
            if let back = Double(text), abs(back - value) <= 1e-9 * max(1, abs(value)) { return text }
        }
        return fixed(value, decimals: 6)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
