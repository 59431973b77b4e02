/// One synthetic youth with every record the agencies hold about them. Codes
/// are indices into the reference code lists; the writer turns them into text.
struct SynthYouth {
    struct Flag {
        var flag: Int
        var flaggedOn: Day
        var basis: Int
        var types: [Int]
        var incidentOn: Day?
        var lastOccurrenceOn: Day?
        var resolvedOn: Day?
    }

    struct Placement {
        var startedOn: Day
        var endedOn: Day?
        var setting: Int
        var endReason: Int?
    }

    struct Absence {
        var leftOn: Day
        var returnedOn: Day?
        var sameCaregiver: Bool?
    }

    struct Event {
        var event: Int
        var on: Day
        /// Index into the event's detail list.
        var detail: Int?
        /// Reported by the second agency instead of the main one.
        var bySecondary = false
    }

    struct Term {
        var start: Day
        var end: Day
        var enrolled: Int
        var attended: Int
        /// Credits × 2 (credits come in halves); nil = not reported.
        var creditHalves: Int?
    }

    struct Administration {
        /// Index into SynthReference.instruments.
        var instrument: Int
        var on: Day
        var items: [(item: String, score: Int)]
    }

    struct Stage {
        var on: Day
        var behavior: Int
        var stage: Int
    }

    struct Goal {
        var id: String
        var domain: Int
        var setOn: Day
        var status: Int
        var statusOn: Day
    }

    var index: Int
    var countyFIPS: String
    var birthMonth: Day
    var gender: Int
    var race: String
    var raceSource: Int
    var linkageID: String?
    /// Agency (index in the county's agency list) that reports the youth.
    var primary: Int
    /// A second agency of the same county that also reports the youth (same linkage_id).
    var secondary: Int?

    var flags: [Flag] = []
    var secondaryFlags: [Flag] = []
    var placements: [Placement] = []
    var absences: [Absence] = []
    var events: [Event] = []
    var terms: [Term] = []
    var administrations: [Administration] = []
    var stages: [Stage] = []
    var goals: [Goal] = []
    var secondaryGoals: [Goal] = []
}
