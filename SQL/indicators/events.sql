-- Indicator engine: the event facts of each youth record (t_ev1), which
-- facts.sql gives to the persons.
-- Reads core tables and the period settings only, no working table, so it may
-- run before or after inputs.sql in the same transaction (see inputs.sql for
-- the order and the settings). IndicatorEngine runs it first in its second
-- session and hands t_ev1 to the transaction (per record: extract, youth_hash
-- and a bit set; no event), which would otherwise spend the longest single
-- step of its part on it while the second session has time to spare.
--
-- Events, the largest input, are reduced per record (extract, youth), so the
-- persons are joined to one row per record, not one per event; a scan of core
-- tables alone could also run in parallel where inputs.sql allows parallel
-- workers. The period comes from the settings (inside scalar subqueries, so
-- that it is read once, not once per row).

SET LOCAL client_min_messages = warning;
SET LOCAL work_mem = '128MB';
SET LOCAL jit = off;

-- "At least one" facts per youth record (duplicates do not matter here), one
-- bit each (as the CASE lists them; t_evp names them): one aggregate per event
-- row instead of one per fact.
DROP TABLE IF EXISTS pg_temp.t_ev1;
CREATE TEMP TABLE t_ev1 ON COMMIT DROP AS
SELECT ev.extract_id, ev.youth_hash,
       bit_or(CASE ev.event
                  WHEN 'exploitation_incident'       THEN CASE WHEN ev.occurred_on >= p.ps THEN 1 END
                  WHEN 'homelessness'                THEN CASE WHEN ev.occurred_on >= p.ps THEN 2 END
                  WHEN 'hospitalization'             THEN CASE WHEN ev.occurred_on >= p.ps THEN 4 END
                  WHEN 'psychiatric_hold'            THEN CASE WHEN ev.occurred_on >= p.ps THEN 8 END
                  WHEN 'psychiatric_hospitalization' THEN CASE WHEN ev.occurred_on >= p.ps THEN 8 END
                  WHEN 'mental_health_service'       THEN CASE WHEN ev.occurred_on >= p.ps THEN 16 END
                  WHEN 'medical_exam'                THEN CASE WHEN ev.occurred_on > p.year_before THEN 32 END
                  WHEN 'dental_exam'                 THEN CASE WHEN ev.occurred_on > p.year_before THEN 64 END
                  WHEN 'hs_diploma'                  THEN 128
                  WHEN 'hse_certificate'             THEN 128
                  WHEN 'employment'                  THEN CASE WHEN ev.occurred_on >= p.ps THEN 256 END
                  WHEN 'internship'                  THEN CASE WHEN ev.occurred_on >= p.ps THEN 256 END
                  WHEN 'extracurricular'             THEN CASE WHEN ev.occurred_on >= p.ps THEN 512 END
                  WHEN 'document_obtained'           THEN CASE ev.detail WHEN 'birth_certificate' THEN 1024
                                                                         WHEN 'ssn_card'          THEN 2048
                                                                         WHEN 'state_id'          THEN 4096 END
                  WHEN 'sud_treatment'               THEN CASE WHEN ev.occurred_on >= p.ps THEN 8192 END
                  WHEN 'dual_status'                 THEN CASE WHEN ev.occurred_on >= p.ps THEN 16384 END
                  WHEN 'arrest'                      THEN CASE WHEN ev.occurred_on >= p.ps THEN 32768 END
                  WHEN 'detention_admission'         THEN CASE WHEN ev.occurred_on >= p.ps THEN 65536 END
                  WHEN 'birth'                       THEN 131072
                  WHEN 'reproductive_health_visit'   THEN CASE WHEN ev.occurred_on >= p.ps THEN 262144 END
                  WHEN 'sti_diagnosis'               THEN CASE WHEN ev.occurred_on >= p.ps THEN 524288 END
                  WHEN 'supportive_adult_contact'    THEN CASE WHEN ev.occurred_on >= p.ps THEN 1048576 END
              END) AS facts
FROM core.event ev
JOIN core.current_extract ce ON ce.extract_id = ev.extract_id
CROSS JOIN (SELECT (SELECT current_setting('outcomes.period_start')::date) AS ps,
                   (SELECT current_setting('outcomes.period_end')::date) AS pe,
                   (SELECT (current_setting('outcomes.period_end')::date - interval '12 months')::date) AS year_before
           ) AS p
WHERE ev.occurred_on <= p.pe
  -- only events that can set a bit (a record with none is read as no facts)
  AND (ev.occurred_on >= p.ps
       OR (ev.event IN ('medical_exam', 'dental_exam') AND ev.occurred_on > p.year_before)
       OR ev.event IN ('hs_diploma', 'hse_certificate', 'document_obtained', 'birth'))
  AND ev.event IN ('exploitation_incident', 'homelessness', 'hospitalization', 'psychiatric_hold',
                   'psychiatric_hospitalization', 'mental_health_service', 'medical_exam', 'dental_exam',
                   'hs_diploma', 'hse_certificate', 'employment', 'internship', 'extracurricular',
                   'document_obtained', 'sud_treatment', 'dual_status', 'arrest', 'detention_admission',
                   'birth', 'reproductive_health_visit', 'sti_diagnosis', 'supportive_adult_contact')
GROUP BY ev.extract_id, ev.youth_hash;
