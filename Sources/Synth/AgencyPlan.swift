/// The kinds of agency that report extracts.
public enum AgencyKind: String, Sendable, CaseIterable {
    case childWelfare = "CWS"
    case probation = "PROB"
    /// A community CSEC advocacy provider (counties of 400,000 people or more).
    case provider = "ADV"
    /// A youth drop-in centre (counties of 2,000,000 people or more).
    case dropIn = "DROPIN"

    func name(county: String) -> String {
        switch self {
        case .childWelfare: return "\(county) County Child Welfare Services"
        case .probation: return "\(county) County Probation Department"
        case .provider: return "\(county) Youth Advocacy Partners"
        case .dropIn: return "\(county) Youth Drop-In Center"
        }
    }

    /// Outcome domains whose events this kind of agency tends to record (used to
    /// split a shared youth's events between the two agencies that report them).
    var eventDomains: Set<Int> {
        switch self {
        case .childWelfare: return [1, 2, 5, 13]
        case .probation: return [10, 11]
        case .provider, .dropIn: return [3, 7, 8, 12]
        }
    }
}

/// One synthetic agency: its code, name, county and the optional files it does not report.
public struct SynthAgency: Sendable, Equatable {
    public var code: String
    public var name: String
    public var kind: AgencyKind
    public var countyFIPS: String
    public var countyNumber: Int
    /// Optional files this agency leaves out of its extract ("not reported").
    public var omits: Set<String>
    /// Share of the county's youth for whom this agency is the main reporter.
    public var share: Double

    public func reports(_ file: String) -> Bool { !omits.contains(file) }
}

public enum AgencyPlan {
    /// Agency codes must match ^[A-Z0-9][A-Z0-9_-]{0,31}$ (core.agency).
    public static let maximumCodeLength = 32

    /// `<SLUG-UPPER>-<SUFFIX>`, abbreviating the slug to its initials when the code would be too long.
    public static func agencyCode(slug: String, suffix: String) -> String {
        var prefix = slug.uppercased()
        if prefix.count + 1 + suffix.count > maximumCodeLength {
            prefix = String(slug.split(separator: "-").compactMap(\.first)).uppercased()
        }
        if prefix.count + 1 + suffix.count > maximumCodeLength {
            prefix = String(prefix.prefix(max(1, maximumCodeLength - 1 - suffix.count)))
        }
        return prefix + "-" + suffix
    }

    /// True when `code` is a valid agency code.
    public static func isValidCode(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        guard (1...maximumCodeLength).contains(bytes.count) else { return false }
        func alnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) }
        return alnum(bytes[0])
            && bytes.dropFirst().allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    /// Counties (by alphabetical number) where no agency reports school terms, so
    /// reports must show education as "not reported" there.
    public static func countyOmitsSchool(_ number: Int) -> Bool { number % 20 == 0 }

    /// The agencies of one county: child welfare and probation everywhere, a
    /// community provider in counties of 400,000+, a drop-in centre in 2,000,000+.
    public static func agencies(for county: SynthReference.County) -> [SynthAgency] {
        var kinds: [AgencyKind] = [.childWelfare, .probation]
        if county.population >= 400_000 { kinds.append(.provider) }
        if county.population >= 2_000_000 { kinds.append(.dropIn) }
        let providerCount = kinds.count - 2
        return kinds.map { kind in
            var omits: Set<String> = []
            let n = county.number
            if countyOmitsSchool(n) { omits.insert("school_terms.csv") }
            switch kind {
            case .childWelfare:
                if n % 10 == 5 { omits.insert("goals.csv") }
            case .probation:
                if n % 6 == 1 { omits.insert("stages_of_change.csv") }
                if n % 8 == 2 { omits.insert("assessments.csv") }
            case .provider:
                omits.formUnion(["placements.csv", "absences.csv"])
            case .dropIn:
                omits.formUnion(["placements.csv", "absences.csv", "school_terms.csv", "goals.csv"])
            }
            let share: Double
            switch kind {
            case .childWelfare: share = providerCount == 0 ? 0.62 : 0.55
            case .probation: share = providerCount == 0 ? 0.38 : 0.30
            case .provider, .dropIn: share = 0.15 / Double(providerCount)
            }
            return SynthAgency(
                code: agencyCode(slug: county.slug, suffix: kind.rawValue), name: kind.name(county: county.name),
                kind: kind,
                countyFIPS: county.fips, countyNumber: county.number, omits: omits, share: share)
        }
    }

    /// Every agency of the state, county by county.
    public static func statewide(_ counties: [SynthReference.County]) -> [SynthAgency] {
        counties.flatMap { agencies(for: $0) }
    }

    /// Splits `total` in proportion to `weights` (largest remainder; ties to the
    /// lower index), giving every part at least `minimum` when the total allows.
    public static func allocate(total: Int, weights: [Int], minimum: Int = 0) -> [Int] {
        precondition(total >= 0 && !weights.isEmpty)
        let floor = weights.count * minimum <= total ? minimum : 0
        var parts = Array(repeating: floor, count: weights.count)
        let rest = total - floor * weights.count
        let sum = weights.reduce(0) { $0 + max(0, $1) }
        guard rest > 0 else { return parts }
        guard sum > 0 else {
            for i in 0..<rest { parts[i % parts.count] += 1 }
            return parts
        }
        var remainders: [(remainder: Int, index: Int)] = []
        var given = 0
        for (i, w) in weights.enumerated() {
            // Integer arithmetic: exact and identical everywhere.
            let product = rest.multipliedFullWidth(by: max(0, w))
            let (quotient, remainder) = sum.dividingFullWidth(product)
            parts[i] += quotient
            given += quotient
            remainders.append((remainder, i))
        }
        remainders.sort { $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.index < $1.index }
        for k in 0..<(rest - given) { parts[remainders[k].index] += 1 }
        return parts
    }
}
