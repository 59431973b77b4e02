-- Disclosure control: decides, once and in this one place, which cells are
-- published. Run right after cells.sql in the same transaction (role
-- outcomes_compute): it reads the cells cells.sql left in pg_temp.t_result
-- and leaves them in pg_temp.t_decided with their decision, the columns of
-- result.cell but its computation_id, for write_cells.sql. Renderers read
-- result.published, which shows a computation only after write_cells.sql has
-- set result.computation.suppressed_at, and blanks every number of a suppressed
-- row.
--
-- Rules (measures.md, "Disclosure control", numbered as there):
--  1. primary: a cell with a published count from 1 to 10 (numerator,
--     denominator, persons compared, improved, unchanged, worse) is
--     suppressed, with every figure derived from it (the whole row is
--     blanked). Zero is never suppressed by this rule.
--  3. mean_under_11: a mean-like value over 1-10 persons (means, the pooled
--     attendance rate; medians are over `compared`, already covered by 1).
--  2. complementary and extra_cell, repeated until a pass changes nothing:
--     in every additive group no suppressed count may be recoverable by
--     subtraction; a group with exactly one hidden member gets another one
--     (the smallest published member, zero included; between equal members
--     not the group's total); a group whose hidden members are all <= 3 or
--     sum to < 11 gets one more (extra_cell). The extra-cell rule applies
--     while the group's total is published, i.e. while the sum of its hidden
--     members can be worked out; with the total hidden too it would only add
--     zeros one by one.
--
-- What is additive. Suppression blanks whole rows, but the row's counts are
-- checked one quantity at a time, because each adds up on its own:
--   numerator (persons, events, days attended, goals; for means the sum of
--   the scores, which is not published but is value x persons), denominator
--   (persons, events, placement days, days enrolled, persons compared), and
--   unchanged / worse of incremental measures (improved is the numerator).
-- Groups, for each such quantity:
--   S  one county (or the state), measure, category: the `all` cell and the
--      values of one additive stratification (tier, concern, age_group,
--      gender, race_alone);
--   C  one measure, category and stratum: the 58 counties and the state
--      (persons belong to one county, so the state is their sum; a county
--      that does not report the measure adds nothing);
--   D  one county and stratum of a distribution measure (URICA stage): the
--      category counts and the denominator they sum to.
-- Shared counts. Some counts are published in several cells: the in-scope
-- population is also the denominator of most percentages, the placement days
-- are the exposure of three rates, the numerator of substance_actionable_need
-- is the denominator of substance_treatment_access, and so on. facts.sql
-- labels each count with a key of the set of persons (or person-days) it is
-- made of. Within one county and stratum, a count is hidden only if every
-- cell that publishes it (same key, same value) is suppressed, and hiding one
-- as a complement suppresses every such cell (reason `derived`). Shared
-- zeros of one county and stratum are linked too (an empty population makes
-- every population drawn from it empty). Equal sets in different strata or
-- counties (e.g. a county holding all of the state's at_risk persons) are
-- left to the groups' subtraction rule.

SET LOCAL client_min_messages = warning;
SET LOCAL work_mem = '128MB';
SET LOCAL jit = off;

-- The cells (cells.sql's t_result), with the
-- primary decision.
DROP TABLE IF EXISTS pg_temp.s_c;
CREATE TEMP TABLE s_c ON COMMIT DROP AS
SELECT x.cid, x.county_fips, x.measure, x.category, x.stratification, x.stratum,
       x.unit, x.stratified, x.first_category,
       -- integer coordinates for the group ids
       x.county_fips::bigint AS county_n, x.measure_n::bigint AS measure_n, x.category_n::bigint AS category_n,
       x.stratum_n, sn.n AS stratification_n,
       x.numerator, x.denominator, x.unchanged, x.worse, x.numerator_key, x.denominator_key,
       CASE WHEN (x.unit <> 'mean' AND x.numerator BETWEEN 1 AND 10)
              OR x.denominator BETWEEN 1 AND 10
              OR x.unchanged BETWEEN 1 AND 10
              OR x.worse BETWEEN 1 AND 10 THEN 'primary'
            WHEN x.persons BETWEEN 1 AND 10 THEN 'mean_under_11'
       END AS reason
FROM pg_temp.t_result x
JOIN (SELECT stratification, dense_rank() OVER (ORDER BY min(ord)) AS n
      FROM ref.stratum GROUP BY stratification) AS sn ON sn.stratification = x.stratification;
ALTER TABLE s_c ADD PRIMARY KEY (cid);

-- One row per published quantity of a cell (numerator, denominator,
-- unchanged, worse; qid = 4 x cid + quantity, following the cell order), with
-- the groups it belongs to (gids) and those it is the total of (total_gids).
-- Group ids are built from the integer coordinates (the field widths hold:
-- ref.measure.ord and ref.stratum.ord are below 10,000):
--   S  1 | county | measure | category | quantity | stratification: the `all`
--      row (the total) and the strata of one additive stratification;
--   C  2 | measure | category | quantity | stratum: the counties and the
--      state (the total);
--   D  3 | county | measure | stratum: the category numerators of a
--      distribution and their common denominator (the total, taken from the
--      first category's row).
-- A quantity is hidden when its cell is suppressed and no published cell
-- shows the same count (same key and value in the county and stratum).
DROP TABLE IF EXISTS pg_temp.s_q;
CREATE TEMP TABLE s_q WITH (fillfactor = 50) ON COMMIT DROP AS  -- room for in-page updates of sens / hidden
WITH b AS (
    SELECT 4 * c.cid + q.qty_n AS qid, c.cid, q.qty, q.qty_n, q.v,
           -- shared counts are linked within one county and stratum: the same
           -- set of persons (or an empty set) there is the same published number
           CASE WHEN q.k IS NOT NULL
                THEN hashtextextended(concat_ws('|', c.county_fips, c.stratification, c.stratum, q.k), 0)
           END AS k,
           q.is_count,
           c.stratification = 'all' OR c.county_fips = '06000' AS is_total,
           -- sensitive: a count from 1 to 10, every quantity of a mean-like value
           -- over 1-10 persons, the score sum of a suppressed mean
           coalesce((q.is_count AND q.v BETWEEN 1 AND 10)
                    OR c.reason = 'mean_under_11'
                    OR (NOT q.is_count AND c.reason IS NOT NULL), false) AS sens,
           c.reason IS NOT NULL AS supp,
           -- S: the `all` row is in (and the total of) one group per additive
           -- stratification, a stratum of one in that one
           CASE WHEN NOT c.stratified THEN '{}'
                WHEN c.stratification = 'all'
                THEN ARRAY(SELECT s.base + n FROM unnest(a.additive) AS n)
                WHEN c.stratification_n = ANY (a.additive) THEN ARRAY[s.base + c.stratification_n]
                ELSE '{}'
           END AS s_gids,
           2000000000000000 + c.measure_n * 100000000000 + c.category_n * 10000000
           + q.qty_n * 1000000 + c.stratum_n AS c_gid,
           CASE WHEN c.unit = 'distribution'
                 AND (q.qty = 'num' OR (q.qty = 'den' AND c.category = c.first_category))
                THEN ARRAY[3000000000000000 + c.county_n * 100000000000 + c.measure_n * 10000000 + c.stratum_n]
                ELSE '{}'
           END AS d_gids,
           c.stratification = 'all' AS s_total, c.county_fips = '06000' AS c_total, q.qty = 'den' AS d_total
    FROM s_c c
    CROSS JOIN LATERAL (VALUES
        ('num', 1, c.numerator,           c.numerator_key,   c.unit <> 'mean'),
        ('den', 2, c.denominator,         c.denominator_key, true),
        ('unc', 3, c.unchanged::numeric,  NULL::bigint,      true),
        ('wor', 4, c.worse::numeric,      NULL::bigint,      true)
    ) AS q (qty, qty_n, v, k, is_count)
    CROSS JOIN (SELECT array_agg(DISTINCT stratification_n) AS additive
                FROM s_c
                WHERE stratification IN (SELECT stratification FROM ref.stratum WHERE additive)) AS a
    CROSS JOIN LATERAL (SELECT 1000000000000000 + c.county_n * 100000000000 + c.measure_n * 10000000
                               + c.category_n * 1000000 + q.qty_n * 100000 AS base) AS s
    WHERE q.v IS NOT NULL
)
SELECT qid, cid, qty, qty_n, v, k, is_count, is_total, sens,
       supp AND NOT (k IS NOT NULL AND (k, v) IN (SELECT k, v FROM b WHERE k IS NOT NULL AND NOT supp)) AS hidden,
       s_gids || c_gid || d_gids AS gids,
       CASE WHEN s_total THEN s_gids ELSE '{}' END
       || CASE WHEN c_total THEN ARRAY[c_gid] ELSE '{}' END
       || CASE WHEN d_total THEN d_gids ELSE '{}' END AS total_gids
FROM b;
ALTER TABLE s_q ADD PRIMARY KEY (qid);
CREATE INDEX ON s_q (k, v) WHERE k IS NOT NULL;
CREATE INDEX ON s_q (cid);
ANALYZE s_q (qid, cid, k, v, hidden, sens);  -- not the arrays: their statistics cost most and no plan uses them

-- Group membership, by group (a group's members, for picking).
DROP TABLE IF EXISTS pg_temp.s_gm;
CREATE TEMP TABLE s_gm ON COMMIT DROP AS
SELECT g.gid, q.qid, g.gid = ANY (q.total_gids) AS total
FROM s_q q
CROSS JOIN LATERAL unnest(q.gids) AS g (gid);
CREATE INDEX ON s_gm (gid);
ANALYZE s_gm;

-- Per group: its size and its hidden members (count, largest value, sum,
-- how many are sensitive, whether the total is one of them). The loop keeps
-- these up to date as quantities become hidden or sensitive (both only ever
-- turn on), so a pass reads the state of just the groups it examines instead
-- of aggregating their members again.
DROP TABLE IF EXISTS pg_temp.s_g;
CREATE TEMP TABLE s_g WITH (fillfactor = 50) ON COMMIT DROP AS
SELECT gm.gid,
       count(*)::integer                                   AS n,
       count(*) FILTER (WHERE q.hidden)::integer           AS nh,
       max(q.v) FILTER (WHERE q.hidden)                    AS mx,
       coalesce(sum(q.v) FILTER (WHERE q.hidden), 0)       AS sm,
       count(*) FILTER (WHERE q.hidden AND q.sens)::integer AS nhs,
       bool_or(gm.total AND q.hidden)                      AS total_hidden,
       bool_and(q.is_count)                                AS is_count
FROM s_gm gm
JOIN s_q q USING (qid)
GROUP BY gm.gid;
ALTER TABLE s_g ADD PRIMARY KEY (gid);
ANALYZE s_g;

-- Working state of the loop: which quantities changed since their groups
-- were last examined (with their groups), those groups, and the picks of a
-- pass.
DROP TABLE IF EXISTS pg_temp.s_dirty;
CREATE TEMP TABLE s_dirty (qid integer PRIMARY KEY, gids bigint[]) ON COMMIT DROP;
DROP TABLE IF EXISTS pg_temp.s_touch;
CREATE TEMP TABLE s_touch (gid bigint PRIMARY KEY) ON COMMIT DROP;
DROP TABLE IF EXISTS pg_temp.s_pick;
CREATE TEMP TABLE s_pick (gid bigint, why text, cid integer, k bigint, v numeric, qid integer) ON COMMIT DROP;
DROP TABLE IF EXISTS pg_temp.s_next;
CREATE TEMP TABLE s_next (qid integer PRIMARY KEY, gids bigint[], hidden boolean) ON COMMIT DROP;
DROP TABLE IF EXISTS pg_temp.s_new;
CREATE TEMP TABLE s_new (cid integer PRIMARY KEY) ON COMMIT DROP;

INSERT INTO s_dirty SELECT qid, gids FROM s_q WHERE hidden;

-- Complementary suppression and the extra-cell rule, until a pass changes
-- nothing. A hidden quantity is *sensitive* when it must not be recovered: a
-- count from 1 to 10 (or any quantity of a mean over 1-10 persons), a member
-- hidden to protect a sensitive one (every hidden member of a group that holds
-- a sensitive hidden member), and the same count published elsewhere in the
-- county and stratum. A group acts only if it holds a sensitive hidden member:
-- a zero hidden only because its row went (e.g. no events among 3 persons)
-- may be recovered, zero is never suppressed for itself.
-- Sensitivity spreads one step per pass, so the loop ends only when a pass
-- neither hides nor sensitises anything.
-- A group that acts takes, in one pass, as many of its smallest published
-- members as it needs: one with exactly one hidden member; and while its
-- total is published and the hidden members are all <= 3 or sum to < 11,
-- one more. Each pass hides at least one more quantity, so the loop ends;
-- only groups with a member that changed in the previous pass are examined.
-- Every quantity that turns hidden, or sensitive while hidden, is added to
-- its groups' state in s_g in the statement that turns it.
-- (Dynamic SQL: the working tables change size from pass to pass, so every
-- statement is planned afresh.)
DO $$
DECLARE
    picked integer;
    grown integer;
    passes integer := 0;
BEGIN
    LOOP
        passes := passes + 1;
        IF passes > 10000 THEN
            RAISE EXCEPTION 'suppression did not converge';
        END IF;

        EXECUTE 'TRUNCATE s_touch';
        EXECUTE 'ANALYZE s_dirty';
        EXECUTE 'INSERT INTO s_touch SELECT DISTINCT unnest(gids) FROM s_dirty';
        EXECUTE 'ANALYZE s_touch';

        EXECUTE 'TRUNCATE s_next';
        -- Sensitivity spreads to the other hidden members of a touched group
        -- that holds a sensitive hidden member, and to the copies of a count
        -- (one step per pass; their own groups are examined next pass).
        EXECUTE $q$
            WITH up AS (
                UPDATE s_q q SET sens = true
                FROM (SELECT DISTINCT gm.qid
                      FROM s_touch t
                      JOIN s_g g ON g.gid = t.gid
                      JOIN s_gm gm ON gm.gid = t.gid
                      JOIN s_q h ON h.qid = gm.qid
                      -- (a group whose hidden members are all sensitive has nothing to spread to)
                      WHERE h.hidden AND NOT h.sens AND g.nhs > 0 AND g.nh > g.nhs) AS x
                WHERE q.qid = x.qid
                RETURNING q.qid, q.k, q.v, q.gids, q.hidden
            ), up2 AS (
                UPDATE s_q q SET sens = true
                FROM (SELECT DISTINCT k, v FROM up WHERE k IS NOT NULL) AS x
                WHERE q.k = x.k AND q.v = x.v AND NOT q.sens
                RETURNING q.qid, q.gids, q.hidden
            )
            INSERT INTO s_next (qid, gids, hidden)
            SELECT qid, gids, hidden FROM up UNION SELECT qid, gids, hidden FROM up2
        $q$;
        GET DIAGNOSTICS grown = ROW_COUNT;
        -- (those of them that are hidden count in their groups' nhs)
        EXECUTE $q$
            UPDATE s_g g SET nhs = g.nhs + d.n
            FROM (SELECT x.gid, count(*)::integer AS n
                  FROM s_next n CROSS JOIN LATERAL unnest(n.gids) AS x (gid)
                  WHERE n.hidden
                  GROUP BY x.gid) AS d
            WHERE g.gid = d.gid
        $q$;

        -- Groups that need more hidden members, and the members to hide: the
        -- smallest published ones (between equal ones, not a total - the
        -- `all` stratum or the state -, then in cell order: county, measure,
        -- category, stratum, quantity), as many as the group needs.
        EXECUTE 'TRUNCATE s_pick';
        EXECUTE $q$
            INSERT INTO s_pick (gid, why, cid, k, v, qid)
            WITH need AS (
                SELECT g.gid, g.nh, coalesce(g.mx, 0) AS mx, g.sm, g.total_hidden, g.is_count
                FROM s_touch t
                JOIN s_g g USING (gid)
                WHERE g.nhs > 0 AND g.n > g.nh
                  AND (g.nh = 1 OR (g.is_count AND NOT g.total_hidden AND (coalesce(g.mx, 0) <= 3 OR g.sm < 11)))
            ), cand AS (
                SELECT need.gid, need.nh, q.cid, q.k, q.v, q.qid,
                       row_number() OVER w AS r,
                       -- is the group satisfied once this candidate is hidden too?
                       need.nh + row_number() OVER w >= 2
                       AND (NOT need.is_count OR need.total_hidden OR bool_or(gm.total) OVER w
                            OR NOT (greatest(need.mx, max(q.v) OVER w) <= 3
                                    OR need.sm + sum(q.v) OVER w < 11)) AS done
                FROM need
                JOIN s_gm gm USING (gid)
                JOIN s_q q USING (qid)
                WHERE NOT q.hidden
                WINDOW w AS (PARTITION BY need.gid ORDER BY q.v, q.is_total, q.cid, q.qid
                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
            )
            SELECT gid, CASE WHEN nh = 1 AND r = 1 THEN 'complementary' ELSE 'extra_cell' END,
                   cid, k, v, qid
            FROM (SELECT cand.*, coalesce(lag(done) OVER (PARTITION BY gid ORDER BY r), false) AS prev_done
                  FROM cand) AS c
            WHERE NOT prev_done
        $q$;
        GET DIAGNOSTICS picked = ROW_COUNT;
        EXIT WHEN picked = 0 AND grown = 0;
        EXECUTE 'ANALYZE s_pick';
        EXECUTE 'TRUNCATE s_dirty';
        EXECUTE 'TRUNCATE s_new';
        EXECUTE 'INSERT INTO s_dirty (qid, gids) SELECT qid, gids FROM s_next';

        -- The picked counts (and their copies) become sensitive; their cells,
        -- and every cell showing the same count, are suppressed.
        EXECUTE $q$
            WITH up AS (
                UPDATE s_q q SET sens = true
                FROM (SELECT qid FROM s_pick
                      UNION
                      SELECT q2.qid
                      FROM (SELECT DISTINCT k, v FROM s_pick WHERE k IS NOT NULL) AS pk
                      JOIN s_q q2 ON q2.k = pk.k AND q2.v = pk.v) AS p
                WHERE q.qid = p.qid AND NOT q.sens
                RETURNING q.qid, q.gids, q.hidden
            ), dirty AS (
                INSERT INTO s_dirty (qid, gids) SELECT qid, gids FROM up ON CONFLICT DO NOTHING
            )
            UPDATE s_g g SET nhs = g.nhs + d.n
            FROM (SELECT x.gid, count(*)::integer AS n
                  FROM up CROSS JOIN LATERAL unnest(up.gids) AS x (gid)
                  WHERE up.hidden
                  GROUP BY x.gid) AS d
            WHERE g.gid = d.gid
        $q$;
        EXECUTE $q$
            WITH up AS (
                UPDATE s_c c SET reason = p.why
                FROM (SELECT DISTINCT ON (cid) cid, why FROM s_pick ORDER BY cid, why) AS p
                WHERE c.cid = p.cid AND c.reason IS NULL
                RETURNING c.cid
            )
            INSERT INTO s_new (cid) SELECT cid FROM up
        $q$;
        EXECUTE $q$
            WITH up AS (
                UPDATE s_c c SET reason = 'derived'
                FROM (SELECT DISTINCT q.cid
                      FROM (SELECT DISTINCT k, v FROM s_pick WHERE k IS NOT NULL) AS pk
                      JOIN s_q q ON q.k = pk.k AND q.v = pk.v) AS d
                WHERE c.cid = d.cid AND c.reason IS NULL
                RETURNING c.cid
            )
            INSERT INTO s_new (cid) SELECT cid FROM up
        $q$;
        EXECUTE 'ANALYZE s_new';

        -- Quantities whose hidden state may change: those of the newly
        -- suppressed cells and the other copies of their counts.
        EXECUTE $q$
            WITH nq AS (
                SELECT q.qid, q.k, q.v FROM s_new n JOIN s_q q USING (cid)
            ), nk AS (
                SELECT DISTINCT k, v FROM nq WHERE k IS NOT NULL
            ), cand AS (
                SELECT qid FROM nq
                UNION
                SELECT q2.qid FROM nk JOIN s_q q2 ON q2.k = nk.k AND q2.v = nk.v
            ), still_published AS (
                SELECT DISTINCT q3.k, q3.v
                FROM nk
                JOIN s_q q3 ON q3.k = nk.k AND q3.v = nk.v
                JOIN s_c c3 ON c3.cid = q3.cid
                WHERE c3.reason IS NULL
            ), up AS (
                UPDATE s_q q SET hidden = true
                FROM cand, s_c c
                WHERE q.qid = cand.qid AND c.cid = q.cid AND NOT q.hidden AND c.reason IS NOT NULL
                  AND (q.k IS NULL OR (q.k, q.v) NOT IN (SELECT k, v FROM still_published))
                RETURNING q.qid, q.v, q.sens, q.gids, q.total_gids
            ), dirty AS (
                INSERT INTO s_dirty (qid, gids) SELECT qid, gids FROM up ON CONFLICT DO NOTHING
            )
            UPDATE s_g g SET nh = g.nh + d.n, mx = greatest(g.mx, d.mx), sm = g.sm + d.sm,
                             nhs = g.nhs + d.ns, total_hidden = g.total_hidden OR d.total
            FROM (SELECT x.gid, count(*)::integer AS n, max(up.v) AS mx, sum(up.v) AS sm,
                         count(*) FILTER (WHERE up.sens)::integer AS ns,
                         bool_or(x.gid = ANY (up.total_gids)) AS total
                  FROM up CROSS JOIN LATERAL unnest(up.gids) AS x (gid)
                  GROUP BY x.gid) AS d
            WHERE g.gid = d.gid
        $q$;
    END LOOP;
END
$$;

-- The cells with their decision.
DROP TABLE IF EXISTS pg_temp.t_decided;
CREATE TEMP TABLE t_decided ON COMMIT DROP AS
SELECT x.county_fips, x.measure, x.category, x.stratification, x.stratum,
       x.numerator, x.denominator, x.value, x.persons, x.improved::integer AS improved,
       x.unchanged::integer AS unchanged, x.worse::integer AS worse, x.median_change, x.note,
       x.numerator_key, x.denominator_key, c.reason IS NOT NULL AS suppressed, c.reason AS suppression_reason
FROM pg_temp.t_result x
JOIN s_c c USING (cid);
