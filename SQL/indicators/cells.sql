-- Indicator engine, part 4: the numbers and notes of the cells in t_cell
-- (t_result), for suppress.sql.
-- Runs after facts.sql and/or progress.sql in the same transaction (see
-- inputs.sql for the order and the settings).

SET LOCAL client_min_messages = warning;
SET LOCAL work_mem = '128MB';
SET LOCAL jit = off;

-- Files each county's agencies sent (an agency belongs to the counties it is
-- registered for and to those of its youths); 06000 = any agency.
DROP TABLE IF EXISTS pg_temp.t_cov;
CREATE TEMP TABLE t_cov ON COMMIT DROP AS
WITH ac AS (
    SELECT agency_id, county_fips FROM core.agency_county
    UNION
    SELECT DISTINCT r.agency_id, p.county_fips
    FROM person_index.record r JOIN person_index.person p USING (person_id)
)
SELECT DISTINCT x.county_fips::integer AS county_n, f.file
FROM (SELECT agency_id, county_fips FROM ac
      UNION ALL
      SELECT agency_id, '06000' FROM t_ext) AS x
JOIN t_ext e USING (agency_id)
CROSS JOIN LATERAL unnest(e.files || ARRAY['youth.csv', 'cse_flags.csv']) AS f (file);

-- A county none of whose agencies sent one of a measure's files: not reported.
DROP TABLE IF EXISTS pg_temp.t_nr;
CREATE TEMP TABLE t_nr ON COMMIT DROP AS
SELECT g.county_n, m.code AS measure,
       EXISTS (SELECT 1 FROM unnest(m.sources) AS f (file)
               WHERE NOT EXISTS (SELECT 1 FROM t_cov c WHERE c.county_n = g.county_n AND c.file = f.file))
           AS not_reported
FROM (SELECT fips::integer AS county_n FROM ref.county UNION ALL SELECT 6000) AS g
CROSS JOIN ref.measure m;

ANALYZE t_nr;
ANALYZE t_cell (county_n, stratum_n, measure);

-- The cells, numbered in cell order (cid: county, measure, category, stratum;
-- suppress.sql breaks ties by it: only the order of cells that share a group
-- matters, so cells decided apart may be numbered apart).
DROP TABLE IF EXISTS pg_temp.t_result;
CREATE TEMP TABLE t_result ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY g.county, m.ord, c.category, s.ord)::integer AS cid,
       g.county AS county_fips, m.code AS measure, c.category,
       s.stratification, s.stratum,
       CASE WHEN nr.not_reported THEN NULL
            ELSE coalesce(c.num, 0) END                                   AS numerator,
       CASE WHEN nr.not_reported OR m.unit = 'count' THEN NULL
            ELSE coalesce(c.den, 0) END                                   AS denominator,
       CASE WHEN nr.not_reported THEN NULL
            WHEN m.unit = 'count' THEN coalesce(c.num, 0)
            WHEN coalesce(c.den, 0) = 0 THEN NULL
            WHEN m.unit IN ('percent', 'distribution', 'incremental') THEN 100 * c.num / c.den
            WHEN m.unit = 'rate_per_1000_days' THEN 1000 * c.num / c.den
            WHEN m.unit = 'rate_per_100000_days' THEN 100000 * c.num / c.den
            WHEN m.unit = 'mean' THEN c.num / c.den
       END                                                                AS value,
       CASE WHEN NOT nr.not_reported THEN c.persons END                   AS persons,
       CASE WHEN NOT nr.not_reported THEN c.improved END                  AS improved,
       CASE WHEN NOT nr.not_reported THEN c.unchanged END                 AS unchanged,
       CASE WHEN NOT nr.not_reported THEN c.worse END                     AS worse,
       CASE WHEN NOT nr.not_reported THEN c.median_change END             AS median_change,
       CASE WHEN nr.not_reported THEN 'not_reported'
            WHEN m.unit <> 'count' AND coalesce(c.den, 0) = 0 THEN 'no_denominator'
       END                                                                AS note,
       CASE WHEN NOT nr.not_reported THEN c.num_k END                     AS numerator_key,
       CASE WHEN NOT nr.not_reported THEN c.den_k END                     AS denominator_key,
       -- integer coordinates, for suppress.sql's group ids
       m.ord AS measure_n, s.ord AS stratum_n, m.unit, m.stratified, m.categories[1] AS first_category,
       coalesce(array_position(m.categories, c.category), 0) AS category_n
FROM t_cell c
JOIN ref.measure m ON m.code = c.measure
JOIN ref.stratum s ON s.ord = c.stratum_n
JOIN t_nr nr ON nr.county_n = c.county_n AND nr.measure = c.measure
JOIN (SELECT fips AS county, fips::integer AS county_n FROM ref.county
      UNION ALL SELECT '06000', 6000) AS g ON g.county_n = c.county_n
WHERE m.stratified OR s.stratification = 'all';
ALTER TABLE t_result ADD PRIMARY KEY (cid);
