-- Indicator engine, part 3: the incremental measures, per county, stratum and
-- measure (t_inc), laid out as cells (t_cell).
-- Runs after inputs.sql, before or after facts.sql, in the same transaction
-- (see inputs.sql for the order and the settings).

SET LOCAL client_min_messages = warning;
SET LOCAL work_mem = '128MB';
SET LOCAL jit = off;

-- ---------------------------------------------------------------------------
-- Incremental progress: one row per compared unit (person, or person x
-- behavior) with change = latest - previous and outcome 1 improved,
-- 0 unchanged, -1 worse (by the measure's direction).
-- ---------------------------------------------------------------------------
-- Observations on or before P.end, one per unit and date: (measure_n,
-- unit_n, person_id, obs_on, val), with integer keys (ref.measure.ord; unit_n
-- is 0: one unit per person) so that sorting them for the windows compares
-- integers, not text.
-- Only a unit observed in P can be compared, so each source keeps just the
-- units it observed in P (with all their observations): about half of them.
-- (Administrations, inputs.sql's v_as: only observing ones are compared.)
DROP TABLE IF EXISTS pg_temp.t_as;
CREATE TEMP TABLE t_as ON COMMIT DROP AS
SELECT * FROM v_as WHERE observed;

DROP TABLE IF EXISTS pg_temp.t_chg;
CREATE TEMP TABLE t_chg ON COMMIT DROP AS
WITH o (measure_n, unit_n, person_id, obs_on, val) AS (
    -- School terms, by term_end (terms ending the same day are combined:
    -- attendance over their summed days, credits summed); terms with
    -- days_enrolled = 0 are no attendance observation.
    SELECT (SELECT ord FROM ref.measure WHERE code = 'education_attendance_change'), 0, s.person_id, s.term_end,
           5 * sum(s.days_attended)::numeric / sum(s.days_enrolled)
    FROM t_st s CROSS JOIN t_period p
    WHERE s.term_end <= p.p_end AND s.days_enrolled > 0
      AND s.person_id IN (SELECT person_id FROM t_st, t_period p
                          WHERE term_end BETWEEN p.p_start AND p.p_end AND days_enrolled > 0)
    GROUP BY s.person_id, s.term_end
    UNION ALL
    SELECT (SELECT ord FROM ref.measure WHERE code = 'education_credits_change'), 0, s.person_id, s.term_end,
           sum(s.credits_earned)
    FROM t_st s CROSS JOIN t_period p
    WHERE s.term_end <= p.p_end AND s.credits_earned IS NOT NULL
      AND s.person_id IN (SELECT person_id FROM t_st, t_period p
                          WHERE term_end BETWEEN p.p_start AND p.p_end AND credits_earned IS NOT NULL)
    GROUP BY s.person_id, s.term_end
    UNION ALL
    -- Returned absences, by returned_on (then left_on).
    SELECT * FROM (
        SELECT DISTINCT ON (a.person_id, a.returned_on)
               (SELECT ord FROM ref.measure WHERE code = 'placement_time_away_change'), 0, a.person_id, a.returned_on,
               (a.returned_on - a.left_on)::numeric
        FROM t_ab a CROSS JOIN t_period p
        WHERE a.returned_on <= p.p_end
          AND a.person_id IN (SELECT person_id FROM t_ab, t_period p
                              WHERE returned_on BETWEEN p.p_start AND p.p_end)
        ORDER BY a.person_id, a.returned_on, a.left_on DESC) AS ab
    UNION ALL
    -- Ranked placement episodes, by started_on.
    SELECT (SELECT ord FROM ref.measure WHERE code = 'placement_restrictiveness_change'), 0, person_id, started_on,
           rank
    FROM t_pl
    WHERE rank IS NOT NULL
      AND person_id IN (SELECT person_id FROM t_pl, t_period p WHERE rank IS NOT NULL AND started_on >= p.p_start)
    UNION ALL
    -- Observing administrations (t_as holds only those).
    SELECT CASE a.instrument WHEN 'MSPSS' THEN (SELECT ord FROM ref.measure WHERE code = 'relationships_social_support_change')
                             WHEN 'COPSE' THEN (SELECT ord FROM ref.measure WHERE code = 'progress_coping_change')
                             ELSE (SELECT ord FROM ref.measure WHERE code = 'mental_cans_needs_change') END,
           0, a.person_id, a.administered_on,
           CASE a.instrument WHEN 'MSPSS' THEN a.mspss_total
                             WHEN 'COPSE' THEN a.copse_total
                             ELSE a.cans_behavioral_actionable END
    FROM t_as a
    WHERE (a.person_id, a.instrument) IN (SELECT person_id, instrument FROM t_as, t_period p
                                          WHERE administered_on >= p.p_start)

), w AS (
    SELECT o.measure_n, o.unit_n, o.person_id, o.obs_on, o.val,
           lag(o.val)    OVER w AS prev_val,
           lag(o.obs_on) OVER w AS prev_on,
           lead(o.obs_on) OVER w IS NULL AS latest
    FROM o
    WINDOW w AS (PARTITION BY o.person_id, o.measure_n, o.unit_n ORDER BY o.obs_on)
)
SELECT w.measure_n, w.person_id, w.val - w.prev_val AS change,
       sign(w.val - w.prev_val)::integer * CASE m.direction WHEN 'lower' THEN -1 ELSE 1 END AS outcome
FROM w
JOIN ref.measure m ON m.ord = w.measure_n
CROSS JOIN t_period p
WHERE w.latest AND w.obs_on >= p.p_start AND w.prev_on IS NOT NULL;

-- Absence frequency: absences per 30 placement days in P vs the period of
-- equal length before P.start, persons with placement days in both (and
-- reported by agencies sending absences.csv and placements.csv).
INSERT INTO t_chg (measure_n, person_id, change, outcome)
SELECT (SELECT ord FROM ref.measure WHERE code = 'placement_absence_frequency_change'), x.person_id, x.change,
       -sign(x.change)::integer
FROM (SELECT t.person_id,
             30.0 * coalesce(a.n_abs_left, 0) / pp.pl_days
             - 30.0 * coalesce(a.n_abs_left_prev, 0) / pp.pl_days_prev AS change
      FROM t_p t
      JOIN t_plp pp USING (person_id)
      LEFT JOIN t_abp a USING (person_id)
      WHERE t.c_ab AND t.c_pl AND pp.pl_days > 0 AND pp.pl_days_prev > 0) AS x;

-- Stages of change, per person and behavior: the latest stage (assessed in P)
-- against the one before it, one per day. Improved: a later stage (by
-- ref.code's rank), or out of relapse; worse: an earlier stage, or into
-- relapse; the same stage: unchanged. No change value. (Ranks are looked up
-- for the compared stages only; behavior and stage codes are checked at
-- ingest.)
INSERT INTO t_chg (measure_n, person_id, change, outcome)
SELECT (SELECT ord FROM ref.measure WHERE code = 'progress_stage_change'), w.person_id, NULL,
       CASE WHEN w.stage = w.prev_stage THEN 0
            WHEN w.stage = 'relapse' THEN -1
            WHEN w.prev_stage = 'relapse' THEN 1
            WHEN k.rank > kp.rank THEN 1
            ELSE -1 END
FROM (SELECT d.person_id, d.obs_on, d.stage,
             lag(d.stage)  OVER w AS prev_stage,
             lag(d.obs_on) OVER w AS prev_on,
             lead(d.obs_on) OVER w IS NULL AS latest
      FROM (SELECT s.person_id, s.behavior, s.assessed_on AS obs_on, s.stage
            FROM person_index.stage_of_change s
            JOIN t_p USING (person_id)
            CROSS JOIN t_period p
            WHERE s.assessed_on <= p.p_end) AS d
      WINDOW w AS (PARTITION BY d.person_id, d.behavior ORDER BY d.obs_on)) AS w
LEFT JOIN ref.code k ON k.list = 'stage' AND k.code = w.stage
LEFT JOIN ref.code kp ON kp.list = 'stage' AND kp.code = w.prev_stage
CROSS JOIN t_period p
WHERE w.latest AND w.obs_on >= p.p_start AND w.prev_on IS NOT NULL;

-- Incremental measures per county and statewide. Units are first counted
-- per measure, combination of strata and change value (a histogram), the
-- histogram is spread over the strata and the state, and the median change
-- is read off the running count: the middle value, or the mean of the two
-- middle values when the count is even. The spread histogram carries only
-- integers: the rank of each change value within its measure (for sorting),
-- and per rank the units and their outcomes, which add up to the group's
-- compared, improved, unchanged and worse units. The change values of the
-- middle ranks are looked up at the end.
DROP TABLE IF EXISTS pg_temp.t_inc;
CREATE TEMP TABLE t_inc ON COMMIT DROP AS
WITH h0 AS (
    SELECT x.measure_n, pc.combo_id, x.change,
           count(*)::integer                               AS n,
           count(*) FILTER (WHERE x.outcome = 1)::integer  AS improved,
           count(*) FILTER (WHERE x.outcome = 0)::integer  AS unchanged,
           count(*) FILTER (WHERE x.outcome = -1)::integer AS worse
    FROM t_chg x
    JOIN t_pc pc USING (person_id)
    GROUP BY x.measure_n, pc.combo_id, x.change
), r AS MATERIALIZED (
    -- the rank of each change value within its measure (NULLs last)
    SELECT h0.*, dense_rank() OVER (PARTITION BY h0.measure_n ORDER BY h0.change)::integer AS rk
    FROM h0
), hc AS (
    -- the histogram spread over the strata, per county. gk numbers the
    -- county, stratum and measure (county_n x 10^7 + stratum_n x 10^4 +
    -- measure_n: ref.stratum.ord < 1,000, ref.measure.ord < 10,000), so that
    -- it is grouped, sorted and windowed on one integer.
    SELECT cm.county_n::bigint * 10000000 + st.stratum_n * 10000 + r.measure_n AS gk, r.rk,
           sum(r.n)::integer AS n, sum(r.improved)::integer AS improved,
           sum(r.unchanged)::integer AS unchanged, sum(r.worse)::integer AS worse
    FROM r
    JOIN t_cmb cm USING (combo_id)
    CROSS JOIN LATERAL unnest(cm.strata) AS st (stratum_n)
    GROUP BY 1, r.rk
), h AS (
    -- and the state: the sum of the counties
    SELECT * FROM hc
    UNION ALL
    SELECT 60000000000 + gk % 10000000, rk, sum(n)::integer, sum(improved)::integer, sum(unchanged)::integer,
           sum(worse)::integer
    FROM hc
    GROUP BY 1, rk
), c AS (
    SELECT h.*,
           sum(h.n) OVER (PARTITION BY h.gk ORDER BY h.rk ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto,
           sum(h.n) OVER (PARTITION BY h.gk) AS compared
    FROM h
), g AS (
    -- the ranks of the middle unit(s): the first rank whose running count
    -- reaches (N + 1) / 2, and (N + 2) / 2 (N = compared units; integer
    -- division)
    SELECT (c.gk / 10000000)::integer AS county_n, (c.gk % 10000000 / 10000)::integer AS stratum_n,
           (c.gk % 10000)::integer AS measure_n,
           max(c.compared) AS compared, sum(c.improved) AS improved, sum(c.unchanged) AS unchanged,
           sum(c.worse) AS worse,
           min(c.rk) FILTER (WHERE c.upto >= (c.compared + 1) / 2) AS rk1,
           min(c.rk) FILTER (WHERE c.upto >= (c.compared + 2) / 2) AS rk2
    FROM c
    GROUP BY c.gk
), v AS (
    -- the change value of each rank (NULL for the measure without one)
    SELECT DISTINCT measure_n, rk, change FROM r
)
SELECT m.code AS measure, g.county_n, g.stratum_n, g.compared, g.improved, g.unchanged, g.worse,
       (v1.change + v2.change) / 2 AS median_change
FROM g
JOIN ref.measure m ON m.ord = g.measure_n
LEFT JOIN v v1 ON v1.measure_n = g.measure_n AND v1.rk = g.rk1
LEFT JOIN v v2 ON v2.measure_n = g.measure_n AND v2.rk = g.rk2;

-- The cells: every county (and the state), stratum and incremental measure,
-- zero compared units where there are none; the numerator is the improved
-- units, the denominator the compared ones.
INSERT INTO t_cell (county_n, stratum_n, measure, category, num, den, persons, improved, unchanged, worse,
                    median_change)
SELECT f.county_n, f.stratum_n, m.code, '', coalesce(i.improved, 0), coalesce(i.compared, 0),
       coalesce(i.compared, 0), coalesce(i.improved, 0), coalesce(i.unchanged, 0), coalesce(i.worse, 0),
       i.median_change
FROM (SELECT g.county_n, s.ord AS stratum_n
      FROM (SELECT fips::integer AS county_n FROM ref.county UNION ALL SELECT 6000) AS g
      CROSS JOIN ref.stratum s) AS f
CROSS JOIN ref.measure m
LEFT JOIN t_inc i ON i.county_n = f.county_n AND i.stratum_n = f.stratum_n AND i.measure = m.code
WHERE m.unit = 'incremental';
