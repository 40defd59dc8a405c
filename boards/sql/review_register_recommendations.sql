-- Every partnership's current recommendations, with the load they came from.
WITH current AS (
    SELECT s.partnership_id, arg_max(s.file_hash, l.load_id) AS file_hash, max(l.load_id) AS load_id,
           arg_max(l.source, l.load_id) AS source
    FROM register_snapshots s
    JOIN loads l ON l.file_hash = s.file_hash AND l.status = 'committed'
    WHERE s.part = 'recommendations'
    GROUP BY s.partnership_id
)
SELECT r.partnership_id, r.review_id, r.recommendation_id, r.owner_agency, r.due_date, r.status,
       r.completed_date, r.themes, r.impact_check,
       r.impact_checked_date, r.impact_result, c.load_id, c.source
FROM review_recommendations r
JOIN current c USING (partnership_id, file_hash)
ORDER BY r.partnership_id, r.review_id, r.recommendation_id
