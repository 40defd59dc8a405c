-- Each incoming published benchmark (the registered frame `incoming_benchmarks`) against the current one
-- of its key: new when there is none, changed when any stored field differs.
CREATE TEMP TABLE staged_benchmarks AS
SELECT i.*,
       b.geography_code IS NULL AS is_new,
       b.geography_code IS NOT NULL AND (
           b.value IS DISTINCT FROM i.value OR b.numerator IS DISTINCT FROM i.numerator
           OR b.denominator IS DISTINCT FROM i.denominator OR b.status IS DISTINCT FROM i.status
       ) AS is_changed
FROM incoming_benchmarks i
LEFT JOIN published_benchmarks b USING (geography_code, indicator_id, period_id)
