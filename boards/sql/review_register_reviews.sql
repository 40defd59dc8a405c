-- Every partnership's current reviews, with the load they came from.
WITH current AS (
    SELECT s.partnership_id, arg_max(s.file_hash, l.load_id) AS file_hash, max(l.load_id) AS load_id,
           arg_max(l.source, l.load_id) AS source
    FROM register_snapshots s
    JOIN loads l ON l.file_hash = s.file_hash AND l.status = 'committed'
    WHERE s.part = 'reviews'
    GROUP BY s.partnership_id
)
SELECT r.partnership_id, r.review_id, r.kind, r.incident_known_date, r.notification_date, r.rapid_review_date,
       r.decision_date, r.published_date, c.load_id, c.source
FROM case_reviews r
JOIN current c USING (partnership_id, file_hash)
ORDER BY r.partnership_id, r.review_id
