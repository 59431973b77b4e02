-- Instrument scores are worked out once per administration, when its extract
-- is accepted, instead of in every computation.
--
-- An accepted extract never changes (0006 keeps extracts as history), so the
-- scores of its administrations never change either. Scoring read all item
-- rows of every current extract (about 60% of all record rows) and took a
-- third of each period's computation; a run of eight trend quarters scored
-- the same administrations eight times.
--
--  * core.assessment_scored: the scoring rules of 0003 (completeness, URICA
--    readiness from item sums, CANS actionable items), now over every extract;
--  * core.assessment_score: its rows, one per administration, written by
--    core.score_assessments(extract) in the transaction that accepts the
--    extract (SQL/ingest/accept.sql);
--  * core.current_assessment_score: the same columns as before, now read from
--    the stored scores of the current extracts.

CREATE VIEW core.assessment_scored WITH (security_invoker = true) AS
WITH item AS (
    SELECT instrument, item,
           CASE WHEN instrument = 'MSPSS' THEN
                     CASE subscale WHEN 'significant_other' THEN 1 WHEN 'family' THEN 2
                                   WHEN 'friends' THEN 3 END
                WHEN instrument = 'URICA' THEN
                     CASE subscale WHEN 'precontemplation' THEN 4 WHEN 'contemplation' THEN 5
                                   WHEN 'action' THEN 6 WHEN 'maintenance' THEN 7 ELSE 0 END
                WHEN instrument = 'VOICE' AND item = 'sense_of_control' THEN 11
                ELSE 0 END AS slot
    FROM ref.instrument_item
), adm AS (
    SELECT a.extract_id, a.agency_id, a.youth_hash, a.instrument, a.administered_on,
           count(*)                                                   AS items,
           count(i.slot)                                              AS known_items,
           count(*) FILTER (WHERE i.slot BETWEEN 4 AND 7)             AS urica_scored_items,
           sum(a.score) FILTER (WHERE i.slot IS NOT NULL)             AS known_sum,
           sum(a.score) FILTER (WHERE i.slot = 1)                     AS s_so,
           sum(a.score) FILTER (WHERE i.slot = 2)                     AS s_fa,
           sum(a.score) FILTER (WHERE i.slot = 3)                     AS s_fr,
           sum(a.score) FILTER (WHERE i.slot = 4)                     AS s_pc,
           sum(a.score) FILTER (WHERE i.slot = 5)                     AS s_c,
           sum(a.score) FILTER (WHERE i.slot = 6)                     AS s_a,
           sum(a.score) FILTER (WHERE i.slot = 7)                     AS s_m,
           count(*) FILTER (WHERE c.slot = 8)                         AS cans_behavioral_items,
           count(*) FILTER (WHERE c.slot = 8 AND ref.cans_actionable(a.score))      AS cans_behavioral_actionable,
           count(*) FILTER (WHERE c.slot = 9)                         AS cans_substance_items,
           count(*) FILTER (WHERE c.slot = 9 AND ref.cans_actionable(a.score))      AS cans_substance_actionable,
           count(*) FILTER (WHERE c.slot = 10 AND ref.cans_usable_strength(a.score)) AS cans_strengths_usable,
           max(a.score) FILTER (WHERE i.slot = 11)                    AS voice_sense_of_control
    FROM core.assessment a
    LEFT JOIN item i ON i.instrument = a.instrument AND i.item = a.item
    CROSS JOIN LATERAL (
        SELECT CASE WHEN a.instrument <> 'CANS' THEN NULL
                    WHEN a.item LIKE 'behavioral.%' THEN 8
                    WHEN a.item LIKE 'substance.%' THEN 9
                    WHEN a.item LIKE 'strengths.%' THEN 10 END AS slot
    ) AS c
    GROUP BY a.extract_id, a.agency_id, a.youth_hash, a.instrument, a.administered_on
)
SELECT extract_id, agency_id, youth_hash, instrument, administered_on, items,
       CASE WHEN instrument = 'MSPSS' AND known_items = 12 THEN known_sum / 12 END AS mspss_total,
       CASE WHEN instrument = 'MSPSS' AND known_items = 12 THEN s_so / 4 END       AS mspss_significant_other,
       CASE WHEN instrument = 'MSPSS' AND known_items = 12 THEN s_fa / 4 END       AS mspss_family,
       CASE WHEN instrument = 'MSPSS' AND known_items = 12 THEN s_fr / 4 END       AS mspss_friends,
       CASE WHEN instrument = 'MSPSS' AND known_items = 12 THEN ref.mspss_band(known_sum / 12) END
                                                                                   AS mspss_band,
       CASE WHEN instrument = 'COPSE' AND known_items = 26 THEN known_sum END      AS copse_total,
       CASE WHEN instrument = 'URICA' AND urica_scored_items = 28 THEN s_pc / 7 END AS urica_precontemplation,
       CASE WHEN instrument = 'URICA' AND urica_scored_items = 28 THEN s_c / 7 END  AS urica_contemplation,
       CASE WHEN instrument = 'URICA' AND urica_scored_items = 28 THEN s_a / 7 END  AS urica_action,
       CASE WHEN instrument = 'URICA' AND urica_scored_items = 28 THEN s_m / 7 END  AS urica_maintenance,
       CASE WHEN instrument = 'URICA' AND urica_scored_items = 28
            THEN (s_c + s_a + s_m - s_pc) / 7 END                                  AS urica_readiness,
       CASE WHEN instrument = 'URICA' AND urica_scored_items = 28
            THEN ref.urica_stage((s_c + s_a + s_m - s_pc) / 7) END                 AS urica_stage,
       CASE WHEN instrument = 'CANS' THEN cans_behavioral_items END                AS cans_behavioral_items,
       CASE WHEN instrument = 'CANS' THEN cans_behavioral_actionable END           AS cans_behavioral_actionable,
       CASE WHEN instrument = 'CANS' THEN cans_substance_items END                 AS cans_substance_items,
       CASE WHEN instrument = 'CANS' THEN cans_substance_actionable END            AS cans_substance_actionable,
       CASE WHEN instrument = 'CANS' THEN cans_strengths_usable END                AS cans_strengths_usable,
       CASE WHEN instrument = 'VOICE' THEN voice_sense_of_control END              AS voice_sense_of_control
FROM adm;

CREATE TABLE core.assessment_score (
    extract_id                 bigint NOT NULL,
    agency_id                  integer NOT NULL,
    youth_hash                 text NOT NULL,
    instrument                 text NOT NULL,
    administered_on            date NOT NULL,
    items                      integer NOT NULL,
    mspss_total                numeric,
    mspss_significant_other    numeric,
    mspss_family               numeric,
    mspss_friends              numeric,
    mspss_band                 text,
    copse_total                numeric,
    urica_precontemplation     numeric,
    urica_contemplation        numeric,
    urica_action               numeric,
    urica_maintenance          numeric,
    urica_readiness            numeric,
    urica_stage                text,
    cans_behavioral_items      integer,
    cans_behavioral_actionable integer,
    cans_substance_items       integer,
    cans_substance_actionable  integer,
    cans_strengths_usable      integer,
    voice_sense_of_control     numeric,
    PRIMARY KEY (extract_id, youth_hash, instrument, administered_on)
);

-- Guarded like the record tables (0006): an ingest session writes and reads
-- only its own agency's rows, under its own agency's extracts; the compute
-- role reads every row.
ALTER TABLE core.assessment_score ENABLE ROW LEVEL SECURITY;
CREATE POLICY ingest_own_agency ON core.assessment_score TO outcomes_ingest
    USING (agency_id = (SELECT core.session_agency()))
    WITH CHECK (agency_id = (SELECT core.session_agency())
                AND extract_id IN (SELECT e.id FROM core.extract e
                                   WHERE e.agency_id = (SELECT core.session_agency())));
CREATE POLICY compute_reads_all ON core.assessment_score FOR SELECT TO outcomes_compute USING (true);
GRANT SELECT ON core.assessment_score TO outcomes_compute;
GRANT SELECT, INSERT ON core.assessment_score TO outcomes_ingest;

-- Scores the administrations of one extract. Called by the ingest that
-- accepts it, after its assessments were written and checked.
CREATE FUNCTION core.score_assessments(of_extract bigint) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO core.assessment_score
    SELECT * FROM core.assessment_scored WHERE extract_id = of_extract;
$$;
GRANT SELECT ON core.assessment_scored TO outcomes_ingest;
GRANT EXECUTE ON FUNCTION core.score_assessments(bigint) TO outcomes_ingest;

-- Administrations of the agencies' current extracts, with the columns 0003 gave them.
DROP VIEW core.current_assessment_score;
CREATE VIEW core.current_assessment_score WITH (security_invoker = true) AS
SELECT s.extract_id, s.youth_hash, s.instrument, s.administered_on, s.items,
       s.mspss_total, s.mspss_significant_other, s.mspss_family, s.mspss_friends, s.mspss_band,
       s.copse_total, s.urica_precontemplation, s.urica_contemplation, s.urica_action,
       s.urica_maintenance, s.urica_readiness, s.urica_stage, s.cans_behavioral_items,
       s.cans_behavioral_actionable, s.cans_substance_items, s.cans_substance_actionable,
       s.cans_strengths_usable, s.voice_sense_of_control
FROM core.assessment_score s
JOIN core.current_extract ce ON ce.extract_id = s.extract_id;
GRANT SELECT ON core.current_assessment_score TO outcomes_compute;

-- Extracts accepted before this migration.
INSERT INTO core.assessment_score
SELECT s.* FROM core.assessment_scored s
JOIN core.extract e ON e.id = s.extract_id AND e.status = 'accepted';
ANALYZE core.assessment_score;
