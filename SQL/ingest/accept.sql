-- Copies a validated extract from the staging tables into the record tables.
--
-- Runs in the same transaction as validate.sql, acting as outcomes_ingest, only
-- when validation found nothing, so plain casts are safe here. Codes are stored in their canonical spelling;
-- identifiers are already keyed hashes. Session settings:
--   outcomes.agency_id, outcomes.extract_id

INSERT INTO core.youth (extract_id, agency_id, rec, youth_hash, linkage_hash, county_fips, birth_month, gender,
                        race_categories, race_details, race_source)
SELECT current_setting('outcomes.extract_id')::bigint, current_setting('outcomes.agency_id')::integer, rec,
       youth_key, linkage_id, trim(county_fips), (trim(birth_month) || '-01')::date, lower(trim(gender)),
       ingest.race_categories(race_ethnicity), ingest.race_details(race_ethnicity), lower(trim(race_source))
FROM pg_temp.stage_youth;

INSERT INTO core.cse_flag (extract_id, agency_id, rec, youth_hash, flag, flagged_on, basis, exploitation_types,
                           incident_on, last_occurrence_on, resolved_on)
SELECT current_setting('outcomes.extract_id')::bigint, current_setting('outcomes.agency_id')::integer, rec,
       youth_key, lower(trim(flag)), nullif(trim(flagged_on), '')::date, lower(trim(basis)),
       coalesce((SELECT array_agg(lower(v) ORDER BY lower(v)) FROM unnest(ingest.split_values(exploitation_types)) v), '{}'),
       nullif(trim(incident_on), '')::date, nullif(trim(last_occurrence_on), '')::date, nullif(trim(resolved_on), '')::date
FROM pg_temp.stage_cse_flags;

INSERT INTO core.placement (extract_id, agency_id, rec, youth_hash, started_on, ended_on, setting, end_reason)
SELECT current_setting('outcomes.extract_id')::bigint, current_setting('outcomes.agency_id')::integer, rec,
       youth_key, nullif(trim(started_on), '')::date, nullif(trim(ended_on), '')::date, lower(trim(setting)),
       nullif(lower(trim(end_reason)), '')
FROM pg_temp.stage_placements;

INSERT INTO core.absence (extract_id, agency_id, rec, youth_hash, left_on, returned_on, returned_to_same_caregiver)
SELECT current_setting('outcomes.extract_id')::bigint, current_setting('outcomes.agency_id')::integer, rec,
       youth_key, nullif(trim(left_on), '')::date, nullif(trim(returned_on), '')::date,
       CASE lower(trim(returned_to_same_caregiver)) WHEN 'yes' THEN true WHEN 'no' THEN false END
FROM pg_temp.stage_absences;

INSERT INTO core.event (extract_id, agency_id, rec, youth_hash, event, occurred_on, detail)
SELECT current_setting('outcomes.extract_id')::bigint, current_setting('outcomes.agency_id')::integer, rec,
       youth_key, lower(trim(event)), nullif(trim(occurred_on), '')::date, nullif(lower(trim(detail)), '')
FROM pg_temp.stage_events;

INSERT INTO core.school_term (extract_id, agency_id, rec, youth_hash, term_start, term_end, days_enrolled,
                              days_attended, credits_earned)
SELECT current_setting('outcomes.extract_id')::bigint, current_setting('outcomes.agency_id')::integer, rec,
       youth_key, nullif(trim(term_start), '')::date, nullif(trim(term_end), '')::date, nullif(trim(days_enrolled), '')::integer,
       nullif(trim(days_attended), '')::integer, nullif(trim(credits_earned), '')::numeric
FROM pg_temp.stage_school_terms;

INSERT INTO core.assessment (extract_id, agency_id, rec, youth_hash, instrument, administered_on, item, score)
SELECT current_setting('outcomes.extract_id')::bigint, current_setting('outcomes.agency_id')::integer, rec,
       youth_key, upper(trim(instrument)), nullif(trim(administered_on), '')::date, trim(item), nullif(trim(score), '')::numeric
FROM pg_temp.stage_assessments;

INSERT INTO core.stage_of_change (extract_id, agency_id, rec, youth_hash, assessed_on, behavior, stage)
SELECT current_setting('outcomes.extract_id')::bigint, current_setting('outcomes.agency_id')::integer, rec,
       youth_key, nullif(trim(assessed_on), '')::date, lower(trim(behavior)), lower(trim(stage))
FROM pg_temp.stage_stages_of_change;

INSERT INTO core.goal (extract_id, agency_id, rec, youth_hash, goal_id, domain, set_on, status, status_on)
SELECT current_setting('outcomes.extract_id')::bigint, current_setting('outcomes.agency_id')::integer, rec,
       youth_key, trim(goal_id), nullif(trim(domain), '')::integer, nullif(trim(set_on), '')::date, lower(trim(status)),
       nullif(trim(status_on), '')::date
FROM pg_temp.stage_goals;
