-- The published benchmarks load $load_id replaced, current again (their rows are then removed from the history).
MERGE INTO published_benchmarks b
USING (SELECT * FROM benchmark_history WHERE superseded_by_load = $load_id) h
ON b.geography_code = h.geography_code AND b.indicator_id = h.indicator_id AND b.period_id = h.period_id
WHEN MATCHED THEN UPDATE SET value = h.value, numerator = h.numerator, denominator = h.denominator,
    status = h.status, load_id = h.load_id
