-- The observations load $load_id replaced, current again (their rows are then removed from the history).
MERGE INTO observations o
USING (SELECT * FROM observation_history WHERE superseded_by_load = $load_id) h
ON o.area_code = h.area_code AND o.indicator_id = h.indicator_id AND o.period_id = h.period_id
WHEN MATCHED THEN UPDATE SET value = h.value, numerator = h.numerator, denominator = h.denominator,
    status = h.status, source = h.source, load_id = h.load_id, note = h.note
