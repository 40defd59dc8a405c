-- Keys held by more than one current figure (observations has no primary-key index, migration 005).
SELECT area_code, indicator_id, period_id, count(*) AS copies
FROM observations
GROUP BY ALL
HAVING count(*) > 1
ORDER BY ALL
