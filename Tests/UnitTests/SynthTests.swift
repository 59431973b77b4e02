import Foundation
import Synth
import XCTest

/// Pure parts of the synthetic data generator: its random number generator,
/// calendar arithmetic and the agency plan.
final class SynthRandomTests: XCTestCase {
    func testSplitMix64MatchesTheReferenceOutputs() {
        // The published first outputs of SplitMix64 seeded with 0.
        var generator = SplitMix64(seed: 0)
        XCTAssertEqual(generator.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(generator.next(), 0x6E78_9E6A_A1B9_65F4)
        XCTAssertEqual(generator.next(), 0x06C4_5D18_8009_454F)
    }

    func testXoshiro256StarStarMatchesAnIndependentImplementation() {
        // Values from a separate Python implementation of xoshiro256** seeded through SplitMix64.
        var a = SynthRandom(seed: 42)
        XCTAssertEqual(
            [a.next(), a.next(), a.next(), a.next()],
            [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1, 0xECB8_AD47_03B3_60A1])
        var b = SynthRandom(seed: 0)
        XCTAssertEqual([b.next(), b.next()], [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A])
    }

    func testSameSeedSameSequenceAndDifferentSeedsDiffer() {
        var a = SynthRandom(seed: 7), b = SynthRandom(seed: 7), c = SynthRandom(seed: 8)
        let first = (0..<1000).map { _ in a.next() }
        XCTAssertEqual(first, (0..<1000).map { _ in b.next() })
        XCTAssertNotEqual(first, (0..<1000).map { _ in c.next() })
    }

    func testDerivedStreamsAreStableAndIndependent() {
        var youth5 = SynthRandom.derived(seed: 7, stream: 1, index: 5)
        var again = SynthRandom.derived(seed: 7, stream: 1, index: 5)
        var youth6 = SynthRandom.derived(seed: 7, stream: 1, index: 6)
        var otherStream = SynthRandom.derived(seed: 7, stream: 2, index: 5)
        let values = (0..<10).map { _ in youth5.next() }
        XCTAssertEqual(values, (0..<10).map { _ in again.next() })
        XCTAssertNotEqual(values, (0..<10).map { _ in youth6.next() })
        XCTAssertNotEqual(values, (0..<10).map { _ in otherStream.next() })
    }

    func testBoundedDrawsStayInRangeAndCoverIt() {
        var rng = SynthRandom(seed: 1)
        var seen = Array(repeating: 0, count: 7)
        for _ in 0..<70_000 {
            let v = rng.below(7)
            XCTAssert((0..<7).contains(v))
            seen[v] += 1
        }
        for count in seen { XCTAssertEqual(Double(count), 10_000, accuracy: 500) }
        for _ in 0..<1000 {
            XCTAssert((3...9).contains(rng.int(3...9)))
            let u = rng.unit()
            XCTAssert(u >= 0 && u < 1)
        }
        XCTAssertEqual(rng.int(5...5), 5)
    }

    func testWeightedNeverPicksAZeroWeight() {
        var rng = SynthRandom(seed: 3)
        var counts = [0, 0, 0, 0]
        for _ in 0..<40_000 { counts[rng.weighted([1, 0, 3, 0])] += 1 }
        XCTAssertEqual(counts[1], 0)
        XCTAssertEqual(counts[3], 0)
        XCTAssertEqual(Double(counts[2]) / Double(counts[0]), 3, accuracy: 0.2)
    }

    func testPoissonAndNormalHaveTheirMoments() {
        var rng = SynthRandom(seed: 9)
        let n = 50_000
        let poisson = (0..<n).map { _ in Double(rng.poisson(2.5)) }
        XCTAssertEqual(poisson.reduce(0, +) / Double(n), 2.5, accuracy: 0.05)
        XCTAssertEqual(rng.poisson(0), 0)
        let normal = (0..<n).map { _ in rng.normal() }
        let mean = normal.reduce(0, +) / Double(n)
        let variance = normal.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        XCTAssertEqual(mean, 0, accuracy: 0.02)
        XCTAssertEqual(variance, 1, accuracy: 0.03)
    }

    func testShuffleIsAPermutation() {
        var rng = SynthRandom(seed: 4)
        var items = Array(0..<50)
        rng.shuffle(&items)
        XCTAssertNotEqual(items, Array(0..<50))
        XCTAssertEqual(items.sorted(), Array(0..<50))
    }
}

final class SynthDayTests: XCTestCase {
    func testDayNumbersMatchTheCalendar() {
        XCTAssertEqual(Day(year: 1970, month: 1, day: 1).number, 0)
        XCTAssertEqual(Day(year: 2000, month: 3, day: 1).number, 11_017)
        XCTAssertEqual(Day(year: 1969, month: 12, day: 31).number, -1)
        XCTAssertEqual(Day(year: 2025, month: 8, day: 15).description, "2025-08-15")
        // Every day of 1900–2100 survives the round trip, and consecutive days differ by one.
        var previous = Day(year: 1899, month: 12, day: 31)
        for number in Day(year: 1900, month: 1, day: 1).number...Day(year: 2100, month: 12, day: 31).number {
            let day = Day(number: number)
            let c = day.components
            XCTAssertEqual(Day(year: c.year, month: c.month, day: c.day), day)
            XCTAssertEqual(day - previous, 1)
            previous = day
        }
    }

    func testParsesStrictlyAndKnowsLeapYears() {
        XCTAssertEqual(Day(iso: "2024-02-29")?.description, "2024-02-29")
        XCTAssertNil(Day(iso: "2025-02-29"))
        XCTAssertNil(Day(iso: "1900-02-29"))
        XCTAssertNotNil(Day(iso: "2000-02-29"))
        XCTAssertNil(Day(iso: "2025-13-01"))
        XCTAssertNil(Day(iso: "2025-1-01"))
        XCTAssertNil(Day(iso: "2025-01-01x"))
        XCTAssertNil(Day(iso: "+025-01-01"))
    }

    func testAgesAndAnniversaries() {
        let birth = Day(year: 2008, month: 2, day: 1)
        XCTAssertEqual(Day(year: 2025, month: 1, day: 31).years(since: birth), 16)
        XCTAssertEqual(Day(year: 2025, month: 2, day: 1).years(since: birth), 17)
        XCTAssertEqual(Day(year: 2024, month: 2, day: 29).adding(years: 1).description, "2025-02-28")
        XCTAssertEqual(Day(year: 2025, month: 8, day: 15).firstOfMonth.description, "2025-08-01")
        XCTAssertEqual(Day(year: 2025, month: 8, day: 15).monthText, "2025-08")
    }

    /// School terms cap days_enrolled at the term's weekdays (a school day is a weekday).
    func testWeekdaysCountMondayToFridayOnly() {
        let monday = Day(year: 2025, month: 8, day: 11)
        XCTAssertEqual(Day.weekdays(from: monday, through: monday + 6), 5)
        XCTAssertEqual(Day.weekdays(from: monday + 5, through: monday + 6), 0)  // a weekend
        XCTAssertEqual(Day.weekdays(from: monday + 4, through: monday + 7), 2)  // Friday … Monday
        XCTAssertEqual(Day.weekdays(from: monday, through: monday - 1), 0)  // empty
        XCTAssertEqual(Day.weekdays(from: Day(year: 1969, month: 12, day: 29), through: Day(number: 0)), 4)
        // Against a day-by-day count, from every weekday and over lengths past several weeks.
        let thursday = Day(number: 0)  // 1970-01-01
        for start in Day(year: 2024, month: 12, day: 20).number...Day(year: 2025, month: 1, day: 3).number {
            for length in 0..<40 {
                let from = Day(number: start), through = Day(number: start + length)
                let count = (from.number...through.number).filter { (($0 - thursday.number) % 7 + 7 + 3) % 7 < 5 }
                XCTAssertEqual(Day.weekdays(from: from, through: through), count.count, "\(from) … \(through)")
            }
        }
    }
}

final class SynthAgencyPlanTests: XCTestCase {
    private let county = { (number: Int, slug: String, population: Int) in
        SynthReference.County(
            number: number, fips: "06" + String(format: "%03d", 2 * number - 1), name: slug.capitalized, slug: slug,
            population: population)
    }

    func testAgencyCodesFollowTheSlugAndAreValid() {
        XCTAssertEqual(AgencyPlan.agencyCode(slug: "los-angeles", suffix: "CWS"), "LOS-ANGELES-CWS")
        XCTAssertEqual(AgencyPlan.agencyCode(slug: "san-luis-obispo", suffix: "PROB"), "SAN-LUIS-OBISPO-PROB")
        // Too long for 32 characters: the slug's initials.
        XCTAssertEqual(
            AgencyPlan.agencyCode(slug: "a-very-long-county-name-indeed-here", suffix: "DROPIN"), "AVLCNIH-DROPIN")
        XCTAssertLessThanOrEqual(
            AgencyPlan.agencyCode(slug: String(repeating: "x", count: 60), suffix: "CWS").count, 32)
        XCTAssert(AgencyPlan.isValidCode("SAMPLE-CWS"))
        XCTAssert(AgencyPlan.isValidCode("A"))
        XCTAssertFalse(AgencyPlan.isValidCode("-CWS"))
        XCTAssertFalse(AgencyPlan.isValidCode("sample-cws"))
        XCTAssertFalse(AgencyPlan.isValidCode(String(repeating: "A", count: 33)))
    }

    func testEveryCountyHasChildWelfareAndProbationAndBigCountiesProviders() {
        let small = AgencyPlan.agencies(for: county(2, "alpine", 1204))
        XCTAssertEqual(small.map(\.code), ["ALPINE-CWS", "ALPINE-PROB"])
        XCTAssertEqual(small.map(\.share).reduce(0, +), 1, accuracy: 1e-9)
        let big = AgencyPlan.agencies(for: county(19, "los-angeles", 10_014_009))
        XCTAssertEqual(
            big.map(\.code), ["LOS-ANGELES-CWS", "LOS-ANGELES-PROB", "LOS-ANGELES-ADV", "LOS-ANGELES-DROPIN"])
        XCTAssertEqual(big.map(\.share).reduce(0, +), 1, accuracy: 1e-9)
        for agency in small + big {
            XCTAssert(AgencyPlan.isValidCode(agency.code))
            XCTAssert(agency.reports("youth.csv") && agency.reports("cse_flags.csv"))
        }
        // Providers are not placing agencies.
        XCTAssertFalse(big[2].reports("placements.csv"))
        XCTAssert(big[0].reports("placements.csv"))
    }

    func testSomeCountiesReportNoSchoolTermsAtAll() {
        let numbers = (1...58).filter(AgencyPlan.countyOmitsSchool)
        XCTAssertFalse(numbers.isEmpty)
        for n in numbers {
            for agency in AgencyPlan.agencies(for: county(n, "some-county", 250_000)) {
                XCTAssertFalse(agency.reports("school_terms.csv"), agency.code)
            }
        }
    }

    func testAllocationIsProportionalExactAndHonoursTheMinimum() {
        let weights = [10_014_009, 1204, 3236, 1_682_353, 500_000]
        for total in [1, 4, 5, 57, 1000, 200_000] {
            let parts = AgencyPlan.allocate(total: total, weights: weights, minimum: 1)
            XCTAssertEqual(parts.reduce(0, +), total)
            if total >= weights.count { XCTAssert(parts.allSatisfy { $0 >= 1 }) }
            XCTAssertEqual(parts, AgencyPlan.allocate(total: total, weights: weights, minimum: 1))
        }
        XCTAssertEqual(AgencyPlan.allocate(total: 10, weights: [1, 1, 1]), [4, 3, 3])  // ties go to the lower index
        XCTAssertEqual(AgencyPlan.allocate(total: 100, weights: [3, 1]), [75, 25])
        XCTAssertEqual(AgencyPlan.allocate(total: 0, weights: [3, 1], minimum: 1), [0, 0])
        let big = AgencyPlan.allocate(total: 200_000, weights: weights)
        XCTAssertEqual(Double(big[0]) / 200_000, 10_014_009.0 / Double(weights.reduce(0, +)), accuracy: 1e-5)
    }
}
