-- One hashing secret for the life of the database, and history that not even
-- the owner changes by accident.
--
-- 1. youth_key and linkage_id are stored as HMAC-SHA256 with the deployment
--    secret, and youth are linked across uploads and agencies by those hashes.
--    A lost secret file used to be replaced by a new one without a word: every
--    later upload hashed to other values and no youth linked any more. The
--    first ingest now records the secret's fingerprint (the HMAC of a fixed
--    text, which reveals nothing of the secret), and every later ingest must
--    hash with a secret of the same fingerprint (Ingestor).
--
-- 2. Uploads and restores could not be deleted, but an extract's row could be
--    updated (moved to another agency, marked rejected) and record rows updated,
--    deleted or truncated by the owner. The ingest role holds no such privilege;
--    these statement-level triggers refuse them for everyone, so the history
--    analysts read is the history agencies sent. (They cost nothing per row, and
--    INSERT is not concerned.)

CREATE TABLE core.hashing_secret (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    recorded_at timestamptz NOT NULL DEFAULT now()
);

-- The hint of the refusal can be given per trigger (its first argument).
CREATE OR REPLACE FUNCTION core.keep_history() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the rows of core.% are kept as history: % is refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = coalesce(TG_ARGV[0],
                              'A snapshot is replaced by a newer upload, or by restoring an earlier one '
                              '(outcomes extracts restore).');
END
$$;

DROP TRIGGER keep_history ON core.extract;
CREATE TRIGGER keep_history BEFORE UPDATE OR DELETE ON core.extract
    FOR EACH STATEMENT EXECUTE FUNCTION core.keep_history();

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['youth', 'cse_flag', 'placement', 'absence', 'event', 'school_term', 'assessment',
                             'stage_of_change', 'goal', 'assessment_score']
    LOOP
        EXECUTE format('CREATE TRIGGER keep_history BEFORE UPDATE OR DELETE ON core.%I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION core.keep_history()', t);
        EXECUTE format('CREATE TRIGGER keep_history_truncate BEFORE TRUNCATE ON core.%I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION core.keep_history()', t);
    END LOOP;
END
$$;

CREATE TRIGGER keep_history BEFORE UPDATE OR DELETE ON core.hashing_secret
    FOR EACH STATEMENT EXECUTE FUNCTION core.keep_history(
        'The stored identifiers were hashed with this secret: restore the original secret file instead.');
CREATE TRIGGER keep_history_truncate BEFORE TRUNCATE ON core.hashing_secret
    FOR EACH STATEMENT EXECUTE FUNCTION core.keep_history(
        'The stored identifiers were hashed with this secret: restore the original secret file instead.');
