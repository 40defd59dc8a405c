-- The current published benchmarks that load $load_id changes move to the history, superseded by it.
INSERT INTO benchmark_history (geography_code, indicator_id, period_id, value, numerator, denominator, status,
                               load_id, superseded_by_load, superseded_at)
SELECT b.geography_code, b.indicator_id, b.period_id, b.value, b.numerator, b.denominator, b.status,
       b.load_id, $load_id, $superseded_at
FROM published_benchmarks b
JOIN staged_benchmarks s USING (geography_code, indicator_id, period_id)
WHERE s.is_changed
