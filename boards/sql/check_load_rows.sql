-- Loads whose figures do not add up. A committed load wrote rows_added + rows_changed figures, each
-- still current (observations) or replaced since (observation_history, kept under the load that wrote
-- it); a rolled-back load has none left in either.
WITH written AS (
    SELECT load_id, count(*) AS found
    FROM (SELECT load_id FROM observations UNION ALL SELECT load_id FROM observation_history)
    GROUP BY load_id
)
SELECT l.load_id,
       l.status,
       CASE WHEN l.status = 'committed' THEN l.rows_added + l.rows_changed ELSE 0 END AS expected,
       coalesce(w.found, 0) AS found
FROM loads l
LEFT JOIN written w USING (load_id)
WHERE coalesce(w.found, 0) <> CASE WHEN l.status = 'committed' THEN l.rows_added + l.rows_changed ELSE 0 END
ORDER BY l.load_id
