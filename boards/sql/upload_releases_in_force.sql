-- The releases in force for the figures an upload would change (boards/imports/releases.py): each load of
-- published figures that wrote current figures which incoming_observations or incoming_benchmarks would
-- replace by different ones, its release, and how many of those figures it wrote. A figure the upload
-- gives unchanged is not counted: leaving it alone harms nothing.
SELECT l.load_id, l.file_name, l.release, count(*) AS figures
FROM (
    SELECT o.load_id
    FROM incoming_observations i JOIN observations o USING (area_code, indicator_id, period_id)
    WHERE o.value IS DISTINCT FROM i.value OR o.numerator IS DISTINCT FROM i.numerator
       OR o.denominator IS DISTINCT FROM i.denominator OR o.status IS DISTINCT FROM i.status
       OR o.note IS DISTINCT FROM i.note
    UNION ALL
    SELECT b.load_id
    FROM incoming_benchmarks i JOIN published_benchmarks b USING (geography_code, indicator_id, period_id)
    WHERE b.value IS DISTINCT FROM i.value OR b.numerator IS DISTINCT FROM i.numerator
       OR b.denominator IS DISTINCT FROM i.denominator OR b.status IS DISTINCT FROM i.status
) replaced
JOIN loads l USING (load_id)
WHERE l.release IS NOT NULL
GROUP BY l.load_id, l.file_name, l.release
ORDER BY l.load_id
