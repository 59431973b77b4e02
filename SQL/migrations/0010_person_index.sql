-- The person index: the persons of the current extracts and their
-- de-duplicated histories. They depend only on which extracts are current,
-- never on the period, yet the engine worked them out in both of its sessions
-- for every period it computed (about 0.9 s of each session's 10 s at 100,000
-- youth). Now IndicatorEngine rebuilds them (SQL/indicators/persons.sql) once
-- whenever the current extracts have changed, before it computes, and every
-- computation reads them; inputs.sql refuses an index that was not built from
-- the extracts its own snapshot sees as current.
--
-- Record-level data (keyed hashes, dates, demographics), so only the compute
-- role may read them, and it alone may, as it builds them: the schema and its
-- tables belong to it (an owner may also analyse and vacuum its tables, which
-- the rebuild needs). No other role has any privilege here.

CREATE SCHEMA person_index AUTHORIZATION outcomes_compute;

SET LOCAL ROLE outcomes_compute;

-- One row: the extracts the index was built from (core.current_extract's
-- ids, ascending) and when.
CREATE TABLE person_index.state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    extracts  bigint[] NOT NULL,
    built_at  timestamptz NOT NULL
);

-- Every youth record of a current extract, with its person: youths with the
-- same linkage_hash in the same county are one person, any other record is a
-- person of its own. person_id numbers the persons in order of county and
-- linkage (dense_rank), so the same extracts always give the same ids.
CREATE TABLE person_index.record (
    extract_id  bigint NOT NULL,
    youth_hash  text NOT NULL,
    agency_id   integer NOT NULL,
    agency_code text NOT NULL,
    person_id   integer NOT NULL,
    PRIMARY KEY (extract_id, youth_hash)
);

-- Each person's demographics, from one of their records (race_source self
-- first, then observed, then agency code, then youth_hash), and the optional
-- files any of the agencies reporting them sent (coverage).
CREATE TABLE person_index.person (
    person_id       integer PRIMARY KEY,
    county_fips     character(5) NOT NULL,
    birth_month     date NOT NULL,
    gender          text NOT NULL,
    race_categories text[] NOT NULL,
    race_source     text NOT NULL,
    c_pl            boolean NOT NULL,  -- placements.csv
    c_ab            boolean NOT NULL,  -- absences.csv
    c_ev            boolean NOT NULL,  -- events.csv
    c_st            boolean NOT NULL,  -- school_terms.csv
    c_as            boolean NOT NULL,  -- assessments.csv
    c_sc            boolean NOT NULL,  -- stages_of_change.csv
    c_go            boolean NOT NULL   -- goals.csv
);

-- Every flag of a person's records, with the flag's rank (at_risk <
-- suspected < confirmed).
CREATE TABLE person_index.flag (
    person_id   integer NOT NULL,
    rank        integer NOT NULL,
    flagged_on  date NOT NULL,
    resolved_on date
);

-- A person's placement episodes, one per start date (the one open or ending
-- last, then the lowest agency code and record number).
CREATE TABLE person_index.placement (
    person_id  integer NOT NULL,
    started_on date NOT NULL,
    ended_on   date,
    setting    text NOT NULL,
    rank       integer
);

-- A person's absences, one per left_on (a returned, answered one first).
CREATE TABLE person_index.absence (
    person_id   integer NOT NULL,
    left_on     date NOT NULL,
    returned_on date,
    same        boolean  -- returned_to_same_caregiver
);

-- A person's school terms, one per term_start and term_end.
CREATE TABLE person_index.school_term (
    person_id      integer NOT NULL,
    term_start     date NOT NULL,
    term_end       date NOT NULL,
    days_enrolled  integer NOT NULL,
    days_attended  integer NOT NULL,
    credits_earned numeric
);

-- A person's events, as each agency reported them (the engine counts an
-- event reported by two agencies once: the most times any one of them
-- reported it that day). event is ref.code's ord in the list 'event': the
-- engine scans these 3 million rows (at 100,000 youth) for every period, and
-- a small integer keeps them narrow and quick to compare.
CREATE TABLE person_index.event (
    person_id   integer NOT NULL,
    agency_id   integer NOT NULL,
    event       smallint NOT NULL,
    occurred_on date NOT NULL,
    detail      text
);

-- A person's instrument scores (core.assessment_score, worked out at
-- acceptance), one administration per instrument and day (a scored one
-- first, then the lowest agency code).
CREATE TABLE person_index.assessment (
    person_id                  integer NOT NULL,
    instrument                 text NOT NULL,
    administered_on            date NOT NULL,
    mspss_total                numeric,
    copse_total                numeric,
    urica_readiness            numeric,
    cans_behavioral_items      integer,
    cans_behavioral_actionable integer,
    cans_substance_actionable  integer,
    voice_sense_of_control     numeric
);

-- A person's stages of change, one per behavior and day (the lowest agency
-- code and record number).
CREATE TABLE person_index.stage_of_change (
    person_id   integer NOT NULL,
    behavior    text NOT NULL,
    assessed_on date NOT NULL,
    stage       text NOT NULL
);

-- A person's goals, as reported (each agency's goals are its own).
CREATE TABLE person_index.goal (
    person_id integer NOT NULL,
    status    text NOT NULL,
    status_on date NOT NULL
);

-- Whether the index was built from the extracts that are current in the
-- caller's snapshot.
CREATE FUNCTION person_index.is_current() RETURNS boolean
LANGUAGE sql STABLE
RETURN coalesce((SELECT s.extracts FROM person_index.state s)
                    = (SELECT coalesce(array_agg(ce.extract_id ORDER BY ce.extract_id), '{}')
                       FROM core.current_extract ce),
                false);

RESET ROLE;
