-- Reference data that every other table joins to: counties, outcome domains,
-- every code list of the extract format (extract-format-v1), the instruments
-- and the extract format itself (files and columns). The ingest validator and
-- the indicator engine read these tables; no second copy lives in Swift.

CREATE SCHEMA ref;

-- California's 58 counties. FIPS county codes are the odd numbers 001..115 in
-- alphabetical order, so the FIPS code follows from the alphabetical number.
CREATE TABLE ref.county (
    number     integer PRIMARY KEY CHECK (number BETWEEN 1 AND 58),
    fips       char(5) NOT NULL UNIQUE
               CHECK (fips = '06' || lpad((2 * number - 1)::text, 3, '0')),
    name       text NOT NULL UNIQUE,
    slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z]+(-[a-z]+)*$'),
    -- Approximate 2020 census population; used only to spread synthetic youth.
    population integer NOT NULL CHECK (population > 0)
);

-- The thirteen outcome domains of the CSEC Action Team's Recommendation 2.
CREATE TABLE ref.domain (
    number      integer PRIMARY KEY CHECK (number BETWEEN 1 AND 13),
    name        text NOT NULL UNIQUE,
    description text NOT NULL
);

CREATE TABLE ref.code_list (
    list        text PRIMARY KEY,
    description text NOT NULL
);

-- One row per allowed code. `rank` carries an order where the format gives one
-- (flag severity, setting restrictiveness, stage order); `domain` and
-- `detail_list` are used by the `event` list.
CREATE TABLE ref.code (
    list        text NOT NULL REFERENCES ref.code_list,
    code        text NOT NULL,
    ord         integer NOT NULL,
    label       text NOT NULL,
    rank        integer,
    domain      integer REFERENCES ref.domain,
    detail_list text REFERENCES ref.code_list,
    PRIMARY KEY (list, code),
    UNIQUE (list, ord)
);

CREATE TABLE ref.instrument (
    code         text PRIMARY KEY,
    name         text NOT NULL,
    min_score    numeric NOT NULL,
    max_score    numeric NOT NULL,
    -- Open item sets (CANS) are described by a pattern instead of a list.
    item_pattern text,
    description  text NOT NULL
);

CREATE TABLE ref.instrument_item (
    instrument text NOT NULL REFERENCES ref.instrument,
    item       text NOT NULL,
    ord        integer NOT NULL,
    subscale   text,
    PRIMARY KEY (instrument, item),
    UNIQUE (instrument, ord)
);

-- The extract format: which files exist and which columns each file has.
CREATE TABLE ref.extract_file (
    file        text PRIMARY KEY,
    ord         integer NOT NULL UNIQUE,
    required    boolean NOT NULL,
    description text NOT NULL
);

CREATE TABLE ref.extract_column (
    file        text NOT NULL REFERENCES ref.extract_file,
    ord         integer NOT NULL,
    name        text NOT NULL,
    required    boolean NOT NULL,
    kind        text NOT NULL CHECK (kind IN (
                    'identifier', 'fips', 'month', 'date', 'code', 'codes',
                    'race', 'bool', 'count', 'numeric', 'item', 'text', 'domain')),
    list        text REFERENCES ref.code_list,
    description text NOT NULL,
    PRIMARY KEY (file, name),
    UNIQUE (file, ord),
    CHECK ((kind IN ('code', 'codes')) = (list IS NOT NULL))
);

-- ===========================================================================
-- Data
-- ===========================================================================

-- Counties: alphabetical number, FIPS (06 + 2n-1), name, slug and the
-- approximate 2020 census population.
INSERT INTO ref.county (number, fips, name, slug, population) VALUES
    ( 1, '06001', 'Alameda',         'alameda',          1682353),
    ( 2, '06003', 'Alpine',          'alpine',              1204),
    ( 3, '06005', 'Amador',          'amador',             40474),
    ( 4, '06007', 'Butte',           'butte',             211632),
    ( 5, '06009', 'Calaveras',       'calaveras',          45292),
    ( 6, '06011', 'Colusa',          'colusa',             21839),
    ( 7, '06013', 'Contra Costa',    'contra-costa',     1165927),
    ( 8, '06015', 'Del Norte',       'del-norte',          27743),
    ( 9, '06017', 'El Dorado',       'el-dorado',         191185),
    (10, '06019', 'Fresno',          'fresno',           1008654),
    (11, '06021', 'Glenn',           'glenn',              28917),
    (12, '06023', 'Humboldt',        'humboldt',          136463),
    (13, '06025', 'Imperial',        'imperial',          179702),
    (14, '06027', 'Inyo',            'inyo',               19016),
    (15, '06029', 'Kern',            'kern',              909235),
    (16, '06031', 'Kings',           'kings',             152486),
    (17, '06033', 'Lake',            'lake',               68163),
    (18, '06035', 'Lassen',          'lassen',             32730),
    (19, '06037', 'Los Angeles',     'los-angeles',     10014009),
    (20, '06039', 'Madera',          'madera',            156255),
    (21, '06041', 'Marin',           'marin',             262321),
    (22, '06043', 'Mariposa',        'mariposa',           17131),
    (23, '06045', 'Mendocino',       'mendocino',          91601),
    (24, '06047', 'Merced',          'merced',            281202),
    (25, '06049', 'Modoc',           'modoc',               8700),
    (26, '06051', 'Mono',            'mono',               13195),
    (27, '06053', 'Monterey',        'monterey',          439035),
    (28, '06055', 'Napa',            'napa',              138019),
    (29, '06057', 'Nevada',          'nevada',            102241),
    (30, '06059', 'Orange',          'orange',           3186989),
    (31, '06061', 'Placer',          'placer',            404739),
    (32, '06063', 'Plumas',          'plumas',             19790),
    (33, '06065', 'Riverside',       'riverside',        2418185),
    (34, '06067', 'Sacramento',      'sacramento',       1585055),
    (35, '06069', 'San Benito',      'san-benito',         64209),
    (36, '06071', 'San Bernardino',  'san-bernardino',   2181654),
    (37, '06073', 'San Diego',       'san-diego',        3298634),
    (38, '06075', 'San Francisco',   'san-francisco',     873965),
    (39, '06077', 'San Joaquin',     'san-joaquin',       779233),
    (40, '06079', 'San Luis Obispo', 'san-luis-obispo',   282424),
    (41, '06081', 'San Mateo',       'san-mateo',         764442),
    (42, '06083', 'Santa Barbara',   'santa-barbara',     448229),
    (43, '06085', 'Santa Clara',     'santa-clara',      1936259),
    (44, '06087', 'Santa Cruz',      'santa-cruz',        270861),
    (45, '06089', 'Shasta',          'shasta',            182155),
    (46, '06091', 'Sierra',          'sierra',              3236),
    (47, '06093', 'Siskiyou',        'siskiyou',           44076),
    (48, '06095', 'Solano',          'solano',            453491),
    (49, '06097', 'Sonoma',          'sonoma',            488863),
    (50, '06099', 'Stanislaus',      'stanislaus',        552878),
    (51, '06101', 'Sutter',          'sutter',             99633),
    (52, '06103', 'Tehama',          'tehama',             65829),
    (53, '06105', 'Trinity',         'trinity',            16112),
    (54, '06107', 'Tulare',          'tulare',            473117),
    (55, '06109', 'Tuolumne',        'tuolumne',           55620),
    (56, '06111', 'Ventura',         'ventura',           843843),
    (57, '06113', 'Yolo',            'yolo',              216403),
    (58, '06115', 'Yuba',            'yuba',               81575);

-- Outcome domains, numbered as in the event table of extract-format-v1.
INSERT INTO ref.domain (number, name, description) VALUES
    ( 1, 'Physical safety',
         'Whether the youth is safe from exploitation, abuse, violence, crime and homelessness.'),
    ( 2, 'Physical health',
         'Injuries, illnesses and hospital stays, and whether they are treated promptly.'),
    ( 3, 'Mental health',
         'Mental health needs, crises such as holds, hospital stays or self-harm, and access to mental health services.'),
    ( 4, 'Placement',
         'How stable the youth''s living situation is: moves, absences without permission, returns to the same caregiver and steps down to more family-like homes.'),
    ( 5, 'Routine medical care',
         'Whether the youth gets regular, timely medical and dental check-ups and the care they need.'),
    ( 6, 'Education',
         'School enrolment, attendance, credits, discipline, special education support and graduation.'),
    ( 7, 'Extracurricular / workforce',
         'Taking part in activities outside class, jobs, internships and job training.'),
    ( 8, 'Agency / locus of control',
         'The youth''s sense of control over their own life, including holding their own vital documents and records.'),
    ( 9, 'Substance use',
         'How much alcohol and drug use affects the youth and whether they can get treatment when they want it.'),
    (10, 'Legal / financial',
         'Involvement with both child welfare and juvenile justice, testifying as a victim or witness, identity theft and basic financial footing.'),
    (11, 'Other risk behaviours',
         'Arrests, probation violations, detention and recruiting others into exploitation.'),
    (12, 'Youth parents / sexual health',
         'Pregnancy and parenting, support for parenting youth, and access to reproductive and sexual health care.'),
    (13, 'Healthy relationships',
         'Contact with supportive adults, family and siblings, the youth''s social support, and exposure to partner violence.');

-- Code lists of the extract format.
INSERT INTO ref.code_list (list, description) VALUES
    ('flag',              'Kind of CSE determination (cse_flags.flag); rank = severity.'),
    ('basis',             'What a CSE determination was based on (cse_flags.basis).'),
    ('exploitation_type', 'Source or type of exploitation (cse_flags.exploitation_types, multi-value).'),
    ('gender',            'Gender of the youth (youth.gender).'),
    ('race_category',     'The seven minimum race/ethnicity categories of the 2024 federal standard (youth.race_ethnicity).'),
    ('race_special',      'Race/ethnicity values that must stand alone (youth.race_ethnicity).'),
    ('race_source',       'How the race/ethnicity was recorded (youth.race_source).'),
    ('setting',           'Placement setting (placements.setting); rank = restrictiveness, NULL = unranked.'),
    ('end_reason',        'Why a placement episode ended (placements.end_reason).'),
    ('event',             'Dated outcome events (events.event) with their outcome domain.'),
    ('vital_document',    'Vital documents, the detail of the document_obtained event (events.detail).'),
    ('instrument',        'Standardized instruments (assessments.instrument).'),
    ('behavior',          'Behaviour a stage of change refers to (stages_of_change.behavior).'),
    ('stage',             'Stage of change (stages_of_change.stage); rank = order, NULL for relapse.'),
    ('goal_status',       'Status of a case-plan goal (goals.status).'),
    ('yes_no',            'Boolean answers (absences.returned_to_same_caregiver).');

INSERT INTO ref.code (list, code, ord, label, rank) VALUES
    ('flag', 'confirmed', 1, 'Confirmed', 3),
    ('flag', 'suspected', 2, 'Suspected', 2),
    ('flag', 'at_risk',   3, 'At risk',   1);

INSERT INTO ref.code (list, code, ord, label) VALUES
    ('basis', 'cse_it',          1, 'CSE-IT screening'),
    ('basis', 'cans_cse',        2, 'CANS-CSE assessment'),
    ('basis', 'law_enforcement', 3, 'Law enforcement'),
    ('basis', 'court',           4, 'Court'),
    ('basis', 'self_disclosure', 5, 'Self-disclosure'),
    ('basis', 'other',           6, 'Other');

INSERT INTO ref.code (list, code, ord, label) VALUES
    ('exploitation_type', 'third_party',    1, 'Third-party exploiter'),
    ('exploitation_type', 'survival_sex',   2, 'Survival sex'),
    ('exploitation_type', 'familial',       3, 'Familial trafficking'),
    ('exploitation_type', 'online',         4, 'Online'),
    ('exploitation_type', 'commercial_sex', 5, 'Commercial sex'),
    ('exploitation_type', 'stripping',      6, 'Stripping or x-rated dancing'),
    ('exploitation_type', 'pornography',    7, 'Pornography'),
    ('exploitation_type', 'other',          8, 'Other');

INSERT INTO ref.code (list, code, ord, label) VALUES
    ('gender', 'female',             1, 'Female'),
    ('gender', 'male',               2, 'Male'),
    ('gender', 'transgender_female', 3, 'Transgender female'),
    ('gender', 'transgender_male',   4, 'Transgender male'),
    ('gender', 'nonbinary',          5, 'Nonbinary'),
    ('gender', 'another',            6, 'Another gender identity'),
    ('gender', 'declined',           7, 'Declined to state'),
    ('gender', 'unknown',            8, 'Unknown');

INSERT INTO ref.code (list, code, ord, label) VALUES
    ('race_category', 'AIAN',     1, 'American Indian or Alaska Native'),
    ('race_category', 'ASIAN',    2, 'Asian'),
    ('race_category', 'BLACK',    3, 'Black or African American'),
    ('race_category', 'HISPANIC', 4, 'Hispanic or Latino'),
    ('race_category', 'MENA',     5, 'Middle Eastern or North African'),
    ('race_category', 'NHPI',     6, 'Native Hawaiian or Pacific Islander'),
    ('race_category', 'WHITE',    7, 'White');

INSERT INTO ref.code (list, code, ord, label) VALUES
    ('race_special', 'DECLINED', 1, 'Declined to state'),
    ('race_special', 'UNKNOWN',  2, 'Unknown');

INSERT INTO ref.code (list, code, ord, label) VALUES
    ('race_source', 'self',     1, 'Self-identified by the youth'),
    ('race_source', 'observed', 2, 'Recorded by a worker'),
    ('race_source', 'unknown',  3, 'Unknown');

-- Restrictiveness: lower = more family-like; NULL = unranked (never a step-down).
INSERT INTO ref.code (list, code, ord, label, rank) VALUES
    ('setting', 'home_of_parent',         1, 'Home of parent',                              1),
    ('setting', 'relative_nrefm',         2, 'Relative or NREFM home',                      2),
    ('setting', 'guardian',               3, 'Home of legal guardian',                      2),
    ('setting', 'resource_family',        4, 'Resource family home',                        3),
    ('setting', 'ffa_home',               5, 'Foster family agency home',                   4),
    ('setting', 'isfc',                   6, 'Intensive services foster care',              5),
    ('setting', 'strtp',                  7, 'Short-term residential therapeutic program',  6),
    ('setting', 'group_home',             8, 'Group home',                                  6),
    ('setting', 'shelter',                9, 'Shelter',                                     NULL),
    ('setting', 'juvenile_facility',     10, 'Juvenile facility',                           NULL),
    ('setting', 'transitional_housing',  11, 'Transitional housing',                        NULL),
    ('setting', 'supervised_independent',12, 'Supervised independent living',               NULL),
    ('setting', 'other',                 13, 'Other setting',                               NULL);

INSERT INTO ref.code (list, code, ord, label) VALUES
    ('end_reason', 'move',         1, 'Moved to another placement'),
    ('end_reason', 'reunified',    2, 'Reunified'),
    ('end_reason', 'adoption',     3, 'Adoption'),
    ('end_reason', 'guardianship', 4, 'Guardianship'),
    ('end_reason', 'aged_out',     5, 'Aged out'),
    ('end_reason', 'absence',      6, 'Absence without permission'),
    ('end_reason', 'other',        7, 'Other');

INSERT INTO ref.code (list, code, ord, label) VALUES
    ('vital_document', 'birth_certificate',   1, 'Birth certificate'),
    ('vital_document', 'ssn_card',            2, 'Social Security card'),
    ('vital_document', 'state_id',            3, 'State ID card'),
    ('vital_document', 'immunization_record', 4, 'Immunization record'),
    ('vital_document', 'court_records',       5, 'Court records');

-- Events with their outcome domain (domain 4 comes from placements/absences).
INSERT INTO ref.code (list, code, ord, label, domain, detail_list) VALUES
    ('event', 'maltreatment_substantiated',  1, 'Substantiated maltreatment',         1, NULL),
    ('event', 'exploitation_incident',       2, 'Exploitation incident',              1, NULL),
    ('event', 'violence_exposure',           3, 'Exposure to violence',               1, NULL),
    ('event', 'sexual_assault',              4, 'Sexual assault',                     1, NULL),
    ('event', 'crime_victimization',         5, 'Victim of a crime',                  1, NULL),
    ('event', 'homelessness',                6, 'Homelessness',                       1, NULL),
    ('event', 'hospitalization',             7, 'Hospitalization',                    2, NULL),
    ('event', 'injury',                      8, 'Injury',                             2, NULL),
    ('event', 'injury_treated',              9, 'Injury treated',                     2, NULL),
    ('event', 'psychiatric_hospitalization',10, 'Psychiatric hospitalization',        3, NULL),
    ('event', 'psychiatric_hold',           11, 'Psychiatric hold',                   3, NULL),
    ('event', 'self_harm',                  12, 'Self-harm',                          3, NULL),
    ('event', 'mental_health_service',      13, 'Mental health service',              3, NULL),
    ('event', 'medical_exam',               14, 'Medical exam',                       5, NULL),
    ('event', 'dental_exam',                15, 'Dental exam',                        5, NULL),
    ('event', 'suspension',                 16, 'School suspension',                  6, NULL),
    ('event', 'expulsion',                  17, 'School expulsion',                   6, NULL),
    ('event', 'hs_diploma',                 18, 'High school diploma',                6, NULL),
    ('event', 'hse_certificate',            19, 'High school equivalency certificate',6, NULL),
    ('event', 'college_enrollment',         20, 'College enrolment',                  6, NULL),
    ('event', 'iep_active',                 21, 'Active IEP',                         6, NULL),
    ('event', 'extracurricular',            22, 'Extracurricular activity',           7, NULL),
    ('event', 'employment',                 23, 'Employment',                         7, NULL),
    ('event', 'internship',                 24, 'Internship',                         7, NULL),
    ('event', 'job_training',               25, 'Job training',                       7, NULL),
    ('event', 'document_obtained',          26, 'Vital document obtained',            8, 'vital_document'),
    ('event', 'sud_treatment',              27, 'Substance use treatment',            9, NULL),
    ('event', 'dual_status',                28, 'Dual status',                       10, NULL),
    ('event', 'victim_witness_testimony',   29, 'Victim or witness testimony',       10, NULL),
    ('event', 'identity_theft',             30, 'Identity theft',                    10, NULL),
    ('event', 'bank_account',               31, 'Bank account opened',               10, NULL),
    ('event', 'arrest',                     32, 'Arrest',                            11, NULL),
    ('event', 'probation_violation',        33, 'Probation violation',               11, NULL),
    ('event', 'detention_admission',        34, 'Admission to detention',            11, NULL),
    ('event', 'recruitment_of_others',      35, 'Recruitment of others',             11, NULL),
    ('event', 'pregnancy',                  36, 'Pregnancy',                         12, NULL),
    ('event', 'birth',                      37, 'Birth of a child',                  12, NULL),
    ('event', 'sti_diagnosis',              38, 'STI diagnosis',                     12, NULL),
    ('event', 'reproductive_health_visit',  39, 'Reproductive health visit',         12, NULL),
    ('event', 'parenting_support',          40, 'Parenting support',                 12, NULL),
    ('event', 'supportive_adult_contact',   41, 'Contact with a supportive adult',   13, NULL),
    ('event', 'family_visit',               42, 'Family visit',                      13, NULL),
    ('event', 'sibling_visit',              43, 'Sibling visit',                     13, NULL),
    ('event', 'intimate_partner_violence',  44, 'Intimate partner violence',         13, NULL);

INSERT INTO ref.code (list, code, ord, label) VALUES
    ('instrument', 'MSPSS', 1, 'Multidimensional Scale of Perceived Social Support'),
    ('instrument', 'COPSE', 2, 'Coping Self-Efficacy Scale'),
    ('instrument', 'URICA', 3, 'University of Rhode Island Change Assessment'),
    ('instrument', 'CANS',  4, 'Child and Adolescent Needs and Strengths'),
    ('instrument', 'VOICE', 5, 'Youth voice check-in');

INSERT INTO ref.code (list, code, ord, label) VALUES
    ('behavior', 'exploitation',  1, 'Exploitation'),
    ('behavior', 'runaway',       2, 'Running away'),
    ('behavior', 'substance_use', 3, 'Substance use'),
    ('behavior', 'school',        4, 'School'),
    ('behavior', 'other',         5, 'Other');

INSERT INTO ref.code (list, code, ord, label, rank) VALUES
    ('stage', 'precontemplation', 1, 'Precontemplation', 1),
    ('stage', 'contemplation',    2, 'Contemplation',    2),
    ('stage', 'preparation',      3, 'Preparation',      3),
    ('stage', 'action',           4, 'Action',           4),
    ('stage', 'maintenance',      5, 'Maintenance',      5),
    ('stage', 'relapse',          6, 'Relapse',          NULL);

INSERT INTO ref.code (list, code, ord, label) VALUES
    ('goal_status', 'in_progress',  1, 'In progress'),
    ('goal_status', 'met',          2, 'Met'),
    ('goal_status', 'discontinued', 3, 'Discontinued');

INSERT INTO ref.code (list, code, ord, label) VALUES
    ('yes_no', 'yes', 1, 'Yes'),
    ('yes_no', 'no',  2, 'No');

-- Instruments and their item sets.
INSERT INTO ref.instrument (code, name, min_score, max_score, item_pattern, description) VALUES
    ('MSPSS', 'Multidimensional Scale of Perceived Social Support', 1, 7, NULL,
     'Twelve statements about support from a special person, family and friends, each rated from 1 (very strongly disagree) to 7 (very strongly agree).'),
    ('COPSE', 'Coping Self-Efficacy Scale', 0, 10, NULL,
     'Twenty-six items on how confident the youth feels about coping with hard situations, each rated from 0 (not at all confident) to 10 (completely confident).'),
    ('URICA', 'University of Rhode Island Change Assessment', 1, 5, NULL,
     'Thirty-two statements on readiness to change, rated from 1 (strongly disagree) to 5 (strongly agree) and scored into four stage subscales.'),
    ('CANS', 'Child and Adolescent Needs and Strengths', 0, 3, '^[a-z_]+\.[a-z_]+$',
     'Worker rating of needs and strengths items, 0 to 3, where a need rated 2 or 3 calls for action and a strength rated 0 or 1 can be built on.'),
    ('VOICE', 'Youth voice check-in', 1, 5, NULL,
     'Six questions answered by the youth about their own experience (hope, control, belonging, asking for help, trust, connection), each rated from 1 to 5.');

INSERT INTO ref.instrument_item (instrument, item, ord, subscale)
SELECT 'MSPSS', i::text, i,
       CASE WHEN i IN (1, 2, 5, 10) THEN 'significant_other'
            WHEN i IN (3, 4, 8, 11) THEN 'family'
            WHEN i IN (6, 7, 9, 12) THEN 'friends' END
FROM generate_series(1, 12) AS i;

INSERT INTO ref.instrument_item (instrument, item, ord, subscale)
SELECT 'COPSE', i::text, i, NULL
FROM generate_series(1, 26) AS i;

-- URICA: items 4, 9, 20 and 31 are not scored (subscale NULL).
INSERT INTO ref.instrument_item (instrument, item, ord, subscale)
SELECT 'URICA', i::text, i,
       CASE WHEN i IN (1, 5, 11, 13, 23, 26, 29)  THEN 'precontemplation'
            WHEN i IN (2, 8, 12, 15, 19, 21, 24)  THEN 'contemplation'
            WHEN i IN (3, 7, 10, 14, 17, 25, 30)  THEN 'action'
            WHEN i IN (6, 16, 18, 22, 27, 28, 32) THEN 'maintenance' END
FROM generate_series(1, 32) AS i;

-- CANS has no item rows: any code matching its item_pattern is accepted.
INSERT INTO ref.instrument_item (instrument, item, ord, subscale) VALUES
    ('VOICE', 'hopeful_future',         1, NULL),
    ('VOICE', 'sense_of_control',       2, NULL),
    ('VOICE', 'belonging',              3, NULL),
    ('VOICE', 'can_ask_for_help',       4, NULL),
    ('VOICE', 'trust_in_workers',       5, NULL),
    ('VOICE', 'connected_to_caregiver', 6, NULL);

-- The extract format: files and their columns.
INSERT INTO ref.extract_file (file, ord, required, description) VALUES
    ('youth.csv',            1, true,  'One row per youth: identifiers, county, birth month, gender and race/ethnicity.'),
    ('cse_flags.csv',        2, true,  'One row per documented CSE determination (confirmed, suspected or at risk).'),
    ('placements.csv',       3, false, 'One row per out-of-home placement episode.'),
    ('absences.csv',         4, false, 'One row per absence from placement without permission.'),
    ('events.csv',           5, false, 'One row per dated outcome event.'),
    ('school_terms.csv',     6, false, 'One row per school term with enrolment, attendance and credits.'),
    ('assessments.csv',      7, false, 'One row per item score of a standardized instrument.'),
    ('stages_of_change.csv', 8, false, 'One row per worker-assessed stage of change for a behaviour.'),
    ('goals.csv',            9, false, 'One row per case-plan goal with its latest status.');

INSERT INTO ref.extract_column (file, ord, name, required, kind, list, description) VALUES
    ('youth.csv', 1, 'youth_key',      true,  'identifier', NULL,
     'Your own stable pseudonymous ID for the youth (1-64 of A-Z a-z 0-9 _ -), unique in the file.'),
    ('youth.csv', 2, 'linkage_id',     false, 'identifier', NULL,
     'Statewide client ID (for example the CWS/CMS client id), if you have one.'),
    ('youth.csv', 3, 'county_fips',    true,  'fips',       NULL,
     'Five-digit FIPS code of the county of jurisdiction (06001-06115).'),
    ('youth.csv', 4, 'birth_month',    true,  'month',      NULL,
     'Month of birth (YYYY-MM).'),
    ('youth.csv', 5, 'gender',         true,  'code',       'gender',
     'Gender of the youth.'),
    ('youth.csv', 6, 'race_ethnicity', true,  'race',       NULL,
     'Race/ethnicity categories the youth identifies with, separated by ";" (optionally CATEGORY.DETAIL), or DECLINED or UNKNOWN alone.'),
    ('youth.csv', 7, 'race_source',    true,  'code',       'race_source',
     'Whether the youth self-identified or the race/ethnicity was recorded by a worker.'),

    ('cse_flags.csv', 1, 'youth_key',          true,  'identifier', NULL,
     'The youth''s key; must appear in youth.csv.'),
    ('cse_flags.csv', 2, 'flag',               true,  'code',       'flag',
     'Kind of determination: confirmed, suspected or at_risk.'),
    ('cse_flags.csv', 3, 'flagged_on',         true,  'date',       NULL,
     'Date the determination was documented (YYYY-MM-DD).'),
    ('cse_flags.csv', 4, 'basis',              true,  'code',       'basis',
     'What the determination was based on.'),
    ('cse_flags.csv', 5, 'exploitation_types', false, 'codes',      'exploitation_type',
     'Types of exploitation separated by ";" (confirmed or suspected only).'),
    ('cse_flags.csv', 6, 'incident_on',        false, 'date',       NULL,
     'Date of the incident, if known; not after flagged_on (YYYY-MM-DD).'),
    ('cse_flags.csv', 7, 'last_occurrence_on', false, 'date',       NULL,
     'Latest known date of exploitation, if known (YYYY-MM-DD).'),
    ('cse_flags.csv', 8, 'resolved_on',        false, 'date',       NULL,
     'Date the concern was documented as resolved; not before flagged_on (YYYY-MM-DD).'),

    ('placements.csv', 1, 'youth_key',  true,  'identifier', NULL,
     'The youth''s key; must appear in youth.csv.'),
    ('placements.csv', 2, 'started_on', true,  'date',       NULL,
     'First day of the placement episode (YYYY-MM-DD).'),
    ('placements.csv', 3, 'ended_on',   false, 'date',       NULL,
     'Day the episode ended, empty if ongoing; not before started_on (YYYY-MM-DD).'),
    ('placements.csv', 4, 'setting',    true,  'code',       'setting',
     'Type of placement setting.'),
    ('placements.csv', 5, 'end_reason', false, 'code',       'end_reason',
     'Why the episode ended.'),

    ('absences.csv', 1, 'youth_key',                  true,  'identifier', NULL,
     'The youth''s key; must appear in youth.csv.'),
    ('absences.csv', 2, 'left_on',                    true,  'date',       NULL,
     'Date the youth left placement without permission (YYYY-MM-DD).'),
    ('absences.csv', 3, 'returned_on',                false, 'date',       NULL,
     'Date the youth returned, empty if still away; not before left_on (YYYY-MM-DD).'),
    ('absences.csv', 4, 'returned_to_same_caregiver', false, 'bool',       NULL,
     'yes or no: did the youth return to the same caregiver (only when returned_on is set).'),

    ('events.csv', 1, 'youth_key',   true,  'identifier', NULL,
     'The youth''s key; must appear in youth.csv.'),
    ('events.csv', 2, 'event',       true,  'code',       'event',
     'Kind of outcome event.'),
    ('events.csv', 3, 'occurred_on', true,  'date',       NULL,
     'Date of the event (YYYY-MM-DD).'),
    ('events.csv', 4, 'detail',      false, 'text',       NULL,
     'Detail code, only for events that take one (document_obtained: the vital document).'),

    ('school_terms.csv', 1, 'youth_key',      true,  'identifier', NULL,
     'The youth''s key; must appear in youth.csv.'),
    ('school_terms.csv', 2, 'term_start',     true,  'date',       NULL,
     'First day of the term (YYYY-MM-DD).'),
    ('school_terms.csv', 3, 'term_end',       true,  'date',       NULL,
     'Last day of the term; not before term_start (YYYY-MM-DD).'),
    ('school_terms.csv', 4, 'days_enrolled',  true,  'count',      NULL,
     'School days the youth was enrolled in the term (whole number, 0 or more).'),
    ('school_terms.csv', 5, 'days_attended',  true,  'count',      NULL,
     'School days attended in the term (whole number, at most days_enrolled).'),
    ('school_terms.csv', 6, 'credits_earned', false, 'numeric',    NULL,
     'Credits earned in the term (number, 0 or more).'),

    ('assessments.csv', 1, 'youth_key',       true, 'identifier', NULL,
     'The youth''s key; must appear in youth.csv.'),
    ('assessments.csv', 2, 'instrument',      true, 'code',       'instrument',
     'Instrument the item belongs to.'),
    ('assessments.csv', 3, 'administered_on', true, 'date',       NULL,
     'Date the instrument was administered (YYYY-MM-DD).'),
    ('assessments.csv', 4, 'item',            true, 'item',       NULL,
     'Item identifier within the instrument (for CANS, domain.item).'),
    ('assessments.csv', 5, 'score',           true, 'numeric',    NULL,
     'Item score, within the instrument''s range.'),

    ('stages_of_change.csv', 1, 'youth_key',   true, 'identifier', NULL,
     'The youth''s key; must appear in youth.csv.'),
    ('stages_of_change.csv', 2, 'assessed_on', true, 'date',       NULL,
     'Date the stage was assessed (YYYY-MM-DD).'),
    ('stages_of_change.csv', 3, 'behavior',    true, 'code',       'behavior',
     'Behaviour the stage refers to.'),
    ('stages_of_change.csv', 4, 'stage',       true, 'code',       'stage',
     'Stage of change for that behaviour.'),

    ('goals.csv', 1, 'youth_key', true, 'identifier', NULL,
     'The youth''s key; must appear in youth.csv.'),
    ('goals.csv', 2, 'goal_id',   true, 'text',       NULL,
     'Your identifier for the goal, unique per youth.'),
    ('goals.csv', 3, 'domain',    true, 'domain',     NULL,
     'Outcome domain (1-13) the goal serves.'),
    ('goals.csv', 4, 'set_on',    true, 'date',       NULL,
     'Date the goal was set (YYYY-MM-DD).'),
    ('goals.csv', 5, 'status',    true, 'code',       'goal_status',
     'Latest status of the goal.'),
    ('goals.csv', 6, 'status_on', true, 'date',       NULL,
     'Date of the latest status; not before set_on (YYYY-MM-DD).');
