-- Which free-text columns keep their values as sent: goal_id. Such a value may
-- hold no youth_key or linkage_id of the agency's youth, since identifiers are
-- kept only as keyed hashes: the loader stages beside each such cell the keyed
-- hashes of its stretches that could be one (held_<column>, ExtractFormat.swift)
-- and validate.sql compares them with the identifiers. A detail, the other
-- free-text column, is kept only when it is one of its event's detail codes.
ALTER TABLE ref.extract_column ADD COLUMN kept_as_sent boolean NOT NULL DEFAULT false;
UPDATE ref.extract_column SET kept_as_sent = true WHERE file = 'goals.csv' AND name = 'goal_id';
ALTER TABLE ref.extract_column ADD CONSTRAINT kept_as_sent_is_text CHECK (NOT kept_as_sent OR kind = 'text');
