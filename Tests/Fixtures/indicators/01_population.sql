-- Indicator fixture 01: persons, scope, tier, concern, age groups, gender,
-- race/ethnicity, linkage across agencies, current extracts, not reported.
--
-- How to use (every fixture in this folder): load into a database that has the
-- migrations applied and no other core rows; compute the period below with
-- the engine's scripts (SQL/indicators/inputs.sql gives their order and
-- settings; IndicatorFixtureTests runs them through IndicatorEngine); then
-- check the lines below.
--   expect:           county | measure | category | stratification | stratum | numerator | denominator | value | note
--                     against result.computed (numbers as published, before blanking)
--   expect-change:    county | measure | stratification | stratum | compared | improved | unchanged | worse | median_change
--                     against result.computed (denominator, improved, unchanged, worse, median_change)
--   expect-published: county | measure | category | stratification | stratum | suppressed | numerator | denominator | value
--                     against result.published
--   expect-reason:    county | measure | category | stratification | stratum | suppression_reason
--   check:            a query that must return exactly one row, `true`
-- An empty field is NULL (for note: the empty string). Rows not listed are
-- not checked.
--
-- period: SFY2025Q4   (P.start 2025-04-01, P.end 2025-06-30)
--
-- Agencies and extracts
--   1 ALA-CWS  (Alameda 06001): extract 1 accepted but superseded (its youth
--              'old1' must not count), extract 2 current, files youth, cse_flags,
--              events.
--   2 ALA-PROB (Alameda 06001): extract 3 current, files youth, cse_flags; it
--              also reports one youth of Contra Costa 06013.
--   3 ALP-CWS  (Alpine 06003): only a rejected extract -> Alpine has no data:
--              every measure `not_reported`. Amador 06005 has no agency at all:
--              also `not_reported`.
--
-- Persons of 06001 (age on P.end = 2025-06-30, from the first day of the birth month)
--   y1 + p1  same linkage L1 in 06001 -> ONE person "P1". Flags: y1 confirmed
--            2025-01-10 (agency 1), p1 suspected 2024-11-01 (agency 2) -> tier
--            confirmed, current; earliest flag 2024-11-01 -> not newly. Born
--            2009-07: 15 on 2025-06-30, the day before the first day of the birth
--            month -> 14_15. Demographics from y1 (race_source self beats
--            observed): female, HISPANIC+WHITE -> race_alone multiracial,
--            race_any HISPANIC and WHITE; self.
--   y2       suspected 2024-05-01 resolved 2025-04-01 (= P.start) -> in scope,
--            resolved. Born 2009-06: 16 since 2025-06-01 -> 16_17. male, BLACK
--            alone, observed.
--   y3       at_risk 2024-01-01 resolved 2025-03-31 (the day before P.start)
--            -> NOT in scope.
--   y4       at_risk 2025-07-01 (after P.end) -> NOT in scope.
--   y5       at_risk 2024-02-01, suspected 2025-05-10, confirmed 2025-07-05
--            (after P.end, ignored) -> tier suspected, current, not newly.
--            Born 2013-07 -> 11 -> under_12. nonbinary, DECLINED ->
--            declined_unknown; race_source unknown.
--   y6       at_risk 2025-04-15 (newly) resolved 2025-06-30 (= P.end, not after
--            it) -> resolved. Born 2003-06 -> 22 -> over_21. female, ASIAN
--            alone, self.
--   y7       confirmed 2025-06-30 (= P.end: in scope, newly) resolved 2025-07-15
--            (> P.end) -> current. Born 2003-07 -> 21 -> 18_21.
--            transgender_female, AIAN+NHPI -> multiracial; self.
--   y8       linkage L9 in 06001; at_risk 2025-03-01 -> in scope, current, not
--            newly. Born 2012-06 -> 13 -> 12_13. male, MENA alone, self.
-- Persons of 06013
--   p2       (agency 2) linkage L9 too, but in 06013 -> a different person from
--            y8. at_risk 2025-05-01 -> newly. Born 2010-01 -> 15 -> 14_15. male,
--            WHITE alone, self.
--
-- 06001: 6 persons. tier 2/2/2 (confirmed P1, y7; suspected y2, y5; at_risk
-- y6, y8). concern current 4 (P1, y5, y7, y8), resolved 2 (y2, y6). One per
-- age group. gender female 2, male 2, nonbinary 1, transgender_female 1.
-- race_alone multiracial 2, BLACK 1, ASIAN 1, MENA 1, declined_unknown 1.
-- race_any: HISPANIC 1, WHITE 1, AIAN 1, NHPI 1, BLACK 1, ASIAN 1, MENA 1.
-- newly 2 (y6, y7). self-reported race: P1, y6, y7, y8 = 4 of 6 = 66.7%.
-- Events (agency 1 only): y2 exploitation_incident 2025-05-01 (counted), y7
-- exploitation_incident 2025-03-31 (before P). 06001: 1 of 6 = 16.7%. 06013's
-- only agency sends no events.csv -> not_reported there. Statewide: 1 of the 6
-- persons covered by events.csv.
-- 06000: 7 persons; tier confirmed 2, suspected 2, at_risk 3; newly 3; self
-- 5 of 7 = 71.4%; race_any WHITE 2 (P1, p2).
--
-- expect: 06001 | population_in_scope | | all | all | 6 | | 6 |
-- expect: 06001 | population_in_scope | | tier | confirmed | 2 | | 2 |
-- expect: 06001 | population_in_scope | | tier | suspected | 2 | | 2 |
-- expect: 06001 | population_in_scope | | tier | at_risk | 2 | | 2 |
-- expect: 06001 | population_in_scope | | concern | current | 4 | | 4 |
-- expect: 06001 | population_in_scope | | concern | resolved | 2 | | 2 |
-- expect: 06001 | population_in_scope | | age_group | under_12 | 1 | | 1 |
-- expect: 06001 | population_in_scope | | age_group | 12_13 | 1 | | 1 |
-- expect: 06001 | population_in_scope | | age_group | 14_15 | 1 | | 1 |
-- expect: 06001 | population_in_scope | | age_group | 16_17 | 1 | | 1 |
-- expect: 06001 | population_in_scope | | age_group | 18_21 | 1 | | 1 |
-- expect: 06001 | population_in_scope | | age_group | over_21 | 1 | | 1 |
-- expect: 06001 | population_in_scope | | gender | female | 2 | | 2 |
-- expect: 06001 | population_in_scope | | gender | male | 2 | | 2 |
-- expect: 06001 | population_in_scope | | gender | nonbinary | 1 | | 1 |
-- expect: 06001 | population_in_scope | | gender | transgender_female | 1 | | 1 |
-- expect: 06001 | population_in_scope | | gender | unknown | 0 | | 0 |
-- expect: 06001 | population_in_scope | | race_alone | multiracial | 2 | | 2 |
-- expect: 06001 | population_in_scope | | race_alone | HISPANIC_alone | 0 | | 0 |
-- expect: 06001 | population_in_scope | | race_alone | WHITE_alone | 0 | | 0 |
-- expect: 06001 | population_in_scope | | race_alone | BLACK_alone | 1 | | 1 |
-- expect: 06001 | population_in_scope | | race_alone | ASIAN_alone | 1 | | 1 |
-- expect: 06001 | population_in_scope | | race_alone | MENA_alone | 1 | | 1 |
-- expect: 06001 | population_in_scope | | race_alone | declined_unknown | 1 | | 1 |
-- expect: 06001 | population_in_scope | | race_any | HISPANIC | 1 | | 1 |
-- expect: 06001 | population_in_scope | | race_any | WHITE | 1 | | 1 |
-- expect: 06001 | population_in_scope | | race_any | AIAN | 1 | | 1 |
-- expect: 06001 | population_in_scope | | race_any | NHPI | 1 | | 1 |
-- expect: 06001 | population_newly_identified | | all | all | 2 | | 2 |
-- expect: 06001 | population_newly_identified | | tier | confirmed | 1 | | 1 |
-- expect: 06001 | population_newly_identified | | tier | at_risk | 1 | | 1 |
-- expect: 06001 | race_self_reported_share | | all | all | 4 | 6 | 66.7 |
-- expect: 06001 | safety_exploitation_incident | | all | all | 1 | 6 | 16.7 |
-- expect: 06001 | safety_exploitation_incident | | tier | suspected | 1 | 2 | 50.0 |
-- expect: 06001 | safety_exploitation_incident | | tier | confirmed | 0 | 2 | 0.0 |
-- expect: 06013 | population_in_scope | | all | all | 1 | | 1 |
-- expect: 06013 | population_newly_identified | | all | all | 1 | | 1 |
-- expect: 06013 | population_in_scope | | race_alone | WHITE_alone | 1 | | 1 |
-- expect: 06013 | race_self_reported_share | | all | all | 1 | 1 | 100.0 |
-- expect: 06013 | safety_exploitation_incident | | all | all | | | | not_reported
-- expect: 06003 | population_in_scope | | all | all | | | | not_reported
-- expect: 06003 | population_in_scope | | tier | confirmed | | | | not_reported
-- expect: 06005 | population_in_scope | | all | all | | | | not_reported
-- expect: 06005 | race_self_reported_share | | all | all | | | | not_reported
-- expect: 06000 | population_in_scope | | all | all | 7 | | 7 |
-- expect: 06000 | population_in_scope | | tier | confirmed | 2 | | 2 |
-- expect: 06000 | population_in_scope | | tier | suspected | 2 | | 2 |
-- expect: 06000 | population_in_scope | | tier | at_risk | 3 | | 3 |
-- expect: 06000 | population_in_scope | | race_any | WHITE | 2 | | 2 |
-- expect: 06000 | population_newly_identified | | all | all | 3 | | 3 |
-- expect: 06000 | race_self_reported_share | | all | all | 5 | 7 | 71.4 |
-- expect: 06000 | safety_exploitation_incident | | all | all | 1 | 6 | 16.7 |
-- Every cell of the computation exists: 59 areas x (44 stratified measures x
-- 36 strata + 3 more stage categories x 36 + race_self_reported_share x 1).
-- check: SELECT count(*) = 59 * (44 * 36 + 3 * 36 + 1) FROM result.computed WHERE period = 'SFY2025Q4'
-- check: SELECT count(*) = 0 FROM result.computed WHERE measure = 'race_self_reported_share' AND stratification <> 'all'
-- The computation records the extract of each agency it used.
-- check: SELECT inputs = '[{"agency_code": "ALA-CWS", "counties": ["06001"], "extract_id": 2, "extracted_on": "2025-07-10"}, {"agency_code": "ALA-PROB", "counties": ["06001"], "extract_id": 3, "extracted_on": "2025-07-12"}]'::jsonb FROM result.published_computation WHERE period = 'SFY2025Q4'
-- Age on the day before / on the first day of the birth month.
-- check: SELECT ref.age_on('2009-07-01', '2025-06-30') = 15 AND ref.age_on('2009-07-01', '2025-07-01') = 16
-- check: SELECT ref.race_alone('{HISPANIC,WHITE}') = 'multiracial' AND ref.race_any('{WHITE,HISPANIC}') = '{HISPANIC,WHITE}' AND ref.race_alone('{UNKNOWN}') = 'declined_unknown'
-- race_alone from race_any (what the engine uses): no category, one, two or more.
-- check: SELECT ref.race_alone_of('{}') = 'declined_unknown' AND ref.race_alone_of('{ASIAN}') = 'ASIAN_alone' AND ref.race_alone_of('{HISPANIC,WHITE}') = 'multiracial' AND ref.race_alone('{ASIAN,DECLINED}') = 'ASIAN_alone'

INSERT INTO core.agency (id, code, name) OVERRIDING SYSTEM VALUE VALUES
    (1, 'ALA-CWS',  'Alameda County Children and Family Services'),
    (2, 'ALA-PROB', 'Alameda County Probation'),
    (3, 'ALP-CWS',  'Alpine County Child Welfare');
INSERT INTO core.agency_county (agency_id, county_fips) VALUES
    (1, '06001'), (2, '06001'), (3, '06003');

INSERT INTO core.extract (id, agency_id, sha256, status, source_name, extracted_on, files, error_count) OVERRIDING SYSTEM VALUE VALUES
    (1, 1, repeat('1', 64), 'accepted', 'ala-cws-1.zip',  '2025-06-01', '{youth.csv,cse_flags.csv,events.csv}', 0),
    (2, 1, repeat('2', 64), 'accepted', 'ala-cws-2.zip',  '2025-07-10', '{youth.csv,cse_flags.csv,events.csv}', 0),
    (3, 2, repeat('3', 64), 'accepted', 'ala-prob-1.zip', '2025-07-12', '{youth.csv,cse_flags.csv}', 0),
    (4, 3, repeat('4', 64), 'rejected', 'alp-cws-1.zip',  '2025-07-01', '{youth.csv,cse_flags.csv}', 1);

INSERT INTO core.youth (extract_id, agency_id, rec, youth_hash, linkage_hash, county_fips, birth_month, gender, race_categories, race_source) VALUES
    (1, 1, 1, 'old1', NULL, '06001', '2010-01-01', 'female', '{WHITE}', 'self'),
    (2, 1, 1, 'y1', 'L1', '06001', '2009-07-01', 'female', '{HISPANIC,WHITE}', 'self'),
    (2, 1, 2, 'y2', NULL, '06001', '2009-06-01', 'male', '{BLACK}', 'observed'),
    (2, 1, 3, 'y3', NULL, '06001', '2009-01-01', 'female', '{WHITE}', 'self'),
    (2, 1, 4, 'y4', NULL, '06001', '2009-01-01', 'female', '{WHITE}', 'self'),
    (2, 1, 5, 'y5', NULL, '06001', '2013-07-01', 'nonbinary', '{DECLINED}', 'unknown'),
    (2, 1, 6, 'y6', NULL, '06001', '2003-06-01', 'female', '{ASIAN}', 'self'),
    (2, 1, 7, 'y7', NULL, '06001', '2003-07-01', 'transgender_female', '{AIAN,NHPI}', 'self'),
    (2, 1, 8, 'y8', 'L9', '06001', '2012-06-01', 'male', '{MENA}', 'self'),
    (3, 2, 1, 'p1', 'L1', '06001', '2009-07-01', 'female', '{HISPANIC}', 'observed'),
    (3, 2, 2, 'p2', 'L9', '06013', '2010-01-01', 'male', '{WHITE}', 'self'),
    (4, 3, 1, 'r1', NULL, '06003', '2010-01-01', 'male', '{WHITE}', 'self');

INSERT INTO core.cse_flag (extract_id, agency_id, rec, youth_hash, flag, flagged_on, basis, resolved_on) VALUES
    (1, 1, 1, 'old1', 'confirmed', '2025-05-01', 'court', NULL),
    (2, 1, 1, 'y1', 'confirmed', '2025-01-10', 'court', NULL),
    (2, 1, 2, 'y2', 'suspected', '2024-05-01', 'cse_it', '2025-04-01'),
    (2, 1, 3, 'y3', 'at_risk',   '2024-01-01', 'cse_it', '2025-03-31'),
    (2, 1, 4, 'y4', 'at_risk',   '2025-07-01', 'cse_it', NULL),
    (2, 1, 5, 'y5', 'at_risk',   '2024-02-01', 'cse_it', NULL),
    (2, 1, 6, 'y5', 'suspected', '2025-05-10', 'cse_it', NULL),
    (2, 1, 7, 'y5', 'confirmed', '2025-07-05', 'court', NULL),
    (2, 1, 8, 'y6', 'at_risk',   '2025-04-15', 'cse_it', '2025-06-30'),
    (2, 1, 9, 'y7', 'confirmed', '2025-06-30', 'law_enforcement', '2025-07-15'),
    (2, 1, 10, 'y8', 'at_risk',  '2025-03-01', 'other', NULL),
    (3, 2, 1, 'p1', 'suspected', '2024-11-01', 'self_disclosure', NULL),
    (3, 2, 2, 'p2', 'at_risk',   '2025-05-01', 'cse_it', NULL),
    (4, 3, 1, 'r1', 'confirmed', '2025-05-01', 'court', NULL);

INSERT INTO core.event (extract_id, agency_id, rec, youth_hash, event, occurred_on) VALUES
    (1, 1, 1, 'old1', 'exploitation_incident', '2025-05-01'),
    (2, 1, 1, 'y2', 'exploitation_incident', '2025-05-01'),
    (2, 1, 2, 'y7', 'exploitation_incident', '2025-03-31');
