-- Indicator engine: replaces the period's computation with a new one, whose
-- cells write_cells.sql then writes.
-- Runs in the same transaction, after suppress.sql (see inputs.sql for the
-- order and the settings): readers see the period's old results or its new
-- ones, never a mixture.

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
