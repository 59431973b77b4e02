-- Indicator fixture 05: instrument scoring (MSPSS, COPSE, URICA, CANS, VOICE)
-- with completeness rules, URICA readiness exactly at 8, 11 and 14, and the
-- measures built on them.
-- (Format of the expectation lines: see 01_population.sql.)
--
-- period: SFY2025Q4   (P.start 2025-04-01, P.end 2025-06-30)
--
-- Agency 1 ALA-CWS (06001) files youth, cse_flags, assessments, events.
-- Persons f1..f6, all confirmed 2025-01-01.
-- Agency 2 ALA-PROB (06001) files youth, cse_flags, assessments: youth g1,
-- confirmed 2025-01-01, has f1's linkage L1, so f1 and g1 are one person.
-- ALA-PROB's MSPSS of 2025-05-01 (all items 7: total 7) is an administration
-- on the day of ALA-CWS's: one administration per person, instrument and day
-- is kept, a scored one first, then by agency code: ALA-CWS's 61/12. (Were
-- both kept, f1's latest MSPSS could be 7 and the mean (7 + 3 + 2) / 3 = 4.00,
-- and f1's change would compare the two of 2025-05-01.)
--
-- MSPSS (total = mean of items 1-12, all 12 required)
--   f1 2025-01-15 all 4 -> 4; 2025-05-01 items 1-11 = 5, item 12 = 6 -> 61/12
--      = 5.0833 (subscales: significant other 5, family 5, friends 5.25; band
--      high); 2025-06-20 items 1-11 only -> incomplete, not scored.
--   f2 2025-04-10 all 3 -> 3.      f3 2025-02-01 all 6 -> 6; 2025-06-30 all 2 -> 2.
--   f4 2025-05-05 items 1-11 only -> not scored: f4 has no MSPSS.
--   relationships_social_support: latest complete in P: f1 5.0833, f2 3, f3 2
--     -> (61/12 + 3 + 2) / 3 = 3.3611 -> 3.36 over 3 persons.
--   relationships_social_support_change: f1 5.0833 - 4 = +1.0833 improved;
--     f3 2 - 6 = -4 worse; f2 has no earlier one. compared 2, median
--     (1.0833 - 4) / 2 = -1.4583 -> -1.46.
-- COPSE (total = sum of items 1-26, all 26 required)
--   f1 2024-12-01 all 5 -> 130; 2025-04-15 all 6 -> 156: +26 improved.
--   f2 2025-01-01 all 7 -> 182; 2025-05-01 items 1-25 only: not scored -> no
--      observation in P: not compared.
--   f5 2025-03-01 all 4 -> 104; 2025-06-01 all 4 -> 104: unchanged.
--   progress_coping_change: compared 2, improved 1, unchanged 1, median 13.
-- URICA (subscale = mean of its 7 items; readiness = C + A + M - PC; all 28
-- scored items required). Precontemplation items all 1 (PC = 1):
--   f1 2025-03-01 C, A, M items all 3: readiness 3+3+3-1 = 8 -> contemplation
--   f2 2025-06-30 C, A, M all 4, item 4 (not scored) missing: still complete;
--      readiness 11 -> preparation_action
--   f3 2024-01-01 C, A, M all 5: readiness 14 -> maintenance
--   f4 2025-05-01 C, A all 3, M 3 except item 32 = 2: 3+3+20/7-1 = 7.857 ->
--      precontemplation
--   f5 2025-01-01 readiness 14 (maintenance); 2025-05-01 the same without item
--      32: incomplete, so the latest complete one is 2025-01-01 -> maintenance
--   f6 2025-07-01 only (after P.end): not counted.
--   progress_readiness_stage: 5 persons: precontemplation 1 (20.0),
--   contemplation 1 (20.0), preparation_action 1 (20.0), maintenance 2 (40.0).
-- CANS (needs scored 2-3 are actionable)
--   f1 2025-01-10 behavioral.depression 2, behavioral.anxiety 3, substance.use 1,
--      strengths.resiliency 0; 2025-05-10 behavioral.depression 1,
--      behavioral.anxiety 2, substance.use 2.
--   f2 2025-06-01 behavioral.depression 3, substance.use 3.
--   f3 2024-12-01 substance.alcohol 2, behavioral.conduct 0; 2025-04-01
--      behavioral.conduct 0, risk.runaway 1 (latest: no substance item).
--   f4 2025-07-01 substance.use 3 (after P.end: f4 has no CANS by P.end).
--   f5 2025-02-01 risk.runaway 3 (no behavioral item); 2025-05-01 behavioral.anger 2.
--   substance_actionable_need: CANS by P.end: f1, f2, f3, f5 = 4; latest with a
--     substance item at 2-3: f1, f2 -> 2/4 = 50.0.
--   substance_treatment_access: f1 has sud_treatment 2025-06-01 -> 1/2 = 50.0.
--   mental_cans_needs_change (behavioral items at 2-3): f1 2 -> 1 improved;
--     f3 0 -> 0 unchanged; f5's first CANS rates no behavioral item (not an
--     observation); f2 has one. compared 2, median -0.5.
-- VOICE sense_of_control, latest administration in P that has the item:
--   f1 2025-04-01 2, 2025-06-01 4 -> 4; f2 2025-04-02 3 (its 2025-05-01 one has
--   no sense_of_control item) -> 3; f3 2025-03-31 (before P). Mean 3.50 over 2.
--
-- expect: 06001 | relationships_social_support | | all | all | | 3 | 3.36 |
-- expect-change: 06001 | relationships_social_support_change | all | all | 2 | 1 | 0 | 1 | -1.46
-- expect-change: 06001 | progress_coping_change | all | all | 2 | 1 | 1 | 0 | 13
-- expect: 06001 | progress_readiness_stage | precontemplation | all | all | 1 | 5 | 20.0 |
-- expect: 06001 | progress_readiness_stage | contemplation | all | all | 1 | 5 | 20.0 |
-- expect: 06001 | progress_readiness_stage | preparation_action | all | all | 1 | 5 | 20.0 |
-- expect: 06001 | progress_readiness_stage | maintenance | all | all | 2 | 5 | 40.0 |
-- expect: 06000 | progress_readiness_stage | maintenance | all | all | 2 | 5 | 40.0 |
-- expect: 06001 | progress_readiness_stage | maintenance | tier | suspected | 0 | 0 | | no_denominator
-- expect: 06001 | substance_actionable_need | | all | all | 2 | 4 | 50.0 |
-- expect: 06001 | substance_treatment_access | | all | all | 1 | 2 | 50.0 |
-- expect-change: 06001 | mental_cans_needs_change | all | all | 2 | 1 | 1 | 0 | -0.5
-- expect: 06001 | agency_sense_of_control | | all | all | | 2 | 3.50 |
-- check: SELECT urica_readiness = 8 AND urica_stage = 'contemplation' FROM core.current_assessment_score WHERE youth_hash = 'f1' AND instrument = 'URICA'
-- check: SELECT urica_readiness = 11 AND urica_stage = 'preparation_action' FROM core.current_assessment_score WHERE youth_hash = 'f2' AND instrument = 'URICA'
-- check: SELECT urica_readiness = 14 AND urica_stage = 'maintenance' FROM core.current_assessment_score WHERE youth_hash = 'f3' AND instrument = 'URICA'
-- check: SELECT round(urica_readiness, 3) = 7.857 AND urica_stage = 'precontemplation' FROM core.current_assessment_score WHERE youth_hash = 'f4' AND instrument = 'URICA'
-- check: SELECT urica_readiness IS NULL AND urica_stage IS NULL FROM core.current_assessment_score WHERE youth_hash = 'f5' AND instrument = 'URICA' AND administered_on = '2025-05-01'
-- check: SELECT urica_precontemplation = 1 AND urica_contemplation = 3 AND urica_action = 3 AND urica_maintenance = 3 FROM core.current_assessment_score WHERE youth_hash = 'f1' AND instrument = 'URICA'
-- check: SELECT mspss_total = 61 / 12.0 AND mspss_significant_other = 5 AND mspss_family = 5 AND mspss_friends = 5.25 AND mspss_band = 'high' FROM core.current_assessment_score WHERE youth_hash = 'f1' AND instrument = 'MSPSS' AND administered_on = '2025-05-01'
-- check: SELECT mspss_total IS NULL FROM core.current_assessment_score WHERE youth_hash = 'f4' AND instrument = 'MSPSS'
-- check: SELECT mspss_total = 7 FROM core.current_assessment_score WHERE youth_hash = 'g1' AND instrument = 'MSPSS' AND administered_on = '2025-05-01'
-- check: SELECT copse_total IS NULL FROM core.current_assessment_score WHERE youth_hash = 'f2' AND instrument = 'COPSE' AND administered_on = '2025-05-01'
-- check: SELECT cans_behavioral_actionable = 2 AND cans_substance_actionable = 0 AND cans_strengths_usable = 1 FROM core.current_assessment_score WHERE youth_hash = 'f1' AND instrument = 'CANS' AND administered_on = '2025-01-10'
-- check: SELECT ref.urica_stage(7.99) = 'precontemplation' AND ref.urica_stage(8) = 'contemplation' AND ref.urica_stage(10.99) = 'contemplation' AND ref.urica_stage(11) = 'preparation_action' AND ref.urica_stage(14) = 'maintenance'
-- check: SELECT ref.mspss_band(2.99) = 'low' AND ref.mspss_band(3) = 'moderate' AND ref.mspss_band(5) = 'moderate' AND ref.mspss_band(5.01) = 'high'

INSERT INTO core.agency (id, code, name) OVERRIDING SYSTEM VALUE VALUES
    (1, 'ALA-CWS', 'Alameda County Children and Family Services'),
    (2, 'ALA-PROB', 'Alameda County Probation');
INSERT INTO core.agency_county (agency_id, county_fips) VALUES (1, '06001'), (2, '06001');
INSERT INTO core.extract (id, agency_id, sha256, status, source_name, extracted_on, files, error_count) OVERRIDING SYSTEM VALUE VALUES
    (1, 1, repeat('a', 64), 'accepted', 'ala-cws.zip', '2025-07-10', '{youth.csv,cse_flags.csv,assessments.csv,events.csv}', 0),
    (2, 2, repeat('b', 64), 'accepted', 'ala-prob.zip', '2025-07-10', '{youth.csv,cse_flags.csv,assessments.csv}', 0);

INSERT INTO core.youth (extract_id, agency_id, rec, youth_hash, linkage_hash, county_fips, birth_month, gender, race_categories, race_source)
SELECT 1, 1, n, 'f' || n, CASE WHEN n = 1 THEN 'L1' END, '06001', '2009-01-01', 'female', '{WHITE}', 'self'
FROM generate_series(1, 6) AS n;
INSERT INTO core.youth (extract_id, agency_id, rec, youth_hash, linkage_hash, county_fips, birth_month, gender, race_categories, race_source)
VALUES (2, 2, 1, 'g1', 'L1', '06001', '2009-01-01', 'female', '{WHITE}', 'self');
INSERT INTO core.cse_flag (extract_id, agency_id, rec, youth_hash, flag, flagged_on, basis)
SELECT 1, 1, n, 'f' || n, 'confirmed', '2025-01-01', 'court' FROM generate_series(1, 6) AS n;
INSERT INTO core.cse_flag (extract_id, agency_id, rec, youth_hash, flag, flagged_on, basis)
VALUES (2, 2, 1, 'g1', 'confirmed', '2025-01-01', 'court');

-- MSPSS: (youth, date, score of items 1-11, score of item 12 or NULL = missing)
INSERT INTO core.assessment (extract_id, agency_id, rec, youth_hash, instrument, administered_on, item, score)
SELECT 1, 1, 100 + row_number() OVER (), a.y, 'MSPSS', a.d::date, i::text,
       CASE WHEN i = 12 THEN a.s12 ELSE a.s END
FROM (VALUES ('f1', '2025-01-15', 4, 4), ('f1', '2025-05-01', 5, 6), ('f1', '2025-06-20', 7, NULL),
             ('f2', '2025-04-10', 3, 3), ('f3', '2025-02-01', 6, 6), ('f3', '2025-06-30', 2, 2),
             ('f4', '2025-05-05', 5, NULL)) AS a (y, d, s, s12)
CROSS JOIN generate_series(1, 12) AS i
WHERE i < 12 OR a.s12 IS NOT NULL;
INSERT INTO core.assessment (extract_id, agency_id, rec, youth_hash, instrument, administered_on, item, score)
SELECT 2, 2, i, 'g1', 'MSPSS', '2025-05-01', i::text, 7 FROM generate_series(1, 12) AS i;

-- COPSE: (youth, date, score, number of items)
INSERT INTO core.assessment (extract_id, agency_id, rec, youth_hash, instrument, administered_on, item, score)
SELECT 1, 1, 300 + row_number() OVER (), a.y, 'COPSE', a.d::date, i::text, a.s
FROM (VALUES ('f1', '2024-12-01', 5, 26), ('f1', '2025-04-15', 6, 26),
             ('f2', '2025-01-01', 7, 26), ('f2', '2025-05-01', 7, 25),
             ('f5', '2025-03-01', 4, 26), ('f5', '2025-06-01', 4, 26)) AS a (y, d, s, n)
CROSS JOIN generate_series(1, 26) AS i
WHERE i <= a.n;

-- URICA: (youth, date, PC, C, A, M item scores, score of item 32 if different,
-- item left out); unscored items 4, 9, 20, 31 score 5.
INSERT INTO core.assessment (extract_id, agency_id, rec, youth_hash, instrument, administered_on, item, score)
SELECT 1, 1, 600 + row_number() OVER (), u.y, 'URICA', u.d::date, i::text,
       CASE WHEN i IN (1, 5, 11, 13, 23, 26, 29) THEN u.pc
            WHEN i IN (2, 8, 12, 15, 19, 21, 24) THEN u.c
            WHEN i IN (3, 7, 10, 14, 17, 25, 30) THEN u.a
            WHEN i = 32 AND u.m32 IS NOT NULL THEN u.m32
            WHEN i IN (6, 16, 18, 22, 27, 28, 32) THEN u.m
            ELSE 5 END
FROM (VALUES ('f1', '2025-03-01', 1, 3, 3, 3, NULL, NULL),
             ('f2', '2025-06-30', 1, 4, 4, 4, NULL, 4),
             ('f3', '2024-01-01', 1, 5, 5, 5, NULL, NULL),
             ('f4', '2025-05-01', 1, 3, 3, 3, 2, NULL),
             ('f5', '2025-01-01', 1, 5, 5, 5, NULL, NULL),
             ('f5', '2025-05-01', 1, 5, 5, 5, NULL, 32),
             ('f6', '2025-07-01', 1, 3, 3, 3, NULL, NULL)) AS u (y, d, pc, c, a, m, m32, omit)
CROSS JOIN generate_series(1, 32) AS i
WHERE i IS DISTINCT FROM u.omit;

INSERT INTO core.assessment (extract_id, agency_id, rec, youth_hash, instrument, administered_on, item, score) VALUES
    (1, 1, 900, 'f1', 'CANS', '2025-01-10', 'behavioral.depression', 2),
    (1, 1, 901, 'f1', 'CANS', '2025-01-10', 'behavioral.anxiety', 3),
    (1, 1, 902, 'f1', 'CANS', '2025-01-10', 'substance.use', 1),
    (1, 1, 903, 'f1', 'CANS', '2025-01-10', 'strengths.resiliency', 0),
    (1, 1, 904, 'f1', 'CANS', '2025-05-10', 'behavioral.depression', 1),
    (1, 1, 905, 'f1', 'CANS', '2025-05-10', 'behavioral.anxiety', 2),
    (1, 1, 906, 'f1', 'CANS', '2025-05-10', 'substance.use', 2),
    (1, 1, 907, 'f2', 'CANS', '2025-06-01', 'behavioral.depression', 3),
    (1, 1, 908, 'f2', 'CANS', '2025-06-01', 'substance.use', 3),
    (1, 1, 909, 'f3', 'CANS', '2024-12-01', 'substance.alcohol', 2),
    (1, 1, 910, 'f3', 'CANS', '2024-12-01', 'behavioral.conduct', 0),
    (1, 1, 911, 'f3', 'CANS', '2025-04-01', 'behavioral.conduct', 0),
    (1, 1, 912, 'f3', 'CANS', '2025-04-01', 'risk.runaway', 1),
    (1, 1, 913, 'f4', 'CANS', '2025-07-01', 'substance.use', 3),
    (1, 1, 914, 'f5', 'CANS', '2025-02-01', 'risk.runaway', 3),
    (1, 1, 915, 'f5', 'CANS', '2025-05-01', 'behavioral.anger', 2),
    (1, 1, 950, 'f1', 'VOICE', '2025-04-01', 'sense_of_control', 2),
    (1, 1, 951, 'f1', 'VOICE', '2025-04-01', 'hopeful_future', 4),
    (1, 1, 952, 'f1', 'VOICE', '2025-06-01', 'sense_of_control', 4),
    (1, 1, 953, 'f2', 'VOICE', '2025-04-02', 'sense_of_control', 3),
    (1, 1, 954, 'f2', 'VOICE', '2025-05-01', 'hopeful_future', 5),
    (1, 1, 955, 'f3', 'VOICE', '2025-03-31', 'sense_of_control', 5);

INSERT INTO core.event (extract_id, agency_id, rec, youth_hash, event, occurred_on) VALUES
    (1, 1, 1, 'f1', 'sud_treatment', '2025-06-01');

-- Acceptance scores each administration of an extract once (SQL/ingest/accept.sql).
SELECT core.score_assessments(id) FROM core.extract WHERE status = 'accepted';
