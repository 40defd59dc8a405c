-- What a load does to the current observations (the table or query `staged`, load_stage_observations.sql).
SELECT count(*) FILTER (is_new) AS added,
       count(*) FILTER (is_changed) AS changed,
       count(*) FILTER (NOT is_new AND NOT is_changed) AS unchanged
FROM staged
