import Foundation
import OutcomesStore

/// A file written through a fixed-size buffer (memory does not grow with the file).
///
/// The writers are used from one thread only; `@exclusivity(unchecked)` spares
/// the hot byte buffers the run-time exclusivity checks (a third of the run time).
final class BufferedFile {
    static let capacity = 1 << 16
    private let handle: FileHandle
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    let url: URL

    init(url: URL) throws {
        self.url = url
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw SynthError("cannot create \(url.path): \(String(cString: strerror(errno)))")
        }
        guard let handle = FileHandle(forWritingAtPath: url.path) else {
            throw SynthError("cannot open \(url.path) for writing")
        }
        self.handle = handle
        buffer.reserveCapacity(BufferedFile.capacity + 4096)
    }

    @inline(__always)
    func append(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= BufferedFile.capacity { try? flushNow() }
    }

    func append(_ text: String) { append(Array(text.utf8)) }

    private var failure: Error?

    private func flushNow() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            if failure == nil { failure = error }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flushNow()
        try handle.close()
        if let failure { throw SynthError("cannot write \(url.path): \(fileFailureReason(failure))") }
    }
}

/// One CSV file of an extract: the header comes from the reference tables
/// (ref.extract_column, in the format's order); the generator fills cells by
/// its own column positions and `commit()` writes them in the format's order,
/// quoting per RFC 4180 where needed. LF line endings. Cells live in one flat
/// byte buffer reused from row to row, so writing a row allocates nothing.
final class CSVTable {
    let name: String
    private let file: BufferedFile
    /// Bytes of the current row's cells, and each cell's range (generator order).
    @exclusivity(unchecked) private var scratch: [UInt8] = []
    @exclusivity(unchecked) private var starts: [Int]
    @exclusivity(unchecked) private var ends: [Int]
    /// For each column of the format, the generator's cell index.
    private let order: [Int]
    @exclusivity(unchecked) private var line: [UInt8] = []
    @exclusivity(unchecked) private(set) var rows = 0
    /// The last date written and its text (rows of one administration share a date).
    @exclusivity(unchecked) private var lastDay = Int.min
    @exclusivity(unchecked) private var lastDayText: [UInt8] = []

    /// `known` are the generator's column names; every column of the format must be among them.
    init(file format: SynthReference.ExtractFile, known: [String], directory: URL) throws {
        name = format.name
        var order: [Int] = []
        for column in format.columns {
            guard let index = known.firstIndex(of: column) else {
                throw SynthError("the format's column \(column) of \(format.name) is unknown to the generator")
            }
            order.append(index)
        }
        self.order = order
        starts = Array(repeating: 0, count: known.count)
        ends = Array(repeating: 0, count: known.count)
        file = try BufferedFile(url: directory.appendingPathComponent(format.name))
        file.append(format.columns.joined(separator: ",") + "\n")
        scratch.reserveCapacity(512)
        line.reserveCapacity(512)
    }

    @inline(__always) private func begin(_ i: Int) { starts[i] = scratch.count }
    @inline(__always) private func end(_ i: Int) { ends[i] = scratch.count }

    func set(_ i: Int, _ text: String) {
        begin(i)
        scratch.append(contentsOf: text.utf8)
        end(i)
    }

    func set(_ i: Int, _ text: String?) {
        if let text { set(i, text) }
    }

    func set(_ i: Int, _ day: Day) {
        begin(i)
        if day.number != lastDay {
            lastDay = day.number
            lastDayText.removeAll(keepingCapacity: true)
            day.appendISO(to: &lastDayText)
        }
        scratch.append(contentsOf: lastDayText)
        end(i)
    }

    func set(_ i: Int, _ day: Day?) {
        if let day { set(i, day) }
    }

    func set(month i: Int, _ day: Day) {
        begin(i)
        day.appendISO(to: &scratch, withDay: false)
        end(i)
    }

    func set(_ i: Int, _ number: Int) {
        begin(i)
        CSVTable.appendInt(number, to: &scratch)
        end(i)
    }

    /// A number of halves written as a decimal: 55 → "27.5", 60 → "30".
    func set(halves i: Int, _ halves: Int) {
        begin(i)
        CSVTable.appendInt(halves / 2, to: &scratch)
        if halves % 2 != 0 { scratch.append(contentsOf: [UInt8(ascii: "."), UInt8(ascii: "5")]) }
        end(i)
    }

    static func appendInt(_ number: Int, to bytes: inout [UInt8]) {
        var n = number
        if n < 0 {
            bytes.append(UInt8(ascii: "-"))
            n = -n
        }
        if n < 10 {
            bytes.append(UInt8(0x30 + n))
            return
        }
        let start = bytes.count
        while n > 0 {
            bytes.append(UInt8(0x30 + n % 10))
            n /= 10
        }
        bytes[start...].reverse()
    }

    /// Writes the row and clears every cell.
    func commit() {
        line.removeAll(keepingCapacity: true)
        for (position, index) in order.enumerated() {
            if position > 0 { line.append(UInt8(ascii: ",")) }
            let cell = scratch[starts[index]..<ends[index]]
            if cell.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D })
            {
                line.append(UInt8(ascii: "\""))
                for b in cell {
                    if b == UInt8(ascii: "\"") { line.append(b) }
                    line.append(b)
                }
                line.append(UInt8(ascii: "\""))
            } else {
                line.append(contentsOf: cell)
            }
        }
        line.append(0x0A)
        file.append(line)
        scratch.removeAll(keepingCapacity: true)
        for i in starts.indices {
            starts[i] = 0
            ends[i] = 0
        }
        rows += 1
    }

    func close() throws { try file.close() }

    /// One RFC 4180 field (for the small files written without a table).
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
