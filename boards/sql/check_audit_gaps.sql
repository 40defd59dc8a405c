-- Audit rows whose id does not follow on from the one before: a row is missing before each.
SELECT audit_id, coalesce(previous, 0) AS previous
FROM (SELECT audit_id, lag(audit_id) OVER (ORDER BY audit_id) AS previous FROM audit_log)
WHERE audit_id <> coalesce(previous, 0) + 1
ORDER BY audit_id
