-- Indicator engine, part 1: the period, the persons and the inputs every
-- following part uses.
--
-- The engine computes every measure of ref.measure for one period, for the 58
-- counties and statewide (06000), for the stratum `all` and every stratum of
-- ref.stratum, from each agency's current (latest accepted) extract. Its
-- scripts, in the order one session may run them in one transaction:
--     inputs.sql    the period, persons, strata, placements, absences, school
--                   terms, assessments (this file), from the person index
--                   that persons.sql builds once per change of the current
--                   extracts (see there)
--     events.sql    the event facts of each person (reads no working
--                   table, so it may also run first)
--     facts.sql     the point-in-time measures: per-person facts counted per
--                   combination of strata, laid out as cells (t_cell)
--     progress.sql  the incremental measures, laid out as cells (t_cell)
--     cells.sql     numbers and notes of the cells in t_cell (t_result)
--     suppress.sql  disclosure control: decides every cell of t_result
--                   (t_decided)
--     write.sql     replaces the period's computation with a new one
--     write_cells.sql  writes the decided cells into it
-- with the person index built from the current extracts (persons.sql, in a
-- transaction of its own; IndicatorEngine rebuilds it when it is not), and
-- after
--     SET LOCAL ROLE outcomes_compute;
--     SELECT set_config('temp_buffers', '512MB', true);  -- optional, for speed
--     SELECT set_config('outcomes.period', 'SFY2025Q4', true),
--            set_config('outcomes.period_start', '2025-04-01', true),
--            set_config('outcomes.period_end', '2025-06-30', true);
-- The point-in-time and the incremental measures share no count that
-- disclosure control links (no additive group, no shared key), so they can be
-- laid out and decided apart. IndicatorEngine does so on two sessions at once,
-- both on one exported snapshot (so both see the same data): its transaction
-- runs inputs, facts, cells, suppress, write and write_cells.sql; a second
-- session runs events, inputs, progress, cells and suppress.sql. The second
-- session hands the transaction events.sql's t_ev1 (per person) before
-- facts.sql needs it, and at the end its decided cells - aggregates only -,
-- which the transaction puts in its t_decided and writes too (write_cells.sql
-- again). Working tables are temporary (ON COMMIT DROP; dropped first, so the
-- scripts may run several times in one transaction, e.g. for a run of trend
-- periods).
--
-- Approach: every per-person fact is computed once (one row per in-scope
-- person), persons are counted per combination of strata, and the combinations
-- are spread over the strata with a cross join (person -> strata mapping), so
-- no input table is read more than once or twice and no stratum is re-scanned.
--
-- Definitions are in ref.measure (0003_results.sql). Rules this script and
-- persons.sql fix where measures.md leaves a choice are stated there and next
-- to the code (the first and the last in persons.sql):
--  * person: youths with the same linkage_hash in the same county are one
--    person; demographics come from one record (race_source self first, then
--    observed, then agency code, then youth_hash);
--  * coverage: a person counts for a measure only if at least one agency
--    reporting them sent each optional file the measure uses; a county none of
--    whose agencies sent such a file is `not_reported`;
--  * the same record reported by two agencies of one person is counted once
--    (events: same event on the same day; placements: same start; absences:
--    same left_on; school terms: same start and end; assessments, stages of
--    change: same instrument/behavior on the same day).

SET LOCAL client_min_messages = warning;
SET LOCAL work_mem = '128MB';
SET LOCAL jit = off;  -- compiling these one-off queries costs more than it saves
-- The engine ANALYZEs its working tables for the planner's row counts and
-- distinct keys; a sample of 3,000 rows gives those as well as the default
-- 30,000 (they are uniform keys and small code lists) at a tenth of the cost.
SET LOCAL default_statistics_target = 10;
-- IndicatorEngine keeps two sessions busy at once, one per core of the 2-core
-- machine the service is sized for; parallel workers would only take turns
-- with them (measured: about 1 s slower at 100,000 youth). On a server with
-- four or more cores, allow one here.
SET LOCAL max_parallel_workers_per_gather = 0;
-- (temp_buffers, which keeps the working tables in memory, is raised by
-- IndicatorEngine first thing in each session: it can be raised only before
-- a session first fills a temporary table, and the second session starts
-- with events.sql.)

-- ---------------------------------------------------------------------------
-- Period
-- ---------------------------------------------------------------------------
DROP VIEW IF EXISTS pg_temp.v_as;  -- (reads t_period and t_p, below)
DROP TABLE IF EXISTS pg_temp.t_period;
CREATE TEMP TABLE t_period ON COMMIT DROP AS
SELECT label, p_start, p_end,
       -- the period of equal length just before P.start
       p_start - (p_end - p_start + 1) AS prev_start
FROM (SELECT current_setting('outcomes.period') AS label,
             current_setting('outcomes.period_start')::date AS p_start,
             current_setting('outcomes.period_end')::date AS p_end) AS s;
ANALYZE t_period;  -- one row: the planner must not guess ~1,000 for every cross join with it

DO $$
DECLARE
    p t_period;
    b record;
BEGIN
    SELECT * INTO p FROM t_period;
    SELECT * INTO b FROM ref.period_bounds(p.label);
    IF b.period_start IS NULL THEN
        RAISE EXCEPTION 'outcomes.period "%" is not a reporting period (SFYyyyy or SFYyyyyQn)', p.label;
    END IF;
    IF b.period_start <> p.p_start OR b.period_end <> p.p_end THEN
        RAISE EXCEPTION 'period % runs from % to %, but outcomes.period_start/end say % to %',
            p.label, b.period_start, b.period_end, p.p_start, p.p_end;
    END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- Current extracts and persons
-- ---------------------------------------------------------------------------
-- The persons and their de-duplicated histories come from the person index
-- (persons.sql), which must have been built from the extracts that are
-- current in this snapshot; IndicatorEngine rebuilds it and tries again when
-- this fails (an extract was accepted after the rebuild and before this
-- snapshot).
DO $$
BEGIN
    IF NOT person_index.is_current() THEN
        RAISE EXCEPTION 'the person index was built from other extracts than the current ones (an extract was accepted meanwhile)'
            USING ERRCODE = 'OC001', HINT = 'Compute again: the computation rebuilds the index first (persons.sql).';
    END IF;
END
$$;

-- The current extracts (cells.sql reads the files they sent, write.sql
-- records them with the computation).
DROP TABLE IF EXISTS pg_temp.t_ext;
CREATE TEMP TABLE t_ext ON COMMIT DROP AS
SELECT ce.extract_id, ce.agency_id, a.code AS agency_code, ce.extracted_on, ce.files
FROM core.current_extract ce
JOIN core.agency a ON a.id = ce.agency_id;

-- Flags per person: tier (highest flag with flagged_on <= P.end), in scope,
-- concern status at P.end, earliest flagged_on.
DROP TABLE IF EXISTS pg_temp.t_flag;
CREATE TEMP TABLE t_flag ON COMMIT DROP AS
SELECT f.person_id,
       max(f.rank) FILTER (WHERE f.flagged_on <= p.p_end)                         AS tier_rank,
       coalesce(bool_or(f.flagged_on <= p.p_end
                        AND (f.resolved_on IS NULL OR f.resolved_on >= p.p_start)), false) AS in_scope,
       coalesce(bool_or(f.flagged_on <= p.p_end
                        AND (f.resolved_on IS NULL OR f.resolved_on > p.p_end)), false)   AS current_concern,
       min(f.flagged_on)                                                          AS first_flagged_on
FROM person_index.flag f
CROSS JOIN t_period p
GROUP BY f.person_id;

-- In-scope persons with their strata and coverage.
DROP TABLE IF EXISTS pg_temp.t_p;
CREATE TEMP TABLE t_p ON COMMIT DROP AS
WITH ages AS MATERIALIZED (
    -- ages and race categories are worked out once per birth month and per
    -- answer that occur, not once per person (the OFFSET 0 keeps an inlined
    -- function from repeating its argument's expression wherever it uses it)
    SELECT m.birth_month, x.age, ref.age_group(x.age) AS age_group
    FROM (SELECT DISTINCT birth_month FROM person_index.person) AS m
    CROSS JOIN t_period p
    CROSS JOIN LATERAL (SELECT ref.age_on(m.birth_month, p.p_end) AS age OFFSET 0) AS x
), races AS MATERIALIZED (
    SELECT c.race_categories, x.race_any, ref.race_alone_of(x.race_any) AS race_alone
    FROM (SELECT DISTINCT race_categories FROM person_index.person) AS c
    CROSS JOIN LATERAL (SELECT ref.race_any(c.race_categories) AS race_any OFFSET 0) AS x
)
SELECT f.person_id,
       d.county_fips                                               AS county,
       hashint4(f.person_id)                                       AS h,
       tk.code                                                     AS tier,
       CASE WHEN f.current_concern THEN 'current' ELSE 'resolved' END AS concern,
       a.age,
       a.age_group,
       d.gender,
       r.race_alone,
       r.race_any,
       d.race_source = 'self'                                      AS race_self,
       f.first_flagged_on BETWEEN p.p_start AND p.p_end            AS newly,
       d.c_pl, d.c_ab, d.c_ev, d.c_st, d.c_as, d.c_sc, d.c_go
FROM t_flag f
JOIN person_index.person d USING (person_id)
JOIN ref.code tk ON tk.list = 'flag' AND tk.rank = f.tier_rank
CROSS JOIN t_period p
JOIN ages a USING (birth_month)
JOIN races r USING (race_categories)
WHERE f.in_scope;
ALTER TABLE t_p ADD PRIMARY KEY (person_id);
ANALYZE t_p (person_id, county);

-- Combinations of county and strata that occur, each with the ids
-- (ref.stratum.ord) of the strata a person in it counts in: the person ->
-- strata mapping used to spread counts over `all` and every stratification.
-- (The ids are looked up in a map of ref.stratum, built once; a stratum it
-- does not hold is left out.)
DROP TABLE IF EXISTS pg_temp.t_cmb;
CREATE TEMP TABLE t_cmb ON COMMIT DROP AS
WITH d AS (
    SELECT county, tier, concern, age_group, gender, race_alone, race_any, array_agg(person_id) AS persons
    FROM t_p
    GROUP BY county, tier, concern, age_group, gender, race_alone, race_any
)
SELECT row_number() OVER ()::integer AS combo_id, d.*, d.county::integer AS county_n,
       array_remove(ARRAY[(sm.m ->> 'all|all')::integer, (sm.m ->> ('tier|' || d.tier))::integer,
                          (sm.m ->> ('concern|' || d.concern))::integer,
                          (sm.m ->> ('age_group|' || d.age_group))::integer,
                          (sm.m ->> ('gender|' || d.gender))::integer,
                          (sm.m ->> ('race_alone|' || d.race_alone))::integer]
                    || ARRAY(SELECT (sm.m ->> ('race_any|' || r))::integer FROM unnest(d.race_any) AS r),
                    NULL) AS strata
FROM d
CROSS JOIN (SELECT jsonb_object_agg(stratification || '|' || stratum, ord) AS m FROM ref.stratum) AS sm;

-- Each person's combination.
DROP TABLE IF EXISTS pg_temp.t_pc;
CREATE TEMP TABLE t_pc ON COMMIT DROP AS
SELECT unnest(c.persons) AS person_id, c.combo_id
FROM t_cmb c;
ALTER TABLE t_pc ADD PRIMARY KEY (person_id);
ANALYZE t_pc;

-- ---------------------------------------------------------------------------
-- Placements
-- ---------------------------------------------------------------------------
-- Episodes starting on or before P.end; one per person and start date.
DROP TABLE IF EXISTS pg_temp.t_pl;
CREATE TEMP TABLE t_pl ON COMMIT DROP AS
SELECT l.person_id, l.started_on, l.ended_on, l.setting, l.rank
FROM person_index.placement l
JOIN t_p USING (person_id)
CROSS JOIN t_period p
WHERE l.started_on <= p.p_end;
ANALYZE t_pl;

-- Moves in P: an episode starting in P on the day, or the day after, an
-- earlier episode of the same person ended; the episode it followed is the
-- one that ended last (then started last).
DROP TABLE IF EXISTS pg_temp.t_move;
CREATE TEMP TABLE t_move ON COMMIT DROP AS
SELECT DISTINCT ON (e.person_id, e.started_on)
       e.person_id, e.started_on, e.rank AS new_rank, b.rank AS prev_rank
FROM t_pl e
JOIN t_pl b ON b.person_id = e.person_id
           AND b.ended_on BETWEEN e.started_on - 1 AND e.started_on
           AND b.started_on < e.started_on
CROSS JOIN t_period p
WHERE e.started_on BETWEEN p.p_start AND p.p_end
ORDER BY e.person_id, e.started_on, b.ended_on DESC, b.started_on DESC;

-- Per person: placement days in P and in the equal-length period before it
-- (a day d is a placement day when started_on <= d < ended_on; overlapping
-- episodes count once), moves, step-downs. Only episodes that end after
-- prev_start (or are open) are merged: an earlier one adds no day to either
-- period, and a move in P starts an episode in P. Persons with none are left
-- out; readers take a missing row as no placement day and no move.
DROP TABLE IF EXISTS pg_temp.t_plp;
CREATE TEMP TABLE t_plp ON COMMIT DROP AS
WITH mr AS (
    SELECT l.person_id, range_agg(daterange(l.started_on, l.ended_on, '[)')) AS mr
    FROM t_pl l
    CROSS JOIN t_period p
    WHERE l.ended_on IS NULL OR l.ended_on > p.prev_start
    GROUP BY l.person_id
), mv AS (
    SELECT person_id, count(*)::integer AS n_moves,
           coalesce(bool_or(new_rank < prev_rank), false) AS step_down
    FROM t_move
    GROUP BY person_id
)
SELECT mr.person_id, mr.mr,
       (SELECT coalesce(sum(upper(r) - lower(r)), 0)::integer
        FROM unnest(mr.mr * datemultirange(daterange(p.p_start, p.p_end, '[]'))) AS r) AS pl_days,
       (SELECT coalesce(sum(upper(r) - lower(r)), 0)::integer
        FROM unnest(mr.mr * datemultirange(daterange(p.prev_start, p.p_start, '[)'))) AS r) AS pl_days_prev,
       coalesce(mv.n_moves, 0) AS n_moves,
       coalesce(mv.step_down, false) AS step_down
FROM mr
LEFT JOIN mv USING (person_id)
CROSS JOIN t_period p;
ALTER TABLE t_plp ADD PRIMARY KEY (person_id);

-- ---------------------------------------------------------------------------
-- Absences (one per person and left_on; a returned, answered record first)
-- ---------------------------------------------------------------------------
DROP TABLE IF EXISTS pg_temp.t_ab;
CREATE TEMP TABLE t_ab ON COMMIT DROP AS
SELECT a.person_id, a.left_on, a.returned_on, a.same
FROM person_index.absence a
JOIN t_p USING (person_id)
CROSS JOIN t_period p
WHERE a.left_on <= p.p_end;

DROP TABLE IF EXISTS pg_temp.t_abp;
CREATE TEMP TABLE t_abp ON COMMIT DROP AS
SELECT a.person_id,
       count(*) FILTER (WHERE a.left_on >= p.p_start)::integer                          AS n_abs_left,
       count(*) FILTER (WHERE a.left_on >= p.prev_start AND a.left_on < p.p_start)::integer AS n_abs_left_prev,
       count(*) FILTER (WHERE a.returned_on BETWEEN p.p_start AND p.p_end
                          AND a.same IS NOT NULL)::integer                              AS n_ret_answered,
       count(*) FILTER (WHERE a.returned_on BETWEEN p.p_start AND p.p_end AND a.same)::integer AS n_ret_yes
FROM t_ab a
CROSS JOIN t_period p
GROUP BY a.person_id;
ALTER TABLE t_abp ADD PRIMARY KEY (person_id);

-- ---------------------------------------------------------------------------
-- School terms (one per person, term_start and term_end)
-- ---------------------------------------------------------------------------
DROP TABLE IF EXISTS pg_temp.t_st;
CREATE TEMP TABLE t_st ON COMMIT DROP AS
SELECT s.person_id, s.term_start, s.term_end, s.days_enrolled, s.days_attended, s.credits_earned
FROM person_index.school_term s
JOIN t_p USING (person_id)
CROSS JOIN t_period p
WHERE s.term_start <= p.p_end;


-- ---------------------------------------------------------------------------
-- Assessments (scored once at acceptance, core.assessment_score; one
-- administration per person, instrument and day in the person index)
-- ---------------------------------------------------------------------------
-- A view, not a table: facts.sql aggregates it per person without writing
-- it out; progress.sql keeps its observing administrations as t_as.
CREATE TEMP VIEW v_as AS
SELECT a.person_id, a.instrument, a.administered_on, a.mspss_total, a.copse_total, a.urica_readiness,
       a.cans_behavioral_items, a.cans_behavioral_actionable, a.cans_substance_actionable,
       a.voice_sense_of_control,
       -- an observation of an incremental measure (t_chg): a complete MSPSS or
       -- COPSE, a CANS that rates at least one behavioral item
       coalesce((a.instrument = 'MSPSS' AND a.mspss_total IS NOT NULL)
                OR (a.instrument = 'COPSE' AND a.copse_total IS NOT NULL)
                OR (a.instrument = 'CANS' AND a.cans_behavioral_items > 0), false) AS observed
FROM person_index.assessment a
JOIN t_p USING (person_id)
CROSS JOIN t_period p
WHERE a.administered_on <= p.p_end;


-- The cells of the measures computed in this session: filled by facts.sql
-- (point-in-time measures) and progress.sql (incremental measures), laid out
-- by cells.sql. Keys: see facts.sql (t_val).
DROP TABLE IF EXISTS pg_temp.t_cell;
CREATE TEMP TABLE t_cell (
    county_n      integer NOT NULL,
    stratum_n     integer NOT NULL,
    measure       text NOT NULL,
    category      text NOT NULL,
    num           numeric,
    den           numeric,
    persons       numeric,
    num_k         bigint,
    den_k         bigint,
    improved      numeric,
    unchanged     numeric,
    worse         numeric,
    median_change numeric
) ON COMMIT DROP;
