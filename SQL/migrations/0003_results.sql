-- The indicator engine's definitions and results.
--
--   ref.measure     the measure catalogue (measures.md), the ONE home of every
--                   definition: the engine, the reports and `outcomes measures`
--                   read it.
--   ref.stratum     the stratifications and their values.
--   ref.* functions scoring and classification rules (periods, age groups,
--                   race/ethnicity, MSPSS, COPSE, URICA, CANS).
--   core.current_assessment_score
--                   one scored row per instrument administration of the
--                   agencies' current extracts.
--   result.*        computations, their cells (with the suppression decision)
--                   and the publishable views, the only thing analysts read.
--
-- SQL/indicators/compute.sql fills result.cell for a period and
-- SQL/indicators/suppress.sql decides suppression for it.

-- ===========================================================================
-- Measure catalogue
-- ===========================================================================

CREATE TABLE ref.measure (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
    ord         integer NOT NULL UNIQUE CHECK (ord BETWEEN 1 AND 9999),
    -- Outcome domain 1-13; NULL for population, progress and data-quality
    -- measures that serve no single domain.
    domain      integer REFERENCES ref.domain (number) CHECK (domain BETWEEN 1 AND 13),
    name        text NOT NULL UNIQUE,
    definition  text NOT NULL,
    numerator   text NOT NULL,
    denominator text,
    unit        text NOT NULL CHECK (unit IN ('count', 'percent', 'rate_per_1000_days',
                    'rate_per_100000_days', 'mean', 'incremental', 'distribution')),
    direction   text NOT NULL CHECK (direction IN ('higher', 'lower', 'neither')),
    -- Extract files the measure uses. A county none of whose agencies sent one
    -- of the optional files among them is "not reported" for the measure.
    sources     text[] NOT NULL,
    -- Incremental measures: the per-person observation that is compared.
    observation text,
    -- Distribution measures: the categories, in order (one row each).
    categories  text[],
    -- false: published for the stratum `all` only.
    stratified  boolean NOT NULL DEFAULT true,
    CHECK ((unit = 'incremental') = (observation IS NOT NULL)),
    CHECK ((unit = 'distribution') = (categories IS NOT NULL)),
    CHECK ((unit = 'count') = (denominator IS NULL)),
    CHECK (sources <@ ARRAY['youth.csv', 'cse_flags.csv', 'placements.csv', 'absences.csv',
        'events.csv', 'school_terms.csv', 'assessments.csv', 'stages_of_change.csv', 'goals.csv'])
);

COMMENT ON TABLE ref.measure IS
    'The measure catalogue: every published measure with its exact definition. '
    'Terms used in the definitions: a person is one youth of one agency, except that youths '
    'with the same linkage_id in the same county are one person (records of all agencies combined). '
    'In scope for period P: at least one CSE determination with flagged_on <= P.end and resolved_on '
    'empty or >= P.start. "In P" means P.start <= date <= P.end. Only persons reported by an agency '
    'that sent the measure''s optional source files count (an agency without a file does not report '
    'that domain; its youths are left out, never counted as zero).';

INSERT INTO ref.measure (code, ord, domain, name, definition, numerator, denominator, unit, direction, sources, observation, categories, stratified) VALUES
('population_in_scope', 10, NULL, 'Youth in scope',
 'Number of persons in scope for the period: persons with at least one CSE determination (confirmed, suspected or at risk) documented on or before the last day of the period (flagged_on <= P.end) that was not resolved before the period began (resolved_on empty, or on or after P.start; a determination resolved on P.start is in scope, one resolved the day before is not). Youths reported by several agencies with the same linkage_id in the same county count once.',
 'persons in scope', NULL, 'count', 'neither', '{youth.csv,cse_flags.csv}', NULL, NULL, true),

('population_newly_identified', 20, NULL, 'Youth newly identified',
 'Number of in-scope persons whose earliest CSE determination (the smallest flagged_on over all of their cse_flags rows) falls in the period.',
 'in-scope persons whose earliest flagged_on is in P', NULL, 'count', 'neither', '{youth.csv,cse_flags.csv}', NULL, NULL, true),

('race_self_reported_share', 30, NULL, 'Race/ethnicity self-reported',
 'Percentage of in-scope persons whose race/ethnicity was self-identified by the youth (race_source = self), as opposed to recorded by a worker or unknown. A data-quality figure, published for all persons only. For a person reported by several agencies, demographics come from one record: a self-identified one first, then a worker-recorded one, then the agency code in alphabetical order.',
 'in-scope persons with race_source self', 'in-scope persons', 'percent', 'higher', '{youth.csv,cse_flags.csv}', NULL, NULL, false),

('safety_exploitation_incident', 110, 1, 'Exploitation incident',
 'Percentage of in-scope persons with at least one exploitation_incident event in the period.',
 'in-scope persons with >= 1 exploitation_incident in P', 'in-scope persons (reported by an agency that sends events.csv)', 'percent', 'lower', '{cse_flags.csv,events.csv}', NULL, NULL, true),

('safety_maltreatment_in_care', 120, 1, 'Maltreatment in care',
 'Substantiated maltreatment events (maltreatment_substantiated) in the period that fall on a placement day of the same person, per 100,000 placement days in the period. A placement day is a day d with P.start <= d <= P.end inside a placement episode (started_on <= d and (ended_on empty or d < ended_on)); the day an episode ends is not a placement day of it; days covered by overlapping episodes of one person count once.',
 'maltreatment_substantiated events in P on a placement day of in-scope persons', 'placement days in P of in-scope persons (reported by agencies that send events.csv and placements.csv)', 'rate_per_100000_days', 'lower', '{cse_flags.csv,events.csv,placements.csv}', NULL, NULL, true),

('safety_homelessness', 130, 1, 'Homelessness',
 'Percentage of in-scope persons with at least one homelessness event in the period.',
 'in-scope persons with >= 1 homelessness event in P', 'in-scope persons (reported by an agency that sends events.csv)', 'percent', 'lower', '{cse_flags.csv,events.csv}', NULL, NULL, true),

('health_hospitalization', 210, 2, 'Hospitalization',
 'Percentage of in-scope persons with at least one hospitalization event in the period.',
 'in-scope persons with >= 1 hospitalization in P', 'in-scope persons (reported by an agency that sends events.csv)', 'percent', 'lower', '{cse_flags.csv,events.csv}', NULL, NULL, true),

('health_injury_treated', 220, 2, 'Injuries treated within 7 days',
 'Percentage of injury events of in-scope persons in the period that were followed by an injury_treated event of the same person within 7 days: on the day of the injury or up to 7 days after it (the treatment may fall after the period). A unit is an injury event, not a person; the same event reported by two agencies of one person (same day) counts once.',
 'injury events in P followed by injury_treated within 7 days', 'injury events in P of in-scope persons', 'percent', 'higher', '{cse_flags.csv,events.csv}', NULL, NULL, true),

('mental_crisis', 310, 3, 'Mental health crisis',
 'Percentage of in-scope persons with at least one psychiatric_hold or psychiatric_hospitalization event in the period.',
 'in-scope persons with >= 1 psychiatric_hold or psychiatric_hospitalization in P', 'in-scope persons (reported by an agency that sends events.csv)', 'percent', 'lower', '{cse_flags.csv,events.csv}', NULL, NULL, true),

('mental_service_access', 320, 3, 'Mental health service',
 'Percentage of in-scope persons with at least one mental_health_service event in the period.',
 'in-scope persons with >= 1 mental_health_service in P', 'in-scope persons (reported by an agency that sends events.csv)', 'percent', 'higher', '{cse_flags.csv,events.csv}', NULL, NULL, true),

('placement_moves', 410, 4, 'Placement moves',
 'Placement moves per 1,000 placement days in the period. A move is a placement episode of an in-scope person that starts in the period and begins on the day, or the day after, an earlier episode of the same person ended (an episode starting two or more days after the previous one ended is not a move; the first episode is not a move). Episodes of one person starting on the same day (e.g. reported by two agencies) count once. Placement days as in safety_maltreatment_in_care.',
 'moves in P of in-scope persons', 'placement days in P of in-scope persons (reported by an agency that sends placements.csv)', 'rate_per_1000_days', 'lower', '{cse_flags.csv,placements.csv}', NULL, NULL, true),

('placement_absences', 420, 4, 'Absences from placement',
 'Absences without permission with left_on in the period, per 1,000 placement days in the period, of in-scope persons reported by agencies that send both absences.csv and placements.csv. The same absence reported by two agencies of one person (same left_on) counts once.',
 'absences of in-scope persons with left_on in P', 'placement days in P of those persons', 'rate_per_1000_days', 'lower', '{cse_flags.csv,absences.csv,placements.csv}', NULL, NULL, true),

('placement_return_same_caregiver', 430, 4, 'Return to the same caregiver',
 'Of absences of in-scope persons with returned_on in the period and returned_to_same_caregiver answered (yes or no), the percentage answered yes. Absences with no answer are left out. A unit is an absence, not a person.',
 'those absences answered yes', 'absences of in-scope persons with returned_on in P and the question answered', 'percent', 'higher', '{cse_flags.csv,absences.csv}', NULL, NULL, true),

('placement_step_down', 440, 4, 'Step-down to a less restrictive setting',
 'Percentage of in-scope persons with at least one placement day in the period who had at least one move in the period (as in placement_moves) into a ranked setting of lower restrictiveness rank than the episode it followed (the earlier episode that ended on or the day before; if several did, the one that ended last). Ranks: home_of_parent 1; relative_nrefm, guardian 2; resource_family 3; ffa_home 4; isfc 5; strtp, group_home 6; shelter, juvenile_facility, transitional_housing, supervised_independent and other are unranked and never count as a step-down, into or from.',
 'those persons with a step-down move in P', 'in-scope persons with >= 1 placement day in P', 'percent', 'higher', '{cse_flags.csv,placements.csv}', NULL, NULL, true),

('care_medical_exam', 510, 5, 'Medical exam within 12 months',
 'Percentage of in-scope persons with at least 30 placement days in the period who had a medical_exam event in the 12 months ending on the last day of the period (P.end minus 12 months < date <= P.end).',
 'those persons with a medical_exam in the 12 months ending P.end', 'in-scope persons with >= 30 placement days in P (reported by agencies that send events.csv and placements.csv)', 'percent', 'higher', '{cse_flags.csv,events.csv,placements.csv}', NULL, NULL, true),

('care_dental_exam', 520, 5, 'Dental exam within 12 months',
 'Percentage of in-scope persons with at least 30 placement days in the period who had a dental_exam event in the 12 months ending on the last day of the period (P.end minus 12 months < date <= P.end).',
 'those persons with a dental_exam in the 12 months ending P.end', 'in-scope persons with >= 30 placement days in P (reported by agencies that send events.csv and placements.csv)', 'percent', 'higher', '{cse_flags.csv,events.csv,placements.csv}', NULL, NULL, true),

('education_enrolled', 610, 6, 'Enrolled in school',
 'Percentage of in-scope persons aged 6 to 17 on the last day of the period who have a school term overlapping the period (term_start <= P.end and term_end >= P.start). Age is in whole years on P.end counted from the first day of the birth month.',
 'those persons with a school term overlapping P', 'in-scope persons aged 6-17 at P.end (reported by an agency that sends school_terms.csv)', 'percent', 'higher', '{youth.csv,cse_flags.csv,school_terms.csv}', NULL, NULL, true),

('education_attendance_rate', 620, 6, 'School attendance rate',
 'Days attended as a percentage of days enrolled, summed over the school terms of in-scope persons that end in the period: 100 x sum(days_attended) / sum(days_enrolled). The same term (same start and end) reported by two agencies of one person counts once. Published only when at least 11 persons have such a term.',
 'sum of days_attended over terms ending in P', 'sum of days_enrolled over those terms', 'percent', 'higher', '{cse_flags.csv,school_terms.csv}', NULL, NULL, true),

('education_diploma', 630, 6, 'High school diploma or equivalency',
 'Percentage of in-scope persons aged 18 or over on the last day of the period with an hs_diploma or hse_certificate event on or before the last day of the period.',
 'those persons with hs_diploma or hse_certificate on or before P.end', 'in-scope persons aged 18+ at P.end (reported by an agency that sends events.csv)', 'percent', 'higher', '{youth.csv,cse_flags.csv,events.csv}', NULL, NULL, true),

('workforce_employment', 710, 7, 'Employment or internship',
 'Percentage of in-scope persons aged 16 or over on the last day of the period with at least one employment or internship event in the period.',
 'those persons with >= 1 employment or internship in P', 'in-scope persons aged 16+ at P.end (reported by an agency that sends events.csv)', 'percent', 'higher', '{youth.csv,cse_flags.csv,events.csv}', NULL, NULL, true),

('workforce_extracurricular', 720, 7, 'Extracurricular activity',
 'Percentage of in-scope persons with at least one extracurricular event in the period.',
 'in-scope persons with >= 1 extracurricular in P', 'in-scope persons (reported by an agency that sends events.csv)', 'percent', 'higher', '{cse_flags.csv,events.csv}', NULL, NULL, true),

('agency_vital_documents', 810, 8, 'Holds vital documents',
 'Percentage of in-scope persons aged 16 or over on the last day of the period with document_obtained events for all three of birth_certificate, ssn_card and state_id on or before the last day of the period.',
 'those persons with all three documents obtained by P.end', 'in-scope persons aged 16+ at P.end (reported by an agency that sends events.csv)', 'percent', 'higher', '{youth.csv,cse_flags.csv,events.csv}', NULL, NULL, true),

('agency_sense_of_control', 820, 8, 'Sense of control (youth voice)',
 'Mean, over in-scope persons with a VOICE administration in the period that includes the sense_of_control item, of that item''s score (1-5) in their latest such administration. Published with the number of persons averaged; suppressed when fewer than 11.',
 'sum of the scores (not published)', 'in-scope persons with a VOICE sense_of_control score in P', 'mean', 'higher', '{cse_flags.csv,assessments.csv}', NULL, NULL, true),

('substance_actionable_need', 910, 9, 'Actionable substance use need',
 'Of in-scope persons with a CANS administered on or before the last day of the period, the percentage whose latest such CANS has any substance.* item scored 2 or 3 (actionable). A latest CANS without substance.* items counts as no actionable need.',
 'those persons whose latest CANS has a substance.* item scored 2-3', 'in-scope persons with a CANS on or before P.end', 'percent', 'lower', '{cse_flags.csv,assessments.csv}', NULL, NULL, true),

('substance_treatment_access', 920, 9, 'Substance use treatment',
 'Of the persons counted in the numerator of substance_actionable_need, the percentage with at least one sud_treatment event in the period.',
 'those persons with >= 1 sud_treatment in P', 'numerator of substance_actionable_need (persons reported by an agency that sends events.csv)', 'percent', 'higher', '{cse_flags.csv,assessments.csv,events.csv}', NULL, NULL, true),

('legal_dual_status', 1010, 10, 'Dual status',
 'Percentage of in-scope persons with at least one dual_status event in the period.',
 'in-scope persons with >= 1 dual_status in P', 'in-scope persons (reported by an agency that sends events.csv)', 'percent', 'lower', '{cse_flags.csv,events.csv}', NULL, NULL, true),

('legal_victim_witness', 1020, 10, 'Victim/witness testimony',
 'Number of victim_witness_testimony events of in-scope persons in the period. The same event reported by two agencies of one person (same day) counts once.',
 'victim_witness_testimony events in P', NULL, 'count', 'neither', '{cse_flags.csv,events.csv}', NULL, NULL, true),

('risk_arrest', 1110, 11, 'Arrest',
 'Percentage of in-scope persons with at least one arrest event in the period.',
 'in-scope persons with >= 1 arrest in P', 'in-scope persons (reported by an agency that sends events.csv)', 'percent', 'lower', '{cse_flags.csv,events.csv}', NULL, NULL, true),

('risk_detention', 1120, 11, 'Detention admission',
 'Percentage of in-scope persons with at least one detention_admission event in the period.',
 'in-scope persons with >= 1 detention_admission in P', 'in-scope persons (reported by an agency that sends events.csv)', 'percent', 'lower', '{cse_flags.csv,events.csv}', NULL, NULL, true),

('parent_parenting', 1210, 12, 'Parenting youth',
 'Percentage of in-scope persons with a birth event on or before the last day of the period.',
 'in-scope persons with a birth on or before P.end', 'in-scope persons (reported by an agency that sends events.csv)', 'percent', 'neither', '{cse_flags.csv,events.csv}', NULL, NULL, true),

('sexual_health_visit', 1220, 12, 'Reproductive health visit',
 'Percentage of in-scope persons with at least one reproductive_health_visit event in the period.',
 'in-scope persons with >= 1 reproductive_health_visit in P', 'in-scope persons (reported by an agency that sends events.csv)', 'percent', 'higher', '{cse_flags.csv,events.csv}', NULL, NULL, true),

('sexual_health_sti', 1230, 12, 'STI diagnosis',
 'Percentage of in-scope persons with at least one sti_diagnosis event in the period.',
 'in-scope persons with >= 1 sti_diagnosis in P', 'in-scope persons (reported by an agency that sends events.csv)', 'percent', 'lower', '{cse_flags.csv,events.csv}', NULL, NULL, true),

('relationships_supportive_adult', 1310, 13, 'Contact with a supportive adult',
 'Percentage of in-scope persons with at least one supportive_adult_contact event in the period.',
 'in-scope persons with >= 1 supportive_adult_contact in P', 'in-scope persons (reported by an agency that sends events.csv)', 'percent', 'higher', '{cse_flags.csv,events.csv}', NULL, NULL, true),

('relationships_social_support', 1320, 13, 'Perceived social support (MSPSS)',
 'Mean MSPSS total of in-scope persons'' latest complete MSPSS administered in the period. MSPSS total = mean of items 1-12 (range 1-7); an administration missing any of the 12 items is not scored and is ignored. Bands: below 3 low, 3 to 5 moderate, above 5 high. Published with the number of persons averaged; suppressed when fewer than 11.',
 'sum of the totals (not published)', 'in-scope persons with a complete MSPSS in P', 'mean', 'higher', '{cse_flags.csv,assessments.csv}', NULL, NULL, true),

('progress_goals_met', 1410, NULL, 'Case-plan goals met',
 'Of case-plan goals of in-scope persons whose status_on falls in the period and whose status is met or discontinued, the percentage met. A unit is a goal. Goals still in progress are left out.',
 'those goals with status met', 'goals of in-scope persons with status met or discontinued and status_on in P', 'percent', 'higher', '{cse_flags.csv,goals.csv}', NULL, NULL, true),

('progress_readiness_stage', 1420, NULL, 'Readiness to change (URICA stage)',
 'Of in-scope persons with a complete URICA administered on or before the last day of the period, the percentage whose latest complete URICA falls in each stage (one row per stage). URICA (32 items, scores 1-5): subscale = mean of its 7 scored items - precontemplation 1, 5, 11, 13, 23, 26, 29; contemplation 2, 8, 12, 15, 19, 21, 24; action 3, 7, 10, 14, 17, 25, 30; maintenance 6, 16, 18, 22, 27, 28, 32 (items 4, 9, 20, 31 are not scored); an administration missing any of the 28 scored items is not scored. Readiness = contemplation + action + maintenance - precontemplation. The project''s documented cut-offs (published cut-offs vary): readiness below 8 precontemplation; 8 or more and below 11 contemplation; 11 or more and below 14 preparation_action; 14 or more maintenance (so exactly 8, 11 and 14 fall in the higher stage).',
 'persons whose latest complete URICA is in the stage', 'in-scope persons with a complete URICA on or before P.end', 'distribution', 'neither', '{cse_flags.csv,assessments.csv}', NULL,
 '{precontemplation,contemplation,preparation_action,maintenance}', true),

-- Incremental progress. For each, an in-scope person's change compares their
-- latest observation in P with the observation just before it (inside P or
-- earlier); persons without both are not compared. Observations of one person
-- on the same date (e.g. from two agencies) count once.
('education_attendance_change', 2010, 6, 'Change in school attendance',
 'Per person, days attended per week in their latest school term ending in the period compared with their previous term (ordered by term_end; terms ending after the period are ignored). Days attended per week = days_attended / (days_enrolled / 5). Terms with days_enrolled = 0 are not observations. Change = latest - previous; an increase is an improvement, zero is unchanged. Published: persons compared, % improved, % unchanged, % worse and the median change (mean of the two middle values when the count is even).',
 'persons improved', 'persons compared', 'incremental', 'higher', '{cse_flags.csv,school_terms.csv}',
 'days attended per week in a term = days_attended / (days_enrolled / 5), per term ending in or before P, ordered by term_end (terms with days_enrolled = 0 are not observations)', NULL, true),

('education_credits_change', 2020, 6, 'Change in credits earned',
 'Per person, credits_earned in their latest school term ending in the period (with credits reported) compared with the previous such term (ordered by term_end). Change = latest - previous; an increase is an improvement. Median change in credits.',
 'persons improved', 'persons compared', 'incremental', 'higher', '{cse_flags.csv,school_terms.csv}',
 'credits_earned per term (terms with credits_earned reported), ordered by term_end', NULL, true),

('placement_absence_frequency_change', 2030, 4, 'Change in absence frequency',
 'Per person with placement days both in the period and in the period of equal length just before P.start, absences per 30 placement days in the period (30 x absences with left_on in P / placement days in P) compared with the same figure for the earlier period. Change = period - earlier period; a decrease is an improvement. Only persons reported by agencies that send absences.csv and placements.csv.',
 'persons improved', 'persons compared', 'incremental', 'lower', '{cse_flags.csv,absences.csv,placements.csv}',
 'absences per 30 placement days, in P vs the period of equal length just before P.start (persons with placement days in both)', NULL, true),

('placement_time_away_change', 2040, 4, 'Change in time away',
 'Per person, days away (returned_on - left_on) of their latest returned absence (returned_on in the period) compared with their previous returned absence (ordered by returned_on, then left_on). Change = latest - previous; a decrease is an improvement. Median change in days.',
 'persons improved', 'persons compared', 'incremental', 'lower', '{cse_flags.csv,absences.csv}',
 'days away (returned_on - left_on) of the latest returned absence vs the one before', NULL, true),

('placement_restrictiveness_change', 2050, 4, 'Change in placement restrictiveness',
 'Per person, the restrictiveness rank of their latest ranked placement episode starting in the period compared with the ranked episode before it (ordered by started_on; unranked settings are skipped). Ranks as in placement_step_down. Change = latest - previous; a decrease (a less restrictive, more family-like setting) is an improvement.',
 'persons improved', 'persons compared', 'incremental', 'lower', '{cse_flags.csv,placements.csv}',
 'rank of the latest ranked placement vs the ranked placement before it', NULL, true),

('mental_cans_needs_change', 2060, 3, 'Change in actionable behavioral needs (CANS)',
 'Per person, the number of behavioral.* CANS items scored 2 or 3 (actionable) in their latest CANS administered in the period compared with their previous CANS. Only administrations that rate at least one behavioral.* item are observations. Change = latest - previous; a decrease is an improvement.',
 'persons improved', 'persons compared', 'incremental', 'lower', '{cse_flags.csv,assessments.csv}',
 'number of behavioral.* CANS items scored 2-3 in an administration (administrations rating at least one behavioral.* item)', NULL, true),

('relationships_social_support_change', 2070, 13, 'Change in perceived social support (MSPSS)',
 'Per person, the MSPSS total (mean of items 1-12; all 12 required) of their latest complete MSPSS in the period compared with their previous complete MSPSS. Change = latest - previous; an increase is an improvement.',
 'persons improved', 'persons compared', 'incremental', 'higher', '{cse_flags.csv,assessments.csv}',
 'MSPSS total of a complete administration', NULL, true),

('progress_coping_change', 2080, 8, 'Change in coping self-efficacy (COPSE)',
 'Per person, the COPSE total (sum of items 1-26, range 0-260; all 26 required) of their latest complete COPSE in the period compared with their previous complete COPSE. Change = latest - previous; an increase is an improvement.',
 'persons improved', 'persons compared', 'incremental', 'higher', '{cse_flags.csv,assessments.csv}',
 'COPSE total of a complete administration', NULL, true),

('progress_stage_change', 2090, NULL, 'Change in stage of change',
 'Per person and behavior (the unit is person x behavior: a person assessed on several behaviors counts once per behavior), the latest stage of change assessed in the period compared with the stage assessed just before it for the same behavior. Order: precontemplation < contemplation < preparation < action < maintenance; a later stage is improved, an earlier one worse, the same stage unchanged. A move to relapse is worse; from relapse, any other stage is improved; relapse to relapse is unchanged. No median is published.',
 'units improved', 'person x behavior units compared', 'incremental', 'higher', '{cse_flags.csv,stages_of_change.csv}',
 'stage of change for one behavior (person x behavior)', NULL, true);

-- ===========================================================================
-- Strata
-- ===========================================================================

-- `additive`: the values of the stratification sum to the `all` cell (each
-- person falls in exactly one). `race_any` is not additive. The `all` row is
-- the total of every additive group, not itself a stratification to sum.
CREATE TABLE ref.stratum (
    stratification text NOT NULL CHECK (stratification IN
                       ('all', 'tier', 'concern', 'age_group', 'gender', 'race_alone', 'race_any')),
    stratum        text NOT NULL,
    ord            integer NOT NULL UNIQUE CHECK (ord BETWEEN 1 AND 9999),
    label          text NOT NULL,
    additive       boolean NOT NULL,
    PRIMARY KEY (stratification, stratum),
    CHECK ((stratification = 'all') = (stratum = 'all'))
);

INSERT INTO ref.stratum (stratification, stratum, ord, label, additive) VALUES
    ('all',        'all',                 1, 'All youth in scope', false),
    ('tier',       'confirmed',          11, 'Confirmed', true),
    ('tier',       'suspected',          12, 'Suspected', true),
    ('tier',       'at_risk',            13, 'At risk', true),
    ('concern',    'current',            21, 'Current concern', true),
    ('concern',    'resolved',           22, 'Resolved concern', true),
    ('age_group',  'under_12',           31, 'Under 12', true),
    ('age_group',  '12_13',              32, '12-13', true),
    ('age_group',  '14_15',              33, '14-15', true),
    ('age_group',  '16_17',              34, '16-17', true),
    ('age_group',  '18_21',              35, '18-21', true),
    ('age_group',  'over_21',            36, 'Over 21', true),
    ('gender',     'female',             41, 'Female', true),
    ('gender',     'male',               42, 'Male', true),
    ('gender',     'transgender_female', 43, 'Transgender female', true),
    ('gender',     'transgender_male',   44, 'Transgender male', true),
    ('gender',     'nonbinary',          45, 'Nonbinary', true),
    ('gender',     'another',            46, 'Another gender identity', true),
    ('gender',     'declined',           47, 'Declined to state', true),
    ('gender',     'unknown',            48, 'Unknown', true),
    ('race_alone', 'AIAN_alone',         51, 'American Indian or Alaska Native alone', true),
    ('race_alone', 'ASIAN_alone',        52, 'Asian alone', true),
    ('race_alone', 'BLACK_alone',        53, 'Black or African American alone', true),
    ('race_alone', 'HISPANIC_alone',     54, 'Hispanic or Latino alone', true),
    ('race_alone', 'MENA_alone',         55, 'Middle Eastern or North African alone', true),
    ('race_alone', 'NHPI_alone',         56, 'Native Hawaiian or Pacific Islander alone', true),
    ('race_alone', 'WHITE_alone',        57, 'White alone', true),
    ('race_alone', 'multiracial',        58, 'Multiracial and/or multiethnic (two or more categories)', true),
    ('race_alone', 'declined_unknown',   59, 'Declined or unknown', true),
    ('race_any',   'AIAN',               61, 'American Indian or Alaska Native, alone or in combination', false),
    ('race_any',   'ASIAN',              62, 'Asian, alone or in combination', false),
    ('race_any',   'BLACK',              63, 'Black or African American, alone or in combination', false),
    ('race_any',   'HISPANIC',           64, 'Hispanic or Latino, alone or in combination', false),
    ('race_any',   'MENA',               65, 'Middle Eastern or North African, alone or in combination', false),
    ('race_any',   'NHPI',               66, 'Native Hawaiian or Pacific Islander, alone or in combination', false),
    ('race_any',   'WHITE',              67, 'White, alone or in combination', false);

-- ===========================================================================
-- Rules as functions (plain SQL, immutable, inlined by the planner)
-- ===========================================================================

-- Reporting periods: SFY2025 = 2024-07-01 .. 2025-06-30; SFY2025Q1 = Jul-Sep
-- 2024, Q2 Oct-Dec, Q3 Jan-Mar, Q4 Apr-Jun. NULLs for anything else.
CREATE FUNCTION ref.period_bounds(label text, OUT period_start date, OUT period_end date)
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT s, (s + CASE WHEN length(label) = 7 THEN interval '12 months'
                        ELSE interval '3 months' END - interval '1 day')::date
    FROM (SELECT (make_date(substr(label, 4, 4)::integer - 1, 7, 1)
                  + (coalesce(nullif(substr(label, 9, 1), '')::integer, 1) - 1)
                    * interval '3 months')::date AS s
          WHERE label ~ '^SFY[0-9]{4}(Q[1-4])?$') AS p
    UNION ALL
    SELECT NULL, NULL WHERE label !~ '^SFY[0-9]{4}(Q[1-4])?$'
$$;

-- Age in whole years on a date, counted from the first day of the birth month
-- (the birthday is the 1st of the birth month: a youth born in 2009-07 is 15
-- on 2025-06-30 and 16 on 2025-07-01).
CREATE FUNCTION ref.age_on(birth_month date, on_date date) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (extract(year FROM on_date) - extract(year FROM birth_month)
        - CASE WHEN extract(month FROM on_date) < extract(month FROM birth_month) THEN 1 ELSE 0 END)::integer;

CREATE FUNCTION ref.age_group(age integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN age < 12 THEN 'under_12'
            WHEN age < 14 THEN '12_13'
            WHEN age < 16 THEN '14_15'
            WHEN age < 18 THEN '16_17'
            WHEN age <= 21 THEN '18_21'
            ELSE 'over_21' END;

-- The minimum race/ethnicity categories a youth chose, each once, in the
-- standard's order (DECLINED / UNKNOWN give an empty array).
CREATE FUNCTION ref.race_any(categories text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN array_remove(ARRAY[
    CASE WHEN 'AIAN'     = ANY (categories) THEN 'AIAN' END,
    CASE WHEN 'ASIAN'    = ANY (categories) THEN 'ASIAN' END,
    CASE WHEN 'BLACK'    = ANY (categories) THEN 'BLACK' END,
    CASE WHEN 'HISPANIC' = ANY (categories) THEN 'HISPANIC' END,
    CASE WHEN 'MENA'     = ANY (categories) THEN 'MENA' END,
    CASE WHEN 'NHPI'     = ANY (categories) THEN 'NHPI' END,
    CASE WHEN 'WHITE'    = ANY (categories) THEN 'WHITE' END], NULL);

-- X_alone for exactly one category, multiracial for two or more (so HISPANIC
-- with WHITE is multiracial), declined_unknown otherwise.
CREATE FUNCTION ref.race_alone(categories text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE cardinality(ref.race_any(categories))
            WHEN 0 THEN 'declined_unknown'
            WHEN 1 THEN (ref.race_any(categories))[1] || '_alone'
            ELSE 'multiracial' END;

-- CANS: a needs item scored 2 or 3 is actionable; a strengths item scored 0 or
-- 1 is a usable strength.
CREATE FUNCTION ref.cans_actionable(score numeric) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN score IN (2, 3);

CREATE FUNCTION ref.cans_usable_strength(score numeric) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN score IN (0, 1);

-- MSPSS bands of a total or subscale mean: < 3 low, 3-5 moderate, > 5 high.
CREATE FUNCTION ref.mspss_band(mean numeric) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN mean < 3 THEN 'low' WHEN mean <= 5 THEN 'moderate' ELSE 'high' END;

-- URICA stage of a readiness score (C + A + M - PC), the project's convention:
-- < 8 precontemplation; 8 <= r < 11 contemplation; 11 <= r < 14
-- preparation_action; r >= 14 maintenance.
CREATE FUNCTION ref.urica_stage(readiness numeric) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN readiness < 8 THEN 'precontemplation'
            WHEN readiness < 11 THEN 'contemplation'
            WHEN readiness < 14 THEN 'preparation_action'
            ELSE 'maintenance' END;

-- ===========================================================================
-- Instrument scoring of the current extracts
-- ===========================================================================

-- One row per administration (youth record, instrument, administered_on) of
-- the agencies' current extracts, with every score the measures use. Item
-- sets and subscales come from ref.instrument_item (mapped once to a slot
-- number, so the per-item work is integer comparisons). Completeness rules:
-- MSPSS needs all 12 items, COPSE all 26, URICA all 28 scored items; an
-- incomplete administration has NULL scores. URICA readiness is computed from
-- item sums, (sum C + sum A + sum M - sum PC) / 7, so that a readiness of
-- exactly 8, 11 or 14 is exact and falls in the higher stage. CANS: needs
-- items (behavioral.*, substance.*) scored 2-3 are actionable, strengths.*
-- items scored 0-1 are usable strengths.
CREATE VIEW core.current_assessment_score WITH (security_invoker = true) AS
WITH item AS (
    SELECT instrument, item,
           CASE WHEN instrument = 'MSPSS' THEN
                     CASE subscale WHEN 'significant_other' THEN 1 WHEN 'family' THEN 2
                                   WHEN 'friends' THEN 3 END
                WHEN instrument = 'URICA' THEN
                     CASE subscale WHEN 'precontemplation' THEN 4 WHEN 'contemplation' THEN 5
                                   WHEN 'action' THEN 6 WHEN 'maintenance' THEN 7 ELSE 0 END
                WHEN instrument = 'VOICE' AND item = 'sense_of_control' THEN 11
                ELSE 0 END AS slot
    FROM ref.instrument_item
), adm AS (
    SELECT a.extract_id, a.youth_hash, a.instrument, a.administered_on,
           count(*)                                                   AS items,
           count(i.slot)                                              AS known_items,
           count(*) FILTER (WHERE i.slot BETWEEN 4 AND 7)             AS urica_scored_items,
           sum(a.score) FILTER (WHERE i.slot IS NOT NULL)             AS known_sum,
           sum(a.score) FILTER (WHERE i.slot = 1)                     AS s_so,
           sum(a.score) FILTER (WHERE i.slot = 2)                     AS s_fa,
           sum(a.score) FILTER (WHERE i.slot = 3)                     AS s_fr,
           sum(a.score) FILTER (WHERE i.slot = 4)                     AS s_pc,
           sum(a.score) FILTER (WHERE i.slot = 5)                     AS s_c,
           sum(a.score) FILTER (WHERE i.slot = 6)                     AS s_a,
           sum(a.score) FILTER (WHERE i.slot = 7)                     AS s_m,
           count(*) FILTER (WHERE c.slot = 8)                         AS cans_behavioral_items,
           count(*) FILTER (WHERE c.slot = 8 AND ref.cans_actionable(a.score))      AS cans_behavioral_actionable,
           count(*) FILTER (WHERE c.slot = 9)                         AS cans_substance_items,
           count(*) FILTER (WHERE c.slot = 9 AND ref.cans_actionable(a.score))      AS cans_substance_actionable,
           count(*) FILTER (WHERE c.slot = 10 AND ref.cans_usable_strength(a.score)) AS cans_strengths_usable,
           max(a.score) FILTER (WHERE i.slot = 11)                    AS voice_sense_of_control
    FROM core.assessment a
    JOIN core.current_extract ce ON ce.extract_id = a.extract_id
    LEFT JOIN item i ON i.instrument = a.instrument AND i.item = a.item
    CROSS JOIN LATERAL (
        SELECT CASE WHEN a.instrument <> 'CANS' THEN NULL
                    WHEN a.item LIKE 'behavioral.%' THEN 8
                    WHEN a.item LIKE 'substance.%' THEN 9
                    WHEN a.item LIKE 'strengths.%' THEN 10 END AS slot
    ) AS c
    GROUP BY a.extract_id, a.youth_hash, a.instrument, a.administered_on
)
SELECT extract_id, youth_hash, instrument, administered_on, items,
       CASE WHEN instrument = 'MSPSS' AND known_items = 12 THEN known_sum / 12 END AS mspss_total,
       CASE WHEN instrument = 'MSPSS' AND known_items = 12 THEN s_so / 4 END       AS mspss_significant_other,
       CASE WHEN instrument = 'MSPSS' AND known_items = 12 THEN s_fa / 4 END       AS mspss_family,
       CASE WHEN instrument = 'MSPSS' AND known_items = 12 THEN s_fr / 4 END       AS mspss_friends,
       CASE WHEN instrument = 'MSPSS' AND known_items = 12 THEN ref.mspss_band(known_sum / 12) END
                                                                                   AS mspss_band,
       CASE WHEN instrument = 'COPSE' AND known_items = 26 THEN known_sum END      AS copse_total,
       CASE WHEN instrument = 'URICA' AND urica_scored_items = 28 THEN s_pc / 7 END AS urica_precontemplation,
       CASE WHEN instrument = 'URICA' AND urica_scored_items = 28 THEN s_c / 7 END  AS urica_contemplation,
       CASE WHEN instrument = 'URICA' AND urica_scored_items = 28 THEN s_a / 7 END  AS urica_action,
       CASE WHEN instrument = 'URICA' AND urica_scored_items = 28 THEN s_m / 7 END  AS urica_maintenance,
       CASE WHEN instrument = 'URICA' AND urica_scored_items = 28
            THEN (s_c + s_a + s_m - s_pc) / 7 END                                  AS urica_readiness,
       CASE WHEN instrument = 'URICA' AND urica_scored_items = 28
            THEN ref.urica_stage((s_c + s_a + s_m - s_pc) / 7) END                 AS urica_stage,
       CASE WHEN instrument = 'CANS' THEN cans_behavioral_items END                AS cans_behavioral_items,
       CASE WHEN instrument = 'CANS' THEN cans_behavioral_actionable END           AS cans_behavioral_actionable,
       CASE WHEN instrument = 'CANS' THEN cans_substance_items END                 AS cans_substance_items,
       CASE WHEN instrument = 'CANS' THEN cans_substance_actionable END            AS cans_substance_actionable,
       CASE WHEN instrument = 'CANS' THEN cans_strengths_usable END                AS cans_strengths_usable,
       CASE WHEN instrument = 'VOICE' THEN voice_sense_of_control END              AS voice_sense_of_control
FROM adm;

GRANT SELECT ON core.current_assessment_score TO outcomes_compute;

-- Lets the planner estimate the number of administrations (and so hash them
-- instead of sorting ~millions of item rows).
CREATE STATISTICS core.assessment_administration (ndistinct)
    ON extract_id, youth_hash, instrument, administered_on FROM core.assessment;

-- ===========================================================================
-- Results
-- ===========================================================================

CREATE SCHEMA result;

-- One current computation per period; recomputing deletes the old one (and its
-- cells) and inserts a new one, in one transaction. `inputs` records the
-- extract of each agency used: [{agency_code, extract_id, extracted_on}, ...].
-- `suppressed_at` is set by the disclosure-control step; until then nothing of
-- the computation is publishable.
CREATE TABLE result.computation (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    period        text NOT NULL UNIQUE CHECK (period ~ '^SFY[0-9]{4}(Q[1-4])?$'),
    period_start  date NOT NULL,
    period_end    date NOT NULL,
    computed_at   timestamptz NOT NULL DEFAULT now(),
    inputs        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(inputs) = 'array'),
    suppressed_at timestamptz,
    CHECK (period_start = (ref.period_bounds(period)).period_start
           AND period_end = (ref.period_bounds(period)).period_end)
);

-- One row per county (06000 = California) x measure x category x stratum.
-- Counts are exact; values unrounded (the published view rounds them).
-- Column use by unit:
--   count          numerator = the count (value = numerator)
--   percent        numerator / denominator (persons, events, goals or days)
--   rate_*         numerator = events, denominator = placement days
--   mean           numerator = sum of the scores (never published),
--                  denominator = persons averaged
--   distribution   numerator = persons in the category, denominator = persons
--   incremental    numerator = improved, denominator = compared, value =
--                  % improved, plus improved / unchanged / worse / median_change
-- `persons` is the number of persons a mean-like value is computed over (used
-- by the under-11 rule; not published). `numerator_key` / `denominator_key`
-- identify the set of persons (or person-days) a count is made of, so that the
-- same count published in two cells (e.g. the in-scope population, which is
-- also the denominator of most percentages) is suppressed consistently; NULL
-- when the count is not shared. Not published.
CREATE TABLE result.cell (
    computation_id     bigint NOT NULL,
    county_fips        char(5) NOT NULL CHECK (county_fips ~ '^06[0-9]{3}$'),
    measure            text NOT NULL,
    category           text NOT NULL DEFAULT '',
    stratification     text NOT NULL,
    stratum            text NOT NULL,
    numerator          numeric,
    denominator        numeric,
    value              numeric,
    persons            numeric,
    improved           integer,
    unchanged          integer,
    worse              integer,
    median_change      numeric,
    note               text CHECK (note IN ('not_reported', 'no_denominator')),
    numerator_key      bigint,
    denominator_key    bigint,
    -- NULL until suppress.sql decided; then true / false.
    suppressed         boolean,
    suppression_reason text CHECK (suppression_reason IN
                           ('primary', 'mean_under_11', 'complementary', 'extra_cell', 'derived')),
    PRIMARY KEY (computation_id, county_fips, measure, category, stratification, stratum),
    -- computation_id, measure and (stratification, stratum) come from
    -- result.computation, ref.measure and ref.stratum (compute.sql builds
    -- every cell from them and deletes a computation's cells with it); they
    -- carry no foreign keys because checking ~100,000 rows per computation
    -- doubled the time to write them. The views join the computation, so a
    -- cell without one is never shown.
    CHECK ((suppression_reason IS NOT NULL) = (suppressed IS TRUE)),
    CHECK (note IS DISTINCT FROM 'not_reported'
           OR (numerator IS NULL AND denominator IS NULL AND value IS NULL))
) WITH (fillfactor = 60);  -- room for suppress.sql's in-page (HOT) updates

COMMENT ON COLUMN result.cell.suppression_reason IS
    'primary: a published count (numerator, denominator, compared, improved, unchanged or worse) is 1-10; '
    'mean_under_11: a mean-like value (mean, attendance rate) over 1-10 persons; '
    'complementary: suppressed so that a suppressed cell of an additive group cannot be recovered by subtraction; '
    'extra_cell: one more cell for a group whose suppressed cells are all <= 3 or sum to < 11; '
    'derived: publishes a count (same persons) that is suppressed in another cell.';

-- Every computed row in the published layout (issue 5, item 2), numbers
-- rounded as published but NOT blanked when suppressed, with the suppression
-- decision and its reason. For tests and internal quality checks only: never
-- granted to analysts.
--   count        numerator = value = the count, denominator empty
--   percent      numerator / denominator = the counts, value one decimal
--   rate_*       numerator = events, denominator = placement days, value
--                two decimals
--   mean         numerator empty, denominator = persons, value two decimals
--   distribution as percent, one row per category
--   incremental  numerator = improved, denominator = compared, value = %
--                improved (one decimal); improved / unchanged / worse;
--                median_change two decimals
CREATE VIEW result.computed AS
SELECT c.period,
       x.county_fips::text                                            AS county_fips,
       coalesce(k.name, 'California')                                 AS county_name,
       m.domain,
       x.measure,
       x.category,
       x.stratification,
       x.stratum,
       CASE WHEN m.unit = 'mean' THEN NULL
            WHEN m.unit = 'incremental' THEN x.improved::numeric
            ELSE round(x.numerator) END                               AS numerator,
       CASE WHEN m.unit = 'count' THEN NULL
            ELSE round(x.denominator) END                             AS denominator,
       CASE WHEN m.unit = 'count' THEN round(x.value)
            WHEN m.unit IN ('percent', 'distribution', 'incremental') THEN round(x.value, 1)
            ELSE round(x.value, 2) END                                AS value,
       CASE WHEN m.unit = 'incremental' THEN x.improved END           AS improved,
       CASE WHEN m.unit = 'incremental' THEN x.unchanged END          AS unchanged,
       CASE WHEN m.unit = 'incremental' THEN x.worse END              AS worse,
       CASE WHEN m.unit = 'incremental' THEN round(x.median_change, 2) END AS median_change,
       coalesce(x.note, '')                                           AS note,
       x.suppressed,
       x.suppression_reason,
       c.suppressed_at IS NOT NULL                                    AS decided,
       m.ord                                                          AS measure_ord,
       coalesce(array_position(m.categories, x.category), 0)          AS category_ord,
       s.ord                                                          AS stratum_ord
FROM result.cell x
JOIN result.computation c ON c.id = x.computation_id
JOIN ref.measure m ON m.code = x.measure
JOIN ref.stratum s ON s.stratification = x.stratification AND s.stratum = x.stratum
LEFT JOIN ref.county k ON k.fips = x.county_fips;

-- The publishable rows: exactly the CSV columns (issue 5) plus sort keys,
-- in a deterministic order (period, county with 06000 first, measure,
-- category, stratum). Only computations whose suppression has been decided
-- appear, and a suppressed row has every number empty.
CREATE VIEW result.published AS
SELECT period, county_fips, county_name, domain, measure, category, stratification, stratum,
       CASE WHEN NOT suppressed THEN numerator END     AS numerator,
       CASE WHEN NOT suppressed THEN denominator END   AS denominator,
       CASE WHEN NOT suppressed THEN value END         AS value,
       CASE WHEN suppressed THEN 'yes' ELSE 'no' END   AS suppressed,
       CASE WHEN NOT suppressed THEN improved END      AS improved,
       CASE WHEN NOT suppressed THEN unchanged END     AS unchanged,
       CASE WHEN NOT suppressed THEN worse END         AS worse,
       CASE WHEN NOT suppressed THEN median_change END AS median_change,
       note,
       measure_ord, category_ord, stratum_ord
FROM result.computed
WHERE decided AND suppressed IS NOT NULL
ORDER BY period, county_fips, measure_ord, category_ord, stratum_ord;

-- Data currency for the manifest and the reports: which extract of each
-- agency a published computation used.
CREATE VIEW result.published_computation AS
SELECT period, period_start, period_end, computed_at, inputs
FROM result.computation
WHERE suppressed_at IS NOT NULL
ORDER BY period;

-- ===========================================================================
-- Grants
-- ===========================================================================

GRANT SELECT ON ref.measure, ref.stratum TO outcomes_ingest, outcomes_compute, outcomes_analyst;

GRANT USAGE ON SCHEMA result TO outcomes_compute, outcomes_analyst;
GRANT SELECT, INSERT, UPDATE, DELETE ON result.computation, result.cell TO outcomes_compute;
GRANT SELECT ON result.published, result.published_computation TO outcomes_compute, outcomes_analyst;
GRANT SELECT ON result.computed TO outcomes_compute;
