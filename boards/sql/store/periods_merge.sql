-- The periods of the registered frame `incoming_periods` that the database does not have yet.
MERGE INTO periods
USING incoming_periods i ON periods.period_id = i.period_id
WHEN NOT MATCHED THEN INSERT (period_id, granularity, start_date, end_date, label)
    VALUES (i.period_id, i.granularity, i.start_date, i.end_date, i.label)
