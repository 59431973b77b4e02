-- Copies the records whose cells passed validate.sql from the staging tables
-- into the record tables, and checks the rules across assessment records
-- (last, so that an extract with any problem never has its assessments
-- written or scored).
--
-- Runs in the same transaction as validate.sql, acting as outcomes_ingest,
-- after the extract's row was written, inside a savepoint: when any problem
-- was found (here or before), the ingest rolls back to the savepoint and the
-- extract is recorded as rejected, so none of these rows is kept. Records with
-- a problem (in pg_temp.ingest_issue) are left out, so plain casts are safe;
-- only the assessments keep theirs, for the rules across their records (below). Cells
-- arrive trimmed by the loader, an empty one as NULL (see validate.sql), so they
-- are cast and stored as staged, never trimmed here. Codes are stored in their
-- canonical spelling; identifiers are already keyed hashes.
-- Session settings: outcomes.agency_id, outcomes.extract_id (each read once per
-- statement, as a sub-select, not once per row).

-- Multi-value cells are parsed once per distinct value (a county's youth share few race answers;
-- MATERIALIZED keeps the parsing in the CTE instead of letting it be pulled up to every row).
WITH race AS MATERIALIZED (
    SELECT race_ethnicity, ingest.race_categories(race_ethnicity) AS categories,
           ingest.race_details(race_ethnicity) AS details
    FROM (SELECT DISTINCT race_ethnicity FROM pg_temp.stage_youth) d
)
INSERT INTO core.youth (extract_id, agency_id, rec, youth_hash, linkage_hash, county_fips, birth_month, gender,
                        race_categories, race_details, race_source)
SELECT (SELECT current_setting('outcomes.extract_id')::bigint), (SELECT core.session_agency()), rec,
       youth_key, linkage_id, county_fips, (birth_month || '-01')::date, lower(gender),
       r.categories, r.details, lower(race_source)
FROM pg_temp.stage_youth s
JOIN race r USING (race_ethnicity)
WHERE NOT EXISTS (SELECT FROM pg_temp.ingest_issue b WHERE b.file = 'youth.csv' AND b.rec = s.rec);

-- An empty cell (NULL) joins no row of `types`: no types.
WITH types AS MATERIALIZED (
    SELECT exploitation_types,
           (SELECT array_agg(lower(v) ORDER BY lower(v))
            FROM unnest(ingest.split_values(exploitation_types)) v) AS sorted
    FROM (SELECT DISTINCT exploitation_types FROM pg_temp.stage_cse_flags) d
)
INSERT INTO core.cse_flag (extract_id, agency_id, rec, youth_hash, flag, flagged_on, basis, exploitation_types,
                           incident_on, last_occurrence_on, resolved_on)
SELECT (SELECT current_setting('outcomes.extract_id')::bigint), (SELECT core.session_agency()), rec,
       youth_key, lower(flag), flagged_on::date, lower(basis), coalesce(t.sorted, '{}'),
       incident_on::date, last_occurrence_on::date, resolved_on::date
FROM pg_temp.stage_cse_flags s
LEFT JOIN types t USING (exploitation_types)
WHERE NOT EXISTS (SELECT FROM pg_temp.ingest_issue b WHERE b.file = 'cse_flags.csv' AND b.rec = s.rec);

INSERT INTO core.placement (extract_id, agency_id, rec, youth_hash, started_on, ended_on, setting, end_reason)
SELECT (SELECT current_setting('outcomes.extract_id')::bigint), (SELECT core.session_agency()), rec,
       youth_key, started_on::date, ended_on::date, lower(setting), lower(end_reason)
FROM pg_temp.stage_placements s
WHERE NOT EXISTS (SELECT FROM pg_temp.ingest_issue b WHERE b.file = 'placements.csv' AND b.rec = s.rec);

INSERT INTO core.absence (extract_id, agency_id, rec, youth_hash, left_on, returned_on, returned_to_same_caregiver)
SELECT (SELECT current_setting('outcomes.extract_id')::bigint), (SELECT core.session_agency()), rec,
       youth_key, left_on::date, returned_on::date,
       CASE lower(returned_to_same_caregiver) WHEN 'yes' THEN true WHEN 'no' THEN false END
FROM pg_temp.stage_absences s
WHERE NOT EXISTS (SELECT FROM pg_temp.ingest_issue b WHERE b.file = 'absences.csv' AND b.rec = s.rec);

INSERT INTO core.event (extract_id, agency_id, rec, youth_hash, event, occurred_on, detail)
SELECT (SELECT current_setting('outcomes.extract_id')::bigint), (SELECT core.session_agency()), rec,
       youth_key, lower(event), occurred_on::date, lower(detail)
FROM pg_temp.stage_events s
WHERE NOT EXISTS (SELECT FROM pg_temp.ingest_issue b WHERE b.file = 'events.csv' AND b.rec = s.rec);

INSERT INTO core.school_term (extract_id, agency_id, rec, youth_hash, term_start, term_end, days_enrolled,
                              days_attended, credits_earned)
SELECT (SELECT current_setting('outcomes.extract_id')::bigint), (SELECT core.session_agency()), rec,
       youth_key, term_start::date, term_end::date, days_enrolled::integer, days_attended::integer,
       credits_earned::numeric
FROM pg_temp.stage_school_terms s
WHERE NOT EXISTS (SELECT FROM pg_temp.ingest_issue b WHERE b.file = 'school_terms.csv' AND b.rec = s.rec);

INSERT INTO core.stage_of_change (extract_id, agency_id, rec, youth_hash, assessed_on, behavior, stage)
SELECT (SELECT current_setting('outcomes.extract_id')::bigint), (SELECT core.session_agency()), rec,
       youth_key, assessed_on::date, lower(behavior), lower(stage)
FROM pg_temp.stage_stages_of_change s
WHERE NOT EXISTS (SELECT FROM pg_temp.ingest_issue b WHERE b.file = 'stages_of_change.csv' AND b.rec = s.rec);

INSERT INTO core.goal (extract_id, agency_id, rec, youth_hash, goal_id, domain, set_on, status, status_on)
SELECT (SELECT current_setting('outcomes.extract_id')::bigint), (SELECT core.session_agency()), rec,
       youth_key, goal_id, domain::integer, set_on::date, lower(status), status_on::date
FROM pg_temp.stage_goals s
WHERE NOT EXISTS (SELECT FROM pg_temp.ingest_issue b WHERE b.file = 'goals.csv' AND b.rec = s.rec);

-- Assessments are most of an extract's rows. They are cast once, into a
-- session table of this connection (emptied at every commit), then checked,
-- written to core.assessment and scored from there (0011): analysed, that
-- table tells the planner how many rows the extract has, which the statistics
-- of the record table cannot (its extract_id alone is enough, and takes half
-- as long as analysing every column).
-- The rules across records run in one pass (GROUPING SETS): the distinct
-- (instrument, item) and (instrument, score) pairs are judged once each, and
-- an item given twice in one administration is found through a 64-bit hash of
-- (youth, instrument, date, item) seen more than once; only then are the rows
-- grouped on the exact values, so a hash collision can never report a false
-- duplicate. (The judged pairs are MATERIALIZED so their checks are not pushed
-- back onto every row.)
-- A record with a problem takes part too, as in validate.sql's rules across records: a cell that failed is
-- cast as NULL (from pg_temp.checked_assessments), and a rule skips the records whose cells it reads failed,
-- so that a bad date or an unknown youth does not hide a score out of range. Such rows are never written:
-- the table has the columns of core.assessment without its NOT NULL constraints.
CREATE TEMP TABLE IF NOT EXISTS cast_assessments ON COMMIT DELETE ROWS AS
    SELECT * FROM core.assessment WITH NO DATA;

-- The items of an instrument that lists them (ref.instrument_item: MSPSS, COPSE, URICA, VOICE) are codes,
-- matched ignoring case like every code and kept as listed (Belonging is belonging); every other item stays
-- as sent, so that a wrong one is shown as sent and CANS codes meet their own rule (lower-case). Only an
-- item with a capital letter is looked up (about 0.3 s more per 1.4 million rows than none).
INSERT INTO pg_temp.cast_assessments (extract_id, agency_id, rec, youth_hash, instrument, administered_on, item, score)
SELECT (SELECT current_setting('outcomes.extract_id')::bigint), (SELECT core.session_agency()), rec,
       CASE WHEN 'youth_key' <> ALL (failed) THEN youth_key END,
       CASE WHEN 'instrument' <> ALL (failed) THEN upper(instrument) END,
       CASE WHEN 'administered_on' <> ALL (failed) THEN administered_on::date END,
       CASE WHEN 'item' = ANY (failed) THEN NULL
            WHEN lower(item) = item THEN item
            ELSE coalesce((SELECT i.item FROM ref.instrument_item i
                           WHERE i.instrument = upper(s.instrument) AND i.item = lower(s.item)), item) END,
       CASE WHEN 'score' <> ALL (failed) THEN score::numeric END
FROM pg_temp.checked_assessments s;

ANALYZE pg_temp.cast_assessments (extract_id);

WITH seen AS MATERIALIZED (
    SELECT instrument, item, score, GROUPING(item, score, key) AS grouped
    FROM (SELECT instrument, item, score,
                 CASE WHEN num_nulls(youth_hash, instrument, administered_on, item) = 0
                      THEN hash_record_extended(ROW(youth_hash, instrument, administered_on, item), 0) END AS key
          FROM pg_temp.cast_assessments) s
    GROUP BY GROUPING SETS ((instrument, item), (instrument, score), (key))
    HAVING GROUPING(key) = 1 OR (key IS NOT NULL AND count(*) > 1)
),
bad_item AS MATERIALIZED (
    SELECT d.instrument, d.item,
           CASE WHEN i.item_pattern IS NOT NULL
                THEN 'a ' || i.code || ' item code written domain.item in lower-case letters and _ (e.g. behavioral.depression)'
                ELSE 'an item of ' || i.code || ': '
                     || (SELECT string_agg(item, ', ' ORDER BY ord) FROM ref.instrument_item WHERE instrument = i.code) END
           AS expected
    FROM seen d
    JOIN ref.instrument i ON i.code = d.instrument
    LEFT JOIN ref.instrument_item ii ON ii.instrument = d.instrument AND ii.item = d.item
    WHERE d.grouped = 3  -- the set (instrument, item)
      AND CASE WHEN i.item_pattern IS NOT NULL THEN d.item !~ i.item_pattern ELSE ii.item IS NULL END
),
bad_score AS MATERIALIZED (
    SELECT d.instrument, d.score, 'a score from ' || i.min_score || ' to ' || i.max_score || ' for ' || i.code AS expected
    FROM seen d JOIN ref.instrument i ON i.code = d.instrument
    WHERE d.grouped = 5  -- the set (instrument, score)
      AND d.score NOT BETWEEN i.min_score AND i.max_score
),
repeated AS MATERIALIZED (
    SELECT youth_hash, instrument, administered_on, item, min(rec) AS first_rec
    FROM pg_temp.cast_assessments
    WHERE num_nulls(youth_hash, instrument, administered_on, item) = 0
    GROUP BY youth_hash, instrument, administered_on, item HAVING count(*) > 1
)
INSERT INTO pg_temp.ingest_issue (file, file_ord, rec, col, col_ord, value, expected)
SELECT p.file, p.file_ord, x.rec, p.col, p.col_ord, x.value, x.expected
FROM (
    SELECT a.rec, 'item' AS col, a.item AS value, b.expected
    FROM pg_temp.cast_assessments a JOIN bad_item b USING (instrument, item)
    UNION ALL
    SELECT a.rec, 'score', a.score::text, b.expected
    FROM pg_temp.cast_assessments a JOIN bad_score b USING (instrument, score)
    UNION ALL
    -- Only when a key was seen twice (usually none): otherwise neither `repeated` is grouped nor
    -- every row sorted for a merge join that finds nothing to join (3.5 s of 1.4 million rows).
    SELECT a.rec, 'item', a.item,
           'each item once per administration (youth, instrument, administered_on); record ' || d.first_rec || ' has it already'
    FROM pg_temp.cast_assessments a JOIN repeated d USING (youth_hash, instrument, administered_on, item)
    WHERE a.rec <> d.first_rec AND EXISTS (SELECT FROM seen WHERE grouped = 6)
) x JOIN ingest.issue_place p ON p.file = 'assessments.csv' AND p.col = x.col;

-- Written and scored only when the extract has no problem at all (it would be rolled back anyway).
INSERT INTO core.assessment
SELECT * FROM pg_temp.cast_assessments
WHERE NOT EXISTS (SELECT FROM pg_temp.ingest_issue);

SELECT core.score_assessments((SELECT current_setting('outcomes.extract_id')::bigint), 'pg_temp.cast_assessments')
WHERE NOT EXISTS (SELECT FROM pg_temp.ingest_issue);
