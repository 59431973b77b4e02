-- Helpers for validating staged extract cells in SQL (SQL/ingest/validate.sql).
-- They are plain, immutable SQL functions so the planner inlines them and a
-- whole staging table is checked in one scan, with no exception handling per row.

CREATE SCHEMA ingest;
GRANT USAGE ON SCHEMA ingest TO outcomes_ingest;

-- True for a real calendar date written YYYY-MM-DD (years 1900–2199).
CREATE FUNCTION ingest.is_date(v text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT v ~ '^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'
       AND substr(v, 9, 2)::int <= extract(day FROM (make_date(substr(v, 1, 4)::int, substr(v, 6, 2)::int, 1)
                                          + interval '1 month - 1 day'))::int
$$;

-- True for a month written YYYY-MM.
CREATE FUNCTION ingest.is_month(v text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT v ~ '^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])$'
$$;

-- Safe casts: NULL unless the text is valid, so a check may be evaluated in any
-- order by the planner without a cast error aborting the whole validation.
CREATE FUNCTION ingest.to_date(v text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN ingest.is_date(trim(v)) THEN trim(v)::date END
$$;

CREATE FUNCTION ingest.to_int(v text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN trim(v) ~ '^[0-9]{1,9}$' THEN trim(v)::integer END
$$;

CREATE FUNCTION ingest.to_num(v text) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN trim(v) ~ '^[0-9]{1,9}(\.[0-9]{1,6})?$' THEN trim(v)::numeric END
$$;

-- The values of a multi-value cell: split on ';', trimmed (empty pieces kept, so they can be reported).
CREATE FUNCTION ingest.split_values(v text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_agg(trim(piece) ORDER BY n)
    FROM unnest(string_to_array(v, ';')) WITH ORDINALITY AS t(piece, n)
$$;

-- True when every value of a multi-value cell is in `allowed` (case-insensitive), none is empty and none repeats.
CREATE FUNCTION ingest.values_ok(v text, allowed text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT bool_and(lower(piece) = ANY (allowed)) AND count(*) = count(DISTINCT lower(piece))
    FROM unnest(ingest.split_values(v)) AS piece
$$;

-- True for a valid race_ethnicity cell: minimum categories (optionally CATEGORY.DETAIL), each once;
-- or DECLINED or UNKNOWN alone.
CREATE FUNCTION ingest.race_ok(v text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN count(*) = 1 AND bool_and(upper(piece) IN ('DECLINED', 'UNKNOWN')) THEN true
        ELSE bool_and(upper(piece) ~ '^(AIAN|ASIAN|BLACK|HISPANIC|MENA|NHPI|WHITE)(\.[A-Z_]+)?$')
             AND count(*) = count(DISTINCT upper(piece))
    END
    FROM unnest(ingest.split_values(v)) AS piece
$$;

-- The minimum categories a race_ethnicity cell names (details dropped), sorted, each once.
CREATE FUNCTION ingest.race_categories(v text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_agg(DISTINCT split_part(upper(piece), '.', 1) ORDER BY split_part(upper(piece), '.', 1))
    FROM unnest(ingest.split_values(v)) AS piece
$$;

-- The refined values of a race_ethnicity cell (CATEGORY.DETAIL), sorted.
CREATE FUNCTION ingest.race_details(v text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(upper(piece) ORDER BY upper(piece)) FILTER (WHERE piece LIKE '%.%'), '{}')
    FROM unnest(ingest.split_values(v)) AS piece
$$;

-- A code as stored: the canonical spelling from the code list.
CREATE FUNCTION ingest.canonical(list text, v text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT code FROM ref.code WHERE code.list = canonical.list AND lower(code) = lower(trim(v))
$$;

GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ingest TO outcomes_ingest;
