-- Agencies, extracts and the record-level tables, with the roles that guard
-- them. Record-level rows are only ever written by an ingest session acting for
-- one agency (row-level security on `outcomes.agency_id`) and only ever read by
-- the indicator engine; analysts see computed, suppressed results only.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'outcomes_ingest') THEN
        CREATE ROLE outcomes_ingest NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'outcomes_compute') THEN
        CREATE ROLE outcomes_compute NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'outcomes_analyst') THEN
        CREATE ROLE outcomes_analyst NOLOGIN;
    END IF;
END
$$;

-- The connecting (owner) user may act as each role through SET ROLE.
GRANT outcomes_ingest, outcomes_compute, outcomes_analyst TO CURRENT_USER;

GRANT USAGE ON SCHEMA ref TO outcomes_ingest, outcomes_compute, outcomes_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA ref TO outcomes_ingest, outcomes_compute, outcomes_analyst;
-- Staging tables of an ingest and working tables of a computation are temporary.
DO $$ BEGIN EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO outcomes_ingest, outcomes_compute', current_database()); END $$;

CREATE SCHEMA core;
GRANT USAGE ON SCHEMA core TO outcomes_ingest, outcomes_compute;

CREATE TABLE core.agency (
    id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
    name       text NOT NULL CHECK (length(trim(name)) > 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE core.agency_county (
    agency_id   integer NOT NULL REFERENCES core.agency,
    county_fips char(5) NOT NULL REFERENCES ref.county (fips),
    PRIMARY KEY (agency_id, county_fips)
);

-- Every upload, accepted or rejected. Accepted ones are the agency's snapshots;
-- the latest accepted one is current. A rejected one keeps its error report.
CREATE TABLE core.extract (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id    integer NOT NULL REFERENCES core.agency,
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    status       text NOT NULL CHECK (status IN ('accepted', 'rejected')),
    received_at  timestamptz NOT NULL DEFAULT now(),
    source_name  text NOT NULL,
    extracted_on date,
    files        text[] NOT NULL DEFAULT '{}',
    row_counts   jsonb NOT NULL DEFAULT '{}',
    error_count  integer NOT NULL DEFAULT 0,
    report       jsonb,
    CHECK ((status = 'accepted') = (error_count = 0))
);
-- A byte-identical extract is accepted at most once per agency.
CREATE UNIQUE INDEX extract_accepted_once ON core.extract (agency_id, sha256)
    WHERE status = 'accepted';

-- The agency's current snapshot: its latest accepted extract.
CREATE VIEW core.current_extract WITH (security_invoker = true) AS
SELECT DISTINCT ON (agency_id) id AS extract_id, agency_id, extracted_on, files
FROM core.extract
WHERE status = 'accepted'
ORDER BY agency_id, id DESC;

-- Record-level tables. Every row carries its extract, its agency (for
-- row-level security) and its record number in the file. Identifiers are
-- HMAC-SHA256 hex digests keyed with the deployment secret.
CREATE TABLE core.youth (
    extract_id     bigint NOT NULL REFERENCES core.extract,
    agency_id      integer NOT NULL REFERENCES core.agency,
    rec            integer NOT NULL,
    youth_hash     text NOT NULL,
    linkage_hash   text,
    county_fips    char(5) NOT NULL REFERENCES ref.county (fips),
    birth_month    date NOT NULL CHECK (extract(day FROM birth_month) = 1),
    gender         text NOT NULL,
    race_categories text[] NOT NULL,   -- minimum categories, or {DECLINED} / {UNKNOWN}
    race_details   text[] NOT NULL DEFAULT '{}',
    race_source    text NOT NULL,
    PRIMARY KEY (extract_id, youth_hash)
);

CREATE TABLE core.cse_flag (
    extract_id         bigint NOT NULL REFERENCES core.extract,
    agency_id          integer NOT NULL REFERENCES core.agency,
    rec                integer NOT NULL,
    youth_hash         text NOT NULL,
    flag               text NOT NULL,
    flagged_on         date NOT NULL,
    basis              text NOT NULL,
    exploitation_types text[] NOT NULL DEFAULT '{}',
    incident_on        date,
    last_occurrence_on date,
    resolved_on        date,
    PRIMARY KEY (extract_id, rec)
);

CREATE TABLE core.placement (
    extract_id bigint NOT NULL REFERENCES core.extract,
    agency_id  integer NOT NULL REFERENCES core.agency,
    rec        integer NOT NULL,
    youth_hash text NOT NULL,
    started_on date NOT NULL,
    ended_on   date,
    setting    text NOT NULL,
    end_reason text,
    PRIMARY KEY (extract_id, rec)
);

CREATE TABLE core.absence (
    extract_id                 bigint NOT NULL REFERENCES core.extract,
    agency_id                  integer NOT NULL REFERENCES core.agency,
    rec                        integer NOT NULL,
    youth_hash                 text NOT NULL,
    left_on                    date NOT NULL,
    returned_on                date,
    returned_to_same_caregiver boolean,
    PRIMARY KEY (extract_id, rec)
);

CREATE TABLE core.event (
    extract_id  bigint NOT NULL REFERENCES core.extract,
    agency_id   integer NOT NULL REFERENCES core.agency,
    rec         integer NOT NULL,
    youth_hash  text NOT NULL,
    event       text NOT NULL,
    occurred_on date NOT NULL,
    detail      text,
    PRIMARY KEY (extract_id, rec)
);

CREATE TABLE core.school_term (
    extract_id     bigint NOT NULL REFERENCES core.extract,
    agency_id      integer NOT NULL REFERENCES core.agency,
    rec            integer NOT NULL,
    youth_hash     text NOT NULL,
    term_start     date NOT NULL,
    term_end       date NOT NULL,
    days_enrolled  integer NOT NULL,
    days_attended  integer NOT NULL,
    credits_earned numeric,
    PRIMARY KEY (extract_id, rec)
);

CREATE TABLE core.assessment (
    extract_id      bigint NOT NULL REFERENCES core.extract,
    agency_id       integer NOT NULL REFERENCES core.agency,
    rec             integer NOT NULL,
    youth_hash      text NOT NULL,
    instrument      text NOT NULL,
    administered_on date NOT NULL,
    item            text NOT NULL,
    score           numeric NOT NULL,
    PRIMARY KEY (extract_id, rec)
);

CREATE TABLE core.stage_of_change (
    extract_id  bigint NOT NULL REFERENCES core.extract,
    agency_id   integer NOT NULL REFERENCES core.agency,
    rec         integer NOT NULL,
    youth_hash  text NOT NULL,
    assessed_on date NOT NULL,
    behavior    text NOT NULL,
    stage       text NOT NULL,
    PRIMARY KEY (extract_id, rec)
);

CREATE TABLE core.goal (
    extract_id bigint NOT NULL REFERENCES core.extract,
    agency_id  integer NOT NULL REFERENCES core.agency,
    rec        integer NOT NULL,
    youth_hash text NOT NULL,
    goal_id    text NOT NULL,
    domain     integer NOT NULL REFERENCES ref.domain,
    set_on     date NOT NULL,
    status     text NOT NULL,
    status_on  date NOT NULL,
    PRIMARY KEY (extract_id, rec)
);

-- Row-level security: an ingest session sets `outcomes.agency_id` and sees and
-- writes only that agency's rows. The compute role reads every row.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['agency_county', 'extract', 'youth', 'cse_flag',
        'placement', 'absence', 'event', 'school_term', 'assessment',
        'stage_of_change', 'goal']
    LOOP
        EXECUTE format('ALTER TABLE core.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY ingest_own_agency ON core.%I TO outcomes_ingest
            USING (agency_id = nullif(current_setting('outcomes.agency_id', true), '')::integer)
            WITH CHECK (agency_id = nullif(current_setting('outcomes.agency_id', true), '')::integer)$p$, t);
        EXECUTE format('CREATE POLICY compute_reads_all ON core.%I FOR SELECT TO outcomes_compute USING (true)', t);
        EXECUTE format('GRANT SELECT ON core.%I TO outcomes_compute', t);
        EXECUTE format('GRANT SELECT, INSERT ON core.%I TO outcomes_ingest', t);
    END LOOP;
END
$$;

ALTER TABLE core.agency ENABLE ROW LEVEL SECURITY;
CREATE POLICY ingest_own_agency ON core.agency TO outcomes_ingest
    USING (id = nullif(current_setting('outcomes.agency_id', true), '')::integer);
CREATE POLICY compute_reads_all ON core.agency FOR SELECT TO outcomes_compute USING (true);
GRANT SELECT ON core.agency TO outcomes_ingest, outcomes_compute;
GRANT SELECT ON core.current_extract TO outcomes_ingest, outcomes_compute;
