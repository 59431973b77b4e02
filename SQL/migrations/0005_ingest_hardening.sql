-- Closes two holes in the ingest role's powers and makes accepting an extract cheaper.
--
-- 1. Only the owner registers the counties an agency may report for
--    (`outcomes agency add`); an ingest session that could add one would get
--    past the county rule of SQL/ingest/validate.sql.
-- 2. A record row must belong to an extract of its own agency. Row-level
--    security checks agency_id; a statement-level trigger checks that every
--    inserted row's (extract_id, agency_id) is an extract the session can see
--    (the ingest role sees only its agency's extracts), so agency A cannot file
--    rows under agency B's snapshot. One set-based check per statement, instead
--    of a foreign-key lookup per row.
-- 3. Dates are checked with one regular expression (leap years included)
--    instead of date arithmetic per cell: half the cost on large files.
-- 4. The record tables' primary keys on (extract_id, rec) are dropped: record
--    numbers are unique by construction (one staging row per CSV record) and
--    maintaining the index for every row was a large share of the ingest time.
--    youth keeps its key on (extract_id, youth_hash), which the validator
--    guarantees and the indicator engine joins on.

REVOKE INSERT ON core.agency_county FROM outcomes_ingest;

CREATE FUNCTION core.check_extract_agency() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    bad bigint;
BEGIN
    SELECT n.extract_id INTO bad
    FROM new_rows n
    WHERE NOT EXISTS (SELECT FROM core.extract e WHERE e.id = n.extract_id AND e.agency_id = n.agency_id)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'rows of % must belong to an extract of their own agency (extract % is not)', TG_TABLE_NAME, bad
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['youth', 'cse_flag', 'placement', 'absence', 'event', 'school_term', 'assessment',
                             'stage_of_change', 'goal']
    LOOP
        EXECUTE format('CREATE TRIGGER extract_of_own_agency AFTER INSERT ON core.%I
                        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                        EXECUTE FUNCTION core.check_extract_agency()', t);
        IF t <> 'youth' THEN
            EXECUTE format('ALTER TABLE core.%I DROP CONSTRAINT %I', t, t || '_pkey');
            -- extract_id grows with every upload: a BRIN index finds an extract's rows at almost no upkeep.
            EXECUTE format('CREATE INDEX ON core.%I USING brin (extract_id)', t);
        END IF;
    END LOOP;
END
$$;

-- True for a real calendar date written YYYY-MM-DD (years 1900–2199): month
-- lengths and leap years (every 4th year, but not 1900 or 2100) in one pattern.
CREATE OR REPLACE FUNCTION ingest.is_date(v text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT v ~ '^(?:(?:19|20|21)\d\d-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)|(?:(?:19|20|21)(?:0[48]|[2468][048]|[13579][26])|2000)-02-29)$'
$$;
