-- Indicator engine, part 0: rebuilds the person index (schema person_index,
-- 0010_person_index.sql) from the current extracts. None of it depends on the
-- period, so IndicatorEngine runs this only when the current extracts have
-- changed since the last build, in a transaction of its own before it
-- computes:
--     BEGIN ISOLATION LEVEL REPEATABLE READ;
--     SET LOCAL ROLE outcomes_compute;
--     LOCK TABLE person_index.state IN EXCLUSIVE MODE;  -- one rebuild at a time
--     SELECT person_index.is_current();                 -- false: run this file
-- (the lock comes before the first read, so a second rebuild that waited for
-- it sees the first one's index as current). All statements read one
-- snapshot, so the index and its state row agree; rows are deleted, not
-- truncated, so that a computation still reading the previous index keeps
-- seeing it (TRUNCATE would empty it under an older snapshot).
--
-- The rules (which records are one person, which record of a person gives
-- the demographics, which of two reports of one episode, absence or term is
-- kept) are the engine's; the header of inputs.sql lists them all, and this
-- file applies the first and the last of them.
-- Dropping duplicates before the period's filters instead of after them
-- keeps the same rows: each rule's key includes the date the period filters
-- on (placements: started_on, absences: left_on, school terms: term_start,
-- assessments: administered_on, stages of change: assessed_on). Events and
-- goals are kept as each agency reported them: facts.sql counts an event
-- that two agencies reported once, and each agency's goals are its own.

SET LOCAL client_min_messages = warning;
SET LOCAL work_mem = '128MB';
SET LOCAL jit = off;

DELETE FROM person_index.state;
DELETE FROM person_index.record;
DELETE FROM person_index.person;
DELETE FROM person_index.flag;
DELETE FROM person_index.placement;
DELETE FROM person_index.absence;
DELETE FROM person_index.school_term;
DELETE FROM person_index.event;
DELETE FROM person_index.assessment;
DELETE FROM person_index.stage_of_change;
DELETE FROM person_index.goal;

INSERT INTO person_index.record (extract_id, youth_hash, agency_id, agency_code, person_id)
SELECT y.extract_id, y.youth_hash, ce.agency_id, a.code,
       dense_rank() OVER (ORDER BY y.county_fips,
                                   (CASE WHEN y.linkage_hash IS NOT NULL THEN 'L:' || y.linkage_hash
                                         ELSE 'A:' || ce.agency_id || ':' || y.youth_hash END) COLLATE "C")::integer
FROM core.youth y
JOIN core.current_extract ce USING (extract_id)
JOIN core.agency a ON a.id = ce.agency_id;
ANALYZE person_index.record;

INSERT INTO person_index.person
SELECT DISTINCT ON (r.person_id)
       r.person_id, y.county_fips, y.birth_month, y.gender, y.race_categories, y.race_source,
       bool_or('placements.csv' = ANY (ce.files)) OVER w,
       bool_or('absences.csv' = ANY (ce.files)) OVER w,
       bool_or('events.csv' = ANY (ce.files)) OVER w,
       bool_or('school_terms.csv' = ANY (ce.files)) OVER w,
       bool_or('assessments.csv' = ANY (ce.files)) OVER w,
       bool_or('stages_of_change.csv' = ANY (ce.files)) OVER w,
       bool_or('goals.csv' = ANY (ce.files)) OVER w
FROM person_index.record r
JOIN core.youth y USING (extract_id, youth_hash)
JOIN core.current_extract ce USING (extract_id)
WINDOW w AS (PARTITION BY r.person_id)
ORDER BY r.person_id, CASE y.race_source WHEN 'self' THEN 0 WHEN 'observed' THEN 1 ELSE 2 END,
         r.agency_code, r.youth_hash;

INSERT INTO person_index.flag
SELECT r.person_id, k.rank, f.flagged_on, f.resolved_on
FROM core.cse_flag f
JOIN person_index.record r USING (extract_id, youth_hash)
JOIN ref.code k ON k.list = 'flag' AND k.code = f.flag;

INSERT INTO person_index.placement
SELECT DISTINCT ON (r.person_id, pl.started_on)
       r.person_id, pl.started_on, pl.ended_on, pl.setting, k.rank
FROM core.placement pl
JOIN person_index.record r USING (extract_id, youth_hash)
LEFT JOIN ref.code k ON k.list = 'setting' AND k.code = pl.setting
ORDER BY r.person_id, pl.started_on, pl.ended_on DESC NULLS FIRST, r.agency_code, pl.rec;

INSERT INTO person_index.absence
SELECT DISTINCT ON (r.person_id, a.left_on)
       r.person_id, a.left_on, a.returned_on, a.returned_to_same_caregiver
FROM core.absence a
JOIN person_index.record r USING (extract_id, youth_hash)
ORDER BY r.person_id, a.left_on, a.returned_on IS NULL, a.returned_to_same_caregiver IS NULL,
         r.agency_code, a.rec;

INSERT INTO person_index.school_term
SELECT DISTINCT ON (r.person_id, s.term_start, s.term_end)
       r.person_id, s.term_start, s.term_end, s.days_enrolled, s.days_attended, s.credits_earned
FROM core.school_term s
JOIN person_index.record r USING (extract_id, youth_hash)
ORDER BY r.person_id, s.term_start, s.term_end, r.agency_code, s.rec;

INSERT INTO person_index.event
SELECT r.person_id, r.agency_id, k.ord, ev.occurred_on, ev.detail
FROM core.event ev
JOIN person_index.record r USING (extract_id, youth_hash)
JOIN ref.code k ON k.list = 'event' AND k.code = ev.event;

INSERT INTO person_index.assessment
SELECT DISTINCT ON (r.person_id, s.instrument, s.administered_on)
       r.person_id, s.instrument, s.administered_on, s.mspss_total, s.copse_total, s.urica_readiness,
       s.cans_behavioral_items, s.cans_behavioral_actionable, s.cans_substance_actionable,
       s.voice_sense_of_control
FROM core.assessment_score s
JOIN person_index.record r USING (extract_id, youth_hash)
ORDER BY r.person_id, s.instrument, s.administered_on,
         coalesce(s.mspss_total, s.copse_total, s.urica_readiness, s.voice_sense_of_control,
                  s.cans_behavioral_items) IS NULL,
         r.agency_code;

-- (in the order progress.sql compares them in, which spares its sort most of
-- the work)
INSERT INTO person_index.stage_of_change
SELECT DISTINCT ON (r.person_id, s.behavior, s.assessed_on)
       r.person_id, s.behavior, s.assessed_on, s.stage
FROM core.stage_of_change s
JOIN person_index.record r USING (extract_id, youth_hash)
ORDER BY r.person_id, s.behavior, s.assessed_on, r.agency_code, s.rec;

INSERT INTO person_index.goal
SELECT r.person_id, g.status, g.status_on
FROM core.goal g
JOIN person_index.record r USING (extract_id, youth_hash);

INSERT INTO person_index.state (extracts, built_at)
SELECT coalesce(array_agg(extract_id ORDER BY extract_id), '{}'), now()
FROM core.current_extract;

ANALYZE person_index.person, person_index.flag, person_index.placement, person_index.absence,
        person_index.school_term, person_index.event, person_index.assessment, person_index.stage_of_change,
        person_index.goal;
