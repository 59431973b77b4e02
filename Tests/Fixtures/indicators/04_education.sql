-- Indicator fixture 04: school enrolment, attendance rate, attendance and
-- credits change, the same term reported by two agencies.
-- (Format of the expectation lines: see 01_population.sql.)
--
-- period: SFY2025Q4   (P.start 2025-04-01, P.end 2025-06-30)
--
-- Agency 1 ALA-CWS (06001) files youth, cse_flags, school_terms: d1..d6, all
-- confirmed 2025-01-01. Agency 2 ALA-EDU (06001) files youth, cse_flags,
-- school_terms: e1 with linkage LD1 = d1's, reporting d1's spring term again
-- (same start and end: counted once).
-- Age on 2025-06-30: d1 10, d2 17, d3 5, d4 18, d5 12, d6 14.
-- Terms (start..end, days enrolled / attended, credits):
--   d1 T1 2024-08-20..2024-12-20  80/60  5     T2 2025-01-06..2025-06-13 100/90 6
--   d2 T1 2025-01-06..2025-03-31  50/40  -     T2 2025-04-01..2025-06-30   0/0  0
--   d3 T1 2025-04-01..2025-06-30  60/30  -
--   d4 T1 2024-09-01..2024-12-15  70/70 10     T2 2025-01-10..2025-05-30  90/72 10
--      T3 2025-06-01..2025-08-15  40/40  -  (ends after P.end: ignored except
--      for enrolment, and d4 is 18 anyway)
--   d5 none
--   d6 T1 2024-09-01..2025-03-31 120/100 12 (ends before P)
-- education_enrolled: aged 6-17: d1, d2, d5, d6 = 4; a term overlapping P:
--   d1 (T2), d2 (T2, even with 0 days) -> 2/4 = 50.0
-- education_attendance_rate: terms ending in P: d1 T2 90/100, d2 T2 0/0,
--   d3 T1 30/60, d4 T2 72/90 -> 192 / 250 = 76.8%, over 4 persons (suppressed:
--   fewer than 11 persons, reason mean_under_11).
-- education_attendance_change (days per week = attended / (enrolled / 5)):
--   d1 T1 3.75 -> T2 4.5: +0.75 improved; d4 T1 5.0 -> T2 4.0: -1.0 worse;
--   d2's latest observation is T1 (T2 has 0 days enrolled: not an observation),
--   which ends before P: not compared; d3, d6 have one observation.
--   compared 2, improved 1, worse 1, median (0.75 - 1) / 2 = -0.125 -> -0.13.
-- education_credits_change: d1 5 -> 6 improved; d4 10 -> 10 unchanged; d2 has
--   one term with credits. compared 2, improved 1, unchanged 1, median 0.5.
--
-- expect: 06001 | education_enrolled | | all | all | 2 | 4 | 50.0 |
-- expect: 06001 | education_enrolled | | age_group | under_12 | 1 | 1 | 100.0 |
-- expect: 06001 | education_enrolled | | age_group | 18_21 | 0 | 0 | | no_denominator
-- expect: 06001 | education_attendance_rate | | all | all | 192 | 250 | 76.8 |
-- expect: 06001 | education_attendance_rate | | age_group | under_12 | 120 | 160 | 75.0 |
-- expect-reason: 06001 | education_attendance_rate | | all | all | mean_under_11
-- expect-change: 06001 | education_attendance_change | all | all | 2 | 1 | 0 | 1 | -0.13
-- expect: 06001 | education_attendance_change | | all | all | 1 | 2 | 50.0 |
-- expect-change: 06001 | education_credits_change | all | all | 2 | 1 | 1 | 0 | 0.5
-- expect-change: 06000 | education_credits_change | all | all | 2 | 1 | 1 | 0 | 0.5
-- expect-change: 06001 | education_credits_change | age_group | under_12 | 1 | 1 | 0 | 0 | 1
-- check: SELECT round(-0.125::numeric, 2) = -0.13

INSERT INTO core.agency (id, code, name) OVERRIDING SYSTEM VALUE VALUES
    (1, 'ALA-CWS', 'Alameda County Children and Family Services'),
    (2, 'ALA-EDU', 'Alameda County Office of Education foster youth services');
INSERT INTO core.agency_county (agency_id, county_fips) VALUES (1, '06001'), (2, '06001');
INSERT INTO core.extract (id, agency_id, sha256, status, source_name, extracted_on, files, error_count) OVERRIDING SYSTEM VALUE VALUES
    (1, 1, repeat('a', 64), 'accepted', 'ala-cws.zip', '2025-07-10', '{youth.csv,cse_flags.csv,school_terms.csv}', 0),
    (2, 2, repeat('b', 64), 'accepted', 'ala-edu.zip', '2025-07-10', '{youth.csv,cse_flags.csv,school_terms.csv}', 0);

INSERT INTO core.youth (extract_id, agency_id, rec, youth_hash, linkage_hash, county_fips, birth_month, gender, race_categories, race_source) VALUES
    (1, 1, 1, 'd1', 'LD1', '06001', '2015-01-01', 'female', '{WHITE}', 'self'),
    (1, 1, 2, 'd2', NULL,  '06001', '2008-01-01', 'female', '{WHITE}', 'self'),
    (1, 1, 3, 'd3', NULL,  '06001', '2020-01-01', 'female', '{WHITE}', 'self'),
    (1, 1, 4, 'd4', NULL,  '06001', '2007-01-01', 'female', '{WHITE}', 'self'),
    (1, 1, 5, 'd5', NULL,  '06001', '2013-01-01', 'female', '{WHITE}', 'self'),
    (1, 1, 6, 'd6', NULL,  '06001', '2011-01-01', 'female', '{WHITE}', 'self'),
    (2, 2, 1, 'e1', 'LD1', '06001', '2015-01-01', 'female', '{WHITE}', 'observed');

INSERT INTO core.cse_flag (extract_id, agency_id, rec, youth_hash, flag, flagged_on, basis)
SELECT 1, 1, n, 'd' || n, 'confirmed', '2025-01-01', 'court' FROM generate_series(1, 6) AS n;
INSERT INTO core.cse_flag (extract_id, agency_id, rec, youth_hash, flag, flagged_on, basis) VALUES
    (2, 2, 1, 'e1', 'at_risk', '2025-01-01', 'cse_it');

INSERT INTO core.school_term (extract_id, agency_id, rec, youth_hash, term_start, term_end, days_enrolled, days_attended, credits_earned) VALUES
    (1, 1, 1, 'd1', '2024-08-20', '2024-12-20',  80,  60, 5),
    (1, 1, 2, 'd1', '2025-01-06', '2025-06-13', 100,  90, 6),
    (1, 1, 3, 'd2', '2025-01-06', '2025-03-31',  50,  40, NULL),
    (1, 1, 4, 'd2', '2025-04-01', '2025-06-30',   0,   0, 0),
    (1, 1, 5, 'd3', '2025-04-01', '2025-06-30',  60,  30, NULL),
    (1, 1, 6, 'd4', '2024-09-01', '2024-12-15',  70,  70, 10),
    (1, 1, 7, 'd4', '2025-01-10', '2025-05-30',  90,  72, 10),
    (1, 1, 8, 'd4', '2025-06-01', '2025-08-15',  40,  40, NULL),
    (1, 1, 9, 'd6', '2024-09-01', '2025-03-31', 120, 100, 12),
    (2, 2, 1, 'e1', '2025-01-06', '2025-06-13', 100,  90, 6);
