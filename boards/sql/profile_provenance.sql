-- Where a partnership's figures come from ($partnership_id): every stored observation of its
-- member LAs, or of the partnership itself when it uploaded under its own id, with the load
-- that wrote it. As in compare_partnership_values.sql, a partnership's own upload takes
-- precedence over its members' rows for the same indicator and period.
WITH members AS (
    SELECT area_code FROM partnerships WHERE partnership_id = $partnership_id
),
found AS (
    SELECT o.*,
           o.area_code = $partnership_id AND o.area_code NOT IN (SELECT area_code FROM members) AS own_upload
    FROM observations o
    WHERE o.area_code IN (SELECT area_code FROM members) OR o.area_code = $partnership_id
)
SELECT f.indicator_id,
       f.period_id,
       f.area_code,
       coalesce(a.name, 'the partnership''s own return') AS area_name,
       f.status,
       f.value,
       f.source,
       f.load_id,
       l.loaded_at,
       l.loaded_by,
       l.file_name
FROM found f
JOIN loads l USING (load_id)
LEFT JOIN areas a USING (area_code)
QUALIFY f.own_upload OR NOT bool_or(f.own_upload) OVER (PARTITION BY f.indicator_id, f.period_id)
ORDER BY f.indicator_id, f.period_id, f.area_code
