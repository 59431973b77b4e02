-- Renders docs/extract-format.md from the reference tables, so the agency
-- documentation of the format cannot drift from what the validator enforces.
-- One statement returning one text value (run by `outcomes docs extract-format`).
WITH codes AS (
    SELECT list, string_agg('`' || code || '`' || CASE WHEN rank IS NOT NULL AND list = 'setting'
                                                       THEN ' (rank ' || rank || ')' ELSE '' END,
                            ', ' ORDER BY ord) AS allowed
    FROM ref.code GROUP BY list
),
columns AS (
    SELECT c.file,
           string_agg(format('| `%s` | %s | %s | %s |', c.name, CASE WHEN c.required THEN 'yes' ELSE 'no' END,
                             CASE c.kind
                                 WHEN 'identifier' THEN 'identifier: 1 to 64 of A-Z a-z 0-9 _ -, not a placeholder such as NULL, NA or 0 (stored only as a keyed hash)'
                                 WHEN 'fips' THEN 'county FIPS code'
                                 WHEN 'month' THEN 'month `YYYY-MM`'
                                 WHEN 'date' THEN 'date `YYYY-MM-DD`'
                                 WHEN 'code' THEN 'one of: ' || k.allowed
                                 WHEN 'codes' THEN 'several of (`;`-separated): ' || k.allowed
                                 WHEN 'race' THEN 'several of (`;`-separated): ' || r.allowed || '; or `DECLINED` / `UNKNOWN` alone'
                                 WHEN 'bool' THEN '`yes` / `no`'
                                 WHEN 'count' THEN 'whole number ≥ 0'
                                 WHEN 'numeric' THEN 'number ≥ 0'
                                 WHEN 'item' THEN 'item of the instrument (see below)'
                                 WHEN 'text' THEN 'text, at most 64 characters'
                                                  || CASE WHEN c.kept_as_sent THEN ', without a youth_key or linkage_id in it'
                                                          ELSE '' END
                                 WHEN 'domain' THEN 'outcome domain number 1–13'
                             END, c.description), E'\n' ORDER BY c.ord) AS rows
    FROM ref.extract_column c
    LEFT JOIN codes k ON k.list = c.list
    LEFT JOIN codes r ON r.list = 'race_category'
    GROUP BY c.file
),
files AS (
    SELECT string_agg(format(E'## %s (%s)\n\n%s\n\n| column | required | values | meaning |\n|---|---|---|---|\n%s',
                             f.file, CASE WHEN f.required THEN 'required' ELSE 'optional' END, f.description, c.rows),
                      E'\n\n' ORDER BY f.ord) AS text
    FROM ref.extract_file f JOIN columns c USING (file)
),
events AS (
    SELECT string_agg(format('| %s %s | %s |', d.number, d.name,
                             (SELECT string_agg('`' || e.code || '`' ||
                                                coalesce(' (detail: ' || (SELECT string_agg('`' || x.code || '`', ', ' ORDER BY x.ord)
                                                                          FROM ref.code x WHERE x.list = e.detail_list) || ')', ''),
                                                ', ' ORDER BY e.ord)
                              FROM ref.code e WHERE e.list = 'event' AND e.domain = d.number)), E'\n' ORDER BY d.number) AS text
    FROM ref.domain d
    WHERE EXISTS (SELECT FROM ref.code e WHERE e.list = 'event' AND e.domain = d.number)
),
instruments AS (
    SELECT string_agg(format('| `%s` | %s | %s | %s–%s |', i.code, i.name,
                             coalesce((SELECT string_agg('`' || it.item || '`', ', ' ORDER BY it.ord)
                                       FROM ref.instrument_item it WHERE it.instrument = i.code),
                                      'codes written `domain.item` in lower-case letters and `_`, e.g. `behavioral.depression`'),
                             i.min_score, i.max_score), E'\n' ORDER BY i.code) AS text
    FROM ref.instrument i
)
SELECT E'# The extract format, file by file\n\n'
    || E'Generated from the service''s reference tables (`outcomes docs extract-format`); the validator '
    || E'enforces exactly this. How to send an extract and what each error means: [agency-guide.md](agency-guide.md).\n\n'
    || E'Every value is read without the blanks around it (spaces, tabs, no-break and zero-width spaces); a cell of '
    || E'blanks only is empty. No value holds a line break, even in quotes.\n\n'
    || files.text
    || E'\n\n## Event codes by outcome domain\n\n| domain | events |\n|---|---|\n' || events.text
    || E'\n\nDomain 4 (placement) comes from placements.csv and absences.csv.'
    || E'\n\n## Instruments\n\nOne administration is one youth, instrument and `administered_on` date; an item may appear once in it. '
    || E'Listed items are matched ignoring case, like codes (`Belonging` is `belonging`); CANS codes are written in lower case.\n\n'
    || E'| instrument | name | items | scores |\n|---|---|---|---|\n' || instruments.text || E'\n'
FROM files, events, instruments;
