-- Indicator fixture 08: disclosure control for counts published in several
-- cells (the in-scope population is the denominator of the event
-- percentages), percentages with a zero numerator, means (the persons
-- averaged add up across strata), incremental counts, and the stages of a
-- distribution, which add up to their common denominator.
-- (Format of the expectation lines: see 01_population.sql.)
--
-- period: SFY2025Q4
--
-- One agency, Alameda 06001, files youth, cse_flags, events, assessments.
-- Everyone flagged 2025-01-01, born 2009-01, female, WHITE, self. The other
-- counties have no agency, so the statewide cells equal Alameda's.
--   confirmed c1..c40, suspected s1..s3, at_risk a1..a25: 68 persons.
--
-- population_in_scope, tiers {68, 40, 3*, 25}: suspected primary; complement
--   at_risk 25. The same 25 persons are the denominator of every event
--   percentage in (06001, at_risk): those rows go too (each event measure's
--   own denominator group picks the same count: complementary; a measure
--   whose groups would not need it would get `derived`).
-- safety_exploitation_incident (c1..c12 and a1..a14 on 2025-05-01):
--   all 26/68 = 38.2 published; confirmed 12/40 = 30.0 published; suspected
--   0/3 primary (its denominator); at_risk 14/25 complementary. The numerators 0
--   and 14 are hidden only because their rows went: they protect nothing, so
--   the numerator groups need no complement.
-- safety_homelessness (no events): all 0/68 and confirmed 0/40 published
--   (zero is never suppressed), suspected primary, at_risk complementary.
-- relationships_social_support (MSPSS total 5 for c1..c15, 3 for a1..a4, in
--   2025-05-01): all 87/19 = 4.58 over 19 published; at_risk 4 persons
--   primary. Persons add up across tiers {19, 15, 0, 4*}: one hidden -> the
--   smallest published, suspected's 0 (a row with no denominator,
--   complementary); hidden {4, 0} sum to 4 < 11 -> one more: confirmed 15
--   (extra_cell). Statewide the same (the state's counts equal Alameda's).
-- relationships_social_support_change (earlier MSPSS 2025-01-15: total 4 for
--   c1..c15, 2 for a1..a4: everyone +1, improved): all: compared 19, improved
--   19, unchanged 0, worse 0, median 1, 100.0% improved, published (had the
--   four at-risk youths been unchanged, `unchanged` = 4 would suppress the
--   row); at_risk 4 compared: primary.
-- progress_readiness_stage (URICA of c1..c35 by 2025-06-30): precontemplation
--   15 (c1..c15, readiness 5), contemplation 12 (c16..c27, 8),
--   preparation_action 3 (c28..c30, 11), maintenance 5 (c31..c35, 14); the
--   stages add up to 35. preparation_action and maintenance are primary;
--   hidden {3, 5} sum to 8 < 11 -> one more: the smallest published,
--   contemplation 12 (extra_cell). precontemplation 15/35 = 42.9 published:
--   35 - 15 = 20 = the three hidden stages together.
--
-- expect-published: 06001 | population_in_scope | | tier | confirmed | no | 40 | | 40
-- expect-published: 06001 | population_in_scope | | tier | suspected | yes | | |
-- expect-published: 06001 | population_in_scope | | tier | at_risk | yes | | |
-- expect-published: 06001 | safety_exploitation_incident | | all | all | no | 26 | 68 | 38.2
-- expect-published: 06001 | safety_exploitation_incident | | tier | confirmed | no | 12 | 40 | 30.0
-- expect-reason: 06001 | safety_exploitation_incident | | tier | suspected | primary
-- expect-reason: 06001 | safety_exploitation_incident | | tier | at_risk | complementary
-- expect-published: 06001 | safety_homelessness | | all | all | no | 0 | 68 | 0.0
-- expect-published: 06001 | safety_homelessness | | tier | confirmed | no | 0 | 40 | 0.0
-- expect-reason: 06001 | safety_homelessness | | tier | suspected | primary
-- expect-reason: 06001 | safety_homelessness | | tier | at_risk | complementary
-- expect-published: 06000 | safety_homelessness | | all | all | no | 0 | 68 | 0.0
-- expect-published: 06001 | relationships_social_support | | all | all | no | | 19 | 4.58
-- expect-reason: 06001 | relationships_social_support | | tier | at_risk | primary
-- expect-reason: 06001 | relationships_social_support | | tier | suspected | complementary
-- expect-reason: 06001 | relationships_social_support | | tier | confirmed | extra_cell
-- expect-published: 06000 | relationships_social_support | | all | all | no | | 19 | 4.58
-- expect-reason: 06000 | relationships_social_support | | tier | confirmed | extra_cell
-- expect-reason: 06000 | relationships_social_support | | tier | suspected | complementary
-- expect-change: 06001 | relationships_social_support_change | all | all | 19 | 19 | 0 | 0 | 1
-- expect-published: 06001 | relationships_social_support_change | | all | all | no | 19 | 19 | 100.0
-- expect-reason: 06001 | relationships_social_support_change | | tier | at_risk | primary
-- expect-published: 06001 | progress_readiness_stage | precontemplation | all | all | no | 15 | 35 | 42.9
-- expect-reason: 06001 | progress_readiness_stage | contemplation | all | all | extra_cell
-- expect-reason: 06001 | progress_readiness_stage | preparation_action | all | all | primary
-- expect-reason: 06001 | progress_readiness_stage | maintenance | all | all | primary
-- check: SELECT count(*) = 0 FROM result.published WHERE suppressed = 'no' AND (numerator BETWEEN 1 AND 10 OR denominator BETWEEN 1 AND 10 OR improved BETWEEN 1 AND 10 OR unchanged BETWEEN 1 AND 10 OR worse BETWEEN 1 AND 10)

INSERT INTO core.agency (id, code, name) OVERRIDING SYSTEM VALUE VALUES
    (1, 'ALA-CWS', 'Alameda County Children and Family Services');
INSERT INTO core.agency_county (agency_id, county_fips) VALUES (1, '06001');
INSERT INTO core.extract (id, agency_id, sha256, status, source_name, extracted_on, files, error_count) OVERRIDING SYSTEM VALUE VALUES
    (1, 1, repeat('a', 64), 'accepted', 'ala.zip', '2025-07-10', '{youth.csv,cse_flags.csv,events.csv,assessments.csv}', 0);

INSERT INTO core.youth (extract_id, agency_id, rec, youth_hash, linkage_hash, county_fips, birth_month, gender, race_categories, race_source)
SELECT 1, 1, row_number() OVER (), g.p || n, NULL, '06001', '2009-01-01', 'female', '{WHITE}', 'self'
FROM (VALUES ('c', 40), ('s', 3), ('a', 25)) AS g (p, k)
CROSS JOIN LATERAL generate_series(1, g.k) AS n;

INSERT INTO core.cse_flag (extract_id, agency_id, rec, youth_hash, flag, flagged_on, basis)
SELECT 1, 1, rec, youth_hash,
       CASE left(youth_hash, 1) WHEN 'c' THEN 'confirmed' WHEN 's' THEN 'suspected' ELSE 'at_risk' END,
       '2025-01-01', 'cse_it'
FROM core.youth;

INSERT INTO core.event (extract_id, agency_id, rec, youth_hash, event, occurred_on)
SELECT 1, 1, row_number() OVER (), y, 'exploitation_incident', '2025-05-01'
FROM (SELECT 'c' || n AS y FROM generate_series(1, 12) AS n
      UNION ALL SELECT 'a' || n FROM generate_series(1, 14) AS n) AS x;

-- MSPSS: (youths, date, score of all 12 items)
INSERT INTO core.assessment (extract_id, agency_id, rec, youth_hash, instrument, administered_on, item, score)
SELECT 1, 1, row_number() OVER (), x.y, 'MSPSS', x.d::date, i::text, x.s
FROM (SELECT 'c' || n AS y, '2025-01-15' AS d, 4 AS s FROM generate_series(1, 15) AS n
      UNION ALL SELECT 'c' || n, '2025-05-01', 5 FROM generate_series(1, 15) AS n
      UNION ALL SELECT 'a' || n, '2025-01-15', 2 FROM generate_series(1, 4) AS n
      UNION ALL SELECT 'a' || n, '2025-05-01', 3 FROM generate_series(1, 4) AS n) AS x
CROSS JOIN generate_series(1, 12) AS i;

-- URICA 2025-03-01: precontemplation items 1; contemplation, action and
-- maintenance items all s -> readiness 3s - 1: s = 2 -> 5, 3 -> 8, 4 -> 11, 5 -> 14.
INSERT INTO core.assessment (extract_id, agency_id, rec, youth_hash, instrument, administered_on, item, score)
SELECT 1, 1, 10000 + row_number() OVER (), 'c' || n, 'URICA', '2025-03-01', i::text,
       CASE WHEN i IN (1, 5, 11, 13, 23, 26, 29) THEN 1
            WHEN i IN (4, 9, 20, 31) THEN 3
            WHEN n <= 15 THEN 2 WHEN n <= 27 THEN 3 WHEN n <= 30 THEN 4 ELSE 5 END
FROM generate_series(1, 35) AS n
CROSS JOIN generate_series(1, 32) AS i;

-- Acceptance scores each administration of an extract once (SQL/ingest/accept.sql).
SELECT core.score_assessments(id) FROM core.extract WHERE status = 'accepted';
