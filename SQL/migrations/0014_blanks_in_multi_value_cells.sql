-- The values of a multi-value cell (race_ethnicity, exploitation_types) are
-- read without the same blanks as every cell (Sources/Ingest/ExtractFormat.swift,
-- `blanks`: the loader trims cells before they reach the server): spaces and
-- tabs, no-break and other Unicode spaces, zero-width characters and the
-- byte-order mark. Until now only spaces were trimmed around them, so
-- "ASIAN;<tab>WHITE" or a no-break space copied from a document was refused,
-- where the same blank around a whole cell is ignored.
-- (IngestRuleTests checks that this set and the Swift one agree.)
CREATE OR REPLACE FUNCTION ingest.split_values(v text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_agg(btrim(piece, E' \t\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u200B\u202F\u205F\u2060\u3000\uFEFF') ORDER BY n)
    FROM unnest(string_to_array(v, ';')) WITH ORDINALITY AS t(piece, n)
$$;
