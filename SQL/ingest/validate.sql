-- Set-based validation of a staged extract.
--
-- Runs inside the ingest transaction, acting as outcomes_ingest, after every
-- CSV file was streamed into pg_temp.stage_<file> (all cells as text, plus the
-- record number `rec`; identifiers already replaced by their keyed hash, or,
-- when they broke the format rule, by '!' and the keyed hash of the cell as a
-- report reads it (so that a report can withhold it where it is shown; '!' alone
-- for a placeholder such as NULL or '.'); beside each column kept as sent,
-- held_<column>: the keyed hashes of the cell's stretches that could be one).
-- Cells arrive trimmed: the loader
-- removes the blanks around every cell (ExtractFormat.blanks) and stages a cell
-- that is empty after that as NULL, so the rules read the staged value as it is
-- (no trim, no test for ''); only case is left to them (lower/upper). Session settings:
--   outcomes.agency_id     the agency uploading
--   outcomes.extracted_on  extract.json's date ('infinity' when extract.json was unusable)
-- Every problem becomes a row of pg_temp.ingest_issue; nothing else is written.
-- The rules on assessments across records run in accept.sql, on the rows as
-- cast, so that largest file is read once more only.

-- The distinct failing values of the file being judged, per column: the records holding one are listed
-- with a join to them, never with the values written into a statement's text, which the server logs
-- when the statement fails (a cancelled ingest, a lost client).
CREATE TEMP TABLE IF NOT EXISTS ingest_failing (col text NOT NULL, value text NOT NULL) ON COMMIT DELETE ROWS;

CREATE TEMP TABLE IF NOT EXISTS ingest_issue (
    file     text NOT NULL,
    file_ord integer NOT NULL,
    rec      integer,
    col      text,
    col_ord  integer,
    value    text,
    expected text NOT NULL,
    other    text  -- the value of another cell that `expected` shows, so that it can be withheld like `value`
) ON COMMIT DELETE ROWS;

-- 1. Cell rules, driven by the format's definition (ref.extract_column): every
--    column's kind, code list, required value and the extracted_on bound for
--    dates. A file's columns hold few distinct values (dates, codes, items), so
--    each distinct value is judged once: one scan per file groups every column
--    (GROUPING SETS, one hash table per column) and the rules run on the
--    distinct values. Only when a value fails is the file scanned again, to list
--    the records holding a failing value with every problem of each.
DO $$
DECLARE
    f record;
    c record;
    bad record;
    grouped text[];     -- per column: the cell as grouped, `key AS g<ord>`
    key text;           -- the column's cell as judged (identifiers: only NULL, '!' or 'ok')
    keys jsonb;         -- per column name: its key
    sets text[];        -- per column: its grouping set
    judged text[];      -- per column: (ord, name, distinct value, its problem)
    checks text[];      -- per column: (name, ord, value shown, problem) for the listed records
    failing text[];     -- per failing column: a filter matching its failing values
    rule text;          -- the column's problem as an expression of {cell}; NULL when the cell is fine
    allowed text[];
    extracted_on text := current_setting('outcomes.extracted_on');
    bound text;
BEGIN
    bound := CASE WHEN extracted_on = 'infinity' THEN NULL
                  ELSE 'a date on or before the extract date ' || extracted_on || ' (extracted_on in extract.json)' END;
    FOR f IN SELECT file, ord, 'stage_' || replace(file, '.csv', '') AS stage FROM ref.extract_file ORDER BY ord LOOP
        grouped := '{}';
        sets := '{}';
        judged := '{}';
        checks := '{}';
        failing := '{}';
        keys := '{}';
        DELETE FROM pg_temp.ingest_failing;
        FOR c IN SELECT * FROM ref.extract_column WHERE file = f.file ORDER BY ord LOOP
            allowed := NULL;
            IF c.list IS NOT NULL THEN
                SELECT array_agg(lower(code) ORDER BY ord) INTO allowed FROM ref.code WHERE list = c.list;
            END IF;
            rule := CASE c.kind
                WHEN 'identifier' THEN format(
                    'WHEN {cell} = %L THEN %L', '!',
                    '1 to 64 characters of A-Z, a-z, 0-9, _ and -, not a placeholder such as NULL, NA, NONE, UNKNOWN, 0 or - '
                    || '(leave the cell empty when there is none; '
                    || 'the value is not shown: identifiers never appear in reports)')
                WHEN 'fips' THEN format(
                    'WHEN {cell} <> ALL (%L::text[]) THEN %L', (SELECT array_agg(fips::text) FROM ref.county),
                    'the five-digit FIPS code of a California county, 06001 to 06115')
                WHEN 'month' THEN format(
                    'WHEN NOT ingest.is_month({cell}) THEN %L WHEN ({cell} || ''-01'')::date > %L::date THEN %L',
                    'a month written YYYY-MM, from 1900 to 2199, e.g. 2009-04', extracted_on,
                    'a month not after the extract date ' || extracted_on || ' (extracted_on in extract.json)')
                WHEN 'date' THEN format(
                    'WHEN NOT ingest.is_date({cell}) THEN %L WHEN {cell}::date > %L::date THEN %L',
                    'a real date written YYYY-MM-DD, from 1900 to 2199, e.g. 2025-03-31', extracted_on, bound)
                WHEN 'code' THEN format(
                    'WHEN lower({cell}) <> ALL (%L::text[]) THEN %L', allowed,
                    'one of: ' || (SELECT string_agg(code, ', ' ORDER BY ord) FROM ref.code WHERE list = c.list))
                WHEN 'codes' THEN format(
                    'WHEN NOT ingest.values_ok({cell}, %L::text[]) THEN %L', allowed,
                    'values from: ' || (SELECT string_agg(code, ', ' ORDER BY ord) FROM ref.code WHERE list = c.list)
                    || '; separated by ";", each at most once')
                WHEN 'race' THEN format(
                    'WHEN NOT ingest.race_ok({cell}) THEN %L',
                    'one or more of AIAN, ASIAN, BLACK, HISPANIC, MENA, NHPI, WHITE (optionally refined as CATEGORY.DETAIL, '
                    || 'e.g. ASIAN.FILIPINO), separated by ";", each once; or DECLINED or UNKNOWN alone')
                WHEN 'bool' THEN format('WHEN lower({cell}) NOT IN (''yes'', ''no'') THEN %L', 'yes or no')
                WHEN 'count' THEN format('WHEN {cell} !~ ''^[0-9]{1,9}$'' THEN %L', 'a whole number from 0 to 999999999')
                WHEN 'numeric' THEN format(
                    'WHEN {cell} !~ ''^[0-9]{1,9}(\.[0-9]{1,6})?$'' THEN %L', 'a number from 0 to 999999999, with at most 6 decimals, e.g. 4 or 2.5')
                WHEN 'item' THEN format(
                    'WHEN {cell} !~ ''^[A-Za-z0-9_.]{1,64}$'' THEN %L', 'an item code of 1 to 64 letters, digits, _ and . (e.g. 7 or behavioral.depression)')
                WHEN 'text' THEN format('WHEN length({cell}) > 64 THEN %L', 'at most 64 characters')
                WHEN 'domain' THEN format('WHEN {cell} !~ ''^0*(1[0-3]|[1-9])$'' THEN %L', 'an outcome domain number, 1 to 13')
            END;
            -- No value of the format holds a line break: one in a cell is nearly always a stray quote that
            -- joined the next records to it (an identifier with one is staged as one that broke its rule).
            rule := format('CASE WHEN {cell} IS NULL THEN %s WHEN {cell} ~ ''[\r\n]'' THEN %L %s END',
                           CASE WHEN c.required THEN quote_literal('a value: this column is required') ELSE 'NULL' END,
                           'a value on one line: a line break inside a value usually means that a stray double quote (") '
                           || 'opened a quoted value that ran on over the next records; remove the stray quote (the value '
                           || 'is not shown: what follows the stray quote, the record''s other cells and the next records, '
                           || 'may hold identifiers)',
                           rule);
            -- Identifiers are staged as keyed hashes, '!' before one that broke the rule: judged only on whether
            -- they are usable.
            key := CASE WHEN c.kind = 'identifier'
                THEN format('(CASE WHEN s.%1$I LIKE ''!%%'' THEN ''!'' WHEN s.%1$I IS NOT NULL THEN ''ok'' END)', c.name)
                ELSE format('s.%I', c.name) END;
            keys := keys || jsonb_build_object(c.name, key);
            grouped := grouped || format('%s AS g%s', key, c.ord);
            sets := sets || format('(g%s)', c.ord);
            judged := judged || format('(%s, %L, d.g%s, CASE WHEN d.m%3$s = 0 THEN %s END)',
                                       c.ord, c.name, c.ord, replace(rule, '{cell}', format('d.g%s', c.ord)));
            checks := checks || format(
                '(%L, %s, %s, %s)', c.name, c.ord,
                -- (Not a value with a line break: see its rule above.)
                CASE WHEN c.kind = 'identifier' THEN 'NULL::text'
                     ELSE format('CASE WHEN s.%1$I !~ ''[\r\n]'' THEN s.%1$I END', c.name) END,
                replace(rule, '{cell}', key));
        END LOOP;
        FOR bad IN EXECUTE format(
            'SELECT j.name, array_agg(j.value) FILTER (WHERE j.value IS NOT NULL) AS bad_values,
                    bool_or(j.value IS NULL) AS null_is_bad
             FROM (SELECT %s FROM (SELECT %s FROM pg_temp.%I s) s GROUP BY GROUPING SETS (%s)) d
             CROSS JOIN LATERAL (VALUES %s) AS j(ord, name, value, problem)
             WHERE j.problem IS NOT NULL
             GROUP BY j.name',
            (SELECT string_agg(format('GROUPING(g%1$s) AS m%1$s, g%1$s', c2.ord), ', ') FROM ref.extract_column c2
             WHERE c2.file = f.file),
            array_to_string(grouped, ', '), f.stage, array_to_string(sets, ', '), array_to_string(judged, ', '))
        LOOP
            IF bad.bad_values IS NOT NULL THEN
                INSERT INTO pg_temp.ingest_failing (col, value) SELECT bad.name, v FROM unnest(bad.bad_values) AS v;
                failing := failing || format(
                    '%s IN (SELECT f.value FROM pg_temp.ingest_failing f WHERE f.col = %L)', keys->>bad.name, bad.name);
            END IF;
            IF bad.null_is_bad THEN
                failing := failing || format('%s IS NULL', keys->>bad.name);
            END IF;
        END LOOP;
        CONTINUE WHEN failing = '{}';
        EXECUTE format(
            'INSERT INTO pg_temp.ingest_issue (file, file_ord, rec, col, col_ord, value, expected)
             SELECT %L, %s, s.rec, v.col, v.ord, v.value, v.problem
             FROM (SELECT * FROM pg_temp.%I s WHERE %s OFFSET 0) s
             CROSS JOIN LATERAL (VALUES %s) AS v(col, ord, value, problem)
             WHERE v.problem IS NOT NULL',
            f.file, f.ord, f.stage, array_to_string(failing, ' OR '), array_to_string(checks, ', '));
    END LOOP;
END
$$;

-- The rules below read a cell only when it passed (none of its problems is in
-- ingest_issue yet), so one bad cell is reported once; and a rule skips a
-- record only when one of the cells it reads failed (b.col IN (...)), so that a
-- problem in another column does not hide it: every error of an upload is
-- reported together. The rules that cast read each file once, in a
-- MATERIALIZED common table expression beside the columns of each record that
-- failed (`failed`, from pg_temp.checked_<file>), and cast a cell only under a
-- CASE on that cell having passed (NULL otherwise, which no comparison holds
-- for), so a cast never meets a cell that failed its rule, in whatever order
-- the conditions are evaluated.

-- 2. youth.csv: youth_key unique; county one the agency may report for.
INSERT INTO pg_temp.ingest_issue (file, file_ord, rec, col, col_ord, value, expected)
SELECT p.file, p.file_ord, d.rec, p.col, p.col_ord, NULL,
       'a youth_key used once in youth.csv (record ' || d.first_rec || ' has the same one)'
FROM (SELECT rec, min(rec) OVER (PARTITION BY youth_key) AS first_rec FROM pg_temp.stage_youth
      WHERE youth_key NOT LIKE '!%') d
JOIN ingest.issue_place p ON p.file = 'youth.csv' AND p.col = 'youth_key'
WHERE d.rec <> d.first_rec;

INSERT INTO pg_temp.ingest_issue (file, file_ord, rec, col, col_ord, value, expected)
SELECT p.file, p.file_ord, y.rec, p.col, p.col_ord, y.county_fips,
       'a county your agency is registered to report for ('
       || coalesce((SELECT string_agg(county_fips, ', ' ORDER BY county_fips) FROM core.agency_county
                    WHERE agency_id = (SELECT core.session_agency())), 'none registered')
       || '); ask the state team to register the county, or correct the code'
FROM pg_temp.stage_youth y
JOIN ingest.issue_place p ON p.file = 'youth.csv' AND p.col = 'county_fips'
WHERE NOT EXISTS (SELECT FROM pg_temp.ingest_issue b
                  WHERE b.file = 'youth.csv' AND b.rec = y.rec AND b.col = 'county_fips')
  AND NOT EXISTS (SELECT FROM core.agency_county ac
                  WHERE ac.agency_id = (SELECT core.session_agency()) AND ac.county_fips = y.county_fips);

-- 3. Every other file: youth_key must be a youth of youth.csv. outcomes.youth_listed says how youth.csv
-- was read: 'all' its records; 'some' (records with a problem reported by the loader were left out,
-- and their youth may be the ones referred to: the message says so, as it does when some youth_key of
-- youth.csv is missing or invalid); 'no' (missing, or its records unread for their header: that is reported once, not
-- as every key of every file).
DO $$
DECLARE
    f record;
    listed text := current_setting('outcomes.youth_listed');
    expected text := 'the youth_key of a youth listed in youth.csv'
        || CASE WHEN listed = 'some' THEN ' (some records of youth.csv could not be read: correct those first)'
                WHEN EXISTS (SELECT FROM pg_temp.stage_youth WHERE youth_key IS NULL OR youth_key LIKE '!%')
                THEN ' (some records of youth.csv have a youth_key that is missing or invalid: correct those first)'
                ELSE '' END;
BEGIN
    IF listed = 'no' THEN
        RETURN;
    END IF;
    FOR f IN SELECT file, 'stage_' || replace(file, '.csv', '') AS stage FROM ref.extract_file
             WHERE file <> 'youth.csv' ORDER BY ord LOOP
        EXECUTE format(
            'INSERT INTO pg_temp.ingest_issue (file, file_ord, rec, col, col_ord, value, expected)
             SELECT p.file, p.file_ord, s.rec, p.col, p.col_ord, NULL, %L
             FROM pg_temp.%I s JOIN ingest.issue_place p ON p.file = %L AND p.col = ''youth_key''
             WHERE s.youth_key NOT LIKE ''!%%''
               AND NOT EXISTS (SELECT FROM pg_temp.stage_youth y WHERE y.youth_key = s.youth_key)',
            expected, f.stage, f.file);
    END LOOP;
END
$$;

-- A cell kept as sent (goal_id: ref.extract_column.kept_as_sent) may hold no youth_key or linkage_id of the
-- extract's youth or of the agency's current snapshot, which are kept only as keyed hashes. The loader staged
-- beside each such cell the keyed hashes of its stretches of 6 to 64 characters (held_<column>), and refused
-- a cell holding its own record's youth_key, in any case, itself. A cell that failed a rule already is not
-- looked at. (A detail is kept only as one of its event's codes; its shown value is screened like any.)
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT file, name, 'stage_' || replace(file, '.csv', '') AS stage FROM ref.extract_column
             WHERE kept_as_sent ORDER BY file, ord LOOP
        -- (One semi-join of every stretch to the identifiers, hashed once: as a subquery per cell it read the
        -- identifiers again for each, 340 s more at 100,000 youth.)
        EXECUTE format(
            'INSERT INTO pg_temp.ingest_issue (file, file_ord, rec, col, col_ord, value, expected)
             SELECT p.file, p.file_ord, s.rec, p.col, p.col_ord, NULL, %L
             FROM (SELECT DISTINCT s.rec FROM pg_temp.%I s CROSS JOIN LATERAL unnest(s.%I) AS h(hash)
                   WHERE h.hash IN (
                       SELECT youth_key FROM pg_temp.stage_youth
                       UNION ALL SELECT linkage_id FROM pg_temp.stage_youth
                       UNION ALL SELECT h FROM ingest.current_identifiers() AS h)) s
             JOIN ingest.issue_place p ON p.file = %L AND p.col = %L
             WHERE NOT EXISTS (SELECT FROM pg_temp.ingest_issue b WHERE b.file = %4$L AND b.rec = s.rec AND b.col = %5$L)',
            'a value without a youth_key or linkage_id of your youth in it (the value is not shown: identifiers are '
            || 'kept only as keyed hashes, so they may not be sent inside another column; give the goal a code of '
            || 'its own, such as G-1)',
            c.stage, 'held_' || c.name, c.file, c.name);
    END LOOP;
END
$$;

-- 4. Rules within a record and across records of one file.

-- pg_temp.checked_<file>: each file's staged records, each beside the columns of it that failed so far
-- (`failed`, '{}' for none; read when used, so it includes the issues of the rules before).
DO $$
DECLARE
    f record;
BEGIN
    FOR f IN SELECT file, replace(file, '.csv', '') AS name FROM ref.extract_file LOOP
        EXECUTE format(
            'CREATE OR REPLACE TEMP VIEW %I AS
             SELECT s.*, coalesce(f.cols, ''{}'') AS failed
             FROM pg_temp.%I s
             LEFT JOIN (SELECT rec, array_agg(col) AS cols FROM pg_temp.ingest_issue WHERE file = %L GROUP BY rec) f
                  ON f.rec = s.rec',
            'checked_' || f.name, 'stage_' || f.name, f.file);
    END LOOP;
END
$$;

INSERT INTO pg_temp.ingest_issue (file, file_ord, rec, col, col_ord, value, expected, other)
WITH ok AS MATERIALIZED (
    SELECT s.rec,
           CASE WHEN 'flag' <> ALL (s.failed) THEN lower(s.flag) END AS flag,
           CASE WHEN 'flagged_on' <> ALL (s.failed) THEN s.flagged_on::date END AS flagged_on,
           CASE WHEN 'exploitation_types' <> ALL (s.failed) THEN s.exploitation_types END AS exploitation_types,
           CASE WHEN 'incident_on' <> ALL (s.failed) THEN s.incident_on::date END AS incident_on,
           CASE WHEN 'resolved_on' <> ALL (s.failed) THEN s.resolved_on::date END AS resolved_on
    FROM pg_temp.checked_cse_flags s
)
SELECT p.file, p.file_ord, x.rec, p.col, p.col_ord, x.value, x.expected, x.other
FROM (
    SELECT rec, 'exploitation_types' AS col, exploitation_types AS value,
           'no exploitation types for an at_risk flag (they are recorded only for confirmed or suspected)' AS expected,
           NULL AS other
    FROM ok WHERE flag = 'at_risk' AND exploitation_types IS NOT NULL
    UNION ALL
    SELECT rec, 'incident_on', incident_on::text, 'a date on or before flagged_on (' || flagged_on || ')',
           flagged_on::text
    FROM ok WHERE incident_on > flagged_on
    UNION ALL
    SELECT rec, 'resolved_on', resolved_on::text, 'a date on or after flagged_on (' || flagged_on || ')',
           flagged_on::text
    FROM ok WHERE resolved_on < flagged_on
) x JOIN ingest.issue_place p ON p.file = 'cse_flags.csv' AND p.col = x.col;

INSERT INTO pg_temp.ingest_issue (file, file_ord, rec, col, col_ord, value, expected, other)
WITH ok AS MATERIALIZED (
    SELECT s.rec, s.youth_key,
           CASE WHEN 'started_on' <> ALL (s.failed) THEN s.started_on::date END AS started_on,
           CASE WHEN 'ended_on' <> ALL (s.failed) THEN s.ended_on::date END AS ended_on,
           -- Whether the episode takes part in the overlap rule: its youth and dates passed, whatever
           -- its setting and end_reason (an empty ended_on means ongoing, not failed).
           NOT s.failed && '{youth_key, started_on, ended_on}' AS episode
    FROM pg_temp.checked_placements s
)
SELECT p.file, p.file_ord, x.rec, p.col, p.col_ord, x.value, x.expected, x.other
FROM (
    SELECT rec, 'ended_on' AS col, ended_on::text AS value,
           'a date on or after started_on (' || started_on || ')' AS expected, started_on::text AS other
    FROM ok WHERE ended_on < started_on
    UNION ALL
    -- Episodes of one youth may not overlap; one may start on the day the previous one ends.
    -- The episode named is the earlier one that ends last (the one overlapped), found in the same
    -- window pass through a sortable key: its end date ('9999-12-31' = none) followed by its record.
    -- Episodes starting on the same day are taken shortest first, so that the verdict does not depend
    -- on the order of the file's rows: an episode that ends on the day it starts, and another starting
    -- that day, touch whichever of the two is listed first.
    SELECT o.rec, 'started_on', o.started_on::text,
           'a start on or after the end of the same youth''s earlier episode (record ' || e.prev_rec || ', which '
           || CASE WHEN e.prev_end = 'infinity' THEN 'has no end date' ELSE 'ends ' || e.prev_end END || ')',
           CASE WHEN e.prev_end <> 'infinity' THEN e.prev_end::text END
    FROM (SELECT rec, started_on,
                 max(to_char(coalesce(ended_on, DATE '9999-12-31'), 'YYYY-MM-DD') || lpad(rec::text, 10, '0')) OVER w AS prev
          FROM ok
          WHERE episode AND (ended_on IS NULL OR ended_on >= started_on)
          WINDOW w AS (PARTITION BY youth_key ORDER BY started_on, ended_on NULLS LAST, rec ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)) o
    CROSS JOIN LATERAL (
        SELECT CASE WHEN left(o.prev, 10) = '9999-12-31' THEN DATE 'infinity' ELSE left(o.prev, 10)::date END AS prev_end,
               substr(o.prev, 11)::integer AS prev_rec) e
    WHERE e.prev_end > o.started_on
) x JOIN ingest.issue_place p ON p.file = 'placements.csv' AND p.col = x.col;

INSERT INTO pg_temp.ingest_issue (file, file_ord, rec, col, col_ord, value, expected, other)
WITH ok AS MATERIALIZED (
    SELECT s.rec, s.failed,
           CASE WHEN 'left_on' <> ALL (s.failed) THEN s.left_on::date END AS left_on,
           CASE WHEN 'returned_on' <> ALL (s.failed) THEN s.returned_on::date END AS returned_on,
           s.returned_to_same_caregiver
    FROM pg_temp.checked_absences s
)
SELECT p.file, p.file_ord, x.rec, p.col, p.col_ord, x.value, x.expected, x.other
FROM (
    SELECT rec, 'returned_on' AS col, returned_on::text AS value, 'a date on or after left_on (' || left_on || ')' AS expected,
           left_on::text AS other
    FROM ok WHERE returned_on < left_on
    UNION ALL
    SELECT rec, 'returned_to_same_caregiver', returned_to_same_caregiver,
           'empty while returned_on is empty (answer it only once the youth has returned)', NULL
    FROM ok
    WHERE returned_on IS NULL AND returned_to_same_caregiver IS NOT NULL
      AND NOT failed && '{returned_on, returned_to_same_caregiver}'
) x JOIN ingest.issue_place p ON p.file = 'absences.csv' AND p.col = x.col;

INSERT INTO pg_temp.ingest_issue (file, file_ord, rec, col, col_ord, value, expected)
SELECT p.file, p.file_ord, s.rec, p.col, p.col_ord, s.detail,
       CASE WHEN e.detail_list IS NULL
            THEN 'no detail for the event ' || e.code || ' (only events that list details take one)'
            ELSE 'one of: ' || (SELECT string_agg(code, ', ' ORDER BY ord) FROM ref.code WHERE list = e.detail_list) END
FROM pg_temp.stage_events s
JOIN ref.code e ON e.list = 'event' AND e.code = lower(s.event)
JOIN ingest.issue_place p ON p.file = 'events.csv' AND p.col = 'detail'
WHERE s.detail IS NOT NULL
  AND NOT EXISTS (SELECT FROM pg_temp.ingest_issue b
                  WHERE b.file = 'events.csv' AND b.rec = s.rec AND b.col IN ('event', 'detail'))
  AND (e.detail_list IS NULL
       OR NOT EXISTS (SELECT FROM ref.code d WHERE d.list = e.detail_list AND d.code = lower(s.detail)));

INSERT INTO pg_temp.ingest_issue (file, file_ord, rec, col, col_ord, value, expected, other)
WITH ok AS MATERIALIZED (
    SELECT s.rec, s.days_enrolled, s.days_attended,
           CASE WHEN 'term_start' <> ALL (s.failed) THEN s.term_start::date END AS term_start,
           CASE WHEN 'term_end' <> ALL (s.failed) THEN s.term_end::date END AS term_end,
           CASE WHEN 'days_enrolled' <> ALL (s.failed) THEN s.days_enrolled::integer END AS enrolled,
           CASE WHEN 'days_attended' <> ALL (s.failed) THEN s.days_attended::integer END AS attended
    FROM pg_temp.checked_school_terms s
)
SELECT p.file, p.file_ord, x.rec, p.col, p.col_ord, x.value, x.expected, x.other
FROM (
    SELECT rec, 'term_end' AS col, term_end::text AS value, 'a date on or after term_start (' || term_start || ')' AS expected,
           term_start::text AS other
    FROM ok WHERE term_end < term_start
    UNION ALL
    -- The numbers as written (a leading zero is kept).
    SELECT rec, 'days_attended', days_attended, 'at most days_enrolled (' || days_enrolled || ')', days_enrolled
    FROM ok WHERE attended > enrolled
) x JOIN ingest.issue_place p ON p.file = 'school_terms.csv' AND p.col = x.col;

INSERT INTO pg_temp.ingest_issue (file, file_ord, rec, col, col_ord, value, expected, other)
WITH ok AS MATERIALIZED (
    SELECT s.rec, s.failed, s.youth_key, s.goal_id,
           CASE WHEN 'set_on' <> ALL (s.failed) THEN s.set_on::date END AS set_on,
           CASE WHEN 'status_on' <> ALL (s.failed) THEN s.status_on::date END AS status_on
    FROM pg_temp.checked_goals s
)
SELECT p.file, p.file_ord, x.rec, p.col, p.col_ord, x.value, x.expected, x.other
FROM (
    -- Every record whose youth_key and goal_id passed takes part, whatever its other cells: the first
    -- record holding a goal_id is named even when another of its cells failed.
    SELECT rec, 'goal_id' AS col, goal_id AS value,
           'a goal_id used once per youth (record ' || first_rec || ' has the same one for this youth)' AS expected,
           NULL AS other
    FROM (SELECT rec, goal_id, min(rec) OVER (PARTITION BY youth_key, goal_id) AS first_rec
          FROM ok WHERE NOT failed && '{youth_key, goal_id}') d
    WHERE rec <> first_rec
    UNION ALL
    SELECT rec, 'status_on', status_on::text, 'a date on or after set_on (' || set_on || ')', set_on::text
    FROM ok WHERE status_on < set_on
) x JOIN ingest.issue_place p ON p.file = 'goals.csv' AND p.col = x.col;
