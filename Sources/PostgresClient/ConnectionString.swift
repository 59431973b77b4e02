import CLibPQ

/// Reads a conninfo string or URL the way libpq does, so the project never parses one by hand.
public enum ConnectionString {
    /// The parsed options, or nil when libpq cannot parse the string.
    public static func options(of conninfo: String) -> [String: String]? {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            if let errorMessage { PQfreemem(errorMessage) }
            return nil
        }
        defer { PQconninfoFree(options) }
        var result: [String: String] = [:]
        var cursor = options
        while let keyword = cursor.pointee.keyword {
            if let value = cursor.pointee.val { result[String(cString: keyword)] = String(cString: value) }
            cursor += 1
        }
        return result
    }

    public static func password(in conninfo: String) -> String? {
        options(of: conninfo)?["password"]
    }

    /// A description safe to print: host, port, user and database, never the password.
    public static func redacted(_ conninfo: String) -> String {
        guard let options = options(of: conninfo) else { return "(unparseable connection string)" }
        let host = options["host"] ?? options["hostaddr"] ?? "localhost"
        let port = options["port"] ?? "5432"
        let user = options["user"].map { "\($0)@" } ?? ""
        let db = options["dbname"] ?? ""
        return "postgresql://\(user)\(host):\(port)/\(db)"
    }
}
