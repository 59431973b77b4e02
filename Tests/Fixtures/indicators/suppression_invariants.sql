-- Disclosure-control invariants: one query that returns a row per violation
-- (no rows = pass), over every computation whose suppression has been
-- decided. Not a fixture: run it (as the database owner or outcomes_compute)
-- after the indicator engine (SQL/indicators, write_cells.sql last) on
-- any data, e.g. the synthetic data of a randomised test or the fixtures of
-- this folder.
--
--   published_small   a published row shows a count from 1 to 10
--   zero_primary      a row is `primary` although none of its counts is 1-10
--   undecided         a cell of a decided computation has no decision
--   single_suppressed an additive group whose total is published has exactly
--                     one suppressed member (recoverable by subtraction)
--   extra_cell        an additive group whose total is published has
--                     suppressed members that are all <= 3 or sum to < 11
--                     (groups whose suppressed values are all zero are not
--                     counted: they hide no small positive count)
-- Groups, per count (numerator, denominator, improved, unchanged, worse):
--   S  county x measure x category x additive stratification: the `all` row
--      is the total;
--   C  measure x category x stratification x stratum: the state row is the
--      total of the counties (not-reported counties carry no counts);
--   D  county x distribution measure x stratum: the category numerators add
--      up to the common denominator, published when any category row is.
WITH x AS (
    SELECT c.*, (c.suppressed IS TRUE) AS supp
    FROM result.computed c
    WHERE c.decided
), q AS (
    SELECT x.period, x.county_fips, x.measure, x.category, x.stratification, x.stratum, x.supp,
           v.qty, v.val
    FROM x
    CROSS JOIN LATERAL (VALUES ('numerator', x.numerator), ('denominator', x.denominator),
                               ('unchanged', x.unchanged::numeric), ('worse', x.worse::numeric))
        AS v (qty, val)
    WHERE v.val IS NOT NULL
), members AS (
    -- S groups
    SELECT 'S|' || q.county_fips || '|' || q.category || '|' || a.stratification AS grp,
           q.period, q.measure, q.qty, q.val, q.supp, q.stratification = 'all' AS total,
           q.county_fips, q.category, q.stratification, q.stratum
    FROM q
    JOIN (SELECT DISTINCT stratification FROM ref.stratum WHERE additive) AS a
      ON a.stratification = q.stratification OR q.stratification = 'all'
    UNION ALL
    -- C groups
    SELECT 'C|' || q.category || '|' || q.stratification || '|' || q.stratum,
           q.period, q.measure, q.qty, q.val, q.supp, q.county_fips = '06000',
           q.county_fips, q.category, q.stratification, q.stratum
    FROM q
    UNION ALL
    -- D groups: category numerators, and the denominator as the total
    SELECT 'D|' || q.county_fips || '|' || q.stratification || '|' || q.stratum,
           q.period, q.measure, 'numerator', q.val, q.supp, false,
           q.county_fips, q.category, q.stratification, q.stratum
    FROM q JOIN ref.measure m ON m.code = q.measure AND m.unit = 'distribution'
    WHERE q.qty = 'numerator'
    UNION ALL
    SELECT 'D|' || q.county_fips || '|' || q.stratification || '|' || q.stratum,
           q.period, q.measure, 'numerator', max(q.val), bool_and(q.supp), true,
           q.county_fips, '', q.stratification, q.stratum
    FROM q JOIN ref.measure m ON m.code = q.measure AND m.unit = 'distribution'
    WHERE q.qty = 'denominator'
    GROUP BY q.period, q.measure, q.county_fips, q.stratification, q.stratum
), groups AS (
    SELECT period, measure, qty, grp,
           bool_or(total AND NOT supp)                     AS total_published,
           count(*) FILTER (WHERE supp AND NOT total)      AS n_supp,
           sum(val) FILTER (WHERE supp AND NOT total)      AS sum_supp,
           max(val) FILTER (WHERE supp AND NOT total)      AS max_supp
    FROM members
    GROUP BY period, measure, qty, grp
)
SELECT 'published_small' AS violation, period, county_fips, measure, category, stratification, stratum,
       concat_ws(' ', numerator, denominator, improved, unchanged, worse) AS detail
FROM x
WHERE NOT supp
  AND (numerator BETWEEN 1 AND 10 OR denominator BETWEEN 1 AND 10 OR improved BETWEEN 1 AND 10
       OR unchanged BETWEEN 1 AND 10 OR worse BETWEEN 1 AND 10)
UNION ALL
SELECT 'zero_primary', period, county_fips, measure, category, stratification, stratum,
       concat_ws(' ', numerator, denominator, improved, unchanged, worse)
FROM x
WHERE suppression_reason = 'primary'
  AND NOT (numerator BETWEEN 1 AND 10 OR denominator BETWEEN 1 AND 10 OR improved BETWEEN 1 AND 10
           OR unchanged BETWEEN 1 AND 10 OR worse BETWEEN 1 AND 10)
UNION ALL
SELECT 'undecided', period, county_fips, measure, category, stratification, stratum, ''
FROM x
WHERE suppressed IS NULL OR (suppressed IS TRUE) <> (suppression_reason IS NOT NULL)
UNION ALL
SELECT 'single_suppressed', period, NULL, measure, NULL, NULL, NULL, grp || ' ' || qty
FROM groups
WHERE total_published AND n_supp = 1
UNION ALL
SELECT 'extra_cell', period, NULL, measure, NULL, NULL, NULL,
       grp || ' ' || qty || ' sum ' || sum_supp || ' max ' || max_supp
FROM groups
WHERE total_published AND n_supp >= 1 AND sum_supp > 0 AND (sum_supp < 11 OR max_supp <= 3)
ORDER BY 1, 2, 3, 4, 5, 6, 7, 8;
