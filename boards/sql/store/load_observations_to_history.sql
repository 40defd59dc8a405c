-- The current observations that load $load_id changes move to the history, superseded by it.
INSERT INTO observation_history (area_code, indicator_id, period_id, value, numerator, denominator, status,
                                 source, load_id, note, superseded_by_load, superseded_at)
SELECT o.area_code, o.indicator_id, o.period_id, o.value, o.numerator, o.denominator, o.status, o.source,
       o.load_id, o.note, $load_id, $superseded_at
FROM observations o
JOIN staged s USING (area_code, indicator_id, period_id)
WHERE s.is_changed
