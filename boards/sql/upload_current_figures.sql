-- The current figures of some areas and indicators, with the source and load that wrote them:
-- what an upload is compared with, figure by figure, before it is committed.
SELECT area_code, indicator_id, period_id, value, numerator, denominator, status, note, source, load_id
FROM observations
WHERE list_contains($area_codes, area_code) AND list_contains($indicator_ids, indicator_id)
ORDER BY area_code, indicator_id, period_id
