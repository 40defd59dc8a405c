-- The latest period with figures, of each granularity.
SELECT p.granularity, p.period_id, p.label, p.end_date
FROM periods p
WHERE p.period_id IN (SELECT DISTINCT period_id FROM observations)
QUALIFY row_number() OVER (PARTITION BY p.granularity ORDER BY p.end_date DESC) = 1
ORDER BY p.granularity
