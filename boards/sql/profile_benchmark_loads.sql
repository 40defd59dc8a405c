-- Published England and regional figures ($region_code) with the load that wrote each.
SELECT b.geography_code,
       b.indicator_id,
       b.period_id,
       b.status,
       b.load_id,
       l.loaded_at,
       l.loaded_by,
       l.file_name
FROM published_benchmarks b
JOIN loads l USING (load_id)
WHERE b.geography_code IN ('E92000001', $region_code)
ORDER BY b.indicator_id, b.period_id, b.geography_code
