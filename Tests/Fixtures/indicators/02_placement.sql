-- Indicator fixture 02: placement days at period boundaries, moves, absences,
-- return to the same caregiver, step-down, maltreatment in care, medical and
-- dental exams, and the three placement incremental measures.
-- (Format of the expectation lines: see 01_population.sql.)
--
-- period: SFY2025Q4   (P.start 2025-04-01, P.end 2025-06-30; 91 days; the
--                      period of equal length before it: 2024-12-31 .. 2025-03-31)
--
-- Agency 1 ALA-CWS (06001), files youth, cse_flags, placements, absences,
-- events. Agency 2 ALA-PROB (06001), files youth, cse_flags, placements: its
-- youth q1 has linkage LA1 like a1, so its episodes join a1's.
-- Persons a1..a5: confirmed 2025-01-01 (in scope, confirmed, current), born
-- 2009-01 (16), female, WHITE, self.
--
-- Placement episodes (a day d is a placement day when started_on <= d and
-- (ended_on empty or d < ended_on)):
--   a1  e1 2025-03-01..2025-04-10 resource_family (3): Apr 1-9         =  9 days
--       e2 2025-04-10..2025-05-01 group_home (6):      Apr 10-30       = 21 days
--          starts the day e1 ended -> a MOVE (6 > 3: no step-down)
--       e3 2025-05-02..(open)     relative_nrefm (2):  May 2 - Jun 30  = 60 days
--          starts the day after e2 ended -> a MOVE, and a STEP-DOWN (2 < 6)
--       q1 (agency 2, same person): 2025-04-05..2025-04-12 resource_family
--          overlaps e1/e2: adds no day (days count once); not a move (nothing
--          ended Apr 4 or 5); and a duplicate of e3 (same start 2025-05-02)
--          that counts once (no third move).
--       May 1 is not a placement day. a1: 90 days in P; before P: Mar 1-31 = 31.
--   a2  e1 2025-01-01..2025-04-05 relative_nrefm (2): Apr 1-4          =  4 days
--       e2 2025-04-07..2025-06-30 strtp (6): Apr 7 - Jun 29            = 84 days
--          starts two days after e1 ended -> NOT a move
--       a2: 88 days; before P: Jan 1 - Mar 31 = 90.
--   a3  e0 2025-02-01..2025-06-29 shelter (unranked): Apr 1 - Jun 28   = 89 days
--       e1 2025-06-30..(open)     ffa_home (4): Jun 30 (= P.end)       =  1 day
--          the day after e0 ended -> a MOVE; from an unranked setting: no step-down
--       a3: 90 days; before P: Feb 1 - Mar 31 = 59.
--   a4  e1 2024-12-01..2025-04-01 resource_family: ends on P.start -> 0 days in P
--       e2 2025-07-01..           after P.end, ignored. a4: 0 days; before P: 91.
--   a5  no placement.
-- Placement days in P: 90 + 88 + 90 + 0 = 268. Moves: 2 + 0 + 1 = 3.
--   placement_moves = 3 / 268 x 1000 = 11.194 -> 11.19
--   placement_step_down: persons with a placement day a1, a2, a3 = 3; a1 -> 1/3 = 33.3
-- Absences (left_on .. returned_on, same caregiver):
--   a1  2025-03-25..2025-04-02 yes; 2025-04-20..2025-04-22 yes; 2025-05-10..2025-05-20 no
--   a2  2025-02-01..2025-02-03 (no answer); 2025-06-25..(away)
--   a3  2025-04-03..2025-04-05 (no answer)
--   a5  2025-05-01..2025-05-03 yes (a5 has no placement: counts in the numerator)
--   placement_absences: left_on in P: a1 2, a2 1, a3 1, a5 1 = 5 -> 5 / 268 x 1000 = 18.657 -> 18.66
--   placement_return_same_caregiver: returned in P and answered: a1 3 (2 yes), a5 1 (yes) -> 3/4 = 75.0
-- Events:
--   maltreatment_substantiated: a1 2025-05-01 (not a placement day), a2 2025-04-04
--   (placement day), a3 2025-06-30 (placement day), a4 2025-04-15 (no placement)
--   -> 2 / 268 x 100,000 = 746.268 -> 746.27
--   medical_exam: a1 2024-07-01 (inside the 12 months ending 2025-06-30), a2
--   2024-06-30 (exactly 12 months before: outside), a4 2025-05-01 (a4 has < 30
--   days). Persons with >= 30 placement days: a1, a2, a3 -> 1/3 = 33.3.
--   dental_exam: a3 2025-06-30 -> 1/3 = 33.3.
-- Incremental:
--   placement_restrictiveness_change (ranked episodes by started_on; unranked skipped):
--     a1 latest e3 (2) vs e2 (6): -4 improved; a2 e2 (6) vs e1 (2): +4 worse;
--     a3 e1 (4) has no earlier ranked episode; a4 has no ranked episode starting in P.
--     compared 2, improved 1, unchanged 0, worse 1, median (-4 + 4) / 2 = 0.
--   placement_time_away_change (returned absences by returned_on):
--     a1 latest 05-10..05-20 = 10 days vs 04-20..04-22 = 2 days: +8 worse. Others
--     have one returned absence, or none in P. compared 1, worse 1, median 8.
--   placement_absence_frequency_change (30 x absences / placement days, P vs before):
--     a1 30x2/90 - 30x1/31 = 0.6667 - 0.9677 = -0.3011 improved
--     a2 30x1/88 - 30x1/90 = 0.3409 - 0.3333 = +0.0076 worse
--     a3 30x1/90 - 30x0/59 = +0.3333 worse; a4 has no days in P; a5 none.
--     compared 3, improved 1, worse 2, median 0.0076 -> 0.01; % improved 33.3.
--
-- expect: 06001 | population_in_scope | | all | all | 5 | | 5 |
-- expect: 06001 | placement_moves | | all | all | 3 | 268 | 11.19 |
-- expect: 06001 | placement_moves | | tier | confirmed | 3 | 268 | 11.19 |
-- expect: 06001 | placement_moves | | tier | suspected | 0 | 0 | | no_denominator
-- expect: 06001 | placement_absences | | all | all | 5 | 268 | 18.66 |
-- expect: 06001 | placement_return_same_caregiver | | all | all | 3 | 4 | 75.0 |
-- expect: 06001 | placement_step_down | | all | all | 1 | 3 | 33.3 |
-- expect: 06001 | safety_maltreatment_in_care | | all | all | 2 | 268 | 746.27 |
-- expect: 06001 | care_medical_exam | | all | all | 1 | 3 | 33.3 |
-- expect: 06001 | care_dental_exam | | all | all | 1 | 3 | 33.3 |
-- expect: 06000 | placement_moves | | all | all | 3 | 268 | 11.19 |
-- expect: 06003 | placement_moves | | all | all | | | | not_reported
-- expect-change: 06001 | placement_restrictiveness_change | all | all | 2 | 1 | 0 | 1 | 0
-- expect-change: 06001 | placement_time_away_change | all | all | 1 | 0 | 0 | 1 | 8
-- expect-change: 06001 | placement_absence_frequency_change | all | all | 3 | 1 | 0 | 2 | 0.01
-- expect: 06001 | placement_absence_frequency_change | | all | all | 1 | 3 | 33.3 |
-- expect: 06001 | placement_time_away_change | | tier | at_risk | 0 | 0 | | no_denominator
-- check: SELECT 1000 * 3 / 268.0 BETWEEN 11.19 AND 11.2

INSERT INTO core.agency (id, code, name) OVERRIDING SYSTEM VALUE VALUES
    (1, 'ALA-CWS', 'Alameda County Children and Family Services'),
    (2, 'ALA-PROB', 'Alameda County Probation');
INSERT INTO core.agency_county (agency_id, county_fips) VALUES (1, '06001'), (2, '06001');
INSERT INTO core.extract (id, agency_id, sha256, status, source_name, extracted_on, files, error_count) OVERRIDING SYSTEM VALUE VALUES
    (1, 1, repeat('a', 64), 'accepted', 'ala-cws.zip', '2025-07-10',
     '{youth.csv,cse_flags.csv,placements.csv,absences.csv,events.csv}', 0),
    (2, 2, repeat('b', 64), 'accepted', 'ala-prob.zip', '2025-07-10',
     '{youth.csv,cse_flags.csv,placements.csv}', 0);

INSERT INTO core.youth (extract_id, agency_id, rec, youth_hash, linkage_hash, county_fips, birth_month, gender, race_categories, race_source)
SELECT 1, 1, n, 'a' || n, CASE WHEN n = 1 THEN 'LA1' END, '06001', '2009-01-01', 'female', '{WHITE}', 'self'
FROM generate_series(1, 5) AS n;
INSERT INTO core.youth (extract_id, agency_id, rec, youth_hash, linkage_hash, county_fips, birth_month, gender, race_categories, race_source) VALUES
    (2, 2, 1, 'q1', 'LA1', '06001', '2009-01-01', 'female', '{WHITE}', 'observed');

INSERT INTO core.cse_flag (extract_id, agency_id, rec, youth_hash, flag, flagged_on, basis)
SELECT 1, 1, n, 'a' || n, 'confirmed', '2025-01-01', 'court' FROM generate_series(1, 5) AS n;
INSERT INTO core.cse_flag (extract_id, agency_id, rec, youth_hash, flag, flagged_on, basis) VALUES
    (2, 2, 1, 'q1', 'at_risk', '2025-02-01', 'cse_it');

INSERT INTO core.placement (extract_id, agency_id, rec, youth_hash, started_on, ended_on, setting, end_reason) VALUES
    (1, 1, 1, 'a1', '2025-03-01', '2025-04-10', 'resource_family', 'move'),
    (1, 1, 2, 'a1', '2025-04-10', '2025-05-01', 'group_home', 'move'),
    (1, 1, 3, 'a1', '2025-05-02', NULL, 'relative_nrefm', NULL),
    (1, 1, 4, 'a2', '2025-01-01', '2025-04-05', 'relative_nrefm', 'other'),
    (1, 1, 5, 'a2', '2025-04-07', '2025-06-30', 'strtp', 'other'),
    (1, 1, 6, 'a3', '2025-02-01', '2025-06-29', 'shelter', 'move'),
    (1, 1, 7, 'a3', '2025-06-30', NULL, 'ffa_home', NULL),
    (1, 1, 8, 'a4', '2024-12-01', '2025-04-01', 'resource_family', 'reunified'),
    (1, 1, 9, 'a4', '2025-07-01', NULL, 'group_home', NULL),
    (2, 2, 1, 'q1', '2025-04-05', '2025-04-12', 'resource_family', 'other'),
    (2, 2, 2, 'q1', '2025-05-02', NULL, 'relative_nrefm', NULL);

INSERT INTO core.absence (extract_id, agency_id, rec, youth_hash, left_on, returned_on, returned_to_same_caregiver) VALUES
    (1, 1, 1, 'a1', '2025-03-25', '2025-04-02', true),
    (1, 1, 2, 'a1', '2025-04-20', '2025-04-22', true),
    (1, 1, 3, 'a1', '2025-05-10', '2025-05-20', false),
    (1, 1, 4, 'a2', '2025-02-01', '2025-02-03', NULL),
    (1, 1, 5, 'a2', '2025-06-25', NULL, NULL),
    (1, 1, 6, 'a3', '2025-04-03', '2025-04-05', NULL),
    (1, 1, 7, 'a5', '2025-05-01', '2025-05-03', true);

INSERT INTO core.event (extract_id, agency_id, rec, youth_hash, event, occurred_on) VALUES
    (1, 1, 1, 'a1', 'maltreatment_substantiated', '2025-05-01'),
    (1, 1, 2, 'a2', 'maltreatment_substantiated', '2025-04-04'),
    (1, 1, 3, 'a3', 'maltreatment_substantiated', '2025-06-30'),
    (1, 1, 4, 'a4', 'maltreatment_substantiated', '2025-04-15'),
    (1, 1, 5, 'a1', 'medical_exam', '2024-07-01'),
    (1, 1, 6, 'a2', 'medical_exam', '2024-06-30'),
    (1, 1, 7, 'a4', 'medical_exam', '2025-05-01'),
    (1, 1, 8, 'a3', 'dental_exam', '2025-06-30');
