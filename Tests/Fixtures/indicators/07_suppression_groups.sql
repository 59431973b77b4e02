-- Indicator fixture 07: disclosure control within a county's tiers and across
-- counties against the state: primary, complementary (smallest first, zero
-- included, not the total when tied), extra cell (suppressed cells all <= 3
-- or summing to < 11), cells that publish the same persons, zero never
-- suppressed by the primary rule.
-- (Format of the expectation lines: see 01_population.sql.)
--
-- period: SFY2025Q4
--
-- Only youth.csv and cse_flags.csv are sent, so the published measures are
-- population_in_scope, population_newly_identified (all 0) and
-- race_self_reported_share. Everyone: flagged 2025-01-01 (not newly, current),
-- born 2009-01 (16_17), female, WHITE alone, self.
--   Alameda 06001: confirmed 30, suspected 5, at_risk 20 (all 55)
--   Alpine  06003: confirmed 12                          (all 12)
--   Amador  06005: suspected 15                          (all 15)
--   State:  confirmed 42, suspected 20, at_risk 20       (all 82)
-- The other 55 counties have no agency: not reported (not group members).
--
-- Hand trace for population_in_scope, tier (the suppression loop, pass by pass):
--  primary   06001 suspected 5 (1-10).
--  pass 1  06001 tiers {all 55, c 30, s 5*, a 20}: one hidden -> the smallest
--          published: at_risk 20 (complementary).
--          counties, suspected {06001 5*, 06003 0, 06005 15, state 20}: one
--          hidden -> the smallest: 06003's 0 (complementary).
--  pass 2  counties, suspected: hidden {5, 0} sum to 5 < 11 -> one more:
--          06005's 15 (extra_cell).
--          counties, at_risk {06001 20*, 06003 0, 06005 0, state 20}: one
--          hidden -> 06003's 0 (complementary; 06003's tiers {12, 12, 0*, 0}
--          pick the same cell).
--  pass 3  06005 tiers {15, c 0, s 15*, a 0}: one hidden -> a 0, first in
--          stratum order: confirmed (complementary).
--          06003 tiers {12, c 12, s 0*, a 0*}: hidden all <= 3 -> one more:
--          the smallest is 12, a tie between `all` and confirmed: not the
--          total -> confirmed (extra_cell).
--  pass 4  counties, confirmed {06001 30, 06003 12*, 06005 0*, state 42}:
--          hidden {12, 0}: sum 12, not all <= 3 -> nothing. Nothing else to
--          do: the loop ends.
-- Published tier cells: 06001 all 55, confirmed 30; 06003 all 12; 06005 all 15
-- and at_risk 0; the state's four. No suppressed cell can be recovered by
-- subtracting within a group: e.g. confirmed 42 - 30 = 12 = 06003 + 06005,
-- each unknown; 06003: 12 = c + s + a, all unknown.
-- The state's at_risk persons are exactly 06001's, but that is only known to
-- someone who knows the other counties' (suppressed) counts, so the state
-- cell stays published: counts are linked across cells only within one county
-- and stratum (see 08_suppression_shared.sql).
--
-- expect-published: 06001 | population_in_scope | | all | all | no | 55 | | 55
-- expect-published: 06001 | population_in_scope | | tier | confirmed | no | 30 | | 30
-- expect-published: 06001 | population_in_scope | | tier | suspected | yes | | |
-- expect-published: 06001 | population_in_scope | | tier | at_risk | yes | | |
-- expect-published: 06003 | population_in_scope | | all | all | no | 12 | | 12
-- expect-published: 06003 | population_in_scope | | tier | confirmed | yes | | |
-- expect-published: 06003 | population_in_scope | | tier | suspected | yes | | |
-- expect-published: 06003 | population_in_scope | | tier | at_risk | yes | | |
-- expect-published: 06003 | population_in_scope | | concern | current | no | 12 | | 12
-- expect-published: 06003 | population_in_scope | | concern | resolved | no | 0 | | 0
-- expect-published: 06005 | population_in_scope | | all | all | no | 15 | | 15
-- expect-published: 06005 | population_in_scope | | tier | confirmed | yes | | |
-- expect-published: 06005 | population_in_scope | | tier | suspected | yes | | |
-- expect-published: 06005 | population_in_scope | | tier | at_risk | no | 0 | | 0
-- expect-published: 06005 | population_in_scope | | gender | female | no | 15 | | 15
-- expect-published: 06005 | race_self_reported_share | | all | all | no | 15 | 15 | 100.0
-- expect-published: 06000 | population_in_scope | | all | all | no | 82 | | 82
-- expect-published: 06000 | population_in_scope | | tier | confirmed | no | 42 | | 42
-- expect-published: 06000 | population_in_scope | | tier | suspected | no | 20 | | 20
-- expect-published: 06000 | population_in_scope | | tier | at_risk | no | 20 | | 20
-- expect-published: 06001 | race_self_reported_share | | all | all | no | 55 | 55 | 100.0
-- expect-published: 06000 | population_newly_identified | | all | all | no | 0 | | 0
-- expect-published: 06007 | population_in_scope | | all | all | no | | |
-- expect: 06007 | population_in_scope | | all | all | | | | not_reported
-- expect-reason: 06001 | population_in_scope | | tier | suspected | primary
-- expect-reason: 06001 | population_in_scope | | tier | at_risk | complementary
-- expect-reason: 06003 | population_in_scope | | tier | suspected | complementary
-- expect-reason: 06003 | population_in_scope | | tier | at_risk | complementary
-- expect-reason: 06005 | population_in_scope | | tier | suspected | extra_cell
-- expect-reason: 06005 | population_in_scope | | tier | confirmed | complementary
-- expect-reason: 06003 | population_in_scope | | tier | confirmed | extra_cell
-- expect-reason: 06000 | population_in_scope | | tier | at_risk |
-- No published count from 1 to 10, anywhere.
-- check: SELECT count(*) = 0 FROM result.published WHERE suppressed = 'no' AND (numerator BETWEEN 1 AND 10 OR denominator BETWEEN 1 AND 10)
-- Everything was decided.
-- check: SELECT count(*) = 0 FROM result.computed WHERE suppressed IS NULL

INSERT INTO core.agency (id, code, name) OVERRIDING SYSTEM VALUE VALUES
    (1, 'ALA-CWS', 'Alameda County Children and Family Services'),
    (2, 'ALP-CWS', 'Alpine County Child Welfare'),
    (3, 'AMA-CWS', 'Amador County Child Welfare');
INSERT INTO core.agency_county (agency_id, county_fips) VALUES (1, '06001'), (2, '06003'), (3, '06005');
INSERT INTO core.extract (id, agency_id, sha256, status, source_name, extracted_on, files, error_count) OVERRIDING SYSTEM VALUE VALUES
    (1, 1, repeat('a', 64), 'accepted', 'ala.zip', '2025-07-10', '{youth.csv,cse_flags.csv}', 0),
    (2, 2, repeat('b', 64), 'accepted', 'alp.zip', '2025-07-10', '{youth.csv,cse_flags.csv}', 0),
    (3, 3, repeat('c', 64), 'accepted', 'ama.zip', '2025-07-10', '{youth.csv,cse_flags.csv}', 0);

-- (extract/agency, county, flag, how many)
INSERT INTO core.youth (extract_id, agency_id, rec, youth_hash, linkage_hash, county_fips, birth_month, gender, race_categories, race_source)
SELECT g.a, g.a, row_number() OVER (PARTITION BY g.a ORDER BY g.flag, n), g.a || '-' || g.flag || '-' || n, NULL,
       g.county, '2009-01-01', 'female', '{WHITE}', 'self'
FROM (VALUES (1, '06001', 'confirmed', 30), (1, '06001', 'suspected', 5), (1, '06001', 'at_risk', 20),
             (2, '06003', 'confirmed', 12), (3, '06005', 'suspected', 15)) AS g (a, county, flag, k)
CROSS JOIN LATERAL generate_series(1, g.k) AS n;

INSERT INTO core.cse_flag (extract_id, agency_id, rec, youth_hash, flag, flagged_on, basis)
SELECT extract_id, agency_id, rec, youth_hash, split_part(youth_hash, '-', 2), '2025-01-01', 'cse_it'
FROM core.youth;
