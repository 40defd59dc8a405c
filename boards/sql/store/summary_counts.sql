-- What the database holds, in one row: `boards info` and the home page.
SELECT (SELECT count(*) FROM areas) AS areas,
       (SELECT count(DISTINCT partnership_id) FROM partnerships) AS partnerships,
       (SELECT count(*) FROM indicators) AS indicators,
       (SELECT count(DISTINCT period_id) FROM observations) AS periods,
       (SELECT count(*) FROM observations) AS observations,
       (SELECT max(loaded_at) FROM loads WHERE status = 'committed') AS last_load_at
