-- Loads without the audit row of their import, or rolled back without the audit row of their rollback.
SELECT l.load_id, a.action
FROM loads l
CROSS JOIN (VALUES ('data_imported'), ('load_rolled_back')) a(action)
WHERE (a.action = 'data_imported' OR l.status = 'rolled_back')
  AND NOT EXISTS (
      SELECT 1 FROM audit_log g WHERE g.action = a.action AND g.target = 'load ' || l.load_id
  )
ORDER BY l.load_id, a.action
