-- Indicator engine, part 4 of 4: replaces the period's computation and lays out its
-- cells (t_result) for suppress.sql.
-- Runs after facts.sql and progress.sql in the same transaction (see inputs.sql for the order
-- and the settings).

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
    SELECT DISTINCT e.agency_id, y.county_fips
    FROM t_rec y JOIN t_ext e USING (extract_id)
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

-- ---------------------------------------------------------------------------
-- Replace the period's computation and write its cells
-- ---------------------------------------------------------------------------
DELETE FROM result.cell
WHERE computation_id IN (SELECT id FROM result.computation WHERE period = (SELECT label FROM t_period));
DELETE FROM result.computation WHERE period = (SELECT label FROM t_period);
ANALYZE t_nr;

INSERT INTO result.computation (period, period_start, period_end, computed_at, inputs)
SELECT p.label, p.p_start, p.p_end, now(),
       coalesce((SELECT jsonb_agg(jsonb_build_object('agency_code', e.agency_code,
                                                     'extract_id', e.extract_id,
                                                     'extracted_on', e.extracted_on,
                                                     -- the counties the agency reports for: each county page
                                                     -- shows the data currency of its own agencies
                                                     'counties', (SELECT coalesce(jsonb_agg(ac.county_fips::text ORDER BY ac.county_fips), '[]')
                                                                  FROM core.agency_county ac WHERE ac.agency_id = e.agency_id))
                                  ORDER BY e.agency_code)
                 FROM t_ext e), '[]'::jsonb)
FROM t_period p;

-- Every cell: the non-incremental values, and for the incremental measures
-- the compared units (zero where there are none). An empty set takes the key
-- of the measure's `all` set in the county: two zeros are the same count when
-- their populations are the same.
DROP TABLE IF EXISTS pg_temp.t_cell;
CREATE TEMP TABLE t_cell ON COMMIT DROP AS
SELECT v.county_n, v.stratum_n, v.measure, v.category, v.num, v.den, v.persons,
       CASE WHEN v.num = 0 THEN max(v.num_k) FILTER (WHERE v.is_all) OVER w ELSE v.num_k END AS num_k,
       CASE WHEN v.den = 0 THEN max(v.den_k) FILTER (WHERE v.is_all) OVER w ELSE v.den_k END AS den_k,
       NULL::bigint AS improved, NULL::bigint AS unchanged, NULL::bigint AS worse,
       NULL::numeric AS median_change
FROM t_val v
WINDOW w AS (PARTITION BY v.county_n, v.measure, v.category)
UNION ALL
SELECT f.county_n, f.stratum_n, m.code, '', coalesce(i.improved, 0), coalesce(i.compared, 0),
       coalesce(i.compared, 0), NULL, NULL,
       coalesce(i.improved, 0), coalesce(i.unchanged, 0), coalesce(i.worse, 0), i.median_change
FROM (SELECT g.county_n, s.ord AS stratum_n
      FROM (SELECT fips::integer AS county_n FROM ref.county UNION ALL SELECT 6000) AS g
      CROSS JOIN ref.stratum s) AS f
CROSS JOIN ref.measure m
LEFT JOIN t_inc i ON i.county_n = f.county_n AND i.stratum_n = f.stratum_n AND i.measure = m.code
WHERE m.unit = 'incremental';
ANALYZE t_cell (county_n, stratum_n, measure);

-- The period's cells, numbered in cell order (cid: county, measure, category,
-- stratum; suppress.sql breaks ties by it). suppress.sql decides their
-- suppression and then writes them to result.cell once, decision included.
DROP TABLE IF EXISTS pg_temp.t_result;
CREATE TEMP TABLE t_result ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY g.county, m.ord, c.category, s.ord)::integer AS cid,
       comp.id AS computation_id, g.county AS county_fips, m.code AS measure, c.category,
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
CROSS JOIN (SELECT comp.id FROM result.computation comp JOIN t_period p ON p.label = comp.period) AS comp
WHERE m.stratified OR s.stratification = 'all';
ALTER TABLE t_result ADD PRIMARY KEY (cid);
