-- One row of the audit trail. Ids follow on without gaps (an id taken by a transaction that rolled back is
-- taken again), so a missing row shows as a gap that `boards check` reports.
INSERT INTO audit_log (audit_id, occurred_at, actor, action, target, detail)
SELECT coalesce(max(audit_id), 0) + 1, $occurred_at, $actor, $action, $target, $detail
FROM audit_log
