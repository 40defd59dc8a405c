-- The changed observations take the values of load $load_id (their old values are in the history already).
MERGE INTO observations o
USING (SELECT * FROM staged WHERE is_changed) s
ON o.area_code = s.area_code AND o.indicator_id = s.indicator_id AND o.period_id = s.period_id
WHEN MATCHED THEN UPDATE SET value = s.value, numerator = s.numerator, denominator = s.denominator,
    status = s.status, source = $source, load_id = $load_id, note = s.note
