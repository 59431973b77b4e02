/// Proportions of the synthetic population, keyed by the codes of the reference
/// lists. These are weights only: which codes exist always comes from the
/// reference tables. A code missing here gets the list's default weight; a key
/// here that the reference does not have is never written.
enum Tuning {
    static let gender: [String: Double] = [
        "female": 61, "male": 25, "transgender_female": 3, "transgender_male": 2, "nonbinary": 3.5, "another": 1,
        "declined": 2, "unknown": 2.5,
    ]
    static let raceCategory: [String: Double] = [
        "HISPANIC": 46, "BLACK": 24, "WHITE": 16, "ASIAN": 6, "AIAN": 3, "NHPI": 2, "MENA": 2,
    ]
    /// The optional CATEGORY.DETAIL refinement (details are free text in the format, not a code list), with
    /// weights that follow California's population roughly (ACS): most Hispanic Californians are of Mexican
    /// origin, most Black Californians African American; Filipino, Chinese and Vietnamese lead among Asian
    /// Californians; Native Hawaiian and Samoan among Pacific Islanders; Iranian among MENA.
    static let raceDetails: [String: [(detail: String, weight: Double)]] = [
        "AIAN": [("MAYAN", 35), ("NAVAJO_NATION", 35), ("YUROK", 30)],
        "ASIAN": [("FILIPINO", 30), ("CHINESE", 26), ("VIETNAMESE", 22), ("KOREAN", 12), ("HMONG", 10)],
        "BLACK": [("AFRICAN_AMERICAN", 90), ("ETHIOPIAN", 5), ("JAMAICAN", 5)],
        "HISPANIC": [("MEXICAN", 83), ("SALVADORAN", 8), ("GUATEMALAN", 6), ("PUERTO_RICAN", 3)],
        "MENA": [("IRANIAN", 50), ("LEBANESE", 25), ("EGYPTIAN", 25)],
        "NHPI": [("NATIVE_HAWAIIAN", 42), ("SAMOAN", 38), ("TONGAN", 20)],
        "WHITE": [("GERMAN", 38), ("IRISH", 34), ("ITALIAN", 28)],
    ]
    static let raceSource: [String: Double] = ["self": 86, "observed": 11, "unknown": 3]
    static let raceSourceWhenDeclinedOrUnknown: [String: Double] = ["self": 35, "observed": 25, "unknown": 40]

    /// Basis of a determination, by flag severity (0 = lowest rank … 2 = highest).
    static let basisBySeverity: [[String: Double]] = [
        ["cse_it": 45, "cans_cse": 30, "self_disclosure": 5, "law_enforcement": 5, "court": 2, "other": 13],
        ["cse_it": 33, "cans_cse": 27, "self_disclosure": 12, "law_enforcement": 12, "court": 3, "other": 13],
        ["cse_it": 10, "cans_cse": 14, "self_disclosure": 25, "law_enforcement": 26, "court": 15, "other": 10],
    ]
    static let exploitationType: [String: Double] = [
        "third_party": 30, "survival_sex": 25, "familial": 9, "online": 16, "commercial_sex": 10, "stripping": 3,
        "pornography": 5, "other": 2,
    ]

    enum Placing { case childWelfare, probation }
    static let initialSetting: [Placing: [String: Double]] = [
        .childWelfare: [
            "home_of_parent": 3, "relative_nrefm": 20, "guardian": 3, "resource_family": 24, "ffa_home": 15, "isfc": 5,
            "strtp": 12, "group_home": 3, "shelter": 9, "juvenile_facility": 0.5, "transitional_housing": 2,
            "supervised_independent": 1.5, "other": 2,
        ],
        .probation: [
            "home_of_parent": 6, "relative_nrefm": 10, "guardian": 2, "resource_family": 8, "ffa_home": 5, "isfc": 3,
            "strtp": 22, "group_home": 6, "shelter": 4, "juvenile_facility": 30, "transitional_housing": 2,
            "supervised_independent": 1, "other": 1,
        ],
    ]
    /// Minimum age for a setting.
    static let settingMinimumAge: [String: Int] = [
        "transitional_housing": 16, "supervised_independent": 17, "juvenile_facility": 10,
    ]
    /// Shortest and longest stay, in days.
    static let settingStay: [String: ClosedRange<Int>] = [
        "shelter": 2...45, "juvenile_facility": 7...200, "home_of_parent": 60...500, "strtp": 30...300,
        "group_home": 30...300,
    ]
    static let finalEndReason: [String: Double] = [
        "reunified": 45, "adoption": 4, "guardianship": 12, "aged_out": 20, "other": 19,
    ]

    /// Event rates: share of youth who have the event at all, events per year for them, minimum and maximum age.
    struct EventRate {
        var share: Double
        var perYear: Double
        var minAge: Int = 0
        var maxAge: Int = 99
        /// At most one such event per youth.
        var once = false
    }
    static let defaultEvent = EventRate(share: 0.08, perYear: 0.5)
    static let events: [String: EventRate] = [
        "maltreatment_substantiated": EventRate(share: 0.07, perYear: 0.5),
        "exploitation_incident": EventRate(share: 0.3, perYear: 0.7, minAge: 10),
        "violence_exposure": EventRate(share: 0.25, perYear: 0.8),
        "sexual_assault": EventRate(share: 0.1, perYear: 0.4, minAge: 10),
        "crime_victimization": EventRate(share: 0.12, perYear: 0.5),
        "homelessness": EventRate(share: 0.15, perYear: 0.6, minAge: 12),
        "hospitalization": EventRate(share: 0.14, perYear: 0.4),
        "injury": EventRate(share: 0.22, perYear: 0.6),
        "psychiatric_hospitalization": EventRate(share: 0.08, perYear: 0.4, minAge: 8),
        "psychiatric_hold": EventRate(share: 0.13, perYear: 0.6, minAge: 8),
        "self_harm": EventRate(share: 0.1, perYear: 0.6, minAge: 9),
        "mental_health_service": EventRate(share: 0.62, perYear: 2),
        "medical_exam": EventRate(share: 0.35, perYear: 1),
        "dental_exam": EventRate(share: 0.25, perYear: 1),
        "suspension": EventRate(share: 0.2, perYear: 0.6, minAge: 6, maxAge: 18),
        "expulsion": EventRate(share: 0.04, perYear: 0.3, minAge: 8, maxAge: 18),
        "hs_diploma": EventRate(share: 0.4, perYear: 1, minAge: 17, once: true),
        "hse_certificate": EventRate(share: 0.12, perYear: 1, minAge: 17, once: true),
        "college_enrollment": EventRate(share: 0.4, perYear: 0.5, minAge: 17),
        "iep_active": EventRate(share: 0.15, perYear: 1, minAge: 5, maxAge: 21),
        "extracurricular": EventRate(share: 0.35, perYear: 1.5, minAge: 6),
        "employment": EventRate(share: 0.35, perYear: 0.8, minAge: 15),
        "internship": EventRate(share: 0.08, perYear: 0.5, minAge: 15),
        "job_training": EventRate(share: 0.15, perYear: 0.5, minAge: 15),
        "sud_treatment": EventRate(share: 0.03, perYear: 1, minAge: 11),
        "dual_status": EventRate(share: 0.06, perYear: 0.3, minAge: 10),
        "victim_witness_testimony": EventRate(share: 0.04, perYear: 0.5, minAge: 8),
        "identity_theft": EventRate(share: 0.03, perYear: 0.3, minAge: 12),
        "bank_account": EventRate(share: 0.22, perYear: 1, minAge: 16, once: true),
        "arrest": EventRate(share: 0.15, perYear: 0.6, minAge: 10),
        "probation_violation": EventRate(share: 0.02, perYear: 0.8, minAge: 10),
        "detention_admission": EventRate(share: 0.05, perYear: 0.8, minAge: 10),
        "recruitment_of_others": EventRate(share: 0.03, perYear: 0.4, minAge: 12),
        // Only the minimum age is read: the share is pregnancyShare, and birth and parenting_support
        // follow a pregnancy (YouthGenerator.makeEvents).
        "pregnancy": EventRate(share: 0, perYear: 0, minAge: 13),
        "sti_diagnosis": EventRate(share: 0.12, perYear: 0.4, minAge: 12),
        "reproductive_health_visit": EventRate(share: 0.45, perYear: 1.5, minAge: 12),
        "supportive_adult_contact": EventRate(share: 0.6, perYear: 2),
        "family_visit": EventRate(share: 0.5, perYear: 2),
        "sibling_visit": EventRate(share: 0.35, perYear: 2),
        "intimate_partner_violence": EventRate(share: 0.1, perYear: 0.4, minAge: 12),
    ]
    /// Share of youth with a pregnancy in the record, by gender code; a code not listed never has one. The
    /// format records gender identity, not sex assigned at birth: a transgender male youth was assigned female
    /// at birth, and a nonbinary youth, one of another identity, or one whose gender was declined or is unknown
    /// may have been. A `male` youth (the list has `transgender_male` apart) and a `transgender_female` youth
    /// cannot become pregnant, and so never have a pregnancy or a birth.
    static let pregnancyShare: [String: Double] = [
        "female": 0.14, "transgender_male": 0.04, "nonbinary": 0.04, "another": 0.04, "declined": 0.04,
        "unknown": 0.04,
    ]
    /// Chance a youth of 14+ obtains each vital document during the record.
    static let vitalDocument: [String: Double] = [
        "birth_certificate": 0.62, "ssn_card": 0.58, "state_id": 0.52, "immunization_record": 0.4, "court_records": 0.2,
    ]

    /// CANS items written (CANS accepts any domain.item code; the measures read
    /// behavioral.*, substance.* and strengths.*). Offsets shift the youth's level per item.
    static let cansItems: [(item: String, offset: Double)] = [
        ("behavioral.depression", 0.2), ("behavioral.anxiety", 0.1), ("behavioral.adjustment_to_trauma", 0.5),
        ("behavioral.anger_control", -0.3), ("behavioral.impulsivity", -0.4),
        ("risk.runaway", 0.2), ("risk.exploitation", 0.4), ("risk.self_harm", -0.6),
        ("substance.substance_use", 0),
        ("strengths.resiliency", 0), ("strengths.family_strengths", 0.4), ("strengths.interpersonal", -0.2),
        ("strengths.educational_setting", 0.3),
    ]

    static let behavior: [String: Double] = [
        "exploitation": 0.85, "runaway": 0.45, "substance_use": 0.1, "school": 0.3, "other": 0.1,
    ]
    static let goalDomain: [Int: Double] = [1: 20, 3: 12, 4: 10, 6: 15, 7: 8, 8: 8, 13: 8]
    static let goalStatus: [String: Double] = ["in_progress": 35, "met": 40, "discontinued": 25]

    static func weights(_ list: SynthReference.CodeList, _ table: [String: Double], default value: Double = 1)
        -> [Double]
    {
        list.codes.map { table[$0.code] ?? value }
    }
}
