import PostgresClient

/// Everything the generator takes from the reference tables (SQL/migrations/0001_reference.sql):
/// counties with population, every code list, instruments and their items, and
/// the extract format's files and columns. Nothing here is a second copy in Swift.
public struct SynthReference: Sendable {
    public struct County: Sendable, Equatable {
        public var number: Int
        public var fips: String
        public var name: String
        public var slug: String
        public var population: Int

        public init(number: Int, fips: String, name: String, slug: String, population: Int) {
            self.number = number
            self.fips = fips
            self.name = name
            self.slug = slug
            self.population = population
        }
    }

    /// One code list in its reference order.
    public struct CodeList: Sendable, Equatable {
        public struct Code: Sendable, Equatable {
            public var code: String
            public var rank: Int?
            public var domain: Int?
            public var detailList: String?

            public init(code: String, rank: Int? = nil, domain: Int? = nil, detailList: String? = nil) {
                self.code = code
                self.rank = rank
                self.domain = domain
                self.detailList = detailList
            }
        }

        public var name: String
        public var codes: [Code]

        public init(name: String, codes: [Code]) {
            self.name = name
            self.codes = codes
        }

        public var count: Int { codes.count }
        public subscript(index: Int) -> String { codes[index].code }

        /// Index of `code`, if the list has it.
        public func index(of code: String) -> Int? { codes.firstIndex { $0.code == code } }
    }

    public struct Instrument: Sendable, Equatable {
        public struct Item: Sendable, Equatable {
            public var item: String
            public var subscale: String?
            public init(item: String, subscale: String? = nil) {
                self.item = item
                self.subscale = subscale
            }
        }

        public var code: String
        public var minScore: Int
        public var maxScore: Int
        /// Open item sets (CANS) have a pattern and no listed items.
        public var itemPattern: String?
        public var items: [Item]

        public init(code: String, minScore: Int, maxScore: Int, itemPattern: String?, items: [Item]) {
            self.code = code
            self.minScore = minScore
            self.maxScore = maxScore
            self.itemPattern = itemPattern
            self.items = items
        }
    }

    public struct ExtractFile: Sendable, Equatable {
        public var name: String
        public var required: Bool
        /// Column names in the format's order (the header the generator writes).
        public var columns: [String]

        public init(name: String, required: Bool, columns: [String]) {
            self.name = name
            self.required = required
            self.columns = columns
        }
    }

    public var counties: [County]
    public var lists: [CodeList]
    public var domains: [Int]
    public var instruments: [Instrument]
    public var files: [ExtractFile]

    public init(counties: [County], lists: [CodeList], domains: [Int], instruments: [Instrument], files: [ExtractFile])
    {
        self.counties = counties
        self.lists = lists
        self.domains = domains
        self.instruments = instruments
        self.files = files
    }

    public func list(_ name: String) throws -> CodeList {
        guard let list = lists.first(where: { $0.name == name }) else {
            throw SynthError("the reference tables have no code list '\(name)'")
        }
        return list
    }

    public func file(_ name: String) -> ExtractFile? { files.first { $0.name == name } }

    /// Reads the reference tables (any role that may read schema `ref`).
    public static func load(from connection: PostgresConnection) throws -> SynthReference {
        let counties = try connection.query(
            "SELECT number, fips::text AS fips, name, slug, population FROM ref.county ORDER BY number"
        ).rows.map { row in
            County(
                number: try row.decode(Int.self, "number"), fips: try row.decode(String.self, "fips"),
                name: try row.decode(String.self, "name"), slug: try row.decode(String.self, "slug"),
                population: try row.decode(Int.self, "population"))
        }

        var lists: [CodeList] = []
        for row in try connection.query(
            "SELECT list, code, rank, domain, detail_list FROM ref.code ORDER BY list, ord"
        ).rows {
            let name = try row.decode(String.self, "list")
            let code = CodeList.Code(
                code: try row.decode(String.self, "code"), rank: try row.decode(Int?.self, "rank"),
                domain: try row.decode(Int?.self, "domain"), detailList: try row.decode(String?.self, "detail_list"))
            if lists.last?.name == name {
                lists[lists.count - 1].codes.append(code)
            } else {
                lists.append(CodeList(name: name, codes: [code]))
            }
        }

        let domains = try connection.query("SELECT number FROM ref.domain ORDER BY number").rows.map {
            try $0.decode(Int.self, "number")
        }

        let itemRows = try connection.query(
            "SELECT instrument, item, subscale FROM ref.instrument_item ORDER BY instrument, ord"
        ).rows
        var items: [(String, Instrument.Item)] = []
        for row in itemRows {
            items.append(
                (
                    try row.decode(String.self, "instrument"),
                    Instrument.Item(
                        item: try row.decode(String.self, "item"), subscale: try row.decode(String?.self, "subscale"))
                ))
        }
        // Instruments in the order of the `instrument` code list.
        let instruments = try connection.query(
            """
            SELECT i.code, ceil(i.min_score)::int AS min_score, floor(i.max_score)::int AS max_score, i.item_pattern
            FROM ref.instrument i LEFT JOIN ref.code c ON c.list = 'instrument' AND c.code = i.code
            ORDER BY c.ord NULLS LAST, i.code
            """
        ).rows.map { row in
            let code = try row.decode(String.self, "code")
            return Instrument(
                code: code, minScore: try row.decode(Int.self, "min_score"),
                maxScore: try row.decode(Int.self, "max_score"),
                itemPattern: try row.decode(String?.self, "item_pattern"),
                items: items.filter { $0.0 == code }.map(\.1))
        }

        var files = try connection.query("SELECT file, required FROM ref.extract_file ORDER BY ord").rows.map { row in
            ExtractFile(
                name: try row.decode(String.self, "file"), required: try row.decode(Bool.self, "required"), columns: [])
        }
        for row in try connection.query("SELECT file, name FROM ref.extract_column ORDER BY file, ord").rows {
            let file = try row.decode(String.self, "file")
            if let i = files.firstIndex(where: { $0.name == file }) {
                files[i].columns.append(try row.decode(String.self, "name"))
            }
        }
        guard counties.count > 0, !files.isEmpty else {
            throw SynthError("the reference tables are empty; migrate the database first (outcomes db migrate)")
        }
        return SynthReference(
            counties: counties, lists: lists, domains: domains, instruments: instruments, files: files)
    }
}

/// A problem that stops generation (bad arguments, missing reference data, unwritable output).
public struct SynthError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// Reference data missing or output that cannot be written.
        case failure
        /// Something that is not a regular file sits where the run would write or replace a file
        /// (or a file where it needs a folder): the run stops before writing anything.
        case pathInTheWay
    }

    public var description: String
    public var kind: Kind
    public init(_ description: String, kind: Kind = .failure) {
        self.description = description
        self.kind = kind
    }
}
