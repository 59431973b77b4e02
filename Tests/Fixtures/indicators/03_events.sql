-- Indicator fixture 03: event-based measures (domains 1, 2, 3, 6, 7, 8, 10,
-- 11, 12, 13), age limits, injuries treated within 7 days, events reported by
-- two agencies, not reported vs no denominator.
-- (Format of the expectation lines: see 01_population.sql.)
--
-- period: SFY2025Q4   (P.start 2025-04-01, P.end 2025-06-30)
--
-- Agencies
--   1 ALA-CWS  (06001) files youth, cse_flags, events: persons b1..b6.
--   2 ALA-PROV (06001) files youth, cse_flags, events: q2, linkage LB2 = b2's.
--   3 BUT-CWS  (06007) files youth, cse_flags only: one person c1 -> every
--              event measure of Butte is not_reported; c1 is not in the
--              statewide event denominators either.
--   4 CAL-CWS  (06009) files youth, cse_flags, events: its only youth was
--              resolved in 2024 -> 0 persons: percentages `no_denominator`
--              (numerator 0, denominator 0), counts 0.
-- All of b1..b6 confirmed 2025-01-01; q2 at_risk 2025-01-01; c1 confirmed.
-- Age on 2025-06-30:
--   b1 born 2008-01 -> 17; b2 2007-06 -> 18 (since 2025-06-01); b3 2009-06
--   -> 16; b4 2009-07 -> 15 (turns 16 on 2025-07-01); b5 2004-01 -> 21;
--   b6 2006-03 -> 19.
-- Events:
--   b1 exploitation_incident 04-01 (P.start: in P); homelessness 07-01 (after
--      P); hospitalization 06-30; psychiatric_hold 05-01; injury 06-25 treated
--      07-02 (7 days later: counts, though after P.end); employment 05-01;
--      document_obtained birth_certificate 2024-01-01, ssn_card 06-30,
--      state_id 07-01 (after P.end: not all three).
--   b2 hs_diploma 06-30; injury 04-10 treated 04-10 (same day: counts);
--      injury 05-01 treated 05-09 (8 days: not); documents: all three in
--      2024; victim_witness_testimony 04-02 twice (two rows); birth 2024-12-01.
--      q2 (agency 2, same person) reports victim_witness_testimony 04-02 once
--      and injury 04-10 once: the same events, counted once (per event type
--      and day, the largest count any one agency reported).
--   b3 internship 06-01; hse_certificate 06-01 (b3 is 16: not in the diploma
--      denominator); mental_health_service 04-30; sti_diagnosis 05-05;
--      reproductive_health_visit 05-05; supportive_adult_contact 03-31 (before
--      P); dual_status 06-15; arrest 06-15; detention_admission 06-16;
--      extracurricular 04-01.
--   b4 employment 05-01 (aged 15: outside the 16+ denominator); injury 03-30
--      treated 03-31 (before P); victim_witness_testimony 07-01 (after P).
--   b5 hospitalization 04-15; psychiatric_hospitalization 04-16;
--      supportive_adult_contact 06-01; hs_diploma 2020-06-01.
--   b6 none.
-- 06001 (6 persons, all covered by events.csv):
--   exploitation 1/6 = 16.7; homelessness 0/6 = 0.0; hospitalization b1, b5
--   2/6 = 33.3; mental_crisis b1, b5 2/6 = 33.3; mental_service_access b3 1/6
--   = 16.7; injuries in P: b1 06-25 (treated), b2 04-10 (treated), b2 05-01
--   (not) -> 2/3 = 66.7; employment: aged 16+ b1, b2, b3, b5, b6 = 5, with
--   employment/internship b1, b3 -> 2/5 = 40.0; extracurricular 1/6;
--   vital documents b2 -> 1/5 = 20.0; diploma: aged 18+ b2, b5, b6 = 3, b2 and
--   b5 -> 2/3 = 66.7; dual status, arrest, detention 1/6 each; victim/witness
--   2 events; parenting b2 1/6; reproductive visit 1/6; STI 1/6; supportive
--   adult b5 1/6 = 16.7.
-- Measures whose files Alameda's agencies do not send (assessments, school
-- terms, ...) are not_reported in 06001.
--
-- expect: 06001 | population_in_scope | | all | all | 6 | | 6 |
-- expect: 06001 | safety_exploitation_incident | | all | all | 1 | 6 | 16.7 |
-- expect: 06001 | safety_homelessness | | all | all | 0 | 6 | 0.0 |
-- expect: 06001 | health_hospitalization | | all | all | 2 | 6 | 33.3 |
-- expect: 06001 | mental_crisis | | all | all | 2 | 6 | 33.3 |
-- expect: 06001 | mental_service_access | | all | all | 1 | 6 | 16.7 |
-- expect: 06001 | health_injury_treated | | all | all | 2 | 3 | 66.7 |
-- expect: 06001 | workforce_employment | | all | all | 2 | 5 | 40.0 |
-- expect: 06001 | workforce_employment | | age_group | 14_15 | 0 | 0 | | no_denominator
-- expect: 06001 | workforce_employment | | age_group | 16_17 | 2 | 2 | 100.0 |
-- expect: 06001 | workforce_extracurricular | | all | all | 1 | 6 | 16.7 |
-- expect: 06001 | agency_vital_documents | | all | all | 1 | 5 | 20.0 |
-- expect: 06001 | education_diploma | | all | all | 2 | 3 | 66.7 |
-- expect: 06001 | education_diploma | | age_group | 18_21 | 2 | 3 | 66.7 |
-- expect: 06001 | legal_dual_status | | all | all | 1 | 6 | 16.7 |
-- expect: 06001 | legal_victim_witness | | all | all | 2 | | 2 |
-- expect: 06001 | risk_arrest | | all | all | 1 | 6 | 16.7 |
-- expect: 06001 | risk_detention | | all | all | 1 | 6 | 16.7 |
-- expect: 06001 | parent_parenting | | all | all | 1 | 6 | 16.7 |
-- expect: 06001 | sexual_health_visit | | all | all | 1 | 6 | 16.7 |
-- expect: 06001 | sexual_health_sti | | all | all | 1 | 6 | 16.7 |
-- expect: 06001 | relationships_supportive_adult | | all | all | 1 | 6 | 16.7 |
-- expect: 06001 | substance_actionable_need | | all | all | | | | not_reported
-- expect: 06001 | education_enrolled | | all | all | | | | not_reported
-- expect: 06001 | safety_maltreatment_in_care | | all | all | | | | not_reported
-- expect: 06007 | population_in_scope | | all | all | 1 | | 1 |
-- expect: 06007 | safety_exploitation_incident | | all | all | | | | not_reported
-- expect: 06007 | legal_victim_witness | | tier | confirmed | | | | not_reported
-- expect: 06009 | population_in_scope | | all | all | 0 | | 0 |
-- expect: 06009 | safety_exploitation_incident | | all | all | 0 | 0 | | no_denominator
-- expect: 06009 | legal_victim_witness | | all | all | 0 | | 0 |
-- expect: 06000 | population_in_scope | | all | all | 7 | | 7 |
-- expect: 06000 | safety_exploitation_incident | | all | all | 1 | 6 | 16.7 |
-- expect: 06000 | legal_victim_witness | | all | all | 2 | | 2 |
-- expect: 06000 | health_injury_treated | | all | all | 2 | 3 | 66.7 |
-- Suppression of these small counts: 06001's counts are 1-10 (primary), and
-- so are the state's. In the counties + state group of
-- safety_exploitation_incident the hidden numerators are 06001 (1) and 06000
-- (1): two hidden, and with the total (the state) hidden the extra-cell rule
-- does not apply, so Calaveras' 0/0 stays published (zero is never
-- suppressed).
-- expect-published: 06001 | safety_homelessness | | all | all | yes | | |
-- expect-published: 06007 | safety_exploitation_incident | | all | all | no | | |
-- expect-published: 06009 | safety_exploitation_incident | | all | all | no | 0 | 0 |
-- expect-published: 06009 | population_in_scope | | all | all | no | 0 | | 0
-- expect-reason: 06001 | population_in_scope | | all | all | primary
-- expect-reason: 06000 | safety_exploitation_incident | | all | all | primary

INSERT INTO core.agency (id, code, name) OVERRIDING SYSTEM VALUE VALUES
    (1, 'ALA-CWS', 'Alameda County Children and Family Services'),
    (2, 'ALA-PROV', 'Alameda youth services provider'),
    (3, 'BUT-CWS', 'Butte County Children''s Services'),
    (4, 'CAL-CWS', 'Calaveras County Child Welfare');
INSERT INTO core.agency_county (agency_id, county_fips) VALUES (1, '06001'), (2, '06001'), (3, '06007'), (4, '06009');
INSERT INTO core.extract (id, agency_id, sha256, status, source_name, extracted_on, files, error_count) OVERRIDING SYSTEM VALUE VALUES
    (1, 1, repeat('a', 64), 'accepted', 'ala-cws.zip',  '2025-07-10', '{youth.csv,cse_flags.csv,events.csv}', 0),
    (2, 2, repeat('b', 64), 'accepted', 'ala-prov.zip', '2025-07-10', '{youth.csv,cse_flags.csv,events.csv}', 0),
    (3, 3, repeat('c', 64), 'accepted', 'but-cws.zip',  '2025-07-10', '{youth.csv,cse_flags.csv}', 0),
    (4, 4, repeat('d', 64), 'accepted', 'cal-cws.zip',  '2025-07-10', '{youth.csv,cse_flags.csv,events.csv}', 0);

INSERT INTO core.youth (extract_id, agency_id, rec, youth_hash, linkage_hash, county_fips, birth_month, gender, race_categories, race_source) VALUES
    (1, 1, 1, 'b1', NULL,  '06001', '2008-01-01', 'female', '{BLACK}', 'self'),
    (1, 1, 2, 'b2', 'LB2', '06001', '2007-06-01', 'female', '{BLACK}', 'self'),
    (1, 1, 3, 'b3', NULL,  '06001', '2009-06-01', 'male', '{HISPANIC}', 'self'),
    (1, 1, 4, 'b4', NULL,  '06001', '2009-07-01', 'male', '{HISPANIC}', 'self'),
    (1, 1, 5, 'b5', NULL,  '06001', '2004-01-01', 'female', '{ASIAN}', 'self'),
    (1, 1, 6, 'b6', NULL,  '06001', '2006-03-01', 'female', '{WHITE}', 'self'),
    (2, 2, 1, 'q2', 'LB2', '06001', '2007-06-01', 'female', '{BLACK}', 'observed'),
    (3, 3, 1, 'c1', NULL,  '06007', '2008-01-01', 'female', '{WHITE}', 'self'),
    (4, 4, 1, 'd1', NULL,  '06009', '2008-01-01', 'female', '{WHITE}', 'self');

INSERT INTO core.cse_flag (extract_id, agency_id, rec, youth_hash, flag, flagged_on, basis, resolved_on)
SELECT 1, 1, n, 'b' || n, 'confirmed', '2025-01-01', 'court', NULL FROM generate_series(1, 6) AS n;
INSERT INTO core.cse_flag (extract_id, agency_id, rec, youth_hash, flag, flagged_on, basis, resolved_on) VALUES
    (2, 2, 1, 'q2', 'at_risk', '2025-01-01', 'cse_it', NULL),
    (3, 3, 1, 'c1', 'confirmed', '2025-01-01', 'court', NULL),
    (4, 4, 1, 'd1', 'suspected', '2023-01-01', 'cse_it', '2024-06-01');

INSERT INTO core.event (extract_id, agency_id, rec, youth_hash, event, occurred_on, detail) VALUES
    (1, 1,  1, 'b1', 'exploitation_incident', '2025-04-01', NULL),
    (1, 1,  2, 'b1', 'homelessness', '2025-07-01', NULL),
    (1, 1,  3, 'b1', 'hospitalization', '2025-06-30', NULL),
    (1, 1,  4, 'b1', 'psychiatric_hold', '2025-05-01', NULL),
    (1, 1,  5, 'b1', 'injury', '2025-06-25', NULL),
    (1, 1,  6, 'b1', 'injury_treated', '2025-07-02', NULL),
    (1, 1,  7, 'b1', 'employment', '2025-05-01', NULL),
    (1, 1,  8, 'b1', 'document_obtained', '2024-01-01', 'birth_certificate'),
    (1, 1,  9, 'b1', 'document_obtained', '2025-06-30', 'ssn_card'),
    (1, 1, 10, 'b1', 'document_obtained', '2025-07-01', 'state_id'),
    (1, 1, 11, 'b2', 'hs_diploma', '2025-06-30', NULL),
    (1, 1, 12, 'b2', 'injury', '2025-04-10', NULL),
    (1, 1, 13, 'b2', 'injury_treated', '2025-04-10', NULL),
    (1, 1, 14, 'b2', 'injury', '2025-05-01', NULL),
    (1, 1, 15, 'b2', 'injury_treated', '2025-05-09', NULL),
    (1, 1, 16, 'b2', 'document_obtained', '2024-02-01', 'birth_certificate'),
    (1, 1, 17, 'b2', 'document_obtained', '2024-03-01', 'ssn_card'),
    (1, 1, 18, 'b2', 'document_obtained', '2024-04-01', 'state_id'),
    (1, 1, 19, 'b2', 'victim_witness_testimony', '2025-04-02', NULL),
    (1, 1, 20, 'b2', 'victim_witness_testimony', '2025-04-02', NULL),
    (1, 1, 21, 'b2', 'birth', '2024-12-01', NULL),
    (1, 1, 22, 'b3', 'internship', '2025-06-01', NULL),
    (1, 1, 23, 'b3', 'hse_certificate', '2025-06-01', NULL),
    (1, 1, 24, 'b3', 'mental_health_service', '2025-04-30', NULL),
    (1, 1, 25, 'b3', 'sti_diagnosis', '2025-05-05', NULL),
    (1, 1, 26, 'b3', 'reproductive_health_visit', '2025-05-05', NULL),
    (1, 1, 27, 'b3', 'supportive_adult_contact', '2025-03-31', NULL),
    (1, 1, 28, 'b3', 'dual_status', '2025-06-15', NULL),
    (1, 1, 29, 'b3', 'arrest', '2025-06-15', NULL),
    (1, 1, 30, 'b3', 'detention_admission', '2025-06-16', NULL),
    (1, 1, 31, 'b3', 'extracurricular', '2025-04-01', NULL),
    (1, 1, 32, 'b4', 'employment', '2025-05-01', NULL),
    (1, 1, 33, 'b4', 'injury', '2025-03-30', NULL),
    (1, 1, 34, 'b4', 'injury_treated', '2025-03-31', NULL),
    (1, 1, 35, 'b4', 'victim_witness_testimony', '2025-07-01', NULL),
    (1, 1, 36, 'b5', 'hospitalization', '2025-04-15', NULL),
    (1, 1, 37, 'b5', 'psychiatric_hospitalization', '2025-04-16', NULL),
    (1, 1, 38, 'b5', 'supportive_adult_contact', '2025-06-01', NULL),
    (1, 1, 39, 'b5', 'hs_diploma', '2020-06-01', NULL),
    (2, 2,  1, 'q2', 'victim_witness_testimony', '2025-04-02', NULL),
    (2, 2,  2, 'q2', 'injury', '2025-04-10', NULL);
