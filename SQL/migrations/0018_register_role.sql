-- `outcomes agency list` and `outcomes extracts list` read who is registered and
-- what each agency uploaded, never a record. They read as the compute role,
-- which reads every record; this role reads that register only: the agencies
-- and their counties, the uploads without their error reports (which quote
-- the agencies' cells), the restores and the current snapshots.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'outcomes_register') THEN
        CREATE ROLE outcomes_register NOLOGIN;
    END IF;
END
$$;
-- The connecting (owner) user may act as it through SET ROLE, as with the others (0002).
GRANT outcomes_register TO CURRENT_USER;

GRANT USAGE ON SCHEMA core TO outcomes_register;
GRANT SELECT ON core.agency, core.agency_county, core.snapshot_restore, core.current_extract TO outcomes_register;
GRANT SELECT (id, agency_id, sha256, status, received_at, source_name, extracted_on, files, row_counts, error_count)
    ON core.extract TO outcomes_register;

CREATE POLICY register_reads_all ON core.agency FOR SELECT TO outcomes_register USING (true);
CREATE POLICY register_reads_all ON core.agency_county FOR SELECT TO outcomes_register USING (true);
CREATE POLICY register_reads_all ON core.extract FOR SELECT TO outcomes_register USING (true);
CREATE POLICY register_reads_all ON core.snapshot_restore FOR SELECT TO outcomes_register USING (true);
