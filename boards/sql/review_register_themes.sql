-- The themes of every partnership's current reviews.
WITH current AS (
    SELECT s.partnership_id, arg_max(s.file_hash, l.load_id) AS file_hash
    FROM register_snapshots s
    JOIN loads l ON l.file_hash = s.file_hash AND l.status = 'committed'
    WHERE s.part = 'reviews'
    GROUP BY s.partnership_id
)
SELECT t.partnership_id, t.review_id, t.theme_id
FROM case_review_themes t
JOIN current c USING (partnership_id, file_hash)
ORDER BY t.partnership_id, t.review_id, t.theme_id
