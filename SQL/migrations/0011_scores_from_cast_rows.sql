-- Instrument scores from the rows an ingest has just cast, not from the
-- record table it wrote them to.
--
-- core.score_assessments(extract) scored an accepted extract by reading its
-- rows back from core.assessment (0007). Those rows are new, so the table's
-- statistics know nothing of them: the function's plan, made for any extract,
-- estimated a few dozen rows where the largest extract of the 100,000-youth
-- demo has 1.4 million, and joined every row to every item of
-- ref.instrument_item in a nested loop (11 s where 2.5 s suffice). A quarter
-- of the whole ingest went to scoring.
--
-- The ingest now casts the assessment rows once into a session table of its
-- own (SQL/ingest/accept.sql), which it may analyse, checks them there, and
-- has them scored from there. The rules stay in one place: the function takes
-- the relation to read, core.assessment by default (the test fixtures, which
-- write record rows directly), and builds its one statement for it, so each
-- call is planned for the relation and the extract at hand. Its rows are in
-- primary-key order, so the index on core.assessment_score is filled from
-- the right instead of at random.
--
-- The view core.assessment_scored held the rules until now; nothing else
-- read it, and it goes.

DROP FUNCTION core.score_assessments(bigint);
DROP VIEW core.assessment_scored;

-- Scores the administrations of one extract, reading its rows (extract_id =
-- of_extract) from item_rows: any relation with the columns of
-- core.assessment. Runs with the caller's privileges (and row-level
-- security).
CREATE FUNCTION core.score_assessments(of_extract bigint, item_rows regclass DEFAULT 'core.assessment')
RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE format($q$
        INSERT INTO core.assessment_score
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
            FROM %s a
            LEFT JOIN item i ON i.instrument = a.instrument AND i.item = a.item
            CROSS JOIN LATERAL (
                SELECT CASE WHEN a.instrument <> 'CANS' THEN NULL
                            WHEN a.item LIKE 'behavioral.%%' THEN 8
                            WHEN a.item LIKE 'substance.%%' THEN 9
                            WHEN a.item LIKE 'strengths.%%' THEN 10 END AS slot
            ) AS c
            WHERE a.extract_id = $1
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
        FROM adm
        ORDER BY extract_id, youth_hash, instrument, administered_on
    $q$, item_rows) USING of_extract;
END
$fn$;
GRANT EXECUTE ON FUNCTION core.score_assessments(bigint, regclass) TO outcomes_ingest;
