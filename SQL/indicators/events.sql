-- Indicator engine: the event facts of each person (t_ev1), which facts.sql
-- reads.
-- Reads the person index and the period settings only, no working table, so
-- it may run before or after inputs.sql in the same transaction (see
-- inputs.sql for the order and the settings). IndicatorEngine runs it first
-- in its second session and hands t_ev1 to the transaction (per person: a bit
-- set; no event), which would otherwise spend one of the longest steps of its
-- part on it while the second session has time to spare.
--
-- Events, the largest input, are reduced to one row per person. The period
-- comes from the settings (inside scalar subqueries, so that it is read once,
-- not once per row). Persons out of scope are kept too (readers join t_p).

SET LOCAL client_min_messages = warning;
SET LOCAL work_mem = '128MB';
SET LOCAL jit = off;

-- "At least one" facts per person (how often does not matter here), one bit
-- each (t_evp names them): an event counts from `since` to P.end. Documents
-- are told apart by their detail (bit 0 here).
DROP TABLE IF EXISTS pg_temp.t_ev1;
CREATE TEMP TABLE t_ev1 ON COMMIT DROP AS
WITH m AS MATERIALIZED (
    -- the events that set a bit, each with its bit and the first day it counts
    SELECT k.ord AS event, e.bit,
           CASE e.since WHEN 'P' THEN current_setting('outcomes.period_start')::date
                        -- the 12 months up to P.end
                        WHEN 'Y' THEN (current_setting('outcomes.period_end')::date - interval '12 months')::date + 1
                        ELSE '-infinity'::date END AS since
    FROM (VALUES ('exploitation_incident', 1, 'P'), ('homelessness', 2, 'P'), ('hospitalization', 4, 'P'),
                 ('psychiatric_hold', 8, 'P'), ('psychiatric_hospitalization', 8, 'P'),
                 ('mental_health_service', 16, 'P'), ('medical_exam', 32, 'Y'), ('dental_exam', 64, 'Y'),
                 ('hs_diploma', 128, 'ever'), ('hse_certificate', 128, 'ever'), ('employment', 256, 'P'),
                 ('internship', 256, 'P'), ('extracurricular', 512, 'P'), ('document_obtained', 0, 'ever'),
                 ('sud_treatment', 8192, 'P'), ('dual_status', 16384, 'P'), ('arrest', 32768, 'P'),
                 ('detention_admission', 65536, 'P'), ('birth', 131072, 'ever'),
                 ('reproductive_health_visit', 262144, 'P'), ('sti_diagnosis', 524288, 'P'),
                 ('supportive_adult_contact', 1048576, 'P')) AS e (code, bit, since)
    JOIN ref.code k ON k.list = 'event' AND k.code = e.code
)
SELECT ev.person_id,
       bit_or(CASE WHEN m.bit <> 0 THEN m.bit
                   ELSE CASE ev.detail WHEN 'birth_certificate' THEN 1024
                                       WHEN 'ssn_card'          THEN 2048
                                       WHEN 'state_id'          THEN 4096 END END) AS facts
FROM person_index.event ev
JOIN m USING (event)
WHERE ev.occurred_on <= (SELECT current_setting('outcomes.period_end')::date)
  AND ev.occurred_on >= m.since
GROUP BY ev.person_id;
