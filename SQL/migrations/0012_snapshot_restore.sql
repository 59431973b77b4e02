-- Restoring an earlier snapshot.
--
-- An agency's accepted extracts stay as history so that an analyst can see or
-- restore what was reported before (extract-format-v1). Until now the current
-- snapshot was simply the agency's latest accepted extract, so a snapshot sent
-- in error could only be undone by the agency sending another one. A restore
-- is recorded here as an event of its own; history is never changed.
--
-- Events are ordered by one counter: an accepted extract counts by its id, a
-- restore draws its number from the same sequence, so whichever happened last
-- decides the current snapshot (a newer upload replaces a restored snapshot).

CREATE TABLE core.snapshot_restore (
    ord         bigint PRIMARY KEY DEFAULT nextval(pg_get_serial_sequence('core.extract', 'id')::regclass),
    agency_id   integer NOT NULL REFERENCES core.agency,
    extract_id  bigint NOT NULL REFERENCES core.extract,
    restored_at timestamptz NOT NULL DEFAULT now(),
    reason      text NOT NULL CHECK (btrim(reason) <> '')
);

-- Only an accepted extract of the same agency may be restored: checked here, in
-- the database, whoever inserts.
CREATE FUNCTION core.check_restore() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM core.extract e
                   WHERE e.id = NEW.extract_id AND e.agency_id = NEW.agency_id AND e.status = 'accepted') THEN
        RAISE EXCEPTION 'extract % is not an accepted extract of agency %', NEW.extract_id, NEW.agency_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER restore_of_accepted_extract BEFORE INSERT ON core.snapshot_restore
    FOR EACH ROW EXECUTE FUNCTION core.check_restore();

-- Restores are history too. One guard for both kinds of history (it replaces 0006's guard of
-- core.extract): an upload cannot be deleted, a restore cannot be changed or deleted either.
CREATE FUNCTION core.keep_history() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the rows of core.% are kept as history: % is refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'A snapshot is replaced by a newer upload, or by restoring an earlier one (outcomes extracts restore).';
END
$$;
DROP TRIGGER keep_history ON core.extract;
DROP TRIGGER keep_history_truncate ON core.extract;
DROP FUNCTION core.keep_extract_history();
CREATE TRIGGER keep_history BEFORE DELETE ON core.extract
    FOR EACH STATEMENT EXECUTE FUNCTION core.keep_history();
CREATE TRIGGER keep_history_truncate BEFORE TRUNCATE ON core.extract
    FOR EACH STATEMENT EXECUTE FUNCTION core.keep_history();
CREATE TRIGGER keep_history BEFORE UPDATE OR DELETE ON core.snapshot_restore
    FOR EACH STATEMENT EXECUTE FUNCTION core.keep_history();
CREATE TRIGGER keep_history_truncate BEFORE TRUNCATE ON core.snapshot_restore
    FOR EACH STATEMENT EXECUTE FUNCTION core.keep_history();

-- Read like core.extract: an ingest session sees its own agency's rows, the compute role all.
ALTER TABLE core.snapshot_restore ENABLE ROW LEVEL SECURITY;
CREATE POLICY ingest_own_agency ON core.snapshot_restore FOR SELECT TO outcomes_ingest
    USING (agency_id = (SELECT core.session_agency()));
CREATE POLICY compute_reads_all ON core.snapshot_restore FOR SELECT TO outcomes_compute USING (true);
GRANT SELECT ON core.snapshot_restore TO outcomes_ingest, outcomes_compute;

-- The agency's current snapshot: its latest accepted extract, or the extract
-- restored after it. (Same columns as before, so every reader is unchanged.)
CREATE OR REPLACE VIEW core.current_extract WITH (security_invoker = true) AS
SELECT DISTINCT ON (c.agency_id) c.extract_id, c.agency_id, e.extracted_on, e.files
FROM (SELECT id AS extract_id, agency_id, id AS ord FROM core.extract WHERE status = 'accepted'
      UNION ALL
      SELECT extract_id, agency_id, ord FROM core.snapshot_restore) c
JOIN core.extract e ON e.id = c.extract_id
ORDER BY c.agency_id, c.ord DESC;
