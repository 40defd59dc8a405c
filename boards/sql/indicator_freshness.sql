-- Per indicator, in catalogue order: its source(s), the latest period with data,
-- and how many areas reported a value for that period.
WITH latest AS (
    SELECT o.indicator_id, o.period_id, p.label,
           dense_rank() OVER (PARTITION BY o.indicator_id ORDER BY p.end_date DESC) AS recency
    FROM observations o
    JOIN periods p USING (period_id)
)
SELECT i.domain, i.indicator_id, i.name,
       string_agg(DISTINCT o.source, ', ' ORDER BY o.source) AS sources,
       any_value(l.label) AS latest_period,
       count(DISTINCT o.area_code) FILTER (o.status = 'reported') AS areas_reported
FROM indicators i
LEFT JOIN latest l ON l.indicator_id = i.indicator_id AND l.recency = 1
LEFT JOIN observations o ON o.indicator_id = l.indicator_id AND o.period_id = l.period_id
GROUP BY i.position, i.domain, i.indicator_id, i.name
ORDER BY i.position
