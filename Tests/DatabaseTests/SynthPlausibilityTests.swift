import Foundation
import OutcomesStore
import Synth
import TestSupport
import XCTest

/// Patterns that real records never show, looked for in what the generator writes: a statewide run
/// (`outcomes synth --youth 2000 --seed 1`) and the sample, whose coverage nudges run at full strength.
/// The reference tables come from a migrated database, as in every run of the generator.
final class SynthPlausibilityTests: XCTestCase {
    static let youth = 2000
    static let seed: UInt64 = 1

    /// One person as the extracts show them (a youth reported by two agencies is one person: same linkage_id).
    struct Person {
        var gender = ""
        var birthMonth = Day(number: 0)
        var race = ""
        var events: [(on: Day, event: String)] = []
    }

    /// Everything the tests read from one run, grouped by person.
    struct Output {
        var extractedOn = Day(number: 0)
        var persons: [String: Person] = [:]
        var placements: [(person: String, started: Day, ended: Day?, reason: String)] = []
        var flags: [(lastOccurrence: Day, resolved: Day)] = []
        var terms: [(start: Day, end: Day, enrolled: Int)] = []
    }

    private static let outputs = Locked<[String: Output]>([:])
    private static let folders = Locked<[URL]>([])

    override class func tearDown() {
        folders.withLock { urls in
            for url in urls { try? FileManager.default.removeItem(at: url) }
            urls = []
        }
        super.tearDown()
    }

    private static func reference() throws -> SynthReference {
        try TestCluster.shared.freshDatabase().withConnection(as: .analyst) { try SynthReference.load(from: $0) }
    }

    /// The statewide run and the sample, each written and read once.
    private func runs() throws -> [(name: String, output: Output)] {
        try Self.outputs.withLock { outputs in
            if outputs.isEmpty {
                let reference = try Self.reference()
                let statewide = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "synth-plausible-\(getpid())", isDirectory: true)
                let sample = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "synth-plausible-sample-\(getpid())", isDirectory: true)
                for url in [statewide, sample] { try? FileManager.default.removeItem(at: url) }
                Self.folders.withLock { $0 += [statewide, sample] }
                _ = try Synthesizer(reference: reference, seed: Self.seed).writeStatewide(
                    youth: Self.youth, to: statewide)
                _ = try Synthesizer(reference: reference, seed: Synthesizer.sampleSeed).writeSample(to: sample)
                let extracts = try FileManager.default.contentsOfDirectory(atPath: statewide.path).sorted().map {
                    statewide.appendingPathComponent($0, isDirectory: true)
                }.filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("extract.json").path) }
                XCTAssertGreaterThan(extracts.count, 100)
                outputs["statewide"] = try Self.read(extracts)
                outputs["sample"] = try Self.read([sample])
            }
            return [("statewide", outputs["statewide"]!), ("sample", outputs["sample"]!)]
        }
    }

    /// Data rows of a CSV file by column name (the generator never quotes a cell of an extract file).
    private static func rows(_ url: URL) throws -> [[String: String]] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, cells))
        }
    }

    private static func day(_ text: String?) -> Day? { text.flatMap { $0.isEmpty ? nil : Day(iso: $0) } }

    private static func read(_ extracts: [URL]) throws -> Output {
        var output = Output()
        for folder in extracts {
            let manifest =
                try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("extract.json")))
                as? [String: Any]
            output.extractedOn = try XCTUnwrap(day(manifest?["extracted_on"] as? String))
            var person: [String: String] = [:]  // youth_key → person
            for row in try rows(folder.appendingPathComponent("youth.csv")) {
                let key = row["youth_key"]!
                let id = row["linkage_id"].flatMap { $0.isEmpty ? nil : $0 } ?? folder.lastPathComponent + "/" + key
                person[key] = id
                output.persons[id, default: Person()].gender = row["gender"]!
                output.persons[id]!.birthMonth = try XCTUnwrap(day(row["birth_month"]! + "-01"))
                output.persons[id]!.race = row["race_ethnicity"]!
            }
            for row in try rows(folder.appendingPathComponent("events.csv")) {
                output.persons[person[row["youth_key"]!]!]!.events.append(
                    (try XCTUnwrap(day(row["occurred_on"])), row["event"]!))
            }
            for row in try rows(folder.appendingPathComponent("placements.csv")) {
                output.placements.append(
                    (
                        person[row["youth_key"]!]!, try XCTUnwrap(day(row["started_on"])), day(row["ended_on"]),
                        row["end_reason"] ?? ""
                    ))
            }
            for row in try rows(folder.appendingPathComponent("cse_flags.csv")) {
                if let last = day(row["last_occurrence_on"]), let resolved = day(row["resolved_on"]) {
                    output.flags.append((last, resolved))
                }
            }
            for row in try rows(folder.appendingPathComponent("school_terms.csv")) {
                output.terms.append(
                    (
                        try XCTUnwrap(day(row["term_start"])), try XCTUnwrap(day(row["term_end"])),
                        try XCTUnwrap(Int(row["days_enrolled"]!))
                    ))
            }
        }
        for id in output.persons.keys { output.persons[id]!.events.sort { $0.on < $1.on } }
        return output
    }

    // MARK: 1 Pregnancies and births

    /// Only a youth who can carry a pregnancy gives birth: the format records gender identity, and a `male`
    /// youth (the list has `transgender_male` apart) or a `transgender_female` youth cannot. A pregnancy lasts
    /// about nine months and ends in at most one birth (twins are one birth event), and a new pregnancy
    /// begins only after the previous one has ended, so two births of one youth are at least nine months
    /// apart and each birth follows its own pregnancy. Parenting support is for a youth who is a parent.
    func testPregnanciesNeverOverlapAndOnlyYouthWhoCanCarryOneGiveBirth() throws {
        for (name, output) in try runs() {
            var births = 0
            for (id, person) in output.persons.sorted(by: { $0.key < $1.key }) {
                let pregnancies = person.events.filter { $0.event == "pregnancy" }.map(\.on)
                let birthDays = person.events.filter { $0.event == "birth" }.map(\.on)
                births += birthDays.count
                if ["male", "transgender_female"].contains(person.gender) {
                    XCTAssertEqual(pregnancies.count + birthDays.count, 0, "\(name) \(id): \(person.gender)")
                }
                for (a, b) in zip(birthDays, birthDays.dropFirst()) {
                    XCTAssertGreaterThanOrEqual(b - a, 270, "\(name) \(id): births on \(a) and \(b)")
                }
                // Each birth has its own pregnancy in the ten months before it, after the previous birth.
                var previousBirth: Day?
                for birth in birthDays {
                    let own = pregnancies.filter { $0 < birth && birth - $0 <= 300 && $0 > (previousBirth ?? $0 - 1) }
                    XCTAssertFalse(own.isEmpty, "\(name) \(id): a birth on \(birth) without its pregnancy")
                    previousBirth = birth
                }
                // The next pregnancy only after the previous one ended: in a birth, or nine months on.
                for (a, b) in zip(pregnancies, pregnancies.dropFirst()) {
                    let birthBetween = birthDays.contains { $0 > a && $0 < b }
                    XCTAssert(birthBetween || b - a >= 270, "\(name) \(id): pregnancies on \(a) and \(b) overlap")
                }
                if let support = person.events.first(where: { $0.event == "parenting_support" }) {
                    XCTAssert(
                        birthDays.first.map { $0 <= support.on } ?? false,
                        "\(name) \(id): parenting support on \(support.on) before any birth")
                }
            }
            XCTAssertGreaterThan(births, 0, name)
        }
    }

    // MARK: 2 Placements end at 21

    /// California's extended foster care (AB 12) ends at 21: nobody enters an out-of-home placement on or after
    /// the 21st birthday, and an episode still open then ends on it. Age counts from the first day of the
    /// birth month, as the format says.
    func testNoPlacementEpisodeReachesPastTheTwentyFirstBirthday() throws {
        for (name, output) in try runs() {
            XCTAssertFalse(output.placements.isEmpty, name)
            for p in output.placements {
                let twentyFirst = output.persons[p.person]!.birthMonth.adding(years: 21)
                XCTAssertLessThan(p.started, twentyFirst, "\(name) \(p.person): an episode starts at 21 or later")
                if let ended = p.ended {
                    XCTAssertLessThanOrEqual(ended, twentyFirst, "\(name) \(p.person): ends after the 21st birthday")
                } else {
                    XCTAssertLessThan(
                        output.extractedOn, twentyFirst, "\(name) \(p.person): still placed at 21 or older")
                }
            }
            XCTAssert(output.placements.contains { $0.reason == "aged_out" }, name)
        }
    }

    // MARK: 3 Resolved concerns

    /// A concern documented as resolved is no longer a current concern: an exploitation after the resolution
    /// would have reopened it, so the last known occurrence is on or before `resolved_on`.
    func testNoExploitationOccursAfterItsConcernWasResolved() throws {
        for (name, output) in try runs() {
            XCTAssertFalse(output.flags.isEmpty, name)
            let late = output.flags.filter { $0.lastOccurrence > $0.resolved }
            XCTAssertEqual(late.count, 0, "\(name): \(late.prefix(5))")
        }
    }

    // MARK: 4 School days

    /// Schools hold class on weekdays only, so a term of N weekdays has at most N days of enrolment.
    func testNoTermHasMoreDaysEnrolledThanWeekdays() throws {
        for (name, output) in try runs() {
            XCTAssertFalse(output.terms.isEmpty, name)
            for term in output.terms {
                // 1970-01-01 (day 0) was a Thursday.
                let weekdays = (term.start.number...term.end.number).filter { ($0 % 7 + 7 + 3) % 7 < 5 }.count
                XCTAssertLessThanOrEqual(term.enrolled, weekdays, "\(name): \(term.start) … \(term.end)")
            }
        }
    }

    // MARK: 5 Education milestones

    /// A youth finishes high school once, with a diploma or an equivalency certificate (someone with a
    /// diploma has no reason to sit the equivalency test), and enrols in college only after finishing.
    func testEducationMilestonesComeOnceAndInOrder() throws {
        for (name, output) in try runs() {
            var colleges = 0
            for (id, person) in output.persons.sorted(by: { $0.key < $1.key }) {
                let finished = person.events.filter { ["hs_diploma", "hse_certificate"].contains($0.event) }
                XCTAssertLessThanOrEqual(finished.count, 1, "\(name) \(id): \(finished)")
                for college in person.events where college.event == "college_enrollment" {
                    colleges += 1
                    XCTAssert(
                        finished.first.map { $0.on <= college.on } ?? false,
                        "\(name) \(id): college on \(college.on) before finishing high school \(finished)")
                }
            }
            XCTAssertGreaterThan(colleges, 0, name)
        }
    }

    // MARK: 6 Race details

    /// Details within a category follow California's population: most Hispanic Californians are of Mexican
    /// origin and most Black Californians African American; Filipino, Chinese and Vietnamese are the largest
    /// Asian groups. Every category shows at least one refined value.
    func testRaceDetailsFollowCaliforniaAndEveryCategoryHasOne() throws {
        let categories = try Self.reference().list("race_category").codes.map(\.code)
        XCTAssertEqual(categories.count, 7)
        for (name, output) in try runs() {
            var details: [String: [String: Int]] = [:]
            for person in output.persons.values {
                for value in person.race.split(separator: ";") {
                    let parts = value.split(separator: ".").map(String.init)
                    if parts.count == 2 { details[parts[0], default: [:]][parts[1], default: 0] += 1 }
                }
            }
            for category in categories {
                XCTAssertFalse((details[category] ?? [:]).isEmpty, "\(name): no \(category).<detail>")
            }
            guard name == "statewide" else { continue }  // proportions: only the large run has enough youth
            func share(_ category: String, _ leading: [String]) -> Double {
                let counts = details[category] ?? [:]
                let total = counts.values.reduce(0, +)
                return Double(leading.map { counts[$0] ?? 0 }.reduce(0, +)) / Double(max(1, total))
            }
            XCTAssertGreaterThan(share("HISPANIC", ["MEXICAN"]), 0.5, "\(details["HISPANIC"] ?? [:])")
            XCTAssertGreaterThan(share("BLACK", ["AFRICAN_AMERICAN"]), 0.5, "\(details["BLACK"] ?? [:])")
            XCTAssertGreaterThan(
                share("ASIAN", ["FILIPINO", "CHINESE", "VIETNAMESE"]), 0.5, "\(details["ASIAN"] ?? [:])")
        }
    }
}
