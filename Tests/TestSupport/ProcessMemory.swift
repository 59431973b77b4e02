import Foundation

/// Reads this process's memory figures from /proc/self/status (Linux).
public enum ProcessMemory {
    /// Peak resident set size ("high water mark") in bytes.
    public static func peakResident() -> Int? { field("VmHWM") }
    /// Current resident set size in bytes.
    public static func resident() -> Int? { field("VmRSS") }

    /// Reads `Name:   123 kB` from /proc/self/status.
    static func field(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("\(name):") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 3, parts[2] == "kB", let kilobytes = Int(parts[1]) else { return nil }
            return kilobytes * 1024
        }
        return nil
    }
}
