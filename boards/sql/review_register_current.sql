-- The snapshot each partnership's register part currently comes from: the latest committed load
-- whose file holds that part for the partnership (boards/migrations/004_case_reviews.sql).
SELECT s.partnership_id, s.part, arg_max(s.file_hash, l.load_id) AS file_hash, max(l.load_id) AS load_id,
       arg_max(l.source, l.load_id) AS source, arg_max(l.file_name, l.load_id) AS file_name
FROM register_snapshots s
JOIN loads l ON l.file_hash = s.file_hash AND l.status = 'committed'
GROUP BY s.partnership_id, s.part
ORDER BY s.partnership_id, s.part
