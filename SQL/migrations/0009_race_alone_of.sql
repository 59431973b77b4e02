-- The race_alone stratum follows from the race_any categories alone. The
-- engine works out race_any once per person (SQL/indicators/inputs.sql, t_p)
-- and derives race_alone from it with ref.race_alone_of; ref.race_alone,
-- which inlined race_any twice, now says the same through it.
CREATE FUNCTION ref.race_alone_of(race_any text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE cardinality(race_any)
            WHEN 0 THEN 'declined_unknown'
            WHEN 1 THEN race_any[1] || '_alone'
            ELSE 'multiracial' END;

CREATE OR REPLACE FUNCTION ref.race_alone(categories text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ref.race_alone_of(ref.race_any(categories));
