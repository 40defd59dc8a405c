-- Every quarterly local return expected of a partnership ($partnership_id) in the latest
-- $quarters quarters with local returns ending by $as_at, and whether it came: for each local
-- indicator and quarter that others reported, each member LA's row ('returned', 'marked
-- missing', or 'no row' when there is none). A partnership's own upload stands for its members
-- (as in compare_partnership_values.sql).
WITH members AS (
    SELECT area_code FROM partnerships WHERE partnership_id = $partnership_id
),
latest_quarters AS (
    SELECT period_id, label, end_date
    FROM periods
    WHERE granularity = 'quarter' AND end_date <= $as_at
      AND period_id IN (SELECT period_id FROM observations WHERE source IN ('local', 'demo'))
    ORDER BY end_date DESC
    LIMIT $quarters
),
collected AS (
    -- the local indicators collected in each of those quarters
    SELECT DISTINCT o.indicator_id, o.period_id
    FROM observations o
    JOIN latest_quarters q USING (period_id)
    WHERE o.source IN ('local', 'demo')
),
own AS (
    SELECT indicator_id, period_id
    FROM observations
    WHERE area_code = $partnership_id AND area_code NOT IN (SELECT area_code FROM members)
),
expected AS (
    -- who should have returned each figure: the partnership under its own id if it did, else each member
    SELECT c.indicator_id, c.period_id, $partnership_id AS area_code
    FROM collected c SEMI JOIN own USING (indicator_id, period_id)
    UNION ALL
    SELECT c.indicator_id, c.period_id, m.area_code
    FROM collected c CROSS JOIN members m ANTI JOIN own USING (indicator_id, period_id)
)
SELECT e.indicator_id,
       i.short_name,
       e.period_id,
       q.label AS period_label,
       q.end_date,
       e.area_code,
       coalesce(a.name, 'the partnership''s own return') AS area_name,
       CASE WHEN o.status IS NULL THEN 'no row'
            WHEN o.status = 'missing' THEN 'marked missing'
            ELSE 'returned' END AS what,
       o.load_id
FROM expected e
JOIN indicators i USING (indicator_id)
JOIN latest_quarters q USING (period_id)
LEFT JOIN observations o USING (area_code, indicator_id, period_id)
LEFT JOIN areas a USING (area_code)
ORDER BY q.end_date DESC, i.position, e.area_code
