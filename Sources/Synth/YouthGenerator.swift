/// Generates one youth at a time from a per-youth random stream, so memory does
/// not depend on how many youth are generated, and youth `i` is the same
/// whatever else is generated (apart from the coverage nudges, which depend only
/// on the youth generated before it, in a fixed order).
///
/// Every record respects the extract format's rules: no date after
/// `extractedOn`, dates in order, episodes of one youth never overlap, items
/// once per administration, details only for events that take one,
/// exploitation types only for confirmed/suspected, returned_to_same_caregiver
/// only with returned_on, days_attended ≤ days_enrolled.
///
/// Records also stay plausible where the format would accept otherwise: no
/// placement reaches past the 21st birthday, a resolved concern has no later
/// occurrence, days_enrolled ≤ the term's weekdays, one high-school completion
/// before any college enrolment, and pregnancies that never overlap, with births
/// only after a pregnancy (SynthPlausibilityTests).
final class YouthGenerator {
    typealias CodeList = SynthReference.CodeList

    let reference: SynthReference
    let extractedOn: Day
    /// First day of the history: 1 January four years before the extract year.
    let historyStart: Day
    let seed: UInt64
    let coverage: Coverage?

    let gender: CodeList, raceCategory: CodeList, raceSpecial: CodeList, raceSource: CodeList
    let flag: CodeList, basis: CodeList, exploitationType: CodeList
    let setting: CodeList, endReason: CodeList
    let event: CodeList, behavior: CodeList, stage: CodeList, goalStatus: CodeList
    /// Detail lists of events that take a detail, by event index.
    let eventDetails: [CodeList?]

    // Internal choice lists (not format codes): they let the coverage nudges show every situation.
    let transitions = CodeList(
        name: "synth.transition", codes: ["same_day", "next_day", "absence", "exit"].map { .init(code: $0) })
    let directions = CodeList(
        name: "synth.direction", codes: ["down", "up", "lateral", "unranked", "any"].map { .init(code: $0) })
    let termKinds = CodeList(name: "synth.term", codes: ["full", "partial", "zero", "split"].map { .init(code: $0) })
    let raceShapes = CodeList(
        name: "synth.race", codes: ["single", "multiracial", "detailed", "special"].map { .init(code: $0) })
    let completeness = CodeList(name: "synth.completeness", codes: ["complete", "incomplete"].map { .init(code: $0) })

    private let genderWeights: [Double], raceWeights: [Double], raceSourceWeights: [Double], typeWeights: [Double]
    private let raceSourceWhenSpecial: [Double]
    private let basisWeights: [[Double]]
    /// Flag indices by severity: 0 = lowest rank (at risk) … last = highest (confirmed).
    let flagBySeverity: [Int]
    private let settingRank: [Int?]
    private let settingMinimumAge: [Int]
    private let settingStay: [ClosedRange<Int>]
    private let initialSetting: [Tuning.Placing: [Double]]
    private let finalReasonWeights: [Double]
    private let moveReason: Int?, absenceReason: Int?, agedOutReason: Int?, adoptionReason: Int?
    private let eventRates: [Tuning.EventRate]
    private let rankedStages: [Int]
    private let relapseStages: [Int]
    private let behaviorShare: [Double]
    private let goalStatusWeights: [Double]
    private let inProgress: Int?
    private let domainWeights: [Double]
    /// Share of youth of each gender with a pregnancy in the record (0: cannot become pregnant).
    private let pregnancyShares: [Double]

    init(reference: SynthReference, extractedOn: Day, seed: UInt64, coverage: Coverage?) throws {
        self.reference = reference
        self.extractedOn = extractedOn
        historyStart = Day(year: extractedOn.year - 4, month: 1, day: 1)
        self.seed = seed
        self.coverage = coverage

        let gender = try reference.list("gender")
        let raceCategory = try reference.list("race_category")
        let raceSource = try reference.list("race_source")
        let flag = try reference.list("flag")
        let basis = try reference.list("basis")
        let exploitationType = try reference.list("exploitation_type")
        let setting = try reference.list("setting")
        let endReason = try reference.list("end_reason")
        let event = try reference.list("event")
        let behavior = try reference.list("behavior")
        let stage = try reference.list("stage")
        let goalStatus = try reference.list("goal_status")
        self.gender = gender
        self.raceCategory = raceCategory
        raceSpecial = try reference.list("race_special")
        self.raceSource = raceSource
        self.flag = flag
        self.basis = basis
        self.exploitationType = exploitationType
        self.setting = setting
        self.endReason = endReason
        self.event = event
        self.behavior = behavior
        self.stage = stage
        self.goalStatus = goalStatus
        eventDetails = try event.codes.map { code in try code.detailList.map { try reference.list($0) } }

        genderWeights = Tuning.weights(gender, Tuning.gender)
        raceWeights = Tuning.weights(raceCategory, Tuning.raceCategory)
        raceSourceWeights = Tuning.weights(raceSource, Tuning.raceSource)
        raceSourceWhenSpecial = Tuning.weights(raceSource, Tuning.raceSourceWhenDeclinedOrUnknown)
        typeWeights = Tuning.weights(exploitationType, Tuning.exploitationType)

        // Severity order comes from the flag list's rank (lowest first).
        let ranked = flag.codes.indices.filter { flag.codes[$0].rank != nil }
            .sorted { flag.codes[$0].rank! < flag.codes[$1].rank! }
        guard ranked.count >= 2 else {
            throw SynthError("the flag code list needs ranks (at_risk < suspected < confirmed)")
        }
        flagBySeverity = ranked
        let tables = Tuning.basisBySeverity
        basisWeights = ranked.indices.map { severity in
            let table = tables[min(severity * (tables.count - 1) / max(1, ranked.count - 1), tables.count - 1)]
            return Tuning.weights(basis, table)
        }

        settingRank = setting.codes.map(\.rank)
        settingMinimumAge = setting.codes.map { Tuning.settingMinimumAge[$0.code] ?? 0 }
        settingStay = setting.codes.map { Tuning.settingStay[$0.code] ?? 30...420 }
        var initial: [Tuning.Placing: [Double]] = [:]
        for placing in [Tuning.Placing.childWelfare, .probation] {
            initial[placing] = Tuning.weights(setting, Tuning.initialSetting[placing] ?? [:])
        }
        initialSetting = initial
        let move = endReason.index(of: "move"), absence = endReason.index(of: "absence")
        moveReason = move
        absenceReason = absence
        agedOutReason = endReason.index(of: "aged_out")
        adoptionReason = endReason.index(of: "adoption")
        finalReasonWeights = endReason.codes.indices.map { i in
            i == move || i == absence ? 0 : (Tuning.finalEndReason[endReason[i]] ?? 5)
        }

        eventRates = event.codes.map { Tuning.events[$0.code] ?? Tuning.defaultEvent }
        let rankedStages = stage.codes.indices.filter { stage.codes[$0].rank != nil }.sorted {
            stage.codes[$0].rank! < stage.codes[$1].rank!
        }
        self.rankedStages = rankedStages
        relapseStages = stage.codes.indices.filter { stage.codes[$0].rank == nil }
        guard !rankedStages.isEmpty else { throw SynthError("the stage code list has no ranked stages") }
        behaviorShare = behavior.codes.map { Tuning.behavior[$0.code] ?? 0.1 }
        goalStatusWeights = Tuning.weights(goalStatus, Tuning.goalStatus)
        inProgress = goalStatus.index(of: "in_progress")
        domainWeights = reference.domains.map { Tuning.goalDomain[$0] ?? 3 }
        pregnancyShares = Tuning.weights(gender, Tuning.pregnancyShare, default: 0)
    }

    // MARK: Choices

    /// A weighted choice from a list, restricted to `allowed`, nudged towards codes not seen yet.
    func pick(_ list: CodeList, _ weights: [Double], _ rng: inout SynthRandom, allowed: (Int) -> Bool = { _ in true })
        -> Int
    {
        if let coverage, let unseen = coverage.firstUnseen(list, allowed: allowed), rng.chance(coverage.force) {
            coverage.mark(list, unseen)
            return unseen
        }
        var w = weights
        for i in w.indices where !allowed(i) { w[i] = 0 }
        let choice: Int
        if w.contains(where: { $0 > 0 }) {
            choice = rng.weighted(w)
        } else {
            choice = (0..<list.count).first(where: allowed) ?? 0
        }
        coverage?.mark(list, choice)
        return choice
    }

    private func note(_ list: CodeList, _ index: Int) { coverage?.mark(list, index) }

    // MARK: Youth

    func make(index: Int, county: SynthReference.County, agencies: [SynthAgency]) -> SynthYouth {
        var rng = SynthRandom.derived(seed: seed, stream: 1, index: UInt64(index))
        let lastDay = extractedOn

        // Who reports the youth.
        let primary = rng.weighted(agencies.map(\.share))
        var secondary: Int?
        if agencies.count > 1, rng.chance(0.05) {
            let weights = agencies.indices.map { i -> Double in
                if i == primary { return 0 }
                switch (agencies[primary].kind, agencies[i].kind) {
                case (.childWelfare, .probation), (.probation, .childWelfare): return 6
                case (_, .childWelfare): return 5
                default: return 1
                }
            }
            secondary = rng.weighted(weights)
        }
        let kind = agencies[primary].kind
        let probationInvolved = kind == .probation || secondary.map { agencies[$0].kind == .probation } == true

        // Severity path of the determinations (lowest = at risk … highest = confirmed).
        let top = flagBySeverity.count - 1
        let tierWeights = flag.codes.indices.map { i -> Double in
            let severity = flagBySeverity.firstIndex(of: i) ?? 0
            return severity == top ? 0.39 : severity == 0 ? 0.35 : 0.26 / Double(max(1, top - 1))
        }
        let tierFlag = pick(flag, tierWeights, &rng, allowed: { self.flagBySeverity.contains($0) })
        let tier = flagBySeverity.firstIndex(of: tierFlag) ?? 0
        var path: [Int] = []
        if tier == 0 {
            path = [0]
            if rng.chance(0.25) { path.append(0) }
        } else if tier == top {
            if rng.chance(0.25) { path.append(0) }
            if top > 1, rng.chance(0.45) { path.append(top - 1) }
            path.append(top)
            if rng.chance(0.15) { path.append(top) }
        } else {
            if rng.chance(0.35) { path.append(0) }
            path.append(tier)
            if rng.chance(0.15) { path.append(tier) }
        }
        var gaps = (1..<max(1, path.count)).map { _ in rng.int(20...420) }
        if path.count == 1 { gaps = [] }
        let room = (lastDay - 14) - historyStart
        let span = gaps.reduce(0, +)
        if span > room { gaps = gaps.map { $0 * room / max(1, span) } }
        let firstFlag = Day.random(historyStart, lastDay - 14 - gaps.reduce(0, +), &rng)

        // Age at identification: mostly 12–17.
        let ageWeights: [Double] = [1, 1, 2, 3, 6, 10, 14, 16, 16, 14, 8, 5, 3, 1]  // ages 8 … 21
        let ageAtIdentification = 8 + rng.weighted(ageWeights)
        let birthMonth = (firstFlag - (ageAtIdentification * 365 + ageAtIdentification / 4) - rng.int(0...364))
            .firstOfMonth
        func atAge(_ years: Int) -> Day { birthMonth.adding(years: years) }

        var youth = SynthYouth(
            index: index, countyFIPS: county.fips, birthMonth: birthMonth,
            gender: pick(gender, genderWeights, &rng), race: "", raceSource: 0,
            linkageID: nil, primary: primary, secondary: secondary)
        let raceShape: Int
        if let coverage, coverage.hasSeen(feature: "race_shapes"), let special = raceShapes.index(of: "special"),
            coverage.firstUnseen(raceSpecial, allowed: { _ in true }) != nil, rng.chance(coverage.force)
        {
            raceShape = special  // every stand-alone value (DECLINED, UNKNOWN) should appear too
        } else {
            raceShape = pick(raceShapes, [78, 13, 5, 4], &rng)
            if let coverage, coverage.firstUnseen(raceShapes, allowed: { _ in true }) == nil {
                coverage.mark(feature: "race_shapes")
            }
        }
        youth.race = makeRace(shape: raceShape, &rng)
        youth.raceSource = pick(
            raceSource, raceShapes[raceShape] == "special" ? raceSourceWhenSpecial : raceSourceWeights, &rng)
        let linkageChance: Double
        switch kind {
        case .childWelfare: linkageChance = 0.9
        case .probation: linkageChance = 0.7
        case .provider: linkageChance = 0.4
        case .dropIn: linkageChance = 0.25
        }
        if secondary != nil || rng.chance(linkageChance) { youth.linkageID = linkageID(index: index) }

        // Determinations and resolution.
        var dates = [firstFlag]
        for gap in gaps { dates.append(dates.last! + gap) }
        let last = dates.last!
        var resolvedOn: Day?
        if last < lastDay - 90, rng.chance(0.42) {
            let r = last + rng.int(45...720)
            if r <= lastDay { resolvedOn = r }
        }
        for (k, severity) in path.enumerated() {
            let on = dates[k]
            var f = SynthYouth.Flag(
                flag: flagBySeverity[severity], flaggedOn: on, basis: pick(basis, basisWeights[severity], &rng),
                types: [])
            note(flag, f.flag)
            if severity > 0, rng.chance(severity == top ? 0.88 : 0.72) {
                let count = 1 + rng.weighted([60, 30, 10])
                for _ in 0..<count {
                    let t = pick(exploitationType, typeWeights, &rng, allowed: { !f.types.contains($0) })
                    if !f.types.contains(t) { f.types.append(t) }
                }
            }
            if severity > 0, rng.chance(severity == top ? 0.65 : 0.3) {
                let incident = on - rng.int(0...90)
                if incident >= atAge(8) { f.incidentOn = incident }
            }
            if severity > 0, rng.chance(severity == top ? 0.4 : 0.15) {
                let base = f.incidentOn ?? (on - rng.int(0...60))
                let occurrence = base + rng.int(0...200)
                f.lastOccurrenceOn = min(lastDay, max(occurrence, f.incidentOn ?? occurrence))
            }
            if k < path.count - 1 {
                if rng.chance(resolvedOn != nil ? 0.5 : 0.4) {
                    f.resolvedOn = dates[k + 1]
                } else {
                    f.resolvedOn = resolvedOn
                }
            } else {
                f.resolvedOn = resolvedOn
            }
            // A concern documented as resolved is no longer current: its last known occurrence is on or before
            // the resolution (an exploitation after it would have reopened the concern).
            if let resolved = f.resolvedOn, let occurrence = f.lastOccurrenceOn, occurrence > resolved {
                f.lastOccurrenceOn = Day.random(f.incidentOn ?? on, resolved, &rng)
            }
            youth.flags.append(f)
        }

        // The youth's record spans [windowStart, activeEnd].
        var windowStart = firstFlag - rng.int(30...540)
        windowStart = max(windowStart, atAge(8))
        if windowStart > firstFlag { windowStart = firstFlag }
        let activeEnd = resolvedOn.map { min(lastDay, $0 + rng.int(0...400)) } ?? lastDay

        let substanceNeed = rng.chance(0.35)
        let placedChance: Double
        switch kind {
        case .childWelfare: placedChance = 0.85
        case .probation: placedChance = 0.65
        case .provider: placedChance = 0.45
        case .dropIn: placedChance = 0.35
        }
        if rng.chance(placedChance) {
            makePlacements(
                &youth, from: windowStart, to: activeEnd, placing: kind == .probation ? .probation : .childWelfare, &rng
            )
        }
        makeEvents(
            &youth, from: windowStart, to: activeEnd, tier: tier, top: top, probationInvolved: probationInvolved,
            substanceNeed: substanceNeed, &rng)
        makeTerms(&youth, from: windowStart, to: activeEnd, &rng)
        makeAssessments(&youth, kind: kind, firstFlag: firstFlag, to: activeEnd, substanceNeed: substanceNeed, &rng)
        makeStages(&youth, firstFlag: firstFlag, to: activeEnd, substanceNeed: substanceNeed, &rng)
        youth.goals = makeGoals(
            prefix: "G", count: rng.chance(0.7) ? rng.int(1...5) : 0, from: firstFlag, to: activeEnd, &rng)

        if let secondary {
            // The second agency documents the same concern (a little later) and keeps its own case plan.
            youth.secondaryFlags = youth.flags.map { f in
                var copy = f
                copy.flaggedOn = min(lastDay, f.flaggedOn + rng.int(0...21))
                copy.basis = pick(basis, basisWeights[flagBySeverity.firstIndex(of: f.flag) ?? 0], &rng)
                copy.resolvedOn = f.resolvedOn.map { max($0, copy.flaggedOn) }
                return copy
            }
            let domains = agencies[secondary].kind.eventDomains
            for i in youth.events.indices {
                if let d = event.codes[youth.events[i].event].domain, domains.contains(d), rng.chance(0.5) {
                    youth.events[i].bySecondary = true
                }
            }
            youth.secondaryGoals = makeGoals(prefix: "P", count: rng.int(0...2), from: firstFlag, to: activeEnd, &rng)
        }
        return youth
    }

    /// The statewide client identifier of youth `index` (unique: a bijection of the index), shaped like a CWS/CMS id.
    func linkageID(index: Int) -> String {
        let value = SplitMix64.mix(SplitMix64.mix(seed ^ 0x4C49_4E4B) ^ UInt64(index))
        var digits = String(value)
        digits = String(repeating: "0", count: 20 - digits.count) + digits
        let d = Array(digits)
        return String(d[0..<4]) + "-" + String(d[4..<8]) + "-" + String(d[8..<12]) + "-" + String(d[12..<20])
    }

    private func makeRace(shape: Int, _ rng: inout SynthRandom) -> String {
        if raceShapes[shape] == "special", raceSpecial.count > 0 {
            let special = pick(raceSpecial, raceSpecial.codes.map { _ in 1 }, &rng)
            return raceSpecial[special]
        }
        // Coverage: a category no youth has shown with a detail yet becomes this youth's one, refined.
        if let coverage, raceShapes[shape] != "multiracial",
            let c = raceCategory.codes.indices.first(where: {
                !coverage.hasSeen(feature: "race_detail:" + raceCategory[$0])
                    && Tuning.raceDetails[raceCategory[$0]]?.isEmpty == false
            }), rng.chance(coverage.force)
        {
            coverage.mark(raceCategory, c)
            return raceCategory[c] + "." + raceDetail(of: c, &rng)
        }
        var chosen = [pick(raceCategory, raceWeights, &rng)]
        if raceShapes[shape] == "multiracial" {
            let extra = rng.chance(0.88) ? 1 : 2
            for _ in 0..<extra {
                let c = pick(raceCategory, raceWeights, &rng, allowed: { !chosen.contains($0) })
                if !chosen.contains(c) { chosen.append(c) }
            }
        }
        chosen.sort()
        let detailed =
            raceShapes[shape] == "detailed"
            ? rng.below(chosen.count) : (rng.chance(0.06) ? rng.below(chosen.count) : -1)
        return chosen.enumerated().map { position, c in
            let code = raceCategory[c]
            if position == detailed, Tuning.raceDetails[code]?.isEmpty == false {
                return code + "." + raceDetail(of: c, &rng)
            }
            return code
        }.joined(separator: ";")
    }

    /// A detail of race category `c` (which has some), drawn by its weight.
    private func raceDetail(of c: Int, _ rng: inout SynthRandom) -> String {
        let details = Tuning.raceDetails[raceCategory[c]]!
        coverage?.mark(feature: "race_detail:" + raceCategory[c])
        return details[rng.weighted(details.map(\.weight))].detail
    }

    // MARK: Placements and absences

    private func makePlacements(
        _ youth: inout SynthYouth, from windowStart: Day, to recordEnd: Day, placing: Tuning.Placing,
        _ rng: inout SynthRandom
    ) {
        let lastDay = extractedOn
        let birth = youth.birthMonth
        // California's extended foster care ends at 21 (AB 12): no episode starts on or after the 21st
        // birthday, and an episode still open then ends on it, aged out.
        let twentyFirst = birth.adding(years: 21)
        let activeEnd = min(recordEnd, twentyFirst)
        let agesOutAt21 = twentyFirst <= recordEnd
        func age(_ day: Day) -> Int { day.years(since: birth) }
        var start = max(windowStart + rng.int(0...120), youth.birthMonth.adding(years: 4))
        guard start < activeEnd - 7 else { return }
        let weights = initialSetting[placing]!
        func ageOK(_ s: Int, _ on: Day) -> Bool { age(on) >= settingMinimumAge[s] }
        var current = pick(setting, weights, &rng, allowed: { ageOK($0, start) })
        let runawayRate = rng.chance(0.45) ? rng.double(0.5, 3.0) : 0
        var stillAway = false

        func episodeAbsences(_ from: Day, _ until: Day?, _ rng: inout SynthRandom) {
            guard runawayRate > 0, !stillAway else { return }
            let end = until ?? lastDay
            guard end > from + 1 else { return }
            let count = min(6, rng.poisson(runawayRate * Double(end - from) / 365.25))
            guard count > 0 else { return }
            var lefts = (0..<count).map { _ in Day.random(from + 1, end - 1, &rng) }
            lefts.sort()
            var free = max(from + 1, youth.absences.last.flatMap { $0.returnedOn.map { $0 + 1 } } ?? from + 1)
            for left in lefts where left >= free {
                let roll = rng.unit()
                let away = roll < 0.6 ? rng.int(0...3) : roll < 0.9 ? rng.int(4...30) : rng.int(31...120)
                let back = left + away
                if let until, back >= until { continue }  // the episode would have ended with the absence
                if until == nil, back > lastDay {
                    youth.absences.append(SynthYouth.Absence(leftOn: left, returnedOn: nil, sameCaregiver: nil))
                    stillAway = true
                    return
                }
                youth.absences.append(
                    SynthYouth.Absence(leftOn: left, returnedOn: back, sameCaregiver: returnAnswer(&rng)))
                free = back + 1
            }
        }

        var episodes = 0
        while true {
            let stay = settingStay[current]
            var length = rng.int(stay)
            if rng.chance(0.5) { length = min(length, rng.int(stay)) }
            let end = start + length
            if end + 1 >= activeEnd {
                if agesOutAt21 {
                    let reason = agedOutReason ?? finalReason(on: activeEnd, birth: birth, &rng)
                    if let reason { note(endReason, reason) }
                    youth.placements.append(
                        SynthYouth.Placement(startedOn: start, endedOn: activeEnd, setting: current, endReason: reason))
                    episodeAbsences(start, activeEnd, &rng)
                } else if activeEnd >= lastDay {
                    youth.placements.append(
                        SynthYouth.Placement(startedOn: start, endedOn: nil, setting: current, endReason: nil))
                    episodeAbsences(start, nil, &rng)
                    if let coverage, !coverage.hasSeen(feature: "still_away"), !stillAway, rng.chance(coverage.force) {
                        let left = lastDay - rng.int(1...20)
                        if left > start, left > (youth.absences.last.flatMap { $0.returnedOn } ?? start) {
                            youth.absences.append(SynthYouth.Absence(leftOn: left, returnedOn: nil, sameCaregiver: nil))
                            stillAway = true
                        }
                    }
                    if stillAway { coverage?.mark(feature: "still_away") }
                } else {
                    let reason = finalReason(on: activeEnd, birth: birth, &rng)
                    youth.placements.append(
                        SynthYouth.Placement(startedOn: start, endedOn: activeEnd, setting: current, endReason: reason))
                    episodeAbsences(start, activeEnd, &rng)
                }
                return
            }
            episodes += 1
            let transition = episodes >= 8 ? 3 : pick(transitions, [40, 28, 10, 22], &rng)
            switch transitions[transition] {
            case "same_day", "next_day":
                youth.placements.append(
                    SynthYouth.Placement(startedOn: start, endedOn: end, setting: current, endReason: moveReason))
                episodeAbsences(start, end, &rng)
                start = transitions[transition] == "same_day" ? end : end + 1
                current = nextSetting(from: current, on: start, placing: placing, birth: birth, &rng)
            case "absence":
                youth.placements.append(
                    SynthYouth.Placement(startedOn: start, endedOn: end, setting: current, endReason: absenceReason))
                episodeAbsences(start, end, &rng)
                let back = end + rng.int(1...60)
                if back > activeEnd - 7 {
                    youth.absences.append(SynthYouth.Absence(leftOn: end, returnedOn: nil, sameCaregiver: nil))
                    return
                }
                youth.absences.append(SynthYouth.Absence(leftOn: end, returnedOn: back, sameCaregiver: false))
                start = back
                current = nextSetting(from: current, on: start, placing: placing, birth: birth, &rng)
            default:
                youth.placements.append(
                    SynthYouth.Placement(
                        startedOn: start, endedOn: end, setting: current,
                        endReason: finalReason(on: end, birth: birth, &rng)))
                episodeAbsences(start, end, &rng)
                guard rng.chance(0.25) else { return }
                start = end + rng.int(30...300)
                guard start < activeEnd - 7 else { return }
                current = pick(setting, weights, &rng, allowed: { ageOK($0, start) })
            }
        }
    }

    /// Back from an absence within an episode: usually to the same caregiver; sometimes unrecorded.
    private func returnAnswer(_ rng: inout SynthRandom) -> Bool? {
        guard rng.chance(0.82) else { return nil }
        return rng.chance(0.85)
    }

    private func finalReason(on day: Day, birth: Day, _ rng: inout SynthRandom) -> Int? {
        let years = day.years(since: birth)
        return pick(endReason, finalReasonWeights, &rng) { i in
            if i == self.moveReason || i == self.absenceReason { return false }
            if i == self.agedOutReason { return years >= 18 }
            if i == self.adoptionReason { return years < 18 }
            return true
        }
    }

    private func nextSetting(
        from current: Int, on day: Day, placing: Tuning.Placing, birth: Day, _ rng: inout SynthRandom
    ) -> Int {
        let years = day.years(since: birth)
        let rank = settingRank[current]
        let direction = directions[pick(directions, [35, 18, 15, 16, 16], &rng)]
        func fits(_ s: Int) -> Bool {
            guard s != current || direction == "lateral", years >= settingMinimumAge[s] else { return false }
            let r = settingRank[s]
            switch direction {
            case "down": if let rank, let r { return r < rank } else { return false }
            case "up": if let r { return rank.map { r > $0 } ?? true } else { return false }
            case "lateral": if let rank, let r { return r == rank } else { return false }
            case "unranked": return r == nil && s != current
            default: return s != current
            }
        }
        let weights = initialSetting[placing]!
        if (0..<setting.count).contains(where: fits) { return pick(setting, weights, &rng, allowed: fits) }
        return pick(setting, weights, &rng) { $0 != current && years >= self.settingMinimumAge[$0] }
    }

    // MARK: Events

    private func makeEvents(
        _ youth: inout SynthYouth, from windowStart: Day, to activeEnd: Day, tier: Int, top: Int,
        probationInvolved: Bool,
        substanceNeed: Bool, _ rng: inout SynthRandom
    ) {
        let birth = youth.birthMonth
        func atAge(_ years: Int) -> Day { birth.adding(years: years) }
        let placed = !youth.placements.isEmpty
        let pregnancyShare = pregnancyShares[youth.gender]
        var events: [SynthYouth.Event] = []
        var graduated: Day?
        let diligence = rng.double(0.6, 1.4)

        func window(_ rate: Tuning.EventRate) -> (Day, Day)? {
            let lo = max(windowStart, atAge(rate.minAge))
            let hi = rate.maxAge < 99 ? min(activeEnd, atAge(rate.maxAge + 1) - 1) : activeEnd
            return lo <= hi ? (lo, hi) : nil
        }
        func count(_ rate: Tuning.EventRate, _ lo: Day, _ hi: Day, _ rng: inout SynthRandom) -> Int {
            rate.once ? 1 : min(30, max(1, rng.poisson(rate.perYear * Double(hi - lo + 1) / 365.25)))
        }
        func placementDay(_ rng: inout SynthRandom) -> Day? {
            guard !youth.placements.isEmpty else { return nil }
            let p = youth.placements[rng.below(youth.placements.count)]
            let end = (p.endedOn ?? (extractedOn + 1)) - 1
            return end >= p.startedOn ? Day.random(p.startedOn, end, &rng) : nil
        }

        for (i, code) in event.codes.enumerated() {
            var rate = eventRates[i]
            if let details = eventDetails[i] {
                // Vital documents (document_obtained): each document with its own chance.
                let lo = max(windowStart, atAge(14))
                guard lo <= activeEnd else { continue }
                for d in 0..<details.count {
                    let p = min(0.97, (Tuning.vitalDocument[details[d]] ?? 0.3) * diligence)
                    guard rng.chance(p) else { continue }
                    events.append(SynthYouth.Event(event: i, on: Day.random(lo, activeEnd, &rng), detail: d))
                    if rng.chance(0.04) {
                        events.append(SynthYouth.Event(event: i, on: Day.random(lo, activeEnd, &rng), detail: d))
                    }
                }
                continue
            }
            switch code.code {
            case "injury_treated", "college_enrollment", "hse_certificate", "pregnancy", "birth", "parenting_support":
                // Follow-ups and the pregnancy path: generated below, and only there.
                continue
            case "exploitation_incident": rate.share = tier == top ? 0.68 : tier == 0 ? 0.04 : 0.25
            case "victim_witness_testimony": rate.share = tier == top ? 0.15 : tier == 0 ? 0.01 : 0.04
            case "medical_exam": rate.share = placed ? 0.8 : rate.share
            case "dental_exam": rate.share = placed ? 0.6 : rate.share
            case "sud_treatment": rate.share = substanceNeed ? 0.55 : rate.share
            case "dual_status": rate.share = probationInvolved ? 0.3 : rate.share
            case "arrest":
                if probationInvolved { rate.share = 0.65; rate.perYear = 1.2 }
            case "probation_violation": rate.share = probationInvolved ? 0.35 : rate.share
            case "detention_admission": rate.share = probationInvolved ? 0.45 : rate.share
            default: break
            }
            guard let w = window(rate), rng.chance(rate.share) else { continue }
            let (lo, hi) = w
            switch code.code {
            case "medical_exam", "dental_exam", "iep_active":
                // Routine: about once a year.
                var day = lo + rng.int(0...200)
                while day <= hi {
                    events.append(SynthYouth.Event(event: i, on: day))
                    day = day + rng.int(300...430)
                }
                continue
            case "hs_diploma":
                let day = Day.random(max(lo, atAge(17) + 200), hi, &rng)
                if day <= hi {
                    events.append(SynthYouth.Event(event: i, on: day))
                    graduated = day
                }
                continue
            case "maltreatment_substantiated":
                for _ in 0..<count(rate, lo, hi, &rng) {
                    let day = (rng.chance(0.6) ? placementDay(&rng) : nil) ?? Day.random(lo, hi, &rng)
                    if day >= lo, day <= hi { events.append(SynthYouth.Event(event: i, on: day)) }
                }
                continue
            default:
                break
            }
            for _ in 0..<count(rate, lo, hi, &rng) {
                events.append(SynthYouth.Event(event: i, on: Day.random(lo, hi, &rng)))
            }
        }

        // Follow-up events.
        let injuryTreated = event.index(of: "injury_treated"), injury = event.index(of: "injury")
        let diploma = event.index(of: "hs_diploma"), hse = event.index(of: "hse_certificate")
        let college = event.index(of: "college_enrollment")
        let pregnancy = event.index(of: "pregnancy"), birthEvent = event.index(of: "birth")
        let parenting = event.index(of: "parenting_support")
        /// Coverage: an event nothing has shown yet, made here by its own path instead of by the nudges below.
        func nudged(_ i: Int?, _ rng: inout SynthRandom) -> Bool {
            guard let coverage, let i, !coverage.isSeen(event, i) else { return false }
            return rng.chance(coverage.force)
        }
        var followUps: [SynthYouth.Event] = []
        for e in events where e.event == injury {
            if let injuryTreated, rng.chance(0.78) {
                let day = e.on + (rng.chance(0.9) ? rng.int(0...7) : rng.int(8...20))
                if day <= activeEnd { followUps.append(SynthYouth.Event(event: injuryTreated, on: day)) }
            }
        }
        events += followUps

        // Education milestones, in order: a high-school diploma or an equivalency certificate (someone who
        // has a diploma does not sit the equivalency test), then perhaps college enrolment after it.
        if graduated == nil, let diploma, let w = window(eventRates[diploma]), nudged(diploma, &rng) {
            let day = Day.random(max(w.0, atAge(17) + 200), w.1, &rng)
            if day <= w.1 {
                events.append(SynthYouth.Event(event: diploma, on: day))
                graduated = day
            }
        }
        if graduated == nil, let hse, let w = window(eventRates[hse]), nudged(hse, &rng) || rng.chance(0.18) {
            let day = Day.random(w.0, w.1, &rng)
            events.append(SynthYouth.Event(event: hse, on: day))
            graduated = day
        }
        if let graduated, let college, graduated < activeEnd, nudged(college, &rng) || rng.chance(0.4) {
            events.append(SynthYouth.Event(event: college, on: Day.random(graduated + 1, activeEnd, &rng)))
        }

        // Pregnancies, births and parenting support come from this path only, and only for youth who may be
        // able to carry a pregnancy (Tuning.pregnancyShare). Pregnancies of one youth never overlap: the
        // next one is recorded only after the previous one ended, in a birth or (without a recorded birth)
        // about nine months after it was recorded; each pregnancy has at most one birth.
        if let pregnancy, pregnancyShare > 0, let (lo, hi) = window(eventRates[pregnancy]) {
            // Coverage: a pregnancy early enough for its birth to fall within the record.
            let forced =
                hi - lo >= 300
                && (nudged(pregnancy, &rng) || nudged(birthEvent, &rng) || nudged(parenting, &rng))
            if forced || rng.chance(pregnancyShare) {
                var births: [Day] = []
                var day = Day.random(lo, forced ? hi - 300 : hi, &rng)
                while day <= activeEnd {
                    events.append(SynthYouth.Event(event: pregnancy, on: day))
                    let ended: Day
                    let delivery = day + rng.int(150...270)
                    if let birthEvent, (forced && births.isEmpty) || rng.chance(0.55) {
                        guard delivery <= activeEnd else { break }  // still pregnant at the end of the record
                        events.append(SynthYouth.Event(event: birthEvent, on: delivery))
                        births.append(delivery)
                        ended = delivery
                    } else {
                        ended = day + 270
                    }
                    // About one pregnancy in four is followed by another, some months after this one ended.
                    guard rng.chance(0.25) else { break }
                    day = ended + rng.int(120...900)
                }
                if let parenting, let firstBirth = births.first, forced || rng.chance(0.75) {
                    let n = max(1, rng.poisson(2 * Double(activeEnd - firstBirth) / 365.25))
                    for _ in 0..<min(n, 12) {
                        events.append(SynthYouth.Event(event: parenting, on: Day.random(firstBirth, activeEnd, &rng)))
                    }
                }
            }
        }

        // Coverage nudges: an event code (or a document) nothing has shown yet. Education milestones and the
        // pregnancy path have their own nudges above (a lone birth or college enrolment would break their order).
        let ownPath = [diploma, hse, college, pregnancy, birthEvent, parenting].compactMap { $0 }
        if let coverage {
            var added = 0
            for (i, _) in event.codes.enumerated()
            where added < 4 && !ownPath.contains(i) && !coverage.isSeen(event, i)
                && !events.contains(where: { $0.event == i })
            {
                guard let w = window(eventRates[i]), rng.chance(coverage.force) else { continue }
                let day = Day.random(w.0, w.1, &rng)
                if i == injuryTreated, let injury {
                    events.append(SynthYouth.Event(event: injury, on: day))
                    events.append(SynthYouth.Event(event: i, on: min(activeEnd, day + rng.int(0...7))))
                } else if let details = eventDetails[i] {
                    events.append(SynthYouth.Event(event: i, on: day, detail: rng.below(details.count)))
                } else {
                    events.append(SynthYouth.Event(event: i, on: day))
                }
                added += 1
            }
            for (i, details) in eventDetails.enumerated() {
                guard let details, let w = window(Tuning.EventRate(share: 1, perYear: 1, minAge: 14)) else { continue }
                for d in 0..<details.count where !coverage.isSeen(details, d) && rng.chance(coverage.force) {
                    events.append(SynthYouth.Event(event: i, on: Day.random(w.0, w.1, &rng), detail: d))
                    break
                }
            }
            for e in events {
                coverage.mark(event, e.event)
                if let d = e.detail, let details = eventDetails[e.event] { coverage.mark(details, d) }
            }
        }
        events.sort { a, b in
            a.on != b.on ? a.on < b.on : a.event != b.event ? a.event < b.event : (a.detail ?? -1) < (b.detail ?? -1)
        }
        youth.events = events
    }

    // MARK: School

    private func makeTerms(
        _ youth: inout SynthYouth, from windowStart: Day, to activeEnd: Day, _ rng: inout SynthRandom
    ) {
        let birth = youth.birthMonth
        func age(_ day: Day) -> Int { day.years(since: birth) }
        guard rng.chance(0.82) else { return }
        let stillAt18 = rng.chance(0.35)
        let base = rng.double(0.55, 0.98)
        let trend = rng.double(-0.04, 0.08)
        let fallStart = 10 + rng.int(0...10), fallEnd = 14 + rng.int(0...6)
        let springStart = 5 + rng.int(0...7), springEnd = 2 + rng.int(0...10)
        let earliest = windowStart - 180
        for year in (earliest.year - 1)...extractedOn.year {
            let terms = [
                (Day(year: year, month: 1, day: springStart), Day(year: year, month: 6, day: springEnd), 92),
                (Day(year: year, month: 8, day: fallStart), Day(year: year, month: 12, day: fallEnd), 78),
            ]
            for (start, end, days) in terms {
                guard start >= earliest, end <= activeEnd else { continue }
                let years = age(start)
                guard years >= 5, years <= 18, years < 18 || stillAt18 else { continue }
                let full = days + rng.int(-3...3)
                let t = Double(start - windowStart) / 365.25
                let rate = min(1, max(0, base + trend * t + rng.normal() * 0.06))
                let credits = years >= 14 && rng.chance(0.88)
                func row(_ s: Day, _ e: Day, _ days: Int) -> SynthYouth.Term {
                    // A school day is a weekday: no one is enrolled for more days than the term has weekdays.
                    let enrolled = min(days, Day.weekdays(from: s, through: e))
                    let attended = min(enrolled, max(0, Int((Double(enrolled) * rate).rounded())))
                    var halves: Int?
                    if credits {
                        halves =
                            enrolled == 0
                            ? 0
                            : min(
                                80,
                                max(
                                    0,
                                    Int((Double(enrolled) / Double(full) * 60 * rate * rng.double(0.7, 1.15)).rounded())
                                ))
                    }
                    return SynthYouth.Term(
                        start: s, end: e, enrolled: enrolled, attended: attended, creditHalves: halves)
                }
                switch termKinds[pick(termKinds, [80, 14, 3, 3], &rng)] {
                case "full": youth.terms.append(row(start, end, full))
                case "partial": youth.terms.append(row(start, end, rng.int(10...(full - 5))))
                case "zero": youth.terms.append(row(start, end, 0))
                default:
                    // Changed schools mid-term: two rows.
                    let middle = start + (end - start) / 2
                    let first = full / 2 - rng.int(0...5)
                    youth.terms.append(row(start, middle, first))
                    youth.terms.append(row(middle + 7, end, max(0, full - first - rng.int(5...10))))
                }
            }
        }
    }

    // MARK: Assessments

    private func makeAssessments(
        _ youth: inout SynthYouth, kind: AgencyKind, firstFlag: Day, to activeEnd: Day, substanceNeed: Bool,
        _ rng: inout SynthRandom
    ) {
        var administrations: [SynthYouth.Administration] = []
        for (n, instrument) in reference.instruments.enumerated() {
            let share: Double, gap: ClosedRange<Int>
            switch instrument.code {
            case "CANS":
                share = [AgencyKind.childWelfare: 0.7, .probation: 0.45, .provider: 0.35, .dropIn: 0.2][kind]!
                gap = 170...230
            case "MSPSS": (share, gap) = (0.3, 150...300)
            case "COPSE": (share, gap) = (0.2, 180...330)
            case "URICA": (share, gap) = (0.2, 150...300)
            case "VOICE": (share, gap) = (0.45, 90...240)
            default: (share, gap) = (0.2, 120...300)
            }
            let forced =
                coverage.map { !$0.hasSeen(feature: "instrument:" + instrument.code) && rng.chance($0.force) } ?? false
            guard forced || rng.chance(share) else { continue }
            var dates: [Day] = []
            var day = firstFlag + rng.int(0...60)
            while day <= activeEnd, dates.count < 6 {
                dates.append(day)
                day = day + rng.int(gap)
            }
            if dates.count == 1, activeEnd - dates[0] >= 30, rng.chance(0.6) {
                dates.append(Day.random(dates[0] + 30, activeEnd, &rng))
            }
            guard !dates.isEmpty else { continue }
            coverage?.mark(feature: "instrument:" + instrument.code)
            var model = InstrumentModel(instrument: instrument, substanceNeed: substanceNeed, &rng)
            for (k, on) in dates.enumerated() {
                var items = model.administer(k: k, years: Double(on - dates[0]) / 365.25, &rng)
                // Some administrations miss items (kept, scored only where the rule allows).
                if instrument.itemPattern == nil, items.count > 2,
                    completeness[pick(completeness, [93, 7], &rng)] == "incomplete"
                {
                    for _ in 0..<rng.int(1...min(3, items.count - 1)) { items.remove(at: rng.below(items.count)) }
                }
                administrations.append(SynthYouth.Administration(instrument: n, on: on, items: items))
            }
        }
        administrations.sort { $0.on != $1.on ? $0.on < $1.on : $0.instrument < $1.instrument }
        youth.administrations = administrations
    }

    // MARK: Stages of change and goals

    private func makeStages(
        _ youth: inout SynthYouth, firstFlag: Day, to activeEnd: Day, substanceNeed: Bool, _ rng: inout SynthRandom
    ) {
        guard rng.chance(0.5) else { return }
        var tracked: [Int] = []
        for (b, code) in behavior.codes.enumerated() {
            let share = code.code == "substance_use" && substanceNeed ? 0.7 : behaviorShare[b]
            let forced = coverage.map { !$0.isSeen(behavior, b) && rng.chance($0.force) } ?? false
            if forced || rng.chance(share) { tracked.append(b) }
        }
        if tracked.isEmpty { tracked = [0] }
        var current: [Int] = tracked.map { _ in -1 }  // -1 = not assessed yet; rankedStages.count = relapse
        var day = firstFlag + rng.int(0...90)
        let relapse = relapseStages.first
        while day <= activeEnd {
            for (t, b) in tracked.enumerated() where rng.chance(0.85) || current[t] < 0 {
                var s = current[t]
                let last = rankedStages.count - 1
                if s < 0 {
                    s = min(last, rng.weighted([40, 30, 18, 9, 3]))
                } else if s > last {
                    s = rng.chance(0.2) ? s : min(last, 1 + rng.below(2))
                } else {
                    let roll = rng.unit()
                    let relapseChance = relapse == nil ? 0 : (s >= 2 ? 0.1 : 0.04)
                    if roll < relapseChance {
                        s = last + 1
                    } else if roll < relapseChance + 0.35 {
                        s = min(last, s + 1)
                    } else if roll < relapseChance + 0.45 {
                        s = max(0, s - 1)
                    }
                }
                // Coverage: a stage nothing has shown yet, when it can follow.
                if let coverage, rng.chance(coverage.force) {
                    if let relapse, s <= last, !coverage.isSeen(stage, relapse), current[t] >= 0 {
                        s = last + 1
                    } else if s <= last, let unseen = rankedStages.firstIndex(where: { !coverage.isSeen(stage, $0) }) {
                        s = unseen
                    }
                }
                current[t] = s
                let code = s > last ? relapse! : rankedStages[s]
                note(stage, code)
                note(behavior, b)
                youth.stages.append(SynthYouth.Stage(on: day, behavior: b, stage: code))
            }
            day = day + rng.int(45...150)
        }
    }

    private func makeGoals(prefix: String, count: Int, from firstFlag: Day, to activeEnd: Day, _ rng: inout SynthRandom)
        -> [SynthYouth.Goal]
    {
        guard count > 0, !reference.domains.isEmpty, firstFlag < activeEnd else { return [] }
        var goals: [SynthYouth.Goal] = []
        for _ in 1...count {
            let setOn = Day.random(firstFlag, activeEnd - 1, &rng)
            let young = activeEnd - setOn < 60
            var status = pick(goalStatus, goalStatusWeights, &rng)
            if young, let inProgress, rng.chance(0.8) { status = inProgress }
            let statusOn =
                status == inProgress
                ? Day.random(setOn, activeEnd, &rng)
                : min(activeEnd, setOn + rng.int(30...420))
            goals.append(
                SynthYouth.Goal(
                    id: "", domain: reference.domains[rng.weighted(domainWeights)], setOn: setOn, status: status,
                    statusOn: statusOn))
        }
        goals.sort { $0.setOn < $1.setOn }
        // Numbered in the order they were set, e.g. G2024-01, G2024-02.
        for n in goals.indices { goals[n].id = "\(prefix)\(goals[n].setOn.year)-\(n < 9 ? "0" : "")\(n + 1)" }
        return goals
    }
}

/// How one youth answers one instrument over time (levels drift between administrations).
struct InstrumentModel {
    enum CANSDomain { case need, substance, strengths }
    /// The CANS items with their domain, worked out once.
    static let cans: [(item: String, domain: CANSDomain, offset: Double)] = Tuning.cansItems.map { entry in
        let domain = entry.item.split(separator: ".").first.map(String.init) ?? ""
        return (
            entry.item, domain == "substance" ? .substance : domain == "strengths" ? .strengths : .need, entry.offset
        )
    }

    let instrument: SynthReference.Instrument
    let level: Double
    let slope: Double
    let substanceLevel: Double
    let strengthLevel: Double
    var readiness: Int

    init(instrument: SynthReference.Instrument, substanceNeed: Bool, _ rng: inout SynthRandom) {
        self.instrument = instrument
        switch instrument.code {
        case "MSPSS": (level, slope) = (rng.double(2.2, 6.3), rng.double(-0.4, 0.8))
        case "COPSE": (level, slope) = (rng.double(2.5, 7.5), rng.double(-0.3, 0.9))
        case "CANS": (level, slope) = (rng.double(0.3, 2.6), rng.double(-0.6, 0.2))
        case "VOICE": (level, slope) = (rng.double(1.8, 4.2), rng.double(-0.2, 0.5))
        default:
            let mid = Double(instrument.minScore + instrument.maxScore) / 2
            (level, slope) = (mid, 0)
        }
        substanceLevel = substanceNeed ? rng.double(1.6, 2.9) : rng.double(0, 1.2)
        strengthLevel = rng.double(0.5, 2.5)
        readiness = rng.weighted([40, 35, 20, 5])
    }

    func clamp(_ x: Double) -> Int {
        min(instrument.maxScore, max(instrument.minScore, Int(x.rounded())))
    }

    mutating func administer(k: Int, years: Double, _ rng: inout SynthRandom) -> [(item: String, score: Int)] {
        switch instrument.code {
        case "CANS":
            return InstrumentModel.cans.map { entry in
                let x: Double
                switch entry.domain {
                case .substance: x = substanceLevel + slope * years * 0.7 + rng.normal() * 0.4
                case .strengths: x = strengthLevel + entry.offset - 0.3 * years + rng.normal() * 0.5
                case .need: x = level + entry.offset + slope * years + rng.normal() * 0.5
                }
                return (entry.item, clamp(x))
            }
        case "MSPSS":
            let offsets = ["significant_other": 0.3, "family": -0.5, "friends": 0.1]
            return instrument.items.map { item in
                (item.item, clamp(level + (offsets[item.subscale ?? ""] ?? 0) + slope * years + rng.normal() * 0.7))
            }
        case "COPSE", "VOICE":
            let noise = instrument.code == "COPSE" ? 1.2 : 0.6
            return instrument.items.map { ($0.item, clamp(level + slope * years + rng.normal() * noise)) }
        case "URICA":
            return urica(k: k, &rng)
        default:
            return instrument.items.map {
                ($0.item, instrument.minScore + rng.below(instrument.maxScore - instrument.minScore + 1))
            }
        }
    }

    /// URICA answers whose readiness (C + A + M − PC) falls in the youth's current stage band.
    private mutating func urica(k: Int, _ rng: inout SynthRandom) -> [(item: String, score: Int)] {
        if k > 0 {
            let roll = rng.unit()
            if roll < 0.35 {
                readiness = min(3, readiness + 1)
            } else if roll < 0.55 {
                readiness = max(0, readiness - 1)
            }
        }
        // Subscale totals (7 items each, 7 … 35), chosen so the readiness lands in the band.
        var totals: [String: Int]
        if readiness == 3 {
            totals = ["precontemplation": 7, "contemplation": 35, "action": 35, "maintenance": 35]
        } else {
            let target = [rng.double(3, 7.6), rng.double(8.3, 10.7), rng.double(11.3, 13.6)][readiness]
            let pc = [rng.double(2.2, 4.0), rng.double(1.6, 3.0), rng.double(1.0, 1.9)][readiness]
            let sum = min(15, target + pc)
            var means = [sum / 3 + rng.double(-0.4, 0.4), sum / 3 + rng.double(-0.4, 0.4)]
            means.append(sum - means[0] - means[1])
            means = means.map { min(5, max(1, $0)) }
            let pcTotal = min(35, max(7, Int((pc * 7).rounded())))
            let sumTotal = Int(((target + Double(pcTotal) / 7) * 7).rounded())
            var c = min(35, max(7, Int((means[0] * 7).rounded())))
            var a = min(35, max(7, Int((means[1] * 7).rounded())))
            var m = min(35, max(7, sumTotal - c - a))
            // Push any remainder into the other subscales so the readiness stays on target.
            var rest = sumTotal - c - a - m
            while rest != 0 {
                let step = rest > 0 ? 1 : -1
                if c + step >= 7, c + step <= 35 { c += step; rest -= step; continue }
                if a + step >= 7, a + step <= 35 { a += step; rest -= step; continue }
                if m + step >= 7, m + step <= 35 { m += step; rest -= step; continue }
                break
            }
            totals = ["precontemplation": pcTotal, "contemplation": c, "action": a, "maintenance": m]
        }
        // Spread each subscale total over its items.
        var perSubscale: [String: [Int]] = [:]
        for (subscale, total) in totals.sorted(by: { $0.key < $1.key }) {
            let count = instrument.items.filter { $0.subscale == subscale }.count
            guard count > 0 else { continue }
            let clamped = min(count * instrument.maxScore, max(count * instrument.minScore, total * count / 7))
            var scores = Array(repeating: clamped / count, count: count)
            var positions = Array(0..<count)
            rng.shuffle(&positions)
            for p in positions.prefix(clamped % count) { scores[p] += 1 }
            perSubscale[subscale] = scores
        }
        var used: [String: Int] = [:]
        return instrument.items.map { item in
            guard let subscale = item.subscale, let scores = perSubscale[subscale] else {
                return (item.item, instrument.minScore + rng.below(instrument.maxScore - instrument.minScore + 1))
            }
            let k = used[subscale, default: 0]
            used[subscale] = k + 1
            return (item.item, scores[k])
        }
    }
}
