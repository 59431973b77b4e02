-- Indicator engine: computes every measure of ref.measure for one period, for
-- the 58 counties and statewide (06000), for the stratum `all` and every
-- stratum of ref.stratum, from each agency's current (latest accepted) extract.
--
-- Run inside one transaction, after
--     SET LOCAL ROLE outcomes_compute;
--     SELECT set_config('outcomes.period', 'SFY2025Q4', true),
--            set_config('outcomes.period_start', '2025-04-01', true),
--            set_config('outcomes.period_end', '2025-06-30', true);
-- and follow it with suppress.sql in the same transaction. The period's
-- previous computation and its cells are replaced. Working tables are
-- temporary (ON COMMIT DROP; dropped first, so the script may run several
-- times in one transaction, e.g. for a run of trend periods).
--
-- Approach: every per-person fact is computed once (one row per in-scope
-- person), persons are counted per combination of strata, and the combinations
-- are spread over the strata with a cross join (person -> strata mapping), so
-- no input table is read more than once or twice and no stratum is re-scanned.
--
-- Definitions are in ref.measure (0003_results.sql). Rules this script fixes
-- where measures.md leaves a choice are stated there and next to the code:
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
-- The working tables of compute.sql and suppress.sql (about 400 MB at 100,000
-- youth) are kept in the session's memory instead of being written out and
-- read back. temp_buffers can be raised only before the session's first use
-- of a temporary table (IndicatorEngine opens a connection per computation);
-- a session that has used one keeps its buffers.
DO $$
BEGIN
    PERFORM set_config('temp_buffers', '512MB', true);
EXCEPTION WHEN invalid_parameter_value THEN
    NULL;
END
$$;

-- ---------------------------------------------------------------------------
-- Period
-- ---------------------------------------------------------------------------
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
DROP TABLE IF EXISTS pg_temp.t_ext;
CREATE TEMP TABLE t_ext ON COMMIT DROP AS
SELECT ce.extract_id, ce.agency_id, a.code AS agency_code, ce.extracted_on, ce.files,
       'placements.csv'       = ANY (ce.files) AS f_pl,
       'absences.csv'         = ANY (ce.files) AS f_ab,
       'events.csv'           = ANY (ce.files) AS f_ev,
       'school_terms.csv'     = ANY (ce.files) AS f_st,
       'assessments.csv'      = ANY (ce.files) AS f_as,
       'stages_of_change.csv' = ANY (ce.files) AS f_sc,
       'goals.csv'            = ANY (ce.files) AS f_go
FROM core.current_extract ce
JOIN core.agency a ON a.id = ce.agency_id;

-- Every youth record of a current extract, with its person.
DROP TABLE IF EXISTS pg_temp.t_rec;
CREATE TEMP TABLE t_rec ON COMMIT DROP AS
SELECT y.extract_id, y.youth_hash, e.agency_code, y.county_fips, y.birth_month, y.gender,
       y.race_categories, y.race_source,
       e.f_pl, e.f_ab, e.f_ev, e.f_st, e.f_as, e.f_sc, e.f_go,
       dense_rank() OVER (ORDER BY y.county_fips,
                                   (CASE WHEN y.linkage_hash IS NOT NULL THEN 'L:' || y.linkage_hash
                                         ELSE 'A:' || e.agency_id || ':' || y.youth_hash END) COLLATE "C")::integer
           AS person_id
FROM core.youth y
JOIN t_ext e USING (extract_id);
ANALYZE t_rec (extract_id, youth_hash, person_id);

-- Flags per person: tier (highest flag with flagged_on <= P.end), in scope,
-- concern status at P.end, earliest flagged_on.
DROP TABLE IF EXISTS pg_temp.t_flag;
CREATE TEMP TABLE t_flag ON COMMIT DROP AS
SELECT r.person_id,
       max(k.rank) FILTER (WHERE f.flagged_on <= p.p_end)                         AS tier_rank,
       coalesce(bool_or(f.flagged_on <= p.p_end
                        AND (f.resolved_on IS NULL OR f.resolved_on >= p.p_start)), false) AS in_scope,
       coalesce(bool_or(f.flagged_on <= p.p_end
                        AND (f.resolved_on IS NULL OR f.resolved_on > p.p_end)), false)   AS current_concern,
       min(f.flagged_on)                                                          AS first_flagged_on
FROM core.cse_flag f
JOIN t_rec r USING (extract_id, youth_hash)
JOIN ref.code k ON k.list = 'flag' AND k.code = f.flag
CROSS JOIN t_period p
GROUP BY r.person_id;

-- In-scope persons with their strata and coverage.
DROP TABLE IF EXISTS pg_temp.t_p;
CREATE TEMP TABLE t_p ON COMMIT DROP AS
WITH pick AS (
    SELECT DISTINCT ON (person_id) person_id, county_fips, birth_month, gender, race_categories, race_source
    FROM t_rec
    ORDER BY person_id,
             CASE race_source WHEN 'self' THEN 0 WHEN 'observed' THEN 1 ELSE 2 END,
             agency_code, youth_hash
), cov AS (
    SELECT person_id, bool_or(f_pl) AS c_pl, bool_or(f_ab) AS c_ab, bool_or(f_ev) AS c_ev,
           bool_or(f_st) AS c_st, bool_or(f_as) AS c_as, bool_or(f_sc) AS c_sc, bool_or(f_go) AS c_go
    FROM t_rec
    GROUP BY person_id
)
SELECT f.person_id,
       d.county_fips                                               AS county,
       hashint4(f.person_id)                                       AS h,
       tk.code                                                     AS tier,
       CASE WHEN f.current_concern THEN 'current' ELSE 'resolved' END AS concern,
       ref.age_on(d.birth_month, p.p_end)                          AS age,
       ref.age_group(ref.age_on(d.birth_month, p.p_end))           AS age_group,
       d.gender,
       ref.race_alone(d.race_categories)                           AS race_alone,
       ref.race_any(d.race_categories)                             AS race_any,
       d.race_source = 'self'                                      AS race_self,
       f.first_flagged_on BETWEEN p.p_start AND p.p_end            AS newly,
       c.c_pl, c.c_ab, c.c_ev, c.c_st, c.c_as, c.c_sc, c.c_go
FROM t_flag f
JOIN pick d USING (person_id)
JOIN cov c USING (person_id)
JOIN ref.code tk ON tk.list = 'flag' AND tk.rank = f.tier_rank
CROSS JOIN t_period p
WHERE f.in_scope;
ALTER TABLE t_p ADD PRIMARY KEY (person_id);
ANALYZE t_p (person_id, county);

-- Records of in-scope persons: the key to every other input table.
DROP TABLE IF EXISTS pg_temp.t_map;
CREATE TEMP TABLE t_map ON COMMIT DROP AS
SELECT r.extract_id, r.youth_hash, r.person_id, r.agency_code
FROM t_rec r
JOIN t_p USING (person_id);
ANALYZE t_map (extract_id, youth_hash, person_id);

-- Combinations of county and strata that occur, each with the ids
-- (ref.stratum.ord) of the strata a person in it counts in: the person ->
-- strata mapping used to spread counts over `all` and every stratification.
DROP TABLE IF EXISTS pg_temp.t_cmb;
CREATE TEMP TABLE t_cmb ON COMMIT DROP AS
WITH d AS (
    SELECT DISTINCT county, tier, concern, age_group, gender, race_alone, race_any FROM t_p
)
SELECT row_number() OVER ()::integer AS combo_id, d.*, d.county::integer AS county_n,
       ARRAY(SELECT s.ord FROM ref.stratum s
             WHERE (s.stratification, s.stratum) IN (('all', 'all'), ('tier', d.tier), ('concern', d.concern),
                                                     ('age_group', d.age_group), ('gender', d.gender),
                                                     ('race_alone', d.race_alone))
                OR (s.stratification = 'race_any' AND s.stratum = ANY (d.race_any))) AS strata
FROM d;

DROP TABLE IF EXISTS pg_temp.t_pc;
CREATE TEMP TABLE t_pc ON COMMIT DROP AS
SELECT p.person_id, c.combo_id
FROM t_p p
JOIN t_cmb c ON c.county = p.county AND c.tier = p.tier AND c.concern = p.concern
            AND c.age_group = p.age_group AND c.gender = p.gender AND c.race_alone = p.race_alone
            AND c.race_any = p.race_any;
ALTER TABLE t_pc ADD PRIMARY KEY (person_id);
ANALYZE t_pc;

-- ---------------------------------------------------------------------------
-- Placements
-- ---------------------------------------------------------------------------
-- Episodes starting on or before P.end; one per person and start date.
DROP TABLE IF EXISTS pg_temp.t_pl;
CREATE TEMP TABLE t_pl ON COMMIT DROP AS
SELECT DISTINCT ON (m.person_id, pl.started_on)
       m.person_id, pl.started_on, pl.ended_on, pl.setting, k.rank
FROM core.placement pl
JOIN t_map m USING (extract_id, youth_hash)
LEFT JOIN ref.code k ON k.list = 'setting' AND k.code = pl.setting
CROSS JOIN t_period p
WHERE pl.started_on <= p.p_end
ORDER BY m.person_id, pl.started_on, pl.ended_on DESC NULLS FIRST, m.agency_code, pl.rec;
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
-- episodes count once), moves, step-downs.
DROP TABLE IF EXISTS pg_temp.t_plp;
CREATE TEMP TABLE t_plp ON COMMIT DROP AS
WITH mr AS (
    SELECT person_id, range_agg(daterange(started_on, ended_on, '[)')) AS mr
    FROM t_pl
    GROUP BY person_id
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
SELECT DISTINCT ON (m.person_id, a.left_on)
       m.person_id, a.left_on, a.returned_on, a.returned_to_same_caregiver AS same
FROM core.absence a
JOIN t_map m USING (extract_id, youth_hash)
CROSS JOIN t_period p
WHERE a.left_on <= p.p_end
ORDER BY m.person_id, a.left_on, a.returned_on IS NULL, a.returned_to_same_caregiver IS NULL,
         m.agency_code, a.rec;

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
-- Events
-- ---------------------------------------------------------------------------
-- The two large inputs (events, assessments) are first reduced per record
-- (extract, youth) reading core tables only, so PostgreSQL may scan them in
-- parallel (a temporary table can be joined only above that part of a plan);
-- the period comes from the settings there (inside scalar subqueries, so that
-- it is read once, not once per row).
--
-- "At least one" facts per youth record (duplicates do not matter here), one
-- bit each (as the CASE lists them; t_evp names them): one aggregate per event
-- row instead of one per fact.
DROP TABLE IF EXISTS pg_temp.t_ev1;
CREATE TEMP TABLE t_ev1 ON COMMIT DROP AS
SELECT ev.extract_id, ev.youth_hash,
       bit_or(CASE ev.event
                  WHEN 'exploitation_incident'       THEN CASE WHEN ev.occurred_on >= p.ps THEN 1 END
                  WHEN 'homelessness'                THEN CASE WHEN ev.occurred_on >= p.ps THEN 2 END
                  WHEN 'hospitalization'             THEN CASE WHEN ev.occurred_on >= p.ps THEN 4 END
                  WHEN 'psychiatric_hold'            THEN CASE WHEN ev.occurred_on >= p.ps THEN 8 END
                  WHEN 'psychiatric_hospitalization' THEN CASE WHEN ev.occurred_on >= p.ps THEN 8 END
                  WHEN 'mental_health_service'       THEN CASE WHEN ev.occurred_on >= p.ps THEN 16 END
                  WHEN 'medical_exam'                THEN CASE WHEN ev.occurred_on > p.year_before THEN 32 END
                  WHEN 'dental_exam'                 THEN CASE WHEN ev.occurred_on > p.year_before THEN 64 END
                  WHEN 'hs_diploma'                  THEN 128
                  WHEN 'hse_certificate'             THEN 128
                  WHEN 'employment'                  THEN CASE WHEN ev.occurred_on >= p.ps THEN 256 END
                  WHEN 'internship'                  THEN CASE WHEN ev.occurred_on >= p.ps THEN 256 END
                  WHEN 'extracurricular'             THEN CASE WHEN ev.occurred_on >= p.ps THEN 512 END
                  WHEN 'document_obtained'           THEN CASE ev.detail WHEN 'birth_certificate' THEN 1024
                                                                         WHEN 'ssn_card'          THEN 2048
                                                                         WHEN 'state_id'          THEN 4096 END
                  WHEN 'sud_treatment'               THEN CASE WHEN ev.occurred_on >= p.ps THEN 8192 END
                  WHEN 'dual_status'                 THEN CASE WHEN ev.occurred_on >= p.ps THEN 16384 END
                  WHEN 'arrest'                      THEN CASE WHEN ev.occurred_on >= p.ps THEN 32768 END
                  WHEN 'detention_admission'         THEN CASE WHEN ev.occurred_on >= p.ps THEN 65536 END
                  WHEN 'birth'                       THEN 131072
                  WHEN 'reproductive_health_visit'   THEN CASE WHEN ev.occurred_on >= p.ps THEN 262144 END
                  WHEN 'sti_diagnosis'               THEN CASE WHEN ev.occurred_on >= p.ps THEN 524288 END
                  WHEN 'supportive_adult_contact'    THEN CASE WHEN ev.occurred_on >= p.ps THEN 1048576 END
              END) AS facts
FROM core.event ev
JOIN core.current_extract ce ON ce.extract_id = ev.extract_id
CROSS JOIN (SELECT (SELECT current_setting('outcomes.period_start')::date) AS ps,
                   (SELECT current_setting('outcomes.period_end')::date) AS pe,
                   (SELECT (current_setting('outcomes.period_end')::date - interval '12 months')::date) AS year_before
           ) AS p
WHERE ev.occurred_on <= p.pe
  -- only events that can set a bit (a record with none is read as no facts)
  AND (ev.occurred_on >= p.ps
       OR (ev.event IN ('medical_exam', 'dental_exam') AND ev.occurred_on > p.year_before)
       OR ev.event IN ('hs_diploma', 'hse_certificate', 'document_obtained', 'birth'))
  AND ev.event IN ('exploitation_incident', 'homelessness', 'hospitalization', 'psychiatric_hold',
                   'psychiatric_hospitalization', 'mental_health_service', 'medical_exam', 'dental_exam',
                   'hs_diploma', 'hse_certificate', 'employment', 'internship', 'extracurricular',
                   'document_obtained', 'sud_treatment', 'dual_status', 'arrest', 'detention_admission',
                   'birth', 'reproductive_health_visit', 'sti_diagnosis', 'supportive_adult_contact')
GROUP BY ev.extract_id, ev.youth_hash;

DROP TABLE IF EXISTS pg_temp.t_evp;
CREATE TEMP TABLE t_evp ON COMMIT DROP AS
SELECT person_id,
       facts & 1 <> 0 AS ev_exploit, facts & 2 <> 0 AS ev_homeless, facts & 4 <> 0 AS ev_hosp,
       facts & 8 <> 0 AS ev_crisis, facts & 16 <> 0 AS ev_mhs, facts & 32 <> 0 AS ev_medical,
       facts & 64 <> 0 AS ev_dental, facts & 128 <> 0 AS ev_diploma, facts & 256 <> 0 AS ev_employ,
       facts & 512 <> 0 AS ev_extra,
       facts & (1024 | 2048 | 4096) = (1024 | 2048 | 4096) AS ev_docs,  -- all three documents
       facts & 8192 <> 0 AS ev_sud, facts & 16384 <> 0 AS ev_dual, facts & 32768 <> 0 AS ev_arrest,
       facts & 65536 <> 0 AS ev_detention, facts & 131072 <> 0 AS ev_parent,
       facts & 262144 <> 0 AS ev_repro, facts & 524288 <> 0 AS ev_sti, facts & 1048576 <> 0 AS ev_support
FROM (SELECT m.person_id, bit_or(e.facts) AS facts
      FROM t_ev1 e
      JOIN t_map m USING (extract_id, youth_hash)
      GROUP BY m.person_id) AS x;
ALTER TABLE t_evp ADD PRIMARY KEY (person_id);

-- Counted events (P.start .. P.end + 7 days for treatments), per youth
-- record, event and day; then per person, event and day, the largest number
-- any one agency reported (the same event reported by two agencies counts
-- once).
DROP TABLE IF EXISTS pg_temp.t_ev2;
CREATE TEMP TABLE t_ev2 ON COMMIT DROP AS
SELECT ev.extract_id, ev.youth_hash, ev.event, ev.occurred_on, count(*) AS n
FROM core.event ev
JOIN core.current_extract ce ON ce.extract_id = ev.extract_id
WHERE ev.occurred_on BETWEEN (SELECT current_setting('outcomes.period_start')::date)
                         AND (SELECT current_setting('outcomes.period_end')::date + 7)
  AND ev.event IN ('victim_witness_testimony', 'injury', 'injury_treated', 'maltreatment_substantiated')
GROUP BY ev.extract_id, ev.youth_hash, ev.event, ev.occurred_on;

DROP TABLE IF EXISTS pg_temp.t_evx;
CREATE TEMP TABLE t_evx ON COMMIT DROP AS
SELECT person_id, event, occurred_on, max(n)::integer AS n
FROM (SELECT m.person_id, e.extract_id, e.event, e.occurred_on, sum(e.n) AS n
      FROM t_ev2 e
      JOIN t_map m USING (extract_id, youth_hash)
      GROUP BY 1, 2, 3, 4) AS x
GROUP BY person_id, event, occurred_on;
CREATE INDEX ON t_evx (person_id, event, occurred_on);
ANALYZE t_evx;

DROP TABLE IF EXISTS pg_temp.t_evc;
CREATE TEMP TABLE t_evc ON COMMIT DROP AS
SELECT x.person_id,
       coalesce(sum(x.n) FILTER (WHERE x.event = 'victim_witness_testimony' AND x.occurred_on <= p.p_end), 0)::integer
           AS n_victim,
       coalesce(sum(x.n) FILTER (WHERE x.event = 'injury' AND x.occurred_on <= p.p_end), 0)::integer
           AS n_injury,
       coalesce(sum(x.n) FILTER (WHERE x.event = 'injury' AND x.occurred_on <= p.p_end
           AND EXISTS (SELECT 1 FROM t_evx t
                       WHERE t.person_id = x.person_id AND t.event = 'injury_treated'
                         AND t.occurred_on BETWEEN x.occurred_on AND x.occurred_on + 7)), 0)::integer
           AS n_injury_treated,
       coalesce(sum(x.n) FILTER (WHERE x.event = 'maltreatment_substantiated' AND x.occurred_on <= p.p_end
           AND pp.mr @> x.occurred_on), 0)::integer
           AS n_maltreat_pl
FROM t_evx x
LEFT JOIN t_plp pp USING (person_id)
CROSS JOIN t_period p
GROUP BY x.person_id;
ALTER TABLE t_evc ADD PRIMARY KEY (person_id);

-- ---------------------------------------------------------------------------
-- School terms (one per person, term_start and term_end)
-- ---------------------------------------------------------------------------
DROP TABLE IF EXISTS pg_temp.t_st;
CREATE TEMP TABLE t_st ON COMMIT DROP AS
SELECT DISTINCT ON (m.person_id, s.term_start, s.term_end)
       m.person_id, s.term_start, s.term_end, s.days_enrolled, s.days_attended, s.credits_earned
FROM core.school_term s
JOIN t_map m USING (extract_id, youth_hash)
CROSS JOIN t_period p
WHERE s.term_start <= p.p_end
ORDER BY m.person_id, s.term_start, s.term_end, m.agency_code, s.rec;

DROP TABLE IF EXISTS pg_temp.t_stp;
CREATE TEMP TABLE t_stp ON COMMIT DROP AS
SELECT s.person_id,
       bool_or(s.term_end >= p.p_start)                                            AS enrolled,
       coalesce(sum(s.days_attended) FILTER (WHERE s.term_end BETWEEN p.p_start AND p.p_end), 0)::integer AS att_days,
       coalesce(sum(s.days_enrolled) FILTER (WHERE s.term_end BETWEEN p.p_start AND p.p_end), 0)::integer AS enr_days,
       coalesce(bool_or(s.term_end BETWEEN p.p_start AND p.p_end), false)          AS has_term
FROM t_st s
CROSS JOIN t_period p
GROUP BY s.person_id;
ALTER TABLE t_stp ADD PRIMARY KEY (person_id);

-- ---------------------------------------------------------------------------
-- Assessments (scored once at acceptance, core.assessment_score; one
-- administration per person, instrument and day, a scored one first)
-- ---------------------------------------------------------------------------
DROP TABLE IF EXISTS pg_temp.t_as;
CREATE TEMP TABLE t_as ON COMMIT DROP AS
SELECT DISTINCT ON (m.person_id, s.instrument, s.administered_on)
       m.person_id, s.instrument, s.administered_on, s.mspss_total, s.copse_total, s.urica_stage,
       s.cans_behavioral_items, s.cans_behavioral_actionable, s.cans_substance_actionable,
       s.voice_sense_of_control,
       -- an observation of an incremental measure (t_chg): a complete MSPSS or
       -- COPSE, a CANS that rates at least one behavioral item
       coalesce((s.instrument = 'MSPSS' AND s.mspss_total IS NOT NULL)
                OR (s.instrument = 'COPSE' AND s.copse_total IS NOT NULL)
                OR (s.instrument = 'CANS' AND s.cans_behavioral_items > 0), false) AS observed
-- (t_map holds records of current extracts only)
FROM core.assessment_score s
JOIN t_map m USING (extract_id, youth_hash)
CROSS JOIN t_period p
WHERE s.administered_on <= p.p_end
ORDER BY m.person_id, s.instrument, s.administered_on,
         coalesce(s.mspss_total, s.copse_total, s.urica_readiness, s.voice_sense_of_control,
                  s.cans_behavioral_items) IS NULL,
         m.agency_code;

DROP TABLE IF EXISTS pg_temp.t_asp;
CREATE TEMP TABLE t_asp ON COMMIT DROP AS
SELECT a.person_id,
       (array_agg(a.voice_sense_of_control ORDER BY a.administered_on DESC)
            FILTER (WHERE a.instrument = 'VOICE' AND a.voice_sense_of_control IS NOT NULL
                      AND a.administered_on >= p.p_start))[1]                     AS voice_score,
       (array_agg(a.mspss_total ORDER BY a.administered_on DESC)
            FILTER (WHERE a.mspss_total IS NOT NULL AND a.administered_on >= p.p_start))[1] AS mspss_total,
       coalesce(bool_or(a.instrument = 'CANS'), false)                            AS cans_any,
       coalesce((array_agg(a.cans_substance_actionable > 0 ORDER BY a.administered_on DESC)
            FILTER (WHERE a.instrument = 'CANS'))[1], false)                      AS cans_subst,
       (array_agg(a.urica_stage ORDER BY a.administered_on DESC)
            FILTER (WHERE a.urica_stage IS NOT NULL))[1]                          AS urica_stage
FROM t_as a
CROSS JOIN t_period p
GROUP BY a.person_id;
ALTER TABLE t_asp ADD PRIMARY KEY (person_id);

-- ---------------------------------------------------------------------------
-- Goals
-- ---------------------------------------------------------------------------
DROP TABLE IF EXISTS pg_temp.t_gop;
CREATE TEMP TABLE t_gop ON COMMIT DROP AS
SELECT m.person_id,
       count(*)::integer                                 AS n_closed,
       count(*) FILTER (WHERE g.status = 'met')::integer AS n_met
FROM core.goal g
JOIN t_map m USING (extract_id, youth_hash)
CROSS JOIN t_period p
WHERE g.status IN ('met', 'discontinued') AND g.status_on BETWEEN p.p_start AND p.p_end
GROUP BY m.person_id;
ALTER TABLE t_gop ADD PRIMARY KEY (person_id);

-- ---------------------------------------------------------------------------
-- Incremental progress: one row per compared unit (person, or person x
-- behavior) with change = latest - previous and outcome 1 improved,
-- 0 unchanged, -1 worse (by the measure's direction).
-- ---------------------------------------------------------------------------
-- Observations on or before P.end, one per unit (person, or person and
-- behavior) and date: (measure_n, unit_n, person_id, obs_on, val, stage),
-- with integer keys (ref.measure.ord; the behavior's ref.code.ord, else 0)
-- so that sorting them for the windows compares integers, not text.
-- Only a unit observed in P can be compared, so each source keeps just the
-- units it observed in P (with all their observations): about half of them.
DROP TABLE IF EXISTS pg_temp.t_chg;
CREATE TEMP TABLE t_chg ON COMMIT DROP AS
WITH o (measure_n, unit_n, person_id, obs_on, val, stage) AS (
    -- School terms, by term_end (terms ending the same day are combined:
    -- attendance over their summed days, credits summed); terms with
    -- days_enrolled = 0 are no attendance observation.
    SELECT (SELECT ord FROM ref.measure WHERE code = 'education_attendance_change'), 0, s.person_id, s.term_end,
           5 * sum(s.days_attended)::numeric / sum(s.days_enrolled), NULL::text
    FROM t_st s CROSS JOIN t_period p
    WHERE s.term_end <= p.p_end AND s.days_enrolled > 0
      AND s.person_id IN (SELECT person_id FROM t_st, t_period p
                          WHERE term_end BETWEEN p.p_start AND p.p_end AND days_enrolled > 0)
    GROUP BY s.person_id, s.term_end
    UNION ALL
    SELECT (SELECT ord FROM ref.measure WHERE code = 'education_credits_change'), 0, s.person_id, s.term_end,
           sum(s.credits_earned), NULL
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
               (a.returned_on - a.left_on)::numeric, NULL::text
        FROM t_ab a CROSS JOIN t_period p
        WHERE a.returned_on <= p.p_end
          AND a.person_id IN (SELECT person_id FROM t_ab, t_period p
                              WHERE returned_on BETWEEN p.p_start AND p.p_end)
        ORDER BY a.person_id, a.returned_on, a.left_on DESC) AS ab
    UNION ALL
    -- Ranked placement episodes, by started_on.
    SELECT (SELECT ord FROM ref.measure WHERE code = 'placement_restrictiveness_change'), 0, person_id, started_on,
           rank, NULL
    FROM t_pl
    WHERE rank IS NOT NULL
      AND person_id IN (SELECT person_id FROM t_pl, t_period p WHERE rank IS NOT NULL AND started_on >= p.p_start)
    UNION ALL
    -- Observing administrations (t_as.observed).
    SELECT CASE a.instrument WHEN 'MSPSS' THEN (SELECT ord FROM ref.measure WHERE code = 'relationships_social_support_change')
                             WHEN 'COPSE' THEN (SELECT ord FROM ref.measure WHERE code = 'progress_coping_change')
                             ELSE (SELECT ord FROM ref.measure WHERE code = 'mental_cans_needs_change') END,
           0, a.person_id, a.administered_on,
           CASE a.instrument WHEN 'MSPSS' THEN a.mspss_total
                             WHEN 'COPSE' THEN a.copse_total
                             ELSE a.cans_behavioral_actionable END,
           NULL
    FROM t_as a
    WHERE a.observed
      AND (a.person_id, a.instrument) IN (SELECT person_id, instrument FROM t_as, t_period p
                                          WHERE observed AND administered_on >= p.p_start)
    UNION ALL
    -- Stages of change, per person and behavior and day (val = stage rank,
    -- NULL for relapse).
    SELECT (SELECT ord FROM ref.measure WHERE code = 'progress_stage_change'), sc.unit_n, sc.person_id, sc.obs_on,
           sc.val, sc.stage
    FROM (SELECT d.*, max(d.obs_on) OVER (PARTITION BY d.person_id, d.unit_n) AS last_on
          FROM (SELECT DISTINCT ON (m.person_id, b.ord, s.assessed_on)
                       b.ord AS unit_n, m.person_id, s.assessed_on AS obs_on, k.rank::numeric AS val, s.stage
                FROM core.stage_of_change s
                JOIN t_map m USING (extract_id, youth_hash)
                JOIN ref.code b ON b.list = 'behavior' AND b.code = s.behavior  -- codes are checked at ingest
                LEFT JOIN ref.code k ON k.list = 'stage' AND k.code = s.stage
                CROSS JOIN t_period p
                WHERE s.assessed_on <= p.p_end
                ORDER BY m.person_id, b.ord, s.assessed_on, m.agency_code, s.rec) AS d) AS sc
    CROSS JOIN t_period p
    WHERE sc.last_on >= p.p_start
), w AS (
    SELECT o.measure_n, o.unit_n, o.person_id, o.obs_on, o.val, o.stage,
           lag(o.val)    OVER w AS prev_val,
           lag(o.stage)  OVER w AS prev_stage,
           lag(o.obs_on) OVER w AS prev_on,
           lead(o.obs_on) OVER w IS NULL AS latest
    FROM o
    WINDOW w AS (PARTITION BY o.person_id, o.measure_n, o.unit_n ORDER BY o.obs_on)
)
SELECT w.measure_n, w.person_id,
       CASE WHEN m.code = 'progress_stage_change' THEN NULL ELSE w.val - w.prev_val END AS change,
       CASE WHEN m.code = 'progress_stage_change' THEN
                CASE WHEN w.stage = w.prev_stage THEN 0
                     WHEN w.stage = 'relapse' THEN -1
                     WHEN w.prev_stage = 'relapse' THEN 1
                     WHEN w.val > w.prev_val THEN 1
                     ELSE -1 END
            ELSE sign(w.val - w.prev_val)::integer
                 * CASE m.direction WHEN 'lower' THEN -1 ELSE 1 END
       END AS outcome
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

-- ---------------------------------------------------------------------------
-- Per-person facts, counted per combination of strata
-- ---------------------------------------------------------------------------
DROP TABLE IF EXISTS pg_temp.t_combo;
CREATE TEMP TABLE t_combo ON COMMIT DROP AS
WITH f AS (
    SELECT t.*,
           coalesce(pp.pl_days, 0) AS pl_days, coalesce(pp.n_moves, 0) AS n_moves,
           coalesce(pp.step_down, false) AS step_down,
           coalesce(ab.n_abs_left, 0) AS n_abs_left, coalesce(ab.n_ret_answered, 0) AS n_ret_answered,
           coalesce(ab.n_ret_yes, 0) AS n_ret_yes,
           coalesce(ev.ev_exploit, false) AS ev_exploit, coalesce(ev.ev_homeless, false) AS ev_homeless,
           coalesce(ev.ev_hosp, false) AS ev_hosp, coalesce(ev.ev_crisis, false) AS ev_crisis,
           coalesce(ev.ev_mhs, false) AS ev_mhs, coalesce(ev.ev_medical, false) AS ev_medical,
           coalesce(ev.ev_dental, false) AS ev_dental, coalesce(ev.ev_diploma, false) AS ev_diploma,
           coalesce(ev.ev_employ, false) AS ev_employ, coalesce(ev.ev_extra, false) AS ev_extra,
           coalesce(ev.ev_docs, false) AS ev_docs, coalesce(ev.ev_sud, false) AS ev_sud,
           coalesce(ev.ev_dual, false) AS ev_dual, coalesce(ev.ev_arrest, false) AS ev_arrest,
           coalesce(ev.ev_detention, false) AS ev_detention, coalesce(ev.ev_parent, false) AS ev_parent,
           coalesce(ev.ev_repro, false) AS ev_repro, coalesce(ev.ev_sti, false) AS ev_sti,
           coalesce(ev.ev_support, false) AS ev_support,
           coalesce(ec.n_victim, 0) AS n_victim, coalesce(ec.n_injury, 0) AS n_injury,
           coalesce(ec.n_injury_treated, 0) AS n_injury_treated,
           coalesce(ec.n_maltreat_pl, 0) AS n_maltreat_pl,
           coalesce(st.enrolled, false) AS enrolled, coalesce(st.att_days, 0) AS att_days,
           coalesce(st.enr_days, 0) AS enr_days, coalesce(st.has_term, false) AS has_term,
           sp.voice_score, sp.mspss_total, coalesce(sp.cans_any, false) AS cans_any,
           coalesce(sp.cans_subst, false) AS cans_subst, sp.urica_stage,
           coalesce(go.n_closed, 0) AS n_goals_closed, coalesce(go.n_met, 0) AS n_goals_met
    FROM t_p t
    LEFT JOIN t_plp pp USING (person_id)
    LEFT JOIN t_abp ab USING (person_id)
    LEFT JOIN t_evp ev USING (person_id)
    LEFT JOIN t_evc ec USING (person_id)
    LEFT JOIN t_stp st USING (person_id)
    LEFT JOIN t_asp sp USING (person_id)
    LEFT JOIN t_gop go USING (person_id)
)
SELECT pc.combo_id,
       count(*)                                              AS in_n,
       sum(h)                                                AS in_k,
       count(*) FILTER (WHERE newly)                         AS newly_n,
       count(*) FILTER (WHERE race_self)                     AS self_n,
       -- in-scope persons covered by events.csv: denominator of event percentages
       count(*) FILTER (WHERE c_ev)                          AS ev_n,
       sum(h) FILTER (WHERE c_ev)                            AS ev_k,
       count(*) FILTER (WHERE ev_exploit)                    AS exploit_n,
       count(*) FILTER (WHERE ev_homeless)                   AS homeless_n,
       count(*) FILTER (WHERE ev_hosp)                       AS hosp_n,
       count(*) FILTER (WHERE ev_crisis)                     AS crisis_n,
       count(*) FILTER (WHERE ev_mhs)                        AS mhs_n,
       count(*) FILTER (WHERE ev_extra)                      AS extra_n,
       count(*) FILTER (WHERE ev_dual)                       AS dual_n,
       count(*) FILTER (WHERE ev_arrest)                     AS arrest_n,
       count(*) FILTER (WHERE ev_detention)                  AS detention_n,
       count(*) FILTER (WHERE ev_parent)                     AS parent_n,
       count(*) FILTER (WHERE ev_repro)                      AS repro_n,
       count(*) FILTER (WHERE ev_sti)                        AS sti_n,
       count(*) FILTER (WHERE ev_support)                    AS support_n,
       sum(n_victim)                                         AS victim_n,
       sum(n_injury)                                         AS injury_n,
       sum(n_injury_treated)                                 AS injury_treated_n,
       -- placement days (exposures) by coverage
       sum(n_maltreat_pl) FILTER (WHERE c_ev AND c_pl)       AS maltreat_n,
       sum(pl_days) FILTER (WHERE c_ev AND c_pl)             AS pl_ev_days,
       sum(h::bigint * pl_days) FILTER (WHERE c_ev AND c_pl) AS pl_ev_k,
       sum(n_moves) FILTER (WHERE c_pl)                      AS moves_n,
       sum(pl_days) FILTER (WHERE c_pl)                      AS pl_days,
       sum(h::bigint * pl_days) FILTER (WHERE c_pl)          AS pl_k,
       sum(n_abs_left) FILTER (WHERE c_ab AND c_pl)          AS abs_n,
       sum(pl_days) FILTER (WHERE c_ab AND c_pl)             AS pl_ab_days,
       sum(h::bigint * pl_days) FILTER (WHERE c_ab AND c_pl) AS pl_ab_k,
       sum(n_ret_answered)                                   AS ret_den,
       sum(n_ret_yes)                                        AS ret_n,
       count(*) FILTER (WHERE pl_days > 0)                   AS sd_den,
       sum(h) FILTER (WHERE pl_days > 0)                     AS sd_k,
       count(*) FILTER (WHERE pl_days > 0 AND step_down)     AS sd_n,
       count(*) FILTER (WHERE c_ev AND pl_days >= 30)        AS exam_den,
       sum(h) FILTER (WHERE c_ev AND pl_days >= 30)          AS exam_k,
       count(*) FILTER (WHERE c_ev AND pl_days >= 30 AND ev_medical) AS medical_n,
       count(*) FILTER (WHERE c_ev AND pl_days >= 30 AND ev_dental)  AS dental_n,
       count(*) FILTER (WHERE c_st AND age BETWEEN 6 AND 17) AS school_den,
       sum(h) FILTER (WHERE c_st AND age BETWEEN 6 AND 17)   AS school_k,
       count(*) FILTER (WHERE c_st AND age BETWEEN 6 AND 17 AND enrolled) AS enrolled_n,
       sum(att_days)                                         AS att_n,
       sum(enr_days)                                         AS att_den,
       count(*) FILTER (WHERE has_term)                      AS att_persons,
       count(*) FILTER (WHERE c_ev AND age >= 18)            AS adult_den,
       sum(h) FILTER (WHERE c_ev AND age >= 18)              AS adult_k,
       count(*) FILTER (WHERE c_ev AND age >= 18 AND ev_diploma) AS diploma_n,
       count(*) FILTER (WHERE c_ev AND age >= 16)            AS a16_den,
       sum(h) FILTER (WHERE c_ev AND age >= 16)              AS a16_k,
       count(*) FILTER (WHERE c_ev AND age >= 16 AND ev_employ) AS employ_n,
       count(*) FILTER (WHERE c_ev AND age >= 16 AND ev_docs)   AS docs_n,
       sum(voice_score)                                      AS voice_sum,
       count(voice_score)                                    AS voice_n,
       count(*) FILTER (WHERE cans_any)                      AS cans_den,
       sum(h) FILTER (WHERE cans_any)                        AS cans_k,
       count(*) FILTER (WHERE cans_subst)                    AS need_n,
       sum(h) FILTER (WHERE cans_subst)                      AS need_k,
       count(*) FILTER (WHERE cans_subst AND c_ev)           AS access_den,
       sum(h) FILTER (WHERE cans_subst AND c_ev)             AS access_k,
       count(*) FILTER (WHERE cans_subst AND ev_sud)         AS access_n,
       sum(mspss_total)                                      AS mspss_sum,
       count(mspss_total)                                    AS mspss_n,
       sum(n_goals_closed)                                   AS goals_den,
       sum(n_goals_met)                                      AS goals_n,
       count(urica_stage)                                    AS urica_den,
       sum(h) FILTER (WHERE urica_stage IS NOT NULL)         AS urica_k,
       count(*) FILTER (WHERE urica_stage = 'precontemplation')   AS urica_pc,
       count(*) FILTER (WHERE urica_stage = 'contemplation')      AS urica_c,
       count(*) FILTER (WHERE urica_stage = 'preparation_action') AS urica_pa,
       count(*) FILTER (WHERE urica_stage = 'maintenance')        AS urica_m
FROM f
JOIN t_pc pc USING (person_id)
GROUP BY pc.combo_id;

-- Spread the combinations over the strata (person -> strata mapping) and sum,
-- per county and statewide.
DROP TABLE IF EXISTS pg_temp.t_agg;
CREATE TEMP TABLE t_agg ON COMMIT DROP AS
SELECT coalesce(m.county_n, 6000) AS county_n, st.stratum_n,
       sum(in_n) AS in_n, sum(in_k) AS in_k, sum(newly_n) AS newly_n, sum(self_n) AS self_n,
       sum(ev_n) AS ev_n, sum(ev_k) AS ev_k,
       sum(exploit_n) AS exploit_n, sum(homeless_n) AS homeless_n, sum(hosp_n) AS hosp_n,
       sum(crisis_n) AS crisis_n, sum(mhs_n) AS mhs_n, sum(extra_n) AS extra_n, sum(dual_n) AS dual_n,
       sum(arrest_n) AS arrest_n, sum(detention_n) AS detention_n, sum(parent_n) AS parent_n,
       sum(repro_n) AS repro_n, sum(sti_n) AS sti_n, sum(support_n) AS support_n,
       sum(victim_n) AS victim_n, sum(injury_n) AS injury_n, sum(injury_treated_n) AS injury_treated_n,
       sum(maltreat_n) AS maltreat_n, sum(pl_ev_days) AS pl_ev_days, sum(pl_ev_k) AS pl_ev_k,
       sum(moves_n) AS moves_n, sum(pl_days) AS pl_days, sum(pl_k) AS pl_k,
       sum(abs_n) AS abs_n, sum(pl_ab_days) AS pl_ab_days, sum(pl_ab_k) AS pl_ab_k,
       sum(ret_den) AS ret_den, sum(ret_n) AS ret_n,
       sum(sd_den) AS sd_den, sum(sd_k) AS sd_k, sum(sd_n) AS sd_n,
       sum(exam_den) AS exam_den, sum(exam_k) AS exam_k, sum(medical_n) AS medical_n, sum(dental_n) AS dental_n,
       sum(school_den) AS school_den, sum(school_k) AS school_k, sum(enrolled_n) AS enrolled_n,
       sum(att_n) AS att_n, sum(att_den) AS att_den, sum(att_persons) AS att_persons,
       sum(adult_den) AS adult_den, sum(adult_k) AS adult_k, sum(diploma_n) AS diploma_n,
       sum(a16_den) AS a16_den, sum(a16_k) AS a16_k, sum(employ_n) AS employ_n, sum(docs_n) AS docs_n,
       sum(voice_sum) AS voice_sum, sum(voice_n) AS voice_n,
       sum(cans_den) AS cans_den, sum(cans_k) AS cans_k, sum(need_n) AS need_n, sum(need_k) AS need_k,
       sum(access_den) AS access_den, sum(access_k) AS access_k, sum(access_n) AS access_n,
       sum(mspss_sum) AS mspss_sum, sum(mspss_n) AS mspss_n,
       sum(goals_den) AS goals_den, sum(goals_n) AS goals_n,
       sum(urica_den) AS urica_den, sum(urica_k) AS urica_k, sum(urica_pc) AS urica_pc,
       sum(urica_c) AS urica_c, sum(urica_pa) AS urica_pa, sum(urica_m) AS urica_m
FROM t_combo c
JOIN t_cmb m USING (combo_id)
CROSS JOIN LATERAL unnest(m.strata) AS st (stratum_n)
GROUP BY GROUPING SETS ((m.county_n, st.stratum_n), (st.stratum_n));

-- One row per county x measure x category x stratum (all of them, with or
-- without persons): numerator, denominator, persons (mean-like measures) and
-- the keys of the counts that several measures publish (the in-scope
-- population, placement days, ...): a key identifies the set of persons (or
-- person-days) a count is made of (NULL for counts that are not shared; an
-- empty set gets the key of the measure's `all` set in the county when the
-- cells are written). suppress.sql uses the keys to suppress a shared count
-- everywhere it is published.
DROP TABLE IF EXISTS pg_temp.t_val;
CREATE TEMP TABLE t_val ON COMMIT DROP AS
SELECT f.county_n, f.stratum_n, f.is_all, v.measure, v.category,
       v.num::numeric AS num, v.den::numeric AS den, v.persons::numeric AS persons,
       v.num_k::bigint AS num_k, v.den_k::bigint AS den_k
FROM (SELECT g.county_n, s.ord AS stratum_n, s.stratification = 'all' AS is_all
      FROM (SELECT fips::integer AS county_n FROM ref.county UNION ALL SELECT 6000) AS g
      CROSS JOIN ref.stratum s) AS f
LEFT JOIN t_agg a ON a.county_n = f.county_n AND a.stratum_n = f.stratum_n
CROSS JOIN LATERAL (VALUES
    ('population_in_scope',            '', a.in_n,        NULL,         NULL::numeric, coalesce(a.in_k, 0),   NULL),
    ('population_newly_identified',    '', a.newly_n,     NULL,         NULL,          NULL,     NULL),
    ('race_self_reported_share',       '', a.self_n,      a.in_n,       NULL,          NULL,     coalesce(a.in_k, 0)),
    ('safety_exploitation_incident',   '', a.exploit_n,   a.ev_n,       NULL,          NULL,     coalesce(a.ev_k, 0)),
    ('safety_maltreatment_in_care',    '', a.maltreat_n,  a.pl_ev_days, NULL,          NULL,     coalesce(a.pl_ev_k, 0)),
    ('safety_homelessness',            '', a.homeless_n,  a.ev_n,       NULL,          NULL,     coalesce(a.ev_k, 0)),
    ('health_hospitalization',         '', a.hosp_n,      a.ev_n,       NULL,          NULL,     coalesce(a.ev_k, 0)),
    ('health_injury_treated',          '', a.injury_treated_n, a.injury_n, NULL,       NULL,     NULL),
    ('mental_crisis',                  '', a.crisis_n,    a.ev_n,       NULL,          NULL,     coalesce(a.ev_k, 0)),
    ('mental_service_access',          '', a.mhs_n,       a.ev_n,       NULL,          NULL,     coalesce(a.ev_k, 0)),
    ('placement_moves',                '', a.moves_n,     a.pl_days,    NULL,          NULL,     coalesce(a.pl_k, 0)),
    ('placement_absences',             '', a.abs_n,       a.pl_ab_days, NULL,          NULL,     coalesce(a.pl_ab_k, 0)),
    ('placement_return_same_caregiver','', a.ret_n,       a.ret_den,    NULL,          NULL,     NULL),
    ('placement_step_down',            '', a.sd_n,        a.sd_den,     NULL,          NULL,     coalesce(a.sd_k, 0)),
    ('care_medical_exam',              '', a.medical_n,   a.exam_den,   NULL,          NULL,     coalesce(a.exam_k, 0)),
    ('care_dental_exam',               '', a.dental_n,    a.exam_den,   NULL,          NULL,     coalesce(a.exam_k, 0)),
    ('education_enrolled',             '', a.enrolled_n,  a.school_den, NULL,          NULL,     coalesce(a.school_k, 0)),
    ('education_attendance_rate',      '', a.att_n,       a.att_den,    a.att_persons, NULL,     NULL),
    ('education_diploma',              '', a.diploma_n,   a.adult_den,  NULL,          NULL,     coalesce(a.adult_k, 0)),
    ('workforce_employment',           '', a.employ_n,    a.a16_den,    NULL,          NULL,     coalesce(a.a16_k, 0)),
    ('workforce_extracurricular',      '', a.extra_n,     a.ev_n,       NULL,          NULL,     coalesce(a.ev_k, 0)),
    ('agency_vital_documents',         '', a.docs_n,      a.a16_den,    NULL,          NULL,     coalesce(a.a16_k, 0)),
    ('agency_sense_of_control',        '', a.voice_sum,   a.voice_n,    a.voice_n,     NULL,     NULL),
    ('substance_actionable_need',      '', a.need_n,      a.cans_den,   NULL,          coalesce(a.need_k, 0), coalesce(a.cans_k, 0)),
    ('substance_treatment_access',     '', a.access_n,    a.access_den, NULL,          NULL,     coalesce(a.access_k, 0)),
    ('legal_dual_status',              '', a.dual_n,      a.ev_n,       NULL,          NULL,     coalesce(a.ev_k, 0)),
    ('legal_victim_witness',           '', a.victim_n,    NULL,         NULL,          NULL,     NULL),
    ('risk_arrest',                    '', a.arrest_n,    a.ev_n,       NULL,          NULL,     coalesce(a.ev_k, 0)),
    ('risk_detention',                 '', a.detention_n, a.ev_n,       NULL,          NULL,     coalesce(a.ev_k, 0)),
    ('parent_parenting',               '', a.parent_n,    a.ev_n,       NULL,          NULL,     coalesce(a.ev_k, 0)),
    ('sexual_health_visit',            '', a.repro_n,     a.ev_n,       NULL,          NULL,     coalesce(a.ev_k, 0)),
    ('sexual_health_sti',              '', a.sti_n,       a.ev_n,       NULL,          NULL,     coalesce(a.ev_k, 0)),
    ('relationships_supportive_adult', '', a.support_n,   a.ev_n,       NULL,          NULL,     coalesce(a.ev_k, 0)),
    ('relationships_social_support',   '', a.mspss_sum,   a.mspss_n,    a.mspss_n,     NULL,     NULL),
    ('progress_goals_met',             '', a.goals_n,     a.goals_den,  NULL,          NULL,     NULL),
    ('progress_readiness_stage', 'precontemplation',   a.urica_pc, a.urica_den, NULL,  NULL,     coalesce(a.urica_k, 0)),
    ('progress_readiness_stage', 'contemplation',      a.urica_c,  a.urica_den, NULL,  NULL,     coalesce(a.urica_k, 0)),
    ('progress_readiness_stage', 'preparation_action', a.urica_pa, a.urica_den, NULL,  NULL,     coalesce(a.urica_k, 0)),
    ('progress_readiness_stage', 'maintenance',        a.urica_m,  a.urica_den, NULL,  NULL,     coalesce(a.urica_k, 0))
) AS v (measure, category, num, den, persons, num_k, den_k);

-- Incremental measures per county and statewide. Units are first counted
-- per measure, combination of strata and change value (a histogram), the
-- histogram is spread over the strata and the state, and the median change
-- is read off the running count: the middle value, or the mean of the two
-- middle values when the count is even.
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
), r AS (
    -- the rank of each change value within its measure (NULLs last)
    SELECT h0.*, dense_rank() OVER (PARTITION BY h0.measure_n ORDER BY h0.change)::integer AS rk
    FROM h0
), hc AS (
    -- spread over the strata, per county; the state sums the counties (two
    -- hash aggregates rather than sorting ~700,000 rows for grouping sets;
    -- counts as integer, cheaper to sum than numeric)
    SELECT cm.county_n, st.stratum_n, r.measure_n, r.rk, min(r.change) AS change,
           sum(r.n)::integer AS n, sum(r.improved)::integer AS improved,
           sum(r.unchanged)::integer AS unchanged, sum(r.worse)::integer AS worse
    FROM r
    JOIN t_cmb cm USING (combo_id)
    CROSS JOIN LATERAL unnest(cm.strata) AS st (stratum_n)
    GROUP BY cm.county_n, st.stratum_n, r.measure_n, r.rk
), h AS (
    SELECT * FROM hc
    UNION ALL
    SELECT 6000, stratum_n, measure_n, rk, min(change), sum(n)::integer, sum(improved)::integer,
           sum(unchanged)::integer, sum(worse)::integer
    FROM hc
    GROUP BY stratum_n, measure_n, rk
), c AS (
    SELECT h.*,
           sum(h.n) OVER (PARTITION BY h.county_n, h.stratum_n, h.measure_n ORDER BY h.rk
                          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS upto,
           sum(h.n) OVER (PARTITION BY h.county_n, h.stratum_n, h.measure_n) AS total
    FROM h
), g AS (
    SELECT c.county_n, c.stratum_n, c.measure_n,
           sum(c.n)          AS compared,
           sum(c.improved)   AS improved,
           sum(c.unchanged)  AS unchanged,
           sum(c.worse)      AS worse,
           (min(c.change) FILTER (WHERE c.upto >= (c.total + 1) / 2)
            + min(c.change) FILTER (WHERE c.upto >= (c.total + 2) / 2)) / 2 AS median_change
    FROM c
    GROUP BY c.county_n, c.stratum_n, c.measure_n
)
SELECT m.code AS measure, g.county_n, g.stratum_n, g.compared::numeric AS compared,
       g.improved::numeric AS improved, g.unchanged::numeric AS unchanged, g.worse::numeric AS worse,
       g.median_change
FROM g
JOIN ref.measure m ON m.ord = g.measure_n;

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
