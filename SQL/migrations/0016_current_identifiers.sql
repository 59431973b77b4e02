-- The keyed hashes of every youth_key and linkage_id of the session agency's
-- current snapshot: with the staged extract's own, the identifiers an upload's
-- text must not hold (the goal_id rule of validate.sql) nor show (the issues
-- and names that Ingestor screens). One definition for both. A plain SQL
-- function, inlined by the planner into the query that uses it; it reads
-- core.youth as the caller, under row-level security.
CREATE FUNCTION ingest.current_identifiers() RETURNS SETOF text
LANGUAGE sql STABLE AS $$
    SELECT v.hash
    FROM core.youth y
    JOIN core.current_extract c USING (extract_id)
    CROSS JOIN LATERAL (VALUES (y.youth_hash), (y.linkage_hash)) AS v(hash)
    WHERE c.agency_id = (SELECT core.session_agency()) AND v.hash IS NOT NULL
$$;
