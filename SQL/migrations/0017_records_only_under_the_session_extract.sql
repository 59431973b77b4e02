-- An ingest session writes records only under the extract it is writing: the one
-- named by the session setting outcomes.extract_id, which the ingest sets right
-- after inserting that extract's row (accept.sql reads it for every row it
-- writes). Until now any extract of the session's agency was allowed, so a
-- mistaken query could add rows to an earlier snapshot, which is history
-- (0006). The check stays that the extract is the agency's.

CREATE FUNCTION core.session_extract() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT nullif(current_setting('outcomes.extract_id', true), '')::bigint
$$;
GRANT EXECUTE ON FUNCTION core.session_extract() TO outcomes_ingest;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['youth', 'cse_flag', 'placement', 'absence', 'event', 'school_term', 'assessment',
                             'stage_of_change', 'goal', 'assessment_score']
    LOOP
        EXECUTE format($p$ALTER POLICY ingest_own_agency ON core.%I
            WITH CHECK (agency_id = (SELECT core.session_agency())
                        AND extract_id = (SELECT core.session_extract())
                        AND extract_id IN (SELECT e.id FROM core.extract e
                                           WHERE e.agency_id = (SELECT core.session_agency())))$p$, t);
    END LOOP;
END
$$;
