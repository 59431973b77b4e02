import Crypto
import Foundation

/// Turns an agency's youth_key or linkage_id into a keyed hash (HMAC-SHA256, hex).
///
/// The key is the deployment secret: without it nobody can test a guessed
/// identifier against the stored hashes, and the raw value is never stored.
public struct IdentifierHasher {
    /// HMAC state with the key already absorbed: each hash starts from a copy of it.
    private let keyed: HMAC<SHA256>

    public init(secret: String) {
        keyed = HMAC<SHA256>(key: SymmetricKey(data: Data(secret.utf8)))
    }

    /// The hex digest of an identifier's bytes.
    public func hash(_ identifier: some Sequence<UInt8>) -> String {
        String(decoding: hexDigest(Array(identifier)), as: UTF8.self)
    }

    /// Tells secrets apart without revealing them: the hash of a fixed text that no identifier can be
    /// (it has spaces). The database records it with the first ingest (core.hashing_secret).
    public var fingerprint: String { hash("outcomes: hashing secret check".utf8) }

    /// The hex digest as bytes, for writing straight into a COPY stream.
    func hexDigest(_ identifier: [UInt8]) -> [UInt8] {
        var mac = keyed
        mac.update(data: identifier)
        return Hex.bytes(mac.finalize())
    }

    /// 1–64 characters of A-Z a-z 0-9 _ - (the format's rule for youth_key and linkage_id).
    public static func isValid(_ identifier: ArraySlice<UInt8>) -> Bool {
        (1...maximumLength).contains(identifier.count) && identifier.allSatisfy(isIdentifierByte)
    }

    static let maximumLength = 64

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || isSeparator(byte)
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// How many stretches of one text are worth hashing to look for identifiers in it.
    static let candidateLimit = 256

    /// The runs of A-Z a-z 0-9 _ - in `bytes`: where identifiers can be written.
    private static func runs(in bytes: [UInt8]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start = 0
        while start < bytes.count {
            guard isIdentifierByte(bytes[start]) else {
                start += 1
                continue
            }
            var end = start
            while end < bytes.count, isIdentifierByte(bytes[end]) { end += 1 }
            runs.append(start..<end)
            start = end
        }
        return runs
    }

    /// Every stretch of `shortest` to 64 characters inside the runs of A-Z a-z 0-9 _ - of `bytes`: wherever an
    /// identifier of that length can be written, glued to other letters or digits or not. (A run of n
    /// characters has (n − shortest + 1)(n − shortest + 2) / 2 of them when n ≤ 64.)
    static func stretches(in bytes: [UInt8], shortest: Int) -> Set<ArraySlice<UInt8>> {
        var found = Set<ArraySlice<UInt8>>()
        for run in runs(in: bytes) {
            for begin in run where run.upperBound - begin >= shortest {
                for length in shortest...min(maximumLength, run.upperBound - begin) {
                    found.insert(bytes[begin..<(begin + length)])
                }
            }
        }
        return found
    }

    /// The stretches of `text` where an identifier may be written inside it (a record swallowed by a stray
    /// quote, a key built into a goal_id): each run of A-Z a-z 0-9 _ -, and within a run each join of
    /// neighbouring pieces between `-` and `_`, and each stretch from a separator to the run's end or from
    /// the run's start through a separator, of at most 64 characters. Nil when the text holds more than
    /// `candidateLimit` of them. Where the limit allows, also every stretch of 6 characters or more
    /// (`stretches`), so that an identifier glued to other letters or digits is found too ("CWS1234567");
    /// in a longer text (a run of 28 characters or more) only at the separators, or, with `allOrNone` (for a
    /// cell's value, which may hold a key glued inside a long code), nil.
    static func candidates(in text: some StringProtocol, allOrNone: Bool = false) -> Set<String>? {
        let bytes = Array(text.utf8)
        var found = Set<String>()
        for run in runs(in: bytes) {
            let (start, end) = (run.lowerBound, run.upperBound)
            // A piece begins where the run does or after a separator, and ends where the run does or before
            // one; an identifier that begins or ends with a separator is found from it to the run's end, or
            // from the run's start to it ("x_KEY" holds "_KEY", "KEY-x" holds "KEY-").
            var begins = [start]
            var ends = [end]
            var spans: [Range<Int>] = []
            for position in start..<end where isSeparator(bytes[position]) {
                if position > start {
                    ends.append(position)
                    spans.append(position..<end)
                }
                if position + 1 < end {
                    begins.append(position + 1)
                    spans.append(start..<(position + 1))
                }
            }
            for begin in begins {
                for finish in ends where finish > begin { spans.append(begin..<finish) }
            }
            for span in spans where span.count <= maximumLength {
                found.insert(String(decoding: bytes[span], as: UTF8.self))
                if found.count > candidateLimit { return nil }
            }
        }
        let glued = stretches(in: bytes, shortest: StagingLoader.shortestHeldKey)
        if glued.count <= candidateLimit {
            let all = found.union(glued.lazy.map { String(decoding: $0, as: UTF8.self) })
            if all.count <= candidateLimit { return all }
        }
        return allOrNone ? nil : found
    }
}

enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func string(_ bytes: some Sequence<UInt8>) -> String {
        String(decoding: Hex.bytes(bytes), as: UTF8.self)
    }

    static func bytes(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return out
    }
}

/// Remembers the last identifier hashed for each column: a youth's records usually come
/// together in a file, so most rows repeat the previous row's youth_key and skip the HMAC.
/// Likewise the held stretches of cells kept as sent: many youth's goals share codes (G-1).
struct IdentifierMemo {
    let hasher: IdentifierHasher
    private var last: [(identifier: [UInt8], digest: [UInt8])?]
    private var held: [[UInt8]: [UInt8]] = [:]
    private var heldBytes = 0
    private static let heldKept = 1 << 22

    init(hasher: IdentifierHasher, columns: Int) {
        self.hasher = hasher
        last = Array(repeating: nil, count: columns)
    }

    mutating func hexDigest(_ identifier: ArraySlice<UInt8>, column: Int) -> [UInt8] {
        if let seen = last[column], seen.identifier.elementsEqual(identifier) { return seen.digest }
        let bytes = Array(identifier)
        let digest = hasher.hexDigest(bytes)
        last[column] = (bytes, digest)
        return digest
    }

    /// The keyed hashes of every stretch of `shortest` to 64 characters inside the runs of A-Z a-z 0-9 _ - of a
    /// cell kept as sent (goal_id), wherever a youth_key or linkage_id can be written in it, glued to other
    /// letters or not, as a COPY array literal, or `\N` for none: validate.sql refuses the cell when one is an
    /// identifier of the agency's youth, since a goal_id is kept as sent. A cell of more than 64 characters
    /// fails its length rule and is never kept: `\N`. (So at most 59 × 60 / 2 = 1,770 stretches per cell.)
    mutating func heldLiteral(_ cell: ArraySlice<UInt8>, shortest: Int) -> [UInt8] {
        let none = Array("\\N".utf8)
        // Characters as PostgreSQL counts them: code points, i.e. the bytes that do not continue one.
        let characters = cell.lazy.filter { $0 & 0xC0 != 0x80 }.count
        guard cell.count >= shortest, characters <= IdentifierHasher.maximumLength else { return none }
        let bytes = Array(cell)
        if let known = held[bytes] { return known }
        let stretches = IdentifierHasher.stretches(in: bytes, shortest: shortest)
        let literal =
            stretches.isEmpty
            ? none
            : Array("{".utf8)
                + stretches.sorted { $0.lexicographicallyPrecedes($1) }.map { hasher.hexDigest(Array($0)) }
                .joined(separator: Array(",".utf8)) + Array("}".utf8)
        // The memo is emptied when it holds more than `heldKept` bytes.
        heldBytes += bytes.count + literal.count
        if heldBytes > IdentifierMemo.heldKept {
            held.removeAll(keepingCapacity: true)
            heldBytes = bytes.count + literal.count
        }
        held[bytes] = literal
        return literal
    }
}
