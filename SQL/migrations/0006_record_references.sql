-- Record rows no longer carry per-row foreign keys to core.extract and core.agency.
--
-- A foreign key is checked by a trigger firing once per inserted row; with the
-- largest files holding hundreds of thousands of rows, those two lookups were
-- most of the time it took to accept an extract. The guarantee they gave is kept
-- by cheaper means:
--  * inserts: the statement-level trigger `extract_of_own_agency` (0005) checks,
--    once per statement, that every new row's (extract_id, agency_id) is an
--    extract the session may see, and core.extract.agency_id references
--    core.agency;
--  * deletes: extracts are history and are never removed. No service role may
--    delete them, and the trigger below refuses it even to the owner, so no
--    record row can be left without its extract.

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['youth', 'cse_flag', 'placement', 'absence', 'event', 'school_term', 'assessment',
                             'stage_of_change', 'goal']
    LOOP
        EXECUTE format('ALTER TABLE core.%I DROP CONSTRAINT %I, DROP CONSTRAINT %I',
                       t, t || '_extract_id_fkey', t || '_agency_id_fkey');
    END LOOP;
END
$$;

CREATE FUNCTION core.keep_extract_history() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'extracts are kept as history and cannot be deleted or truncated'
        USING ERRCODE = 'restrict_violation',
              HINT = 'An agency replaces its snapshot by uploading a newer extract.';
END
$$;

CREATE TRIGGER keep_history BEFORE DELETE ON core.extract
    FOR EACH STATEMENT EXECUTE FUNCTION core.keep_extract_history();
CREATE TRIGGER keep_history_truncate BEFORE TRUNCATE ON core.extract
    FOR EACH STATEMENT EXECUTE FUNCTION core.keep_extract_history();
