-- Indicator engine: writes the decided cells of pg_temp.t_decided
-- (suppress.sql's output) into the period's new computation (write.sql) and
-- marks the computation decided.
-- IndicatorEngine runs it twice in its transaction: for the transaction's own
-- cells, as soon as they are decided, and for the cells its second session
-- decided, which it puts into t_decided in their place. Each run sets the same
-- suppressed_at: now() is the transaction's start.

SET LOCAL client_min_messages = warning;
SET LOCAL jit = off;

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
