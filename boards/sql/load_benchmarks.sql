-- The published benchmarks load $load_id wrote that are current: those it replaced (their old values in
-- benchmark_history) and all of them; the ones it added are the difference.
SELECT (SELECT count(*) FROM published_benchmarks WHERE load_id = $load_id) AS current,
       (SELECT count(*) FROM benchmark_history WHERE superseded_by_load = $load_id) AS replaced
