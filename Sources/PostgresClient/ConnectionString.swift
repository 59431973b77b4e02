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

    /// Every form a password may take in `conninfo`, longest first, for scrubbing text.
    ///
    /// Besides the parsed value this finds the password in strings libpq cannot
    /// parse (libpq quotes such a URI whole in its error message): the URL's
    /// user-info part, raw and percent-decoded, and any `password=` value.
    static func passwordForms(in conninfo: String) -> [String] {
        var forms: Set<String> = []
        if let parsed = password(in: conninfo) { forms.insert(parsed) }
        // scheme://user:password@host… — the user info ends at an "@" before the first "/".
        if let scheme = conninfo.range(of: "://") {
            let rest = conninfo[scheme.upperBound...]
            let authority = rest[..<(rest.firstIndex(of: "/") ?? rest.endIndex)]
            if let colon = authority.firstIndex(of: ":") {
                var cursor = authority.index(after: colon)
                while let at = authority[cursor...].firstIndex(of: "@") {
                    let raw = String(authority[authority.index(after: colon)..<at])
                    forms.insert(raw)
                    if let decoded = raw.removingPercentEncoding { forms.insert(decoded) }
                    cursor = authority.index(after: at)
                }
            }
        }
        // password=value (key=value form, or a URL query parameter), quoted or not.
        var search = conninfo.startIndex
        while let key = conninfo.range(of: "password", options: .caseInsensitive, range: search..<conninfo.endIndex) {
            search = key.upperBound
            var value = conninfo[key.upperBound...].drop(while: { $0 == " " })
            guard value.first == "=" else { continue }
            value = value.dropFirst().drop(while: { $0 == " " })
            if value.first == "'" {
                let body = value.dropFirst()
                forms.insert(String(body.prefix(while: { $0 != "'" })))
            } else {
                let token = String(value.prefix(while: { !$0.isWhitespace }))
                forms.insert(token)
                let queryValue = String(token.prefix(while: { $0 != "&" }))
                forms.insert(queryValue)
                if let decoded = queryValue.removingPercentEncoding { forms.insert(decoded) }
            }
        }
        return forms.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
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
