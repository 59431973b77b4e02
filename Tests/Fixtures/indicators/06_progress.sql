-- Indicator fixture 06: case-plan goals and stages of change (person x
-- behavior, relapse rules, no median).
-- (Format of the expectation lines: see 01_population.sql.)
--
-- period: SFY2025Q4   (P.start 2025-04-01, P.end 2025-06-30)
--
-- Agency 1 ALA-CWS (06001) files youth, cse_flags, goals, stages_of_change.
-- Persons g1 (confirmed) and g2 (at_risk), flagged 2025-01-01.
-- Goals (status, status_on):
--   g1 A met 2025-04-01; B discontinued 2025-06-30; C in_progress 2025-05-01
--      (left out); D met 2025-03-31 (before P)
--   g2 A met 2025-05-15
--   progress_goals_met: 3 goals closed in P, 2 met -> 66.7. By tier:
--   confirmed 1/2 = 50.0, at_risk 1/1 = 100.0.
-- Stages of change (latest in P vs the one just before, per behavior):
--   g1 exploitation  contemplation 2025-01-01 -> action 2025-05-01      improved
--      runaway       maintenance 2025-02-01 -> relapse 2025-04-15       worse
--      school        relapse 2025-04-01 -> precontemplation 2025-06-01  improved
--      substance_use relapse 2025-04-01 -> relapse 2025-05-01           unchanged
--      other         action 2025-06-01 only                             not compared
--   g2 exploitation  preparation 2025-03-01 -> preparation 2025-04-01   unchanged
--      runaway       action 2025-05-01 -> contemplation 2025-06-01      worse
--      school        action 2024-01-01 -> maintenance 2025-01-01        none in P
--      substance_use contemplation 2025-04-10; maintenance 2025-07-01 is after
--                    P.end: one observation, not compared
--   progress_stage_change: 6 person x behavior units: improved 2, unchanged 2,
--   worse 2; % improved 33.3; no median. Tier confirmed (g1): 4 units, 2
--   improved, 1 unchanged, 1 worse.
--
-- expect: 06001 | progress_goals_met | | all | all | 2 | 3 | 66.7 |
-- expect: 06001 | progress_goals_met | | tier | confirmed | 1 | 2 | 50.0 |
-- expect: 06001 | progress_goals_met | | tier | at_risk | 1 | 1 | 100.0 |
-- expect-change: 06001 | progress_stage_change | all | all | 6 | 2 | 2 | 2 |
-- expect-change: 06001 | progress_stage_change | tier | confirmed | 4 | 2 | 1 | 1 |
-- expect-change: 06001 | progress_stage_change | tier | at_risk | 2 | 0 | 1 | 1 |
-- expect: 06001 | progress_stage_change | | all | all | 2 | 6 | 33.3 |
-- expect-change: 06000 | progress_stage_change | all | all | 6 | 2 | 2 | 2 |

INSERT INTO core.agency (id, code, name) OVERRIDING SYSTEM VALUE VALUES
    (1, 'ALA-CWS', 'Alameda County Children and Family Services');
INSERT INTO core.agency_county (agency_id, county_fips) VALUES (1, '06001');
INSERT INTO core.extract (id, agency_id, sha256, status, source_name, extracted_on, files, error_count) OVERRIDING SYSTEM VALUE VALUES
    (1, 1, repeat('a', 64), 'accepted', 'ala-cws.zip', '2025-07-10', '{youth.csv,cse_flags.csv,goals.csv,stages_of_change.csv}', 0);

INSERT INTO core.youth (extract_id, agency_id, rec, youth_hash, linkage_hash, county_fips, birth_month, gender, race_categories, race_source) VALUES
    (1, 1, 1, 'g1', NULL, '06001', '2009-01-01', 'female', '{WHITE}', 'self'),
    (1, 1, 2, 'g2', NULL, '06001', '2009-01-01', 'male', '{BLACK}', 'self');
INSERT INTO core.cse_flag (extract_id, agency_id, rec, youth_hash, flag, flagged_on, basis) VALUES
    (1, 1, 1, 'g1', 'confirmed', '2025-01-01', 'court'),
    (1, 1, 2, 'g2', 'at_risk', '2025-01-01', 'cse_it');

INSERT INTO core.goal (extract_id, agency_id, rec, youth_hash, goal_id, domain, set_on, status, status_on) VALUES
    (1, 1, 1, 'g1', 'A', 6, '2025-01-01', 'met', '2025-04-01'),
    (1, 1, 2, 'g1', 'B', 4, '2025-01-01', 'discontinued', '2025-06-30'),
    (1, 1, 3, 'g1', 'C', 13, '2025-01-01', 'in_progress', '2025-05-01'),
    (1, 1, 4, 'g1', 'D', 1, '2025-01-01', 'met', '2025-03-31'),
    (1, 1, 5, 'g2', 'A', 7, '2025-02-01', 'met', '2025-05-15');

INSERT INTO core.stage_of_change (extract_id, agency_id, rec, youth_hash, assessed_on, behavior, stage) VALUES
    (1, 1,  1, 'g1', '2025-01-01', 'exploitation', 'contemplation'),
    (1, 1,  2, 'g1', '2025-05-01', 'exploitation', 'action'),
    (1, 1,  3, 'g1', '2025-02-01', 'runaway', 'maintenance'),
    (1, 1,  4, 'g1', '2025-04-15', 'runaway', 'relapse'),
    (1, 1,  5, 'g1', '2025-04-01', 'school', 'relapse'),
    (1, 1,  6, 'g1', '2025-06-01', 'school', 'precontemplation'),
    (1, 1,  7, 'g1', '2025-04-01', 'substance_use', 'relapse'),
    (1, 1,  8, 'g1', '2025-05-01', 'substance_use', 'relapse'),
    (1, 1,  9, 'g1', '2025-06-01', 'other', 'action'),
    (1, 1, 10, 'g2', '2025-03-01', 'exploitation', 'preparation'),
    (1, 1, 11, 'g2', '2025-04-01', 'exploitation', 'preparation'),
    (1, 1, 12, 'g2', '2025-05-01', 'runaway', 'action'),
    (1, 1, 13, 'g2', '2025-06-01', 'runaway', 'contemplation'),
    (1, 1, 14, 'g2', '2024-01-01', 'school', 'action'),
    (1, 1, 15, 'g2', '2025-01-01', 'school', 'maintenance'),
    (1, 1, 16, 'g2', '2025-04-10', 'substance_use', 'contemplation'),
    (1, 1, 17, 'g2', '2025-07-01', 'substance_use', 'maintenance');
