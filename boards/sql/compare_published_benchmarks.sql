-- Published England (E92000001) and regional (E12) figures; inner and outer London (E13) are
-- not benchmarks any partnership is compared with.
SELECT geography_code, indicator_id, period_id, status, value, numerator, denominator
FROM published_benchmarks
WHERE geography_code = 'E92000001' OR geography_code LIKE 'E12%'
ORDER BY indicator_id, period_id, geography_code
