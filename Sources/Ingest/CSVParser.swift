/// A streaming RFC 4180 parser: bytes go in chunk by chunk, records come out one at a time.
///
/// It never holds more than the current record, so memory does not grow with
/// the file. Structural faults (a quote inside an unquoted field, text after a
/// closing quote, a quote left open at the end of the file) are reported on the
/// record instead of stopping the parse, so one upload yields every error.
public struct CSVParser {
    public enum Fault: Equatable, Sendable {
        case quoteInUnquotedField(column: Int)
        case textAfterClosingQuote(column: Int)
        case unterminatedQuote(column: Int)
        /// The record passed `maximumRecordBytes` or `maximumFields`; the rest of it was dropped.
        case recordTooLong(column: Int)
    }

    /// A record of the extract format is well under 1 KiB. Past these caps the parser
    /// keeps counting the record but stops storing it, so a quote that is never closed
    /// (which runs to the end of the file) cannot make it hold the whole file in memory.
    public static let maximumRecordBytes = 1 << 20
    public static let maximumFields = 4096

    /// One record. Field bytes are valid until the next record is produced.
    public struct Record {
        /// 0 = the header row, 1 = the first data row.
        public let number: Int
        public let fieldCount: Int
        public let fault: Fault?
        let bytes: [UInt8]
        let ends: [Int]

        public func field(_ index: Int) -> ArraySlice<UInt8> {
            let start = index == 0 ? 0 : ends[index - 1]
            return bytes[start..<ends[index]]
        }

        public func string(_ index: Int) -> String? {
            String(validating: field(index), as: UTF8.self)
        }
    }

    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted, afterQuoteCR
    }

    private var state = State.fieldStart
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private var fieldQuoted = false
    private var fault: Fault?
    private var recordNumber = 0
    private var atFileStart = true
    private var pendingBOM: [UInt8] = []
    /// True once any byte other than a byte-order mark was seen.
    public private(set) var sawContent = false

    public init() {
        bytes.reserveCapacity(1024)
        ends.reserveCapacity(32)
    }

    /// Feeds a chunk; `emit` is called for every record completed inside it.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, _ emit: (Record) throws -> Void) rethrows {
        var index = chunk.startIndex
        if atFileStart {
            // Strip a UTF-8 byte-order mark, even when it is split across chunks.
            while index < chunk.endIndex, pendingBOM.count < 3 {
                pendingBOM.append(chunk[index])
                index += 1
                if pendingBOM != Array([0xEF, 0xBB, 0xBF].prefix(pendingBOM.count)) { break }
            }
            if pendingBOM.count < 3, pendingBOM == Array([0xEF, 0xBB, 0xBF].prefix(pendingBOM.count)),
                index == chunk.endIndex
            {
                return  // wait for more bytes
            }
            atFileStart = false
            let carried = pendingBOM == [0xEF, 0xBB, 0xBF] ? [] : pendingBOM
            pendingBOM = []
            for byte in carried where consume(byte) { try emitRecord(emit) }
        }
        // The hot loop takes no closure: passing `emit` per byte made Swift retain
        // and release its captured context for every byte.
        while index < chunk.endIndex {
            if consume(chunk[index]) { try emitRecord(emit) }
            index += 1
        }
    }

    /// Signals the end of the input; emits a last record that has no final newline.
    public mutating func finish(_ emit: (Record) throws -> Void) rethrows {
        if atFileStart, !pendingBOM.isEmpty {
            let carried = pendingBOM == [0xEF, 0xBB, 0xBF] ? [] : pendingBOM
            atFileStart = false
            pendingBOM = []
            for byte in carried where consume(byte) { try emitRecord(emit) }
        }
        switch state {
        case .quoted:
            if fault == nil { fault = .unterminatedQuote(column: ends.count + 1) }
            if endRecord() { try emitRecord(emit) }
        case .fieldStart where ends.isEmpty && bytes.isEmpty:
            break  // the file ended with a newline
        default:
            if endRecord() { try emitRecord(emit) }
        }
    }

    /// Advances the state machine by one byte; true when a record is complete and waiting in the buffers.
    @inline(__always)
    private mutating func consume(_ byte: UInt8) -> Bool {
        sawContent = true
        switch state {
        case .fieldStart:
            switch byte {
            case UInt8(ascii: "\""):
                state = .quoted
                fieldQuoted = true
            case UInt8(ascii: ","):
                endField()
            case UInt8(ascii: "\n"):
                return endRecord()
            default:
                store(byte)
                state = .unquoted
            }
        case .unquoted:
            switch byte {
            case UInt8(ascii: ","):
                endField()
            case UInt8(ascii: "\n"):
                return endRecord()
            case UInt8(ascii: "\""):
                if fault == nil { fault = .quoteInUnquotedField(column: ends.count + 1) }
                store(byte)
            default:
                store(byte)
            }
        case .quoted:
            if byte == UInt8(ascii: "\"") {
                state = .quoteInQuoted
            } else {
                store(byte)
            }
        case .quoteInQuoted:
            switch byte {
            case UInt8(ascii: "\""):
                store(byte)
                state = .quoted
            case UInt8(ascii: ","):
                endField()
            case UInt8(ascii: "\n"):
                return endRecord()
            case UInt8(ascii: "\r"):
                state = .afterQuoteCR
            default:
                if fault == nil { fault = .textAfterClosingQuote(column: ends.count + 1) }
                store(byte)
                state = .unquoted
            }
        case .afterQuoteCR:
            if byte == UInt8(ascii: "\n") {
                return endRecord()
            } else {
                if fault == nil { fault = .textAfterClosingQuote(column: ends.count + 1) }
                store(UInt8(ascii: "\r"))
                state = .unquoted
                return consume(byte)
            }
        }
        return false
    }

    /// Keeps one byte of the current field, up to the record cap.
    @inline(__always)
    private mutating func store(_ byte: UInt8) {
        if bytes.count < CSVParser.maximumRecordBytes {
            bytes.append(byte)
        } else if fault == nil {
            fault = .recordTooLong(column: ends.count + 1)
        }
    }

    @inline(__always)
    private mutating func endField() {
        if ends.count < CSVParser.maximumFields {
            ends.append(bytes.count)
        } else if fault == nil {
            fault = .recordTooLong(column: ends.count + 1)
        }
        state = .fieldStart
        fieldQuoted = false
    }

    /// Closes the record; true when it is a record to emit (a blank line is not).
    private mutating func endRecord() -> Bool {
        // A CR before LF belongs to the line ending, not to an unquoted last field.
        if state == .unquoted, bytes.last == UInt8(ascii: "\r") {
            bytes.removeLast()
        }
        ends.append(bytes.count)
        // A line with nothing on it (or only a CR) is not a record.
        if ends == [0], fault == nil, !fieldQuoted {
            reset()
            return false
        }
        return true
    }

    private mutating func emitRecord(_ emit: (Record) throws -> Void) rethrows {
        defer { reset() }
        recordNumber += 1
        // The record shares the buffers only inside this scope: once it is gone they are
        // uniquely referenced again, so `reset` reuses them instead of allocating new ones.
        do {
            let record = Record(
                number: recordNumber - 1, fieldCount: ends.count, fault: fault, bytes: bytes, ends: ends)
            try emit(record)
        }
    }

    private mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        fault = nil
        state = .fieldStart
        fieldQuoted = false
    }
}
