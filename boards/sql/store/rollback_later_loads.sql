-- The later loads that replaced values load $load_id wrote, with how many each: while there are any, the
-- load cannot be rolled back.
SELECT superseded_by_load, count(*)
FROM (
    SELECT superseded_by_load FROM observation_history WHERE load_id = $load_id
    UNION ALL
    SELECT superseded_by_load FROM benchmark_history WHERE load_id = $load_id
)
GROUP BY superseded_by_load
ORDER BY superseded_by_load
