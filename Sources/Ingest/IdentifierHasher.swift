import Crypto
import Foundation

/// Turns an agency's youth_key or linkage_id into a keyed hash (HMAC-SHA256, hex).
///
/// The key is the deployment secret: without it nobody can test a guessed
/// identifier against the stored hashes, and the raw value is never stored.
public struct IdentifierHasher {
    private let key: SymmetricKey

    public init(secret: String) {
        key = SymmetricKey(data: Data(secret.utf8))
    }

    /// The hex digest of an identifier's bytes.
    public func hash(_ identifier: some Sequence<UInt8>) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(identifier), using: key)
        return Hex.encode(code)
    }

    /// 1–64 characters of A-Z a-z 0-9 _ - (the format's rule for youth_key and linkage_id).
    public static func isValid(_ identifier: ArraySlice<UInt8>) -> Bool {
        guard (1...64).contains(identifier.count) else { return false }
        return identifier.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }
}

enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
