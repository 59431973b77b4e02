-- Indicator engine, part 2: the point-in-time measures. Per-person facts,
-- counted per combination of strata, spread over the strata (t_val) and laid
-- out as cells (t_cell).
-- Runs after inputs.sql and events.sql in the same transaction (see inputs.sql
-- for the order and the settings).

SET LOCAL client_min_messages = warning;
SET LOCAL work_mem = '128MB';
SET LOCAL jit = off;

-- ---------------------------------------------------------------------------
-- Events (per person: events.sql's t_ev1)
-- ---------------------------------------------------------------------------
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
FROM t_ev1
JOIN t_p USING (person_id);
ALTER TABLE t_evp ADD PRIMARY KEY (person_id);

-- Counted events (P.start .. P.end + 7 days for treatments) per person, event
-- and day: the largest number any one agency reported (the same event
-- reported by two agencies counts once).
DROP TABLE IF EXISTS pg_temp.t_evx;
CREATE TEMP TABLE t_evx ON COMMIT DROP AS
SELECT person_id, event, occurred_on, max(n)::integer AS n
FROM (SELECT ev.person_id, ev.agency_id, k.code AS event, ev.occurred_on, count(*) AS n
      FROM person_index.event ev
      JOIN ref.code k ON k.list = 'event' AND k.ord = ev.event
      JOIN t_p USING (person_id)
      CROSS JOIN t_period p
      WHERE ev.occurred_on BETWEEN p.p_start AND p.p_end + 7
        AND k.code IN ('victim_witness_testimony', 'injury', 'injury_treated', 'maltreatment_substantiated')
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


-- The latest scores per person. v_as holds one administration per person,
-- instrument and day, so within one instrument the day decides: each "latest"
-- is the largest [day, score] array (a plain aggregate; an ordered one would
-- sort every person's rows once per score).
DROP TABLE IF EXISTS pg_temp.t_asp;
CREATE TEMP TABLE t_asp ON COMMIT DROP AS
SELECT x.person_id, x.voice_score, x.mspss_total, x.cans_any, x.cans_subst,
       CASE WHEN x.urica_readiness IS NOT NULL THEN ref.urica_stage(x.urica_readiness) END AS urica_stage
FROM (SELECT a.person_id,
             (max(ARRAY[a.administered_on - p.p_end, a.voice_sense_of_control])
                  FILTER (WHERE a.instrument = 'VOICE' AND a.voice_sense_of_control IS NOT NULL
                            AND a.administered_on >= p.p_start))[2]                 AS voice_score,
             (max(ARRAY[a.administered_on - p.p_end, a.mspss_total])
                  FILTER (WHERE a.mspss_total IS NOT NULL AND a.administered_on >= p.p_start))[2] AS mspss_total,
             coalesce(bool_or(a.instrument = 'CANS'), false)                        AS cans_any,
             coalesce((max(ARRAY[a.administered_on - p.p_end, a.cans_substance_actionable])
                  FILTER (WHERE a.instrument = 'CANS'))[2] > 0, false)              AS cans_subst,
             -- (a complete URICA has both; the stage is the readiness's)
             (max(ARRAY[a.administered_on - p.p_end, a.urica_readiness])
                  FILTER (WHERE a.urica_readiness IS NOT NULL))[2]                  AS urica_readiness
      FROM v_as a
      CROSS JOIN t_period p
      GROUP BY a.person_id) AS x;
ALTER TABLE t_asp ADD PRIMARY KEY (person_id);

-- ---------------------------------------------------------------------------
-- Goals
-- ---------------------------------------------------------------------------
DROP TABLE IF EXISTS pg_temp.t_gop;
CREATE TEMP TABLE t_gop ON COMMIT DROP AS
SELECT g.person_id,
       count(*)::integer                                 AS n_closed,
       count(*) FILTER (WHERE g.status = 'met')::integer AS n_met
FROM person_index.goal g
JOIN t_p USING (person_id)
CROSS JOIN t_period p
WHERE g.status IN ('met', 'discontinued') AND g.status_on BETWEEN p.p_start AND p.p_end
GROUP BY g.person_id;
ALTER TABLE t_gop ADD PRIMARY KEY (person_id);

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

-- The cells. An empty set takes the key of the measure's `all` set in the
-- county: two zeros are the same count when their populations are the same.
INSERT INTO t_cell (county_n, stratum_n, measure, category, num, den, persons, num_k, den_k)
SELECT v.county_n, v.stratum_n, v.measure, v.category, v.num, v.den, v.persons,
       CASE WHEN v.num = 0 THEN max(v.num_k) FILTER (WHERE v.is_all) OVER w ELSE v.num_k END,
       CASE WHEN v.den = 0 THEN max(v.den_k) FILTER (WHERE v.is_all) OVER w ELSE v.den_k END
FROM t_val v
WINDOW w AS (PARTITION BY v.county_n, v.measure, v.category);
