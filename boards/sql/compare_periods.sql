-- Periods that hold observations, oldest first.
SELECT period_id, granularity, start_date, end_date, label
FROM periods
WHERE period_id IN (SELECT DISTINCT period_id FROM observations)
ORDER BY end_date, granularity
