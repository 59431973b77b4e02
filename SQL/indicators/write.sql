-- Indicator engine, last part: replaces the period's computation with the
-- decided cells (pg_temp.t_decided, suppress.sql's output, to which
-- IndicatorEngine adds the cells its second session decided).
-- Runs last in the same transaction (see inputs.sql for the order and the
-- settings): readers see the period's old results or its new ones, never a
-- mixture.

SET LOCAL client_min_messages = warning;
SET LOCAL jit = off;

DELETE FROM result.cell
WHERE computation_id IN (SELECT id FROM result.computation WHERE period = (SELECT label FROM t_period));
DELETE FROM result.computation WHERE period = (SELECT label FROM t_period);

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

-- The cells, in no particular order: readers order them (Sources/Publish/PublishedData.swift
-- reads result.published ORDER BY period, county, measure, category, stratum).
INSERT INTO result.cell (computation_id, county_fips, measure, category, stratification, stratum,
                         numerator, denominator, value, persons, improved, unchanged, worse,
                         median_change, note, numerator_key, denominator_key, suppressed, suppression_reason)
SELECT comp.id, d.county_fips, d.measure, d.category, d.stratification, d.stratum,
       d.numerator, d.denominator, d.value, d.persons, d.improved, d.unchanged, d.worse,
       d.median_change, d.note, d.numerator_key, d.denominator_key, d.suppressed, d.suppression_reason
FROM pg_temp.t_decided d
CROSS JOIN (SELECT c.id FROM result.computation c JOIN t_period p ON p.label = c.period) AS comp;

UPDATE result.computation SET suppressed_at = now()
WHERE period = (SELECT label FROM t_period);
