-- Per indicator, in catalogue order: its source(s), the latest period with data,
-- and how many areas reported a value for that period.
WITH latest AS (
    SELECT o.indicator_id, max(p.end_date) AS end_date
    FROM observations o
    JOIN periods p USING (period_id)
    GROUP BY o.indicator_id
),
latest_rows AS (
    SELECT o.indicator_id, o.source, o.area_code, o.status, p.label
    FROM observations o
    JOIN periods p USING (period_id)
    JOIN latest l ON l.indicator_id = o.indicator_id AND l.end_date = p.end_date
)
SELECT i.domain, i.indicator_id, i.name,
       string_agg(DISTINCT r.source, ', ' ORDER BY r.source) AS sources,
       any_value(r.label) AS latest_period,
       count(DISTINCT r.area_code) FILTER (r.status = 'reported') AS areas_reported
FROM indicators i
LEFT JOIN latest_rows r ON r.indicator_id = i.indicator_id
GROUP BY i.position, i.domain, i.indicator_id, i.name
ORDER BY i.position
