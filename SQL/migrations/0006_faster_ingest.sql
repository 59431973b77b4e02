-- Faster ingest, with the same guarantees.
--
-- 1. Cheaper guards on record rows.
--
-- Accepting an extract writes hundreds of thousands of rows, and three guards
-- were evaluated for every one of them: two foreign-key triggers (extract_id,
-- agency_id), the row-level-security check, which read the session setting and
-- cast it per row, and the statement trigger of 0005, which kept every new row
-- in a transition table to check it. They were most of the time spent writing.
--
--  * The session's agency is read once per statement: the policies compare with
--    an uncorrelated sub-select of core.session_agency(), which PostgreSQL
--    evaluates once (an InitPlan), not per row.
--  * A record row must belong to an extract of its own agency: the policy's
--    WITH CHECK now says so itself (one hashed look-up per row in the session
--    agency's extracts), replacing the statement trigger of 0005.
--  * core.extract.agency_id references core.agency, so the per-row foreign
--    keys of the record tables add nothing for inserts. For deletes: extracts
--    are history and are never removed. No service role may delete them, and
--    the triggers below refuse it even to the owner, so no record row can be
--    left without its extract.

CREATE FUNCTION core.session_agency() RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT nullif(current_setting('outcomes.agency_id', true), '')::integer
$$;
GRANT EXECUTE ON FUNCTION core.session_agency() TO outcomes_ingest;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['agency_county', 'extract']
    LOOP
        EXECUTE format('DROP POLICY ingest_own_agency ON core.%I', t);
        EXECUTE format($p$CREATE POLICY ingest_own_agency ON core.%I TO outcomes_ingest
            USING (agency_id = (SELECT core.session_agency()))
            WITH CHECK (agency_id = (SELECT core.session_agency()))$p$, t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['youth', 'cse_flag', 'placement', 'absence', 'event', 'school_term', 'assessment',
                             'stage_of_change', 'goal']
    LOOP
        EXECUTE format('ALTER TABLE core.%I DROP CONSTRAINT %I, DROP CONSTRAINT %I',
                       t, t || '_extract_id_fkey', t || '_agency_id_fkey');
        EXECUTE format('DROP TRIGGER extract_of_own_agency ON core.%I', t);
        EXECUTE format('DROP POLICY ingest_own_agency ON core.%I', t);
        EXECUTE format($p$CREATE POLICY ingest_own_agency ON core.%I TO outcomes_ingest
            USING (agency_id = (SELECT core.session_agency()))
            WITH CHECK (agency_id = (SELECT core.session_agency())
                        AND extract_id IN (SELECT e.id FROM core.extract e
                                           WHERE e.agency_id = (SELECT core.session_agency())))$p$, t);
    END LOOP;
END
$$;

DROP FUNCTION core.check_extract_agency();

ALTER POLICY ingest_own_agency ON core.agency USING (id = (SELECT core.session_agency()));

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

-- 2. Helpers of 0004 that nothing calls any more: validate.sql judges each
--    distinct cell value once and casts only cells that passed their rule, so
--    the safe casts (a regular expression per cell) have no caller; and codes
--    are stored lower-cased by accept.sql, not through ingest.canonical.
DROP FUNCTION ingest.to_date(text), ingest.to_int(text), ingest.to_num(text), ingest.canonical(text, text);

-- 3. Where an issue sorts in a report: a file's order and a column's order in
--    the format. A view of the reference tables, so an ingest need not build it.
CREATE VIEW ingest.issue_place AS
SELECT f.file, f.ord AS file_ord, c.name AS col, c.ord AS col_ord
FROM ref.extract_file f JOIN ref.extract_column c USING (file);
GRANT SELECT ON ingest.issue_place TO outcomes_ingest;
