-- The sources ('published', 'local', 'demo') of one indicator's stored figures, for the demo notice.
SELECT DISTINCT source
FROM observations
WHERE indicator_id = $indicator_id
ORDER BY source
